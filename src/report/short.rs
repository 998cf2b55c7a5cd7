//! One line per finding, as compilers and linters write them, for grep and
//! editors' quickfix lists:
//! `file:line:col: severity[rule-id]: message (window local / UTC)`.
//!
//! Invalid lines are `error[CODE]`, their code saying what is wrong
//! (`error[scrutin::log::syntax]`, see docs/diagnostics.md), unreadable
//! files `error[scrutin::log::unreadable]`, waiver warnings
//! `warning[scrutin::waivers::unused]` or `…expired`, waived findings
//! `waived[rule-id]` with their reason; the summary closes the output.

use std::io::{self, Write};

use super::{Report, finding_offset, local_window, message, utc_window};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{Finding, Violation};
use crate::publication::Publication;
use crate::report::human::summary_text;
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};

pub struct ShortReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
}

impl<'r, W: Write> ShortReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        ShortReport { out, rulebook }
    }

    fn write(&mut self, line: &LogLine, at: usize, tag: &str, text: &str) -> io::Result<()> {
        let (number, column) = line.position(at);
        writeln!(
            self.out,
            "{}:{number}:{column}: {tag}: {}",
            escape_unsafe(line.file),
            escape_unsafe(text)
        )
    }

    /// The finding's message, with its windows in local time and UTC.
    fn text(&self, publication: &Publication, finding: &Finding) -> String {
        let text = message(self.rulebook, publication, finding);
        let Violation::InsideWindow { windows, .. } = &finding.violation else {
            return text;
        };
        // A rule in force at all times has no ends to show; its message says so.
        if windows.iter().all(|w| w.window.is_always()) {
            return text;
        }
        let windows: Vec<String> = windows
            .iter()
            .map(|w| {
                let region = &self.rulebook.regions[w.region];
                let local = local_window(&w.window, region.zone);
                let utc = utc_window(&w.window);
                if windows.len() == 1 {
                    format!("{local} / UTC {utc}")
                } else {
                    format!("{}: {local} / UTC {utc}", region.id)
                }
            })
            .collect();
        format!("{text} ({})", windows.join("; "))
    }
}

impl<W: Write> Report for ShortReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => {
                let tag = format!("error[{}]", error.code());
                self.write(line, error.span.offset, &tag, &error.message)
            }
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let rule = &self.rulebook.rules[finding.rule];
                    let severity = finding.severity(self.rulebook, publication);
                    let tag = format!("{}[{}]", severity.name(), rule.id);
                    let text = self.text(publication, finding);
                    self.write(line, finding_offset(publication, finding), &tag, &text)?;
                }
                Ok(())
            }
        }
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let tag = format!("waived[{}]", self.rulebook.rules[finding.rule].id);
        let text = format!(
            "{} (waiver at {}:{}: {})",
            message(self.rulebook, publication, finding),
            acceptance.origin.file,
            acceptance.origin.line,
            acceptance.reason
        );
        self.write(line, finding_offset(publication, finding), &tag, &text)
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        writeln!(
            self.out,
            "{}:{}:1: warning[{}]: waiver for `{}`: {}",
            escape_unsafe(&warning.origin.file),
            warning.origin.line,
            warning.code(),
            escape_unsafe(&warning.rule),
            escape_unsafe(&warning.message)
        )
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "{}: error[{UNREADABLE}]: {}",
            escape_unsafe(file),
            escape_unsafe(reason)
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        writeln!(self.out, "{}", summary_text(summary))?;
        self.out.flush()
    }
}
