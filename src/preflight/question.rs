//! A preflight question as its parts (`--at`, `--kind`, …), read against a
//! rulebook.
//!
//! Each part is checked on its own first, so that a mistake is reported in
//! the option or field the user wrote, not in a log line they never wrote.
//! The parts are then written as a log line and read as one, so that the
//! publication means exactly what the same line in a log would.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};

use crate::publication::write::field;
use crate::publication::{self, LineError, Publication};
use crate::rulebook::Rulebook;
use crate::source::did_you_mean;
use crate::time::{EXPECTED_SHAPE, parse_timestamp};

/// A preflight question as its parts, before it is read as a publication.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// An instant (RFC 3339, or with `[Zone]`); `None` or `now` for now.
    pub at: Option<String>,
    /// For a publication that lasts (an ad flight, a broadcast segment),
    /// when it stops going out: an instant after `at`. `None` for a
    /// publication that goes out at `at`.
    pub until: Option<String>,
    pub kind: String,
    pub channel: Option<String>,
    /// Region ids; an entry may itself be a comma-separated list.
    #[serde(default)]
    pub regions: Vec<String>,
    pub outlet: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// The parts of a question that are checked on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    At,
    Until,
    Kind,
    Channel,
    Region,
    /// The key of an attribute.
    Attribute,
}

impl Part {
    /// Every part, in the order `docs/diagnostics.md` lists their codes.
    pub const ALL: [Part; 6] = [
        Part::At,
        Part::Until,
        Part::Kind,
        Part::Channel,
        Part::Region,
        Part::Attribute,
    ];

    /// The stable code of a mistake in this part: `scrutin::option::…`, as
    /// the parts are the options of `scrutin preflight`.
    pub fn code(self) -> &'static str {
        match self {
            Part::At => "scrutin::option::bad-instant",
            Part::Until => "scrutin::option::bad-until",
            Part::Kind => "scrutin::option::unknown-kind",
            Part::Channel => "scrutin::option::unknown-channel",
            Part::Region => "scrutin::option::unknown-region",
            Part::Attribute => "scrutin::option::bad-attribute-key",
        }
    }

    /// The name of the part, as `--NAME` on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Part::At => "at",
            Part::Until => "until",
            Part::Kind => "kind",
            Part::Channel => "channel",
            Part::Region => "region",
            Part::Attribute => "attr",
        }
    }
}

/// Why a question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionError {
    /// One part is wrong on its own.
    Part(PartError),
    /// Every part is right on its own but the line they make is not (an
    /// attribute that repeats a well-known field, an empty outlet…).
    Line { line: String, error: LineError },
}

/// A part of a question that is wrong on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartError {
    pub part: Part,
    /// What was given for it.
    pub value: String,
    pub problem: String,
    /// What would be right: the accepted forms, a near name, the valid values.
    pub expected: String,
}

impl PartError {
    /// `<problem> (<expected>)`; the caller names the part its own way
    /// (`--kind pol`, `` `kind` pol``).
    pub fn message(&self) -> String {
        format!("{} ({})", self.problem, self.expected)
    }
}

/// The problem and what would be right, without the part's name: the
/// command line and the server each name it their own way.
impl std::fmt::Display for PartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for PartError {}

/// A diagnostic whose code is its part's, so that the command line's error
/// for it has that code, not one of its own.
impl miette::Diagnostic for PartError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.part.code()))
    }
}

impl QuestionError {
    /// The part's message, or the line's with its help.
    pub fn message(&self) -> String {
        match self {
            QuestionError::Part(error) => error.message(),
            QuestionError::Line { error, .. } => match &error.help {
                Some(help) => format!("{} ({help})", error.message),
                None => error.message.clone(),
            },
        }
    }
}

/// What `--at` accepts, said the same way wherever the question comes from.
pub const EXPECTED_AT: &str = "expected an instant such as 2017-05-06T09:30:00+02:00 or 2017-05-06T09:30:00[Europe/Paris], or now";

/// What `--until` accepts.
const EXPECTED_UNTIL: &str = "expected an instant after the start, such as 2017-05-07T09:30:00+02:00 or 2017-05-07T09:30:00[Europe/Paris]: when a publication that lasts stops going out";

/// Lists of valid values longer than this are not spelled out in messages.
const SHORT_LIST: usize = 12;

impl Question {
    /// The question as a publication of `rulebook`, `now` standing for an
    /// absent `at` or `now`.
    pub fn read(
        &self,
        rulebook: &Rulebook,
        now: DateTime<Utc>,
    ) -> Result<Publication<'static>, QuestionError> {
        self.check_parts(rulebook).map_err(QuestionError::Part)?;
        self.check_until(now).map_err(QuestionError::Part)?;
        let line = self.to_line(now);
        match publication::read(&line, rulebook) {
            Ok(publication) => Ok(publication.into_owned()),
            Err(error) => Err(QuestionError::Line { line, error }),
        }
    }

    fn check_parts(&self, rulebook: &Rulebook) -> Result<(), PartError> {
        if let Some(at) = self.at.as_deref().filter(|&at| at != "now") {
            instant(Part::At, at, EXPECTED_AT)?;
        }
        if let Some(until) = &self.until {
            instant(Part::Until, until, EXPECTED_UNTIL)?;
        }
        let kinds = rulebook.kinds.iter().map(|k| k.id.as_str());
        known(rulebook, Part::Kind, &self.kind, kinds)?;
        if let Some(channel) = &self.channel {
            let channels = rulebook.channels.iter().map(|c| c.id.as_str());
            known(rulebook, Part::Channel, channel, channels)?;
        }
        for region in self.regions.iter().flat_map(|list| list.split(',')) {
            let region = region.trim();
            // A covered place is never a region id: say which region to name.
            if let Some(note) = rulebook.covered_note(region) {
                return Err(PartError {
                    part: Part::Region,
                    value: region.to_string(),
                    problem: format!("not a region of {}", rulebook.id),
                    expected: note,
                });
            }
            let regions = rulebook.regions.iter().map(|r| r.id.as_str());
            known(rulebook, Part::Region, region, regions)?;
        }
        for key in self.attributes.keys() {
            // A key is pasted into the line bare: one that is not a plain
            // key (`x kind`) would write a field of its own.
            if key.is_empty() || !key.chars().all(is_key_char) {
                return Err(PartError {
                    part: Part::Attribute,
                    value: key.clone(),
                    problem: "not a key".to_string(),
                    expected: "a key holds only ASCII letters, digits, `_`, `-` and `.`"
                        .to_string(),
                });
            }
        }
        Ok(())
    }

    /// The instant asked about, `now` standing for an absent `at` or `now`.
    fn start(&self, now: DateTime<Utc>) -> (DateTime<Utc>, Option<chrono_tz::Tz>) {
        let read = self
            .at
            .as_deref()
            .filter(|&at| at != "now")
            .and_then(|at| parse_timestamp(at).ok());
        read.map_or((now, None), |at| (at.instant, at.zone))
    }

    /// `until`, if given, is after the instant asked about.
    fn check_until(&self, now: DateTime<Utc>) -> Result<(), PartError> {
        let Some(until) = &self.until else {
            return Ok(());
        };
        let (start, _) = self.start(now);
        let end = parse_timestamp(until).map(|stamp| stamp.instant);
        if end.is_ok_and(|end| end <= start) {
            // The start as the question gave it, or the instant `now` was.
            let start = match self.at.as_deref() {
                Some(at) if at != "now" => at.to_string(),
                _ => format!(
                    "now, {}",
                    start.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                ),
            };
            return Err(PartError {
                part: Part::Until,
                value: until.clone(),
                problem: format!("not after the start, {start}"),
                expected: EXPECTED_UNTIL.to_string(),
            });
        }
        Ok(())
    }

    /// The question as a log line, `now` standing for an absent `at` or `now`.
    /// Its parts are written as a log writes them, never pasted: the instant
    /// as read (in UTC, with its zone), values quoted where they must be;
    /// keys are checked by `check_parts`.
    fn to_line(&self, now: DateTime<Utc>) -> String {
        let (instant, zone) = self.start(now);
        let mut line = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        if let Some(zone) = zone {
            let _ = write!(line, "[{}]", zone.name());
        }
        field(
            &mut line,
            "outlet",
            self.outlet.as_deref().unwrap_or("preflight"),
        );
        field(&mut line, "kind", &self.kind);
        if let Some(channel) = &self.channel {
            field(&mut line, "channel", channel);
        }
        if !self.regions.is_empty() {
            field(&mut line, "region", &self.regions.join(","));
        }
        for (key, value) in &self.attributes {
            field(&mut line, key, value);
        }
        if let Some(end) = self.until.as_deref().and_then(|u| parse_timestamp(u).ok()) {
            let end = end
                .instant
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            field(&mut line, "end", &end);
        }
        line
    }
}

/// The instant `value` of `part`, or why it is none.
fn instant(part: Part, value: &str, expected: &str) -> Result<(), PartError> {
    parse_timestamp(value).map(|_| ()).map_err(|e| PartError {
        part,
        value: value.to_string(),
        // A text not shaped like a timestamp at all: say so in fewer words
        // than the expected forms that follow.
        problem: if e.message == EXPECTED_SHAPE {
            "not a date and time".to_string()
        } else {
            e.message
        },
        expected: expected.to_string(),
    })
}

/// What a log line accepts in a key (as the reader in `publication::parse`).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// `value` is one of the rulebook's `declared` ids for `part`, or an error
/// suggesting the nearest and listing them (when few).
fn known<'a>(
    rulebook: &Rulebook,
    part: Part,
    value: &str,
    declared: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), PartError> {
    if declared.clone().any(|id| id == value) {
        return Ok(());
    }
    let all: Vec<&str> = declared.clone().collect();
    let list = (all.len() <= SHORT_LIST).then(|| all.join(", "));
    let expected = match (did_you_mean(value, declared), list) {
        (Some(near), Some(list)) => format!("did you mean `{near}`? valid: {list}"),
        (Some(near), None) => format!("did you mean `{near}`?"),
        (None, Some(list)) => format!("valid: {list}"),
        (None, None) => format!("see `scrutin rules show {}`", rulebook.file_name()),
    };
    Err(PartError {
        part,
        value: value.to_string(),
        problem: format!("not a {} of {}", part.name(), rulebook.id),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every part is in `Part::ALL`, in declaration order: a new part
    /// breaks this match until it is numbered, and then this test until it
    /// is listed (its code must be documented, and `ALL` is that list).
    #[test]
    fn every_part_is_listed() {
        let position = |part: Part| match part {
            Part::At => 0,
            Part::Until => 1,
            Part::Kind => 2,
            Part::Channel => 3,
            Part::Region => 4,
            Part::Attribute => 5,
        };
        for (n, part) in Part::ALL.iter().enumerate() {
            assert_eq!(position(*part), n, "{part:?}");
        }
        assert_eq!(Part::ALL.len(), 6);
    }

    fn rulebook() -> Rulebook {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        crate::rulebook::load(path.as_ref()).unwrap()
    }

    fn part_error(question: Question) -> (Part, String, String) {
        match question.read(&rulebook(), Utc::now()) {
            Err(QuestionError::Part(PartError {
                part,
                value,
                problem,
                ..
            })) => (part, value, problem),
            other => panic!("not a part's error: {other:?}"),
        }
    }

    #[test]
    fn each_part_is_checked_on_its_own() {
        let question = |at: &str, kind: &str| Question {
            at: Some(at.into()),
            kind: kind.into(),
            ..Default::default()
        };
        assert_eq!(
            part_error(question("2017-13-45", "poll")),
            (Part::At, "2017-13-45".into(), "not a date and time".into())
        );
        assert_eq!(
            part_error(question("2017-13-45T09:00Z", "poll")),
            (
                Part::At,
                "2017-13-45T09:00Z".into(),
                "2017-13-45 is not a date".into()
            )
        );
        let (part, value, _) = part_error(question("now", "pol"));
        assert_eq!((part, value.as_str()), (Part::Kind, "pol"));
        let (part, value, _) = part_error(Question {
            kind: "poll".into(),
            regions: vec!["metropole,guadelupe".into()],
            ..Default::default()
        });
        assert_eq!((part, value.as_str()), (Part::Region, "guadelupe"));
    }

    #[test]
    fn a_mistake_only_a_line_shows_is_reported_on_the_line() {
        let question = Question {
            kind: "poll".into(),
            attributes: [("kind".to_string(), "news".to_string())].into(),
            ..Default::default()
        };
        let error = question.read(&rulebook(), Utc::now()).unwrap_err();
        assert!(matches!(error, QuestionError::Line { .. }), "{error:?}");
        assert!(error.message().contains("duplicate key `kind`"));
    }
}
