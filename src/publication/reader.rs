//! A reader of one line-based format (the log syntax, JSON Lines, CSV), as
//! a worker of the pipeline holds one: records in, publications out.

use super::csv::RowReader;
use super::json::JsonRecord;
use super::lines::Ends;
use super::log::is_skipped;
use super::mapped::Mapper;
use super::{Format, LineError, LogReader, Profile, Publication};
use crate::rulebook::Rulebook;

/// Reads the records of a line-based format under a rulebook.
pub struct Reader<'r>(Inner<'r>);

enum Inner<'r> {
    Log(LogReader<'r>),
    Jsonl(Mapper<'r>),
    /// CSV records, named by the columns of the file's header.
    Csv {
        mapper: Mapper<'r>,
        columns: &'r [String],
        /// Boxed: csv-core's tables are larger than the other readers.
        rows: Box<RowReader>,
    },
}

impl<'r> Reader<'r> {
    /// A reader of `format`; every format but the log's needs a profile
    /// (`None` then reads the log syntax). `columns` are the names in a
    /// CSV file's header, which the pipeline reads before the records
    /// (other formats have none).
    pub fn new(
        rulebook: &'r Rulebook,
        format: Format,
        profile: Option<&'r Profile>,
        columns: &'r [String],
    ) -> Self {
        Reader(match (format, profile) {
            (Format::Jsonl, Some(profile)) => Inner::Jsonl(Mapper::new(rulebook, profile)),
            (Format::Csv, Some(profile)) => Inner::Csv {
                mapper: Mapper::new(rulebook, profile),
                columns,
                rows: Box::new(RowReader::new()),
            },
            _ => Inner::Log(LogReader::new(rulebook)),
        })
    }

    /// Reads one record (a line, or a CSV record, not skipped).
    pub fn read<'s>(&'s mut self, text: &'s str) -> Result<Publication<'s>, LineError> {
        match &mut self.0 {
            Inner::Log(reader) => reader.read(text),
            Inner::Jsonl(mapper) => {
                let record = JsonRecord::read(text)?;
                mapper.read(text, &record)
            }
            Inner::Csv {
                mapper,
                columns,
                rows,
            } => {
                let row = rows.read(columns, text)?;
                mapper.read(text, &row)
            }
        }
    }

    /// Is the record skipped rather than read: blank, or (in a log) a
    /// comment? In CSV, only an empty line: spaces are a field.
    pub fn is_skipped(&self, line: &str) -> bool {
        match &self.0 {
            Inner::Log(_) => is_skipped(line),
            Inner::Jsonl(_) => line.trim().is_empty(),
            Inner::Csv { .. } => line.is_empty(),
        }
    }

    /// Can a skipped line be an inline waiver? Only the log syntax has them.
    pub fn has_waivers(&self) -> bool {
        matches!(self.0, Inner::Log(_))
    }

    /// Where its records end.
    pub(crate) fn ends(&self) -> Ends {
        match self.0 {
            Inner::Csv { .. } => Ends::Csv,
            _ => Ends::Newline,
        }
    }
}
