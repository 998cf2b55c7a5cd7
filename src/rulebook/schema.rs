//! The rulebook exactly as written in YAML, every value with its span.
//!
//! Nothing here is checked beyond YAML syntax and the set of field names:
//! `resolve` turns these types into the `model`. serde-saphyr loses spans inside
//! flattened, untagged and internally tagged enums, so a rule is one flat struct
//! whose body (`window` or `requires`) is picked in `resolve`.

use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::source::Span;

/// Where something is written: which rulebook file (an index into the files
/// a rulebook was composed from) and where in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    pub file: usize,
    pub span: Span,
}

impl Place {
    /// The start of a file, for problems with no better place.
    pub fn start_of(file: usize) -> Place {
        Place {
            file,
            span: Span::default(),
        }
    }
}

/// A value and where it was written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
    /// The rulebook file it was read from.
    pub file: usize,
}

impl<T> Located<T> {
    pub fn place(&self) -> Place {
        Place {
            file: self.file,
            span: self.span,
        }
    }
}

thread_local! {
    /// The file being deserialized. serde gives a value no way to know which
    /// document it comes from; `from_file` sets this around one document.
    static CURRENT_FILE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Deserializes a document of rulebook file `file`, so every `Located` in it knows its file.
pub fn from_file<T>(file: usize, deserialize: impl FnOnce() -> T) -> T {
    let previous = CURRENT_FILE.replace(file);
    let result = deserialize();
    CURRENT_FILE.set(previous);
    result
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The single place that knows serde-saphyr's span type.
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let offset = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Located {
            value: spanned.value,
            span: Span::new(offset, len),
            file: CURRENT_FILE.get(),
        })
    }
}

/// In the JSON Schema, a located value is just its value.
impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

pub type Text = Located<String>;

/// A YAML mapping kept in the order it was written, keys spanned.
#[derive(Debug, Clone)]
pub struct Entries<T>(pub Vec<(Text, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

/// In the JSON Schema, a mapping of names to values.
impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Entries_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "object", "additionalProperties": generator.subschema_for::<T>() })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// One rulebook file. A file may build on another (`extends`): a jurisdiction's
/// law in one file, an election's dates in another. So every part is optional
/// here; `compose` merges the files and `resolve` says what is missing.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Rulebook",
    description = "A scrutin rulebook: a jurisdiction's law (kinds, channels, regions, rules) or an election that extends it (rounds and dates). Syntax: rules/README.md."
)]
pub struct RawRulebook {
    /// The file this one builds on, relative to this one.
    pub extends: Option<Text>,
    pub id: Option<Text>,
    pub title: Option<Text>,
    pub jurisdiction: Option<Text>,
    /// Why an election's dates are not final (no decree yet): every output
    /// says so.
    pub provisional: Option<Text>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    /// Publication kinds, each with a description.
    #[serde(default)]
    pub kinds: Entries<String>,
    /// Channels (web, print, tv…), each with a description.
    #[serde(default)]
    pub channels: Entries<String>,
    #[serde(default)]
    pub regions: Entries<RawRegion>,
    pub default_region: Option<Text>,
    /// Named sets of regions, for "the last polls close in …".
    #[serde(default)]
    pub groups: Entries<Vec<Text>>,
    /// Polling hours unless a round or an override says otherwise.
    pub polls: Option<RawPolls>,
    pub rounds: Option<Located<Vec<RawRound>>>,
    /// Dated events of the election besides its rounds (`writ: 2021-08-15`),
    /// which anchors name as `event(writ)`: a calendar day, YYYY-MM-DD.
    #[serde(default)]
    pub events: Entries<Text>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
    /// Changes to rules of the files this one extends.
    #[serde(default)]
    pub adjust: Vec<RawAdjustment>,
}

/// An explicit change to an inherited rule, with its reason.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Adjustment")]
pub struct RawAdjustment {
    pub rule: Text,
    pub disable: Option<Located<bool>>,
    #[schemars(extend("enum" = ["error", "warning", "info"]))]
    pub severity: Option<Text>,
    pub reason: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
pub struct RawSource {
    pub title: Text,
    pub url: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Region")]
pub struct RawRegion {
    pub name: Text,
    /// An IANA time zone, such as `Europe/Paris`.
    pub zone: Text,
    /// The region's own polling hours, where the law fixes them per region.
    pub polls: Option<RawPolls>,
    /// Places inside the region that a log might name instead of it
    /// (provinces, islands…), so that such a name is pointed to its region.
    #[serde(default)]
    pub covers: Vec<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Polls")]
pub struct RawPolls {
    pub open: Text,
    pub close: Text,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Round")]
pub struct RawRound {
    pub id: Text,
    pub name: Text,
    /// The vote date in every region that has no override.
    pub vote: Text,
    pub polls: Option<RawPolls>,
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
}

/// Regions that vote on another day or keep other hours in one round.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Override")]
pub struct RawOverride {
    /// Region or group ids.
    pub regions: Vec<Text>,
    pub vote: Option<Text>,
    pub open: Option<Text>,
    pub close: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub struct RawRule {
    pub id: Text,
    pub title: Text,
    #[schemars(extend("enum" = ["error", "warning", "info"]))]
    pub severity: Text,
    pub citation: RawCitation,
    pub help: Text,
    #[serde(default)]
    pub applies_to: RawFilter,
    /// When matching publications are forbidden (or, with `requires`, when
    /// the duty holds): a window, or `always`.
    pub window: Option<Located<RawWhen>>,
    pub requires: Option<Vec<Text>>,
    /// With `requires`: only the first publication of the content must comply.
    pub first_publication_only: Option<Located<bool>>,
    /// With `requires`: the first publication, and copies published less
    /// than this long after it (`24h`), must comply; later copies are exempt.
    pub copies_within: Option<Text>,
    /// With `requires`: not before a day counted from a date the
    /// publication carries (a poll's registration).
    pub not_before: Option<Located<RawNotBefore>>,
    /// A rule over many publications: more than `more_than` matching ones
    /// within any `within`, per group (with a `window`: only inside it).
    pub burst: Option<Located<RawBurst>>,
    /// A rule over many publications: totals per value of an attribute
    /// (candidate), per group and daily slot, within a tolerance of equal
    /// shares (with a `window`: the periods totals are kept for).
    pub balance: Option<Located<RawBalance>>,
    /// When the rule is law: an election gets it only if it is in force on
    /// the election's first polling day.
    pub in_force: Option<Located<RawInForce>>,
}

/// `not_before: { date: registered, days: 6, at: "00:00", zone: America/Sao_Paulo }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "NotBefore")]
pub struct RawNotBefore {
    /// The attribute that holds the date (YYYY-MM-DD); `requires` lists it.
    pub date: Text,
    /// Calendar days after that date (negative: before it).
    pub days: Located<i64>,
    /// The time of day, local (HH:MM, 00:00 to 24:00); 00:00 if absent.
    pub at: Option<Text>,
    /// The IANA zone the day is read in; each of the publication's
    /// regions' zones if absent.
    pub zone: Option<Text>,
}

/// `in_force: { from: 2025-10-10, until: 2030-01-01, by: … }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "InForce")]
pub struct RawInForce {
    /// The first day it is in force (YYYY-MM-DD); always before, if absent.
    pub from: Option<Text>,
    /// The first day it is no longer in force; still in force, if absent.
    pub until: Option<Text>,
    /// The text that enacted, amended or repealed it.
    pub by: Text,
}

/// `balance: { of: duration, by: candidate, among: [...], per: outlet,
/// slots: ["06:00-09:30", ...], tolerance: 5% }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Balance")]
pub struct RawBalance {
    /// What is totalled: `duration` (from a publication's instant to its
    /// `end`) or `count`.
    #[schemars(extend("enum" = ["duration", "count"]))]
    pub of: Text,
    /// The attribute whose values are compared (`candidate`).
    pub by: Text,
    /// The values compared; a value the log gives outside the list is not
    /// counted, and one the log never gives has a total of nothing.
    pub among: Option<Vec<Text>>,
    /// The field that keeps totals apart (`outlet`).
    pub per: Option<Text>,
    /// Daily slots, local time (`06:00-09:30`), each compared on its own.
    pub slots: Option<Vec<Text>>,
    /// How far a share may be from an equal share, in points: `5%`.
    pub tolerance: Text,
}

/// `burst: { more_than: 100, within: 1h, per: account }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Burst")]
pub struct RawBurst {
    /// The most publications allowed within any `within`; one more is a burst.
    pub more_than: Located<u32>,
    /// The sliding duration: `1h`, `30min`, `1h30min`.
    pub within: Text,
    /// The field that groups publications (`outlet`, `tags`, an attribute
    /// such as `account`); all together without it.
    pub per: Option<Text>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Citation")]
pub struct RawCitation {
    pub article: Text,
    pub law: Text,
    pub url: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Filter")]
pub struct RawFilter {
    pub kinds: Option<Vec<Text>>,
    pub channels: Option<Vec<Text>>,
    /// Region or group ids.
    pub regions: Option<Vec<Text>>,
    pub rounds: Option<Vec<Text>>,
    pub tags: Option<Vec<Text>>,
    pub attributes: Option<Entries<Text>>,
    /// Attributes whose value must be one of these.
    pub attributes_one_of: Option<Entries<Vec<Text>>>,
    /// Attributes whose value must be none of these (absent counts as none).
    pub attributes_none_of: Option<Entries<Vec<Text>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Window")]
pub struct RawWindow {
    pub start: Text,
    pub end: Text,
    /// `round` (default): one window per round; `election`: one for the whole election.
    #[schemars(extend("enum" = ["round", "election"]))]
    pub per: Option<Text>,
    /// Content first published before the window starts may stay online.
    #[serde(default)]
    pub exempt_earlier_publications: bool,
}

/// A rule's `window`: `always`, or a window between two anchors.
#[derive(Debug)]
pub enum RawWhen {
    /// `window: always`: at all times, with no ends.
    Always,
    Window(RawWindow),
}

impl RawWhen {
    /// The window between two anchors, if it is one.
    pub fn window(&self) -> Option<&RawWindow> {
        match self {
            RawWhen::Always => None,
            RawWhen::Window(window) => Some(window),
        }
    }
}

/// The word that stands for a rule in force at all times.
pub const ALWAYS: &str = "always";

impl<'de> Deserialize<'de> for RawWhen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Not an untagged enum: serde-saphyr keeps the spans of the fields
        // read through the mapping's own accessor, and the error for a word
        // other than `always` says what is expected.
        struct WhenVisitor;
        impl<'de> Visitor<'de> for WhenVisitor {
            type Value = RawWhen;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`always` or a window `{ start: …, end: … }`")
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<RawWhen, E> {
                if word == ALWAYS {
                    Ok(RawWhen::Always)
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Str(word), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawWhen, A::Error> {
                let window =
                    RawWindow::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawWhen::Window(window))
            }
        }
        deserializer.deserialize_any(WhenVisitor)
    }
}

/// In the JSON Schema, `always` or a window.
impl JsonSchema for RawWhen {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "When".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "`always` (at all times, no ends) or a window between two anchors",
            "oneOf": [
                { "const": ALWAYS },
                generator.subschema_for::<RawWindow>(),
            ]
        })
    }
}

/// The JSON Schema of a rulebook file, for editors (`scrutin rules schema`).
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(RawRulebook);
    schema.insert("title".into(), "scrutin rulebook".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}
