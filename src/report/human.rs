//! Findings for people: miette diagnostics on the offending line, then a summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, LabeledSpan};

use super::{Report, graphical_handler, local_time, local_window, message, round_name, utc_window};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::{Finding, Violation};
use crate::publication::{LineError, Publication};
use crate::rulebook::{Rulebook, Severity};
use crate::source::{LineSource, blank_unsafe, escape_unsafe};
use crate::waiver::{Acceptance, WaiverWarning};

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
    /// Only the summary: no diagnostic per line.
    quiet: bool,
}

impl<'r, W: Write> HumanReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook, color: bool) -> Self {
        let handler = graphical_handler(color);
        HumanReport {
            out,
            rulebook,
            handler,
            quiet: false,
        }
    }

    /// Prints the summary only.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    fn render(&mut self, diagnostic: &LineDiagnostic) -> io::Result<()> {
        let mut text = String::new();
        self.handler
            .render_report(&mut text, diagnostic)
            .map_err(|e| io::Error::other(e.to_string()))?;
        writeln!(self.out, "{text}")
    }
}

impl<W: Write> Report for HumanReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        match outcome {
            Outcome::Invalid(error) => self.render(&invalid_line(line, error)),
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let diagnostic = finding_diagnostic(self.rulebook, line, publication, finding);
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
            self.rulebook.rules[finding.rule].id,
            line.file,
            line.number,
            escape_unsafe(&acceptance.reason),
            acceptance.origin.file,
            acceptance.origin.line,
        )
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        writeln!(
            self.out,
            "  ⚠ waiver for `{}` at {}:{} — {}\n",
            warning.rule, warning.origin.file, warning.origin.line, warning.message
        )
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        writeln!(self.out, "  × cannot read {file}: {reason}\n")
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        writeln!(self.out, "{}", summary_text(summary))?;
        self.out.flush()
    }
}

/// The closing lines of a human report.
pub fn summary_text(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut text = format!(
        "scrutin: {} read in {}: {} checked, {} skipped (blank or comment), {} invalid\n",
        plural(summary.lines, "line"),
        plural(summary.files, "file"),
        plural(summary.publications, "publication"),
        summary.skipped,
        summary.invalid,
    );
    if summary.waived > 0 || summary.waiver_warnings > 0 {
        text.push_str(&format!(
            "         {} accepted by waivers (listed above, not counted below), {}\n",
            plural(summary.waived, "finding"),
            plural(summary.waiver_warnings, "waiver warning"),
        ));
    }
    if summary.stopped_early {
        text.push_str(&format!(
            "         stopped after {} (--max-invalid): the rest of the input was not checked\n",
            plural(summary.invalid, "invalid line")
        ));
    }
    if summary.unreadable_files > 0 {
        text.push_str(&format!(
            "         {} could not be read\n",
            plural(summary.unreadable_files, "file")
        ));
    }
    text.push_str(&format!(
        "         {}: {}, {}, {}",
        plural(summary.violations, "violation"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info"),
    ));
    text
}

/// A diagnostic on one log line.
#[derive(Debug)]
struct LineDiagnostic {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: LineSource,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Display for LineDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LineDiagnostic {}

impl Diagnostic for LineDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn line_source(line: &LogLine) -> LineSource {
    LineSource {
        file: line.file.into(),
        line: line.number,
        text: blank_unsafe(line.text),
    }
}

fn invalid_line(line: &LogLine, error: &LineError) -> LineDiagnostic {
    LineDiagnostic {
        // The problem is the title: a label at the end of a line (a missing
        // field, a bad byte) may have no character to be drawn under.
        message: format!("invalid line: {}", escape_unsafe(&error.message)),
        code: Some("invalid-line".to_string()),
        severity: miette::Severity::Error,
        source: line_source(line),
        labels: vec![LabeledSpan::new_primary_with_span(None, error.span)],
        help: error.help.as_deref().map(escape_unsafe),
    }
}

fn finding_diagnostic(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
) -> LineDiagnostic {
    let rule = &rulebook.rules[finding.rule];
    let spans = &publication.spans;
    let (labels, window_text) = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let zone = rulebook.regions[windows[0].region].zone;
            let labels = vec![
                LabeledSpan::new_primary_with_span(
                    Some(format!(
                        "{}: inside the window",
                        local_time(publication.instant, zone)
                    )),
                    spans.timestamp,
                ),
                LabeledSpan::new_with_span(
                    Some(format!("`{}` is covered by {}", publication.kind, rule.id)),
                    spans.kind,
                ),
            ];
            let window_text: String = windows
                .iter()
                .map(|w| {
                    let region = &rulebook.regions[w.region];
                    format!(
                        "window for {}, {}:\n  local {}\n  UTC   {}\n",
                        region.id,
                        round_name(rulebook, *round),
                        local_window(&w.window, region.zone),
                        utc_window(&w.window)
                    )
                })
                .collect();
            (labels, window_text)
        }
        Violation::MissingAttributes(missing) => {
            let label = format!("a `{}` must state {}", publication.kind, missing.join(", "));
            (
                vec![LabeledSpan::new_primary_with_span(Some(label), spans.kind)],
                String::new(),
            )
        }
    };
    let help = format!(
        "{window_text}law: {} <{}>\nrule: {}\n\n{}",
        rule.citation,
        rule.citation.url,
        rulebook.locate(rule.place),
        rule.help,
    );
    LineDiagnostic {
        message: message(rulebook, publication, finding),
        code: Some(rule.id.clone()),
        severity: match rule.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        source: line_source(line),
        labels,
        help: Some(help),
    }
}
