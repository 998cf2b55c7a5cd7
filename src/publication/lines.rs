//! Bytes → lines, with one policy for every reader: a line ends with `\n`
//! or `\r\n`; a UTF-8 byte-order mark at the start of the input is dropped;
//! a line longer than `MAX_LINE_BYTES` (its ending aside) or not UTF-8 is
//! still a line: numbered and reported, never silently dropped, and reading
//! goes on with the next one.
//!
//! A CSV record may hold newlines inside quotes: for CSV, "line" here means
//! a record, which ends at a newline only outside quotes (`Ends`). That one
//! rule cuts the chunks, splits them (`lines`) and splits what the merge
//! reads again (`run`); logs and JSON Lines keep the plain search for `\n`.
//!
//! The input is read in chunks of whole lines, never whole: a fixed set of
//! buffers goes round between the reader and whoever takes the lines.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};
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

/// Where records end: the one rule of the chunk reader, `lines` and `run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ends {
    /// At every newline: the log syntax, JSON Lines.
    Newline,
    /// At a newline after an even number of quotes in the record: CSV,
    /// whose quoted fields may hold newlines. Every quote of valid CSV is
    /// one of the pair around a quoted field or of a doubled quote inside
    /// it, so the count is odd exactly inside a quoted field and the rule
    /// is exact. A stray quote (`5" screen`, invalid) glues the record to
    /// the lines after it, up to the next quote: the whole is one invalid
    /// record, reported once. A record already too long (`LINE_LIMIT`
    /// bytes) ends at its next newline, quotes or not, so that a stray
    /// quote never takes in more than that of the lines after it.
    Csv,
}

impl Ends {
    /// The `\n` that ends the record starting at `bytes[0]`, if any.
    #[inline]
    pub(crate) fn find(self, bytes: &[u8]) -> Option<usize> {
        match self {
            Ends::Newline => memchr::memchr(b'\n', bytes),
            Ends::Csv => Scan::default().csv_end(bytes),
        }
    }
}

/// The newlines inside a record (a CSV record's quoted newlines): it takes
/// one line more for each.
pub(crate) fn inner_newlines(ends: Ends, record: &[u8]) -> usize {
    match ends {
        Ends::Newline => 0,
        Ends::Csv => memchr::memchr_iter(b'\n', record).count(),
    }
}

/// A record scanned for its end, bytes after bytes as they come.
#[derive(Debug, Default, Clone, Copy)]
struct Scan {
    /// Inside a quoted field.
    quoted: bool,
    /// The bytes scanned so far ended with the quote that closes a quoted
    /// field, unless the next byte is a quote too (a doubled quote).
    closing: bool,
    /// The record's last byte scanned before the current ones, `None` at
    /// its start: a quote opens a field only at its start.
    last: Option<u8>,
    /// Newlines inside the record so far.
    newlines: usize,
    /// The record's bytes scanned before the current ones.
    scanned: usize,
}

impl Scan {
    /// The `\n` that ends the record in `bytes`, which go on from where
    /// the scan was; `newlines` then counts those inside it.
    fn end(&mut self, ends: Ends, bytes: &[u8]) -> Option<usize> {
        match ends {
            Ends::Newline => memchr::memchr(b'\n', bytes),
            Ends::Csv => self.csv_end(bytes),
        }
    }

    /// A quote opens a quoted field only where a field starts (the
    /// record's start, after a comma), as csv-core reads it: a quote in
    /// the middle of an unquoted field (`27" screen`) is text, which the
    /// field reader reports, and never swallows the records after it.
    fn csv_end(&mut self, bytes: &[u8]) -> Option<usize> {
        let mut from = 0;
        if std::mem::take(&mut self.closing) && bytes.first() == Some(&b'"') {
            // The second quote of a doubled one: the field goes on.
            self.quoted = true;
            from = 1;
        }
        while let Some(n) = memchr::memchr2(b'"', b'\n', &bytes[from..]) {
            let at = from + n;
            if bytes[at] == b'"' {
                if self.quoted {
                    match bytes.get(at + 1) {
                        Some(b'"') => {
                            from = at + 2;
                            continue;
                        }
                        Some(_) => self.quoted = false,
                        None => {
                            self.quoted = false;
                            self.closing = true;
                        }
                    }
                } else {
                    let before = if at > 0 {
                        Some(bytes[at - 1])
                    } else {
                        self.last
                    };
                    self.quoted = matches!(before, None | Some(b','));
                }
            } else if self.quoted && self.scanned + at < LINE_LIMIT {
                self.newlines += 1;
            } else {
                return Some(at);
            }
            from = at + 1;
        }
        self.last = bytes.last().copied().or(self.last);
        self.scanned += bytes.len();
        None
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
    /// A line longer than `LINE_LIMIT`: the start of its first line, the
    /// rest skipped; the newlines inside it (a CSV record's, quoted or
    /// glued by a stray quote), which the numbering of the next lines
    /// counts; and the buffer it was read into, to go back to the pool.
    TooLong {
        start: Vec<u8>,
        newlines: usize,
        spare: Vec<u8>,
    },
    /// Reading failed: the input ends here. `uncounted` is 1 when the error
    /// came inside an over-long line, which counts as a line read (and is
    /// not reported).
    Failed { error: io::Error, uncounted: usize },
}

/// The lines of a chunk from byte `start` (records, as `ends` says), each
/// without its line ending (`\n`, `\r\n`). A chunk holds one line at least,
/// if only a byte-order mark.
pub(crate) fn lines(
    bytes: &[u8],
    mut start: usize,
    ends: Ends,
) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut first = !bytes.is_empty();
    std::iter::from_fn(move || {
        if start >= bytes.len() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        start = start.min(bytes.len());
        let end = ends
            .find(&bytes[start..])
            .map_or(bytes.len(), |n| start + n);
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

/// The records of a run cut from a chunk (whole records, but the last one's
/// line ending), each without its line ending but the last, which is as
/// it is: the lines the merge reads again, split as `lines` split them.
pub(crate) fn run(bytes: &[u8], ends: Ends) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let bytes = rest?;
        match ends.find(bytes) {
            Some(end) => {
                rest = Some(&bytes[end + 1..]);
                let line = &bytes[..end];
                Some(line.strip_suffix(b"\r").unwrap_or(line))
            }
            None => {
                rest = None;
                Some(bytes)
            }
        }
    })
}

/// The first record of `input`, for a format whose first record must be
/// known before the others are read (a CSV file's header): a byte-order
/// mark before it and its line ending dropped, as `lines` drops them.
/// `None` for an empty input. Reading stops `LINE_LIMIT` bytes in: a longer
/// record is returned cut, and `LineText::new` calls it too long.
pub(crate) fn first_record(input: &mut impl BufRead, ends: Ends) -> io::Result<Option<Vec<u8>>> {
    let mut record = Vec::new();
    let mut scan = Scan::default();
    let mut read_any = false;
    let mut ended = false;
    while record.len() <= LINE_LIMIT + BOM.len() {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        read_any = true;
        let taken = match scan.end(ends, available) {
            Some(end) => {
                record.extend_from_slice(&available[..end]);
                ended = true;
                end + 1
            }
            None => {
                record.extend_from_slice(available);
                available.len()
            }
        };
        input.consume(taken);
        if ended {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if record.starts_with(BOM) {
        drop(record.drain(..BOM.len()));
    }
    if record.ends_with(b"\r") {
        record.pop();
    }
    Ok(Some(record))
}

/// Cuts the input into chunks of whole lines.
pub(crate) struct ChunkReader<R> {
    input: R,
    chunk_bytes: usize,
    /// Where its records end.
    ends: Ends,
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
            ends: Ends::Newline,
            carry: Vec::new(),
            queued: None,
            ended: false,
            input_ended: false,
            at_start: true,
        }
    }

    /// Cuts records that end as `ends` says (lines, by default).
    pub(crate) fn ending(mut self, ends: Ends) -> Self {
        self.ends = ends;
        self
    }

    /// The input was read up to here already (a CSV file's header): it
    /// does not start with a byte-order mark.
    pub(crate) fn past_start(mut self) -> Self {
        self.at_start = false;
        self
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
        let mut scan = Scan::default();
        let mut wanted = self.chunk_bytes;
        loop {
            let at_end = match self.fill(&mut buffer, &mut filled, wanted) {
                Ok(at_end) => at_end,
                Err(error) => return Some(self.failed(buffer, filled, error)),
            };
            let newline = self
                .last_end(&mut scan, &buffer[searched..filled])
                .map(|n| searched + n);
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
                return Some(self.too_long(buffer, filled, scan));
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

    /// The last record end in `bytes`, which go on from where `scan` is;
    /// `scan` is then at the end of `bytes`. A log's is its last newline,
    /// found from the end; a CSV file's needs every quote before it.
    fn last_end(&self, scan: &mut Scan, bytes: &[u8]) -> Option<usize> {
        if self.ends == Ends::Newline {
            return memchr::memrchr(b'\n', bytes);
        }
        let (mut last, mut from) = (None, 0);
        while let Some(n) = scan.end(self.ends, &bytes[from..]) {
            *scan = Scan::default();
            last = Some(from + n);
            from += n + 1;
        }
        last
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
        let whole = self
            .last_end(&mut Scan::default(), &buffer[..filled])
            .map_or(0, |newline| newline + 1);
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

    /// A line with no end in `LINE_LIMIT` bytes (`scan` is at `filled`):
    /// keeps the start of its first line, drops the rest up to its end.
    fn too_long(&mut self, mut buffer: Vec<u8>, filled: usize, mut scan: Scan) -> Chunk {
        let start = &buffer[..200.min(filled)];
        let start = match memchr::memchr(b'\n', start) {
            Some(n) => start[..n].strip_suffix(b"\r").unwrap_or(&start[..n]),
            None => start,
        }
        .to_vec();
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
                    if let Some(newline) = scan.end(self.ends, read) {
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
            newlines: scan.newlines,
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
        records_of(input, chunk_bytes, step, Ends::Newline)
    }

    /// Every record of `input`, as `ends` cuts them (an over-long one with
    /// the newlines inside it).
    fn records_of(input: &[u8], chunk_bytes: usize, step: usize, ends: Ends) -> Vec<String> {
        let mut reader = ChunkReader::new(Trickle { data: input, step }, chunk_bytes).ending(ends);
        let mut found = Vec::new();
        let mut buffer = Vec::new();
        let too_long = |newlines: usize| match newlines {
            0 => "too long".to_string(),
            n => format!("too long, {n} newlines inside"),
        };
        while let Some(chunk) = reader.next(buffer) {
            buffer = match chunk {
                Chunk::Lines { bytes, start, end } => {
                    for range in lines(&bytes[..end], start, ends) {
                        let newlines = inner_newlines(ends, &bytes[range.clone()]);
                        found.push(match LineText::new(&bytes[range]) {
                            LineText::Text(text) => text.to_string(),
                            LineText::NotUtf8 {
                                valid_prefix,
                                bad_byte,
                            } => {
                                format!("not UTF-8 after {valid_prefix:?}: {bad_byte:#x}")
                            }
                            LineText::TooLong { .. } => too_long(newlines),
                        });
                    }
                    bytes
                }
                Chunk::TooLong {
                    spare, newlines, ..
                } => {
                    found.push(too_long(newlines));
                    spare
                }
                Chunk::Failed { error, .. } => panic!("{error}"),
            };
        }
        found
    }

    /// Chunk sizes and read sizes change nothing.
    fn same_lines(input: &[u8]) -> Vec<String> {
        same_records(input, Ends::Newline)
    }

    fn same_records(input: &[u8], ends: Ends) -> Vec<String> {
        let expected = records_of(input, 1 << 20, usize::MAX, ends);
        for (chunk_bytes, step) in [(1, 1), (7, 3), (4096, 5), (1 << 20, MAX_LINE_BYTES + 2)] {
            assert_eq!(
                records_of(input, chunk_bytes, step, ends),
                expected,
                "{chunk_bytes} {step}"
            );
        }
        expected
    }

    #[test]
    fn csv_records_end_at_newlines_outside_quotes() {
        let input = b"a,\"x\ny\",b\r\nc,\"\"\"q\"\"\",d\n\ne,\"\r\n\"";
        let expected = ["a,\"x\ny\",b", "c,\"\"\"q\"\"\",d", "", "e,\"\r\n\""];
        assert_eq!(same_records(input, Ends::Csv), expected);
        // The same rule splits what the merge reads again.
        let again: Vec<&[u8]> = run(input, Ends::Csv).collect();
        assert_eq!(again, expected.map(str::as_bytes));
        // A log's lines are cut at every newline, quotes or not.
        assert_eq!(same_lines(b"a\"\nb\n"), ["a\"", "b"]);
        assert_eq!(
            run(b"a\"\r\nb\r", Ends::Newline).collect::<Vec<_>>(),
            [&b"a\""[..], b"b\r"]
        );
    }

    /// A quote in the middle of an unquoted field is text: it ends no
    /// record and opens none (the field reader reports it). A quoted field
    /// never closed takes in the lines after it, up to the end of the input.
    #[test]
    fn a_stray_quote_opens_no_field() {
        assert_eq!(
            same_records(b"1,5\" screen\n2,x\"\n3,y\n", Ends::Csv),
            ["1,5\" screen", "2,x\"", "3,y"]
        );
        // Doubled quotes inside a quoted field, across any cut of the input.
        assert_eq!(
            same_records(b"1,\"a \"\"b\"\"\nc\",2\n3,\"\"\n4\n", Ends::Csv),
            ["1,\"a \"\"b\"\"\nc\",2", "3,\"\"", "4"]
        );
        assert_eq!(
            same_records(b"1,y\n2,\"open\n3,z\n", Ends::Csv),
            ["1,y", "2,\"open\n3,z\n"]
        );
    }

    /// An over-long CSV record is one, whatever newlines it holds, and they
    /// are counted for the numbering of the lines after it.
    #[test]
    fn an_overlong_record_counts_its_newlines() {
        let mut input = b"1,\"".to_vec();
        for _ in 0..1000 {
            input.extend(std::iter::repeat_n(b'x', 999));
            input.push(b'\n');
        }
        input.extend(std::iter::repeat_n(b'x', 100_000));
        input.extend_from_slice(b"\"\r\nafter,\"a\nb\"\n");
        assert_eq!(
            same_records(&input, Ends::Csv),
            ["too long, 1000 newlines inside", "after,\"a\nb\""]
        );
    }

    /// A quoted field never closed takes in the lines after it up to the
    /// limit of a line's length; the lines after that are read as they are.
    #[test]
    fn an_unclosed_quote_takes_in_no_more_than_a_line_may_hold() {
        let mut input = b"1,\"5 screen\n".to_vec();
        let line = [vec![b'x'; 999], b"\n".to_vec()].concat();
        for _ in 0..MAX_LINE_BYTES / 1000 + 4 {
            input.extend_from_slice(&line);
        }
        input.extend_from_slice(b"after,1\n");
        // The record ends at the first newline past the limit.
        let end = LINE_LIMIT + memchr::memchr(b'\n', &input[LINE_LIMIT..]).unwrap();
        let inside = memchr::memchr_iter(b'\n', &input[..end]).count();
        let found = same_records(&input, Ends::Csv);
        assert_eq!(found[0], format!("too long, {inside} newlines inside"));
        let after = &found[1..];
        assert_eq!(after.last().map(String::as_str), Some("after,1"));
        assert!(after.len() > 1);
        assert!(
            after[..after.len() - 1]
                .iter()
                .all(|l| l.len() == 999 && !l.contains('\n'))
        );
    }

    #[test]
    fn the_first_record() {
        let input = b"\xEF\xBB\xBFtime,\"a\nb\",c\r\nrest\n";
        let mut reader = io::BufReader::with_capacity(4, &input[..]);
        let first = first_record(&mut reader, Ends::Csv).unwrap();
        assert_eq!(first.as_deref(), Some(&b"time,\"a\nb\",c"[..]));
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"rest\n");
        assert_eq!(first_record(&mut &b""[..], Ends::Csv).unwrap(), None);
        assert_eq!(
            first_record(&mut &b"\xEF\xBB\xBF"[..], Ends::Csv).unwrap(),
            Some(Vec::new())
        );
        let long = vec![b'x'; 2 * MAX_LINE_BYTES];
        let first = first_record(&mut &long[..], Ends::Csv).unwrap().unwrap();
        assert!(matches!(LineText::new(&first), LineText::TooLong { .. }));
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
