//! What is known of the feed being read: the elements open, whether the
//! root element was closed, and the record being read, whose index grows
//! event by event.

use std::io::BufRead;
use std::ops::Range;

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::reader::NsReader;

use super::item::{Index, is_xml_space};
use super::markup::{attributes, resolve, unexpanded};
use super::tape::{Place, Tape};
use super::{Fatal, FeedRecord, Step};
use crate::publication::lines::MAX_LINE_BYTES;
use crate::publication::{LineError, LineErrorKind};
use crate::source::Span;

/// Elements nested deeper make the rest of a feed unreadable.
pub(super) const MAX_DEPTH: usize = 1024;

/// What is known of the feed being read.
pub(super) struct Document {
    /// The name of a record's element: `item`, `entry` or `url`.
    record: &'static str,
    /// The elements open, outermost first.
    open: Vec<Open>,
    root_closed: bool,
    item: Option<Draft>,
}

/// An element open, for the message of a feed that ends inside it.
struct Open {
    name: String,
    line: usize,
}

/// The record being read.
struct Draft {
    /// Where its start tag is in the feed.
    start: u64,
    line: usize,
    /// The 1-based column (in characters) of its start tag in that line.
    column: usize,
    /// How many elements are open inside it, its own included.
    depth: usize,
    index: Index,
    /// Why it is invalid, if it is: the first reason found.
    error: Option<LineError>,
}

impl Document {
    /// A document whose records are the elements named `record`.
    pub(super) fn new(record: &'static str) -> Self {
        Document {
            record,
            open: Vec::new(),
            root_closed: false,
            item: None,
        }
    }

    /// Text at `at`: content, or (outside the root element) white space.
    pub(super) fn text(&mut self, at: u64, text: &[u8], outgrown: bool) -> Result<(), Fatal> {
        if self.open.is_empty()
            && let Some(n) = text.iter().position(|&b| !is_xml_space(b))
        {
            let what = if self.root_closed { "after" } else { "before" };
            return Err(Fatal::bad_xml(
                at + n as u64,
                format!("not well-formed XML: text {what} the root element"),
            ));
        }
        if let Some((index, start)) = self.index(outgrown) {
            let start = (at - start) as usize;
            index.text(start..start + text.len());
        }
        Ok(())
    }

    /// The index of the record being read, and where the record starts.
    fn index(&mut self, outgrown: bool) -> Option<(&mut Index, u64)> {
        let item = self.item.as_mut()?;
        if outgrown {
            // It will be reported as too long: its index is dropped.
            item.index = Index::default();
            return None;
        }
        Some((&mut item.index, item.start))
    }

    /// An element opens at `place` (a record, if it is one's).
    pub(super) fn open<R: BufRead>(
        &mut self,
        xml: &mut NsReader<Tape<R>>,
        start: &BytesStart<'_>,
        name: String,
        place: Place,
        outgrown: bool,
    ) -> Result<(), Fatal> {
        let written = String::from_utf8_lossy(start.name().into_inner()).into_owned();
        if self.open.len() >= MAX_DEPTH {
            return Err(Fatal::new(
                LineErrorKind::TooLong,
                place.offset,
                format!("elements nested more than {MAX_DEPTH} deep"),
            ));
        }
        if self.open.is_empty() && self.root_closed {
            return Err(Fatal::bad_xml(
                place.offset,
                format!("not well-formed XML: a second root element, `<{written}>`"),
            ));
        }
        let is_record = self.item.is_none() && name == self.record;
        let attributes = attributes(xml.resolver(), start, place.offset)?;
        self.open.push(Open {
            name: written,
            line: place.line,
        });
        if is_record {
            xml.get_mut().hold(place.offset);
            self.item = Some(Draft {
                start: place.offset,
                line: place.line,
                column: place.column,
                depth: self.open.len(),
                index: Index::default(),
                error: None,
            });
        }
        let Some(item) = self.item.as_mut() else {
            return Ok(());
        };
        if item.error.is_none()
            && let Some((written, name)) = attributes.iter().find_map(|a| a.unexpanded.as_ref())
        {
            let written =
                (written.start - item.start) as usize..(written.end - item.start) as usize;
            item.error = Some(unexpanded(name.as_bytes(), written));
        }
        if let Some((index, start)) = self.index(outgrown) {
            let relative =
                |range: &Range<u64>| (range.start - start) as usize..(range.end - start) as usize;
            let attributes = attributes.into_iter().map(|a| (a.name, relative(&a.value)));
            index.open(name, attributes);
        }
        Ok(())
    }

    /// The innermost element closes: a record, if it is one's.
    pub(super) fn close<R: BufRead>(&mut self, xml: &mut NsReader<Tape<R>>) -> Step {
        self.open.pop();
        self.root_closed |= self.open.is_empty();
        let outgrown = xml.get_ref().outgrown();
        let Some(item) = self.item.as_mut() else {
            return Step::Continue;
        };
        if !outgrown {
            item.index.close();
        }
        if self.open.len() >= item.depth {
            return Step::Continue;
        }
        self.item.take().map_or(Step::Continue, |item| {
            Step::Record(item.finish(xml.get_mut().release()))
        })
    }

    /// A reference (`&amp;`, `&#233;`) at `at`.
    pub(super) fn reference(
        &mut self,
        reference: &BytesRef<'_>,
        at: u64,
        outgrown: bool,
    ) -> Result<(), Fatal> {
        if self.open.is_empty() {
            return Err(Fatal::bad_xml(
                at,
                "not well-formed XML: a reference outside the root element",
            ));
        }
        let Some(start) = self.item.as_ref().map(|item| item.start) else {
            // Outside records, text is not read.
            return Ok(());
        };
        let start = (at - start) as usize;
        let written = start..start + reference.len() + 2;
        match resolve(reference) {
            Some(to) => {
                if let Some((index, _)) = self.index(outgrown) {
                    index.reference(written, to);
                }
            }
            None => {
                let error = unexpanded(reference, written);
                if let Some(item) = self.item.as_mut() {
                    item.error.get_or_insert(error);
                }
            }
        }
        Ok(())
    }

    /// CDATA content of `length` bytes at `at`.
    pub(super) fn cdata(&mut self, at: u64, length: usize, outgrown: bool) -> Result<(), Fatal> {
        if self.open.is_empty() {
            return Err(Fatal::bad_xml(
                at,
                "not well-formed XML: CDATA outside the root element",
            ));
        }
        if let Some((index, start)) = self.index(outgrown) {
            let start = (at - start) as usize;
            index.text(start..start + length);
        }
        Ok(())
    }

    /// The end of the input, at `at`.
    pub(super) fn end(&self, at: u64) -> Result<Step, Fatal> {
        if let Some(open) = self.open.last() {
            return Err(Fatal::bad_xml(
                at,
                format!(
                    "not well-formed XML: the feed ends before `<{}>` (line {}) is closed",
                    open.name, open.line
                ),
            ));
        }
        if !self.root_closed {
            return Err(Fatal::bad_xml(
                at,
                "not well-formed XML: the feed has no root element",
            ));
        }
        Ok(Step::End)
    }
}

impl Draft {
    /// The record read, from its bytes (or its start, if it outgrew the limit).
    fn finish(self, bytes: Result<Vec<u8>, Vec<u8>>) -> FeedRecord {
        let (line, column) = (self.line, self.column);
        let invalid = |text: String, error: LineError| FeedRecord::Invalid {
            text,
            line,
            column,
            error,
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(start) => {
                return invalid(
                    String::from_utf8_lossy(&start).into_owned(),
                    LineError::new(
                        LineErrorKind::TooLong,
                        Span::new(0, 0),
                        format!(
                            "this record is longer than the {MAX_LINE_BYTES} bytes a record may have: it is skipped"
                        ),
                    ),
                );
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let mut bytes = e.into_bytes();
                let bad = bytes.get(valid).copied().unwrap_or_default();
                bytes.truncate(valid);
                let text = String::from_utf8(bytes).unwrap_or_default();
                return invalid(
                    text,
                    LineError::new(
                        LineErrorKind::NotUtf8,
                        Span::new(valid, 0),
                        format!("this record is not UTF-8: byte 0x{bad:02X} follows"),
                    ),
                );
            }
        };
        match self.error {
            Some(error) => invalid(text, error),
            None => FeedRecord::Item(self.index.into_item(text, line, column)),
        }
    }
}
