//! scrutin's log syntax → `Publication`: the lexer finds the pieces,
//! `meaning` gives them their meaning against a rulebook's vocabulary
//! (kinds, channels, regions) and explains every mistake.

mod lexer;

use std::borrow::Cow;

use super::{FieldAt, LineError, LineErrorKind, Parts, Publication, Value, meaning};
use crate::rulebook::Rulebook;
use crate::source::Span;
use crate::syntax::SyntaxError;
use crate::time::TimestampReader;

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
        parts.side.clear();
        parts.kind_how = None;
        parts.severity_cap = None;
        let timestamp = lexer::line(line, &mut parts.fields, &mut parts.side).map_err(|e| {
            LineError::new(LineErrorKind::Syntax, Span::new(e.offset, e.len), e.message)
                .with_help(HELP)
        })?;
        let timestamp_span = Span::new(timestamp.start, timestamp.len());
        let stamp = self.timestamps.read(&line[timestamp]).map_err(|e| {
            let span = timestamp_span.sub(e.span.offset, e.span.len);
            LineError::new(LineErrorKind::Timestamp, span, e.message)
        })?;
        let end = line.trim_end().len();
        meaning::resolve(self.rulebook, line, parts, stamp, timestamp_span, end)?;
        Ok(Publication::new(line, Cow::Borrowed(&self.parts)))
    }
}

/// A control character in a line is binary or a broken export, never data:
/// the line is invalid rather than checked on a guess. Tabs separate fields.
fn reject_control_characters(line: &str) -> Result<(), LineError> {
    let Some((offset, c)) = super::first_control(line, false) else {
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

/// The `key=value` fields from byte `from` of `line` to its end, as a waiver
/// directive writes them after its rule: each key and its value, unescaped.
pub fn fields(line: &str, from: usize) -> Result<Vec<(&str, Cow<'_, str>)>, SyntaxError> {
    let (mut fields, mut unescaped) = (Vec::new(), String::new());
    lexer::fields(line, from, &mut fields, &mut unescaped)?;
    // The lexer's keys are always in the line.
    let key = |field: &FieldAt| match &field.key {
        Value::Text(range) => &line[range.clone()],
        Value::Side(_) => "",
    };
    let value = |field: &FieldAt| match &field.value {
        Value::Text(range) => Cow::Borrowed(&line[range.clone()]),
        Value::Side(range) => Cow::Owned(unescaped[range.clone()].to_string()),
    };
    Ok(fields
        .iter()
        .map(|field| (key(field), value(field)))
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
            "end" => "2017-05-06T10:00:00Z",
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
    fn a_publication_that_lasts_ends_after_it_starts() {
        let rulebook = rulebook();
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
        let p = read(
            "2017-05-05T23:30:00+02:00 outlet=tf1 kind=campaign end=2017-05-06T00:30:00[Europe/Paris]",
            &rulebook,
        )
        .unwrap();
        assert_eq!(p.instant(), at("2017-05-05T21:30:00Z"));
        assert_eq!(p.end(), Some(at("2017-05-05T22:30:00Z")));
        assert_eq!(p.attributes().count(), 0, "`end` is no attribute");
        assert_eq!(p.field("end"), None);
        // One nanosecond is enough; quotes are read as for any value.
        let p = read(
            r#"2017-05-06T09:30:00Z outlet=a kind=news end="2017-05-06T09:30:00.000000001Z""#,
            &rulebook,
        )
        .unwrap();
        assert_eq!(p.end(), Some(at("2017-05-06T09:30:00.000000001Z")));
        let p = read("2017-05-06T09:30:00Z outlet=a kind=news", &rulebook).unwrap();
        assert_eq!(p.end(), None);
    }

    #[test]
    fn an_end_not_after_the_start_makes_a_line_invalid() {
        for line in [
            "2017-05-06T09:30:00Z outlet=a kind=news end=2017-05-06T09:30:00Z",
            "2017-05-06T09:30:00Z outlet=a kind=news end=2017-05-06T11:29:59+02:00",
            "2017-05-06T09:30:00[Europe/Paris] outlet=a kind=news end=2017-05-06T09:00:00[Europe/Paris]",
        ] {
            let (at, e) = error(line);
            assert_eq!(e.kind, LineErrorKind::End, "{line}");
            assert_eq!(e.code(), "scrutin::log::bad-end");
            assert!(line.ends_with(&format!("end={at}")), "{line}: {at}");
            assert_eq!(
                e.message,
                "end is not after the publication's own timestamp"
            );
        }
        let (at, e) = error("2017-05-06T09:30:00Z outlet=a kind=news end=2017-05-06T25:00:00Z");
        assert_eq!(e.kind, LineErrorKind::End);
        assert!(e.message.starts_with("end: "), "{}", e.message);
        assert_eq!(at, "25:00:00");
        let (at, e) = error(r#"2017-05-06T09:30:00Z outlet=a kind=news end="tomorrow""#);
        assert_eq!((at.as_str(), e.kind), ("tomorrow", LineErrorKind::End));
        let (_, e) = error(
            "2017-05-06T09:30:00Z outlet=a kind=news end=2017-05-07T00:00Z end=2017-05-08T00:00Z",
        );
        assert_eq!(e.kind, LineErrorKind::DuplicateKey);
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
