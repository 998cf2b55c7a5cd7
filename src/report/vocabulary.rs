//! What a publication log of an election may say (`rules vocabulary`), for
//! newsrooms who write logs and do not read YAML: the kinds, channels and
//! regions, the fields of a line, and the attributes the rules ask for.

use std::io::{self, Write};

use chrono::{FixedOffset, NaiveDate, Offset};
use serde::Serialize;

use super::column_width;
use super::rules::describe_filter;
use crate::field::{FIELDS, Field};
use crate::rulebook::{Region, Rule, RuleBody, Rulebook, Term};
use crate::source::escape_unsafe;

/// An attribute a rule requires, or tests to decide whether it applies.
struct AttributeUse<'a> {
    key: &'a str,
    rule: &'a Rule,
    /// The value the rule's filter compares it with; `None` when required.
    tested_value: Option<&'a str>,
    /// The set of values the rule's filter tests it against.
    tested_set: Option<&'a crate::rulebook::AttributeSet>,
}

/// Every attribute the rules ask for, rule by rule, in the order written.
fn attribute_uses(rulebook: &Rulebook) -> Vec<AttributeUse<'_>> {
    let mut uses = Vec::new();
    for rule in &rulebook.rules {
        for (key, value) in &rule.filter.attributes {
            uses.push(AttributeUse {
                key,
                rule,
                tested_value: Some(value),
                tested_set: None,
            });
        }
        for set in &rule.filter.attribute_sets {
            uses.push(AttributeUse {
                key: &set.key,
                rule,
                tested_value: None,
                tested_set: Some(set),
            });
        }
        if let RuleBody::Requires(requirement) = &rule.body {
            uses.extend(requirement.attributes.iter().map(|key| AttributeUse {
                key,
                rule,
                tested_value: None,
                tested_set: None,
            }));
        }
    }
    uses
}

/// What a rule does with the attribute, in words.
fn attribute_use_text(rulebook: &Rulebook, usage: &AttributeUse) -> String {
    let applies_to = describe_filter(rulebook, &usage.rule.filter);
    if let Some(set) = usage.tested_set {
        let test = if set.none_of { "none of" } else { "one of" };
        return format!(
            "the rule applies when {} is {test} {}",
            usage.key,
            set.values.join(", ")
        );
    }
    match (usage.tested_value, &usage.rule.body) {
        (Some(value), _) => format!("the rule applies when {}={value}", usage.key),
        (None, RuleBody::Requires(requirement)) => {
            format!(
                "required of {applies_to}{}",
                super::copies_text(requirement)
            )
        }
        (None, _) => format!("required of {applies_to}"),
    }
}

/// The region's first polling day and its offset from UTC when the polls
/// open: what a newsroom's clock reads there. `None` for a law without rounds.
fn polling_day(rulebook: &Rulebook, region: usize) -> Option<(NaiveDate, FixedOffset)> {
    let zone = rulebook.regions[region].zone;
    // The earliest: a region may vote before the others (overseas France).
    let polls = rulebook
        .rounds
        .iter()
        .filter_map(|round| round.polls.get(region))
        .min_by_key(|polls| polls.open)?;
    let offset = polls.open.with_timezone(&zone).offset().fix();
    Some((polls.vote, offset))
}

/// `UTC-04:00 on 2021-09-20`.
fn offset_text(day: NaiveDate, offset: FixedOffset) -> String {
    format!("UTC{offset} on {day}")
}

pub fn vocabulary_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} — {} ({})",
        escape_unsafe(&rulebook.id),
        escape_unsafe(&rulebook.title),
        escape_unsafe(&rulebook.jurisdiction)
    )?;
    writeln!(
        out,
        "A log has one publication a line: a timestamp, then key=value fields."
    )?;
    writeln!(out, "\nkinds (kind=…, required):")?;
    terms_text(&rulebook.kinds, out)?;
    writeln!(out, "\nchannels (channel=…, optional):")?;
    terms_text(&rulebook.channels, out)?;
    // A layer of law above the states (the EU's) has no regions.
    let default = rulebook
        .regions
        .get(rulebook.default_region)
        .map_or_else(|| "none".to_string(), |r| escape_unsafe(&r.id));
    writeln!(
        out,
        "\nregions (region=…, optional, comma-separated; default: {default}):"
    )?;
    regions_text(rulebook, out)?;
    writeln!(out, "\nfields of a line:")?;
    fields_text(out)?;
    attributes_text(rulebook, out)
}

/// A table, its columns as wide as their widest cell (header included), the
/// last column unpadded. Cells are escaped before they are measured.
fn table(header: &[&str], rows: Vec<Vec<String>>, out: &mut dyn Write) -> io::Result<()> {
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            column_width(
                rows.iter().map(|row| row[column].chars().count()),
                header[column],
            )
        })
        .collect();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(&format!(" {cell:<width$} "));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn terms_text(terms: &[Term], out: &mut dyn Write) -> io::Result<()> {
    let rows = terms
        .iter()
        .map(|term| vec![escape_unsafe(&term.id), escape_unsafe(&term.description)])
        .collect();
    table(&["id", "description"], rows, out)
}

fn regions_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    let has_rounds = !rulebook.rounds.is_empty();
    let rows = rulebook
        .regions
        .iter()
        .enumerate()
        .map(|(index, region)| {
            let mut row = vec![
                escape_unsafe(&region.id),
                escape_unsafe(&region.name),
                region.zone.name().to_string(),
            ];
            if has_rounds {
                row.push(
                    polling_day(rulebook, index)
                        .map_or_else(String::new, |(day, offset)| offset_text(day, offset)),
                );
            }
            row.push(covers_text(region));
            row
        })
        .collect();
    let mut header = vec!["id", "name", "zone"];
    if has_rounds {
        header.push("UTC offset (first polling day)");
    }
    header.push("covers");
    table(&header, rows, out)
}

fn covers_text(region: &Region) -> String {
    region
        .covers
        .iter()
        .map(|place| escape_unsafe(place))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fields_text(out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<Vec<String>> = FIELDS
        .iter()
        .map(|field| {
            vec![
                field.key.to_string(),
                presence(field).to_string(),
                field.meaning.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "any other key".to_string(),
        "attribute".to_string(),
        "a fact about the publication that rules may require or test".to_string(),
    ]);
    table(&["key", "", "meaning"], rows, out)
}

fn presence(field: &Field) -> &'static str {
    if field.required {
        "required"
    } else {
        "optional"
    }
}

fn attributes_text(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    let uses = attribute_uses(rulebook);
    if uses.is_empty() {
        return writeln!(out, "\nno rule requires or tests an attribute.");
    }
    writeln!(out, "\nattributes the rules ask for:")?;
    let rows = uses
        .iter()
        .map(|usage| {
            vec![
                escape_unsafe(usage.key),
                escape_unsafe(&usage.rule.id),
                escape_unsafe(&attribute_use_text(rulebook, usage)),
            ]
        })
        .collect();
    table(&["attribute", "rule", "how"], rows, out)
}

#[derive(Serialize)]
struct JsonVocabulary<'a> {
    rulebook: &'a str,
    title: &'a str,
    jurisdiction: &'a str,
    file: &'a str,
    kinds: Vec<JsonTerm<'a>>,
    channels: Vec<JsonTerm<'a>>,
    default_region: &'a str,
    regions: Vec<JsonRegion<'a>>,
    fields: Vec<JsonField>,
    attributes: Vec<JsonAttribute<'a>>,
}

#[derive(Serialize)]
struct JsonTerm<'a> {
    id: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct JsonRegion<'a> {
    id: &'a str,
    name: &'a str,
    zone: &'a str,
    default: bool,
    /// The region's first polling day, and its offset from UTC then; `null`
    /// for a law without rounds.
    first_polling_day: Option<String>,
    utc_offset: Option<String>,
    covers: &'a [String],
}

#[derive(Serialize)]
struct JsonField {
    key: &'static str,
    required: bool,
    meaning: &'static str,
}

#[derive(Serialize)]
struct JsonAttribute<'a> {
    key: &'a str,
    rule: &'a str,
    /// `required`, or `tested`: the rule applies when it equals `value`.
    #[serde(rename = "use")]
    usage: &'static str,
    value: Option<&'a str>,
    /// What `rules vocabulary` says of it.
    description: String,
}

fn json_terms(terms: &[Term]) -> Vec<JsonTerm<'_>> {
    terms
        .iter()
        .map(|term| JsonTerm {
            id: &term.id,
            description: &term.description,
        })
        .collect()
}

pub fn vocabulary_json(rulebook: &Rulebook, out: &mut dyn Write) -> io::Result<()> {
    let regions = rulebook
        .regions
        .iter()
        .enumerate()
        .map(|(index, region)| {
            let day = polling_day(rulebook, index);
            JsonRegion {
                id: &region.id,
                name: &region.name,
                zone: region.zone.name(),
                default: index == rulebook.default_region,
                first_polling_day: day.map(|(day, _)| day.to_string()),
                utc_offset: day.map(|(_, offset)| offset.to_string()),
                covers: &region.covers,
            }
        })
        .collect();
    let attributes = attribute_uses(rulebook)
        .iter()
        .map(|usage| JsonAttribute {
            key: usage.key,
            rule: &usage.rule.id,
            usage: if usage.tested_value.is_some() || usage.tested_set.is_some() {
                "tested"
            } else {
                "required"
            },
            value: usage.tested_value,
            description: attribute_use_text(rulebook, usage),
        })
        .collect();
    let document = JsonVocabulary {
        rulebook: &rulebook.id,
        title: &rulebook.title,
        jurisdiction: &rulebook.jurisdiction,
        file: rulebook.file_name(),
        kinds: json_terms(&rulebook.kinds),
        channels: json_terms(&rulebook.channels),
        default_region: rulebook
            .regions
            .get(rulebook.default_region)
            .map_or("", |r| r.id.as_str()),
        regions,
        fields: FIELDS
            .iter()
            .map(|field| JsonField {
                key: field.key,
                required: field.required,
                meaning: field.meaning,
            })
            .collect(),
        attributes,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
