//! A whole log through the pipeline: lines → publications → findings → report.
//!
//! Every line ends up in exactly one of three counts, so that
//! `lines = publications + skipped + invalid` always holds: a line that could
//! not be checked is never lost, it is reported as invalid.

use std::io::{self, BufRead};

use serde::Serialize;

use crate::check::{Finding, check};
use crate::publication::reader::{LineReader, LineText, MAX_LINE_BYTES};
use crate::publication::{self, LineError, Publication};
use crate::report::Report;
use crate::rulebook::{Rulebook, Severity};
use crate::source::Span;

/// One line of a log, where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct LogLine<'a> {
    pub file: &'a str,
    /// 1-based.
    pub number: usize,
    pub text: &'a str,
}

/// What became of a line.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// Blank or a comment.
    Skipped,
    Invalid(&'a LineError),
    /// Checked; the findings are sorted by rule id.
    Checked(&'a Publication, &'a [Finding]),
}

/// The counts every report ends with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub unreadable_files: usize,
    pub lines: usize,
    pub publications: usize,
    pub skipped: usize,
    pub invalid: usize,
    pub violations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Checking stopped at `Limits::max_invalid`: later lines were not read.
    pub stopped_early: bool,
}

/// When to give up on a log rather than flood the reader.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Stop after this many invalid lines (over all files).
    pub max_invalid: Option<usize>,
}

impl Summary {
    /// How many findings are at `severity` or above.
    pub fn findings_at_least(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Info => self.errors + self.warnings + self.infos,
        }
    }

    /// Was every line of every file checked?
    pub fn complete(&self) -> bool {
        self.invalid == 0 && self.unreadable_files == 0 && !self.stopped_early
    }
}

/// Checks every line of `input` and hands each outcome to `report`.
///
/// A read error ends this file (it is counted as unreadable); a write error
/// from the report is returned, since nothing more can be shown.
pub fn audit(
    rulebook: &Rulebook,
    file: &str,
    input: impl BufRead,
    report: &mut dyn Report,
    summary: &mut Summary,
) -> io::Result<()> {
    audit_with(rulebook, file, input, report, summary, Limits::default())
}

/// `audit`, stopping early at `limits` (then `summary.stopped_early` is set).
pub fn audit_with(
    rulebook: &Rulebook,
    file: &str,
    input: impl BufRead,
    report: &mut dyn Report,
    summary: &mut Summary,
    limits: Limits,
) -> io::Result<()> {
    summary.files += 1;
    let mut reader = LineReader::new(input);
    loop {
        if limits.max_invalid.is_some_and(|max| summary.invalid >= max) {
            summary.stopped_early = true;
            return Ok(());
        }
        let (number, text) = match reader.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(()),
            Err(e) => {
                summary.unreadable_files += 1;
                return report.unreadable(
                    file,
                    &format!("read error after line {}: {e}", reader.lines_read()),
                );
            }
        };
        summary.lines += 1;
        match text {
            LineText::Text(text) => {
                let line = LogLine {
                    file,
                    number,
                    text: &text,
                };
                audit_line(rulebook, line, report, summary)?;
            }
            LineText::NotUtf8 {
                valid_prefix,
                bad_byte,
            } => {
                let error = LineError::new(
                    Span::new(valid_prefix.len(), 0),
                    format!("this line is not UTF-8: byte 0x{bad_byte:02X} follows"),
                );
                let line = LogLine {
                    file,
                    number,
                    text: &valid_prefix,
                };
                unreadable_line(line, &error, report, summary)?;
            }
            LineText::TooLong { start } => {
                let error = LineError::new(
                    Span::new(0, 0),
                    format!("this line is longer than the {MAX_LINE_BYTES} bytes a line may have"),
                );
                let line = LogLine {
                    file,
                    number,
                    text: &start,
                };
                unreadable_line(line, &error, report, summary)?;
            }
        }
    }
}

/// A line whose text could not be read: invalid, shown with what could be.
fn unreadable_line(
    line: LogLine,
    error: &LineError,
    report: &mut dyn Report,
    summary: &mut Summary,
) -> io::Result<()> {
    summary.invalid += 1;
    report.line(&line, Outcome::Invalid(error))
}

fn audit_line(
    rulebook: &Rulebook,
    line: LogLine,
    report: &mut dyn Report,
    summary: &mut Summary,
) -> io::Result<()> {
    if publication::parse::is_skipped(line.text) {
        summary.skipped += 1;
        return report.line(&line, Outcome::Skipped);
    }
    match publication::read(line.text, rulebook) {
        Err(error) => {
            summary.invalid += 1;
            report.line(&line, Outcome::Invalid(&error))
        }
        Ok(publication) => {
            summary.publications += 1;
            let mut findings = check(rulebook, &publication);
            findings.sort_by(|a, b| rulebook.rules[a.rule].id.cmp(&rulebook.rules[b.rule].id));
            for finding in &findings {
                summary.violations += 1;
                match rulebook.rules[finding.rule].severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                }
            }
            report.line(&line, Outcome::Checked(&publication, &findings))
        }
    }
}
