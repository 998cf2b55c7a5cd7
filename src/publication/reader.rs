//! A reader of one line-based format (the log syntax, JSON Lines, CSV), as
//! a worker of the pipeline holds one: records in, publications out.

use super::json::JsonRecord;
use super::log::is_skipped;
use super::mapped::Mapper;
use super::{Format, LineError, LogReader, Profile, Publication};
use crate::rulebook::Rulebook;

/// Reads the records of a line-based format under a rulebook.
pub struct Reader<'r>(Inner<'r>);

enum Inner<'r> {
    Log(LogReader<'r>),
    Jsonl(Mapper<'r>),
}

impl<'r> Reader<'r> {
    /// A reader of `format`; every format but the log's needs a profile
    /// (`None` then reads the log syntax).
    pub fn new(rulebook: &'r Rulebook, format: Format, profile: Option<&'r Profile>) -> Self {
        Reader(match (format, profile) {
            (Format::Jsonl, Some(profile)) => Inner::Jsonl(Mapper::new(rulebook, profile)),
            _ => Inner::Log(LogReader::new(rulebook)),
        })
    }

    /// Reads one record (a line, not skipped).
    pub fn read<'s>(&'s mut self, text: &'s str) -> Result<Publication<'s>, LineError> {
        match &mut self.0 {
            Inner::Log(reader) => reader.read(text),
            Inner::Jsonl(mapper) => {
                let record = JsonRecord::read(text)?;
                mapper.read(text, &record)
            }
        }
    }

    /// Is the line skipped rather than read: blank, or (in a log) a comment?
    pub fn is_skipped(&self, line: &str) -> bool {
        match &self.0 {
            Inner::Log(_) => is_skipped(line),
            Inner::Jsonl(_) => line.trim().is_empty(),
        }
    }

    /// Can a skipped line be an inline waiver? Only the log syntax has them.
    pub fn has_waivers(&self) -> bool {
        matches!(self.0, Inner::Log(_))
    }
}
