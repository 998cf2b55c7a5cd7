//! A worker's side of the pipeline: the lines of a chunk read and checked,
//! and what of them goes on to the merge.

use std::io;
use std::ops::Range;

use super::FileAudit;
use crate::check::{Checker, Contribution, Finding};
use crate::publication::lines::{Chunk, Ends, LineText, inner_newlines, lines};
use crate::publication::{Format, Parts, Profile, Reader};

/// A chunk, read and checked.
pub(super) enum Piece {
    /// Whole lines, and what the merge must do with them, in order.
    Lines { bytes: Vec<u8>, items: Vec<Item> },
    /// A line too long to hold: the start of its first line, and the
    /// newlines inside it (a CSV record's); and the buffer it was read
    /// into, to go back to the pool.
    TooLong {
        start: Vec<u8>,
        newlines: usize,
        spare: Vec<u8>,
    },
    /// Reading failed: the file ends here (after `uncounted` more lines).
    Failed { error: io::Error, uncounted: usize },
}

/// Lines of a chunk, as the merge needs them.
pub(super) enum Item {
    /// Records that need no report: only counted; they take `lines` lines
    /// (more than records when a CSV record holds quoted newlines).
    Clean {
        publications: usize,
        skipped: usize,
        lines: usize,
    },
    /// A publication that breaks rules: what the worker read of it, and
    /// what it counts towards rules over many publications.
    Checked {
        line: Range<usize>,
        parts: Box<Parts>,
        findings: Vec<Finding>,
        contributions: Vec<Contribution>,
    },
    /// A publication that breaks no rule but counts towards rules over many
    /// publications; it takes `lines` lines.
    Counted {
        lines: usize,
        contributions: Vec<Contribution>,
    },
    /// Lines to read and report on the merge's side, one after another (the
    /// run's bytes, line endings between them included): invalid lines
    /// (rare: their diagnostics are built there, so that a log of garbage
    /// costs no memory per line in flight), and publications with findings
    /// past the chunk's budget of `CARRIED_PER_CHUNK` (a log that breaks
    /// rules on most lines is read twice, rather than hold a copy of every
    /// line).
    Again(Range<usize>),
    /// A comment that may be an inline waiver.
    Comment(Range<usize>),
}

/// The most publications with findings a chunk carries to the merge with
/// what was read of them. A chunk of 1 MiB holds about 8,000 lines of a
/// campaign's log: a merged export where 5% of lines break a rule carries
/// about 400.
const CARRIED_PER_CHUNK: usize = 1024;

/// A line, read and checked.
enum Line {
    /// A publication that breaks no rule.
    Clean,
    /// A blank line, or a comment that is not a waiver.
    Skipped,
    Report(Item),
}

/// A worker's reader and checker, with their buffers.
pub(super) struct Worker<'c> {
    reader: Reader<'c>,
    checker: &'c Checker<'c>,
    candidates: Vec<usize>,
    findings: Vec<Finding>,
    contributions: Vec<Contribution>,
    /// Every publication goes on to the merge, not only those with
    /// findings (`Pipeline::every_publication`).
    every: bool,
}

impl<'c> Worker<'c> {
    /// `columns`: a CSV file's header, read before the records.
    pub(super) fn new(
        checker: &'c Checker<'c>,
        format: Format,
        profile: Option<&'c Profile>,
        columns: &'c [String],
    ) -> Self {
        Worker {
            reader: Reader::new(checker.rulebook(), format, profile, columns),
            checker,
            candidates: Vec::new(),
            findings: Vec::new(),
            contributions: Vec::new(),
            every: false,
        }
    }

    /// Passes on every publication, not only those with findings.
    pub(super) fn every_publication(mut self, every: bool) -> Self {
        self.every = every;
        self
    }

    /// Reads and checks every line of a chunk.
    pub(super) fn read(&mut self, chunk: Chunk) -> Piece {
        let (bytes, start, end) = match chunk {
            Chunk::Lines { bytes, start, end } => (bytes, start, end),
            Chunk::TooLong {
                start,
                newlines,
                spare,
            } => {
                return Piece::TooLong {
                    start,
                    newlines,
                    spare,
                };
            }
            Chunk::Failed { error, uncounted } => return Piece::Failed { error, uncounted },
        };
        let mut items = Vec::new();
        let (mut publications, mut skipped) = (0usize, 0usize);
        // Quoted newlines in the clean records counted (CSV's).
        let mut inner = 0;
        let mut carried = 0;
        let ends = self.reader.ends();
        for range in lines(&bytes[..end], start, ends) {
            let line = self.line(&bytes, range.clone(), carried < CARRIED_PER_CHUNK);
            carried += usize::from(matches!(line, Line::Report(Item::Checked { .. })));
            match line {
                Line::Clean => {
                    publications += 1;
                    inner += inner_newlines(ends, &bytes[range]);
                }
                Line::Skipped => skipped += 1,
                Line::Report(item) => {
                    if publications > 0 || skipped > 0 {
                        items.push(Item::Clean {
                            publications,
                            skipped,
                            lines: publications + skipped + inner,
                        });
                        (publications, skipped, inner) = (0, 0, 0);
                    }
                    match (items.last_mut(), item) {
                        // Lines to read again, one after another, are one run.
                        (Some(Item::Again(run)), Item::Again(line)) => run.end = line.end,
                        (_, item) => items.push(item),
                    }
                }
            }
        }
        if publications > 0 || skipped > 0 {
            items.push(Item::Clean {
                publications,
                skipped,
                lines: publications + skipped + inner,
            });
        }
        Piece::Lines { bytes, items }
    }

    /// Reads and checks one line; a publication with findings is carried to
    /// the merge with what was read of it if `carry`, else read there again.
    fn line(&mut self, bytes: &[u8], range: Range<usize>, carry: bool) -> Line {
        let LineText::Text(text) = LineText::new(&bytes[range.clone()]) else {
            return Line::Report(Item::Again(range));
        };
        if self.reader.is_skipped(text) {
            // A waiver directive names scrutin; other comments are only counted.
            let maybe_waiver = self.reader.has_waivers()
                && memchr::memmem::find(text.as_bytes(), b"scrutin").is_some();
            return if maybe_waiver {
                Line::Report(Item::Comment(range))
            } else {
                Line::Skipped
            };
        }
        let Ok(publication) = self.reader.read(text) else {
            return Line::Report(Item::Again(range));
        };
        let (candidates, findings) = (&mut self.candidates, &mut self.findings);
        self.checker.check_into(&publication, candidates, findings);
        if self.checker.has_aggregates() {
            self.checker
                .contributions(&publication, &mut self.contributions);
        }
        let counts = !self.contributions.is_empty();
        if findings.is_empty() && !self.every {
            if !counts {
                return Line::Clean;
            }
            // Its place, for the range of lines of an aggregate finding.
            let lines = 1 + inner_newlines(self.reader.ends(), &bytes[range]);
            return Line::Report(Item::Counted {
                lines,
                contributions: std::mem::take(&mut self.contributions),
            });
        }
        if !carry {
            self.contributions.clear();
            return Line::Report(Item::Again(range));
        }
        Line::Report(Item::Checked {
            line: range,
            parts: Box::new(publication.into_parts()),
            findings: std::mem::take(findings),
            contributions: std::mem::take(&mut self.contributions),
        })
    }

    /// Where its records end.
    pub(super) fn ends(&self) -> Ends {
        self.reader.ends()
    }

    /// Reads and checks a line again, on the merge's side, and hands it to
    /// `audit`: an invalid line, or a publication with findings.
    pub(super) fn again(&mut self, bytes: &[u8], audit: &mut FileAudit) -> io::Result<()> {
        let text = match LineText::new(bytes) {
            LineText::Text(text) => text,
            unreadable => {
                let Some(error) = unreadable.error() else {
                    unreachable!("an unreadable line has an error");
                };
                let shown = match &unreadable {
                    LineText::NotUtf8 { valid_prefix, .. } => *valid_prefix,
                    LineText::TooLong { start } => start,
                    LineText::Text(_) => unreachable!("a readable line"),
                };
                audit.invalid(shown, &error)?;
                // The lines of a record (a CSV one's) past the start shown:
                // numbered, not shown.
                let hidden = newlines(bytes).saturating_sub(newlines(shown.as_bytes()));
                return if hidden > 0 {
                    audit.clean(0, 0, hidden)
                } else {
                    Ok(())
                };
            }
        };
        match self.reader.read(text) {
            Err(error) => audit.invalid(text, &error),
            Ok(publication) => {
                let findings = self.checker.check(&publication);
                self.checker
                    .contributions(&publication, &mut self.contributions);
                let lines = 1 + newlines(text.as_bytes());
                match (
                    findings.is_empty() && !self.every,
                    self.contributions.is_empty(),
                ) {
                    (true, true) => audit.clean(1, 0, lines),
                    (true, false) => audit.counted(lines, &self.contributions),
                    (false, _) => audit.checked(&publication, findings, &self.contributions),
                }
            }
        }
    }
}

/// The newlines in `bytes`: a record (a CSV one) takes a line more for each.
fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}
