//! Source text and positions inside it, shared by the rulebook and the log.
//!
//! Every diagnostic points at a byte range of some text. The rulebook keeps its
//! whole text (it is small); a log line keeps only itself, with its line number,
//! so that rendering a finding near the end of a huge log never rescans the file.

use std::fmt;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A byte range in some source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    pub fn new(offset: usize, len: usize) -> Self {
        Span { offset, len }
    }

    /// The span that starts `offset` bytes into this one and is `len` long.
    pub fn sub(self, offset: usize, len: usize) -> Span {
        Span::new(self.offset + offset, len)
    }

    pub fn end(self) -> usize {
        self.offset + self.len
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new(span.offset.into(), span.len)
    }
}

/// A named text held in memory, such as a rulebook file.
#[derive(Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// The text as diagnostics show it: unsafe characters blanked, offsets kept.
    shown: Arc<str>,
    lines: LineIndex,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let name: Arc<str> = name.into();
        let text: Arc<str> = text.into();
        SourceFile {
            name: escape_unsafe(&name).into(),
            shown: blank(&text, true).into(),
            lines: LineIndex::new(&text),
            text,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        self.lines.line_column(&self.text, offset)
    }
}

/// Where each line of a text starts. A position is then found by a binary
/// search and a walk along its own line, never by rescanning the text from
/// its start: a waiver file of 100,000 entries asks for 100,000 positions,
/// and rescanning made loading it quadratic.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offsets of the first byte of each line; the first is 0.
    starts: Arc<[usize]>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        scanned(text.len());
        let after_newlines = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        LineIndex {
            starts: std::iter::once(0).chain(after_newlines).collect(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset in `text`,
    /// the text the index was built from.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        // `starts[0]` is 0, so at least one start is at or before `offset`.
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line.saturating_sub(1)];
        scanned(offset - line_start);
        (line, text[line_start..offset].chars().count() + 1)
    }

    /// The byte offset of a 1-based line and 0-based column (in characters)
    /// in `text`; past the end of the text, its end.
    pub fn offset(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = text.get(line_start..).unwrap_or_default();
        match rest.char_indices().nth(column) {
            Some((at, _)) => {
                scanned(at);
                line_start + at
            }
            None => text.len(),
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Bytes read to find positions, by this thread: what the complexity
    /// tests count, as a clock cannot be trusted in a test.
    pub(crate) static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn scanned(bytes: usize) {
    #[cfg(test)]
    SCANNED.with(|scanned| scanned.set(scanned.get() + bytes));
    #[cfg(not(test))]
    let _ = bytes;
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .shown
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(named(&self.name, &self.shown, contents.as_ref(), (0, 0)))
    }
}

/// One line of a log, shown by diagnostics with its real line number.
#[derive(Debug, Clone)]
pub struct LineSource {
    pub file: Arc<str>,
    /// 1-based line number in `file`.
    pub line: usize,
    pub text: String,
    /// Characters of the line cut from the left of `text` (see
    /// `report::excerpt`): added to the columns shown, so that they stay
    /// those of the whole line.
    pub column_shift: usize,
}

impl SourceCode for LineSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The text is one line, so any context is that whole line and no more.
        let contents =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(named(
            &self.file,
            &self.text,
            contents.as_ref(),
            (self.line - 1, self.column_shift),
        ))
    }
}

/// `contents` of `text` under a file name, its lines numbered from
/// `first_line` (0-based) on, its column counted in characters (miette counts
/// bytes; editors and scrutin's JSON count characters) from `first_column`.
fn named<'a>(
    name: &str,
    text: &str,
    contents: &(dyn SpanContents<'a> + 'a),
    (first_line, first_column): (usize, usize),
) -> Box<dyn SpanContents<'a> + 'a> {
    let offset = floor_char_boundary(text, contents.span().offset());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    Box::new(MietteSpanContents::new_named(
        name.to_string(),
        contents.data(),
        *contents.span(),
        first_line + contents.line(),
        first_column + text[line_start..offset].chars().count(),
        contents.line_count(),
    ))
}

/// Characters a terminal must not receive from a log or a rulebook: controls
/// (an escape sequence could recolour or rewrite the screen) and bidirectional
/// overrides (they reorder what is shown, as in "Trojan Source").
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it may be shown on a terminal: each byte of an unsafe character
/// becomes `?`, so that spans still point at the same bytes. Tabs stay (miette
/// expands them), and so do line ends when `keep_lines` is set.
fn blank(text: &str, keep_lines: bool) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A line ends with `\n` or `\r\n`; a carriage return alone would
        // send the cursor back over what is shown.
        let line_end = keep_lines && (c == '\n' || (c == '\r' && chars.peek() == Some(&'\n')));
        if is_unsafe(c) && !line_end {
            shown.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            shown.push(c);
        }
    }
    shown
}

/// One line as it may be shown on a terminal (see `blank`).
pub fn blank_unsafe(text: &str) -> String {
    blank(text, false)
}

/// Text of several lines as it may be shown on a terminal: its line ends kept.
pub fn blank_unsafe_lines(text: &str) -> String {
    blank(text, true)
}

/// Is the text free of unsafe characters? Most text is printable ASCII,
/// which is looked at without decoding.
pub fn is_safe(text: &str) -> bool {
    printable_ascii(text.as_bytes()) || !text.chars().any(is_unsafe)
}

/// Is every byte printable ASCII or a tab? Most text is (log lines,
/// messages); the rest is looked at character by character.
pub(crate) fn printable_ascii(bytes: &[u8]) -> bool {
    // No early exit, so that the compiler can use vector instructions.
    let odd = |b: u8| u8::from(b.wrapping_sub(b' ') >= 0x5F && b != b'\t');
    let mut chunks = bytes.chunks_exact(32);
    let mut found = 0;
    for chunk in &mut chunks {
        found |= chunk.iter().fold(0, |found, &b| found | odd(b));
    }
    found |= chunks
        .remainder()
        .iter()
        .fold(0, |found, &b| found | odd(b));
    found == 0
}

/// A message quoting outside text, with unsafe characters written as escapes.
pub fn escape_unsafe(text: &str) -> String {
    if is_safe(text) {
        return text.to_string();
    }
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    escaped
}

/// `escape_unsafe` for text of several lines (a rule's help): its line
/// breaks are kept.
pub fn escape_unsafe_lines(text: &str) -> String {
    text.split('\n')
        .map(escape_unsafe)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The largest char boundary at or below `offset` (str::floor_char_boundary is unstable).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// 1-based column, in characters, of a byte offset within one line.
pub fn char_column(line: &str, offset: usize) -> usize {
    line[..floor_char_boundary(line, offset)].chars().count() + 1
}

/// The known name closest to `unknown`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Comparing costs the product of the lengths, over every known name: a
    // long garbage word (a broken log line) is no typo of a short name.
    const LONGEST_TYPO: usize = 64;
    if unknown.len() > LONGEST_TYPO {
        return None;
    }
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let file = SourceFile::new("x", "ab\ncé d\n");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        // 'é' is two bytes; 'd' is the fourth character of line 2.
        assert_eq!(file.line_column(7), (2, 4));
    }

    #[test]
    fn offsets_and_positions_agree() {
        let text = "ab\ncé d\n\nlast";
        let index = LineIndex::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let (line, column) = index.line_column(text, offset);
            assert_eq!(index.offset(text, line, column - 1), offset, "{offset}");
        }
        // Inside 'é', the position is that of 'é'.
        assert_eq!(index.line_column(text, 5), (2, 2));
        assert_eq!(index.line_column(text, 9), (3, 1));
        assert_eq!(index.line_column(text, 10), (4, 1));
        assert_eq!(index.offset(text, 9, 0), text.len());
        assert_eq!(index.offset(text, 2, 99), text.len());
    }

    #[test]
    fn unsafe_characters_never_reach_the_terminal() {
        let line = "a\u{1b}[31mb\tc\u{9b}d";
        let shown = blank_unsafe(line);
        assert_eq!(shown, "a?[31mb\tc??d");
        assert_eq!(
            shown.len(),
            line.len(),
            "spans must keep pointing at the same bytes"
        );
        assert_eq!(escape_unsafe("kind `\u{1b}[2J`"), "kind `\\u{1b}[2J`");
        assert_eq!(blank_unsafe("a\u{202e}b"), "a???b");
        let file = SourceFile::new("x\u{1b}.yaml", "a: \u{1b}\r\nb: c\n");
        assert_eq!(file.name(), "x\\u{1b}.yaml");
        assert_eq!(&*file.shown, "a: ?\r\nb: c\n");
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let known = ["metropole", "guadeloupe", "martinique"];
        assert_eq!(did_you_mean("guadelupe", known), Some("guadeloupe"));
        assert_eq!(did_you_mean("tokyo", known), None);
    }
}
