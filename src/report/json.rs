//! Findings for machines: one JSON document.
//!
//! Violations are written as they are found, so that memory does not grow
//! with them on a campaign's worth of log: the document opens with `version`
//! and `rulebook`, streams `violations`, and ends with the lists filled in
//! the same pass (invalid lines, unreadable files, waived findings, waiver
//! warnings), kept aside in bounded memory or a temporary file until then,
//! and the `summary`, known only at the end.
//!
//! Built with serde from scrutin's own types (miette's JSON handler is not a
//! stable machine format). Instants are RFC 3339 in UTC; lines and columns are
//! 1-based, columns counted in characters. `version` changes only when a field
//! changes meaning or disappears.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use serde::Serialize;

use super::json_list::{JsonList, SpilledList, write_pretty};
use super::{Report, finding_offset, message, utc_time};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::{RegionWindow, RuleBody, Rulebook, Severity};
use crate::source::{char_column, escape_unsafe};
use crate::waiver::{Acceptance, WaiverWarning};

pub(super) const JSON_VERSION: u32 = 1;

pub struct JsonReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    /// The violations, written as found; the document is open once one is.
    violations: JsonList,
    invalid: SpilledList,
    unreadable: SpilledList,
    waived: SpilledList,
    waiver_warnings: SpilledList,
    times: HashMap<DateTime<Utc>, String>,
}

/// A finding a waiver accepted: the finding, and why.
#[derive(Serialize)]
struct JsonWaived<'a> {
    #[serde(flatten)]
    finding: JsonViolation<'a>,
    waiver: JsonWaiver,
}

#[derive(Serialize)]
struct JsonWaiver {
    reason: String,
    file: String,
    line: usize,
    inline: bool,
}

#[derive(Serialize)]
struct JsonWaiverWarning {
    rule: String,
    file: String,
    line: usize,
    /// `scrutin::waivers::unused` or `scrutin::waivers::expired`.
    code: &'static str,
    message: String,
}

impl<'r, W: Write> JsonReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        // Every list is a field of the document: its items two levels deep.
        JsonReport {
            out,
            rulebook,
            violations: JsonList::new(2),
            invalid: SpilledList::new(2),
            unreadable: SpilledList::new(2),
            waived: SpilledList::new(2),
            waiver_warnings: SpilledList::new(2),
            times: window_times(rulebook),
        }
    }
}

/// The start of the document, up to the list of violations.
#[derive(Serialize)]
struct JsonHead<'a> {
    version: u32,
    rulebook: JsonRulebook<'a>,
}

#[derive(Serialize)]
struct JsonRulebook<'a> {
    id: &'a str,
    file: &'a str,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    rule: &'a str,
    severity: Severity,
    file: &'a str,
    line: usize,
    column: usize,
    timestamp: String,
    outlet: &'a str,
    kind: &'a str,
    id: Option<&'a str>,
    message: String,
    /// Regions where the publication broke the rule.
    regions: RegionIds<'a>,
    round: Option<&'a str>,
    /// The first region's window, or null for a `requires` rule.
    window: Option<JsonWindow<'a>>,
    /// Each region's window.
    windows: JsonWindows<'a>,
    missing: &'a [String],
    citation: JsonCitation<'a>,
}

#[derive(Serialize)]
struct JsonWindow<'a> {
    region: &'a str,
    start: Cow<'a, str>,
    end: Cow<'a, str>,
}

/// Region ids, written as a list without being collected into one.
struct RegionIds<'a> {
    rulebook: &'a Rulebook,
    regions: &'a [usize],
    windows: &'a [RegionWindow],
}

impl Serialize for RegionIds<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let id = |r: usize| self.rulebook.regions[r].id.as_str();
        let from_windows = self.windows.iter().map(|w| w.region);
        serializer.collect_seq(self.regions.iter().copied().chain(from_windows).map(id))
    }
}

/// Windows, written as a list without being collected into one.
struct JsonWindows<'a> {
    rulebook: &'a Rulebook,
    times: &'a HashMap<DateTime<Utc>, String>,
    windows: &'a [RegionWindow],
}

impl<'a> JsonWindows<'a> {
    fn window(&self, window: &RegionWindow) -> JsonWindow<'a> {
        let time = |instant: DateTime<Utc>| match self.times.get(&instant) {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => Cow::Owned(utc_time(instant)),
        };
        JsonWindow {
            region: &self.rulebook.regions[window.region].id,
            start: time(window.window.start),
            end: time(window.window.end),
        }
    }
}

impl Serialize for JsonWindows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.windows.iter().map(|w| self.window(w)))
    }
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    article: &'a str,
    law: &'a str,
    url: &'a str,
}

/// Every window bound of a rulebook, written in UTC once: findings repeat them.
fn window_times(rulebook: &Rulebook) -> HashMap<DateTime<Utc>, String> {
    let windows = rulebook.rules.iter().flat_map(|rule| match &rule.body {
        RuleBody::Window(window_rule) => window_rule.windows.as_slice(),
        RuleBody::Requires(_) => &[],
    });
    windows
        .flat_map(|w| [w.window.start, w.window.end])
        .map(|instant| (instant, utc_time(instant)))
        .collect()
}

#[derive(Serialize)]
struct JsonInvalid {
    file: String,
    line: usize,
    column: usize,
    /// What is wrong: `scrutin::log::syntax`… (docs/diagnostics.md).
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct JsonUnreadable {
    file: String,
    /// `scrutin::log::unreadable`.
    code: &'static str,
    message: String,
}

impl<W: Write> JsonReport<'_, W> {
    /// Writes the head of the document and opens the list of violations.
    fn open(&mut self) -> io::Result<()> {
        let head = JsonHead {
            version: JSON_VERSION,
            rulebook: JsonRulebook {
                id: &self.rulebook.id,
                file: self.rulebook.file_name(),
            },
        };
        let text = serde_json::to_string_pretty(&head)?;
        let fields = text.strip_suffix("\n}").unwrap_or(&text);
        write!(self.out, "{fields},\n  \"violations\": [")
    }
}

impl<W: Write> Report for JsonReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => self.invalid.push(&JsonInvalid {
                file: line.file.to_string(),
                line: line.number,
                column: char_column(line.text, error.span.offset),
                code: error.code(),
                message: escape_unsafe(&error.message),
            })?,
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    if self.violations.is_empty() {
                        self.open()?;
                    }
                    let violation =
                        violation(self.rulebook, &self.times, line, publication, finding);
                    self.violations.push(&mut self.out, &violation)?;
                }
            }
        }
        Ok(())
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let finding = violation(self.rulebook, &self.times, line, publication, finding);
        self.waived.push(&JsonWaived {
            finding,
            waiver: JsonWaiver {
                reason: escape_unsafe(&acceptance.reason),
                file: acceptance.origin.file.clone(),
                line: acceptance.origin.line,
                inline: acceptance.origin.inline,
            },
        })
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        self.waiver_warnings.push(&JsonWaiverWarning {
            rule: warning.rule.clone(),
            file: warning.origin.file.clone(),
            line: warning.origin.line,
            code: warning.code(),
            message: escape_unsafe(&warning.message),
        })
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.unreadable.push(&JsonUnreadable {
            file: file.to_string(),
            code: UNREADABLE,
            message: escape_unsafe(reason),
        })
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.violations.is_empty() {
            self.open()?;
        }
        self.violations.close(&mut self.out)?;
        let lists = [
            ("invalid", &mut self.invalid),
            ("unreadable", &mut self.unreadable),
            ("waived", &mut self.waived),
            ("waiver_warnings", &mut self.waiver_warnings),
        ];
        for (name, list) in lists {
            write!(self.out, ",\n  \"{name}\": ")?;
            list.write_to(&mut self.out)?;
        }
        self.out.write_all(b",\n  \"summary\": ")?;
        write_pretty(&mut self.out, summary, 1)?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

/// A finding as the JSON report writes it.
fn violation<'a>(
    rulebook: &'a Rulebook,
    times: &'a HashMap<DateTime<Utc>, String>,
    line: &LogLine<'a>,
    publication: &'a Publication,
    finding: &'a Finding,
) -> JsonViolation<'a> {
    let rule = &rulebook.rules[finding.rule];
    let (regions, round, windows, missing) = match &finding.violation {
        Violation::InsideWindow { round, windows } => (
            &[][..],
            round.map(|r| rulebook.rounds[r].id.as_str()),
            windows.as_slice(),
            &[][..],
        ),
        Violation::MissingAttributes(missing) => {
            (publication.regions(), None, &[][..], missing.as_slice())
        }
    };
    let windows = JsonWindows {
        rulebook,
        times,
        windows,
    };
    JsonViolation {
        rule: &rule.id,
        severity: rule.severity,
        file: line.file,
        line: line.number,
        column: char_column(line.text, finding_offset(publication, finding)),
        timestamp: utc_time(publication.instant()),
        outlet: publication.outlet(),
        kind: publication.kind(),
        id: publication.id(),
        message: message(rulebook, publication, finding),
        regions: RegionIds {
            rulebook,
            regions,
            windows: windows.windows,
        },
        round,
        window: windows.windows.first().map(|w| windows.window(w)),
        windows,
        missing,
        citation: JsonCitation {
            article: &rule.citation.article,
            law: &rule.citation.law,
            url: &rule.citation.url,
        },
    }
}
