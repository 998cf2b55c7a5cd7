//! The publication model, and the readers that yield it.
//!
//! A `Publication` is what one record of an input says, whatever its syntax:
//! an instant, an outlet, a kind, regions, and fields. It borrows its text
//! from the input and its layout from the reader (`Parts`), so reading a
//! line copies nothing; its kind and channel are resolved against the
//! rulebook once, when it is read. Every field keeps where it was written,
//! for diagnostics.
//!
//! - `lines` splits bytes into lines, with one policy for byte-order marks,
//!   line endings and over-long lines;
//! - `log` reads scrutin's log syntax (`timestamp key=value…`);
//! - `profile` says how the records of a structured source become
//!   publications, `mapped` applies it to records that `json`, `csv` and
//!   `feed` read; `meaning` gives every record's fields their meaning,
//!   whatever the syntax;
//! - `Reader` is any line-based reader, as a worker of the pipeline holds one;
//! - `write` writes a publication back as a log line.

pub(crate) mod csv;
mod error;
pub(crate) mod feed;
mod format;
pub mod json;
pub mod lines;
pub mod log;
pub(crate) mod mapped;
mod meaning;
mod open;
pub mod profile;
mod reader;
pub mod write;

use std::borrow::Cow;
use std::ops::Range;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use crate::field::{FIELDS, Field, LIST_FIELDS};
use crate::rulebook::{ChannelId, KindId, Rulebook, Severity};
use crate::source::Span;
pub use error::{LineError, LineErrorKind};
pub use format::{Format, InputError, detect, profile_for};
pub use log::LogReader;
pub use open::{HowToOpen, Opened, open};
pub use profile::Profile;
pub use reader::Reader;

/// One published (or scheduled) item.
#[derive(Debug, Clone)]
pub struct Publication<'a> {
    /// The record it was read from: every value not unescaped lies in it.
    text: Cow<'a, str>,
    parts: Cow<'a, Parts>,
}

/// What a reader found in a record, apart from the record's text: the
/// resolved values, and where each field lies. A reader reuses one `Parts`
/// from record to record; a publication kept for later takes a copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) instant: DateTime<Utc>,
    pub(crate) zone: Option<Tz>,
    pub(crate) kind: KindId,
    pub(crate) channel: Option<ChannelId>,
    /// Indices into the rulebook's regions, in the order written, no twice.
    pub(crate) regions: Vec<usize>,
    pub(crate) first_published: Option<DateTime<Utc>>,
    /// When it stops going out, if it lasts; always after `instant`.
    pub(crate) end: Option<DateTime<Utc>>,
    /// Every field, in the order written.
    pub(crate) fields: Vec<FieldAt>,
    /// Text that is not in the record as it is: values that had escapes,
    /// unescaped; keys and values a source profile gives.
    pub(crate) side: String,
    /// Indices into `fields` of the well-known single-valued fields.
    pub(crate) known: Known,
    /// `key_bit` of every key written: a rule whose filter needs a key
    /// missing here cannot apply.
    pub(crate) keys: u64,
    pub(crate) spans: Spans,
    /// How the kind was decided, in `side`, when classification decided it.
    pub(crate) kind_how: Option<Range<usize>>,
    /// The highest severity a finding may have (a classified record's).
    pub(crate) severity_cap: Option<Severity>,
}

/// Where the well-known fields are in `Parts::fields`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Known {
    pub(crate) outlet: Option<u32>,
    pub(crate) kind: Option<u32>,
    pub(crate) channel: Option<u32>,
    pub(crate) id: Option<u32>,
    pub(crate) title: Option<u32>,
    pub(crate) url: Option<u32>,
    pub(crate) tags: Option<u32>,
}

/// One field: its key and value, and where the value is written in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldAt {
    pub(crate) key: Value,
    pub(crate) value: Value,
    /// The value as written, quotes included.
    pub(crate) written: Range<usize>,
    pub(crate) quoted: bool,
}

/// Where a field's key or value lies: in the record, or in `Parts::side`
/// (a value that had escapes; a key or a value a source profile gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Text(Range<usize>),
    Side(Range<usize>),
}

impl Value {
    /// Its text, from the record `text` or the side buffer `side`.
    pub(crate) fn get<'t>(&self, text: &'t str, side: &'t str) -> &'t str {
        match self {
            Value::Text(range) => &text[range.clone()],
            Value::Side(range) => &side[range.clone()],
        }
    }
}

/// Where the parts of a publication are written in its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spans {
    pub timestamp: Span,
    pub kind: Span,
    /// The end of the record's content, where a missing field would go.
    pub end: usize,
}

/// Reads one line of the log syntax under `rulebook`: for one-off use (a
/// reader keeps its buffers from line to line; see `LogReader`).
pub fn read<'a>(line: &'a str, rulebook: &Rulebook) -> Result<Publication<'a>, LineError> {
    let mut reader = LogReader::new(rulebook);
    let parts = reader.read(line)?.parts.into_owned();
    Ok(Publication::new(line, Cow::Owned(parts)))
}

impl<'a> Publication<'a> {
    /// The publication `parts` describes in `text`, the record they were
    /// read from (`parts` read from another text would point past it).
    pub(crate) fn new(text: &'a str, parts: Cow<'a, Parts>) -> Self {
        Publication {
            text: Cow::Borrowed(text),
            parts,
        }
    }

    /// The same publication, owning its text and parts.
    pub fn into_owned(self) -> Publication<'static> {
        Publication {
            text: Cow::Owned(self.text.into_owned()),
            parts: Cow::Owned(self.parts.into_owned()),
        }
    }

    /// The record it was read from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What was read of it, to keep apart from the reader that read it.
    pub(crate) fn into_parts(self) -> Parts {
        self.parts.into_owned()
    }

    pub fn instant(&self) -> DateTime<Utc> {
        self.parts.instant
    }

    /// When it stops going out, if it lasts (a broadcast segment, an ad
    /// flight): it goes out during `[instant, end)`, and `end` is after
    /// `instant`. `None` for a publication that goes out at its instant.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.parts.end
    }

    /// Moves it to another instant (to ask what would be found then), its
    /// end with it: a publication that lasts keeps its duration. False, and
    /// nothing moved, when its end would be past the last instant there is.
    pub fn set_instant(&mut self, instant: DateTime<Utc>) -> bool {
        let end = match self.parts.end {
            Some(end) => match instant.checked_add_signed(end - self.parts.instant) {
                Some(end) => Some(end),
                None => return false,
            },
            None => None,
        };
        let parts = self.parts.to_mut();
        parts.instant = instant;
        parts.end = end;
        true
    }

    /// The zone its timestamp named, if any.
    pub fn zone(&self) -> Option<Tz> {
        self.parts.zone
    }

    pub fn kind_id(&self) -> KindId {
        self.parts.kind
    }

    /// Its kind, as the rulebook declares it.
    pub fn kind(&self) -> &str {
        self.known(self.parts.known.kind).unwrap_or_default()
    }

    pub fn channel_id(&self) -> Option<ChannelId> {
        self.parts.channel
    }

    pub fn channel(&self) -> Option<&str> {
        self.known(self.parts.known.channel)
    }

    /// Who publishes it.
    pub fn outlet(&self) -> &str {
        self.known(self.parts.known.outlet).unwrap_or_default()
    }

    pub fn id(&self) -> Option<&str> {
        self.known(self.parts.known.id)
    }

    pub fn title(&self) -> Option<&str> {
        self.known(self.parts.known.title)
    }

    pub fn url(&self) -> Option<&str> {
        self.known(self.parts.known.url)
    }

    /// Indices into the rulebook's regions: where it is received.
    pub fn regions(&self) -> &[usize] {
        &self.parts.regions
    }

    /// Its tags, in the order written.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        let tags = self.known(self.parts.known.tags).unwrap_or_default();
        list(tags).map(|(tag, _)| tag)
    }

    /// When the content first went out, if this is a later copy of it.
    pub fn first_published(&self) -> Option<DateTime<Utc>> {
        self.parts.first_published
    }

    /// Is this a later copy of content that went out before?
    pub fn is_later_copy(&self) -> bool {
        self.first_published()
            .is_some_and(|first| first < self.instant())
    }

    /// How its kind was decided, when a profile's classification decided
    /// it: "kind `poll` from the keyword `sondage` in `title`".
    pub fn kind_how(&self) -> Option<&str> {
        let range = self.parts.kind_how.clone()?;
        self.parts.side.get(range)
    }

    /// The highest severity a finding on it may have, if its profile caps
    /// the findings on classified records.
    pub fn severity_cap(&self) -> Option<Severity> {
        self.parts.severity_cap
    }

    pub fn spans(&self) -> Spans {
        self.parts.spans
    }

    /// Where the value of field `key` is written in its record (quotes
    /// included), and the value: for `--fix`, which rewrites a lasting
    /// publication's `end` as it rewrites its timestamp.
    pub(crate) fn written(&self, key: &str) -> Option<(Span, &str)> {
        let field = self.parts.fields.iter().find(|f| self.key(f) == key)?;
        let span = Span::new(field.written.start, field.written.len());
        Some((span, self.value(field)))
    }

    /// `key_bit` of every key written.
    pub(crate) fn keys(&self) -> u64 {
        self.parts.keys
    }

    /// The value of a single-valued field: a well-known one or an
    /// attribute. Fields that hold lists or instants (`LIST_FIELDS`) have
    /// none: rules test them with filters of their own.
    pub fn field(&self, key: &str) -> Option<&str> {
        let known = &self.parts.known;
        let index = match key {
            "outlet" => known.outlet,
            "kind" => known.kind,
            "channel" => known.channel,
            "id" => known.id,
            "title" => known.title,
            "url" => known.url,
            _ if LIST_FIELDS.contains(&key) => None,
            _ => self
                .parts
                .fields
                .iter()
                .position(|f| self.key(f) == key)
                .map(|n| n as u32),
        };
        self.known(index)
    }

    /// Every field that is not one of `FIELDS`, in the order written.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.parts.fields.iter().filter_map(|field| {
            let key = self.key(field);
            let attribute = !FIELDS.iter().any(|f| f.key == key);
            attribute.then(|| (key, self.value(field)))
        })
    }

    fn known(&self, index: Option<u32>) -> Option<&str> {
        let field = self.parts.fields.get(index? as usize)?;
        Some(self.value(field))
    }

    fn key(&self, field: &FieldAt) -> &str {
        field.key.get(&self.text, &self.parts.side)
    }

    fn value(&self, field: &FieldAt) -> &str {
        field.value.get(&self.text, &self.parts.side)
    }
}

impl PartialEq for Publication<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.parts == other.parts
    }
}

impl Eq for Publication<'_> {}

/// One of 64 bits for a key, from its length and its ends: a hint only
/// (keys that share a bit are compared whole).
pub(crate) fn key_bit(key: &[u8]) -> u64 {
    let (first, last) = (key.first().copied(), key.last().copied());
    let mixed =
        key.len() * 31 + usize::from(first.unwrap_or(0)) * 7 + usize::from(last.unwrap_or(0));
    1 << (mixed % 64)
}

/// The first control character in `text` that a record may not hold: any
/// but the tab (binary data or a broken export), and line breaks too
/// unless `line_breaks` (a value read from JSON or CSV may hold them; a
/// log's line cannot).
pub(crate) fn first_control(text: &str, line_breaks: bool) -> Option<(usize, char)> {
    if crate::source::printable_ascii(text.as_bytes()) {
        return None;
    }
    text.char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t' && !(line_breaks && matches!(c, '\n' | '\r')))
}

/// Comma-separated items with their byte offsets in `value`; empty items are dropped.
pub(crate) fn list(value: &str) -> impl Iterator<Item = (&str, usize)> {
    value
        .split(',')
        .scan(0, |offset, item| {
            let start = *offset;
            *offset += item.len() + 1;
            Some((item.trim(), start + (item.len() - item.trim_start().len())))
        })
        .filter(|(item, _)| !item.is_empty())
}
