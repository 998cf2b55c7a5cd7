//! A rulebook for people (`rules show`) or machines (`rules show --format json`):
//! its regions, rounds and rules, and every window resolved to instants.

use std::io::{self, Write};

use serde::Serialize;

use super::{column_width, local_time, round_name, utc_time, utc_window};
use crate::rulebook::{
    Filter, Round, Rule, RuleBody, Rulebook, Severity, TimelineEntry, Window, timeline,
};

pub fn show_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} — {} ({})",
        rulebook.id, rulebook.title, rulebook.jurisdiction
    )?;
    let files: Vec<&str> = rulebook.files.iter().map(|f| f.name()).collect();
    writeln!(out, "rulebook: {}", files.join(", extending "))?;
    show_polls(rulebook, out)?;
    writeln!(out, "\nrules:")?;
    for rule in &rulebook.rules {
        show_rule(rulebook, rule, out)?;
    }
    show_adjustments(rulebook, out)?;
    show_timeline(rulebook, out)
}

fn show_polls(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\npolling days and hours (local):")?;
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
                "    {:<id_width$}  {:<zone_width$}  {} → {}",
                region.id,
                region.zone.name(),
                local_time(polls.open, region.zone),
                local_time(polls.close, region.zone),
            )?;
        }
    }
    Ok(())
}

fn show_rule(rulebook: &Rulebook, rule: &Rule, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "  {} [{}] {}", rule.id, rule.severity, rule.title)?;
    writeln!(out, "    law: {} <{}>", rule.citation, rule.citation.url)?;
    writeln!(
        out,
        "    applies to: {}",
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
                "    requires: {}{first}",
                requirement.attributes.join(", ")
            )
        }
        RuleBody::Window(window) => {
            let exemption = if window.exempt_earlier_publications {
                " (content online before the window may stay)"
            } else {
                ""
            };
            writeln!(
                out,
                "    forbidden from `{}` until `{}`{exemption}",
                window.start, window.end
            )
        }
    }
}

fn show_adjustments(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    if rulebook.adjustments.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nadjusted rules of the law:")?;
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

/// The timeline as a table, one section per round: windows are `[start, end)`.
fn show_timeline(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nrestricted windows, [start, end), sorted by start:")?;
    let entries = timeline(rulebook);
    // Each column as wide as its widest cell, header included.
    let region_width = column_width(
        entries
            .iter()
            .map(|e| rulebook.regions[e.region].id.chars().count()),
        "region",
    );
    let rule_width = column_width(
        entries
            .iter()
            .map(|e| rulebook.rules[e.rule].id.chars().count()),
        "rule",
    );
    let local_width = column_width(
        entries.iter().flat_map(|e| {
            let zone = rulebook.regions[e.region].zone;
            [e.window.start, e.window.end].map(|instant| local_time(instant, zone).chars().count())
        }),
        "start (local)",
    );
    let mut round = None;
    for (n, entry) in entries.iter().enumerate() {
        if n == 0 || entry.round != round {
            round = entry.round;
            writeln!(out, "  {}", round_name(rulebook, round))?;
            writeln!(
                out,
                "    {:<rule_width$}  {:<region_width$}  {:<local_width$}  {:<local_width$}  UTC",
                "rule", "region", "start (local)", "end (local)"
            )?;
        }
        let zone = rulebook.regions[entry.region].zone;
        writeln!(
            out,
            "    {:<rule_width$}  {:<region_width$}  {:<local_width$}  {:<local_width$}  {}",
            rulebook.rules[entry.rule].id,
            rulebook.regions[entry.region].id,
            local_time(entry.window.start, zone),
            local_time(entry.window.end, zone),
            utc_window(&entry.window),
        )?;
    }
    Ok(())
}

pub(super) fn describe_filter(rulebook: &Rulebook, filter: &Filter) -> String {
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
    /// Every restricted window, sorted as in `rulebook::timeline` (the
    /// key, `calendar`, is part of the JSON output and keeps its name).
    calendar: Vec<JsonTimelineEntry<'a>>,
}

#[derive(Serialize)]
struct JsonTimelineEntry<'a> {
    round: Option<&'a str>,
    region: &'a str,
    rule: &'a str,
    start: String,
    end: String,
    local_start: String,
    local_end: String,
}

fn json_timeline(rulebook: &Rulebook) -> Vec<JsonTimelineEntry<'_>> {
    timeline(rulebook)
        .iter()
        .map(|entry| {
            let region = &rulebook.regions[entry.region];
            JsonTimelineEntry {
                round: entry.round.map(|r| rulebook.rounds[r].id.as_str()),
                region: &region.id,
                rule: &rulebook.rules[entry.rule].id,
                start: utc_time(entry.window.start),
                end: utc_time(entry.window.end),
                local_start: entry.window.start.with_timezone(&region.zone).to_rfc3339(),
                local_end: entry.window.end.with_timezone(&region.zone).to_rfc3339(),
            }
        })
        .collect()
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
        calendar: json_timeline(rulebook),
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
                    json_window(rulebook, resolved.round, resolved.region, &resolved.window)
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

/// A window of a round (or the whole election) in a region, in UTC and local time.
fn json_window<'a>(
    rulebook: &'a Rulebook,
    round: Option<usize>,
    region: usize,
    window: &Window,
) -> JsonWindow<'a> {
    let region = &rulebook.regions[region];
    JsonWindow {
        round: round.map(|r| rulebook.rounds[r].id.as_str()),
        region: &region.id,
        zone: region.zone.name(),
        start: utc_time(window.start),
        end: utc_time(window.end),
        local_start: window.start.with_timezone(&region.zone).to_rfc3339(),
        local_end: window.end.with_timezone(&region.zone).to_rfc3339(),
    }
}

/// `explain --format json`: the rule as `rules show --format json` gives it
/// (citation, help, requirement, every window per round and region in UTC and
/// local time), with what only one rule's explanation needs.
#[derive(Serialize)]
struct JsonExplanation<'a> {
    rulebook: &'a str,
    #[serde(flatten)]
    rule: JsonRule<'a>,
    /// The citation as one line, as the other reports cite it.
    law: String,
    filter: JsonFilter<'a>,
    /// The filter in words, as `rules show` says it.
    applies_to: String,
    /// The window's anchors as written, for a window rule.
    forbidden: Option<JsonAnchors<'a>>,
    first_publication_only: Option<bool>,
    defined_at: String,
    adjusted: Option<JsonAdjustment<'a>>,
}

/// Which publications the rule is about; `null` matches every one.
#[derive(Serialize)]
struct JsonFilter<'a> {
    kinds: Option<&'a [String]>,
    channels: Option<&'a [String]>,
    regions: Option<Vec<&'a str>>,
    tags: Option<&'a [String]>,
    attributes: std::collections::BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct JsonAnchors<'a> {
    start: &'a str,
    end: &'a str,
    exempt_earlier_publications: bool,
}

#[derive(Serialize)]
struct JsonAdjustment<'a> {
    /// The severity the election file gave the law's rule; `None` when it
    /// disabled it (and, when the rule is explained, replaced it with its own).
    severity: Option<Severity>,
    reason: &'a str,
    at: String,
}

pub fn explain_json(rulebook: &Rulebook, rule: usize, out: &mut dyn Write) -> io::Result<()> {
    let rule_ref = &rulebook.rules[rule];
    let filter = &rule_ref.filter;
    let (forbidden, first_publication_only) = match &rule_ref.body {
        RuleBody::Window(window) => (
            Some(JsonAnchors {
                start: &window.start,
                end: &window.end,
                exempt_earlier_publications: window.exempt_earlier_publications,
            }),
            None,
        ),
        RuleBody::Requires(requirement) => (None, Some(requirement.first_publication_only)),
    };
    let mut rule_json = json_rule(rulebook, rule_ref);
    // Per round, then by start, as the human explanation lists them.
    rule_json.windows = timeline(rulebook)
        .iter()
        .filter(|entry| entry.rule == rule)
        .map(|entry| json_window(rulebook, entry.round, entry.region, &entry.window))
        .collect();
    let document = JsonExplanation {
        rulebook: &rulebook.id,
        rule: rule_json,
        law: rule_ref.citation.to_string(),
        filter: JsonFilter {
            kinds: filter.kinds.as_deref(),
            channels: filter.channels.as_deref(),
            regions: filter
                .regions
                .as_ref()
                .map(|r| r.iter().map(|&i| rulebook.regions[i].id.as_str()).collect()),
            tags: filter.tags.as_deref(),
            attributes: filter
                .attributes
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        },
        applies_to: describe_filter(rulebook, filter),
        forbidden,
        first_publication_only,
        defined_at: rulebook.locate(rule_ref.place),
        adjusted: rulebook
            .adjustments
            .iter()
            .find(|a| a.rule == rule_ref.id)
            .map(|a| JsonAdjustment {
                severity: a.severity,
                reason: &a.reason,
                at: rulebook.locate(a.place),
            }),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Everything about one rule: its text, law, filter and every window.
pub fn explain_text(rulebook: &Rulebook, rule: usize, out: &mut dyn Write) -> io::Result<()> {
    let rule_ref = &rulebook.rules[rule];
    show_rule(rulebook, rule_ref, out)?;
    writeln!(out, "    defined at: {}", rulebook.locate(rule_ref.place))?;
    if let Some(adjustment) = rulebook.adjustments.iter().find(|a| a.rule == rule_ref.id) {
        writeln!(
            out,
            "    adjusted at {}: {}",
            rulebook.locate(adjustment.place),
            adjustment.reason
        )?;
    }
    writeln!(out, "\n{}", textwrap::fill(&rule_ref.help, 100))?;
    let windows: Vec<TimelineEntry> = timeline(rulebook)
        .into_iter()
        .filter(|e| e.rule == rule)
        .collect();
    if windows.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nwindows, [start, end):")?;
    for entry in windows {
        let region = &rulebook.regions[entry.region];
        writeln!(
            out,
            "  {} · {}: {} → {}   UTC {}",
            round_name(rulebook, entry.round),
            region.id,
            local_time(entry.window.start, region.zone),
            local_time(entry.window.end, region.zone),
            utc_window(&entry.window),
        )?;
    }
    Ok(())
}
