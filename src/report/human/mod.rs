//! Findings for people: miette diagnostics on the offending line, then a summary.
//!
//! `diagnostic` draws a diagnostic on a log line (an invalid line is one),
//! `finding` makes one of a finding, and `summary` writes the closing
//! section: the rules broken, once each, and the counts.

mod diagnostic;
mod finding;
mod summary;

use std::io::{self, Write};

use miette::GraphicalReportHandler;

use super::{Report, aggregate_message, graphical_handler, line_range};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::{AggregateFinding, Finding};
use crate::publication::Publication;
use crate::rulebook::{Rulebook, Severity};
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};
use diagnostic::{RangeDiagnostic, invalid_line};
use finding::{compact_diagnostic, finding_diagnostic};
pub(super) use summary::summary_text;
use summary::write_wrapped;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub struct HumanReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    handler: GraphicalReportHandler,
    /// The columns available; snippets and text are fitted to it.
    width: usize,
    /// Only the summary: no diagnostic per line.
    quiet: bool,
    /// Each finding with its rule's whole law and help, as once was the default.
    verbose: bool,
    /// Findings reported per rule (by index): the closing section gives the
    /// law and help of each rule that fired, once.
    /// Per rule, its findings at each severity, errors first (a profile may
    /// lower a classified record's).
    fired: Vec<[usize; 3]>,
}

/// The width when none is given and standard output is not a terminal.
pub const DEFAULT_WIDTH: usize = 80;
/// Narrower than this, snippets cannot show a timestamp and its label.
const MIN_WIDTH: usize = 40;

impl<'r, W: Write> HumanReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook, color: bool) -> Self {
        HumanReport {
            out,
            rulebook,
            handler: graphical_handler(color).with_width(DEFAULT_WIDTH),
            width: DEFAULT_WIDTH,
            quiet: false,
            verbose: false,
            fired: vec![[0; 3]; rulebook.rules.len()],
        }
    }

    /// Prints the summary only.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Prints each finding with its rule's law and help.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Columns for a snippet: none to spare in verbose output, which shows
    /// lines whole.
    fn snippet_width(&self) -> Option<usize> {
        (!self.verbose).then_some(self.width)
    }

    /// Fits the output to `width` columns (at least 40).
    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(MIN_WIDTH);
        self.handler = self.handler.with_width(self.width);
        self
    }

    fn render(&mut self, diagnostic: &dyn miette::Diagnostic) -> io::Result<()> {
        let mut text = String::new();
        self.handler
            .render_report(&mut text, diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
        if self.verbose {
            writeln!(self.out, "{text}")
        } else {
            write!(self.out, "{text}")
        }
    }
}

impl<W: Write> Report for HumanReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        match outcome {
            Outcome::Invalid(error) => {
                let diagnostic = invalid_line(line, error, self.snippet_width());
                self.render(&diagnostic)
            }
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let severity = finding.severity(self.rulebook, publication);
                    let at = Severity::NAMES
                        .iter()
                        .position(|name| *name == severity.name())
                        .unwrap_or(0);
                    self.fired[finding.rule][at] += 1;
                    let diagnostic = if self.verbose {
                        finding_diagnostic(self.rulebook, line, publication, finding)
                    } else {
                        compact_diagnostic(self.rulebook, line, publication, finding, self.width)
                    };
                    self.render(&diagnostic)?;
                }
                Ok(())
            }
        }
    }

    fn waived(
        &mut self,
        line: &LogLine,
        _publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(
            self.out,
            "  ✓ waived: {} at {}:{} — {} (waiver at {}:{})\n",
            escape_unsafe(&self.rulebook.rules[finding.rule].id),
            line.file,
            line.number,
            escape_unsafe(&acceptance.reason),
            escape_unsafe(&acceptance.origin.file),
            acceptance.origin.line,
        )
    }

    /// A diagnostic with no snippet (its lines were read long before):
    /// the first and last lines counted, by place.
    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let rule = &self.rulebook.rules[finding.rule];
        let at = Severity::NAMES
            .iter()
            .position(|name| *name == rule.severity.name())
            .unwrap_or(0);
        self.fired[finding.rule][at] += 1;
        if self.quiet {
            return Ok(());
        }
        let (first, last) = (&finding.first, &finding.last);
        let mut help = format!(
            "first line counted: {}:{}\nlast line counted:  {}:{}",
            escape_unsafe(&first.file),
            first.line,
            escape_unsafe(&last.file),
            last.line
        );
        if self.verbose {
            help.push_str(&format!(
                "\nlaw: {} <{}>\nrule: {}\n\n{}",
                rule.citation,
                rule.citation.url,
                self.rulebook.locate(rule.place),
                rule.help
            ));
        }
        let diagnostic = RangeDiagnostic {
            message: format!(
                "{}: {}",
                escape_unsafe(&rule.id),
                aggregate_message(self.rulebook, finding)
            ),
            severity: finding::miette_severity(rule.severity),
            help,
        };
        self.render(&diagnostic)
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(
            self.out,
            "  ✓ waived: {} at {} — {} (waiver at {}:{})\n",
            escape_unsafe(&self.rulebook.rules[finding.rule].id),
            line_range(finding),
            escape_unsafe(&acceptance.reason),
            escape_unsafe(&acceptance.origin.file),
            acceptance.origin.line,
        )
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        let text = format!(
            "waiver for `{}` at {}:{} — {}",
            warning.rule, warning.origin.file, warning.origin.line, warning.message
        );
        writeln!(self.out, "  ⚠ {}\n", escape_unsafe(&text))
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        let text = format!("cannot read {file}: {reason}");
        writeln!(self.out, "  × {}\n", escape_unsafe(&text))
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if !self.quiet && !self.verbose {
            self.rules_fired()?;
        }
        for line in summary_text(summary).lines() {
            let (indent, text) = line.split_at(line.len() - line.trim_start().len());
            let rest = format!(
                "{indent}{}",
                " ".repeat(9_usize.saturating_sub(indent.len()))
            );
            write_wrapped(&mut self.out, text, indent, &rest, self.width)?;
        }
        self.out.flush()
    }
}
