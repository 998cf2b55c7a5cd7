//! A diagnostic on one log line, the line cut to fit around its span; an
//! invalid line is drawn as one. A finding over many lines is drawn without
//! a snippet (`RangeDiagnostic`).

use std::fmt;

use miette::{Diagnostic, LabeledSpan};

use crate::audit::LogLine;
use crate::publication::LineError;
use crate::report::excerpt::excerpt;
use crate::source::{
    LineSource, Span, blank_unsafe, blank_unsafe_lines, escape_unsafe, floor_char_boundary,
};

/// A diagnostic on one log line.
#[derive(Debug)]
pub(super) struct LineDiagnostic {
    pub(super) message: String,
    pub(super) code: Option<String>,
    pub(super) severity: miette::Severity,
    pub(super) source: LineSource,
    pub(super) labels: Vec<LabeledSpan>,
    pub(super) help: Option<String>,
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
pub(super) fn line_source(line: &LogLine, span: Span, width: Option<usize>) -> (LineSource, Span) {
    let Some(width) = width else {
        // A record of several lines (a CSV record, a feed's item) is shown whole.
        let source = LineSource {
            file: line.file.into(),
            line: line.number,
            text: blank_unsafe_lines(line.text),
            // miette counts the columns of the first line from here.
            column_shift: line.first_column,
        };
        return (source, span);
    };
    // Cut to the width: the line of the record that holds the span.
    let (text, start) = line.line_at(span.offset);
    let number = line.position(span.offset).0;
    let span = Span::new(
        span.offset - start,
        span.len.min(text.len().saturating_sub(span.offset - start)),
    );
    let text = blank_unsafe(text);
    // On the record's first line, what comes before the record (a feed's
    // item in the middle of a line) counts in the columns shown.
    let before = if start == 0 { line.first_column } else { 0 };
    let whole = |text| LineSource {
        file: line.file.into(),
        line: number,
        text,
        column_shift: before,
    };
    // What miette draws before the text: ` 123 │ `.
    let gutter = number.to_string().len() + 4;
    let start = floor_char_boundary(&text, span.offset);
    let end = floor_char_boundary(&text, span.end()).max(start);
    let cut = excerpt(&text, start, end, width.saturating_sub(gutter));
    // Tabs before the span may take all the room: the span then starts at the cut.
    let offset = floor_char_boundary(&cut.text, start - cut.shift);
    // A span longer than the room left is drawn up to the cut.
    let len = (end - start).min(cut.text.len().saturating_sub(offset));
    let source = LineSource {
        column_shift: before + cut.column_shift,
        ..whole(cut.text)
    };
    let len = floor_char_boundary(&source.text, offset + len) - offset;
    (source, Span::new(offset, len))
}

/// An invalid line; cut to `width` (`None` in verbose output, which draws
/// it as a whole line with its code as a heading). The compact output heads
/// it with its code as it heads a finding with its rule: `CODE: problem`.
pub(super) fn invalid_line(
    line: &LogLine,
    error: &LineError,
    width: Option<usize>,
) -> LineDiagnostic {
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

/// An aggregate finding, drawn as a diagnostic without a snippet.
#[derive(Debug)]
pub(super) struct RangeDiagnostic {
    pub(super) message: String,
    pub(super) severity: miette::Severity,
    pub(super) help: String,
}

impl std::fmt::Display for RangeDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RangeDiagnostic {}

impl miette::Diagnostic for RangeDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
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
                    first_column: 0,
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
