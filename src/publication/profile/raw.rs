//! A source profile exactly as written in YAML, every value with its span.
//!
//! Nothing here is checked beyond YAML syntax and the set of field names:
//! `load` turns these types into the model. As in a rulebook, no value is a
//! flattened, untagged or tagged enum (serde-saphyr loses spans there): a
//! source (`field` or `value`) is one flat struct whose form `load` picks,
//! so that "both `field` and `value`" points at the place it is written.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::rulebook::schema::{Entries, Located, Text};
use crate::time::TimeForm;

/// One profile file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Profile",
    description = "A scrutin source profile: how the records of a source (JSON Lines, CSV, RSS, Atom, a sitemap) become publications."
)]
pub(crate) struct RawProfile {
    /// The profile's name, for messages.
    pub(crate) name: Text,
    /// The input format the profile is written for.
    #[schemars(extend("enum" = ["log", "jsonl", "csv", "rss", "atom", "sitemap"]))]
    pub(crate) input: Option<Text>,
    /// Where the publication's instant is, and its form.
    pub(crate) timestamp: RawInstant,
    /// Where the instant the same item first went out is, if the source has it.
    pub(crate) first_published: Option<RawInstant>,
    /// Where the instant the publication stops going out is (a broadcast
    /// segment's end, an ad's delivery stop), if the source has it.
    pub(crate) end: Option<RawInstant>,
    /// Each publication field (outlet, channel, region, id, title, url,
    /// tags) or attribute, and where it comes from.
    #[serde(default)]
    pub(crate) fields: Entries<RawSource>,
    /// How a record's kind is decided: from a field or a value, by
    /// classification, or both (the field first).
    pub(crate) kind: Located<RawKind>,
}

/// An instant in a record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Instant")]
pub(crate) struct RawInstant {
    /// A dotted path in JSON, a column in CSV, an element (`news:title`) or
    /// an element's attribute (`link@href`) in XML.
    pub(crate) field: Text,
    /// rfc3339, rfc2822, unix, unix_ms, twitter, or a strftime pattern (any
    /// text with a `%`).
    #[schemars(schema_with = "time_format")]
    pub(crate) format: Text,
    /// The IANA time zone of a pattern's local times; only with a pattern.
    pub(crate) zone: Option<Text>,
    /// Which instant a local time that happened twice means; only with a
    /// pattern (without it, such a time is invalid).
    #[schemars(extend("enum" = ["earlier", "later"]))]
    pub(crate) overlap: Option<Text>,
}

/// Where a publication's field comes from: a field of the record, or a
/// value for every record.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Source",
    extend("oneOf" = [{ "required": ["field"] }, { "required": ["value"] }])
)]
pub(crate) struct RawSource {
    /// The record's field it is read from.
    pub(crate) field: Option<Text>,
    /// The same value for every record.
    pub(crate) value: Option<Text>,
    /// With `field`: values replaced as they are read.
    pub(crate) map: Option<Located<Entries<Text>>>,
    /// With `field`: the value when the record has no such field, or (with
    /// a `map`) when no value is in the map.
    pub(crate) default: Option<Text>,
    /// With `field`: a record without it is read without it.
    pub(crate) optional: Option<Located<bool>>,
}

/// How a record's kind is decided.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Kind")]
pub(crate) struct RawKind {
    /// The record's field that gives the kind.
    pub(crate) field: Option<Text>,
    /// The same kind for every record.
    pub(crate) value: Option<Text>,
    /// With `field`: values replaced by kinds (`Sondages: poll`).
    pub(crate) map: Option<Located<Entries<Text>>>,
    /// With `field`: the kind when the record has no such field, or (with a
    /// `map`) when no value is in the map.
    pub(crate) default: Option<Text>,
    /// With `field`: a record without it is classified.
    pub(crate) optional: Option<Located<bool>>,
    /// Classification of the records the field gives no kind.
    pub(crate) classify: Option<Located<RawClassify>>,
}

impl RawKind {
    /// The kind's own source (`field` or `value`), if it has one.
    pub(crate) fn source(&self) -> RawSource {
        RawSource {
            field: self.field.clone(),
            value: self.value.clone(),
            map: self.map.clone(),
            default: self.default.clone(),
            optional: self.optional.clone(),
        }
    }
}

/// Ordered classification rules.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Classify")]
pub(crate) struct RawClassify {
    /// The record's fields whose text the rules look at.
    #[serde(rename = "in")]
    #[schemars(length(min = 1))]
    pub(crate) over: Located<Vec<Text>>,
    /// Tried in order: the first that matches gives the kind.
    pub(crate) rules: Vec<RawRule>,
    /// The kind when no rule matches.
    pub(crate) default: Option<Text>,
    /// The highest severity of a finding on a classified record.
    #[schemars(extend("enum" = ["error", "warning", "info"]))]
    pub(crate) severity: Option<Text>,
}

/// One classification rule: keywords (its own, and shipped lists), a
/// regular expression, or both.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ClassificationRule")]
pub(crate) struct RawRule {
    pub(crate) kind: Text,
    /// Shipped keyword lists, `LANG.KIND` (`fr.poll`).
    pub(crate) lists: Option<Vec<Text>>,
    /// Words that start a word of the text, whatever their case.
    pub(crate) keywords: Option<Vec<Text>>,
    /// A regular expression (the `regex` crate's syntax).
    pub(crate) pattern: Option<Text>,
    /// The fields this rule looks at, instead of the classifier's.
    #[serde(rename = "in")]
    #[schemars(length(min = 1))]
    pub(crate) over: Option<Located<Vec<Text>>>,
}

/// A time format: one of the names, or a strftime pattern.
fn time_format(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "enum": TimeForm::NAMES },
            { "type": "string", "pattern": "%", "description": "A strftime pattern" }
        ]
    })
}

/// The JSON Schema of a profile file, for editors.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(RawProfile);
    schema.insert("title".into(), "scrutin source profile".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}
