//! A rulebook for people (`rules show`) or machines (`rules show --format json`):
//! its regions, rounds and rules, and every window resolved to instants.

use std::io::{self, Write};

use serde::Serialize;

use super::{local_time, round_name, utc_time};
use crate::rulebook::{Filter, Round, Rule, RuleBody, Rulebook, Severity};

pub fn show_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} — {} ({})",
        rulebook.id, rulebook.title, rulebook.jurisdiction
    )?;
    writeln!(out, "rulebook: {}", rulebook.file_name())?;
    writeln!(out)?;
    writeln!(out, "rounds:")?;
    let id_width = rulebook
        .regions
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0);
    let zone_width = rulebook
        .regions
        .iter()
        .map(|r| r.zone.name().len())
        .max()
        .unwrap_or(0);
    for round in &rulebook.rounds {
        writeln!(out, "  {} — {}", round.id, round.name)?;
        for (region, polls) in rulebook.regions.iter().zip(&round.polls) {
            writeln!(
                out,
                "    {:<id_width$}  {:<zone_width$}  vote {}  polls {} → {}",
                region.id,
                region.zone.name(),
                polls.vote,
                local_time(polls.open, region.zone),
                local_time(polls.close, region.zone),
            )?;
        }
    }
    for rule in &rulebook.rules {
        writeln!(out)?;
        show_rule(rulebook, rule, out)?;
    }
    if !rulebook.adjustments.is_empty() {
        writeln!(out, "\nadjusted rules of the law:")?;
    }
    for adjustment in &rulebook.adjustments {
        let change = adjustment
            .severity
            .map_or("disabled".to_string(), |s| format!("severity {s}"));
        writeln!(
            out,
            "  {}: {change} ({})",
            adjustment.rule,
            rulebook.locate(adjustment.place)
        )?;
        writeln!(out, "    reason: {}", adjustment.reason)?;
    }
    Ok(())
}

fn show_rule(rulebook: &Rulebook, rule: &Rule, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} [{}] {}", rule.id, rule.severity, rule.title)?;
    writeln!(out, "  law: {} <{}>", rule.citation, rule.citation.url)?;
    writeln!(
        out,
        "  applies to: {}",
        describe_filter(rulebook, &rule.filter)
    )?;
    match &rule.body {
        RuleBody::Requires(requirement) => {
            let first = if requirement.first_publication_only {
                " (first publication only)"
            } else {
                ""
            };
            writeln!(
                out,
                "  requires: {}{first}",
                requirement.attributes.join(", ")
            )
        }
        RuleBody::Window(window) => {
            let exemption = if window.exempt_earlier_publications {
                " (content first published before the window may stay online)"
            } else {
                ""
            };
            writeln!(
                out,
                "  forbidden from `{}` until `{}`{exemption}",
                window.start, window.end
            )?;
            let id_width = rulebook
                .regions
                .iter()
                .map(|r| r.id.len())
                .max()
                .unwrap_or(0);
            for resolved in &window.windows {
                let zone = rulebook.regions[resolved.region].zone;
                writeln!(
                    out,
                    "    {:<14} {:<id_width$}  {} → {}   UTC [{}, {})",
                    round_name(rulebook, resolved.round),
                    rulebook.regions[resolved.region].id,
                    local_time(resolved.window.start, zone),
                    local_time(resolved.window.end, zone),
                    utc_time(resolved.window.start),
                    utc_time(resolved.window.end),
                )?;
            }
            Ok(())
        }
    }
}

fn describe_filter(rulebook: &Rulebook, filter: &Filter) -> String {
    let mut parts = Vec::new();
    let mut list = |name: &str, values: Option<Vec<String>>| {
        if let Some(values) = values {
            parts.push(format!("{name} {}", values.join(", ")));
        }
    };
    list("kinds", filter.kinds.clone());
    list("channels", filter.channels.clone());
    list(
        "regions",
        filter
            .regions
            .as_ref()
            .map(|r| r.iter().map(|&i| rulebook.regions[i].id.clone()).collect()),
    );
    list("tags", filter.tags.clone());
    for (key, value) in &filter.attributes {
        parts.push(format!("{key}={value}"));
    }
    if parts.is_empty() {
        "every publication".to_string()
    } else {
        parts.join("; ")
    }
}

#[derive(Serialize)]
struct JsonRulebook<'a> {
    id: &'a str,
    title: &'a str,
    jurisdiction: &'a str,
    file: &'a str,
    rounds: Vec<JsonRound<'a>>,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRound<'a> {
    id: &'a str,
    name: &'a str,
    polls: Vec<JsonPolls<'a>>,
}

/// One region's polling day and hours in a round.
#[derive(Serialize)]
struct JsonPolls<'a> {
    region: &'a str,
    zone: &'a str,
    vote: String,
    open: String,
    close: String,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    citation: JsonCitation<'a>,
    help: &'a str,
    requires: Option<&'a [String]>,
    windows: Vec<JsonWindow<'a>>,
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    article: &'a str,
    law: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonWindow<'a> {
    round: Option<&'a str>,
    region: &'a str,
    zone: &'a str,
    start: String,
    end: String,
    local_start: String,
    local_end: String,
}

pub fn show_json(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    let rules = rulebook
        .rules
        .iter()
        .map(|rule| json_rule(rulebook, rule))
        .collect();
    let document = JsonRulebook {
        id: &rulebook.id,
        title: &rulebook.title,
        jurisdiction: &rulebook.jurisdiction,
        file: rulebook.file_name(),
        rounds: rulebook
            .rounds
            .iter()
            .map(|round| json_round(rulebook, round))
            .collect(),
        rules,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn json_round<'a>(rulebook: &'a Rulebook, round: &'a Round) -> JsonRound<'a> {
    let polls = rulebook
        .regions
        .iter()
        .zip(&round.polls)
        .map(|(region, polls)| JsonPolls {
            region: &region.id,
            zone: region.zone.name(),
            vote: polls.vote.to_string(),
            open: utc_time(polls.open),
            close: utc_time(polls.close),
        })
        .collect();
    JsonRound {
        id: &round.id,
        name: &round.name,
        polls,
    }
}

fn json_rule<'a>(rulebook: &'a Rulebook, rule: &'a Rule) -> JsonRule<'a> {
    let (requires, windows) = match &rule.body {
        RuleBody::Requires(requirement) => (Some(requirement.attributes.as_slice()), Vec::new()),
        RuleBody::Window(window) => {
            let windows = window
                .windows
                .iter()
                .map(|resolved| {
                    let region = &rulebook.regions[resolved.region];
                    JsonWindow {
                        round: resolved.round.map(|r| rulebook.rounds[r].id.as_str()),
                        region: &region.id,
                        zone: region.zone.name(),
                        start: utc_time(resolved.window.start),
                        end: utc_time(resolved.window.end),
                        local_start: resolved
                            .window
                            .start
                            .with_timezone(&region.zone)
                            .to_rfc3339(),
                        local_end: resolved.window.end.with_timezone(&region.zone).to_rfc3339(),
                    }
                })
                .collect();
            (None, windows)
        }
    };
    JsonRule {
        id: &rule.id,
        title: &rule.title,
        severity: rule.severity,
        citation: JsonCitation {
            article: &rule.citation.article,
            law: &rule.citation.law,
            url: &rule.citation.url,
        },
        help: &rule.help,
        requires,
        windows,
    }
}
