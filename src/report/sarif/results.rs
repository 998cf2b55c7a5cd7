//! Findings and invalid lines as SARIF results, located at their log line
//! and fingerprinted by what they are about.

use std::io::Write;

use serde::Serialize;

use super::descriptors::{invalid_line_index, level};
use super::{SarifReport, Text};
use crate::audit::LogLine;
use crate::check::{AggregateFinding, Finding, Violation};
use crate::publication::{LineError, Publication};
use crate::report::{aggregate_message, line_range, message, utc_time};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::waiver::Acceptance;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    /// An aggregate finding's last line (its first is `locations`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: Fingerprints,
    /// A waived finding is a suppressed result, with the waiver's reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
pub(super) struct Suppression {
    /// `inSource` for an inline waiver, `external` for a waiver file.
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "scrutinFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

/// A file name as a URI reference relative to where scrutin runs (the
/// repository root in CI): path separators kept, every byte outside RFC 3986's
/// unreserved characters percent-encoded (`<stdin>` is `%3Cstdin%3E`).
fn uri(file: &str) -> String {
    let path = file.strip_prefix("./").unwrap_or(file).replace('\\', "/");
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// What identifies a finding across runs, whatever line it moved to.
fn fingerprint(rulebook: &Rulebook, publication: &Publication, finding: &Finding) -> String {
    let rule = &rulebook.rules[finding.rule].id;
    let item = match &publication.id() {
        Some(id) => format!("id={id}"),
        None => format!(
            "outlet={}|at={}",
            publication.outlet(),
            utc_time(publication.instant())
        ),
    };
    let scope = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let round = round.map_or("election", |r| rulebook.rounds[r].id.as_str());
            let regions: Vec<&str> = windows
                .iter()
                .map(|w| rulebook.regions[w.region].id.as_str())
                .collect();
            format!("{round}|{}", regions.join(","))
        }
        Violation::MissingAttributes(missing) => format!("missing={}", missing.join(",")),
    };
    format!("{rule}|{item}|{scope}")
}

impl<W: Write> SarifReport<'_, W> {
    pub(super) fn result(
        &self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        suppressions: Vec<Suppression>,
    ) -> SarifResult {
        let rule = &self.rulebook.rules[finding.rule];
        let column = match finding.violation {
            Violation::InsideWindow { .. } => publication.spans().timestamp.offset,
            Violation::MissingAttributes(_) => publication.spans().kind.offset,
        };
        SarifResult {
            rule_id: rule.id.clone(),
            rule_index: finding.rule,
            level: level(finding.severity(self.rulebook, publication)),
            message: Text {
                text: message(self.rulebook, publication, finding),
            },
            locations: location(line, column),
            related_locations: Vec::new(),
            partial_fingerprints: Fingerprints {
                finding: escape_unsafe(&fingerprint(self.rulebook, publication, finding)),
            },
            suppressions,
        }
    }

    /// An aggregate finding: located at its first line, its last line a
    /// related location; fingerprinted by rule, group and interval.
    pub(super) fn aggregate_result(
        &self,
        finding: &AggregateFinding,
        suppressions: Vec<Suppression>,
    ) -> SarifResult {
        let rule = &self.rulebook.rules[finding.rule];
        let place = |at: &crate::check::LineRef| PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&at.file) },
            region: Region {
                start_line: at.line,
                start_column: 1,
            },
        };
        let interval = finding.interval();
        SarifResult {
            rule_id: rule.id.clone(),
            rule_index: finding.rule,
            level: level(rule.severity),
            message: Text {
                text: format!(
                    "{} ({})",
                    aggregate_message(self.rulebook, finding),
                    line_range(finding)
                ),
            },
            locations: [Location {
                physical_location: place(&finding.first),
            }],
            related_locations: vec![RelatedLocation {
                id: 1,
                physical_location: place(&finding.last),
                message: Text {
                    text: "the last line counted".to_string(),
                },
            }],
            partial_fingerprints: Fingerprints {
                finding: escape_unsafe(&format!(
                    "{}|{}|from={}",
                    rule.id,
                    finding.identity(),
                    utc_time(interval.start)
                )),
            },
            suppressions,
        }
    }
}

/// The place of byte `at` of a record.
fn location(line: &LogLine, at: usize) -> [Location; 1] {
    let (start_line, start_column) = line.position(at);
    [Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(line.file),
            },
            region: Region {
                start_line,
                start_column,
            },
        },
    }]
}

/// An invalid line, as a result of the rule of its code.
pub(super) fn invalid_line_result(
    rulebook: &Rulebook,
    line: &LogLine,
    error: &LineError,
) -> SarifResult {
    SarifResult {
        rule_id: error.code().to_string(),
        rule_index: invalid_line_index(rulebook, error.kind),
        level: "error",
        message: Text {
            text: escape_unsafe(&error.message),
        },
        locations: location(line, error.span.offset),
        related_locations: Vec::new(),
        partial_fingerprints: Fingerprints {
            finding: escape_unsafe(&format!(
                "{}|{}|{}",
                error.code(),
                uri(line.file),
                line.text
            )),
        },
        suppressions: Vec::new(),
    }
}

/// A waived finding's suppression: accepted, with the waiver's reason.
pub(super) fn suppression(acceptance: &Acceptance) -> Suppression {
    Suppression {
        kind: if acceptance.origin.inline {
            "inSource"
        } else {
            "external"
        },
        status: "accepted",
        justification: escape_unsafe(&acceptance.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("samples/a.log"), "samples/a.log");
        assert_eq!(uri("./samples/a.log"), "samples/a.log");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("logs/été 2017.log"), "logs/%C3%A9t%C3%A9%202017.log");
    }
}
