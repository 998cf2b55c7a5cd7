//! A check's findings, kept for the page: each line with its findings,
//! invalid lines, findings over many lines, and the counts. At most `CAP`
//! lines with findings and `CAP` invalid lines are kept (the rest are
//! counted, and the page says so): a log of the largest size the server
//! accepts stays a page a browser can show.

use std::io;

use crate::audit::{LogLine, Outcome, Report, Summary};
use crate::check::AggregateFinding;
use crate::report::{aggregate_message, finding_offset, line_range, message};
use crate::rulebook::{Rulebook, Severity};
use crate::source::escape_unsafe;

/// Lines with findings, and invalid lines, the page shows at most.
pub(super) const CAP: usize = 500;
/// Characters of a log line shown; a longer line is cut.
const LINE_CHARS: usize = 400;

pub(super) struct ShownFinding {
    pub severity: Severity,
    pub rule: String,
    pub column: usize,
    pub message: String,
}

/// A line of the log and what it breaks.
pub(super) struct ShownLine {
    pub line: usize,
    pub text: String,
    pub findings: Vec<ShownFinding>,
}

pub(super) struct ShownInvalid {
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    pub message: String,
    pub text: String,
}

pub(super) struct ShownAggregate {
    pub severity: Severity,
    pub rule: String,
    pub message: String,
    pub lines: String,
}

/// What the page shows of a check.
#[derive(Default)]
pub(super) struct Results {
    pub lines: Vec<ShownLine>,
    pub hidden_lines: usize,
    pub invalid: Vec<ShownInvalid>,
    pub hidden_invalid: usize,
    pub aggregates: Vec<ShownAggregate>,
    pub unreadable: Vec<String>,
    pub summary: Summary,
}

/// Collects a check's `Results` as the pipeline reports them.
pub(super) struct PageReport<'r> {
    pub rulebook: &'r Rulebook,
    pub results: Results,
}

fn cut(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(LINE_CHARS).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    escape_unsafe(&shown)
}

impl Report for PageReport<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        let results = &mut self.results;
        match outcome {
            Outcome::Invalid(error) => {
                if results.invalid.len() >= CAP {
                    results.hidden_invalid += 1;
                    return Ok(());
                }
                let (line_number, column) = line.position(error.span.offset);
                results.invalid.push(ShownInvalid {
                    line: line_number,
                    column,
                    code: error.code(),
                    message: escape_unsafe(&error.message),
                    text: cut(line.text),
                });
            }
            Outcome::Checked(publication, findings) => {
                if results.lines.len() >= CAP {
                    results.hidden_lines += 1;
                    return Ok(());
                }
                let findings = findings
                    .iter()
                    .map(|finding| ShownFinding {
                        severity: finding.severity(self.rulebook, publication),
                        rule: self.rulebook.rules[finding.rule].id.clone(),
                        column: line.position(finding_offset(publication, finding)).1,
                        message: message(self.rulebook, publication, finding),
                    })
                    .collect();
                results.lines.push(ShownLine {
                    line: line.number,
                    text: cut(line.text),
                    findings,
                });
            }
        }
        Ok(())
    }

    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let rule = &self.rulebook.rules[finding.rule];
        self.results.aggregates.push(ShownAggregate {
            severity: rule.severity,
            rule: rule.id.clone(),
            message: aggregate_message(self.rulebook, finding),
            lines: line_range(finding),
        });
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.results
            .unreadable
            .push(escape_unsafe(&format!("{file}: {reason}")));
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.results.summary = summary.clone();
        Ok(())
    }
}
