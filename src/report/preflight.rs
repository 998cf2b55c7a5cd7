//! Preflight answers for people and machines.

use std::io::{self, Write};

use serde::Serialize;

use super::json::JsonOverlap;
use super::{
    local_time, local_window, missing_text, round_label, round_name, utc_bounds, utc_time,
    utc_window,
};
use crate::check::{Finding, Violation};
use crate::preflight::{Answer, Verdict, election_end};
use crate::publication::Publication;
use crate::rulebook::{Rulebook, Severity, Window};
use crate::source::escape_unsafe;

pub fn answer_text(
    rulebook: &Rulebook,
    publication: &Publication,
    answer: &Answer,
    out: &mut dyn Write,
) -> io::Result<()> {
    let zone = rulebook.regions[publication.regions()[0]].zone;
    let regions: Vec<&str> = publication
        .regions()
        .iter()
        .map(|&r| rulebook.regions[r].id.as_str())
        .collect();
    let verdict = match answer.verdict() {
        Verdict::Allowed => "ALLOWED",
        Verdict::Blocked => "BLOCKED",
        Verdict::MissingNotice => "MISSING NOTICE",
    };
    let when = match publication.end() {
        Some(end) => {
            let run = Window {
                start: publication.instant(),
                end,
            };
            format!(
                "from {} to {} (UTC {})",
                local_time(run.start, zone),
                local_time(run.end, zone),
                utc_window(&run)
            )
        }
        None => format!(
            "at {} ({})",
            local_time(publication.instant(), zone),
            utc_time(publication.instant())
        ),
    };
    writeln!(
        out,
        "{verdict}: a `{}` {when} in {}",
        publication.kind(),
        regions.join(", ")
    )?;
    upcoming_text(rulebook, publication, answer, out)?;
    for finding in &answer.blocking {
        let rule = &rulebook.rules[finding.rule];
        let Violation::InsideWindow { round, windows } = &finding.violation else {
            continue;
        };
        writeln!(
            out,
            "\n  {} [{}] {} ({})",
            rule.id,
            rule.severity,
            rule.title,
            match windows.first() {
                Some(first) => round_label(
                    rulebook,
                    *round,
                    &first.window,
                    rulebook.regions[first.region].zone
                ),
                None => round_name(rulebook, *round),
            }
        )?;
        writeln!(out, "    law: {} <{}>", rule.citation, rule.citation.url)?;
        for window in windows {
            let region = &rulebook.regions[window.region];
            writeln!(
                out,
                "    {}: {}",
                region.id,
                local_window(&window.window, region.zone)
            )?;
            if !window.window.is_always() {
                writeln!(out, "      UTC {}", utc_window(&window.window))?;
            }
            if let Some(overlap) = &window.overlap {
                writeln!(
                    out,
                    "      may not run: {}",
                    local_window(overlap, region.zone)
                )?;
                writeln!(out, "        UTC {}", utc_window(overlap))?;
            }
        }
        writeln!(
            out,
            "    {}",
            textwrap::fill(&rule.help, 96).replace('\n', "\n    ")
        )?;
    }
    match (answer.allowed_from, answer.allowed_until) {
        (Some(from), Some(until)) => {
            writeln!(
                out,
                "\nearliest start from which all of it may run: {} ({}), until {} ({})",
                local_time(from, zone),
                utc_time(from),
                local_time(until, zone),
                utc_time(until)
            )?;
            for &region in publication.regions().iter().skip(1) {
                let region = &rulebook.regions[region];
                writeln!(
                    out,
                    "  in {}: {} until {}",
                    region.id,
                    local_time(from, region.zone),
                    local_time(until, region.zone)
                )?;
            }
        }
        (Some(from), None) => {
            writeln!(
                out,
                "\nearliest allowed: {} ({})",
                local_time(from, zone),
                utc_time(from)
            )?;
            for &region in publication.regions().iter().skip(1) {
                let region = &rulebook.regions[region];
                writeln!(out, "  in {}: {}", region.id, local_time(from, region.zone))?;
            }
        }
        (None, _) if answer.verdict() == Verdict::Blocked => {
            writeln!(
                out,
                "\nearliest allowed: never (a rule forbids it at all times)"
            )?;
        }
        (None, _) => {}
    }
    for finding in &answer.to_add {
        let rule = &rulebook.rules[finding.rule];
        if let Violation::MissingAttributes(missing) = &finding.violation {
            writeln!(
                out,
                "\nto add before publishing: {} ({}: {})",
                escape_unsafe(&missing_text(publication, missing)),
                rule.id,
                rule.citation
            )?;
        }
    }
    if let Some(end) = answer.election_over {
        writeln!(
            out,
            "\nthe election of this rulebook ({}) is over: it ended {} ({}); \
             a later election needs its own rulebook",
            rulebook.id,
            local_time(end, zone),
            utc_time(end)
        )?;
    }
    if let Some(provisional) = &rulebook.provisional {
        writeln!(
            out,
            "\nPROVISIONAL: the dates of {} are not final: {provisional}",
            rulebook.id
        )?;
    }
    Ok(())
}

/// `allowed now; from … a `poll` is forbidden until … in metropole (poll-ban)`.
fn upcoming_text(
    rulebook: &Rulebook,
    publication: &Publication,
    answer: &Answer,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lasts = publication.end().is_some();
    let now = match (answer.verdict(), lasts) {
        (Verdict::Allowed, false) => "allowed now",
        (Verdict::Allowed, true) => "allowed as asked",
        // Missing attributes: no window forbids it now, but it is not allowed.
        (Verdict::MissingNotice | Verdict::Blocked, false) => "no window forbids it now",
        (Verdict::MissingNotice | Verdict::Blocked, true) => "no window forbids it as asked",
    };
    if !answer.upcoming.is_empty() {
        writeln!(out)?;
    }
    for upcoming in &answer.upcoming {
        let region = &rulebook.regions[upcoming.region];
        writeln!(
            out,
            "{now}; from {} a `{}` is forbidden until {} in {} ({})",
            local_time(upcoming.window.start, region.zone),
            publication.kind(),
            local_time(upcoming.window.end, region.zone),
            region.id,
            rulebook.rules[upcoming.rule].id
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    /// `allowed`, `blocked` or `missing-notice`.
    verdict: &'static str,
    /// `verdict == "allowed"`, kept for the clients written before `verdict`.
    allowed: bool,
    /// The rulebook's id: which election (and scenario) answers.
    rulebook: &'a str,
    /// Why the election's dates are not final, if they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<&'a str>,
    at: String,
    /// The end of the interval asked about, for a publication that lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<String>,
    kind: &'a str,
    regions: Vec<&'a str>,
    blocking: Vec<JsonBlocking<'a>>,
    to_add: Vec<JsonToAdd<'a>>,
    allowed_from: Option<String>,
    /// For a publication that lasts, the end of the run from
    /// `allowed_from` (null when it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_until: Option<Option<String>>,
    /// Windows that would forbid it opening within 48 hours (when none does now).
    upcoming: Vec<JsonUpcoming<'a>>,
    /// The instant asked is after the end of the election.
    election_over: bool,
    election_end: Option<String>,
}

#[derive(Serialize)]
struct JsonUpcoming<'a> {
    rule: &'a str,
    region: &'a str,
    start: String,
    end: String,
}

#[derive(Serialize)]
struct JsonBlocking<'a> {
    rule: &'a str,
    title: &'a str,
    severity: Severity,
    round: Option<&'a str>,
    law: String,
    url: &'a str,
    help: &'a str,
    windows: Vec<JsonWindow<'a>>,
}

#[derive(Serialize)]
struct JsonWindow<'a> {
    region: &'a str,
    /// Null for a rule in force at all times.
    start: Option<String>,
    end: Option<String>,
    /// The part of the window that the publication that lasts may not run in.
    #[serde(skip_serializing_if = "Option::is_none")]
    overlap: Option<JsonOverlap>,
}

#[derive(Serialize)]
struct JsonToAdd<'a> {
    rule: &'a str,
    missing: &'a [String],
    law: String,
    url: &'a str,
}

fn blocking<'a>(rulebook: &'a Rulebook, finding: &'a Finding) -> Option<JsonBlocking<'a>> {
    let Violation::InsideWindow { round, windows } = &finding.violation else {
        return None;
    };
    let rule = &rulebook.rules[finding.rule];
    Some(JsonBlocking {
        rule: &rule.id,
        title: &rule.title,
        severity: rule.severity,
        round: round.map(|r| rulebook.rounds[r].id.as_str()),
        law: rule.citation.to_string(),
        url: &rule.citation.url,
        help: &rule.help,
        windows: windows
            .iter()
            .map(|w| {
                let region = &rulebook.regions[w.region];
                let [start, end] = utc_bounds(&w.window);
                JsonWindow {
                    region: &region.id,
                    start,
                    end,
                    overlap: w.overlap.map(|o| JsonOverlap::new(&o, region.zone)),
                }
            })
            .collect(),
    })
}

pub fn answer_json(
    rulebook: &Rulebook,
    publication: &Publication,
    answer: &Answer,
    out: &mut dyn Write,
) -> io::Result<()> {
    let document = JsonAnswer {
        verdict: answer.verdict().name(),
        allowed: answer.verdict() == Verdict::Allowed,
        rulebook: &rulebook.id,
        provisional: rulebook.provisional.as_deref(),
        at: utc_time(publication.instant()),
        until: publication.end().map(utc_time),
        kind: publication.kind(),
        regions: publication
            .regions()
            .iter()
            .map(|&r| rulebook.regions[r].id.as_str())
            .collect(),
        blocking: answer
            .blocking
            .iter()
            .filter_map(|f| blocking(rulebook, f))
            .collect(),
        to_add: answer
            .to_add
            .iter()
            .filter_map(|f| match &f.violation {
                Violation::MissingAttributes(missing) => {
                    let rule = &rulebook.rules[f.rule];
                    Some(JsonToAdd {
                        rule: &rule.id,
                        missing,
                        law: rule.citation.to_string(),
                        url: &rule.citation.url,
                    })
                }
                Violation::InsideWindow { .. } => None,
            })
            .collect(),
        allowed_from: answer.allowed_from.map(utc_time),
        allowed_until: publication
            .end()
            .map(|_| answer.allowed_until.map(utc_time)),
        upcoming: answer
            .upcoming
            .iter()
            .map(|u| JsonUpcoming {
                rule: &rulebook.rules[u.rule].id,
                region: &rulebook.regions[u.region].id,
                start: utc_time(u.window.start),
                end: utc_time(u.window.end),
            })
            .collect(),
        election_over: answer.election_over.is_some(),
        election_end: election_end(rulebook).map(utc_time),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
