//! Bytes → lines, with one policy for every reader: a line ends with `\n`
//! or `\r\n`; a UTF-8 byte-order mark at the start of the input is dropped;
//! a line longer than `MAX_LINE_BYTES` (its ending aside) or not UTF-8 is
//! still a line: numbered and reported, never silently dropped, and reading
//! goes on with the next one.
//!
//! The input is read in chunks of whole lines, never whole: a fixed set of
//! buffers goes round between the reader and whoever takes the lines.

use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::Range;

use super::{LineError, LineErrorKind};
use crate::source::Span;

/// Longer lines are reported as invalid without being held in memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Room for a line of `MAX_LINE_BYTES` and its `\r\n`: a line without a
/// newline in that many bytes is too long.
const LINE_LIMIT: usize = MAX_LINE_BYTES + 2;

/// One line, as text or as the reason it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineText<'a> {
    Text(&'a str),
    /// Not UTF-8: the text up to the first bad byte, kept for the diagnostic.
    NotUtf8 {
        valid_prefix: &'a str,
        bad_byte: u8,
    },
    /// Longer than `MAX_LINE_BYTES`, line ending aside; only the start is kept.
    TooLong {
        start: Cow<'a, str>,
    },
}

impl<'a> LineText<'a> {
    /// A line's bytes, its line ending removed.
    pub fn new(line: &'a [u8]) -> Self {
        if line.len() > MAX_LINE_BYTES {
            return LineText::too_long(line);
        }
        match std::str::from_utf8(line) {
            Ok(text) => LineText::Text(text),
            Err(e) => {
                let valid = &line[..e.valid_up_to()];
                LineText::NotUtf8 {
                    valid_prefix: std::str::from_utf8(valid).unwrap_or_default(),
                    bad_byte: line[e.valid_up_to()],
                }
            }
        }
    }

    /// Why the line cannot be read, if it cannot.
    pub fn error(&self) -> Option<LineError> {
        match self {
            LineText::Text(_) => None,
            LineText::NotUtf8 {
                valid_prefix,
                bad_byte,
            } => Some(LineError::new(
                LineErrorKind::NotUtf8,
                Span::new(valid_prefix.len(), 0),
                format!("this line is not UTF-8: byte 0x{bad_byte:02X} follows"),
            )),
            LineText::TooLong { .. } => Some(LineError::new(
                LineErrorKind::TooLong,
                Span::new(0, 0),
                format!("this line is longer than the {MAX_LINE_BYTES} bytes a line may have"),
            )),
        }
    }

    /// An over-long line, of which only the start is kept for the diagnostic.
    pub fn too_long(line: &'a [u8]) -> Self {
        let start = &line[..200.min(line.len())];
        LineText::TooLong {
            start: String::from_utf8_lossy(start),
        }
    }
}

/// A piece of the input.
pub(crate) enum Chunk {
    /// Whole lines (the last line of the input may lack its newline) in
    /// `bytes[start..end]` (`start` is 3 for a byte-order mark at the start
    /// of the input; bytes past `end` are stale).
    Lines {
        bytes: Vec<u8>,
        start: usize,
        end: usize,
    },
    /// A line longer than `LINE_LIMIT`: its start, the rest skipped; and the
    /// buffer it was read into, to go back to the pool.
    TooLong { start: Vec<u8>, spare: Vec<u8> },
    /// Reading failed: the input ends here. `uncounted` is 1 when the error
    /// came inside an over-long line, which counts as a line read (and is
    /// not reported).
    Failed { error: io::Error, uncounted: usize },
}

/// The lines of a chunk from byte `start`, each without its line ending
/// (`\n`, `\r\n`). A chunk holds one line at least, if only a byte-order mark.
pub(crate) fn lines(bytes: &[u8], mut start: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut first = !bytes.is_empty();
    std::iter::from_fn(move || {
        if start >= bytes.len() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        start = start.min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        let line = start..end;
        start = end + 1;
        let content_end = if bytes[line.clone()].ends_with(b"\r") {
            end - 1
        } else {
            end
        };
        Some(line.start..content_end)
    })
}

/// Cuts the input into chunks of whole lines.
pub(crate) struct ChunkReader<R> {
    input: R,
    chunk_bytes: usize,
    /// The start of a line that the last chunk cut.
    carry: Vec<u8>,
    /// A piece due after the one just given.
    queued: Option<Chunk>,
    /// Every piece has been given.
    ended: bool,
    /// The input said it has no more (a terminal is not asked twice).
    input_ended: bool,
    /// No piece has been given yet: the next may start with a byte-order mark.
    at_start: bool,
}

impl<R: Read> ChunkReader<R> {
    pub(crate) fn new(input: R, chunk_bytes: usize) -> Self {
        ChunkReader {
            input,
            chunk_bytes,
            carry: Vec::new(),
            queued: None,
            ended: false,
            input_ended: false,
            at_start: true,
        }
    }

    /// The next piece, read into `buffer`; `None` at the end of the input.
    pub(crate) fn next(&mut self, buffer: Vec<u8>) -> Option<Chunk> {
        let mut chunk = self.read_chunk(buffer)?;
        if std::mem::take(&mut self.at_start) {
            match &mut chunk {
                Chunk::Lines { bytes, start, end } if bytes[..*end].starts_with(BOM) => {
                    *start = BOM.len();
                }
                Chunk::TooLong { start, .. } if start.starts_with(BOM) => {
                    drop(start.drain(..BOM.len()));
                }
                _ => {}
            }
        }
        Some(chunk)
    }

    fn read_chunk(&mut self, mut buffer: Vec<u8>) -> Option<Chunk> {
        if let Some(piece) = self.queued.take() {
            return Some(piece);
        }
        if self.ended {
            return None;
        }
        // A buffer keeps its length from round to round: its bytes past
        // `filled` are stale, never zeroed again (that cost a pass over the
        // log).
        let mut filled = self.carry.len();
        if buffer.len() < filled {
            buffer.resize(filled, 0);
        }
        buffer[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        // What is carried may hold whole lines (after an over-long line
        // was skipped): it is searched too.
        let mut searched = 0;
        let mut wanted = self.chunk_bytes;
        loop {
            let at_end = match self.fill(&mut buffer, &mut filled, wanted) {
                Ok(at_end) => at_end,
                Err(error) => return Some(self.failed(buffer, filled, error)),
            };
            let newline = memchr::memrchr(b'\n', &buffer[searched..filled]).map(|n| searched + n);
            searched = filled;
            if let Some(newline) = newline {
                self.carry.extend_from_slice(&buffer[newline + 1..filled]);
                self.ended = at_end && self.carry.is_empty();
                return Some(Chunk::Lines {
                    bytes: buffer,
                    start: 0,
                    end: newline + 1,
                });
            }
            if filled - self.bom(&buffer[..filled]) >= LINE_LIMIT {
                return Some(self.too_long(buffer, filled));
            }
            if at_end {
                self.ended = true;
                return (filled > 0).then_some(Chunk::Lines {
                    bytes: buffer,
                    start: 0,
                    end: filled,
                });
            }
            // One line longer than a chunk: read on until it ends, in
            // growing steps, so that small chunks do not make it quadratic.
            let step = self.chunk_bytes.max(filled).min(LINE_LIMIT);
            wanted = filled.saturating_add(step);
        }
    }

    /// The length of the byte-order mark `read` starts with, if it is the
    /// start of the input: a line's length never counts it.
    fn bom(&self, read: &[u8]) -> usize {
        if self.at_start && read.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }

    /// Reads once, up to `wanted` bytes in `buffer[..filled]`: what is there,
    /// so that a slow stream (`tail -f`) is checked as it comes. True at the
    /// end of the input.
    fn fill(
        &mut self,
        buffer: &mut Vec<u8>,
        filled: &mut usize,
        wanted: usize,
    ) -> io::Result<bool> {
        if self.input_ended || *filled >= wanted {
            return Ok(self.input_ended);
        }
        if buffer.len() < wanted {
            buffer.resize(wanted, 0);
        }
        let read = loop {
            match self.input.read(&mut buffer[*filled..wanted]) {
                Ok(read) => break read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        *filled += read;
        self.input_ended = read == 0;
        Ok(self.input_ended)
    }

    /// A read error: the whole lines read before it still count, and so
    /// does a partial line already too long, as the line reader counts them.
    fn failed(&mut self, buffer: Vec<u8>, filled: usize, error: io::Error) -> Chunk {
        self.ended = true;
        let whole = memchr::memrchr(b'\n', &buffer[..filled]).map_or(0, |newline| newline + 1);
        let bom = if whole == 0 {
            self.bom(&buffer[..filled])
        } else {
            0
        };
        let uncounted = usize::from(filled - whole - bom >= LINE_LIMIT);
        let failed = Chunk::Failed { error, uncounted };
        if whole == 0 {
            return failed;
        }
        self.queued = Some(failed);
        Chunk::Lines {
            bytes: buffer,
            start: 0,
            end: whole,
        }
    }

    /// A line with no newline in `LINE_LIMIT` bytes: keeps its start, drops
    /// the rest up to its newline.
    fn too_long(&mut self, mut buffer: Vec<u8>, filled: usize) -> Chunk {
        let start = buffer[..200.min(filled)].to_vec();
        loop {
            let mut filled = 0;
            match self.fill(&mut buffer, &mut filled, self.chunk_bytes.max(64 * 1024)) {
                Err(error) => {
                    // The line counts as read, then skipping it fails.
                    self.ended = true;
                    return Chunk::Failed {
                        error,
                        uncounted: 1,
                    };
                }
                Ok(at_end) => {
                    let read = &buffer[..filled];
                    if let Some(newline) = memchr::memchr(b'\n', read) {
                        self.carry.extend_from_slice(&read[newline + 1..]);
                        self.ended = at_end && self.carry.is_empty();
                        break;
                    }
                    if at_end {
                        self.ended = true;
                        break;
                    }
                }
            }
        }
        Chunk::TooLong {
            start,
            spare: buffer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes `step` at a time, as a pipe may.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let n = buffer.len().min(self.step).min(self.data.len());
            buffer[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Every line of `input`, as text or as the reason it has none, read in
    /// chunks of `chunk_bytes` from reads of at most `step` bytes.
    fn lines_of(input: &[u8], chunk_bytes: usize, step: usize) -> Vec<String> {
        let mut reader = ChunkReader::new(Trickle { data: input, step }, chunk_bytes);
        let mut found = Vec::new();
        let mut buffer = Vec::new();
        while let Some(chunk) = reader.next(buffer) {
            buffer = match chunk {
                Chunk::Lines { bytes, start, end } => {
                    for range in lines(&bytes[..end], start) {
                        found.push(match LineText::new(&bytes[range]) {
                            LineText::Text(text) => text.to_string(),
                            LineText::NotUtf8 {
                                valid_prefix,
                                bad_byte,
                            } => {
                                format!("not UTF-8 after {valid_prefix:?}: {bad_byte:#x}")
                            }
                            LineText::TooLong { .. } => "too long".to_string(),
                        });
                    }
                    bytes
                }
                Chunk::TooLong { spare, .. } => {
                    found.push("too long".to_string());
                    spare
                }
                Chunk::Failed { error, .. } => panic!("{error}"),
            };
        }
        found
    }

    /// Chunk sizes and read sizes change nothing.
    fn same_lines(input: &[u8]) -> Vec<String> {
        let expected = lines_of(input, 1 << 20, usize::MAX);
        for (chunk_bytes, step) in [(1, 1), (7, 3), (4096, 5), (1 << 20, MAX_LINE_BYTES + 2)] {
            assert_eq!(
                lines_of(input, chunk_bytes, step),
                expected,
                "{chunk_bytes} {step}"
            );
        }
        expected
    }

    #[test]
    fn crlf_bom_and_missing_final_newline() {
        assert_eq!(same_lines(b"\xEF\xBB\xBFa\r\nb\n\nc"), ["a", "b", "", "c"]);
        assert!(same_lines(b"").is_empty());
        assert_eq!(same_lines(b"\xEF\xBB\xBF"), [""]);
        // A byte-order mark is dropped only at the start of the input.
        assert_eq!(same_lines(b"a\n\xEF\xBB\xBFb\n"), ["a", "\u{feff}b"]);
    }

    /// Lines between two over-long lines are lines too (they were once
    /// swallowed with the second), whatever the chunks and reads.
    #[test]
    fn lines_between_overlong_lines_are_kept() {
        let long = 2 * MAX_LINE_BYTES + 10;
        let mut input = vec![b'x'; long];
        input.extend_from_slice(b"\nok\r\nok2\n");
        input.extend(std::iter::repeat_n(b'y', long));
        input.extend_from_slice(b"\nafter\n");
        let expected = ["too long", "ok", "ok2", "too long", "after"];
        assert_eq!(lines_of(&input, 1 << 20, usize::MAX), expected);
        assert_eq!(same_lines(&input), expected);
    }

    #[test]
    fn invalid_utf8_is_a_line_of_its_own() {
        assert_eq!(
            same_lines(b"ok\nab\xFFcd\nnext\n"),
            ["ok", "not UTF-8 after \"ab\": 0xff", "next"]
        );
    }

    /// The limit is on a line's content: its ending and a byte-order mark
    /// aside, whatever the chunks and reads (a pipe once gave another answer
    /// than a file for a first line at the limit after a byte-order mark).
    #[test]
    fn the_limit_is_on_content_whatever_ends_the_line() {
        for bom in [&b""[..], b"\xEF\xBB\xBF"] {
            for ending in [&b"\n"[..], b"\r\n", b""] {
                let mut at_limit = bom.to_vec();
                at_limit.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
                at_limit.extend_from_slice(ending);
                at_limit.extend_from_slice(b"\nafter\n");
                let found = same_lines(&at_limit);
                assert_eq!(found[0].len(), MAX_LINE_BYTES, "{bom:?} {ending:?}");
                let mut over = bom.to_vec();
                over.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
                over.extend_from_slice(ending);
                over.extend_from_slice(b"\nafter\n");
                let found = same_lines(&over);
                assert_eq!(found[0], "too long", "{bom:?} {ending:?}");
                assert_eq!(found.last().map(String::as_str), Some("after"));
            }
        }
    }
}
