//! A rulebook for people (`rules show`) or machines (`rules show --format json`):
//! its regions, rounds and rules, and every window resolved to instants.
//!
//! Here is the text of `rules show`; `json` is its JSON, and `explain` tells
//! everything about one rule (`scrutin explain`), as text or JSON.

mod explain;
mod json;

use std::io::{self, Write};

use super::{
    basis_points_text, column_width, copies_text, duration_text, local_bounds, local_time,
    measure_name, round_name, slot_text, utc_window,
};
use crate::rulebook::{Filter, Rule, RuleBody, Rulebook, timeline};
use crate::source::escape_unsafe;

pub use explain::{explain_json, explain_text};
pub use json::show_json;

pub fn show_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} — {} ({})",
        rulebook.id, rulebook.title, rulebook.jurisdiction
    )?;
    let files: Vec<&str> = rulebook.files.iter().map(|f| f.name()).collect();
    writeln!(out, "rulebook: {}", files.join(", extending "))?;
    if let Some(provisional) = &rulebook.provisional {
        writeln!(out, "PROVISIONAL dates: {provisional}")?;
    }
    show_polls(rulebook, out)?;
    writeln!(out, "\nrules:")?;
    for rule in &rulebook.rules {
        show_rule(rulebook, rule, out)?;
    }
    show_adjustments(rulebook, out)?;
    show_left_out(rulebook, out)?;
    show_timeline(rulebook, out)
}

/// The law's rules not in force on the election's dates, and why.
fn show_left_out(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    let Some(first) = rulebook.left_out.first() else {
        return Ok(());
    };
    writeln!(
        out,
        "
rules of the law not in force on the election's first polling day ({}):",
        first.on
    )?;
    for rule in &rulebook.left_out {
        writeln!(out, "  {}: {}", rule.id, rule.title)?;
        writeln!(out, "    {}", rule.in_force)?;
    }
    Ok(())
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
    for event in &rulebook.events {
        writeln!(
            out,
            "  event {}: {}",
            event.id,
            event.date.format("%a %Y-%m-%d")
        )?;
    }
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
    if let Some(in_force) = &rule.in_force {
        writeln!(out, "    {in_force}")?;
    }
    match &rule.body {
        RuleBody::Requires(requirement) => {
            let first = copies_text(requirement);
            writeln!(
                out,
                "    requires: {}{first}",
                escape_unsafe(&requirement.attributes.join(", "))
            )?;
            if let Some(not_before) = &requirement.not_before {
                writeln!(out, "    not before: {}", escape_unsafe(&not_before.text()))?;
            }
            match &requirement.period {
                Some(period) => writeln!(
                    out,
                    "    a duty from `{}` until `{}`",
                    period.start, period.end
                ),
                None => Ok(()),
            }
        }
        RuleBody::Burst(burst) => {
            let per = burst
                .per
                .as_ref()
                .map_or(String::new(), |per| format!(" per {per}"));
            writeln!(
                out,
                "    a burst: more than {} publications within {}{per}",
                burst.more_than,
                duration_text(burst.within)
            )?;
            match &burst.window {
                Some(window) => writeln!(
                    out,
                    "    counted from `{}` until `{}`",
                    window.start, window.end
                ),
                None => Ok(()),
            }
        }
        RuleBody::Balance(balance) => {
            let per = balance
                .per
                .as_ref()
                .map_or(String::new(), |per| format!(" per {per}"));
            let slots: Vec<String> = balance.slots.iter().map(|&s| slot_text(s)).collect();
            let slots = if slots.is_empty() {
                String::new()
            } else {
                format!(", in each slot {}", slots.join(", "))
            };
            writeln!(
                out,
                "    a balance: {} per {}{per}{slots}, each within {} of an equal share",
                measure_name(balance.of),
                balance.by,
                basis_points_text(balance.tolerance)
            )?;
            if let Some(among) = &balance.among {
                writeln!(out, "    among {}", among.join(", "))?;
            }
            match &balance.window {
                Some(window) => writeln!(
                    out,
                    "    totalled from `{}` until `{}`",
                    window.start, window.end
                ),
                None => Ok(()),
            }
        }
        RuleBody::Window(window) => {
            let exemption = if window.exempt_earlier_publications {
                " (content online before the window may stay)"
            } else {
                ""
            };
            if window.always {
                return writeln!(out, "    forbidden at all times");
            }
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
            local_bounds(&e.window, zone).map(|cell| cell.chars().count())
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
        let [start, end] = local_bounds(&entry.window, rulebook.regions[entry.region].zone);
        writeln!(
            out,
            "    {:<rule_width$}  {:<region_width$}  {start:<local_width$}  {end:<local_width$}  {}",
            rulebook.rules[entry.rule].id,
            rulebook.regions[entry.region].id,
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
    // Keys and values come from the rulebook and may reach a terminal.
    for (key, value) in &filter.attributes {
        parts.push(escape_unsafe(&format!("{key}={value}")));
    }
    for set in &filter.attribute_sets {
        let test = if set.none_of { "none of" } else { "one of" };
        let text = format!("{} {test} {}", set.key, set.values.join(", "));
        parts.push(escape_unsafe(&text));
    }
    if parts.is_empty() {
        "every publication".to_string()
    } else {
        parts.join("; ")
    }
}
