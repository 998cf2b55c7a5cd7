//! Feeds: RSS 2.0, Atom and sitemaps (Google News sitemaps included), read
//! as a stream of records, one per `<item>` (RSS), `<entry>` (Atom) or
//! `<url>` (sitemap) element, at any depth but inside another record
//! (where it is an element of that record). Elements outside the records
//! (a channel's own `<title>`) are no record and give no field; their
//! text is not read.
//!
//! # How a profile names a record's fields
//!
//! - `name` is every element so named inside the record, at any depth
//!   (`title`, `pubDate`, `category`; `news:title` inside `<news:news>`;
//!   `name` inside Atom's `<author>`), the record's own element included.
//!   Names are compared exactly, case included.
//! - `name@attribute` is the attribute `attribute` of every element `name`
//!   inside the record that has it (`link@href`, `category@term`,
//!   `enclosure@url`). An attribute without a prefix is named without one.
//! - A name's prefix is the namespace's, not the document's: these
//!   namespaces are named with these prefixes whatever prefix (or default
//!   namespace) a document binds them to:
//!
//!   | prefix     | namespace                                          |
//!   |------------|----------------------------------------------------|
//!   | `news:`    | `http://www.google.com/schemas/sitemap-news/0.9`   |
//!   | `image:`   | `http://www.google.com/schemas/sitemap-image/1.1`  |
//!   | `dc:`      | `http://purl.org/dc/elements/1.1/`                 |
//!   | `media:`   | `http://search.yahoo.com/mrss/`                    |
//!   | `content:` | `http://purl.org/rss/1.0/modules/content/`         |
//!   | `xml:`     | `http://www.w3.org/XML/1998/namespace`             |
//!   | (none)     | `http://www.w3.org/2005/Atom`                      |
//!   | (none)     | `http://www.sitemaps.org/schemas/sitemap/0.9`      |
//!
//!   An element of any other namespace, or of none, or whose prefix the
//!   document does not bind, is named as the document writes it (`itunes:author`,
//!   `title`).
//! - A field written several times (several `<category>`) gives every
//!   value, in document order.
//! - An element's value is its text content: its text and CDATA sections,
//!   its descendants' included, in order, with the five predefined
//!   entities (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`) and character
//!   references (`&#233;` `&#xE9;`) resolved, and XML white space (space,
//!   tab, CR, LF) trimmed from both ends (a character written as a
//!   reference is never trimmed). An attribute's value is its text, so
//!   resolved and trimmed. An empty value is no value: `<category/>` gives
//!   no `category`.
//!
//! # What makes a record or a feed unreadable
//!
//! Entities are never expanded: a `<!DOCTYPE>` is skipped, its `<!ENTITY>`
//! declarations unread, and a record that refers to any entity but the five
//! predefined ones (`&nbsp;`), or to a character XML does not allow
//! (`&#0;`), in its text or its attributes, is invalid (`XmlEntity`). So is a record
//! longer than `MAX_LINE_BYTES` (`TooLong`: skipped to its end without
//! being held) and a record that is not UTF-8 (`NotUtf8`). Reading goes on
//! with the next record.
//!
//! XML that is not well-formed (`BadXml`) cannot be read further: the
//! reader yields one invalid record, at the place of the error, and ends.
//! So does a feed in another encoding than UTF-8 (`NotUtf8`; a UTF-8
//! byte-order mark is skipped), and a tag, comment or CDATA section longer
//! than `MAX_LINE_BYTES`, or elements nested deeper than `MAX_DEPTH`
//! (`TooLong`): memory stays bounded by the largest record.

mod document;
mod item;
mod markup;
mod tape;
#[cfg(test)]
mod tests;

use std::io::BufRead;

use quick_xml::events::{BytesDecl, Event};
use quick_xml::reader::NsReader;

use document::Document;
pub(crate) use item::Item;
use markup::qualified;
use tape::{Place, Tape, TokenTooLong};

use super::lines::MAX_LINE_BYTES;
use super::{Format, LineError, LineErrorKind};
use crate::source::{Span, floor_char_boundary};

/// One record of a feed, or why it (or the rest of the feed) cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FeedRecord {
    Item(Item),
    /// `text` is the record's text (or its start, or the line of the
    /// error), starting on `line` at `column` (1-based, in characters);
    /// `error.span` is in `text`.
    Invalid {
        text: String,
        line: usize,
        column: usize,
        error: LineError,
    },
    /// Reading failed here: the feed ends, and its file is unreadable.
    Unreadable {
        reason: String,
    },
}

/// Reads the records of a feed, one at a time, holding one at most.
pub(crate) struct FeedReader<R: BufRead> {
    xml: NsReader<Tape<R>>,
    /// The buffer of the XML reader's events.
    events: Vec<u8>,
    document: Document,
    started: bool,
    ended: bool,
}

/// Why the rest of a feed cannot be read, and where.
#[derive(Debug)]
struct Fatal {
    kind: LineErrorKind,
    at: u64,
    message: String,
    help: Option<String>,
    /// Reading failed (a truncated gzip stream, a disk error): the file
    /// is unreadable from here, which is not a record's fault.
    unreadable: bool,
}

impl Fatal {
    fn new(kind: LineErrorKind, at: u64, message: impl Into<String>) -> Self {
        Fatal {
            kind,
            at,
            message: message.into(),
            help: None,
            unreadable: false,
        }
    }

    fn bad_xml(at: u64, message: impl Into<String>) -> Self {
        Fatal::new(LineErrorKind::BadXml, at, message)
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The XML reader's error, at `at`; `token` is where the token it was
    /// reading starts.
    fn from_xml(error: quick_xml::Error, at: u64, token: u64) -> Self {
        use quick_xml::Error;
        match error {
            Error::Io(e) if e.get_ref().is_some_and(|e| e.is::<TokenTooLong>()) => Fatal::new(
                LineErrorKind::TooLong,
                token,
                format!(
                    "a tag, comment or CDATA section longer than {MAX_LINE_BYTES} bytes starts here"
                ),
            ),
            Error::Io(e) => Fatal {
                unreadable: true,
                ..Fatal::bad_xml(token, e.to_string())
            },
            // Their own words, without "ill-formed document" or "syntax error".
            Error::IllFormed(e) => Fatal::bad_xml(at, format!("not well-formed XML: {e}")),
            Error::Syntax(e) => Fatal::bad_xml(at, format!("not well-formed XML: {e}")),
            e => Fatal::bad_xml(at, format!("not well-formed XML: {e}")),
        }
    }
}

/// What one event of the XML reader came to.
enum Step {
    Continue,
    Record(FeedRecord),
    End,
}

impl<R: BufRead> FeedReader<R> {
    /// A reader of `format`'s records: `Rss`, `Atom` or `Sitemap` (any
    /// other format has no feed records: none are read).
    pub(crate) fn new(input: R, format: Format) -> Self {
        let record = match format {
            Format::Rss => Some("item"),
            Format::Atom => Some("entry"),
            Format::Sitemap => Some("url"),
            Format::Log | Format::Jsonl | Format::Csv => None,
        };
        FeedReader {
            xml: NsReader::from_reader(Tape::new(input)),
            events: Vec::new(),
            document: Document::new(record.unwrap_or_default()),
            started: false,
            ended: record.is_none(),
        }
    }

    /// The next record; after an invalid record that says the rest of the
    /// feed is not read, and at the end of the feed, `None`.
    pub(crate) fn next(&mut self) -> Option<FeedRecord> {
        if self.ended {
            return None;
        }
        match self.read() {
            Ok(record) => {
                self.ended = record.is_none();
                record
            }
            Err(fatal) => {
                self.ended = true;
                Some(self.invalid(fatal))
            }
        }
    }

    fn read(&mut self) -> Result<Option<FeedRecord>, Fatal> {
        if !std::mem::replace(&mut self.started, true) {
            let utf16 = self.xml.get_mut().skip_bom();
            if utf16.map_err(|e| Fatal::bad_xml(0, format!("the feed could not be read: {e}")))? {
                return Err(Fatal::new(
                    LineErrorKind::NotUtf8,
                    0,
                    "this feed is UTF-16; scrutin reads UTF-8 only",
                )
                .with_help("convert it first: iconv -f UTF-16 -t UTF-8"));
            }
        }
        loop {
            self.text()?;
            match self.event()? {
                Step::Continue => {}
                Step::Record(record) => return Ok(Some(record)),
                Step::End => return Ok(None),
            }
        }
    }

    /// Reads the text up to the next markup or reference here, a piece at
    /// a time: the XML reader would hold a long text whole.
    fn text(&mut self) -> Result<(), Fatal> {
        loop {
            let tape = self.xml.get_mut();
            let outgrown = tape.outgrown();
            let here = tape.here().offset;
            let chunk = tape
                .fill_buf()
                .map_err(|e| Fatal::bad_xml(here, format!("the feed could not be read: {e}")))?;
            let (length, ends) = match memchr::memchr2(b'<', b'&', chunk) {
                Some(length) => (length, true),
                None => (chunk.len(), chunk.is_empty()),
            };
            if let Err(fatal) = self.document.text(here, &chunk[..length], outgrown) {
                let before = (fatal.at - here) as usize;
                tape.consume(before);
                tape.take_rest_of_line();
                return Err(fatal);
            }
            tape.consume(length);
            tape.mark();
            if ends {
                return Ok(());
            }
        }
    }

    /// Reads one event (markup or a reference) and takes it in.
    fn event(&mut self) -> Result<Step, Fatal> {
        let tape = self.xml.get_mut();
        tape.mark();
        let place = tape.here();
        let outgrown = tape.outgrown();
        let position = self.xml.buffer_position();
        let mut events = std::mem::take(&mut self.events);
        events.clear();
        let step = match self.xml.read_resolved_event_into(&mut events) {
            Err(error) => {
                // The XML reader counts no text: it was read here.
                let at = place.offset + self.xml.error_position().saturating_sub(position);
                Err(Fatal::from_xml(error, at, place.offset))
            }
            Ok((namespace, event)) => {
                let name = match &event {
                    Event::Start(e) | Event::Empty(e) => qualified(&namespace, e.name()),
                    _ => String::new(),
                };
                self.take(event, name, place, outgrown)
            }
        };
        self.events = events;
        step
    }

    fn take(
        &mut self,
        event: Event<'_>,
        name: String,
        place: Place,
        outgrown: bool,
    ) -> Result<Step, Fatal> {
        let document = &mut self.document;
        match event {
            Event::Start(e) => {
                document.open(&mut self.xml, &e, name, place, outgrown)?;
                Ok(Step::Continue)
            }
            Event::Empty(e) => {
                document.open(&mut self.xml, &e, name, place, outgrown)?;
                Ok(document.close(&mut self.xml))
            }
            Event::End(_) => Ok(document.close(&mut self.xml)),
            Event::GeneralRef(reference) => {
                document.reference(&reference, place.offset, outgrown)?;
                Ok(Step::Continue)
            }
            Event::CData(cdata) => {
                // `<![CDATA[` comes before the content.
                document.cdata(place.offset + 9, cdata.len(), outgrown)?;
                Ok(Step::Continue)
            }
            // Text is read before each event; were the XML reader to give
            // some, it would be at `place`.
            Event::Text(text) => {
                document.text(place.offset, &text, outgrown)?;
                Ok(Step::Continue)
            }
            Event::Decl(declaration) => {
                encoding(&declaration, place.offset)?;
                Ok(Step::Continue)
            }
            Event::Eof => document.end(self.xml.get_ref().here().offset),
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => Ok(Step::Continue),
        }
    }

    /// The invalid record that ends the feed, or the reading error.
    fn invalid(&self, fatal: Fatal) -> FeedRecord {
        if fatal.unreadable {
            return FeedRecord::Unreadable {
                reason: fatal.message,
            };
        }
        let tape = self.xml.get_ref();
        let place = tape.place(fatal.at);
        let (text, offset) = tape.line_around(fatal.at);
        let offset = floor_char_boundary(&text, offset);
        let length = text[offset..].chars().next().map_or(0, char::len_utf8);
        let message = format!(
            "{}, at line {}, column {}: the rest of the feed is not read",
            fatal.message, place.line, place.column
        );
        let mut error = LineError::new(fatal.kind, Span::new(offset, length), message);
        if let Some(help) = fatal.help {
            error = error.with_help(help);
        }
        // The text shown starts where `line_around` cut it.
        let column = place
            .column
            .saturating_sub(text[..offset].chars().count())
            .max(1);
        FeedRecord::Invalid {
            text,
            line: place.line,
            column,
            error,
        }
    }
}

/// Refuses a feed that declares another encoding than UTF-8 (or ASCII, a
/// part of it): its text would be misread.
fn encoding(declaration: &BytesDecl<'_>, at: u64) -> Result<(), Fatal> {
    let Some(Ok(encoding)) = declaration.encoding() else {
        return Ok(());
    };
    let encoding = String::from_utf8_lossy(&encoding);
    if ["utf-8", "utf8", "us-ascii", "ascii"]
        .iter()
        .any(|e| encoding.eq_ignore_ascii_case(e))
    {
        return Ok(());
    }
    Err(Fatal::new(
        LineErrorKind::NotUtf8,
        at,
        format!("this feed declares the encoding `{encoding}`; scrutin reads UTF-8 only"),
    )
    .with_help(format!(
        "convert it first (iconv -f {encoding} -t UTF-8) and declare encoding=\"UTF-8\""
    )))
}
