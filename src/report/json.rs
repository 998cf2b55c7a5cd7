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

use std::io::{self, Write};

use serde::Serialize;

use super::json_list::{JsonList, SpilledList, write_pretty};
use super::{Report, finding_offset, message, utc_time};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::{RegionWindow, Rulebook, Severity};
use crate::source::{char_column, escape_unsafe};
use crate::waiver::{Acceptance, WaiverWarning};

pub const JSON_VERSION: u32 = 1;

pub struct JsonReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    /// The violations, written as found; the document is open once one is.
    violations: JsonList,
    invalid: SpilledList,
    unreadable: SpilledList,
    waived: SpilledList,
    waiver_warnings: SpilledList,
}

/// A finding a waiver accepted: the finding, and why.
#[derive(Serialize)]
struct JsonWaived {
    #[serde(flatten)]
    finding: JsonViolation,
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
struct JsonViolation {
    rule: String,
    severity: Severity,
    file: String,
    line: usize,
    column: usize,
    timestamp: String,
    outlet: String,
    kind: String,
    id: Option<String>,
    message: String,
    /// Regions where the publication broke the rule.
    regions: Vec<String>,
    round: Option<String>,
    /// The first region's window, or null for a `requires` rule.
    window: Option<JsonWindow>,
    /// Each region's window.
    windows: Vec<JsonWindow>,
    missing: Vec<String>,
    citation: JsonCitation,
}

#[derive(Serialize, Clone)]
struct JsonWindow {
    region: String,
    start: String,
    end: String,
}

fn json_window(rulebook: &Rulebook, window: &RegionWindow) -> JsonWindow {
    JsonWindow {
        region: rulebook.regions[window.region].id.clone(),
        start: utc_time(window.window.start),
        end: utc_time(window.window.end),
    }
}

#[derive(Serialize)]
struct JsonCitation {
    article: String,
    law: String,
    url: String,
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

    /// Writes one violation, pretty and indented as an item of the list.
    fn stream(&mut self, violation: &JsonViolation) -> io::Result<()> {
        if self.violations.is_empty() {
            self.open()?;
        }
        self.violations.push(&mut self.out, violation)
    }

    fn violation(
        &self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
    ) -> JsonViolation {
        let rulebook = self.rulebook;
        let rule = &rulebook.rules[finding.rule];
        let (regions, round, windows, missing) = match &finding.violation {
            Violation::InsideWindow { round, windows } => (
                windows.iter().map(|w| w.region).collect(),
                round.map(|r| rulebook.rounds[r].id.clone()),
                windows.iter().map(|w| json_window(rulebook, w)).collect(),
                Vec::new(),
            ),
            Violation::MissingAttributes(missing) => (
                publication.regions().to_vec(),
                None,
                Vec::new(),
                missing.clone(),
            ),
        };
        JsonViolation {
            rule: rule.id.clone(),
            severity: rule.severity,
            file: line.file.to_string(),
            line: line.number,
            column: char_column(line.text, finding_offset(publication, finding)),
            timestamp: utc_time(publication.instant()),
            outlet: publication.outlet().to_string(),
            kind: publication.kind().to_string(),
            id: publication.id().map(str::to_string),
            message: message(rulebook, publication, finding),
            regions: regions
                .iter()
                .map(|&r| rulebook.regions[r].id.clone())
                .collect(),
            round,
            window: windows.first().cloned(),
            windows,
            missing,
            citation: JsonCitation {
                article: rule.citation.article.clone(),
                law: rule.citation.law.clone(),
                url: rule.citation.url.clone(),
            },
        }
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
                    let violation = self.violation(line, publication, finding);
                    self.stream(&violation)?;
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
        let finding = self.violation(line, publication, finding);
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
