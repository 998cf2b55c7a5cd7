//! Findings for people: miette diagnostics on the offending line, then a summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, LabeledSpan};

use super::excerpt::{display_width, excerpt};
use super::{
    Report, graphical_handler, local_time, local_window, message, region_list, round_name,
    utc_window,
};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::{Finding, Violation};
use crate::publication::{LineError, Publication};
use crate::rulebook::{Rulebook, Severity};
use crate::source::{LineSource, Span, blank_unsafe, escape_unsafe, floor_char_boundary};
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
    /// The columns available; snippets and text are fitted to it.
    width: usize,
    /// Only the summary: no diagnostic per line.
    quiet: bool,
    /// Each finding with its rule's whole law and help, as once was the default.
    verbose: bool,
    /// Findings reported per rule (by index): the closing section gives the
    /// law and help of each rule that fired, once.
    fired: Vec<usize>,
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
            fired: vec![0; rulebook.rules.len()],
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

    fn render(&mut self, diagnostic: &LineDiagnostic) -> io::Result<()> {
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

    /// The law and help of every rule that fired, once each, in rulebook order.
    fn rules_fired(&mut self) -> io::Result<()> {
        let fired: Vec<(usize, usize)> = self
            .fired
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(rule, count)| (rule, *count))
            .collect();
        if fired.is_empty() {
            return Ok(());
        }
        writeln!(self.out)?;
        let heading = "The rules broken (`--verbose` repeats this under each finding):";
        write_wrapped(&mut self.out, heading, "", "", self.width)?;
        for (index, count) in fired {
            let rule = &self.rulebook.rules[index];
            let severity = rule.severity.name();
            let heading = format!(
                "{} ({}): {}",
                escape_unsafe(&rule.id),
                plural(count, severity),
                escape_unsafe(&rule.title)
            );
            let law = format!(
                "law: {} <{}>",
                escape_unsafe(&rule.citation.to_string()),
                escape_unsafe(&rule.citation.url)
            );
            let place = format!("rule: {}", self.rulebook.locate(rule.place));
            writeln!(self.out)?;
            write_wrapped(&mut self.out, &heading, "", "  ", self.width)?;
            write_wrapped(&mut self.out, &law, "  ", "    ", self.width)?;
            write_wrapped(&mut self.out, &place, "  ", "    ", self.width)?;
            for paragraph in rule.help.lines() {
                write_wrapped(
                    &mut self.out,
                    &escape_unsafe(paragraph),
                    "  ",
                    "  ",
                    self.width,
                )?;
            }
        }
        writeln!(self.out)
    }
}

/// `text` wrapped to `width`, its first line after `first`, the others after `rest`.
fn write_wrapped(
    out: &mut impl Write,
    text: &str,
    first: &str,
    rest: &str,
    width: usize,
) -> io::Result<()> {
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for line in textwrap::wrap(text, options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `1 error`, `7 errors`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
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
                    self.fired[finding.rule] += 1;
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
    if let Some(scope) = &summary.scope {
        text.push_str(&format!(
            "         showing only {scope}: {} outside (not counted below)\n",
            plural(summary.out_of_scope, "finding"),
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

/// The log line of a diagnostic, cut to `width` columns around `span`
/// (`None`: kept whole), with the span moved into the cut.
fn line_source(line: &LogLine, span: Span, width: Option<usize>) -> (LineSource, Span) {
    let text = blank_unsafe(line.text);
    let whole = |text| LineSource {
        file: line.file.into(),
        line: line.number,
        text,
        column_shift: 0,
    };
    let Some(width) = width else {
        return (whole(text), span);
    };
    // What miette draws before the text: ` 123 │ `.
    let gutter = line.number.to_string().len() + 4;
    let start = floor_char_boundary(&text, span.offset);
    let end = floor_char_boundary(&text, span.end()).max(start);
    let cut = excerpt(&text, start, end, width.saturating_sub(gutter));
    // Tabs before the span may take all the room: the span then starts at the cut.
    let offset = floor_char_boundary(&cut.text, start - cut.shift);
    // A span longer than the room left is drawn up to the cut.
    let len = (end - start).min(cut.text.len().saturating_sub(offset));
    let source = LineSource {
        column_shift: cut.column_shift,
        ..whole(cut.text)
    };
    let len = floor_char_boundary(&source.text, offset + len) - offset;
    (source, Span::new(offset, len))
}

/// An invalid line; cut to `width` (`None` in verbose output, which draws
/// it as a whole line with its code as a heading). The compact output heads
/// it with its code as it heads a finding with its rule: `CODE: problem`.
fn invalid_line(line: &LogLine, error: &LineError, width: Option<usize>) -> LineDiagnostic {
    let (source, span) = line_source(line, error.span, width);
    // The problem is the title: a label at the end of a line (a missing
    // field, a bad byte) may have no character to be drawn under.
    let problem = escape_unsafe(&error.message);
    let (message, code) = match width {
        Some(_) => (format!("{}: {problem}", error.code()), None),
        None => (
            format!("invalid line: {problem}"),
            Some(error.code().to_string()),
        ),
    };
    LineDiagnostic {
        message,
        code,
        severity: miette::Severity::Error,
        source,
        labels: vec![LabeledSpan::new_primary_with_span(None, span)],
        help: error.help.as_deref().map(escape_unsafe),
    }
}

/// A finding as the default output shows it: the rule id, the snippet cut to
/// the width, one label, and the window in local time and UTC. The rule's
/// law and help come once, at the end (`HumanReport::rules_fired`).
fn compact_diagnostic(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
    width: usize,
) -> LineDiagnostic {
    let rule = &rulebook.rules[finding.rule];
    let spans = &publication.spans();
    let (message, span, label, help) = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let regions: Vec<usize> = windows.iter().map(|w| w.region).collect();
            let zone = rulebook.regions[regions[0]].zone;
            let message = format!(
                "{}: `{}` at {} in {}",
                rule.id,
                publication.kind(),
                local_time(publication.instant(), zone),
                region_list(rulebook, &regions)
            );
            let first = &windows[0];
            let label = format!(
                "window {}",
                short_local_window(&first.window, rulebook.regions[first.region].zone)
            );
            let mut help = format!(
                "{}; UTC {}",
                round_name(rulebook, *round),
                utc_window(&first.window)
            );
            for w in &windows[1..] {
                let region = &rulebook.regions[w.region];
                help.push_str(&format!(
                    "\nin {}: {}; UTC {}",
                    region.id,
                    short_local_window(&w.window, region.zone),
                    utc_window(&w.window)
                ));
            }
            (message, spans.timestamp, label, help)
        }
        Violation::MissingAttributes(missing) => {
            let message = format!(
                "{}: `{}` published without {}",
                rule.id,
                publication.kind(),
                missing.join(", ")
            );
            // The message says what is missing; the underline says where.
            (message, spans.kind, String::new(), String::new())
        }
    };
    // The rule's id and regions come from the rulebook: quoted like the rest.
    let message = escape_unsafe(&message);
    let (source, span) = line_source(line, span, Some(width));
    let gutter = line.number.to_string().len() + 4;
    let span = fit_label(&source.text, span, gutter, display_width(&label), width);
    LineDiagnostic {
        message,
        code: None,
        severity: miette_severity(rule.severity),
        source,
        labels: vec![LabeledSpan::new_primary_with_span(
            (!label.is_empty()).then_some(label),
            span,
        )],
        help: (!help.is_empty()).then_some(help),
    }
}

/// `span` shortened, when its label would pass the `width`, so that the
/// label (drawn from the middle of the span, after `gutter` columns) fits.
fn fit_label(text: &str, span: Span, gutter: usize, label: usize, width: usize) -> Span {
    let start = display_width(&text[..span.offset]);
    let spanned = &text[span.offset..span.end()];
    // miette draws `╰── ` from the middle of the span, then the label.
    let room = width.saturating_sub(gutter + start + 4 + label);
    if display_width(spanned) / 2 <= room {
        return span;
    }
    let kept: usize = spanned
        .chars()
        .take((2 * room).max(1))
        .map(char::len_utf8)
        .sum();
    Span::new(span.offset, kept)
}

/// `[start, end)` in local time, the zone written once when both ends share it.
fn short_local_window(window: &crate::rulebook::Window, zone: chrono_tz::Tz) -> String {
    let (start, end) = (local_time(window.start, zone), local_time(window.end, zone));
    match (start.rsplit_once(' '), end.rsplit_once(' ')) {
        (Some((start_time, start_zone)), Some((_, end_zone))) if start_zone == end_zone => {
            format!("{start_time} → {end}")
        }
        _ => format!("{start} → {end}"),
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn finding_diagnostic(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
) -> LineDiagnostic {
    let rule = &rulebook.rules[finding.rule];
    let spans = &publication.spans();
    let (labels, window_text) = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let zone = rulebook.regions[windows[0].region].zone;
            let labels = vec![
                LabeledSpan::new_primary_with_span(
                    Some(format!(
                        "{}: inside the window",
                        local_time(publication.instant(), zone)
                    )),
                    spans.timestamp,
                ),
                LabeledSpan::new_with_span(
                    Some(format!(
                        "`{}` is covered by {}",
                        publication.kind(),
                        rule.id
                    )),
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
            let label = format!(
                "a `{}` must state {}",
                publication.kind(),
                missing.join(", ")
            );
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
        severity: miette_severity(rule.severity),
        source: line_source(line, spans.timestamp, None).0,
        labels,
        help: Some(help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_fits_whatever_precedes_its_span() {
        let tabs = format!("{}kind=poll {}", "\t".repeat(30), "é".repeat(200));
        let wide = format!("{} kind=poll", "選".repeat(100));
        for text in [tabs.as_str(), wide.as_str(), "kind=poll"] {
            let start = text.find("kind").unwrap();
            for number in [1, 123_456_789] {
                let line = LogLine {
                    file: "x.log",
                    number,
                    text,
                };
                for width in [40, 80] {
                    let (source, span) = line_source(&line, Span::new(start, 9), Some(width));
                    assert!(span.end() <= source.text.len(), "{text:?} at {width}");
                    assert!(source.text.is_char_boundary(span.offset));
                    assert!(source.text.is_char_boundary(span.end()));
                }
            }
        }
    }
}
