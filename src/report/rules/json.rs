//! `rules show --format json`: the rulebook, and every window resolved to
//! instants in UTC and local time.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::{
    basis_points_text, duration_text, measure_name, slot_text, utc_bounds, utc_time,
};
use crate::rulebook::{Round, Rule, RuleBody, Rulebook, Severity, Window, timeline};

#[derive(Serialize)]
struct JsonRulebook<'a> {
    id: &'a str,
    title: &'a str,
    jurisdiction: &'a str,
    /// Why the election's dates are not final, if they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<&'a str>,
    file: &'a str,
    rounds: Vec<JsonRound<'a>>,
    /// The election's named events (`event(NAME)` in anchors), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    events: Vec<JsonEvent<'a>>,
    rules: Vec<JsonRule<'a>>,
    /// Every restricted window, sorted as in `rulebook::timeline` (the
    /// key, `calendar`, is part of the JSON output and keeps its name).
    calendar: Vec<JsonTimelineEntry<'a>>,
    /// The law's rules not in force on the election's first polling day.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    left_out: Vec<JsonLeftOut<'a>>,
}

#[derive(Serialize)]
struct JsonLeftOut<'a> {
    id: &'a str,
    title: &'a str,
    in_force: JsonInForce<'a>,
}

#[derive(Serialize)]
pub(super) struct JsonInForce<'a> {
    from: Option<String>,
    until: Option<String>,
    by: &'a str,
}

pub(super) fn json_in_force(in_force: &crate::rulebook::InForce) -> JsonInForce<'_> {
    JsonInForce {
        from: in_force.from.map(|d| d.to_string()),
        until: in_force.until.map(|d| d.to_string()),
        by: &in_force.by,
    }
}

#[derive(Serialize)]
struct JsonTimelineEntry<'a> {
    round: Option<&'a str>,
    region: &'a str,
    rule: &'a str,
    /// The four are null for a window in force at all times.
    start: Option<String>,
    end: Option<String>,
    local_start: Option<String>,
    local_end: Option<String>,
}

fn json_timeline(rulebook: &Rulebook) -> Vec<JsonTimelineEntry<'_>> {
    timeline(rulebook)
        .iter()
        .map(|entry| {
            let region = &rulebook.regions[entry.region];
            let [start, end] = utc_bounds(&entry.window);
            let [local_start, local_end] = local_rfc3339(&entry.window, region.zone);
            JsonTimelineEntry {
                round: entry.round.map(|r| rulebook.rounds[r].id.as_str()),
                region: &region.id,
                rule: &rulebook.rules[entry.rule].id,
                start,
                end,
                local_start,
                local_end,
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
struct JsonEvent<'a> {
    id: &'a str,
    date: String,
}

#[derive(Serialize)]
pub(super) struct JsonRule<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    citation: JsonCitation<'a>,
    help: &'a str,
    requires: Option<&'a [String]>,
    /// A duty's day counted from a date the publication carries, as
    /// `registered + 6 days 00:00 (America/Sao_Paulo)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<String>,
    /// When it is law, if the rulebook says.
    #[serde(skip_serializing_if = "Option::is_none")]
    in_force: Option<JsonInForce<'a>>,
    /// A duty's period, as written: when a `requires` rule holds (its
    /// windows are then the period's); for a burst, when publications count.
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<JsonPeriod<'a>>,
    /// A rule over many publications: its threshold, duration and grouping.
    #[serde(skip_serializing_if = "Option::is_none")]
    burst: Option<JsonBurst<'a>>,
    /// A rule over many publications: what it totals and compares.
    #[serde(skip_serializing_if = "Option::is_none")]
    balance: Option<JsonBalance<'a>>,
    pub(super) windows: Vec<JsonWindow<'a>>,
}

#[derive(Serialize)]
struct JsonBurst<'a> {
    more_than: u32,
    within: String,
    /// The field that groups publications; `null` for all together.
    per: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonBalance<'a> {
    of: &'static str,
    by: &'a str,
    among: Option<&'a [String]>,
    per: Option<&'a str>,
    slots: Vec<String>,
    tolerance: String,
}

#[derive(Serialize)]
struct JsonPeriod<'a> {
    start: &'a str,
    end: &'a str,
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    article: &'a str,
    law: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
pub(super) struct JsonWindow<'a> {
    round: Option<&'a str>,
    region: &'a str,
    zone: &'a str,
    /// The four are null for a window in force at all times.
    start: Option<String>,
    end: Option<String>,
    local_start: Option<String>,
    local_end: Option<String>,
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
        provisional: rulebook.provisional.as_deref(),
        file: rulebook.file_name(),
        rounds: rulebook
            .rounds
            .iter()
            .map(|round| json_round(rulebook, round))
            .collect(),
        events: rulebook
            .events
            .iter()
            .map(|e| JsonEvent {
                id: &e.id,
                date: e.date.to_string(),
            })
            .collect(),
        rules,
        calendar: json_timeline(rulebook),
        left_out: rulebook
            .left_out
            .iter()
            .map(|rule| JsonLeftOut {
                id: &rule.id,
                title: &rule.title,
                in_force: json_in_force(&rule.in_force),
            })
            .collect(),
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

pub(super) fn json_rule<'a>(rulebook: &'a Rulebook, rule: &'a Rule) -> JsonRule<'a> {
    let windows_of = |window: &'a crate::rulebook::WindowRule| -> Vec<JsonWindow<'a>> {
        window
            .windows
            .iter()
            .map(|resolved| {
                json_window(rulebook, resolved.round, resolved.region, &resolved.window)
            })
            .collect()
    };
    let (requires, period, windows) = match &rule.body {
        RuleBody::Requires(requirement) => {
            let period = requirement.period.as_ref().map(|p| JsonPeriod {
                start: &p.start,
                end: &p.end,
            });
            let windows = requirement
                .period
                .as_ref()
                .map_or_else(Vec::new, windows_of);
            (Some(requirement.attributes.as_slice()), period, windows)
        }
        RuleBody::Window(window) => (None, None, windows_of(window)),
        // A burst counts inside its window, as a duty holds in its period.
        RuleBody::Burst(burst) => {
            let period = burst.window.as_ref().map(|p| JsonPeriod {
                start: &p.start,
                end: &p.end,
            });
            let windows = burst.window.as_ref().map_or_else(Vec::new, windows_of);
            (None, period, windows)
        }
        RuleBody::Balance(balance) => {
            let period = balance.window.as_ref().map(|p| JsonPeriod {
                start: &p.start,
                end: &p.end,
            });
            let windows = balance.window.as_ref().map_or_else(Vec::new, windows_of);
            (None, period, windows)
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
        not_before: match &rule.body {
            RuleBody::Requires(requirement) => requirement.not_before.as_ref().map(|n| n.text()),
            _ => None,
        },
        in_force: rule.in_force.as_ref().map(json_in_force),
        period,
        burst: match &rule.body {
            RuleBody::Burst(burst) => Some(JsonBurst {
                more_than: burst.more_than,
                within: duration_text(burst.within),
                per: burst.per.as_deref(),
            }),
            _ => None,
        },
        balance: match &rule.body {
            RuleBody::Balance(balance) => Some(JsonBalance {
                of: measure_name(balance.of),
                by: &balance.by,
                among: balance.among.as_deref(),
                per: balance.per.as_deref(),
                slots: balance.slots.iter().map(|&s| slot_text(s)).collect(),
                tolerance: basis_points_text(balance.tolerance),
            }),
            _ => None,
        },
        windows,
    }
}

/// A window of a round (or the whole election) in a region, in UTC and local time.
pub(super) fn json_window<'a>(
    rulebook: &'a Rulebook,
    round: Option<usize>,
    region: usize,
    window: &Window,
) -> JsonWindow<'a> {
    let region = &rulebook.regions[region];
    let [start, end] = utc_bounds(window);
    let [local_start, local_end] = local_rfc3339(window, region.zone);
    JsonWindow {
        round: round.map(|r| rulebook.rounds[r].id.as_str()),
        region: &region.id,
        zone: region.zone.name(),
        start,
        end,
        local_start,
        local_end,
    }
}

/// A window's ends in local time with their offsets (RFC 3339); none for a
/// window in force at all times.
fn local_rfc3339(window: &Window, zone: chrono_tz::Tz) -> [Option<String>; 2] {
    if window.is_always() {
        return [None, None];
    }
    [window.start, window.end].map(|instant| Some(instant.with_timezone(&zone).to_rfc3339()))
}
