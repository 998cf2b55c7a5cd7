//! `scrutin calendar`: the election's timeline (`rulebook::timeline`) for
//! people and calendar apps.
//!
//! Every window of every rule, per region, with a rule's overlapping windows
//! in one region merged into one; as a table, JSON, or an iCalendar file
//! (RFC 5545) with one event per window, in UTC, the rule and its law in the
//! description.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Serialize;

use super::{column_width, local_bounds, utc_bounds, utc_window};
use crate::rulebook::{Rulebook, Window, timeline};

/// One restricted window of one rule in one region.
pub struct Restriction {
    pub rule: usize,
    pub region: usize,
    pub window: Window,
}

/// The windows of the election in `regions` (all when empty), a rule's
/// overlapping windows in a region merged, sorted by start.
pub fn restrictions(rulebook: &Rulebook, regions: &[usize]) -> Vec<Restriction> {
    let mut entries: Vec<Restriction> = timeline(rulebook)
        .into_iter()
        .filter(|e| regions.is_empty() || regions.contains(&e.region))
        .map(|e| Restriction {
            rule: e.rule,
            region: e.region,
            window: e.window,
        })
        .collect();
    entries.sort_by_key(|e| (e.rule, e.region, e.window.start));
    let mut merged: Vec<Restriction> = Vec::new();
    for entry in entries {
        match merged.last_mut() {
            Some(last)
                if last.rule == entry.rule
                    && last.region == entry.region
                    && entry.window.start <= last.window.end =>
            {
                last.window.end = last.window.end.max(entry.window.end);
            }
            _ => merged.push(entry),
        }
    }
    merged.sort_by_key(|e| (e.window.start, e.window.end, e.region, e.rule));
    merged
}

/// The windows as a table, each column as wide as its widest cell (header
/// included), as `rules show` prints its windows; time first, since the
/// rows are sorted by start.
pub fn table(
    rulebook: &Rulebook,
    restrictions: &[Restriction],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{} — restricted windows, [start, end)", rulebook.title)?;
    if let Some(provisional) = &rulebook.provisional {
        writeln!(out, "PROVISIONAL dates: {provisional}")?;
    }
    // The election's named events, which windows and duties count from.
    for event in &rulebook.events {
        writeln!(
            out,
            "event {}: {}",
            event.id,
            event.date.format("%a %Y-%m-%d")
        )?;
    }
    let local =
        |entry: &Restriction| local_bounds(&entry.window, rulebook.regions[entry.region].zone);
    let local_width = column_width(
        restrictions
            .iter()
            .flat_map(|e| local(e).map(|cell| cell.chars().count())),
        "start (local)",
    );
    let region_width = column_width(
        restrictions
            .iter()
            .map(|e| rulebook.regions[e.region].id.chars().count()),
        "region",
    );
    let rule_width = column_width(
        restrictions
            .iter()
            .map(|e| rulebook.rules[e.rule].id.chars().count()),
        "rule",
    );
    writeln!(
        out,
        "{:<local_width$}  {:<local_width$}  {:<region_width$}  {:<rule_width$}  UTC",
        "start (local)", "end (local)", "region", "rule"
    )?;
    for entry in restrictions {
        let [start, end] = local(entry);
        writeln!(
            out,
            "{start:<local_width$}  {end:<local_width$}  {:<region_width$}  {:<rule_width$}  {}",
            rulebook.regions[entry.region].id,
            rulebook.rules[entry.rule].id,
            utc_window(&entry.window),
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonRestriction<'a> {
    rule: &'a str,
    title: &'a str,
    region: &'a str,
    zone: &'a str,
    /// Null for a rule in force at all times.
    start: Option<String>,
    end: Option<String>,
    law: String,
    url: &'a str,
    /// Why the election's dates are not final, if they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<&'a str>,
}

pub fn json(
    rulebook: &Rulebook,
    restrictions: &[Restriction],
    out: &mut dyn Write,
) -> io::Result<()> {
    let list: Vec<JsonRestriction> = restrictions
        .iter()
        .map(|entry| {
            let rule = &rulebook.rules[entry.rule];
            let region = &rulebook.regions[entry.region];
            let [start, end] = utc_bounds(&entry.window);
            JsonRestriction {
                rule: &rule.id,
                title: &rule.title,
                region: &region.id,
                zone: region.zone.name(),
                start,
                end,
                law: rule.citation.to_string(),
                url: &rule.citation.url,
                provisional: rulebook.provisional.as_deref(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// An iCalendar file; `stamp` is the DTSTAMP of every event (when it was made).
pub fn ics(
    rulebook: &Rulebook,
    restrictions: &[Restriction],
    stamp: DateTime<Utc>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut calendar = Calendar::new();
    calendar.name(&format!("{} — scrutin", rulebook.title));
    // An event needs a start: rules in force at all times are said in the
    // calendar's description instead.
    let always: Vec<String> = restrictions
        .iter()
        .filter(|entry| entry.window.is_always())
        .map(|entry| {
            let rule = &rulebook.rules[entry.rule];
            let region = &rulebook.regions[entry.region];
            format!(
                "{}: {} ({}), {}",
                rule.id, rule.title, region.name, rule.citation
            )
        })
        .collect();
    // One line: the crate folds X-WR-CALDESC but does not escape its line
    // breaks.
    let mut description = Vec::new();
    if let Some(provisional) = &rulebook.provisional {
        description.push(format!("PROVISIONAL dates: {provisional}"));
    }
    if !always.is_empty() {
        description.push(format!("In force at all times: {}", always.join("; ")));
    }
    if !description.is_empty() {
        calendar.description(&description.join(" — "));
    }
    for entry in restrictions
        .iter()
        .filter(|entry| !entry.window.is_always())
    {
        let rule = &rulebook.rules[entry.rule];
        let region = &rulebook.regions[entry.region];
        let description = format!(
            "{}\n\n{} — {}\n\n{}",
            rule.title, rule.citation, rule.citation.url, rule.help
        );
        // Calendar apps drop a calendar's own description on import: each
        // event of a provisional election says so itself.
        let (mark, description) = match &rulebook.provisional {
            Some(provisional) => (
                "PROVISIONAL ",
                format!("PROVISIONAL dates: {provisional}\n\n{description}"),
            ),
            None => ("", description),
        };
        let mut event = Event::new();
        if rulebook.provisional.is_some() {
            event.status(icalendar::EventStatus::Tentative);
        }
        let event = event
            // Stable across runs, so a re-imported calendar updates its events.
            .uid(&format!(
                "{}-{}-{}-{}@scrutin",
                rulebook.id,
                rule.id,
                region.id,
                entry.window.start.timestamp()
            ))
            .summary(&format!(
                "{mark}{}: {} ({})",
                rule.id, rule.title, region.name
            ))
            .description(&description)
            .starts(entry.window.start)
            .ends(entry.window.end)
            .timestamp(stamp)
            .done();
        calendar.push(event);
    }
    write!(out, "{}", calendar.done())
}
