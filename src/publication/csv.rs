//! CSV with a header row (RFC 4180: `,` between fields, `"` around a field
//! that holds a comma, a quote or a newline, `""` for a quote inside it):
//! each field named by its column in the header (a profile's `field:` is a
//! column name), each value borrowed from the record with its place, for
//! diagnostics that point at it. csv-core splits the fields; this module
//! holds them to the strict grammar that csv-core, which prefers some
//! parse to none, does not.
//!
//! - The header is the file's first record; the pipeline reads it before
//!   the rest (`Header::read`) and gives its columns to every reader. Names
//!   are taken as written, spaces included. A name given twice makes the
//!   header an invalid record, and the first column of that name is read.
//! - An empty field (`a,,b` or `a,"",b`) is no value: the record is read
//!   as if it did not have the column, so a profile's `optional` and
//!   `default` apply to it, as they do to a JSON object without the key. A
//!   spreadsheet's empty cell says nothing; were it the empty string, a row
//!   without a channel or a region could not be written at all (an empty
//!   channel is no channel the rulebook declares). A column the header
//!   does not have is absent too.
//! - A record has exactly as many fields as the header has columns
//!   (`scrutin::record::ragged-row`); a quote inside an unquoted field
//!   (`5" screen`), text after a closing quote, or a quoted field never
//!   closed is `scrutin::record::bad-quote`. Where a record ends is
//!   `lines::Ends::Csv`'s rule: at a newline outside quotes.

use std::collections::HashMap;
use std::ops::Range;

use csv_core::{ReadFieldResult, ReaderBuilder, Terminator};

use super::mapped::{Found, Record};
use super::{LineError, LineErrorKind, Value};
use crate::source::Span;

/// One field of a record, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    /// As written, quotes included.
    written: Range<usize>,
    /// Inside the quotes of a quoted field; else as `written`.
    content: Range<usize>,
    /// `None` for an empty field.
    value: Option<Text>,
}

/// Where a field's value lies.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// In the record, as it is (`content`).
    Record(Range<usize>),
    /// Unescaped (it had doubled quotes), in the reader's buffer.
    Unescaped(Range<usize>),
}

/// Splits CSV records into fields, keeping its buffers from record to record.
pub(crate) struct RowReader {
    core: csv_core::Reader,
    fields: Vec<Field>,
    unescaped: String,
    output: Vec<u8>,
}

impl RowReader {
    pub(crate) fn new() -> Self {
        RowReader {
            // A record comes whole, its line ending removed: a newline in
            // it is inside quotes, and a carriage return is text.
            core: ReaderBuilder::new()
                .terminator(Terminator::Any(b'\n'))
                .build(),
            fields: Vec::new(),
            unescaped: String::new(),
            output: Vec::new(),
        }
    }

    /// The row `text` (one record) is under the header's `columns`.
    pub(crate) fn read<'a>(
        &'a mut self,
        columns: &'a [String],
        text: &str,
    ) -> Result<Row<'a>, LineError> {
        self.split(text)?;
        if self.fields.len() != columns.len() {
            return Err(ragged(text, &self.fields, columns));
        }
        Ok(Row {
            columns,
            fields: &self.fields,
            unescaped: &self.unescaped,
        })
    }

    /// Splits `text` into `self.fields`.
    fn split(&mut self, text: &str) -> Result<(), LineError> {
        self.fields.clear();
        self.unescaped.clear();
        if split_plain(text, &mut self.fields) {
            return Ok(());
        }
        self.fields.clear();
        self.split_core(text)
    }

    /// Splits `text` into `self.fields` with csv-core, field by field.
    fn split_core(&mut self, text: &str) -> Result<(), LineError> {
        self.core.reset();
        let input = text.as_bytes();
        // Unescaping only shortens: room for the whole record is room for
        // any field of it.
        if self.output.len() <= input.len() {
            self.output.resize(input.len() + 1, 0);
        }
        let (mut read, mut start, mut out) = (0, 0, 0);
        loop {
            let (result, nin, nout) = self
                .core
                .read_field(&input[read..], &mut self.output[out..]);
            read += nin;
            out += nout;
            match result {
                ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
                ReadFieldResult::End => return Ok(()),
                ReadFieldResult::Field { record_end } => {
                    // A delimiter or a newline ends the field, and was read
                    // with it; the end of the input ends it after reading
                    // nothing.
                    let end = if record_end && nin == 0 {
                        read
                    } else {
                        read - 1
                    };
                    let field = field(text, start..end, &self.output[..out], &mut self.unescaped)?;
                    self.fields.push(field);
                    if record_end && read < input.len() {
                        // csv-core ended the record at a newline that the
                        // record holds: outside quotes for csv-core, inside
                        // for the count of quotes. Only a stray quote does
                        // that, and it was reported above.
                        return Err(unbalanced(text));
                    }
                    if record_end {
                        return Ok(());
                    }
                    (start, out) = (read, 0);
                }
            }
        }
    }
}

/// Splits the common record into `fields` without csv-core, and says
/// whether it could: every field unquoted without a quote in it, or quoted
/// without a doubled quote and followed by a comma or the end. Any other
/// record (doubled quotes, a stray quote, text after a closing quote, a
/// newline outside quotes) is
/// left to csv-core and the checks of `field`, which report what is wrong:
/// a fast path that takes only what it reads exactly as they do.
fn split_plain(text: &str, fields: &mut Vec<Field>) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut start = 0;
    loop {
        let (written, content, next) = if bytes.get(start) == Some(&b'"') {
            let Some(n) = memchr::memchr(b'"', &bytes[start + 1..]) else {
                return false;
            };
            let close = start + 1 + n;
            match bytes.get(close + 1) {
                None | Some(b',') => (start..close + 1, start + 1..close, close + 2),
                Some(_) => return false,
            }
        } else {
            // A newline outside quotes ends a record: csv-core says where.
            match memchr::memchr3(b',', b'"', b'\n', &bytes[start..]) {
                None => (start..bytes.len(), start..bytes.len(), bytes.len() + 1),
                Some(n) if bytes[start + n] == b',' => {
                    (start..start + n, start..start + n, start + n + 1)
                }
                Some(_) => return false,
            }
        };
        let value = (!content.is_empty()).then(|| Text::Record(content.clone()));
        fields.push(Field {
            written,
            content,
            value,
        });
        if next > bytes.len() {
            return true;
        }
        start = next;
    }
}

/// A field written at `written` in `text`, checked against the grammar;
/// `unescaped` is what csv-core read of it, quotes undone.
fn field(
    text: &str,
    written: Range<usize>,
    unescaped: &[u8],
    buffer: &mut String,
) -> Result<Field, LineError> {
    let bytes = &text.as_bytes()[written.clone()];
    if bytes.first() != Some(&b'"') {
        if let Some(at) = memchr::memchr(b'"', bytes) {
            return Err(bad_quote(
                written.start + at,
                "a quote inside a field that does not start with one",
                "quote the whole field and double the quotes inside it: \"5\"\" screen\"",
            ));
        }
        let value = (!bytes.is_empty()).then(|| Text::Record(written.clone()));
        return Ok(Field {
            content: written.clone(),
            written,
            value,
        });
    }
    // The closing quote is the first one that is not doubled.
    let (mut from, mut doubled) = (1, false);
    let close = loop {
        let Some(n) = memchr::memchr(b'"', &bytes[from..]) else {
            return Err(bad_quote(
                written.start,
                "this quoted field is never closed",
                "a quote inside a quoted field is doubled (\"\"); the record took in every line up to the next quote",
            ));
        };
        let at = from + n;
        if bytes.get(at + 1) == Some(&b'"') {
            doubled = true;
            from = at + 2;
        } else {
            break at;
        }
    };
    if close + 1 != bytes.len() {
        return Err(bad_quote(
            written.start + close,
            "text after the quote that closes this field",
            "a quote inside a quoted field is doubled: \"a \"\"b\"\" c\"",
        ));
    }
    let content = written.start + 1..written.start + close;
    let value = if content.is_empty() {
        None
    } else if doubled {
        let start = buffer.len();
        // A valid field of UTF-8 text, one of each pair of quotes removed.
        buffer.push_str(&String::from_utf8_lossy(unescaped));
        Some(Text::Unescaped(start..buffer.len()))
    } else {
        Some(Text::Record(content.clone()))
    };
    Ok(Field {
        written,
        content,
        value,
    })
}

fn bad_quote(at: usize, message: &str, help: &str) -> LineError {
    LineError::new(LineErrorKind::BadQuote, Span::new(at, 1), message).with_help(help)
}

/// A record that csv-core and the count of quotes end at different places:
/// its first quote.
fn unbalanced(text: &str) -> LineError {
    let at = memchr::memchr(b'"', text.as_bytes()).unwrap_or(0);
    bad_quote(
        at,
        "a quote that leaves the record's quotes unbalanced",
        "a quote inside a field is doubled, and the field quoted: \"5\"\" screen\"",
    )
}

/// A record with more or fewer fields than the header has columns.
fn ragged(text: &str, fields: &[Field], columns: &[String]) -> LineError {
    let (found, wanted) = (fields.len(), columns.len());
    let counted = format!(
        "this row has {found} field{}, the header {wanted}",
        if found == 1 { "" } else { "s" }
    );
    if found > wanted {
        let extra = &fields[wanted].written;
        // An empty extra field is shown by the comma before it.
        let span = if extra.is_empty() {
            Span::new(extra.start - 1, 1)
        } else {
            Span::new(extra.start, extra.len())
        };
        return LineError::new(
            LineErrorKind::RaggedRow,
            span,
            format!("{counted}: the first extra field is here"),
        )
        .with_help("a field that holds a comma is quoted: \"Paris, France\"");
    }
    let missing = &columns[found..];
    let mut names: Vec<String> = missing.iter().take(5).map(|c| format!("`{c}`")).collect();
    if missing.len() > names.len() {
        names.push(format!("{} more", missing.len() - names.len()));
    }
    LineError::new(
        LineErrorKind::RaggedRow,
        Span::new(text.len(), 0),
        format!("{counted}: it ends before the header's last columns"),
    )
    .with_help(format!(
        "no field for {}: an empty field is written as nothing between two commas",
        names.join(", ")
    ))
}

/// A record read under the header: its fields by column name.
pub(crate) struct Row<'a> {
    columns: &'a [String],
    fields: &'a [Field],
    unescaped: &'a str,
}

impl Record for Row<'_> {
    /// The field of the first column named `field`, unless it is empty.
    fn values(
        &self,
        field: &str,
        side: &mut String,
        out: &mut Vec<Found>,
    ) -> Result<(), LineError> {
        let Some(found) = self
            .columns
            .iter()
            .position(|column| column == field)
            .and_then(|index| self.fields.get(index))
        else {
            return Ok(());
        };
        let value = match &found.value {
            None => return Ok(()),
            Some(Text::Record(range)) => Value::Text(range.clone()),
            Some(Text::Unescaped(range)) => {
                let start = side.len();
                side.push_str(&self.unescaped[range.clone()]);
                Value::Side(start..side.len())
            }
        };
        out.push(Found {
            value,
            written: found.content.clone(),
        });
        Ok(())
    }
}

/// A CSV file's header: its column names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) columns: Vec<String>,
    /// A name given twice makes the header invalid: this says where; the
    /// first column of that name is the one read.
    pub(crate) duplicate: Option<LineError>,
}

impl Header {
    /// The header `text` (the first record) gives; an error when it gives
    /// none: empty, or not CSV.
    pub(crate) fn read(text: &str) -> Result<Header, LineError> {
        if text.is_empty() {
            return Err(LineError::new(
                LineErrorKind::EmptyValue,
                Span::new(0, 0),
                "the header is empty: no record can be read without column names",
            )
            .with_help("a CSV file starts with a line of column names: time,outlet,kind,title"));
        }
        let mut reader = RowReader::new();
        reader.split(text)?;
        let columns: Vec<String> = reader
            .fields
            .iter()
            .map(|field| match &field.value {
                None => String::new(),
                Some(Text::Record(range)) => text[range.clone()].to_string(),
                Some(Text::Unescaped(range)) => reader.unescaped[range.clone()].to_string(),
            })
            .collect();
        let duplicate = duplicate(&columns, &reader.fields);
        Ok(Header { columns, duplicate })
    }
}

/// The first name given twice in the header (empty names aside: no
/// profile can name them).
fn duplicate(columns: &[String], fields: &[Field]) -> Option<LineError> {
    let mut seen = HashMap::new();
    for (index, name) in columns.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(name.as_str(), index) {
            seen.insert(name.as_str(), first);
            let written = &fields[index].written;
            return Some(
                LineError::new(
                    LineErrorKind::DuplicateKey,
                    Span::new(written.start, written.len()),
                    format!(
                        "the header names column {} `{name}`, as column {}",
                        index + 1,
                        first + 1
                    ),
                )
                .with_help(format!(
                    "records are read with column {} as `{name}`; rename one of the two",
                    first + 1
                )),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The fast path splits every record it takes as csv-core and the
        /// checks do, and takes the common records (no doubled quote).
        #[test]
        fn the_fast_path_reads_as_csv_core(
            pieces in prop::collection::vec(prop_oneof![
                Just("a"), Just(","), Just("\""), Just(" "), Just("é"), Just("\n"), Just("\"\""),
            ], 0..24)
        ) {
            let text: String = pieces.concat();
            let mut plain = Vec::new();
            if split_plain(&text, &mut plain) {
                let mut reader = RowReader::new();
                prop_assert!(reader.split_core(&text).is_ok(), "{text:?}");
                prop_assert_eq!(&plain, &reader.fields, "{:?}", text);
            }
        }
    }

    #[test]
    fn the_fast_path_takes_common_records() {
        for text in ["a,b,c", "\"a, b\",,\"\"", "x,\"multi\nline\",y", "a,"] {
            assert!(split_plain(text, &mut Vec::new()), "{text:?}");
        }
        for text in ["\"a\"\"b\"", "5\" screen,x", "\"a\"b", "\"open"] {
            assert!(!split_plain(text, &mut Vec::new()), "{text:?}");
        }
    }

    fn columns(names: &str) -> Vec<String> {
        names.split(',').map(str::to_string).collect()
    }

    /// The value of each column of `header` in `record`, as
    /// `value@written`, or `-` for none.
    fn values(header: &str, record: &str) -> Result<Vec<String>, LineError> {
        let columns = columns(header);
        let mut reader = RowReader::new();
        let row = reader.read(&columns, record)?;
        let mut side = String::new();
        let mut shown = Vec::new();
        for column in &columns {
            let mut out = Vec::new();
            row.values(column, &mut side, &mut out)?;
            shown.push(match out.as_slice() {
                [] => "-".to_string(),
                [found] => {
                    let value = found.value.get(record, &side);
                    format!("{value}@{}", &record[found.written.clone()])
                }
                more => panic!("one value at most: {more:?}"),
            });
        }
        Ok(shown)
    }

    fn error(header: &str, record: &str) -> (LineErrorKind, String, Range<usize>) {
        let e = values(header, record).unwrap_err();
        (e.kind, e.message, e.span.offset..e.span.end())
    }

    #[test]
    fn values_with_their_places() {
        let record = r#"2017-05-06T10:00:00Z,le-monde,"Paris, ""la"" ville",x"#;
        assert_eq!(
            values("time,outlet,title,tag", record).unwrap(),
            [
                "2017-05-06T10:00:00Z@2017-05-06T10:00:00Z",
                "le-monde@le-monde",
                r#"Paris, "la" ville@Paris, ""la"" ville"#,
                "x@x",
            ]
        );
        // Quoted without doubled quotes: the source bytes, inside the quotes.
        let columns = columns("a,b");
        let mut reader = RowReader::new();
        let row = reader.read(&columns, r#""q,1",2"#).unwrap();
        let (mut side, mut out) = (String::new(), Vec::new());
        row.values("a", &mut side, &mut out).unwrap();
        assert_eq!(
            out,
            [Found {
                value: Value::Text(1..4),
                written: 1..4
            }]
        );
        assert!(side.is_empty());
        row.values("none", &mut side, &mut out).unwrap();
        assert_eq!(out.len(), 1, "a column the header does not have");
    }

    #[test]
    fn empty_fields_are_no_values() {
        assert_eq!(
            values("a,b,c,d", r#",x,"","#).unwrap(),
            ["-", "x@x", "-", "-"]
        );
        // Spaces are text.
        assert_eq!(values("a,b", " , ").unwrap(), [" @ ", " @ "]);
    }

    #[test]
    fn quoted_newlines_and_carriage_returns_are_text() {
        let record = "1,\"multi\r\nline\",2017";
        assert_eq!(
            values("n,title,year", record).unwrap(),
            ["1@1", "multi\r\nline@multi\r\nline", "2017@2017"]
        );
        assert_eq!(
            values("n,title", "1,\"a \"\"b\"\"\nc\"").unwrap(),
            ["1@1", "a \"b\"\nc@a \"\"b\"\"\nc"]
        );
    }

    #[test]
    fn ragged_rows_both_ways() {
        assert_eq!(
            error("a,b,c", "1,2,3,4,5"),
            (
                LineErrorKind::RaggedRow,
                "this row has 5 fields, the header 3: the first extra field is here".to_string(),
                6..7
            )
        );
        // An empty extra field: the comma before it.
        assert_eq!(error("a,b", "1,2,").2, 3..4);
        let e = values("a,b,c", "1").unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str(), e.span.offset, e.span.len),
            (
                LineErrorKind::RaggedRow,
                "this row has 1 field, the header 3: it ends before the header's last columns",
                1,
                0
            )
        );
        assert_eq!(
            e.help.as_deref(),
            Some("no field for `b`, `c`: an empty field is written as nothing between two commas")
        );
        let wide = columns("a,b,c,d,e,f,g,h");
        let e = RowReader::new().read(&wide, "1").err().unwrap();
        assert!(e.help.unwrap().contains("`f`, 2 more"));
    }

    #[test]
    fn stray_and_unclosed_quotes() {
        let (kind, message, span) = error("a,b", r#"1,5" screen"#);
        assert_eq!(kind, LineErrorKind::BadQuote);
        assert_eq!(
            message,
            "a quote inside a field that does not start with one"
        );
        assert_eq!(span, 3..4);
        let (kind, message, span) = error("a,b", "1,\"open\nrest, and more");
        assert_eq!(
            (kind, message.as_str(), span),
            (
                LineErrorKind::BadQuote,
                "this quoted field is never closed",
                2..3
            )
        );
        assert_eq!(error("a,b", r#"1,"ab"""#).0, LineErrorKind::BadQuote);
        assert_eq!(error("a,b", r#""ab"c,2"#).2, 3..4);
        // Glued to the next line by a stray quote: reported at that quote.
        let (kind, _, span) = error("a,b", "1,5\" screen\n2,\"x\"");
        assert_eq!((kind, span), (LineErrorKind::BadQuote, 3..4));
        // A quote after spaces is inside an unquoted field.
        assert_eq!(error("a,b", r#"1, "x""#).2, 3..4);
    }

    #[test]
    fn the_header() {
        let header = Header::read("time,\"out,let\",title,\"a\"\"b\",").unwrap();
        assert_eq!(header.columns, ["time", "out,let", "title", "a\"b", ""]);
        assert_eq!(header.duplicate, None);
        let header = Header::read("a,title,b,title,title").unwrap();
        assert_eq!(header.columns.len(), 5);
        let duplicate = header.duplicate.unwrap();
        assert_eq!(duplicate.kind, LineErrorKind::DuplicateKey);
        assert_eq!(duplicate.span, Span::new(10, 5));
        assert_eq!(
            duplicate.message,
            "the header names column 4 `title`, as column 2"
        );
        // The first of two columns of one name is read.
        let mut reader = RowReader::new();
        let row = reader
            .read(&header.columns, "1,first,2,second,third")
            .unwrap();
        let (mut side, mut out) = (String::new(), Vec::new());
        row.values("title", &mut side, &mut out).unwrap();
        assert_eq!(out[0].value, Value::Text(2..7));
        assert_eq!(
            Header::read("").unwrap_err().kind,
            LineErrorKind::EmptyValue
        );
        assert_eq!(
            Header::read("a,\"b").unwrap_err().kind,
            LineErrorKind::BadQuote
        );
        // Two empty names are no duplicate.
        assert_eq!(Header::read("a,,b,").unwrap().duplicate, None);
    }
}
