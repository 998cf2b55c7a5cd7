//! `scrutin convert`: every record of any input, written as scrutin's log
//! syntax, so that a user sees how each record was read and may keep a
//! normalised log. The findings are not shown (`check` shows them); what
//! the log syntax cannot say is written as a comment above its line.

use std::io::{self, Write};

use super::Report;
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::AggregateFinding;
use crate::publication::{Publication, write};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;

/// Writes each publication as a log line, each invalid record as a comment.
pub struct ConvertReport<'r, W: Write> {
    out: W,
    rulebook: &'r Rulebook,
    summary: Summary,
}

impl<'r, W: Write> ConvertReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        ConvertReport {
            out,
            rulebook,
            summary: Summary::default(),
        }
    }

    /// The counts, once the run has finished.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
}

impl<W: Write> Report for ConvertReport<'_, W> {
    fn begin(&mut self, file: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "# scrutin convert: the records of {}",
            escape_unsafe(file)
        )
    }

    fn publication(&mut self, line: &LogLine, publication: &Publication) -> io::Result<()> {
        if let Some(how) = publication.kind_how() {
            // The log syntax has no field for it, nor for the severity cap
            // a profile puts on classified records.
            let cap = publication.severity_cap().map_or(String::new(), |cap| {
                format!("; findings at most {}", cap.name())
            });
            writeln!(
                self.out,
                "# {}:{}: {}{cap}",
                escape_unsafe(line.file),
                line.number,
                escape_unsafe(how)
            )?;
        }
        writeln!(self.out, "{}", write::to_line(publication, self.rulebook))
    }

    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        let Outcome::Invalid(error) = outcome else {
            return Ok(());
        };
        let (number, column) = line.position(error.span.offset);
        writeln!(
            self.out,
            "# invalid record at {}:{number}:{column}: {}: {}",
            escape_unsafe(line.file),
            error.code(),
            escape_unsafe(&error.message)
        )
    }

    /// Converting writes records; findings over many of them are the
    /// checker's business when the converted log is checked.
    fn aggregate(&mut self, _finding: &AggregateFinding) -> io::Result<()> {
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "# unreadable: {}: {}",
            escape_unsafe(file),
            escape_unsafe(reason)
        )
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.summary = summary.clone();
        self.out.flush()
    }
}
