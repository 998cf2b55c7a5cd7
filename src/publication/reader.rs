//! Log bytes → numbered lines, read as a stream.
//!
//! A log is never loaded whole: lines are read one at a time into a reused
//! buffer. Line endings may be `\n` or `\r\n`; a UTF-8 byte-order mark at the
//! start of the file is dropped. A line that is not UTF-8 or that is longer
//! than `MAX_LINE_BYTES` is still a line: it is numbered and reported, never
//! silently dropped, and reading goes on with the next one.

use std::io::{self, BufRead};

/// Longer lines are reported as invalid without being held in memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One line of a log, as text or as the reason it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineText {
    Text(String),
    /// Not UTF-8: the text up to the first bad byte, kept for the diagnostic.
    NotUtf8 {
        valid_prefix: String,
        bad_byte: u8,
    },
    /// Longer than `MAX_LINE_BYTES`, line ending aside; only the start is kept.
    TooLong {
        start: String,
    },
}

impl LineText {
    /// A line's bytes, its line ending removed, as text or as the reason it
    /// has none. The first line of a file may start with a byte-order mark.
    pub fn new(line: &[u8], first: bool) -> Self {
        let line = if first {
            line.strip_prefix(BOM).unwrap_or(line)
        } else {
            line
        };
        // The limit is on the content, whatever ends the line.
        if line.len() > MAX_LINE_BYTES {
            return LineText::too_long(line);
        }
        match std::str::from_utf8(line) {
            Ok(text) => LineText::Text(text.to_string()),
            Err(e) => LineText::NotUtf8 {
                valid_prefix: String::from_utf8_lossy(&line[..e.valid_up_to()]).into_owned(),
                bad_byte: line[e.valid_up_to()],
            },
        }
    }

    /// An over-long line, of which only the start is kept for the diagnostic.
    pub fn too_long(line: &[u8]) -> Self {
        let start = &line[..200.min(line.len())];
        LineText::TooLong {
            start: String::from_utf8_lossy(start).into_owned(),
        }
    }
}

pub struct LineReader<R> {
    input: R,
    number: usize,
    buffer: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(input: R) -> Self {
        LineReader {
            input,
            number: 0,
            buffer: Vec::new(),
        }
    }

    /// How many lines have been read so far.
    pub fn lines_read(&self) -> usize {
        self.number
    }

    /// The next line and its 1-based number, or `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(usize, LineText)>> {
        self.buffer.clear();
        let limit = MAX_LINE_BYTES as u64 + 2; // room for "\r\n"
        let read = io::Read::take(&mut self.input, limit).read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let complete = self.buffer.ends_with(b"\n");
        if !complete && self.buffer.len() as u64 == limit {
            self.skip_rest_of_line()?;
            return Ok(Some((self.number, self.too_long())));
        }
        let line = self.buffer.as_slice();
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Some((self.number, LineText::new(line, self.number == 1))))
    }

    /// The start of an over-long line, kept for the diagnostic.
    fn too_long(&self) -> LineText {
        LineText::too_long(&self.buffer)
    }

    /// Reads and drops bytes up to the end of the current line.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let available = self.input.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(newline) => {
                    self.input.consume(newline + 1);
                    return Ok(());
                }
                None => {
                    let n = available.len();
                    self.input.consume(n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(usize, LineText)> {
        let mut reader = LineReader::new(input);
        std::iter::from_fn(|| reader.next_line().unwrap()).collect()
    }

    fn text(s: &str) -> LineText {
        LineText::Text(s.to_string())
    }

    #[test]
    fn crlf_bom_and_missing_final_newline() {
        assert_eq!(
            lines(b"\xEF\xBB\xBFa\r\nb\n\nc"),
            vec![
                (1, text("a")),
                (2, text("b")),
                (3, text("")),
                (4, text("c"))
            ]
        );
        assert!(lines(b"").is_empty());
    }

    #[test]
    fn a_bom_is_dropped_only_at_the_start() {
        assert_eq!(lines(b"a\n\xEF\xBB\xBFb\n")[1], (2, text("\u{feff}b")));
    }

    #[test]
    fn invalid_utf8_is_a_line_of_its_own() {
        let found = lines(b"ok\nab\xFFcd\nnext\n");
        assert_eq!(
            found[1],
            (
                2,
                LineText::NotUtf8 {
                    valid_prefix: "ab".into(),
                    bad_byte: 0xFF
                }
            )
        );
        assert_eq!(found[2], (3, text("next")));
    }

    #[test]
    fn an_overlong_line_is_reported_and_skipped() {
        let mut input = vec![b'x'; MAX_LINE_BYTES + 10];
        input.extend_from_slice(b"\nafter\n");
        let found = lines(&input);
        assert_eq!(found.len(), 2);
        assert!(matches!(&found[0], (1, LineText::TooLong { .. })));
        assert_eq!(found[1], (2, text("after")));
    }

    #[test]
    fn the_limit_is_on_content_whatever_ends_the_line() {
        for ending in [&b"\n"[..], b"\r\n", b""] {
            let mut at_limit = vec![b'x'; MAX_LINE_BYTES];
            at_limit.extend_from_slice(ending);
            assert!(
                matches!(lines(&at_limit)[0], (1, LineText::Text(_))),
                "{ending:?}"
            );
            let mut over = vec![b'x'; MAX_LINE_BYTES + 1];
            over.extend_from_slice(ending);
            assert!(
                matches!(lines(&over)[0], (1, LineText::TooLong { .. })),
                "{ending:?}"
            );
        }
    }
}
