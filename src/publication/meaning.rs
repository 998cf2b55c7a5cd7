//! What a record's fields mean under a rulebook, whatever syntax they were
//! read from: the kind, channel and regions it declares, the well-known
//! fields, `first_published` and `end`; and every mistake, explained. The log reader
//! and the readers of structured sources (through a profile) both end here,
//! so that a record means the same in any syntax.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{FieldAt, Known, LineError, LineErrorKind, Parts, Spans, key_bit, list};
use crate::rulebook::{ChannelId, KindId, Rulebook};
use crate::source::{Span, char_column, did_you_mean};
use crate::time::{Timestamp, parse_timestamp};

/// Above this many fields, duplicate keys are found with a map: a line of a
/// million bytes may hold a hundred thousand fields.
const FEW_FIELDS: usize = 16;

/// Gives `parts.fields`, read from `text`, their meaning, and completes
/// `parts` with the record's `stamp` (written at `timestamp`); `end` is the
/// end of the record's content, where a missing field would go. `add` is how
/// the record's syntax writes a field, for the help of a missing one.
pub(crate) fn resolve(
    rulebook: &Rulebook,
    text: &str,
    parts: &mut Parts,
    stamp: Timestamp,
    timestamp: Span,
    end: usize,
) -> Result<(), LineError> {
    let mut meaning = Meaning::default();
    let mut seen = Seen::default();
    let Parts {
        fields,
        side,
        regions,
        ..
    } = parts;
    for index in 0..fields.len() {
        take(
            rulebook,
            text,
            side,
            fields,
            index,
            regions,
            &mut meaning,
            &mut seen,
        )?;
    }
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
    if let Some((end, span)) = meaning.end
        && end <= stamp.instant
    {
        return Err(LineError::new(
            LineErrorKind::End,
            span,
            "end is not after the publication's own timestamp",
        )
        .with_help(
            "a publication that lasts goes out from its timestamp until its end, which comes after it; one that goes out at an instant has no `end`",
        ));
    }
    parts.instant = stamp.instant;
    parts.zone = stamp.zone;
    parts.kind = kind;
    parts.channel = meaning.channel;
    if !meaning.regions_given {
        parts.regions.clear();
        parts.regions.push(rulebook.default_region);
    }
    parts.first_published = meaning.first_published.map(|(instant, _)| instant);
    parts.end = meaning.end.map(|(instant, _)| instant);
    parts.known = meaning.known;
    parts.keys = seen.bits;
    parts.spans = Spans {
        timestamp,
        kind: kind_span,
        end,
    };
    Ok(())
}

/// Where a field's key is written: the key itself in a log line; the value
/// for a key a profile gives (the record does not write it).
fn key_span(field: &FieldAt) -> Span {
    match &field.key {
        super::Value::Text(range) => Span::new(range.start, range.len()),
        super::Value::Side(_) => Span::new(field.written.start, field.written.len()),
    }
}

/// Gives field `index` its meaning.
#[allow(clippy::too_many_arguments)]
fn take<'l>(
    rulebook: &Rulebook,
    text: &'l str,
    side: &'l str,
    fields: &[FieldAt],
    index: usize,
    regions_found: &mut Vec<usize>,
    meaning: &mut Meaning,
    seen: &mut Seen<'l>,
) -> Result<(), LineError> {
    let field = &fields[index];
    let key = field.key.get(text, side);
    if let Some(first) = earlier(fields, text, side, index, seen) {
        let column = char_column(text, first);
        return Err(LineError::new(
            LineErrorKind::DuplicateKey,
            key_span(field),
            format!("duplicate key `{key}`"),
        )
        .with_help(format!(
            "`{key}` is already given at column {column}: keep one"
        )));
    }
    let value = field.value.get(text, side);
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
            regions(text, field, value, rulebook, regions_found)?;
            meaning.regions_given = true;
        }
        "id" => meaning.known.id = at,
        "title" => meaning.known.title = at,
        "url" => meaning.known.url = at,
        "tags" => meaning.known.tags = at,
        "first_published" => {
            let instant = instant(text, field, key, value, LineErrorKind::FirstPublished)?;
            meaning.first_published = Some((instant, value_span));
        }
        "end" => {
            let instant = instant(text, field, key, value, LineErrorKind::End)?;
            meaning.end = Some((instant, value_span));
        }
        _ => {}
    }
    Ok(())
}

/// The instant field `key` holds (`first_published`, `end`), written as a
/// line's timestamp is; one that cannot be read is a `mistake`.
fn instant(
    text: &str,
    field: &FieldAt,
    key: &str,
    value: &str,
    mistake: LineErrorKind,
) -> Result<DateTime<Utc>, LineError> {
    parse_timestamp(value)
        .map(|stamp| stamp.instant)
        .map_err(|e| {
            let span = span_in_value(text, field, e.span.offset, e.span.len);
            LineError::new(mistake, span, format!("{key}: {}", e.message))
        })
}

/// The keys of a record read so far, to find one given twice: a set of bits
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
    text: &'l str,
    side: &'l str,
    index: usize,
    seen: &mut Seen<'l>,
) -> Option<usize> {
    let key = fields[index].key.get(text, side);
    let bit = key_bit(key.as_bytes());
    let maybe = seen.bits & bit != 0;
    seen.bits |= bit;
    if index < FEW_FIELDS {
        if !maybe {
            return None;
        }
        let earlier = fields[..index]
            .iter()
            .find(|f| f.key.get(text, side) == key);
        return earlier.map(|f| key_span(f).offset);
    }
    let map = seen.map.get_or_insert_with(|| {
        let earlier = fields[..index].iter();
        earlier
            .map(|f| (f.key.get(text, side), key_span(f).offset))
            .collect()
    });
    match map.get(key) {
        Some(&first) => Some(first),
        None => {
            map.insert(key, key_span(&fields[index]).offset);
            None
        }
    }
}

/// What the fields of a record mean, as they are read.
#[derive(Default)]
struct Meaning {
    known: Known,
    kind: Option<KindId>,
    kind_span: Option<Span>,
    channel: Option<ChannelId>,
    regions_given: bool,
    first_published: Option<(DateTime<Utc>, Span)>,
    end: Option<(DateTime<Utc>, Span)>,
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
