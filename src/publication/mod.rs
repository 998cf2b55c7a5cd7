//! Log text → `Publication`.
//!
//! `reader` splits bytes into lines, `parse` reads a line's syntax, `time`
//! reads timestamps, and this module gives the fields their meaning against a
//! rulebook's vocabulary (kinds, channels, regions).

pub mod parse;
pub mod reader;
pub mod scan;

pub mod write;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::rulebook::Rulebook;
use crate::source::{Span, char_column, did_you_mean};
use parse::RawField;

pub use crate::field::{FIELDS, Field, LIST_FIELDS};

/// One published (or scheduled) item, as a log line describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub instant: DateTime<Utc>,
    /// The zone the timestamp named, if any.
    pub zone: Option<Tz>,
    pub outlet: String,
    pub kind: String,
    pub channel: Option<String>,
    /// Indices into the rulebook's regions: where the publication is received.
    pub regions: Vec<usize>,
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub tags: Vec<String>,
    /// When the content first went out, if this is a later copy of it.
    pub first_published: Option<DateTime<Utc>>,
    /// Every other field, in the order written.
    pub attributes: Vec<(String, String)>,
    pub spans: Spans,
}

/// Where the parts of a publication are written in its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spans {
    pub timestamp: Span,
    pub kind: Span,
    /// The end of the line's content, where a missing field would go.
    pub end: usize,
}

impl Publication {
    /// The value of a single-valued field: a well-known one or an attribute.
    pub fn field(&self, key: &str) -> Option<&str> {
        match key {
            "outlet" => Some(&self.outlet),
            "kind" => Some(&self.kind),
            "channel" => self.channel.as_deref(),
            "id" => self.id.as_deref(),
            "title" => self.title.as_deref(),
            "url" => self.url.as_deref(),
            _ => self
                .attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
        }
    }
}

/// Why a line is not a valid publication, and where in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl LineError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        LineError {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Reads a (non-blank, non-comment) line as a publication under `rulebook`.
pub fn read(line: &str, rulebook: &Rulebook) -> Result<Publication, LineError> {
    reject_control_characters(line)?;
    let raw = parse::parse_line(line).map_err(|e| {
        LineError::new(Span::new(e.offset, e.len), e.message)
            .with_help("a line is a timestamp followed by key=value fields, such as: 2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=poll")
    })?;
    let stamp = crate::time::parse_timestamp(raw.timestamp).map_err(|e| {
        LineError::new(raw.timestamp_span.sub(e.span.offset, e.span.len), e.message)
    })?;
    let mut fields = Fields::default();
    for field in &raw.fields {
        fields.take(line, field, rulebook)?;
    }
    let end = line.trim_end().len();
    let missing = |key: &str| {
        LineError::new(Span::new(0, end), format!("missing `{key}`")).with_help(format!(
            "every publication needs `outlet` and `kind`; add {key}=…"
        ))
    };
    let outlet = fields.outlet.ok_or_else(|| missing("outlet"))?;
    let (kind, kind_span) = fields.kind.ok_or_else(|| missing("kind"))?;
    if let Some((first, span)) = fields.first_published
        && first > stamp.instant
    {
        return Err(LineError::new(
            span,
            "first_published is later than the publication's own timestamp",
        ));
    }
    Ok(Publication {
        instant: stamp.instant,
        zone: stamp.zone,
        outlet,
        kind,
        channel: fields.channel,
        regions: fields
            .regions
            .unwrap_or_else(|| vec![rulebook.default_region]),
        id: fields.id,
        title: fields.title,
        url: fields.url,
        tags: fields.tags,
        first_published: fields.first_published.map(|(instant, _)| instant),
        attributes: fields.attributes,
        spans: Spans {
            timestamp: raw.timestamp_span,
            kind: kind_span,
            end,
        },
    })
}

/// A control character in a line is binary or a broken export, never data:
/// the line is invalid rather than checked on a guess. Tabs separate fields.
fn reject_control_characters(line: &str) -> Result<(), LineError> {
    let Some((offset, c)) = line
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t')
    else {
        return Ok(());
    };
    let span = Span::new(offset, c.len_utf8());
    let error = match c {
        '\r' => LineError::new(span, "a carriage return in the middle of a line")
            .with_help("lines end with \\n or \\r\\n; a file from an old Mac ends lines with \\r alone: convert it first"),
        '\0' => LineError::new(span, "a NUL byte: this line holds binary data"),
        c => LineError::new(span, format!("a control character (U+{:04X})", u32::from(c))),
    };
    Err(error)
}

/// The fields of a line as they are read, before the required ones are checked.
#[derive(Default)]
struct Fields {
    /// Keys already read, and where: a line may hold many fields.
    seen: HashMap<String, Span>,
    outlet: Option<String>,
    kind: Option<(String, Span)>,
    channel: Option<String>,
    regions: Option<Vec<usize>>,
    id: Option<String>,
    title: Option<String>,
    url: Option<String>,
    tags: Vec<String>,
    first_published: Option<(DateTime<Utc>, Span)>,
    attributes: Vec<(String, String)>,
}

impl Fields {
    fn take(&mut self, line: &str, field: &RawField, rulebook: &Rulebook) -> Result<(), LineError> {
        if let Some(first) = self.seen.get(field.key) {
            return Err(
                LineError::new(field.key_span, format!("duplicate key `{}`", field.key)).with_help(
                    format!(
                        "`{}` is already given at column {}: keep one",
                        field.key,
                        char_column(line, first.offset)
                    ),
                ),
            );
        }
        self.seen.insert(field.key.to_string(), field.key_span);
        let value = field.value.to_string();
        match field.key {
            "outlet" => self.outlet = Some(non_empty(field)?),
            "kind" => {
                known(field, "kind", rulebook.kinds.iter().map(|k| k.id.as_str()))?;
                self.kind = Some((value, field.value_span));
            }
            "channel" => {
                known(
                    field,
                    "channel",
                    rulebook.channels.iter().map(|c| c.id.as_str()),
                )?;
                self.channel = Some(value);
            }
            "region" => self.regions = Some(regions(field, rulebook)?),
            "id" => self.id = Some(value),
            "title" => self.title = Some(value),
            "url" => self.url = Some(value),
            "tags" => self.tags = list(&field.value).map(|(tag, _)| tag.to_string()).collect(),
            "first_published" => {
                let stamp = crate::time::parse_timestamp(&field.value).map_err(|e| {
                    let span = field.span_of(e.span.offset, e.span.len);
                    LineError::new(span, format!("first_published: {}", e.message))
                })?;
                self.first_published = Some((stamp.instant, field.value_span));
            }
            _ => self.attributes.push((field.key.to_string(), value)),
        }
        Ok(())
    }
}

fn non_empty(field: &RawField) -> Result<String, LineError> {
    if field.value.trim().is_empty() {
        return Err(LineError::new(
            field.value_span,
            format!("`{}` is empty", field.key),
        ));
    }
    Ok(field.value.to_string())
}

/// Checks a value against the rulebook's vocabulary.
fn known<'a>(
    field: &RawField,
    what: &str,
    declared: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), LineError> {
    if declared.clone().any(|id| id == field.value) {
        return Ok(());
    }
    Err(unknown(field.value_span, &field.value, what, declared))
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
    LineError::new(span, format!("unknown {what} `{value}`")).with_help(help)
}

/// A region the rulebook does not declare: the region that covers it (a
/// province named for its time-zone group), or else the nearest declared one.
fn unknown_region(span: Span, id: &str, rulebook: &Rulebook) -> LineError {
    let (Some(region), Some(note)) = (rulebook.covering_region(id), rulebook.covered_note(id))
    else {
        return unknown(
            span,
            id,
            "region",
            rulebook.regions.iter().map(|r| r.id.as_str()),
        );
    };
    LineError::new(span, format!("unknown region `{id}`; {note}")).with_help(format!(
        "a log names the region a publication is received in, not a place inside it: write region={}",
        region.id
    ))
}

/// Comma-separated items with their byte offsets in `value`; empty items are dropped.
fn list(value: &str) -> impl Iterator<Item = (&str, usize)> {
    value
        .split(',')
        .scan(0, |offset, item| {
            let start = *offset;
            *offset += item.len() + 1;
            Some((item.trim(), start + (item.len() - item.trim_start().len())))
        })
        .filter(|(item, _)| !item.is_empty())
}

fn regions(field: &RawField, rulebook: &Rulebook) -> Result<Vec<usize>, LineError> {
    let mut regions = Vec::new();
    for (id, offset) in list(&field.value) {
        let Some(region) = rulebook.region_index(id) else {
            let span = field.span_of(offset, id.len());
            return Err(unknown_region(span, id, rulebook));
        };
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if regions.is_empty() {
        return Err(LineError::new(field.value_span, "`region` names no region"));
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rulebook() -> Rulebook {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        crate::rulebook::load(path.as_ref()).unwrap()
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
            p.instant,
            "2017-05-06T07:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!((p.outlet.as_str(), p.kind.as_str()), ("lemonde.fr", "poll"));
        assert_eq!(p.channel.as_deref(), Some("web"));
        let regions: Vec<&str> = p
            .regions
            .iter()
            .map(|&r| rulebook.regions[r].id.as_str())
            .collect();
        assert_eq!(regions, ["guadeloupe", "metropole"]);
        assert_eq!(p.tags, ["a", "b"]);
        assert_eq!(p.field("pollster"), Some("Ipsos"));
        assert_eq!(&line[p.spans.kind.offset..p.spans.kind.end()], "poll");
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
        assert!(p.attributes.is_empty(), "{:?}", p.attributes);
        // The two required fields are the two a line cannot go without.
        for field in FIELDS.iter().filter(|f| f.required) {
            let without = line.replace(&format!(" {}={}", field.key, values(field.key)), "");
            let e = read(&without, &rulebook).unwrap_err();
            assert_eq!(e.message, format!("missing `{}`", field.key));
        }
        let p = read(&format!("{line} pollster=Ipsos"), &rulebook).unwrap();
        assert_eq!(
            p.attributes,
            [("pollster".to_string(), "Ipsos".to_string())]
        );
    }

    #[test]
    fn the_default_region_applies_when_none_is_given() {
        let rulebook = rulebook();
        let p = read("2017-05-06T09:30:00Z outlet=a kind=news", &rulebook).unwrap();
        assert_eq!(p.regions, [rulebook.default_region]);
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
        let (at, _) = error(r#"2017-05-06T09:30:00Z outlet="" kind=news"#);
        assert_eq!(at, r#""""#);
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
