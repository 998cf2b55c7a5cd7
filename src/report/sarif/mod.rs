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
//!
//! Here is the document around them; `descriptors` describes the rules,
//! `results` writes each finding or invalid line as a result.

mod descriptors;
mod results;

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use super::json_list::{JsonList, SpilledList};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{AggregateFinding, Finding};
use crate::publication::{LineErrorKind, Publication};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};
use descriptors::{ReportingDescriptor, descriptor, invalid_line_descriptor};
use results::{SarifResult, invalid_line_result, suppression};

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
                properties: self
                    .rulebook
                    .provisional
                    .as_deref()
                    .map(|provisional| RunProperties { provisional }),
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
    /// Why the election's dates are not final, if they are not.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    provisional: &'a str,
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
struct Text {
    text: String,
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

impl<W: Write> Report for SarifReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => self.push(&invalid_line_result(self.rulebook, line, error)),
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
        let result = self.result(line, publication, finding, vec![suppression(acceptance)]);
        self.push(&result)
    }

    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let result = self.aggregate_result(finding, Vec::new());
        self.push(&result)
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let result = self.aggregate_result(finding, vec![suppression(acceptance)]);
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
