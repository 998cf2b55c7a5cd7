//! `Publication` → log line: the inverse of `read`.
//!
//! A value is written bare when it can be, and quoted otherwise (blank,
//! holding whitespace or `"`), with `\"` and `\\` escaped. The instant is
//! written in UTC, with the zone the line named, if any (`…Z[Europe/Paris]`,
//! which RFC 9557 reads as the same instant).

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use super::Publication;
use crate::rulebook::Rulebook;

/// The log line that reads back as `publication` under `rulebook`.
pub fn to_line(publication: &Publication, rulebook: &Rulebook) -> String {
    let mut line = timestamp(publication.instant());
    if let Some(zone) = publication.zone() {
        let _ = write!(line, "[{}]", zone.name());
    }
    field(&mut line, "outlet", publication.outlet());
    field(&mut line, "kind", publication.kind());
    let optional = [
        ("channel", publication.channel()),
        ("id", publication.id()),
        ("title", publication.title()),
        ("url", publication.url()),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            field(&mut line, key, value);
        }
    }
    let regions: Vec<&str> = publication
        .regions()
        .iter()
        .map(|&r| rulebook.regions[r].id.as_str())
        .collect();
    field(&mut line, "region", &regions.join(","));
    let tags: Vec<&str> = publication.tags().collect();
    if !tags.is_empty() {
        field(&mut line, "tags", &tags.join(","));
    }
    if let Some(first) = publication.first_published() {
        field(&mut line, "first_published", &timestamp(first));
    }
    if let Some(end) = publication.end() {
        field(&mut line, "end", &timestamp(end));
    }
    for (key, value) in publication.attributes() {
        field(&mut line, key, value);
    }
    line
}

fn timestamp(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Appends ` key=value` to a log line, quoting the value when it must be.
/// The log syntax holds no control character but the tab: one in a value
/// read from another syntax (a line break in a JSON title) is written as a
/// space.
pub fn field(line: &mut String, key: &str, value: &str) {
    let spaced;
    let value = if value.contains(|c: char| c.is_control() && c != '\t') {
        spaced = value.replace(|c: char| c.is_control() && c != '\t', " ");
        spaced.as_str()
    } else {
        value
    };
    let bare = !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '"');
    if bare {
        let _ = write!(line, " {key}={value}");
    } else {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        let _ = write!(line, " {key}=\"{escaped}\"");
    }
}
