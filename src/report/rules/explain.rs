//! `scrutin explain`: everything about one rule, as text or JSON.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{JsonRule, json_rule, json_window};
use super::{describe_filter, show_rule};
use crate::report::{AT_ALL_TIMES, duration_text, local_time, round_name, utc_window};
use crate::rulebook::{RuleBody, Rulebook, Severity, TimelineEntry, timeline};

/// `explain --format json`: the rule as `rules show --format json` gives it
/// (citation, help, requirement, every window per round and region in UTC and
/// local time), with what only one rule's explanation needs.
#[derive(Serialize)]
struct JsonExplanation<'a> {
    rulebook: &'a str,
    /// Why the election's dates are not final, if they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<&'a str>,
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
    /// A duty that binds copies published within this time of the first
    /// (`24h`), for a `requires` rule with `copies_within`.
    #[serde(skip_serializing_if = "Option::is_none")]
    copies_within: Option<String>,
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
    /// Attributes tested against a set of values (`one_of`, `none_of`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attribute_sets: Vec<JsonAttributeSet<'a>>,
}

#[derive(Serialize)]
struct JsonAttributeSet<'a> {
    key: &'a str,
    values: &'a [String],
    none_of: bool,
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
        RuleBody::Burst(_) | RuleBody::Balance(_) => (None, None),
    };
    let mut rule_json = json_rule(rulebook, rule_ref);
    // Per round, then by start, as the human explanation lists them (a
    // duty's period is no restricted window: it keeps its own).
    if matches!(rule_ref.body, RuleBody::Window(_)) {
        rule_json.windows = timeline(rulebook)
            .iter()
            .filter(|entry| entry.rule == rule)
            .map(|entry| json_window(rulebook, entry.round, entry.region, &entry.window))
            .collect();
    }
    let document = JsonExplanation {
        rulebook: &rulebook.id,
        provisional: rulebook.provisional.as_deref(),
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
            attribute_sets: filter
                .attribute_sets
                .iter()
                .map(|s| JsonAttributeSet {
                    key: &s.key,
                    values: &s.values,
                    none_of: s.none_of,
                })
                .collect(),
        },
        applies_to: describe_filter(rulebook, filter),
        forbidden,
        first_publication_only,
        copies_within: match &rule_ref.body {
            RuleBody::Requires(requirement) => requirement.copies_within.map(duration_text),
            RuleBody::Window(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => None,
        },
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
    if let Some(provisional) = &rulebook.provisional {
        writeln!(out, "PROVISIONAL dates: {provisional}")?;
    }
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
        if entry.window.is_always() {
            writeln!(out, "  {AT_ALL_TIMES} · {}", region.id)?;
            continue;
        }
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
