//! Findings as SARIF 2.1.0, the format of GitHub code scanning.
//!
//! Typed structs of our own, with serde: scrutin writes a small, fixed subset
//! of SARIF. Rules become reporting descriptors (help text and citation URL);
//! findings become results located at their log line; invalid lines become
//! results of a rule of their own, one per code (`scrutin::log::syntax`…),
//! each tagged `invalid-line`, so that they are seen, not buried in a log.
//! The rules are written before the results stream, so every code has its
//! rule, used or not.
//! `partialFingerprints` are built from what identifies a finding (rule,
//! publication, round, regions), not from line numbers: a re-sorted schedule
//! keeps its alerts.

use std::io::{self, Write};

use serde::Serialize;

use super::json_list::{JsonList, SpilledList};
use super::{Report, message, utc_time};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{Finding, Violation};
use crate::publication::{LineErrorKind, Publication};
use crate::rulebook::{Rule, Rulebook, Severity};
use crate::source::{char_column, escape_unsafe};
use crate::waiver::{Acceptance, WaiverWarning};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub struct SarifReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    /// Results, written as they are found, once the head of the document is.
    results: JsonList,
    opened: bool,
    /// Files that could not be read, waivers that did nothing (inline ones
    /// may be as many as a log's lines): not results at a place, but
    /// notifications, kept aside until their place at the end.
    notifications: SpilledList,
}

/// Where the document is cut to stream its results: everything before is
/// known at the start, everything after only at the end.
const RESULTS: &str = "\"results\": []";
/// Where the end is cut to put the notifications kept aside.
const NOTIFICATIONS: &str = "\"toolExecutionNotifications\": []";

impl<'r, W: Write> SarifReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        SarifReport {
            out,
            rulebook,
            // Results are items of `runs[0].results`, four levels deep.
            results: JsonList::new(4),
            opened: false,
            // Items of `runs[0].invocations[0].toolExecutionNotifications`.
            notifications: SpilledList::new(6),
        }
    }

    /// The whole document without its results and notifications, pretty,
    /// cut where they go: the head, the part between, and the end.
    fn frame(&self, complete: bool) -> io::Result<(String, String, String)> {
        let mut rules: Vec<ReportingDescriptor> =
            self.rulebook.rules.iter().map(descriptor).collect();
        rules.extend(LineErrorKind::ALL.map(invalid_line_descriptor));
        let log = SarifLog {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "scrutin",
                        version: env!("CARGO_PKG_VERSION"),
                        rules,
                    },
                },
                results: &[],
                invocations: [Invocation {
                    execution_successful: complete,
                    tool_execution_notifications: &[],
                }],
            }],
        };
        let text = serde_json::to_string_pretty(&log)?;
        let cut = |text: &str, at: &str| {
            let (before, after) = text
                .split_once(at)
                .ok_or_else(|| io::Error::other(format!("the SARIF document has no {at}")))?;
            Ok::<_, io::Error>((before.to_string(), after.to_string()))
        };
        let (head, tail) = cut(&text, RESULTS)?;
        let (between, end) = cut(&tail, NOTIFICATIONS)?;
        Ok((format!("{head}\"results\": ["), between, end))
    }

    fn push(&mut self, result: &SarifResult) -> io::Result<()> {
        if !self.opened {
            let (head, _, _) = self.frame(true)?;
            self.out.write_all(head.as_bytes())?;
            self.opened = true;
        }
        self.results.push(&mut self.out, result)
    }
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: &'a [SarifResult],
    invocations: [Invocation<'a>; 1],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

/// A rule's property bag: its `tags`, which code scanning shows and filters on.
#[derive(Serialize)]
struct Properties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    /// A waived finding is a suppressed result, with the waiver's reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Suppression {
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: &'a [Notification],
}

#[derive(Serialize)]
struct Notification {
    /// What the notification is: its code (`scrutin::waivers::unused`…).
    descriptor: Descriptor,
    level: &'static str,
    message: Text,
}

/// A reference to a notification's descriptor, by its id alone.
#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let citation = format!("{} — {}", rule.citation, rule.citation.url);
    ReportingDescriptor {
        id: rule.id.clone(),
        name: rule.id.clone(),
        short_description: Text {
            text: rule.title.clone(),
        },
        full_description: Text {
            text: rule.help.clone(),
        },
        help: Help {
            text: format!("{}\n\n{citation}", rule.help),
            markdown: format!(
                "{}\n\n[{}]({})",
                rule.help, rule.citation, rule.citation.url
            ),
        },
        help_uri: Some(rule.citation.url.clone()),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: None,
    }
}

/// The rule of the invalid lines of one kind, tagged with their category.
fn invalid_line_descriptor(kind: LineErrorKind) -> ReportingDescriptor {
    let help = format!(
        "{}. The line could not be read as a publication, so it was not checked. Fix it so \
         that every publication is checked; docs/diagnostics.md shows an example of `{}`.",
        kind.summary(),
        kind.code()
    );
    ReportingDescriptor {
        id: kind.code().to_string(),
        name: kind.code().to_string(),
        short_description: Text {
            text: kind.summary().to_string(),
        },
        full_description: Text { text: help.clone() },
        help: Help {
            text: help.clone(),
            markdown: help,
        },
        help_uri: None,
        default_configuration: Configuration { level: "error" },
        properties: Some(Properties {
            tags: [LineErrorKind::CATEGORY],
        }),
    }
}

/// The index of the rule of invalid lines of `kind`: after the rulebook's.
fn invalid_line_index(rulebook: &Rulebook, kind: LineErrorKind) -> usize {
    let position = LineErrorKind::ALL.iter().position(|&k| k == kind);
    rulebook.rules.len() + position.unwrap_or(0)
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
    fn result(
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
            level: level(rule.severity),
            message: Text {
                text: message(self.rulebook, publication, finding),
            },
            locations: location(line, char_column(line.text, column)),
            partial_fingerprints: Fingerprints {
                finding: escape_unsafe(&fingerprint(self.rulebook, publication, finding)),
            },
            suppressions,
        }
    }
}

fn location(line: &LogLine, column: usize) -> [Location; 1] {
    [Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(line.file),
            },
            region: Region {
                start_line: line.number,
                start_column: column,
            },
        },
    }]
}

impl<W: Write> Report for SarifReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => self.push(&SarifResult {
                rule_id: error.code().to_string(),
                rule_index: invalid_line_index(self.rulebook, error.kind),
                level: "error",
                message: Text {
                    text: escape_unsafe(&error.message),
                },
                locations: location(line, char_column(line.text, error.span.offset)),
                partial_fingerprints: Fingerprints {
                    finding: escape_unsafe(&format!(
                        "{}|{}|{}",
                        error.code(),
                        uri(line.file),
                        line.text
                    )),
                },
                suppressions: Vec::new(),
            }),
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let result = self.result(line, publication, finding, Vec::new());
                    self.push(&result)?;
                }
                Ok(())
            }
        }
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let suppression = Suppression {
            kind: if acceptance.origin.inline {
                "inSource"
            } else {
                "external"
            },
            status: "accepted",
            justification: escape_unsafe(&acceptance.reason),
        };
        let result = self.result(line, publication, finding, vec![suppression]);
        self.push(&result)
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        self.notifications.push(&Notification {
            descriptor: Descriptor { id: warning.code() },
            level: "warning",
            message: Text {
                text: escape_unsafe(&format!(
                    "{} for `{}` at {}:{}",
                    warning.message, warning.rule, warning.origin.file, warning.origin.line
                )),
            },
        })
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.notifications.push(&Notification {
            descriptor: Descriptor { id: UNREADABLE },
            level: "error",
            message: Text {
                text: escape_unsafe(&format!("cannot read {file}: {reason}")),
            },
        })
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let (head, between, end) = self.frame(summary.complete())?;
        if !self.opened {
            self.out.write_all(head.as_bytes())?;
        }
        self.results.close(&mut self.out)?;
        write!(
            self.out,
            "{between}{}",
            NOTIFICATIONS.trim_end_matches("[]")
        )?;
        self.notifications.write_to(&mut self.out)?;
        self.out.write_all(end.as_bytes())?;
        writeln!(self.out)?;
        self.out.flush()
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
