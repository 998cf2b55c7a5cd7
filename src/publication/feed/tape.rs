//! The bytes under the XML reader. Every byte the reader takes passes
//! here, so the feed reader knows where it is (offset, line, column) and
//! holds an item's exact text as it goes, without reading it twice.
//!
//! Memory stays bounded: outside an item only the token being read is
//! kept; an item is kept up to `MAX_LINE_BYTES`, then only its start; a
//! token (a tag, a comment, a CDATA section) longer than that stops the
//! reading, since the XML reader would hold it whole.

use std::io::{self, BufRead, Read};

use crate::publication::lines::MAX_LINE_BYTES;

/// How much of an over-long item is kept, for the diagnostic.
const KEPT_OF_TOO_LONG: usize = 200;

/// How much of the line before a token is kept, for the context of an
/// error in the token.
const CONTEXT_BYTES: usize = 256;

/// The size of the reads from the input.
const CHUNK_BYTES: usize = 64 * 1024;

/// A place in the input: a byte offset, and its 1-based line and 1-based
/// column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub(super) offset: u64,
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Place {
    const START: Place = Place {
        offset: 0,
        line: 1,
        column: 1,
    };

    /// The place after `bytes`, read from here.
    fn advance(&mut self, bytes: &[u8]) {
        self.offset += bytes.len() as u64;
        let after_newline = match memchr::memrchr(b'\n', bytes) {
            Some(newline) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = 1;
                &bytes[newline + 1..]
            }
            None => bytes,
        };
        // A character starts at every byte that is not a UTF-8 continuation.
        self.column += after_newline
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
    }
}

/// What the feed reader is told when a token outgrew the limit.
#[derive(Debug)]
pub(super) struct TokenTooLong;

impl std::fmt::Display for TokenTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an XML token longer than {MAX_LINE_BYTES} bytes")
    }
}

impl std::error::Error for TokenTooLong {}

/// A buffered reader that keeps what it gives: the current token, or the
/// whole item being held.
pub(super) struct Tape<R> {
    input: R,
    chunk: Box<[u8]>,
    /// `chunk[start..end]` is read and not yet taken.
    start: usize,
    end: usize,
    /// Where the next byte taken is.
    here: Place,
    /// The bytes taken since `from`.
    taken: Vec<u8>,
    from: Place,
    /// `taken` holds an item: `mark` keeps it.
    holding: bool,
    /// The start of the item being held, when it outgrew `MAX_LINE_BYTES`
    /// (and is held no more).
    outgrown: Option<Vec<u8>>,
    /// Where the token being read starts in `taken`, when no item is held.
    token: usize,
}

impl<R: Read> Tape<R> {
    pub(super) fn new(input: R) -> Self {
        Tape {
            input,
            chunk: vec![0; CHUNK_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            here: Place::START,
            taken: Vec::new(),
            from: Place::START,
            holding: false,
            outgrown: None,
            token: 0,
        }
    }

    /// Skips a UTF-8 byte-order mark at the start of the input (it is no
    /// character: columns do not count it); says whether the input starts
    /// with a UTF-16 one instead.
    pub(super) fn skip_bom(&mut self) -> io::Result<bool> {
        // The first three bytes, however the input gives them.
        while self.end < 3 {
            match self.input.read(&mut self.chunk[self.end..]) {
                Ok(0) => break,
                Ok(read) => self.end += read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = self.fill_buf()?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            self.start += 3;
            self.here.offset += 3;
            self.from = self.here;
        }
        let head = self.fill_buf()?;
        Ok(head.starts_with(b"\xFE\xFF") || head.starts_with(b"\xFF\xFE"))
    }

    pub(super) fn here(&self) -> Place {
        self.here
    }

    /// A token starts here: what was taken before is dropped, but for the
    /// end of its line (the context of an error in the token), unless an
    /// item is held.
    pub(super) fn mark(&mut self) {
        if !self.holding {
            let line = memchr::memrchr(b'\n', &self.taken).map_or(0, |n| n + 1);
            self.forget(line.max(self.taken.len().saturating_sub(CONTEXT_BYTES)));
            self.token = self.taken.len();
        }
    }

    /// Drops the first `amount` bytes taken.
    fn forget(&mut self, amount: usize) {
        self.from.advance(&self.taken[..amount]);
        self.taken.drain(..amount);
    }

    /// Holds the item whose start tag, at `start`, was the last token
    /// taken, until `release`.
    pub(super) fn hold(&mut self, start: u64) {
        let before = start.saturating_sub(self.from.offset);
        self.forget(
            usize::try_from(before)
                .unwrap_or(usize::MAX)
                .min(self.taken.len()),
        );
        self.holding = true;
        self.outgrown = None;
    }

    /// Has the item being held outgrown `MAX_LINE_BYTES`?
    pub(super) fn outgrown(&self) -> bool {
        self.outgrown.is_some()
    }

    /// The item held: its bytes, or the start of it if it outgrew the limit.
    pub(super) fn release(&mut self) -> Result<Vec<u8>, Vec<u8>> {
        self.holding = false;
        let item = match self.outgrown.take() {
            Some(start) => Err(start),
            None => Ok(std::mem::take(&mut self.taken)),
        };
        self.taken.clear();
        self.from = self.here;
        self.token = 0;
        item
    }

    /// The place of `offset`, among the bytes taken since the last mark
    /// (or the first of them, if it is before).
    pub(super) fn place(&self, offset: u64) -> Place {
        let mut place = self.from;
        if let Some(after) = offset.checked_sub(self.from.offset) {
            let after = usize::try_from(after).unwrap_or(usize::MAX);
            place.advance(&self.taken[..after.min(self.taken.len())]);
        }
        place
    }

    /// The line around `offset`, as far as it was taken and no more than
    /// `CONTEXT_BYTES` on either side, and where `offset` is in it: the
    /// context of a diagnostic.
    pub(super) fn line_around(&self, offset: u64) -> (String, usize) {
        let taken = &self.taken[..];
        let at = usize::try_from(offset.saturating_sub(self.from.offset))
            .unwrap_or(usize::MAX)
            .min(taken.len());
        let mut start = memchr::memrchr(b'\n', &taken[..at]).map_or(0, |n| n + 1);
        start = start.max(at.saturating_sub(CONTEXT_BYTES));
        let mut end = memchr::memchr(b'\n', &taken[at..]).map_or(taken.len(), |n| at + n);
        end = end.min(at + CONTEXT_BYTES);
        // Cut between characters.
        let continues = |n: usize| taken.get(n).is_some_and(|&b| b & 0xC0 == 0x80);
        while start < at && continues(start) {
            start += 1;
        }
        while end > at && continues(end) {
            end -= 1;
        }
        let line = &taken[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let before = String::from_utf8_lossy(&line[..(at - start).min(line.len())]).len();
        (String::from_utf8_lossy(line).into_owned(), before)
    }

    /// Takes the rest of the line (a little of it at most), as context for
    /// an error in it.
    pub(super) fn take_rest_of_line(&mut self) {
        let mut budget = CONTEXT_BYTES;
        while let Ok(chunk) = self.fill_buf() {
            let length = memchr::memchr(b'\n', chunk)
                .unwrap_or(chunk.len())
                .min(budget);
            let ends = length < chunk.len() || length == 0;
            self.consume(length);
            budget -= length;
            if ends {
                return;
            }
        }
    }

    /// Keeps what is taken: the token, or the item held while it fits.
    fn keep(&mut self, amount: usize) {
        let bytes = &self.chunk[self.start..self.start + amount];
        if self.holding && self.taken.len() + amount > MAX_LINE_BYTES {
            // The item outgrew the limit: its start is kept for the
            // diagnostic, the rest is read as tokens that are dropped.
            let mut start = std::mem::take(&mut self.taken);
            start.truncate(KEPT_OF_TOO_LONG);
            start.shrink_to_fit();
            self.outgrown = Some(start);
            self.holding = false;
            self.from = self.here;
            self.from.advance(bytes);
            self.token = 0;
            return;
        }
        self.taken.extend_from_slice(bytes);
    }
}

impl<R: Read> Read for Tape<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let amount = available.len().min(out.len());
        out[..amount].copy_from_slice(&available[..amount]);
        self.consume(amount);
        Ok(amount)
    }
}

impl<R: Read> BufRead for Tape<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        // The XML reader holds a token whole: one that outgrew the limit
        // (by one chunk at most) is given no more.
        if !self.holding && self.taken.len().saturating_sub(self.token) > MAX_LINE_BYTES {
            return Err(io::Error::other(TokenTooLong));
        }
        if self.start == self.end {
            self.end = loop {
                match self.input.read(&mut self.chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    read => break read?,
                }
            };
            self.start = 0;
        }
        Ok(&self.chunk[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.start);
        self.keep(amount);
        self.here
            .advance(&self.chunk[self.start..self.start + amount]);
        self.start += amount;
    }
}
