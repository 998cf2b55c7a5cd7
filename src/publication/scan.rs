//! A line read in place, for the hot path of large logs.
//!
//! `read` builds a `Publication`: it copies every value and explains every
//! mistake. Most lines of a campaign's log are ordinary and break no rule;
//! for them that work is wasted. `Scanner::scan` reads a line without
//! allocating and says either what it holds (`Scan::Publication`), that it is
//! a plain blank or comment line (`Scan::Skipped`), or that it needs `read`
//! (`Scan::Unsure`): anything unusual, from an escape in a quoted value to an
//! unknown kind or a waiver directive. It never decides that a line is valid
//! when `read` would reject it: `tests/fast_path.rs` checks the two agree.

use std::ops::Range;

use chrono::{DateTime, Utc};

use super::reader::MAX_LINE_BYTES;
use crate::rulebook::Rulebook;
use crate::time::{self, TimestampReader};

/// What a line is, as far as the fast path can tell.
#[derive(Debug)]
pub enum Scan<'l, 's> {
    Publication(LineView<'l, 's>),
    /// Blank, or a comment that is not a waiver directive.
    Skipped,
    /// Needs the full reader, which may find it valid or not.
    Unsure,
}

/// A publication as its line writes it, borrowed from the line.
#[derive(Debug)]
pub struct LineView<'l, 's> {
    /// Valid UTF-8, checked by `Scanner::scan`; kept as bytes so that
    /// ASCII lines, most of them, need not be checked twice.
    line: &'l [u8],
    fields: &'s [FieldAt],
    /// Nanoseconds since 1970 (UTC): instants compare as integers here.
    pub instant: i64,
    /// Index into the rulebook's kinds.
    pub kind: usize,
    /// Index into the rulebook's channels.
    pub channel: Option<usize>,
    /// The regions where it is received, as a set of bits by region index.
    pub regions: RegionSet,
    /// `key_bit` of every key the line writes: a rule whose filter names a
    /// key missing here cannot match, and is dismissed without a lookup.
    pub keys: u64,
    /// Nanoseconds since 1970 (UTC).
    pub first_published: Option<i64>,
}

/// A set of region indices; the fast path is off for rulebooks with more
/// regions than it holds (see `Scanner::new`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegionSet(u64);

impl RegionSet {
    pub const CAPACITY: usize = 64;

    pub fn single(region: usize) -> Self {
        RegionSet(1 << region)
    }

    pub fn insert(&mut self, region: usize) {
        self.0 |= 1 << region;
    }

    pub fn contains(self, region: usize) -> bool {
        self.0 & (1 << region) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The regions, lowest index first.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let region = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            (region < Self::CAPACITY).then_some(region)
        })
    }
}

/// Where a field's key and value (quotes excluded) sit in the line.
#[derive(Debug, Clone)]
struct FieldAt {
    key: Range<usize>,
    value: Range<usize>,
}

impl LineView<'_, '_> {
    /// The instant of publication.
    pub fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.instant)
    }

    /// When the content first went out, if this is a later copy of it.
    pub fn first_published(&self) -> Option<DateTime<Utc>> {
        self.first_published.map(DateTime::from_timestamp_nanos)
    }

    /// The value of a field, as `Publication::field` would give it.
    pub fn field(&self, key: &str) -> Option<&str> {
        let field = self
            .fields
            .iter()
            .find(|f| &self.line[f.key.clone()] == key.as_bytes())?;
        // Cut at ASCII bytes from UTF-8, so UTF-8 itself.
        std::str::from_utf8(&self.line[field.value.clone()]).ok()
    }

    /// The tags, as `Publication::tags` holds them.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.field("tags")
            .into_iter()
            .flat_map(super::list)
            .map(|(tag, _)| tag)
    }
}

/// Reads lines in place for one rulebook; it keeps its buffer between lines.
pub struct Scanner<'r> {
    rulebook: &'r Rulebook,
    fields: Vec<FieldAt>,
    timestamps: TimestampReader,
    enabled: bool,
}

impl<'r> Scanner<'r> {
    pub fn new(rulebook: &'r Rulebook) -> Self {
        Scanner {
            rulebook,
            fields: Vec::with_capacity(16),
            timestamps: TimestampReader::default(),
            // Rare enough not to deserve a slower set: such rulebooks take
            // the full reader for every line, which is correct, only slower.
            enabled: rulebook.regions.len() <= RegionSet::CAPACITY,
        }
    }

    /// Reads one line, its line ending removed. A UTF-8 byte-order mark is
    /// `Unsure`: the caller gives the first line of a file to the full reader.
    pub fn scan<'l>(&mut self, line: &'l [u8]) -> Scan<'l, '_> {
        self.fields.clear();
        if !self.readable(line) {
            return Scan::Unsure;
        }
        match self.publication(line) {
            Some(Ok(view)) => Scan::Publication(view),
            Some(Err(Comment)) => Scan::Skipped,
            None => Scan::Unsure,
        }
    }

    /// Is the line UTF-8 without control characters? In a comment a control
    /// character is harmless, but rare: the full reader judges.
    fn readable(&self, line: &[u8]) -> bool {
        if !self.enabled || line.len() > MAX_LINE_BYTES {
            return false;
        }
        printable_ascii(line)
            || std::str::from_utf8(line)
                .is_ok_and(|text| !text.chars().any(|c| c.is_control() && c != '\t'))
    }

    fn publication<'l>(&mut self, line: &'l [u8]) -> Option<Result<LineView<'l, '_>, Comment>> {
        let bytes = line;
        let mut at = skip_blanks(bytes, 0);
        match bytes.get(at) {
            None => return Some(Err(Comment)),
            // A waiver directive, or something like one, needs the full reader.
            Some(b'#') if memchr::memmem::find(line, b"scrutin").is_some() => return None,
            Some(b'#') => return Some(Err(Comment)),
            Some(b) if !b.is_ascii() => return None,
            Some(_) => {}
        }
        let timestamp_end = token_end(bytes, at);
        let timestamp = &line[at..timestamp_end];
        let text = std::str::from_utf8(timestamp).ok()?;
        let instant = nanos_of(self.timestamps.read(text).ok()?.instant)?;
        at = timestamp_end;
        while at < bytes.len() {
            let start = skip_blanks(bytes, at);
            if start == at {
                return None;
            }
            if start == bytes.len() {
                break;
            }
            let (field, after) = field_at(bytes, start)?;
            self.fields.push(field);
            at = after;
        }
        let view = self.view(line, instant)?;
        Some(Ok(view))
    }

    /// Gives the fields their meaning, as `read` does; `None` wherever `read`
    /// might object.
    fn view<'l>(&self, line: &'l [u8], instant: i64) -> Option<LineView<'l, '_>> {
        let rulebook = self.rulebook;
        let (mut kind, mut channel, mut regions) = (None, None, None);
        let (mut outlet, mut first_published) = (false, None);
        // Keys seen: well-known ones by bit, others by index into `fields`.
        let mut seen = 0u16;
        let mut keys = 0;
        let mut others = [0usize; 16];
        let mut other_count = 0;
        for (n, field) in self.fields.iter().enumerate() {
            let key = &line[field.key.clone()];
            let value = &line[field.value.clone()];
            let text = || std::str::from_utf8(value).ok();
            let bit = match key {
                b"outlet" => {
                    outlet = if value.is_ascii() {
                        value.iter().any(|&b| b != b' ' && b != b'\t')
                    } else {
                        !text()?.trim().is_empty()
                    };
                    1
                }
                b"kind" => {
                    kind = Some(
                        rulebook
                            .kinds
                            .iter()
                            .position(|k| k.id.as_bytes() == value)?,
                    );
                    1 << 1
                }
                b"channel" => {
                    let channels = &rulebook.channels;
                    channel = Some(channels.iter().position(|c| c.id.as_bytes() == value)?);
                    1 << 2
                }
                b"region" => {
                    regions = Some(region_set(rulebook, value)?);
                    1 << 3
                }
                b"first_published" => {
                    let stamp = time::parse_timestamp(text()?).ok()?;
                    first_published = Some(nanos_of(stamp.instant)?);
                    1 << 4
                }
                b"tags" => 1 << 5,
                b"id" => 1 << 6,
                b"title" => 1 << 7,
                b"url" => 1 << 8,
                _ => {
                    if !key.iter().all(|&b| KEY[usize::from(b)]) {
                        return None;
                    }
                    let earlier = &others[..other_count];
                    if other_count == others.len()
                        || earlier
                            .iter()
                            .any(|&o| &line[self.fields[o].key.clone()] == key)
                    {
                        return None;
                    }
                    others[other_count] = n;
                    other_count += 1;
                    0
                }
            };
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            keys |= key_bit(key);
        }
        if !outlet || first_published.is_some_and(|first| first > instant) {
            return None;
        }
        Some(LineView {
            line,
            fields: &self.fields,
            instant,
            kind: kind?,
            channel,
            regions: regions.unwrap_or(RegionSet::single(rulebook.default_region)),
            keys,
            first_published,
        })
    }
}

/// A bit standing for a field's key, in a set of 64 that may confuse keys
/// (it says "maybe present", never "present").
pub fn key_bit(key: &[u8]) -> u64 {
    let (first, last) = (key.first().copied(), key.last().copied());
    let mixed =
        key.len() * 31 + usize::from(first.unwrap_or(0)) * 7 + usize::from(last.unwrap_or(0));
    1 << (mixed % 64)
}

/// An instant as nanoseconds since 1970, if the fast path can compare it:
/// between the years 1677 and 2262, and not at either end, which the index
/// uses for window bounds beyond that range.
pub fn nanos_of(instant: DateTime<Utc>) -> Option<i64> {
    comparable(instant.timestamp_nanos_opt()?)
}

fn comparable(nanos: i64) -> Option<i64> {
    (nanos != i64::MIN && nanos != i64::MAX).then_some(nanos)
}

/// A blank or plain comment line.
struct Comment;

fn region_set(rulebook: &Rulebook, value: &[u8]) -> Option<RegionSet> {
    if !value.iter().any(|&b| b == b',' || b == b' ') {
        let regions = &rulebook.regions;
        return regions
            .iter()
            .position(|r| r.id.as_bytes() == value)
            .map(RegionSet::single);
    }
    let mut set = RegionSet::default();
    for (id, _) in super::list(std::str::from_utf8(value).ok()?) {
        set.insert(rulebook.region_index(id)?);
    }
    (!set.is_empty()).then_some(set)
}

/// Is every byte printable ASCII or a tab? Most lines are; the others are
/// looked at character by character.
fn printable_ascii(bytes: &[u8]) -> bool {
    // No early exit, so that the compiler can use vector instructions.
    let odd = |b: u8| u8::from(b.wrapping_sub(b' ') >= 0x5F && b != b'\t');
    let mut chunks = bytes.chunks_exact(32);
    let mut found = 0;
    for chunk in &mut chunks {
        found |= chunk.iter().fold(0, |found, &b| found | odd(b));
    }
    found |= chunks
        .remainder()
        .iter()
        .fold(0, |found, &b| found | odd(b));
    found == 0
}

fn skip_blanks(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// The end of a run of bytes up to a blank or the end of the line.
fn token_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr2(b' ', b'\t', &bytes[at..]).map_or(bytes.len(), |n| at + n)
}

/// A `key=value` field at `start`, if it is one of the plain kinds: a bare
/// ASCII value, or a quoted value without escapes, followed by a blank or the
/// end of the line. Also gives where the field ends.
fn field_at(bytes: &[u8], start: usize) -> Option<(FieldAt, usize)> {
    let key_end = find_stop(bytes, start, *b"= \t\"");
    if key_end == start || bytes.get(key_end) != Some(&b'=') {
        return None;
    }
    let key = start..key_end;
    let value_start = key_end + 1;
    let (value, after) = if bytes.get(value_start) == Some(&b'"') {
        let body = value_start + 1;
        let close = body + memchr::memchr2(b'"', b'\\', &bytes[body..])?;
        if bytes[close] != b'"' {
            return None;
        }
        (body..close, close + 1)
    } else {
        let end = find_stop(bytes, value_start, *b" \t\"\t");
        if end == value_start {
            return None;
        }
        (value_start..end, end)
    };
    match bytes.get(after) {
        None | Some(b' ' | b'\t') => Some((FieldAt { key, value }, after)),
        Some(_) => None,
    }
}

/// Where the first byte from `at` that is one of `stops` or not ASCII is, or
/// the end of `bytes`. Eight bytes at a time, with the classic "which byte is
/// zero" arithmetic: a branch per word rather than per byte, since tokens end
/// at unpredictable places.
fn find_stop(bytes: &[u8], mut at: usize, stops: [u8; 4]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let mut found = word & HIGHS;
        for stop in stops {
            let zero_where_stop = word ^ (ONES * u64::from(stop));
            // Exact for the lowest byte flagged, the only one used.
            found |= zero_where_stop.wrapping_sub(ONES) & !zero_where_stop & HIGHS;
        }
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = bytes[at..]
        .iter()
        .position(|&b| !b.is_ascii() || stops.contains(&b));
    tail.map_or(bytes.len(), |n| at + n)
}

/// The bytes of a key: ASCII letters, digits, `_`, `-` and `.`.
static KEY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
        b += 1;
    }
    table
};
