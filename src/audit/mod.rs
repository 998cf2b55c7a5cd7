//! A whole log through the pipeline: lines → publications → findings → report.
//!
//! Every line ends up in exactly one of three counts, so that
//! `lines = publications + skipped + invalid` always holds: a line that could
//! not be checked is never lost, it is reported as invalid.

pub mod pipeline;

use std::io::{self, BufRead};

use serde::Serialize;

use crate::check::index::RuleIndex;
use crate::check::{Finding, Scope, check, check_indexed};
use crate::publication::reader::{LineReader, LineText, MAX_LINE_BYTES};
use crate::publication::{self, LineError, Publication};
use crate::report::Report;
use crate::rulebook::{Rulebook, Severity};
use crate::source::Span;
use crate::waiver::{self, Acceptance, Directive, Origin, WaiverWarning, Waivers};

/// One line of a log, where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct LogLine<'a> {
    pub file: &'a str,
    /// 1-based.
    pub number: usize,
    pub text: &'a str,
}

/// What a line has to report. Blank lines, comments and publications that
/// break no rule have nothing to say: they are only counted in the summary.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Invalid(&'a LineError),
    /// Checked and found to break rules; the findings (never empty) are
    /// sorted by rule id.
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
/// with the waivers of a waiver file besides those written in the log.
///
/// This reads and checks one line at a time: it is the reference that
/// `pipeline::audit_parallel` must match byte for byte.
pub fn audit_with(
    rulebook: &Rulebook,
    file: &str,
    input: impl BufRead,
    report: &mut dyn Report,
    summary: &mut Summary,
    limits: Limits,
    waivers: &mut Waivers,
) -> io::Result<()> {
    let mut audit = FileAudit::begin(rulebook, None, file, report, summary, limits, waivers)?;
    let mut reader = LineReader::new(input);
    loop {
        if audit.must_stop() {
            return Ok(());
        }
        match reader.next_line() {
            Ok(Some((number, text))) => audit.line(number, &text)?,
            Ok(None) => return audit.end(),
            Err(e) => return audit.unreadable(reader.lines_read(), &e),
        }
    }
}

/// One file's lines, in order, on their way to the report: what the
/// sequential reader and the parallel pipeline share, so that they cannot
/// disagree on what a line means.
pub(crate) struct FileAudit<'a> {
    rulebook: &'a Rulebook,
    /// When given, full checks try only the rules it says may apply.
    index: Option<&'a RuleIndex>,
    file: &'a str,
    report: &'a mut dyn Report,
    summary: &'a mut Summary,
    limits: Limits,
    waivers: &'a mut Waivers,
    /// Inline waivers read on the comment lines just above the current line.
    pending: Vec<(Directive, Origin)>,
    /// The findings to report; the others are only counted.
    scope: Option<&'a Scope>,
}

impl<'a> FileAudit<'a> {
    pub(crate) fn begin(
        rulebook: &'a Rulebook,
        index: Option<&'a RuleIndex>,
        file: &'a str,
        report: &'a mut dyn Report,
        summary: &'a mut Summary,
        limits: Limits,
        waivers: &'a mut Waivers,
    ) -> io::Result<Self> {
        summary.files += 1;
        report.begin(file)?;
        Ok(FileAudit {
            rulebook,
            index,
            file,
            report,
            summary,
            limits,
            waivers,
            pending: Vec::new(),
            scope: None,
        })
    }

    /// Reports only the findings inside `scope`.
    pub(crate) fn scoped(mut self, scope: &'a Scope) -> Self {
        self.scope = (!scope.is_everything()).then_some(scope);
        self
    }

    /// Has `Limits::max_invalid` been reached? Then later lines are not read.
    pub(crate) fn must_stop(&mut self) -> bool {
        let stop = self
            .limits
            .max_invalid
            .is_some_and(|max| self.summary.invalid >= max);
        self.summary.stopped_early |= stop;
        stop
    }

    /// One line, numbered from 1, as the reader gave it.
    pub(crate) fn line(&mut self, number: usize, text: &LineText) -> io::Result<()> {
        self.summary.lines += 1;
        let file = self.file;
        match text {
            LineText::Text(text) => {
                let line = LogLine { file, number, text };
                self.text(line)
            }
            LineText::NotUtf8 {
                valid_prefix,
                bad_byte,
            } => {
                let error = LineError::new(
                    Span::new(valid_prefix.len(), 0),
                    format!("this line is not UTF-8: byte 0x{bad_byte:02X} follows"),
                );
                let text = valid_prefix;
                self.invalid(LogLine { file, number, text }, &error)
            }
            LineText::TooLong { start } => {
                let error = LineError::new(
                    Span::new(0, 0),
                    format!("this line is longer than the {MAX_LINE_BYTES} bytes a line may have"),
                );
                let text = start;
                self.invalid(LogLine { file, number, text }, &error)
            }
        }
    }

    /// Lines known to need no report: `publications` without findings and
    /// `skipped` blank or comment lines that are not waivers. The caller
    /// vouches that no inline waiver is pending before them.
    pub(crate) fn clean(&mut self, publications: usize, skipped: usize) {
        debug_assert!(self.pending.is_empty(), "a waiver awaits this line");
        self.summary.lines += publications + skipped;
        self.summary.publications += publications;
        self.summary.skipped += skipped;
    }

    /// The end of the file: waivers still pending accepted nothing.
    pub(crate) fn end(mut self) -> io::Result<()> {
        self.flush()
    }

    /// A read error ends the file, which is counted as unreadable.
    pub(crate) fn unreadable(self, lines_read: usize, error: &io::Error) -> io::Result<()> {
        self.summary.unreadable_files += 1;
        self.report.unreadable(
            self.file,
            &format!("read error after line {lines_read}: {error}"),
        )
    }

    fn text(&mut self, line: LogLine) -> io::Result<()> {
        if publication::parse::is_skipped(line.text) {
            return self.comment(line);
        }
        match publication::read(line.text, self.rulebook) {
            Err(error) => self.invalid(line, &error),
            Ok(publication) => self.publication(line, &publication),
        }
    }

    fn invalid(&mut self, line: LogLine, error: &LineError) -> io::Result<()> {
        self.flush()?;
        self.summary.invalid += 1;
        self.report.line(&line, Outcome::Invalid(error))
    }

    /// Reports the pending inline waivers as unused: no publication followed them.
    fn flush(&mut self) -> io::Result<()> {
        for (directive, origin) in std::mem::take(&mut self.pending) {
            self.unused(directive, origin)?;
        }
        Ok(())
    }

    /// An inline waiver that accepted nothing.
    fn unused(&mut self, directive: Directive, origin: Origin) -> io::Result<()> {
        self.summary.waiver_warnings += 1;
        self.report.waiver_warning(&WaiverWarning {
            origin,
            rule: self.rulebook.rules[directive.rule].id.clone(),
            message: "unused: the next line breaks no such rule".to_string(),
        })
    }

    /// A blank or comment line, which may be an inline waiver.
    fn comment(&mut self, line: LogLine) -> io::Result<()> {
        match waiver::directive(line.text, self.rulebook) {
            Some(Ok(directive)) => {
                let origin = Origin {
                    file: line.file.to_string(),
                    line: line.number,
                    inline: true,
                };
                // A run of directives longer than the rulebook's rules cannot
                // all apply to the next publication: the oldest is unused now,
                // so that the run never holds more than that in memory.
                if self.pending.len() >= self.rulebook.rules.len().max(1) {
                    let (directive, origin) = self.pending.remove(0);
                    self.unused(directive, origin)?;
                }
                self.pending.push((directive, origin));
                self.summary.skipped += 1;
                Ok(())
            }
            // A malformed waiver never allows anything: the line is invalid.
            Some(Err(error)) => self.invalid(line, &error),
            None => {
                self.flush()?;
                self.summary.skipped += 1;
                Ok(())
            }
        }
    }

    /// The waiver that accepts `finding`, if any: inline first, then the file's.
    fn acceptance(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        used: &mut [bool],
    ) -> Option<Acceptance> {
        if let Some(index) = self
            .pending
            .iter()
            .position(|(d, _)| d.rule == finding.rule)
        {
            used[index] = true;
            let (directive, origin) = &self.pending[index];
            return Some(Acceptance {
                reason: directive.reason.clone(),
                origin: origin.clone(),
            });
        }
        self.waivers
            .accept(line.file, line.number, publication, finding.rule)
            .map(|w| Acceptance {
                reason: w.reason.clone(),
                origin: w.origin.clone(),
            })
    }

    fn publication(&mut self, line: LogLine, publication: &Publication) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.summary.publications += 1;
        let mut findings = match self.index {
            Some(index) => check_indexed(rulebook, index, publication),
            None => check(rulebook, publication),
        };
        findings.sort_by(|a, b| rulebook.rules[a.rule].id.cmp(&rulebook.rules[b.rule].id));
        let mut used = vec![false; self.pending.len()];
        let mut kept = Vec::new();
        let mut waived = Vec::new();
        for finding in findings {
            // Waivers see every finding, so that one waiving a finding out of
            // scope is not reported as unused.
            let acceptance = self.acceptance(&line, publication, &finding, &mut used);
            let finding = match self.scope {
                Some(scope) => match scope.narrow(publication, finding) {
                    Some(finding) => finding,
                    None => {
                        self.summary.out_of_scope += 1;
                        continue;
                    }
                },
                None => finding,
            };
            match acceptance {
                Some(acceptance) => waived.push((finding, acceptance)),
                None => kept.push(finding),
            }
        }
        for finding in &kept {
            self.summary.violations += 1;
            match rulebook.rules[finding.rule].severity {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Info => self.summary.infos += 1,
            }
        }
        if !kept.is_empty() {
            self.report
                .line(&line, Outcome::Checked(publication, &kept))?;
        }
        for (finding, acceptance) in &waived {
            self.summary.waived += 1;
            self.report
                .waived(&line, publication, finding, acceptance)?;
        }
        let mut index = 0;
        self.pending.retain(|_| {
            index += 1;
            !used[index - 1]
        });
        self.flush()
    }
}
