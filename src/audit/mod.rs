//! A whole log through the pipeline: lines → publications → findings → report.
//!
//! Every line ends up in exactly one of three counts, so that
//! `lines = publications + skipped + invalid` always holds: a line that could
//! not be checked is never lost, it is reported as invalid.
//!
//! This module defines what a report receives (`Report`, `LogLine`,
//! `Outcome`, `Summary`); the formats in `report` implement it, so the
//! imports point one way: `report` → `audit` → `check`, `publication`.

mod feed;
mod file;
pub mod pipeline;
mod worker;

use std::io::{self, BufRead};

use serde::Serialize;

use crate::check::{AggregateFinding, Finding};
use crate::publication::{LineError, Publication};
use crate::rulebook::{Rulebook, Severity};
use crate::waiver::{Acceptance, WaiverWarning, Waivers};
pub(crate) use file::FileAudit;
use pipeline::Pipeline;

/// One record of a log or source (a line of a log), where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct LogLine<'a> {
    pub file: &'a str,
    /// 1-based: the line of the file where the record starts.
    pub number: usize,
    /// Characters before the record on that line: 0 but for a feed's item
    /// that starts in the middle of a line (a minified feed).
    pub first_column: usize,
    /// The record as written: one line of a log, or JSON Lines; a CSV
    /// record or a feed's item may take several.
    pub text: &'a str,
}

impl LogLine<'_> {
    /// The 1-based line of the file and column (in characters) of byte
    /// `offset` of the record.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = crate::source::floor_char_boundary(self.text, offset);
        let before = &self.text[..offset];
        match memchr::memrchr(b'\n', before.as_bytes()) {
            None => (
                self.number,
                self.first_column + crate::source::char_column(self.text, offset),
            ),
            Some(newline) => {
                let lines = memchr::memchr_iter(b'\n', before.as_bytes()).count();
                let line = &self.text[newline + 1..];
                (
                    self.number + lines,
                    crate::source::char_column(line, offset - newline - 1),
                )
            }
        }
    }

    /// The line of the record that holds byte `offset`, and where that
    /// line starts in the record: what a snippet shows.
    pub fn line_at(&self, offset: usize) -> (&str, usize) {
        let offset = crate::source::floor_char_boundary(self.text, offset);
        let start = memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |n| n + 1);
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[offset..])
            .map_or(self.text.len(), |n| offset + n);
        let line = &self.text[start..end];
        (line.strip_suffix('\r').unwrap_or(line), start)
    }
}

/// What a line has to report. Blank lines, comments and publications that
/// break no rule have nothing to say: they are only counted in the summary.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Invalid(&'a LineError),
    /// Checked and found to break rules; the findings (never empty) are
    /// sorted by rule id.
    Checked(&'a Publication<'a>, &'a [Finding]),
}

/// The code of a log file that could not be read, or not to its end.
pub const UNREADABLE: &str = "scrutin::log::unreadable";

/// Receives a log's outcomes, line by line, then the summary.
pub trait Report {
    /// A log file starts; its lines follow.
    fn begin(&mut self, file: &str) -> io::Result<()> {
        let _ = file;
        Ok(())
    }
    /// A line with something to report, in the order of the log.
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()>;
    /// Every publication read, before its findings' `line`, when the
    /// pipeline is asked for all (`Pipeline::every_publication`); else only
    /// those with findings come here.
    fn publication(&mut self, line: &LogLine, publication: &Publication) -> io::Result<()> {
        let _ = (line, publication);
        Ok(())
    }
    /// A rule over many publications broken by a range of lines (a burst),
    /// judged when every log of the run has been read, before `finish`.
    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()>;
    /// An aggregate finding a waiver accepted.
    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let _ = (finding, acceptance);
        Ok(())
    }
    /// A file that could not be read, or not to its end (`UNREADABLE`).
    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()>;
    /// A finding a waiver accepted; it follows its line's `line` call.
    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let _ = (line, publication, finding, acceptance);
        Ok(())
    }
    /// A waiver that accepted nothing or has expired.
    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        let _ = warning;
        Ok(())
    }
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
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
    /// Findings accepted by a waiver: reported apart, not counted above.
    pub waived: usize,
    /// Waivers unused or expired.
    pub waiver_warnings: usize,
    /// Findings left out by the scope asked for (`--rule`, `--region`,
    /// `--since`, `--until`); not counted above.
    pub out_of_scope: usize,
    /// The scope in words; `None` when everything is shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Why the election's dates are not final (the rulebook's
    /// `provisional`); `None` when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
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
    let mut waivers = Waivers::none();
    audit_with(
        rulebook,
        file,
        input,
        report,
        summary,
        Limits::default(),
        &mut waivers,
    )
}

/// `audit`, stopping early at `limits` (then `summary.stopped_early` is set),
/// with the waivers of a waiver file besides those written in the log; on
/// the calling thread (`Pipeline` spreads the same work over every core).
pub fn audit_with(
    rulebook: &Rulebook,
    file: &str,
    input: impl BufRead,
    report: &mut dyn Report,
    summary: &mut Summary,
    limits: Limits,
    waivers: &mut Waivers,
) -> io::Result<()> {
    let pipeline = Pipeline::new(rulebook).jobs(1);
    pipeline.audit_here(file, input, report, summary, limits, waivers)?;
    pipeline.judge_aggregates(report, summary, waivers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record of several lines (a CSV record, a feed's item) gives each
    /// place its own line of the file and its column in that line.
    #[test]
    fn places_in_a_record_of_several_lines() {
        let record = LogLine {
            file: "feed.xml",
            number: 10,
            first_column: 4,
            text: "<item>\r\n  <title>é x</title>\n</item>",
        };
        let title = record.text.find("é x").unwrap();
        // The item starts after four characters of its first line.
        assert_eq!(record.position(0), (10, 5));
        assert_eq!(record.position(title), (11, 10));
        assert_eq!(record.position(title + "é ".len()), (11, 12));
        assert_eq!(record.line_at(title), ("  <title>é x</title>", 8));
        assert_eq!(
            record.line_at(record.text.len()),
            ("</item>", record.text.len() - 7)
        );
        let one = LogLine {
            file: "a.log",
            number: 3,
            first_column: 0,
            text: "2017 outlet=é kind=x",
        };
        assert_eq!(one.position(one.text.find("kind").unwrap()), (3, 15));
        assert_eq!(one.line_at(5), (one.text, 0));
    }
}
