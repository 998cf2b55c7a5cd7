//! One feed item as read: its exact text, and an index of its elements,
//! attributes and text pieces by place in that text, from which
//! `Record::values` answers without parsing it again.

use std::ops::Range;

use super::super::mapped::{Found, Record};
use super::super::{LineError, Value};

/// One `<item>`, `<entry>` or `<url>` of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// The element's source text, from `<item` to the end of `</item>`.
    pub(crate) text: String,
    /// The 1-based line of the feed where it starts.
    pub(crate) line: usize,
    /// The 1-based column (in characters) where it starts in that line: a
    /// minified feed holds every item on one line.
    pub(crate) column: usize,
    index: Index,
}

/// Where an item's elements, attributes and text are, in its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Index {
    /// In document order: the item's own element first.
    elements: Vec<Element>,
    attributes: Vec<Attribute>,
    /// Text, CDATA content and references, in document order.
    pieces: Vec<Piece>,
    /// Indices into `elements` of the elements open.
    open: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Element {
    /// Its name as fields name it (`news:title`).
    name: String,
    /// Indices into `Index::attributes`.
    attributes: Range<usize>,
    /// Indices into `Index::pieces`: its content, descendants' included.
    content: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Attribute {
    name: String,
    /// The value as written, between the quotes.
    value: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Text, or the content of a CDATA section: the value's own bytes.
    Text(Range<usize>),
    /// A predefined entity or a character reference, resolved.
    Reference { written: Range<usize>, to: char },
}

/// XML's white space: the only characters trimmed from values.
pub(super) fn is_xml_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

impl Index {
    /// An element opens, with its attributes (name, value as written).
    pub(super) fn open(
        &mut self,
        name: String,
        attributes: impl Iterator<Item = (String, Range<usize>)>,
    ) {
        let first = self.attributes.len();
        self.attributes
            .extend(attributes.map(|(name, value)| Attribute { name, value }));
        let content = self.pieces.len()..self.pieces.len();
        self.open.push(self.elements.len());
        self.elements.push(Element {
            name,
            attributes: first..self.attributes.len(),
            content,
        });
    }

    /// The innermost element open closes.
    pub(super) fn close(&mut self) {
        if let Some(element) = self.open.pop() {
            self.elements[element].content.end = self.pieces.len();
        }
    }

    /// Text or CDATA content at `range` (text read in pieces joins up).
    pub(super) fn text(&mut self, range: Range<usize>) {
        if let Some(Piece::Text(last)) = self.pieces.last_mut()
            && last.end == range.start
        {
            last.end = range.end;
            return;
        }
        self.pieces.push(Piece::Text(range));
    }

    pub(super) fn reference(&mut self, written: Range<usize>, to: char) {
        self.pieces.push(Piece::Reference { written, to });
    }

    /// The item, with its text.
    pub(super) fn into_item(self, text: String, line: usize, column: usize) -> Item {
        Item {
            text,
            line,
            column,
            index: self,
        }
    }
}

impl Item {
    /// The text content of `element`, trimmed, if it has any.
    fn content(&self, element: &Element, side: &mut String) -> Option<Found> {
        let pieces = &self.index.pieces[element.content.clone()];
        let has_content = |piece: &Piece| match piece {
            Piece::Text(range) => !self.text.as_bytes()[range.clone()]
                .iter()
                .all(|&b| is_xml_space(b)),
            Piece::Reference { .. } => true,
        };
        let first = pieces.iter().position(has_content)?;
        let last = pieces.iter().rposition(has_content)?;
        let bytes = self.text.as_bytes();
        // References are never trimmed: a character written as a reference
        // is meant.
        let start = match &pieces[first] {
            Piece::Text(range) => range.start + spaces(&bytes[range.clone()]),
            Piece::Reference { written, .. } => written.start,
        };
        let end = match &pieces[last] {
            Piece::Text(range) => range.end - spaces(bytes[range.clone()].iter().rev()),
            Piece::Reference { written, .. } => written.end,
        };
        if first == last && matches!(pieces[first], Piece::Text(_)) {
            return Some(Found {
                value: Value::Text(start..end),
                written: start..end,
            });
        }
        let from = side.len();
        for piece in &pieces[first..=last] {
            match piece {
                Piece::Text(range) => {
                    side.push_str(&self.text[range.start.max(start)..range.end.min(end)])
                }
                Piece::Reference { to, .. } => side.push(*to),
            }
        }
        Some(Found {
            value: Value::Side(from..side.len()),
            written: start..end,
        })
    }

    /// The value of `attribute`, trimmed and unescaped, if it is not empty.
    fn attribute(&self, attribute: &Attribute, side: &mut String) -> Option<Found> {
        let raw = &self.text[attribute.value.clone()];
        let trimmed = raw.trim_matches(|c: char| c.is_ascii() && is_xml_space(c as u8));
        if trimmed.is_empty() {
            return None;
        }
        let start = attribute.value.start + (trimmed.as_ptr() as usize - raw.as_ptr() as usize);
        let written = start..start + trimmed.len();
        if !trimmed.contains('&') {
            return Some(Found {
                value: Value::Text(written.clone()),
                written,
            });
        }
        // Its references were checked as the item was read.
        let unescaped = quick_xml::escape::unescape(trimmed).ok()?;
        let from = side.len();
        side.push_str(&unescaped);
        Some(Found {
            value: Value::Side(from..side.len()),
            written,
        })
    }
}

/// How many of `bytes` are white space before another byte.
fn spaces<'b>(bytes: impl IntoIterator<Item = &'b u8>) -> usize {
    bytes.into_iter().take_while(|&&b| is_xml_space(b)).count()
}

impl Record for Item {
    /// `element` gives the text content of every element so named,
    /// `element@attribute` the attribute of every element so named that
    /// has it; empty values are no values. The item's references were
    /// checked as it was read: this never fails.
    fn values(
        &self,
        field: &str,
        side: &mut String,
        out: &mut Vec<Found>,
    ) -> Result<(), LineError> {
        let (element, attribute) = match field.split_once('@') {
            Some((element, attribute)) => (element, Some(attribute)),
            None => (field, None),
        };
        for element in self.index.elements.iter().filter(|e| e.name == element) {
            match attribute {
                None => out.extend(self.content(element, side)),
                Some(name) => {
                    let attributes = &self.index.attributes[element.attributes.clone()];
                    for attribute in attributes.iter().filter(|a| a.name == name) {
                        out.extend(self.attribute(attribute, side));
                    }
                }
            }
        }
        Ok(())
    }
}
