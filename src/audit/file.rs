//! One file's lines, in order, on their way to the report: the counts, the
//! waivers (inline and from a waiver file), the scope. The lines come read
//! and checked already; this is the only state that crosses lines.

use std::io;

use super::{Limits, LogLine, Outcome, Report, Summary};
use std::sync::{Mutex, MutexGuard};

use crate::check::{Aggregates, Contribution, Finding, Position, Scope};
use crate::publication::{LineError, Publication};
use crate::rulebook::{Rulebook, Severity};
use crate::waiver::{
    self, Acceptance, Directive, Origin, WaiverWarning, WaiverWarningKind, Waivers,
};

pub(crate) struct FileAudit<'a> {
    rulebook: &'a Rulebook,
    file: &'a str,
    report: &'a mut dyn Report,
    summary: &'a mut Summary,
    limits: Limits,
    waivers: &'a mut Waivers,
    /// Records of this file so far (lines, in a log).
    lines: usize,
    /// The line of the file where the next record starts (a CSV record or
    /// a feed's item may take several).
    line: usize,
    /// Characters before the next record on its first line (a feed's item
    /// may start in the middle of one).
    first_column: usize,
    /// Inline waivers read on the comment lines just above the current line.
    pending: Vec<(Directive, Origin)>,
    /// The findings to report; the others are only counted.
    scope: Option<&'a Scope>,
    /// What rules over many publications count, over every file of a run,
    /// and this file's index there.
    aggregates: &'a Mutex<Aggregates>,
    file_index: usize,
}

impl<'a> FileAudit<'a> {
    pub(crate) fn begin(
        rulebook: &'a Rulebook,
        file: &'a str,
        report: &'a mut dyn Report,
        summary: &'a mut Summary,
        limits: Limits,
        waivers: &'a mut Waivers,
        aggregates: &'a Mutex<Aggregates>,
    ) -> io::Result<Self> {
        summary.files += 1;
        report.begin(file)?;
        let file_index = lock(aggregates).begin_file(file);
        Ok(FileAudit {
            rulebook,
            file,
            report,
            summary,
            limits,
            waivers,
            lines: 0,
            line: 1,
            first_column: 0,
            pending: Vec::new(),
            scope: None,
            aggregates,
            file_index,
        })
    }

    /// Reports only the findings inside `scope`.
    pub(crate) fn scoped(mut self, scope: &'a Scope) -> Self {
        self.scope = (!scope.is_everything()).then_some(scope);
        self
    }

    /// Records of this file so far.
    pub(crate) fn lines(&self) -> usize {
        self.lines
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

    /// Records that need no report: `publications` without findings and
    /// `skipped` blank or comment lines that are not waivers, which take
    /// `lines` lines of the file. The first of them ends any run of inline
    /// waivers, which then accepted nothing.
    pub(crate) fn clean(
        &mut self,
        publications: usize,
        skipped: usize,
        lines: usize,
    ) -> io::Result<()> {
        self.flush()?;
        self.lines += publications + skipped;
        self.line += lines;
        self.summary.lines += publications + skipped;
        self.summary.publications += publications;
        self.summary.skipped += skipped;
        Ok(())
    }

    /// The next record, a publication that breaks no rule but counts
    /// towards rules over many publications (`contributions`); it takes
    /// `lines` lines of the file (a feed's item: none, its place is set).
    pub(crate) fn counted(
        &mut self,
        lines: usize,
        contributions: &[Contribution],
    ) -> io::Result<()> {
        self.contribute(self.line, contributions);
        self.clean(1, 0, lines)
    }

    /// Counts `contributions`, read on `line`.
    fn contribute(&mut self, line: usize, contributions: &[Contribution]) {
        if contributions.is_empty() {
            return;
        }
        let position = Position {
            file: self.file_index,
            line,
        };
        let mut aggregates = lock(self.aggregates);
        for contribution in contributions {
            aggregates.add(contribution, position);
        }
    }

    /// The next line, invalid.
    pub(crate) fn invalid(&mut self, text: &str, error: &LineError) -> io::Result<()> {
        let line = self.next_line(text);
        self.flush()?;
        self.summary.invalid += 1;
        self.report.line(&line, Outcome::Invalid(error))
    }

    /// The next line, a comment that may be an inline waiver.
    pub(crate) fn comment(&mut self, text: &str) -> io::Result<()> {
        let line = self.next_line(text);
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
            Some(Err(error)) => {
                self.flush()?;
                self.summary.invalid += 1;
                self.report.line(&line, Outcome::Invalid(&error))
            }
            None => {
                self.flush()?;
                self.summary.skipped += 1;
                Ok(())
            }
        }
    }

    /// The next line, a publication that breaks rules (`findings`, in rule order).
    pub(crate) fn checked(
        &mut self,
        publication: &Publication,
        mut findings: Vec<Finding>,
        contributions: &[Contribution],
    ) -> io::Result<()> {
        let line = self.next_line(publication.text());
        self.contribute(line.number, contributions);
        let rulebook = self.rulebook;
        self.summary.publications += 1;
        // Every publication reaches here when the pipeline hands them all
        // on; most have no finding.
        self.report.publication(&line, publication)?;
        if findings.is_empty() {
            return self.flush();
        }
        findings.sort_by(|a, b| rulebook.rules[a.rule].id.cmp(&rulebook.rules[b.rule].id));
        if self.pending.is_empty() && self.scope.is_none() && self.waivers.is_empty() {
            // Nothing to waive or leave out: every finding is reported.
            self.count(publication, &findings);
            return self
                .report
                .line(&line, Outcome::Checked(publication, &findings));
        }
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
        self.count(publication, &kept);
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

    /// Counts findings reported.
    fn count(&mut self, publication: &Publication, findings: &[Finding]) {
        for finding in findings {
            self.summary.violations += 1;
            match finding.severity(self.rulebook, publication) {
                Severity::Error => self.summary.errors += 1,
                Severity::Warning => self.summary.warnings += 1,
                Severity::Info => self.summary.infos += 1,
            }
        }
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

    /// The next record starts at `line` and `column` (1-based, in
    /// characters) of the file: a feed's item, found by its own reader.
    pub(crate) fn at_place(&mut self, line: usize, column: usize) {
        self.line = line;
        self.first_column = column.saturating_sub(1);
    }

    fn next_line<'t>(&mut self, text: &'t str) -> LogLine<'t>
    where
        'a: 't,
    {
        self.lines += 1;
        self.summary.lines += 1;
        let number = self.line;
        self.line += 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count();
        LogLine {
            file: self.file,
            number,
            first_column: std::mem::take(&mut self.first_column),
            text,
        }
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
            kind: WaiverWarningKind::Unused,
            origin,
            rule: self.rulebook.rules[directive.rule].id.clone(),
            message: "unused: the next line breaks no such rule".to_string(),
        })
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
}

/// The run's aggregates; a panic elsewhere while they were held leaves them
/// as they were, whole.
pub(crate) fn lock(aggregates: &Mutex<Aggregates>) -> MutexGuard<'_, Aggregates> {
    aggregates
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
