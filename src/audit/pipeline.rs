//! Large logs on every core, in constant memory, the same output whatever
//! the number of workers.
//!
//! ```text
//! reader ──chunks──▶ workers (read + check) ──lines to report──▶ merge (this thread) ──▶ report
//!    ▲                                                               │
//!    └──────────────────────────── buffers ◀─────────────────────────┘
//! ```
//!
//! - The reader (`publication::lines`) fills buffers of about `chunk_bytes`
//!   and cuts them after their last newline; a fixed set of buffers goes
//!   round, so memory does not grow with the log.
//! - Workers read every line of a chunk into a publication and check it:
//!   each line is read once, by one reader, and checked by one checker. A
//!   publication that breaks no rule and a plain comment are only counted;
//!   the worker passes on lines with findings (with what it read of them),
//!   invalid lines, and comments that may be waivers.
//! - The merge takes chunks in their order into the file's `FileAudit`:
//!   waivers, scope, counts and the report, in log order.
//!
//! With one job, the calling thread does all three in turn.
//!
//! CSV (a header, then records that may hold quoted newlines) runs so:
//!
//! - on the calling thread, before anything else starts: the header (the
//!   file's first record, read from a `BufReader` around the input), whose
//!   columns every worker's reader takes; it counts as a skipped record,
//!   and its lines are numbered, so the first record is line 2;
//! - on the reader's thread: cutting chunks of whole records. Where a
//!   record ends depends on every quote before it (`lines::Ends::Csv`), so
//!   the reader scans every byte once, in order, for quotes and newlines
//!   (`memchr2`); a log's chunk is cut at its last newline, found from the
//!   end without reading the rest;
//! - on every worker, in parallel: splitting a chunk into records (the
//!   same rule, again), each record into fields (csv-core), reading them
//!   through the profile, checking;
//! - on the merge's thread: order, numbering, waivers, scope, the report,
//!   and the records read again there (invalid ones, findings past a
//!   chunk's budget), split by the same rule.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow::{self, Break, Continue};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;

use super::worker::{Item, Piece, Worker};
use super::{FileAudit, Limits, Report, Summary, file};
use crate::check::{Aggregates, Checker, Scope};
use crate::publication::csv::Header;
use crate::publication::lines::{self, Chunk, ChunkReader, Ends, LineText};
use crate::publication::{Format, Profile, Publication};
use crate::rulebook::{RuleBody, Rulebook, Severity};
use crate::waiver::{Acceptance, Waivers};

/// A rulebook ready to check large logs: indexed once, used for every file.
pub struct Pipeline<'r> {
    checker: Checker<'r>,
    /// What rules over many publications have counted, over every file
    /// audited (the merge's side alone takes it).
    aggregates: Mutex<Aggregates>,
    format: Format,
    profile: Option<&'r Profile>,
    /// Hand every publication to `Report::publication`.
    every_publication: bool,
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
            checker: Checker::new(rulebook),
            aggregates: Mutex::new(Aggregates::default()),
            format: Format::Log,
            profile: None,
            every_publication: false,
            jobs: cores.min(Self::MAX_JOBS),
            chunk_bytes: Self::DEFAULT_CHUNK_BYTES,
            scope: Scope::default(),
        }
    }

    /// Reads `format` (line-based: the log syntax, JSON Lines, CSV) through
    /// `profile`, which every format but the log's needs.
    pub fn input(mut self, format: Format, profile: Option<&'r Profile>) -> Self {
        self.format = format;
        self.profile = profile;
        self
    }

    /// Hands every publication read to `Report::publication`, with its
    /// findings or none (`scrutin convert`), not only those with findings.
    pub fn every_publication(mut self) -> Self {
        self.every_publication = true;
        self
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

    /// Checks every line of `input` and hands each outcome to `report`, on
    /// as many threads as `jobs`.
    ///
    /// A read error ends this file (it is counted as unreadable); a write
    /// error from the report is returned, since nothing more can be shown.
    pub fn audit(
        &self,
        file: &str,
        input: impl Read + Send,
        report: &mut dyn Report,
        summary: &mut Summary,
        limits: Limits,
        waivers: &mut Waivers,
    ) -> io::Result<()> {
        if self.jobs == 1 || !self.format.is_line_based() {
            return self.audit_here(file, input, report, summary, limits, waivers);
        }
        let audit = self.begin(file, report, summary, limits, waivers)?;
        let mut input = self.buffered(input);
        let Some((audit, columns)) = self.header(&mut input, audit)? else {
            return Ok(());
        };
        let mut merge = Merge {
            audit,
            worker: self.worker(&columns),
        };
        let stop = self.on_all_cores(self.chunks(input), &mut merge, &columns)?;
        merge.finish(stop)
    }

    /// The end of a run, after its last file: the rules over many
    /// publications judged on everything audited, each finding left out by
    /// the scope, accepted by a waiver (by the file and line of its first
    /// line, or by outlet) or reported, and counted. A caller of `audit`
    /// calls it once, after the last file of a run: until then the
    /// aggregates are only counted.
    pub fn judge_aggregates(
        &self,
        report: &mut dyn Report,
        summary: &mut Summary,
        waivers: &mut Waivers,
    ) -> io::Result<()> {
        let rulebook = self.checker.rulebook();
        // Taken: a second call judges what was audited since.
        let counted = std::mem::take(&mut *file::lock(&self.aggregates));
        let findings = counted.findings(rulebook);
        for finding in findings {
            let rule = &rulebook.rules[finding.rule];
            let per = match &rule.body {
                RuleBody::Burst(burst) => burst.per.as_deref(),
                RuleBody::Balance(balance) => balance.per.as_deref(),
                _ => None,
            };
            let outlet = (per == Some("outlet")).then_some(finding.group.as_str());
            let first = &finding.first;
            // Waivers see every finding, so that one waiving a finding out
            // of scope is not reported as unused (as `FileAudit` does).
            let waiver = waivers.accept_aggregate(finding.rule, &first.file, first.line, outlet);
            if !self.scope.keeps_aggregate(rulebook, &finding) {
                summary.out_of_scope += 1;
                continue;
            }
            if let Some(waiver) = waiver {
                let acceptance = Acceptance {
                    reason: waiver.reason.clone(),
                    origin: waiver.origin.clone(),
                };
                summary.waived += 1;
                report.waived_aggregate(&finding, &acceptance)?;
                continue;
            }
            summary.violations += 1;
            match rule.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            report.aggregate(&finding)?;
        }
        Ok(())
    }

    /// `audit` on the calling thread, for an input that cannot be sent to another.
    pub(crate) fn audit_here(
        &self,
        file: &str,
        input: impl Read,
        report: &mut dyn Report,
        summary: &mut Summary,
        limits: Limits,
        waivers: &mut Waivers,
    ) -> io::Result<()> {
        let audit = self.begin(file, report, summary, limits, waivers)?;
        if let (false, Some(profile)) = (self.format.is_line_based(), self.profile) {
            let input = BufReader::with_capacity(64 * 1024, input);
            let every = self.every_publication;
            return super::feed::audit_feed(
                &self.checker,
                self.format,
                profile,
                audit,
                input,
                every,
            );
        }
        let mut input = self.buffered(input);
        let Some((audit, columns)) = self.header(&mut input, audit)? else {
            return Ok(());
        };
        let mut merge = Merge {
            audit,
            worker: self.worker(&columns),
        };
        let stop = self.on_this_thread(&mut self.chunks(input), &mut merge, &columns)?;
        merge.finish(stop)
    }

    /// `columns`: a CSV file's header.
    fn worker<'a>(&'a self, columns: &'a [String]) -> Worker<'a> {
        Worker::new(&self.checker, self.format, self.profile, columns)
            .every_publication(self.every_publication)
    }

    /// Is the input CSV, read through a profile? Its header is read first.
    fn is_csv(&self) -> bool {
        self.format == Format::Csv && self.profile.is_some()
    }

    /// The input, buffered for a CSV file's header to be read from it; a
    /// log is read as it is (a buffer of no bytes passes every read on).
    fn buffered<R: Read>(&self, input: R) -> BufReader<R> {
        let capacity = if self.is_csv() { 64 * 1024 } else { 0 };
        BufReader::with_capacity(capacity, input)
    }

    /// The input's chunks, of whole records (past a CSV file's header).
    fn chunks<R: Read>(&self, input: R) -> ChunkReader<R> {
        let reader = ChunkReader::new(input, self.chunk_bytes);
        if self.is_csv() {
            reader.ending(Ends::Csv).past_start()
        } else {
            reader
        }
    }

    /// A CSV file's header, read here before any chunk (other formats have
    /// none: no columns): a skipped record, or an invalid one when it names
    /// a column twice (the first of the two is read). A header that gives
    /// no columns (not UTF-8, too long, empty, bad quotes) is an invalid
    /// record, and then the file ends, unreadable: no record can be read
    /// without the names of its fields. `None` when the file has ended.
    fn header<'f>(
        &self,
        input: &mut impl BufRead,
        mut audit: FileAudit<'f>,
    ) -> io::Result<Option<(FileAudit<'f>, Vec<String>)>> {
        if !self.is_csv() {
            return Ok(Some((audit, Vec::new())));
        }
        let record = match lines::first_record(input, Ends::Csv) {
            Ok(Some(record)) => record,
            Ok(None) => {
                audit.end()?;
                return Ok(None);
            }
            Err(error) => {
                audit.unreadable(0, &error)?;
                return Ok(None);
            }
        };
        let line = LineText::new(&record);
        let read = match (&line, line.error()) {
            (LineText::Text(text), _) => Header::read(text).map_err(|error| (*text, error)),
            (LineText::NotUtf8 { valid_prefix, .. }, Some(error)) => Err((*valid_prefix, error)),
            (LineText::TooLong { start }, Some(error)) => Err((start.as_ref(), error)),
            (_, None) => unreachable!("an unreadable line has an error"),
        };
        match read {
            Ok(Header {
                columns,
                duplicate: None,
            }) => {
                let newlines = memchr::memchr_iter(b'\n', &record).count();
                audit.clean(0, 1, 1 + newlines)?;
                Ok(Some((audit, columns)))
            }
            Ok(Header {
                columns,
                duplicate: Some(error),
            }) => {
                let LineText::Text(text) = line else {
                    unreachable!("a header read from text");
                };
                audit.invalid(text, &error)?;
                Ok(Some((audit, columns)))
            }
            Err((text, error)) => {
                audit.invalid(text, &error)?;
                if !audit.must_stop() {
                    let lines = audit.lines();
                    let no_columns = io::Error::new(
                        io::ErrorKind::InvalidData,
                        "the CSV header gives no column names, without which no record can be read",
                    );
                    audit.unreadable(lines, &no_columns)?;
                }
                Ok(None)
            }
        }
    }

    fn begin<'a>(
        &'a self,
        file: &'a str,
        report: &'a mut dyn Report,
        summary: &'a mut Summary,
        limits: Limits,
        waivers: &'a mut Waivers,
    ) -> io::Result<FileAudit<'a>> {
        let rulebook = self.checker.rulebook();
        let audit = FileAudit::begin(
            rulebook,
            file,
            report,
            summary,
            limits,
            waivers,
            &self.aggregates,
        )?;
        Ok(audit.scoped(&self.scope))
    }

    fn on_this_thread(
        &self,
        reader: &mut ChunkReader<impl Read>,
        merge: &mut Merge,
        columns: &[String],
    ) -> io::Result<Option<Stop>> {
        let mut worker = self.worker(columns);
        let mut buffer = Vec::new();
        loop {
            // Before reading on: a stream may not have more to give yet.
            if merge.audit.must_stop() {
                return Ok(Some(Stop::Limit));
            }
            let Some(chunk) = reader.next(buffer) else {
                break;
            };
            match merge.piece(worker.read(chunk))? {
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
        columns: &[String],
    ) -> io::Result<Option<Stop>> {
        // Enough buffers to keep every worker busy while the merge catches up.
        let in_flight = self.jobs.saturating_mul(2).saturating_add(2);
        let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(in_flight);
        let (work_tx, work_rx) = sync_channel::<(usize, Chunk)>(in_flight);
        let (done_tx, done_rx) = sync_channel::<(usize, Piece)>(in_flight);
        for _ in 0..in_flight {
            spare_tx.send(Vec::new()).expect("the channel has room");
        }
        let work_rx = Arc::new(Mutex::new(work_rx));
        thread::scope(|scope| {
            scope.spawn(move || read_ahead(&mut reader, &spare_rx, &work_tx));
            for _ in 0..self.jobs {
                let (work_rx, done_tx) = (Arc::clone(&work_rx), done_tx.clone());
                scope.spawn(move || self.work(columns, &work_rx, &done_tx));
            }
            drop((work_rx, done_tx));
            // Dropping the receivers on return stops the reader and workers.
            merge_in_order(merge, done_rx, spare_tx)
        })
    }

    fn work(
        &self,
        columns: &[String],
        work: &Mutex<Receiver<(usize, Chunk)>>,
        done: &SyncSender<(usize, Piece)>,
    ) {
        let mut worker = self.worker(columns);
        loop {
            let next = work.lock().map(|queue| queue.recv());
            let Ok(Ok((sequence, chunk))) = next else {
                return;
            };
            if done.send((sequence, worker.read(chunk))).is_err() {
                return;
            }
        }
    }
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
    /// For the lines read again here.
    worker: Worker<'a>,
}

impl Merge<'_> {
    /// Takes a piece; gives back its buffer for reuse.
    fn piece(&mut self, piece: Piece) -> io::Result<ControlFlow<Stop, Vec<u8>>> {
        match piece {
            Piece::Lines { bytes, items } => {
                for item in items {
                    if self.audit.must_stop() {
                        return Ok(Break(Stop::Limit));
                    }
                    if let Break(stop) = self.item(&bytes, item)? {
                        return Ok(Break(stop));
                    }
                }
                Ok(Continue(bytes))
            }
            Piece::TooLong {
                start,
                newlines,
                spare,
            } => {
                if self.audit.must_stop() {
                    return Ok(Break(Stop::Limit));
                }
                let text = LineText::too_long(&start);
                if let (LineText::TooLong { start }, Some(error)) = (&text, text.error()) {
                    self.audit.invalid(start, &error)?;
                }
                if newlines > 0 {
                    // The lines it takes after its first (the start shown
                    // is on its first line): no record, only numbering.
                    self.audit.clean(0, 0, newlines)?;
                }
                Ok(Continue(spare))
            }
            Piece::Failed { error, uncounted } => Ok(Break(Stop::Failed(error, uncounted))),
        }
    }

    /// One item of a piece; a run of lines read again may reach the limit.
    fn item(&mut self, bytes: &[u8], item: Item) -> io::Result<ControlFlow<Stop>> {
        // Every range was cut from UTF-8 checked by the worker.
        let text = |range: Range<usize>| std::str::from_utf8(&bytes[range]).unwrap_or_default();
        match item {
            Item::Clean {
                publications,
                skipped,
                lines,
            } => self.audit.clean(publications, skipped, lines)?,
            Item::Checked {
                line,
                parts,
                findings,
                contributions,
            } => {
                let publication = Publication::new(text(line), std::borrow::Cow::Owned(*parts));
                self.audit.checked(&publication, findings, &contributions)?;
            }
            Item::Counted {
                lines,
                contributions,
            } => self.audit.counted(lines, &contributions)?,
            Item::Again(run) => {
                // The run holds whole lines but the last one's ending, cut
                // where the worker cut them.
                for line in lines::run(&bytes[run], self.worker.ends()) {
                    if self.audit.must_stop() {
                        return Ok(Break(Stop::Limit));
                    }
                    self.worker.again(line, &mut self.audit)?;
                }
            }
            Item::Comment(range) => self.audit.comment(text(range))?,
        }
        Ok(Continue(()))
    }

    /// The end of the file.
    fn finish(mut self, stop: Option<Stop>) -> io::Result<()> {
        match stop {
            Some(Stop::Failed(error, uncounted)) if !self.audit.must_stop() => {
                let lines = self.audit.lines().saturating_add(uncounted);
                self.audit.unreadable(lines, &error)
            }
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
    work: &SyncSender<(usize, Chunk)>,
) {
    // Chunks are numbered from 0; each holds a byte at least, so the number
    // cannot overflow before the input's length would.
    let mut sequence = 0;
    while let Ok(buffer) = spare.recv() {
        let Some(chunk) = reader.next(buffer) else {
            return;
        };
        if work.send((sequence, chunk)).is_err() {
            return;
        }
        sequence += 1;
    }
}
