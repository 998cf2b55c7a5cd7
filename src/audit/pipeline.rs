//! Large logs on every core, in constant memory, with the output of `audit_with`.
//!
//! ```text
//! reader ──chunks──▶ workers (fast path) ──triaged chunks──▶ merge (this thread) ──▶ report
//!    ▲                                                            │
//!    └───────────────────────── buffers ◀─────────────────────────┘
//! ```
//!
//! - The reader fills buffers of about `chunk_bytes` from the input and cuts
//!   them after their last newline; the rest of the line starts the next one.
//!   A fixed set of buffers goes round, so memory does not grow with the log.
//! - Workers read each line in place (`Scanner`) and ask the `RuleIndex`
//!   whether it breaks anything. A line that does, or that the fast path is
//!   not sure of, is marked for the full path; the others are only counted.
//! - The merge takes chunks in their order and hands marked lines, with their
//!   numbers, to the same `FileAudit` the sequential reader uses: findings,
//!   waivers and diagnostics come from one piece of code, in log order, so
//!   the output is the same byte for byte whatever the number of workers.
//!
//! Inline waivers are the one piece of state that crosses lines: a directive
//! is never fast-pathed, nor is the line after a line the fast path could not
//! read, nor the first line of a chunk (whose predecessor the worker did not see).

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::ops::ControlFlow::{self, Break, Continue};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;

use super::{FileAudit, Limits, Summary};
use crate::check::Scope;
use crate::check::index::RuleIndex;
use crate::publication::reader::{LineText, MAX_LINE_BYTES};
use crate::publication::scan::{Scan, Scanner};
use crate::report::Report;
use crate::rulebook::Rulebook;
use crate::waiver::Waivers;

/// A rulebook ready to check large logs: indexed once, used for every file.
pub struct Pipeline<'r> {
    rulebook: &'r Rulebook,
    index: RuleIndex,
    jobs: usize,
    chunk_bytes: usize,
    scope: Scope,
}

impl<'r> Pipeline<'r> {
    pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

    /// The most worker threads: one merge takes every chunk in order, so
    /// far fewer already keep it busy, and each worker holds two chunks of
    /// memory. More would only spend threads and memory (a million of them
    /// never finish starting).
    pub const MAX_JOBS: usize = 256;

    /// The largest chunk: a worker's buffer is allocated whole.
    pub const MAX_CHUNK_BYTES: usize = 16 << 20;

    /// As many workers as the machine has cores, up to `MAX_JOBS`.
    pub fn new(rulebook: &'r Rulebook) -> Self {
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        Pipeline {
            rulebook,
            index: RuleIndex::new(rulebook),
            jobs: cores.min(Self::MAX_JOBS),
            chunk_bytes: Self::DEFAULT_CHUNK_BYTES,
            scope: Scope::default(),
        }
    }

    /// Reports only the findings inside `scope` (the others are counted).
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Worker threads, from 1 to `MAX_JOBS` (a number outside is taken as
    /// the nearest); with 1, everything runs on the calling thread.
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.clamp(1, Self::MAX_JOBS);
        self
    }

    /// How much of the log a worker takes at a time, from one byte to
    /// `MAX_CHUNK_BYTES` (a longer line makes a longer chunk).
    pub fn chunk_bytes(mut self, bytes: usize) -> Self {
        self.chunk_bytes = bytes.clamp(1, Self::MAX_CHUNK_BYTES);
        self
    }

    /// `audit_with`, on all cores: the same report, byte for byte.
    pub fn audit(
        &self,
        file: &str,
        input: impl Read + Send,
        report: &mut dyn Report,
        summary: &mut Summary,
        limits: Limits,
        waivers: &mut Waivers,
    ) -> io::Result<()> {
        let index = Some(&self.index);
        let audit = FileAudit::begin(self.rulebook, index, file, report, summary, limits, waivers)?
            .scoped(&self.scope);
        let mut merge = Merge { audit, lines: 0 };
        let mut reader = ChunkReader::new(input, self.chunk_bytes);
        let stop = if self.jobs == 1 {
            self.on_this_thread(&mut reader, &mut merge)?
        } else {
            self.on_all_cores(reader, &mut merge)?
        };
        merge.finish(stop)
    }

    fn on_this_thread(
        &self,
        reader: &mut ChunkReader<impl Read>,
        merge: &mut Merge,
    ) -> io::Result<Option<Stop>> {
        let mut scanner = Scanner::new(self.rulebook);
        let mut buffer = Vec::new();
        loop {
            // Before reading on, as the reference does: a stream may not
            // have more to give yet.
            if merge.audit.must_stop() {
                return Ok(Some(Stop::Limit));
            }
            let Some(piece) = reader.next(buffer) else {
                break;
            };
            let piece = self.triage(&mut scanner, piece);
            match merge.piece(piece)? {
                Continue(spare) => buffer = spare,
                Break(stop) => return Ok(Some(stop)),
            }
        }
        Ok(None)
    }

    fn on_all_cores(
        &self,
        mut reader: ChunkReader<impl Read + Send>,
        merge: &mut Merge,
    ) -> io::Result<Option<Stop>> {
        // Enough buffers to keep every worker busy while the merge catches up.
        let in_flight = self.jobs.saturating_mul(2).saturating_add(2);
        let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(in_flight);
        let (work_tx, work_rx) = sync_channel::<(usize, Piece)>(in_flight);
        let (done_tx, done_rx) = sync_channel::<(usize, Piece)>(in_flight);
        for _ in 0..in_flight {
            spare_tx.send(Vec::new()).expect("the channel has room");
        }
        let work_rx = Arc::new(Mutex::new(work_rx));
        thread::scope(|scope| {
            scope.spawn(move || read_ahead(&mut reader, &spare_rx, &work_tx));
            for _ in 0..self.jobs {
                let (work_rx, done_tx) = (Arc::clone(&work_rx), done_tx.clone());
                scope.spawn(move || self.work(&work_rx, &done_tx));
            }
            drop((work_rx, done_tx));
            // Dropping the receivers on return stops the reader and workers.
            merge_in_order(merge, done_rx, spare_tx)
        })
    }

    fn work(&self, work: &Mutex<Receiver<(usize, Piece)>>, done: &SyncSender<(usize, Piece)>) {
        let mut scanner = Scanner::new(self.rulebook);
        loop {
            let next = work.lock().map(|queue| queue.recv());
            let Ok(Ok((sequence, piece))) = next else {
                return;
            };
            if done
                .send((sequence, self.triage(&mut scanner, piece)))
                .is_err()
            {
                return;
            }
        }
    }

    /// Marks the lines of a chunk that need the full path.
    fn triage(&self, scanner: &mut Scanner, piece: Piece) -> Piece {
        let Piece::Lines { bytes, .. } = piece else {
            return piece;
        };
        let mut items = Vec::new();
        let (mut publications, mut skipped) = (0usize, 0usize);
        // The first line's predecessor, in another chunk, may be a directive.
        let mut after_directive = true;
        for (whole, range) in lines(&bytes) {
            let (clean, maybe_directive) = match scanner.scan(&bytes[range.clone()]) {
                Scan::Publication(line) => {
                    let clean = !after_directive && !self.index.breaks_any(self.rulebook, &line);
                    publications = publications.saturating_add(usize::from(clean));
                    (clean, false)
                }
                Scan::Skipped => {
                    skipped = skipped.saturating_add(usize::from(!after_directive));
                    (!after_directive, false)
                }
                Scan::Unsure => (false, true),
            };
            after_directive = maybe_directive;
            if !clean {
                if publications > 0 || skipped > 0 {
                    items.push(Item::Clean {
                        publications,
                        skipped,
                    });
                    (publications, skipped) = (0, 0);
                }
                let over_limit = whole.len() > LINE_LIMIT;
                items.push(if over_limit {
                    Item::OverLimit(whole)
                } else {
                    Item::Full(range)
                });
            }
        }
        if publications > 0 || skipped > 0 {
            items.push(Item::Clean {
                publications,
                skipped,
            });
        }
        Piece::Lines { bytes, items }
    }
}

/// A piece of the input, as read and then as triaged.
enum Piece {
    /// Whole lines (the last line of the input may lack its newline); `items`
    /// is empty until a worker triages them.
    Lines { bytes: Vec<u8>, items: Vec<Item> },
    /// A line longer than `MAX_LINE_BYTES`: its start, the rest skipped;
    /// and the buffer it was read into, to go back to the pool.
    TooLong { start: Vec<u8>, spare: Vec<u8> },
    /// Reading failed: the file ends here. `uncounted` is 1 when the error
    /// came inside an over-long line, which the line reader counts as read
    /// (and does not report).
    Failed { error: io::Error, uncounted: usize },
}

/// Lines of a chunk, in order.
enum Item {
    /// Lines that need no report: only counted.
    Clean { publications: usize, skipped: usize },
    /// A line for the full path: its bytes, line ending removed.
    Full(Range<usize>),
    /// A line whose newline comes after `LINE_LIMIT` bytes: too long, as
    /// `LineReader` sees it (a byte-order mark counts). Its whole bytes.
    OverLimit(Range<usize>),
}

/// The lines of a chunk: each line's bytes with its line ending (`\n`,
/// `\r\n`) and without.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        let line = start..end;
        start = end + 1;
        let content_end = if bytes[line.clone()].ends_with(b"\r") {
            end - 1
        } else {
            end
        };
        Some((line.start..start.min(bytes.len()), line.start..content_end))
    })
}

/// Why the merge stopped before the end of the input.
enum Stop {
    /// `Limits::max_invalid` was reached.
    Limit,
    /// The input could not be read further (after `uncounted` more lines).
    Failed(io::Error, usize),
}

/// The merge's side: one file's lines, in order, into its `FileAudit`.
struct Merge<'a> {
    audit: FileAudit<'a>,
    /// Lines seen so far.
    lines: usize,
}

impl Merge<'_> {
    /// Takes a triaged piece; gives back its buffer for reuse.
    fn piece(&mut self, piece: Piece) -> io::Result<ControlFlow<Stop, Vec<u8>>> {
        match piece {
            Piece::Lines { bytes, items } => {
                for item in items {
                    if self.audit.must_stop() {
                        return Ok(Break(Stop::Limit));
                    }
                    match item {
                        Item::Clean {
                            publications,
                            skipped,
                        } => {
                            self.audit.clean(publications, skipped);
                            self.lines = self
                                .lines
                                .saturating_add(publications)
                                .saturating_add(skipped);
                        }
                        Item::Full(range) => {
                            self.lines = self.lines.saturating_add(1);
                            let text = LineText::new(&bytes[range], self.lines == 1);
                            self.audit.line(self.lines, &text)?;
                        }
                        Item::OverLimit(range) => {
                            self.lines = self.lines.saturating_add(1);
                            let text = LineText::too_long(&bytes[range]);
                            self.audit.line(self.lines, &text)?;
                        }
                    }
                }
                Ok(Continue(bytes))
            }
            Piece::TooLong { start, spare } => {
                if self.audit.must_stop() {
                    return Ok(Break(Stop::Limit));
                }
                self.lines = self.lines.saturating_add(1);
                self.audit.line(self.lines, &LineText::too_long(&start))?;
                Ok(Continue(spare))
            }
            Piece::Failed { error, uncounted } => Ok(Break(Stop::Failed(error, uncounted))),
        }
    }

    /// The end of the file, as `audit_with` ends it.
    fn finish(mut self, stop: Option<Stop>) -> io::Result<()> {
        match stop {
            Some(Stop::Failed(error, uncounted)) if !self.audit.must_stop() => self
                .audit
                .unreadable(self.lines.saturating_add(uncounted), &error),
            Some(_) => Ok(()),
            None if self.audit.must_stop() => Ok(()),
            None => self.audit.end(),
        }
    }
}

fn merge_in_order(
    merge: &mut Merge,
    done: Receiver<(usize, Piece)>,
    spare: SyncSender<Vec<u8>>,
) -> io::Result<Option<Stop>> {
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    for (sequence, piece) in done {
        waiting.insert(sequence, piece);
        while let Some(piece) = waiting.remove(&next) {
            next += 1;
            match merge.piece(piece)? {
                Continue(buffer) => {
                    // The reader may have stopped; then the buffer is dropped.
                    let _ = spare.try_send(buffer);
                }
                Break(stop) => return Ok(Some(stop)),
            }
        }
    }
    Ok(None)
}

fn read_ahead(
    reader: &mut ChunkReader<impl Read>,
    spare: &Receiver<Vec<u8>>,
    work: &SyncSender<(usize, Piece)>,
) {
    // Chunks are numbered from 0; each holds a byte at least, so the number
    // cannot overflow before the input's length would.
    let mut sequence = 0;
    while let Ok(buffer) = spare.recv() {
        let Some(piece) = reader.next(buffer) else {
            return;
        };
        if work.send((sequence, piece)).is_err() {
            return;
        }
        sequence += 1;
    }
}

/// Cuts the input into chunks of whole lines.
struct ChunkReader<R> {
    input: R,
    chunk_bytes: usize,
    /// The start of a line that the last chunk cut.
    carry: Vec<u8>,
    /// A piece due after the one just given.
    queued: Option<Piece>,
    /// Every piece has been given.
    ended: bool,
    /// The input said it has no more (a terminal is not asked twice).
    input_ended: bool,
}

/// Room for a line of `MAX_LINE_BYTES` and its `\r\n`: a line without a
/// newline in that many bytes is too long.
const LINE_LIMIT: usize = MAX_LINE_BYTES + 2;

impl<R: Read> ChunkReader<R> {
    fn new(input: R, chunk_bytes: usize) -> Self {
        ChunkReader {
            input,
            chunk_bytes,
            carry: Vec::new(),
            queued: None,
            ended: false,
            input_ended: false,
        }
    }

    /// The next piece, read into `buffer`; `None` at the end of the input.
    fn next(&mut self, mut buffer: Vec<u8>) -> Option<Piece> {
        if let Some(piece) = self.queued.take() {
            return Some(piece);
        }
        if self.ended {
            return None;
        }
        buffer.clear();
        buffer.append(&mut self.carry);
        // The carried start of a line holds no newline: search after it.
        let mut searched = buffer.len();
        let mut wanted = self.chunk_bytes;
        loop {
            let at_end = match self.fill(&mut buffer, wanted) {
                Ok(at_end) => at_end,
                Err(error) => return Some(self.failed(buffer, error)),
            };
            let newline = memchr::memrchr(b'\n', &buffer[searched..]).map(|n| searched + n);
            searched = buffer.len();
            if let Some(newline) = newline {
                self.carry.extend_from_slice(&buffer[newline + 1..]);
                buffer.truncate(newline + 1);
                self.ended = at_end && self.carry.is_empty();
                return Some(Piece::Lines {
                    bytes: buffer,
                    items: Vec::new(),
                });
            }
            if buffer.len() >= LINE_LIMIT {
                return Some(self.too_long(buffer));
            }
            if at_end {
                self.ended = true;
                return (!buffer.is_empty()).then_some(Piece::Lines {
                    bytes: buffer,
                    items: Vec::new(),
                });
            }
            // One line longer than a chunk: read on until it ends, in
            // growing steps, so that small chunks do not make it quadratic.
            let step = self.chunk_bytes.max(buffer.len()).min(LINE_LIMIT);
            wanted = buffer.len().saturating_add(step);
        }
    }

    /// Reads once, up to `wanted` bytes in `buffer`: what is there, so that
    /// a slow stream (`tail -f`) is checked as it comes. True at the end of
    /// the input.
    fn fill(&mut self, buffer: &mut Vec<u8>, wanted: usize) -> io::Result<bool> {
        let missing = wanted.saturating_sub(buffer.len());
        if self.input_ended || missing == 0 {
            return Ok(self.input_ended);
        }
        let start = buffer.len();
        buffer.resize(wanted.max(start), 0);
        let read = loop {
            match self.input.read(&mut buffer[start..]) {
                Ok(read) => break read,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    buffer.truncate(start);
                    return Err(e);
                }
            }
        };
        buffer.truncate(start + read);
        self.input_ended = read == 0;
        Ok(self.input_ended)
    }

    /// A read error: the whole lines read before it still count, and so
    /// does a partial line already too long, as the line reader counts them.
    fn failed(&mut self, mut buffer: Vec<u8>, error: io::Error) -> Piece {
        self.ended = true;
        let whole = memchr::memrchr(b'\n', &buffer).map_or(0, |newline| newline + 1);
        let uncounted = usize::from(buffer.len() - whole >= LINE_LIMIT);
        let failed = Piece::Failed { error, uncounted };
        if whole == 0 {
            return failed;
        }
        buffer.truncate(whole);
        self.queued = Some(failed);
        Piece::Lines {
            bytes: buffer,
            items: Vec::new(),
        }
    }

    /// A line with no newline in `LINE_LIMIT` bytes: keeps its start, drops
    /// the rest up to its newline.
    fn too_long(&mut self, mut buffer: Vec<u8>) -> Piece {
        let start = buffer[..200.min(buffer.len())].to_vec();
        loop {
            buffer.clear();
            match self.fill(&mut buffer, self.chunk_bytes.max(64 * 1024)) {
                Err(error) => {
                    // The line reader counts the line, then fails skipping it.
                    self.ended = true;
                    return Piece::Failed {
                        error,
                        uncounted: 1,
                    };
                }
                Ok(at_end) => {
                    if let Some(newline) = buffer.iter().position(|&b| b == b'\n') {
                        self.carry.extend_from_slice(&buffer[newline + 1..]);
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
        Piece::TooLong {
            start,
            spare: buffer,
        }
    }
}
