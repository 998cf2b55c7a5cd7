//! A log line cut to fit a terminal, keeping the part a diagnostic points at.
//!
//! Log lines carry long titles and URLs; drawn whole, a finding's snippet runs
//! past the edge of an 80-column terminal and wraps into noise. The excerpt
//! keeps the labelled span whole where it can, marks each cut with `…`, and
//! says how far the span moved, so that the caller can shift its labels and
//! still report the column of the original line.

use unicode_width::UnicodeWidthChar;

/// What `excerpt` kept of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Excerpt {
    pub text: String,
    /// Bytes removed before the kept part, less the `…` put in their place:
    /// subtract it from an offset into the line to get one into `text`.
    pub shift: usize,
    /// Characters removed before the kept part, less the `…`: add it to a
    /// column of `text` to get the column in the line.
    pub column_shift: usize,
}

const ELLIPSIS: char = '…';
/// Characters kept before the span when the start of the line is cut.
const LEAD: usize = 10;

/// `line` cut to at most `width` columns around the byte range
/// `[start, end)`, which must fall on character boundaries.
pub(super) fn excerpt(line: &str, start: usize, end: usize, width: usize) -> Excerpt {
    let whole = Excerpt {
        text: line.to_string(),
        shift: 0,
        column_shift: 0,
    };
    if display_width(line) <= width {
        return whole;
    }
    // Keep the start of the line when the span ends early enough; else start
    // a few characters before the span.
    let from = if display_width(&line[..end]) < width {
        0
    } else {
        line[..start]
            .char_indices()
            .rev()
            .nth(LEAD - 1)
            .map_or(0, |(i, _)| i)
    };
    // Fewer bytes than the `…` that would stand for them: kept.
    let from = if from < ELLIPSIS.len_utf8() { 0 } else { from };
    let mut text = String::new();
    let mut used = 0;
    if from > 0 {
        text.push(ELLIPSIS);
        used += 1;
    }
    let mut cut = false;
    for c in line[from..].chars() {
        let w = char_width(c);
        // Room must be left for the closing `…`.
        if used + w > width.saturating_sub(1) {
            cut = true;
            break;
        }
        text.push(c);
        used += w;
    }
    if cut {
        text.push(ELLIPSIS);
    }
    let (shift, column_shift) = if from == 0 {
        (0, 0)
    } else {
        let removed_chars = line[..from].chars().count();
        (from - ELLIPSIS.len_utf8(), removed_chars - 1)
    };
    Excerpt {
        text,
        shift,
        column_shift,
    }
}

/// Columns a terminal gives `text` (tabs as miette draws them: four).
pub(super) fn display_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    if c == '\t' { 4 } else { c.width().unwrap_or(0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_kept_whole() {
        let e = excerpt("2017-05-06T09:30:00Z outlet=a kind=poll", 0, 20, 80);
        assert_eq!(e.text, "2017-05-06T09:30:00Z outlet=a kind=poll");
        assert_eq!((e.shift, e.column_shift), (0, 0));
    }

    #[test]
    fn a_long_line_keeps_its_start_when_the_span_is_early() {
        let line = format!(
            "2017-05-06T09:30:00Z kind=poll title=\"{}\"",
            "x".repeat(100)
        );
        let e = excerpt(&line, 0, 20, 40);
        assert_eq!(display_width(&e.text), 40);
        assert!(e.text.starts_with("2017-05-06T09:30:00Z kind=poll"));
        assert!(e.text.ends_with('…'));
        assert_eq!((e.shift, e.column_shift), (0, 0));
    }

    #[test]
    fn a_late_span_is_kept_with_a_little_before_it() {
        let line = format!(
            "2017-05-06T09:30:00Z title=\"{}\" kind=poll",
            "é".repeat(100)
        );
        let start = line.find("kind=poll").unwrap();
        let e = excerpt(&line, start, start + 9, 30);
        assert!(e.text.starts_with('…'), "{}", e.text);
        let moved = start - e.shift;
        assert_eq!(&e.text[moved..moved + 9], "kind=poll");
        // The column in the original line is recovered from the excerpt's.
        let column_in_excerpt = e.text[..moved].chars().count() + 1;
        assert_eq!(
            column_in_excerpt + e.column_shift,
            line[..start].chars().count() + 1
        );
    }

    #[test]
    fn wide_characters_count_twice() {
        let line = "選挙".repeat(50);
        let e = excerpt(&line, 0, 3, 21);
        assert!(display_width(&e.text) <= 21, "{}", e.text);
        assert_eq!(e.text.chars().count(), 11, "ten columns of text and `…`");
    }

    /// A span a character or two after the lead it keeps: the one or two
    /// bytes before are kept rather than stood for by a longer `…` (the
    /// shift once went below zero).
    #[test]
    fn a_span_just_after_the_lead_keeps_the_start() {
        for first in ["a", "é"] {
            let line = format!("{first}{}{}", "x".repeat(LEAD), "y".repeat(200));
            let start = first.len() + LEAD;
            let e = excerpt(&line, start, start + 100, 40);
            assert_eq!((e.shift, e.column_shift), (0, 0), "{first}");
            assert!(e.text.starts_with(first), "{}", e.text);
        }
    }
}
