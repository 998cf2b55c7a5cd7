//! scrutin's log syntax → `Publication`: the lexer finds the pieces, this
//! module gives them their meaning against a rulebook's vocabulary (kinds,
//! channels, regions) and explains every mistake.

mod lexer;

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{FieldAt, Known, LineError, LineErrorKind, Parts, Publication, Value, key_bit, list};
use crate::rulebook::{ChannelId, KindId, Rulebook};
use crate::source::{Span, char_column, did_you_mean, printable_ascii};
use crate::syntax::SyntaxError;
use crate::time::{TimestampReader, parse_timestamp};

/// Is the line blank or a `#` comment? Such lines are skipped, not checked.
pub fn is_skipped(line: &str) -> bool {
    let line = line.trim_start();
    line.is_empty() || line.starts_with('#')
}

/// Reads lines of the log syntax under one rulebook, keeping its buffers
/// (and the date of the last timestamp) from line to line.
pub struct LogReader<'r> {
    rulebook: &'r Rulebook,
    timestamps: TimestampReader,
    parts: Parts,
}

/// Above this many fields, duplicate keys are found with a map: a line of a
/// million bytes may hold a hundred thousand fields.
const FEW_FIELDS: usize = 16;

const HELP: &str = "a line is a timestamp followed by key=value fields, such as: 2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=poll";

impl<'r> LogReader<'r> {
    pub fn new(rulebook: &'r Rulebook) -> Self {
        LogReader {
            rulebook,
            timestamps: TimestampReader::default(),
            parts: Parts::default(),
        }
    }

    /// Reads a (non-blank, non-comment) line as a publication.
    pub fn read<'s>(&'s mut self, line: &'s str) -> Result<Publication<'s>, LineError> {
        reject_control_characters(line)?;
        let parts = &mut self.parts;
        parts.fields.clear();
        parts.unescaped.clear();
        let timestamp =
            lexer::line(line, &mut parts.fields, &mut parts.unescaped).map_err(|e| {
                LineError::new(LineErrorKind::Syntax, Span::new(e.offset, e.len), e.message)
                    .with_help(HELP)
            })?;
        let timestamp_span = Span::new(timestamp.start, timestamp.len());
        let stamp = self.timestamps.read(&line[timestamp]).map_err(|e| {
            let span = timestamp_span.sub(e.span.offset, e.span.len);
            LineError::new(LineErrorKind::Timestamp, span, e.message)
        })?;
        let mut meaning = Meaning::default();
        let mut seen = Seen::default();
        for index in 0..self.parts.fields.len() {
            self.take(line, index, &mut meaning, &mut seen)?;
        }
        let parts = &mut self.parts;
        let end = line.trim_end().len();
        let missing = |key: &str| {
            LineError::new(
                LineErrorKind::MissingField,
                Span::new(0, end),
                format!("missing `{key}`"),
            )
            .with_help(format!(
                "every publication needs `outlet` and `kind`; add {key}=…"
            ))
        };
        if meaning.known.outlet.is_none() {
            return Err(missing("outlet"));
        }
        let (Some(kind), Some(kind_span)) = (meaning.kind, meaning.kind_span) else {
            return Err(missing("kind"));
        };
        if let Some((first, span)) = meaning.first_published
            && first > stamp.instant
        {
            return Err(LineError::new(
                LineErrorKind::FirstPublished,
                span,
                "first_published is later than the publication's own timestamp",
            ));
        }
        parts.instant = stamp.instant;
        parts.zone = stamp.zone;
        parts.kind = kind;
        parts.channel = meaning.channel;
        if !meaning.regions_given {
            parts.regions.clear();
            parts.regions.push(self.rulebook.default_region);
        }
        parts.first_published = meaning.first_published.map(|(instant, _)| instant);
        parts.known = meaning.known;
        parts.keys = seen.bits;
        parts.spans = super::Spans {
            timestamp: timestamp_span,
            kind: kind_span,
            end,
        };
        Ok(Publication::new(line, Cow::Borrowed(&self.parts)))
    }

    /// Gives field `index` its meaning.
    fn take<'l>(
        &mut self,
        line: &'l str,
        index: usize,
        meaning: &mut Meaning,
        seen: &mut Seen<'l>,
    ) -> Result<(), LineError> {
        let rulebook = self.rulebook;
        let field = &self.parts.fields[index];
        let key = &line[field.key.clone()];
        let key_span = Span::new(field.key.start, field.key.len());
        if let Some(first) = earlier(&self.parts.fields, line, index, seen) {
            let column = char_column(line, first);
            return Err(LineError::new(
                LineErrorKind::DuplicateKey,
                key_span,
                format!("duplicate key `{key}`"),
            )
            .with_help(format!(
                "`{key}` is already given at column {column}: keep one"
            )));
        }
        let value = match &field.value {
            Value::Text(range) => &line[range.clone()],
            Value::Unescaped(range) => &self.parts.unescaped[range.clone()],
        };
        let value_span = Span::new(field.written.start, field.written.len());
        let at = Some(index as u32);
        match key {
            "outlet" => {
                // Most outlets start with a printable ASCII character, which
                // no trimming removes; any other is looked at whole.
                let plain = value.bytes().next().is_some_and(|b| b.is_ascii_graphic());
                if !plain && value.trim().is_empty() {
                    return Err(LineError::new(
                        LineErrorKind::EmptyValue,
                        value_span,
                        "`outlet` is empty",
                    ));
                }
                meaning.known.outlet = at;
            }
            "kind" => {
                let kinds = rulebook.kinds.iter().map(|k| k.id.as_str());
                let kind = known(value, value_span, "kind", kinds)?;
                meaning.kind = Some(KindId(kind));
                meaning.kind_span = Some(value_span);
                meaning.known.kind = at;
            }
            "channel" => {
                let channels = rulebook.channels.iter().map(|c| c.id.as_str());
                let channel = known(value, value_span, "channel", channels)?;
                meaning.channel = Some(ChannelId(channel));
                meaning.known.channel = at;
            }
            "region" => {
                regions(line, field, value, rulebook, &mut self.parts.regions)?;
                meaning.regions_given = true;
            }
            "id" => meaning.known.id = at,
            "title" => meaning.known.title = at,
            "url" => meaning.known.url = at,
            "tags" => meaning.known.tags = at,
            "first_published" => {
                let stamp = parse_timestamp(value).map_err(|e| {
                    let span = span_in_value(line, field, e.span.offset, e.span.len);
                    let message = format!("first_published: {}", e.message);
                    LineError::new(LineErrorKind::FirstPublished, span, message)
                })?;
                meaning.first_published = Some((stamp.instant, value_span));
            }
            _ => {}
        }
        Ok(())
    }
}

/// The keys of a line read so far, to find one given twice: a set of bits
/// that says "maybe seen" (a key is compared only when its bit is set; the
/// set is kept with the publication, for the index), and past the first
/// few fields, a map.
#[derive(Default)]
struct Seen<'l> {
    bits: u64,
    map: Option<HashMap<&'l str, usize>>,
}

/// Where the key of field `index` was given before, if it was.
fn earlier<'l>(
    fields: &[FieldAt],
    line: &'l str,
    index: usize,
    seen: &mut Seen<'l>,
) -> Option<usize> {
    let key = &line[fields[index].key.clone()];
    let bit = key_bit(key.as_bytes());
    let maybe = seen.bits & bit != 0;
    seen.bits |= bit;
    if index < FEW_FIELDS {
        if !maybe {
            return None;
        }
        let earlier = fields[..index].iter().find(|f| &line[f.key.clone()] == key);
        return earlier.map(|f| f.key.start);
    }
    let map = seen.map.get_or_insert_with(|| {
        let earlier = fields[..index].iter();
        earlier
            .map(|f| (&line[f.key.clone()], f.key.start))
            .collect()
    });
    match map.get(key) {
        Some(&first) => Some(first),
        None => {
            map.insert(key, fields[index].key.start);
            None
        }
    }
}

/// What the fields of a line mean, as they are read.
#[derive(Default)]
struct Meaning {
    known: Known,
    kind: Option<KindId>,
    kind_span: Option<Span>,
    channel: Option<ChannelId>,
    regions_given: bool,
    first_published: Option<(DateTime<Utc>, Span)>,
}

/// A control character in a line is binary or a broken export, never data:
/// the line is invalid rather than checked on a guess. Tabs separate fields.
fn reject_control_characters(line: &str) -> Result<(), LineError> {
    if printable_ascii(line.as_bytes()) {
        return Ok(());
    }
    let Some((offset, c)) = line
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t')
    else {
        return Ok(());
    };
    let span = Span::new(offset, c.len_utf8());
    let kind = LineErrorKind::ControlCharacter;
    let error = match c {
        '\r' => LineError::new(kind, span, "a carriage return in the middle of a line")
            .with_help("lines end with \\n or \\r\\n; a file from an old Mac ends lines with \\r alone: convert it first"),
        '\0' => LineError::new(kind, span, "a NUL byte: this line holds binary data"),
        c => LineError::new(kind, span, format!("a control character (U+{:04X})", u32::from(c))),
    };
    Err(error)
}

/// The index of `value` among the rulebook's declared terms.
fn known<'a>(
    value: &str,
    span: Span,
    what: &str,
    declared: impl Iterator<Item = &'a str> + Clone,
) -> Result<usize, LineError> {
    match declared.clone().position(|id| id == value) {
        Some(index) => Ok(index),
        None => Err(unknown(span, value, what, declared)),
    }
}

fn unknown<'a>(
    span: Span,
    value: &str,
    what: &str,
    declared: impl Iterator<Item = &'a str> + Clone,
) -> LineError {
    let list = declared.clone().collect::<Vec<_>>().join(", ");
    let help = match did_you_mean(value, declared) {
        Some(near) => format!("did you mean `{near}`? the rulebook declares: {list}"),
        None => format!("the rulebook declares: {list}"),
    };
    let message = format!("unknown {what} `{value}`");
    LineError::new(LineErrorKind::UnknownTerm, span, message).with_help(help)
}

/// A region the rulebook does not declare: the region that covers it (a
/// province named for its time-zone group), or else the nearest declared one.
fn unknown_region(span: Span, id: &str, rulebook: &Rulebook) -> LineError {
    let (Some(region), Some(note)) = (rulebook.covering_region(id), rulebook.covered_note(id))
    else {
        let declared = rulebook.regions.iter().map(|r| r.id.as_str());
        return unknown(span, id, "region", declared);
    };
    let message = format!("unknown region `{id}`; {note}");
    LineError::new(LineErrorKind::UnknownTerm, span, message).with_help(format!(
        "a log names the region a publication is received in, not a place inside it: write region={}",
        region.id
    ))
}

fn regions(
    line: &str,
    field: &FieldAt,
    value: &str,
    rulebook: &Rulebook,
    regions: &mut Vec<usize>,
) -> Result<(), LineError> {
    regions.clear();
    // Most lines name one region, plainly.
    if !value
        .bytes()
        .any(|b| b == b',' || b == b' ' || b == b'\t' || !b.is_ascii())
        && let Some(region) = rulebook.region_index(value)
    {
        regions.push(region);
        return Ok(());
    }
    for (id, offset) in list(value) {
        let Some(region) = rulebook.region_index(id) else {
            let span = span_in_value(line, field, offset, id.len());
            return Err(unknown_region(span, id, rulebook));
        };
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if regions.is_empty() {
        let span = Span::new(field.written.start, field.written.len());
        let message = "`region` names no region";
        return Err(LineError::new(LineErrorKind::EmptyValue, span, message));
    }
    Ok(())
}

/// Where `len` bytes at `offset` of a field's (unescaped) value are written
/// in the line. An escape is two bytes as written for one in the value, so
/// an offset into the value is not an offset into the line: measuring a span
/// with the value's lengths ends it early, even inside a character.
fn span_in_value(line: &str, field: &FieldAt, offset: usize, len: usize) -> Span {
    let written = &line[field.written.clone()];
    let start = written_offset(written, field.quoted, offset);
    let end = written_offset(written, field.quoted, offset.saturating_add(len));
    Span::new(field.written.start + start, end - start)
}

/// The offset in `written` of the character that gives the value's byte
/// `value_offset` (its escape's backslash included), or the end of the
/// value as written.
fn written_offset(written: &str, quoted: bool, value_offset: usize) -> usize {
    let body = match written.strip_prefix('"') {
        Some(body) if quoted => body.strip_suffix('"').unwrap_or(body),
        _ => return value_offset.min(written.len()),
    };
    let mut value = 0;
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        if value >= value_offset {
            return 1 + at;
        }
        let c = match c {
            '\\' => chars.next().map_or(c, |(_, escaped)| escaped),
            c => c,
        };
        value += c.len_utf8();
    }
    1 + body.len()
}

/// The `key=value` fields from byte `from` of `line` to its end, as a waiver
/// directive writes them after its rule: each key and its value, unescaped.
pub fn fields(line: &str, from: usize) -> Result<Vec<(&str, Cow<'_, str>)>, SyntaxError> {
    let (mut fields, mut unescaped) = (Vec::new(), String::new());
    lexer::fields(line, from, &mut fields, &mut unescaped)?;
    let value = |field: &FieldAt| match &field.value {
        Value::Text(range) => Cow::Borrowed(&line[range.clone()]),
        Value::Unescaped(range) => Cow::Owned(unescaped[range.clone()].to_string()),
    };
    Ok(fields
        .iter()
        .map(|field| (&line[field.key.clone()], value(field)))
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::field::FIELDS;

    fn rulebook() -> Rulebook {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        crate::rulebook::load(path.as_ref()).unwrap()
    }

    fn read<'a>(line: &'a str, rulebook: &Rulebook) -> Result<Publication<'a>, LineError> {
        crate::publication::read(line, rulebook)
    }

    fn error(line: &str) -> (String, LineError) {
        let e = read(line, &rulebook()).unwrap_err();
        (line[e.span.offset..e.span.end()].to_string(), e)
    }

    #[test]
    fn well_known_fields_and_attributes() {
        let rulebook = rulebook();
        let line = r#"2017-05-06T09:30:00+02:00 outlet=lemonde.fr channel=web kind=poll region=guadeloupe,metropole title="Sondage" tags=a,,b first_published=2017-05-05T10:00:00Z pollster=Ipsos"#;
        let p = read(line, &rulebook).unwrap();
        assert_eq!(
            p.instant(),
            "2017-05-06T07:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!((p.outlet(), p.kind()), ("lemonde.fr", "poll"));
        assert_eq!(p.channel(), Some("web"));
        let regions: Vec<&str> = p
            .regions()
            .iter()
            .map(|&r| rulebook.regions[r].id.as_str())
            .collect();
        assert_eq!(regions, ["guadeloupe", "metropole"]);
        assert_eq!(p.tags().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(p.field("pollster"), Some("Ipsos"));
        assert_eq!(p.title(), Some("Sondage"));
        let kind = p.spans().kind;
        assert_eq!(&line[kind.offset..kind.end()], "poll");
    }

    #[test]
    fn the_listed_fields_are_those_read_by_name() {
        let rulebook = rulebook();
        let values = |key: &str| match key {
            "kind" => "poll",
            "channel" => "web",
            "region" => "metropole",
            "first_published" => "2017-05-05T10:00:00Z",
            _ => "x",
        };
        let line = FIELDS
            .iter()
            .fold("2017-05-06T09:30:00Z".to_string(), |line, f| {
                format!("{line} {}={}", f.key, values(f.key))
            });
        let p = read(&line, &rulebook).unwrap();
        assert_eq!(p.attributes().count(), 0);
        // The two required fields are the two a line cannot go without.
        for field in FIELDS.iter().filter(|f| f.required) {
            let without = line.replace(&format!(" {}={}", field.key, values(field.key)), "");
            let e = read(&without, &rulebook).unwrap_err();
            assert_eq!(e.message, format!("missing `{}`", field.key));
        }
        let with_pollster = format!("{line} pollster=Ipsos");
        let p = read(&with_pollster, &rulebook).unwrap();
        assert_eq!(p.attributes().collect::<Vec<_>>(), [("pollster", "Ipsos")]);
    }

    #[test]
    fn the_default_region_applies_when_none_is_given() {
        let rulebook = rulebook();
        let p = read("2017-05-06T09:30:00Z outlet=a kind=news", &rulebook).unwrap();
        assert_eq!(p.regions(), [rulebook.default_region]);
    }

    #[test]
    fn undeclared_vocabulary_is_located_with_a_suggestion() {
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a kind=pol");
        assert_eq!(at, "pol");
        assert!(e.help.unwrap().starts_with("did you mean `poll`?"));
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a kind=news region=metropole,guadelupe");
        assert_eq!(at, "guadelupe");
        assert!(e.help.unwrap().starts_with("did you mean `guadeloupe`?"));
        let (at, _) =
            error(r#"2017-05-06T09:30:00Z outlet=a kind=news region="metropole, guadelupe""#);
        assert_eq!(at, "guadelupe");
        // Escapes are two bytes as written for one in the value: the span
        // covers them all, and never ends inside a character.
        let (at, _) = error(r#"2017-05-06T09:30:00Z outlet=a kind=news region="\"\"…,metropole""#);
        assert_eq!(at, r#"\"\"…"#);
        let (at, _) = error(r#"2017-05-07T20:00+02:15 region="m\\Ƞ""#);
        assert_eq!(at, r"m\\Ƞ");
        let (at, _) = error("2017-05-06T09:30:00Z outlet=a kind=news channel=telex");
        assert_eq!(at, "telex");
    }

    #[test]
    fn required_and_duplicate_keys() {
        let (_, e) = error("2017-05-06T09:30:00Z outlet=a");
        assert_eq!(e.message, "missing `kind`");
        let (_, e) = error("2017-05-06T09:30:00Z kind=news");
        assert_eq!(e.message, "missing `outlet`");
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a kind=news outlet=b");
        assert_eq!(
            (at.as_str(), e.message.as_str()),
            ("outlet", "duplicate key `outlet`")
        );
        let (_, e) = error("2017-05-06T09:30:00Z outlet=\"\u{a0}\" kind=news");
        assert_eq!(
            e.message, "`outlet` is empty",
            "whitespace beyond ASCII is blank too"
        );
        let (_, e) = error("2017-05-06T09:30:00Z outlet=\"\u{3000}\" kind=news");
        assert_eq!(e.message, "`outlet` is empty");
        let (at, _) = error(r#"2017-05-06T09:30:00Z outlet="" kind=news"#);
        assert_eq!(at, r#""""#);
    }

    /// Past sixteen fields, keys are found twice with a map: the same answer.
    #[test]
    fn a_key_given_twice_among_many_fields() {
        let mut line = "2017-05-06T09:30:00Z outlet=a kind=news".to_string();
        for n in 0..40 {
            line.push_str(&format!(" x{n}=v"));
        }
        assert!(read(&line, &rulebook()).is_ok());
        let twice = format!("{line} x7=w");
        let (at, e) = error(&twice);
        assert_eq!(
            (at.as_str(), e.message.as_str()),
            ("x7", "duplicate key `x7`")
        );
        assert_eq!(e.kind, LineErrorKind::DuplicateKey);
    }

    #[test]
    fn control_characters_make_a_line_invalid() {
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a\0b kind=news");
        assert_eq!(
            (at.as_str(), e.message.as_str()),
            ("\0", "a NUL byte: this line holds binary data")
        );
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a\rkind=news");
        assert_eq!(at, "\r");
        assert!(e.message.contains("carriage return"));
        let (_, e) = error("2017-05-06T09:30:00Z title=\"\u{1b}[2J\" outlet=a kind=news");
        assert_eq!(e.message, "a control character (U+001B)");
        // A tab separates fields.
        assert!(read("2017-05-06T09:30:00Z\toutlet=a\tkind=news", &rulebook()).is_ok());
    }

    #[test]
    fn timestamp_errors_point_into_the_timestamp() {
        let (at, e) = error("2017-05-06T09:30:00+01:00[Europe/Paris] outlet=a kind=news");
        assert_eq!(at, "+01:00");
        assert!(e.message.contains("disagrees"));
        let (at, e) =
            error("2017-05-06T09:30:00Z outlet=a kind=news first_published=2017-05-07T00:00:00Z");
        assert_eq!(at, "2017-05-07T00:00:00Z");
        assert!(e.message.contains("later than"));
        let (at, _) =
            error("2017-05-06T09:30:00Z outlet=a kind=news first_published=2017-13-01T00:00:00Z");
        assert_eq!(at, "2017-13-01");
        let (at, _) = error(
            r#"2017-05-06T09:30:00Z outlet=a kind=news first_published="2017-13-01T00:00:00Z""#,
        );
        assert_eq!(at, "2017-13-01");
    }
}
