//! Records of structured sources → `Publication`, through a profile.
//!
//! A reader of a format (JSON Lines, CSV, feeds) finds a record's fields
//! and where each is written (`Record`); the `Mapper` takes from them what
//! the profile says (the instant in its form, each field, the kind, by
//! classification if need be) and hands the result to the same `meaning`
//! step as a log line: a record means what the same log line would.

use std::borrow::Cow;
use std::ops::Range;

use super::profile::{From, Profile};
use super::{FieldAt, LineError, LineErrorKind, Parts, Publication, Value, meaning};
use crate::rulebook::Rulebook;
use crate::source::Span;
use crate::time::{TimeForm, Timestamp, TimestampReader};

/// One value of a record's field: where its text lies (in the record, or
/// unescaped in the side buffer) and where it is written in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) value: Value,
    pub(crate) written: Range<usize>,
}

/// A record of a structured source, as a format's reader found it.
pub(crate) trait Record {
    /// Every value of `field` in the record, in the order written, into
    /// `out`; text that is not in the record as it is (unescaped) goes to
    /// `side`. A field holding something that is not a value is an error.
    fn values(&self, field: &str, side: &mut String, out: &mut Vec<Found>)
    -> Result<(), LineError>;
}

/// Reads records through a profile, under a rulebook, keeping its buffers
/// from record to record.
pub(crate) struct Mapper<'r> {
    rulebook: &'r Rulebook,
    profile: &'r Profile,
    parts: Parts,
    found: Vec<Found>,
    /// RFC 3339 instants, read as a log's timestamps are (the date of the
    /// record before remembered).
    timestamps: TimestampReader,
    /// The keys every record's publication has (`Keys::text`), written
    /// once at the start of its side buffer.
    keys: Keys,
}

/// The names of the fields a profile gives, one after another, and where
/// each is: the fields' in the profile's order, then `kind`,
/// `first_published` and `end`.
struct Keys {
    text: String,
    fields: Vec<Range<usize>>,
    kind: Range<usize>,
    first_published: Range<usize>,
    end: Range<usize>,
}

impl Keys {
    fn of(profile: &Profile) -> Keys {
        let mut text = String::new();
        let mut add = |key: &str| {
            let start = text.len();
            text.push_str(key);
            start..text.len()
        };
        let fields = profile.fields.iter().map(|m| add(&m.target)).collect();
        let kind = add("kind");
        let first_published = add("first_published");
        let end = add("end");
        Keys {
            text,
            fields,
            kind,
            first_published,
            end,
        }
    }
}

impl<'r> Mapper<'r> {
    pub(crate) fn new(rulebook: &'r Rulebook, profile: &'r Profile) -> Self {
        Mapper {
            rulebook,
            profile,
            parts: Parts::default(),
            found: Vec::new(),
            timestamps: TimestampReader::default(),
            keys: Keys::of(profile),
        }
    }

    /// The publication `record` (read from `text`) is.
    pub(crate) fn read<'s>(
        &'s mut self,
        text: &'s str,
        record: &dyn Record,
    ) -> Result<Publication<'s>, LineError> {
        let profile = self.profile;
        let end = text.trim_end().len();
        self.parts.fields.clear();
        self.parts.side.clear();
        self.parts.side.push_str(&self.keys.text);
        self.parts.kind_how = None;
        self.parts.severity_cap = None;
        let (stamp, timestamp_span) = self.instant(text, record, &profile.timestamp, end)?;
        for (index, mapping) in profile.fields.iter().enumerate() {
            self.field(text, record, index, &mapping.from, end)?;
        }
        let instants = [
            (
                &profile.first_published,
                self.keys.first_published.clone(),
                LineErrorKind::FirstPublished,
            ),
            (&profile.end, self.keys.end.clone(), LineErrorKind::End),
        ];
        for (instant, key, mistake) in instants {
            let Some(instant) = instant else { continue };
            if let Some((stamp, span)) = self.optional_instant(text, record, instant, mistake)? {
                // `meaning` reads the instant as a log writes it.
                let start = self.parts.side.len();
                let written = stamp
                    .instant
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                self.parts.side.push_str(&written);
                let value = Value::Side(start..self.parts.side.len());
                push(&mut self.parts, Value::Side(key), value, span);
            }
        }
        self.kind(text, record, end)?;
        // A record of printable ASCII holds no control character: only the
        // values written elsewhere (unescaped, mapped) are looked at then.
        let plain = crate::source::printable_ascii(text.as_bytes());
        for field in &self.parts.fields {
            if plain && matches!(field.value, Value::Text(_)) {
                continue;
            }
            reject_control_characters(field.value.get(text, &self.parts.side), &field.written)?;
        }
        meaning::resolve(
            self.rulebook,
            text,
            &mut self.parts,
            stamp,
            timestamp_span,
            end,
        )?;
        Ok(Publication::new(text, Cow::Borrowed(&self.parts)))
    }

    /// The instant in `field`, read by `read`; the record is invalid without it.
    fn instant(
        &mut self,
        text: &str,
        record: &dyn Record,
        instant: &super::profile::Instant,
        end: usize,
    ) -> Result<(Timestamp, Span), LineError> {
        let field = instant.field.as_str();
        self.lookup(record, field)?;
        let Some(found) = self.found.first() else {
            return Err(missing(field, "the timestamp", end));
        };
        let span = Span::new(found.written.start, found.written.len());
        let value = found.value.get(text, &self.parts.side);
        let stamp = match &instant.form {
            TimeForm::Rfc3339 => self.timestamps.read(value),
            form => form.read(value),
        };
        let stamp = stamp.map_err(|e| {
            LineError::new(
                LineErrorKind::Timestamp,
                span,
                format!("`{field}`: {}", e.message),
            )
        })?;
        Ok((stamp, span))
    }

    /// The instant in `instant`'s field, if the record has it; one that
    /// cannot be read is a `mistake` (`first_published`'s, `end`'s).
    fn optional_instant(
        &mut self,
        text: &str,
        record: &dyn Record,
        instant: &super::profile::Instant,
        mistake: LineErrorKind,
    ) -> Result<Option<(Timestamp, Range<usize>)>, LineError> {
        self.lookup(record, &instant.field)?;
        let Some(found) = self.found.first() else {
            return Ok(None);
        };
        let written = found.written.clone();
        let value = found.value.get(text, &self.parts.side);
        let stamp = instant.form.read(value).map_err(|e| {
            LineError::new(
                mistake,
                Span::new(written.start, written.len()),
                format!("`{}`: {}", instant.field, e.message),
            )
        })?;
        Ok(Some((stamp, written)))
    }

    /// The values of `field`, into `self.found`.
    fn lookup(&mut self, record: &dyn Record, field: &str) -> Result<(), LineError> {
        self.found.clear();
        record.values(field, &mut self.parts.side, &mut self.found)
    }

    /// Adds the publication's field `target` from `from`.
    fn field(
        &mut self,
        text: &str,
        record: &dyn Record,
        index: usize,
        from: &From,
        end: usize,
    ) -> Result<(), LineError> {
        let target = &self.profile.fields[index].target;
        let list = target == "region" || target == "tags";
        match self.value(text, record, from, list)? {
            Some((value, written)) => {
                let key = Value::Side(self.keys.fields[index].clone());
                push(&mut self.parts, key, value, written);
            }
            None => {
                if let From::Field {
                    field,
                    optional: false,
                    ..
                } = from
                {
                    return Err(missing(field, &format!("`{target}`"), end));
                }
            }
        }
        Ok(())
    }

    /// The value `from` gives this record, and where it is written: `None`
    /// when the record has no such field. With `list`, every value, joined
    /// with commas (as a log writes a list).
    fn value(
        &mut self,
        text: &str,
        record: &dyn Record,
        from: &From,
        list: bool,
    ) -> Result<Option<(Value, Range<usize>)>, LineError> {
        let (field, map, default) = match from {
            From::Value(constant) => {
                let value = side(&mut self.parts.side, constant);
                return Ok(Some((value, 0..0)));
            }
            From::Field {
                field,
                map,
                default,
                ..
            } => (field, map, default),
        };
        self.lookup(record, field)?;
        let mapped = |value: &str| map.iter().find(|(from, _)| from == value).map(|(_, to)| to);
        if list {
            let Some(first) = self.found.first() else {
                return Ok(default
                    .as_ref()
                    .map(|d| (side(&mut self.parts.side, d), 0..0)));
            };
            let written = first.written.start..self.found.last().map_or(0, |f| f.written.end);
            if self.found.len() == 1 && map.is_empty() {
                return Ok(Some((first.value.clone(), first.written.clone())));
            }
            let mut joined = String::new();
            for found in &self.found {
                let value = found.value.get(text, &self.parts.side);
                // With a map, a value it does not name becomes the default,
                // if there is one (as a single value does).
                let value = match (mapped(value), default) {
                    (Some(to), _) => to.as_str(),
                    (None, Some(default)) if !map.is_empty() => default.as_str(),
                    (None, _) => value,
                };
                if !joined.is_empty() {
                    joined.push(',');
                }
                joined.push_str(value);
            }
            return Ok(Some((side(&mut self.parts.side, &joined), written)));
        }
        // One value: the first the map maps, or else the first (or the
        // default, with a map).
        let side_text = &self.parts.side;
        let hit = self.found.iter().find_map(|found| {
            mapped(found.value.get(text, side_text)).map(|to| (to.clone(), found.written.clone()))
        });
        if let Some((to, written)) = hit {
            return Ok(Some((side(&mut self.parts.side, &to), written)));
        }
        match (self.found.first(), default) {
            (Some(found), Some(default)) if !map.is_empty() => {
                let written = found.written.clone();
                Ok(Some((side(&mut self.parts.side, default), written)))
            }
            (Some(found), _) => Ok(Some((found.value.clone(), found.written.clone()))),
            (None, Some(default)) => Ok(Some((side(&mut self.parts.side, default), 0..0))),
            (None, None) => Ok(None),
        }
    }

    /// Does `from` give this record its kind? With `optional: true`, a map
    /// and a classification, only a value the map names does: the others
    /// (a section the profile does not know) are classified.
    fn gives_kind(
        &mut self,
        text: &str,
        record: &dyn Record,
        from: &From,
        classified: bool,
    ) -> Result<bool, LineError> {
        let From::Field {
            field,
            map,
            optional: true,
            ..
        } = from
        else {
            return Ok(true);
        };
        if map.is_empty() || !classified {
            return Ok(true);
        }
        self.lookup(record, field)?;
        let side = &self.parts.side;
        Ok(self.found.iter().any(|found| {
            let value = found.value.get(text, side);
            map.iter().any(|(from, _)| from == value)
        }))
    }

    /// The record's kind: from its field, else by classification.
    fn kind(&mut self, text: &str, record: &dyn Record, end: usize) -> Result<(), LineError> {
        let kind = &self.profile.kind;
        if let Some(from) = &kind.from
            && self.gives_kind(text, record, from, kind.classify.is_some())?
            && let Some((value, written)) = self.value(text, record, from, false)?
        {
            let key = Value::Side(self.keys.kind.clone());
            push(&mut self.parts, key, value, written);
            return Ok(());
        }
        let Some(classifier) = &kind.classify else {
            let field = match &kind.from {
                Some(From::Field { field, .. }) => field.as_str(),
                _ => "kind",
            };
            return Err(missing(field, "the kind", end));
        };
        let mut buffer = std::mem::take(&mut self.parts.side);
        let mut found = Vec::new();
        let mut failed = None;
        let decision = classifier.classify(|field| {
            found.clear();
            if let Err(error) = record.values(field, &mut buffer, &mut found) {
                failed.get_or_insert(error);
            }
            found
                .iter()
                .map(|f| Cow::Owned(f.value.get(text, &buffer).to_string()))
                .collect()
        });
        self.parts.side = buffer;
        if let Some(error) = failed {
            return Err(error);
        }
        let Some(decision) = decision else {
            let over = classifier.over.join("`, `");
            return Err(LineError::new(
                LineErrorKind::NoKind,
                Span::new(0, end),
                "no classification rule matched this record, and the profile gives no default kind",
            )
            .with_help(format!(
                "the rules look at `{over}`; add a `default` kind to the profile's `classify`, or a rule that matches"
            )));
        };
        let value = side(&mut self.parts.side, &decision.kind);
        let key = Value::Side(self.keys.kind.clone());
        push(&mut self.parts, key, value, 0..0);
        let start = self.parts.side.len();
        self.parts.side.push_str(&decision.how);
        self.parts.kind_how = Some(start..self.parts.side.len());
        self.parts.severity_cap = classifier.severity;
        Ok(())
    }
}

/// A control character in a value is binary data or a broken export, as
/// in a log line, and the record is invalid rather than checked on a
/// guess; line breaks and tabs are text that JSON and CSV may hold (a
/// title over two lines).
fn reject_control_characters(value: &str, written: &Range<usize>) -> Result<(), LineError> {
    let Some((_, c)) = super::first_control(value, true) else {
        return Ok(());
    };
    Err(LineError::new(
        LineErrorKind::ControlCharacter,
        Span::new(written.start, written.len()),
        format!("a control character (U+{:04X}) in this value", u32::from(c)),
    )
    .with_help("a value holds text: an export that writes control characters into it is broken, or holds binary data"))
}

/// Adds a field whose key the profile gives.
fn push(parts: &mut Parts, key: Value, value: Value, written: Range<usize>) {
    parts.fields.push(FieldAt {
        key,
        value,
        written,
        quoted: false,
    });
}

/// `text`, added to the side buffer.
fn side(buffer: &mut String, text: &str) -> Value {
    let start = buffer.len();
    buffer.push_str(text);
    Value::Side(start..buffer.len())
}

/// A record without `field`, which the profile maps to `what`.
fn missing(field: &str, what: &str, end: usize) -> LineError {
    LineError::new(
        LineErrorKind::MissingMapped,
        Span::new(0, end),
        format!("this record has no `{field}`, which the profile reads as {what}"),
    )
    .with_help(
        "check the profile's field names against the source; a field that some records lack can be marked `optional: true` or given a `default`",
    )
}
