//! Findings for machines: one JSON document.
//!
//! Violations are written as they are found, so that memory does not grow
//! with them on a campaign's worth of log: the document opens with `version`
//! and `rulebook`, streams `violations`, and ends with the lists filled in
//! the same pass (invalid lines, unreadable files, waived findings, waiver
//! warnings), kept aside in bounded memory or a temporary file until then,
//! and the `summary`, known only at the end.
//!
//! Built with serde from scrutin's own types (miette's JSON handler is not a
//! stable machine format). Instants are RFC 3339 in UTC; lines and columns are
//! 1-based, columns counted in characters. `version` changes only when a field
//! changes meaning or disappears.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use serde::Serialize;

use super::json_list::{JsonList, SpilledList, write_pretty};
use super::json_pretty::{self, Object};
use super::{
    Report, aggregate_message, finding_offset, local_rfc3339, measure_name, message, slot_text,
    utc_time,
};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{Aggregate, AggregateFinding, Breach, Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::{RuleBody, Rulebook, Severity, Window};
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};

pub(super) const JSON_VERSION: u32 = 1;

pub struct JsonReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    /// The violations, written as found; the document is open once one is.
    violations: JsonList,
    invalid: SpilledList,
    unreadable: SpilledList,
    waived: SpilledList,
    waiver_warnings: SpilledList,
    /// Findings of rules over many publications, and those waived.
    aggregates: SpilledList,
    waived_aggregates: SpilledList,
    times: HashMap<DateTime<Utc>, String>,
}

/// A finding of a rule over many publications: a range of lines.
#[derive(Serialize)]
struct JsonAggregate<'a> {
    rule: &'a str,
    severity: Severity,
    message: String,
    /// The group's value (`per`); empty when the rule groups all together.
    group: String,
    /// The first and last lines counted.
    first: JsonLine,
    last: JsonLine,
    /// A burst: how many publications in `[start, end)`, against the
    /// threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    burst: Option<JsonBurst>,
    /// A balance: a value's total against an equal share.
    #[serde(skip_serializing_if = "Option::is_none")]
    balance: Option<JsonBalance>,
    citation: JsonCitation<'a>,
    /// Why it was accepted, in `waived_aggregates`.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<JsonWaiver>,
}

#[derive(Serialize)]
struct JsonLine {
    file: String,
    line: usize,
}

#[derive(Serialize)]
struct JsonBalance {
    value: String,
    /// `duration` (seconds) or `count`.
    of: &'static str,
    amount: i64,
    total: i64,
    /// How many values share the total.
    values: usize,
    /// Shares in basis points (hundredths of a percent).
    share: i64,
    equal_share: i64,
    tolerance: u32,
    /// The period, `[start, end)`, or the instants totalled.
    start: String,
    end: String,
    /// The daily slot, local time (`18:00-24:00`), if the rule has slots.
    slot: Option<String>,
}

#[derive(Serialize)]
struct JsonBurst {
    count: u32,
    more_than: u32,
    start: String,
    end: String,
}

fn aggregate<'a>(
    rulebook: &'a Rulebook,
    finding: &AggregateFinding,
    acceptance: Option<&Acceptance>,
) -> JsonAggregate<'a> {
    let rule = &rulebook.rules[finding.rule];
    let line = |place: &crate::check::LineRef| JsonLine {
        file: escape_unsafe(&place.file),
        line: place.line,
    };
    JsonAggregate {
        rule: &rule.id,
        severity: rule.severity,
        message: aggregate_message(rulebook, finding),
        group: escape_unsafe(&finding.group),
        first: line(&finding.first),
        last: line(&finding.last),
        burst: match &finding.what {
            Aggregate::Burst {
                count,
                more_than,
                peak,
            } => Some(JsonBurst {
                count: *count,
                more_than: *more_than,
                start: utc_time(peak.start),
                end: utc_time(peak.end),
            }),
            Aggregate::Balance(_) => None,
        },
        balance: match &finding.what {
            Aggregate::Balance(imbalance) => {
                let period = imbalance.period.unwrap_or(imbalance.span);
                Some(JsonBalance {
                    value: escape_unsafe(&imbalance.value),
                    of: measure_name(imbalance.measure),
                    amount: imbalance.amount,
                    total: imbalance.total,
                    values: imbalance.values,
                    share: imbalance.share(),
                    equal_share: imbalance.equal_share(),
                    tolerance: imbalance.tolerance,
                    start: utc_time(period.start),
                    end: utc_time(period.end),
                    slot: imbalance.slot.map(slot_text),
                })
            }
            Aggregate::Burst { .. } => None,
        },
        citation: JsonCitation {
            article: &rule.citation.article,
            law: &rule.citation.law,
            url: &rule.citation.url,
        },
        waiver: acceptance.map(|acceptance| JsonWaiver {
            reason: escape_unsafe(&acceptance.reason),
            file: acceptance.origin.file.clone(),
            line: acceptance.origin.line,
            inline: acceptance.origin.inline,
        }),
    }
}

/// A finding a waiver accepted: the finding, and why.
#[derive(Serialize)]
struct JsonWaived<'a> {
    #[serde(flatten)]
    finding: JsonViolation<'a>,
    waiver: JsonWaiver,
}

#[derive(Serialize)]
struct JsonWaiver {
    reason: String,
    file: String,
    line: usize,
    inline: bool,
}

#[derive(Serialize)]
struct JsonWaiverWarning {
    rule: String,
    file: String,
    line: usize,
    /// `scrutin::waivers::unused` or `scrutin::waivers::expired`.
    code: &'static str,
    message: String,
}

impl<'r, W: Write> JsonReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        // Every list is a field of the document: its items two levels deep.
        JsonReport {
            out,
            rulebook,
            violations: JsonList::new(2),
            invalid: SpilledList::new(2),
            unreadable: SpilledList::new(2),
            waived: SpilledList::new(2),
            waiver_warnings: SpilledList::new(2),
            aggregates: SpilledList::new(2),
            waived_aggregates: SpilledList::new(2),
            times: window_times(rulebook),
        }
    }
}

/// The start of the document, up to the list of violations.
#[derive(Serialize)]
struct JsonHead<'a> {
    version: u32,
    rulebook: JsonRulebook<'a>,
}

#[derive(Serialize)]
struct JsonRulebook<'a> {
    id: &'a str,
    file: &'a str,
    /// Why the election's dates are not final, if they are not: said at
    /// the head, so that a report cut short still carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    rule: &'a str,
    severity: Severity,
    file: &'a str,
    line: usize,
    column: usize,
    timestamp: String,
    /// When a publication that lasts stops going out.
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    outlet: &'a str,
    kind: &'a str,
    /// How a profile's classification decided the kind, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind_from: Option<&'a str>,
    id: Option<&'a str>,
    message: String,
    /// Regions where the publication broke the rule.
    regions: RegionIds<'a>,
    round: Option<&'a str>,
    /// The first region's window, or null for a `requires` rule.
    window: Option<JsonWindow<'a>>,
    /// Each region's window.
    windows: JsonWindows<'a>,
    missing: &'a [String],
    citation: JsonCitation<'a>,
}

#[derive(Serialize)]
struct JsonWindow<'a> {
    region: &'a str,
    /// `None` (null) for a window in force at all times.
    start: Option<Cow<'a, str>>,
    end: Option<Cow<'a, str>>,
    /// The part of the window a publication that lasts went out in.
    #[serde(skip_serializing_if = "Option::is_none")]
    overlap: Option<JsonOverlap>,
}

/// `[start, end)` in UTC, and in the region's local time (RFC 3339 with
/// the region's offset then).
#[derive(Serialize)]
pub(super) struct JsonOverlap {
    start: String,
    end: String,
    local_start: String,
    local_end: String,
}

impl JsonOverlap {
    pub(super) fn new(overlap: &Window, zone: chrono_tz::Tz) -> Self {
        JsonOverlap {
            start: utc_time(overlap.start),
            end: utc_time(overlap.end),
            local_start: local_rfc3339(overlap.start, zone),
            local_end: local_rfc3339(overlap.end, zone),
        }
    }

    /// Writes it as serde_json's pretty printer does, as a field of `object`.
    pub(super) fn write_pretty(&self, object: &mut Object) {
        object.object("overlap", |object| {
            object.str("start", &self.start);
            object.str("end", &self.end);
            object.str("local_start", &self.local_start);
            object.str("local_end", &self.local_end);
        });
    }
}

/// Region ids, written as a list without being collected into one.
struct RegionIds<'a> {
    rulebook: &'a Rulebook,
    regions: &'a [usize],
    windows: &'a [Breach],
}

impl Serialize for RegionIds<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let id = |r: usize| self.rulebook.regions[r].id.as_str();
        let from_windows = self.windows.iter().map(|w| w.region);
        serializer.collect_seq(self.regions.iter().copied().chain(from_windows).map(id))
    }
}

/// Windows, written as a list without being collected into one.
struct JsonWindows<'a> {
    rulebook: &'a Rulebook,
    times: &'a HashMap<DateTime<Utc>, String>,
    windows: &'a [Breach],
}

impl<'a> JsonWindows<'a> {
    fn window(&self, window: &Breach) -> JsonWindow<'a> {
        let always = window.window.is_always();
        let time = |instant: DateTime<Utc>| match self.times.get(&instant) {
            // Ends the window has not (`always`, `Window::before`): null.
            _ if always || instant == DateTime::<Utc>::MIN_UTC => None,
            Some(text) => Some(Cow::Borrowed(text.as_str())),
            None => Some(Cow::Owned(utc_time(instant))),
        };
        let region = &self.rulebook.regions[window.region];
        JsonWindow {
            region: &region.id,
            start: time(window.window.start),
            end: time(window.window.end),
            overlap: window.overlap.map(|o| JsonOverlap::new(&o, region.zone)),
        }
    }
}

impl Serialize for JsonWindows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.windows.iter().map(|w| self.window(w)))
    }
}

impl JsonViolation<'_> {
    /// Writes the violation as serde_json's pretty printer writes it
    /// `depth` levels deep (see `json_pretty`).
    fn write_pretty(&self, out: &mut Vec<u8>, depth: usize) {
        let window = |object: &mut Object, window: &JsonWindow| {
            object.str("region", window.region);
            object.optional_str("start", window.start.as_deref());
            object.optional_str("end", window.end.as_deref());
            if let Some(overlap) = &window.overlap {
                overlap.write_pretty(object);
            }
        };
        let mut object = Object::open(out, depth);
        object.str("rule", self.rule);
        object.str("severity", self.severity.name());
        object.str("file", self.file);
        object.number("line", self.line);
        object.number("column", self.column);
        object.str("timestamp", &self.timestamp);
        if let Some(end) = &self.end {
            object.str("end", end);
        }
        object.str("outlet", self.outlet);
        object.str("kind", self.kind);
        if let Some(how) = self.kind_from {
            object.str("kind_from", how);
        }
        object.optional_str("id", self.id);
        object.str("message", &self.message);
        let rulebook = self.regions.rulebook;
        let regions = self.regions.regions.iter().copied();
        let regions = regions.chain(self.regions.windows.iter().map(|w| w.region));
        object.array("regions", regions, |out, _, region| {
            json_pretty::string(out, &rulebook.regions[region].id);
        });
        object.optional_str("round", self.round);
        match &self.window {
            Some(first) => object.object("window", |object| window(object, first)),
            None => object.null("window"),
        }
        object.array("windows", self.windows.windows, |out, depth, w| {
            let mut object = Object::open(out, depth);
            window(&mut object, &self.windows.window(w));
            object.close();
        });
        object.array("missing", self.missing, |out, _, key| {
            json_pretty::string(out, key)
        });
        object.object("citation", |object| {
            object.str("article", self.citation.article);
            object.str("law", self.citation.law);
            object.str("url", self.citation.url);
        });
        object.close();
    }
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    article: &'a str,
    law: &'a str,
    url: &'a str,
}

/// Every window bound of a rulebook, written in UTC once: findings repeat them.
fn window_times(rulebook: &Rulebook) -> HashMap<DateTime<Utc>, String> {
    let windows = rulebook.rules.iter().flat_map(|rule| match &rule.body {
        RuleBody::Window(window_rule) => window_rule.windows.as_slice(),
        RuleBody::Requires(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => &[],
    });
    windows
        .filter(|w| !w.window.is_always())
        .flat_map(|w| [w.window.start, w.window.end])
        .map(|instant| (instant, utc_time(instant)))
        .collect()
}

#[derive(Serialize)]
struct JsonInvalid {
    file: String,
    line: usize,
    column: usize,
    /// What is wrong: `scrutin::log::syntax`… (docs/diagnostics.md).
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct JsonUnreadable {
    file: String,
    /// `scrutin::log::unreadable`.
    code: &'static str,
    message: String,
}

impl<W: Write> JsonReport<'_, W> {
    /// Writes the head of the document and opens the list of violations.
    fn open(&mut self) -> io::Result<()> {
        let head = JsonHead {
            version: JSON_VERSION,
            rulebook: JsonRulebook {
                id: &self.rulebook.id,
                file: self.rulebook.file_name(),
                provisional: self.rulebook.provisional.as_deref(),
            },
        };
        let text = serde_json::to_string_pretty(&head)?;
        let fields = text.strip_suffix("\n}").unwrap_or(&text);
        write!(self.out, "{fields},\n  \"violations\": [")
    }
}

impl<W: Write> Report for JsonReport<'_, W> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Invalid(error) => self.invalid.push(&JsonInvalid {
                file: line.file.to_string(),
                line: line.position(error.span.offset).0,
                column: line.position(error.span.offset).1,
                code: error.code(),
                message: escape_unsafe(&error.message),
            })?,
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    if self.violations.is_empty() {
                        self.open()?;
                    }
                    let violation =
                        violation(self.rulebook, &self.times, line, publication, finding);
                    self.violations.push_with(&mut self.out, |buffer, depth| {
                        violation.write_pretty(buffer, depth);
                    })?;
                }
            }
        }
        Ok(())
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let finding = violation(self.rulebook, &self.times, line, publication, finding);
        self.waived.push(&JsonWaived {
            finding,
            waiver: JsonWaiver {
                reason: escape_unsafe(&acceptance.reason),
                file: acceptance.origin.file.clone(),
                line: acceptance.origin.line,
                inline: acceptance.origin.inline,
            },
        })
    }

    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        self.aggregates
            .push(&aggregate(self.rulebook, finding, None))
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        self.waived_aggregates
            .push(&aggregate(self.rulebook, finding, Some(acceptance)))
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        self.waiver_warnings.push(&JsonWaiverWarning {
            rule: warning.rule.clone(),
            file: warning.origin.file.clone(),
            line: warning.origin.line,
            code: warning.code(),
            message: escape_unsafe(&warning.message),
        })
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.unreadable.push(&JsonUnreadable {
            file: file.to_string(),
            code: UNREADABLE,
            message: escape_unsafe(reason),
        })
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.violations.is_empty() {
            self.open()?;
        }
        self.violations.close(&mut self.out)?;
        let lists = [
            ("aggregates", &mut self.aggregates),
            ("invalid", &mut self.invalid),
            ("unreadable", &mut self.unreadable),
            ("waived", &mut self.waived),
            ("waiver_warnings", &mut self.waiver_warnings),
            ("waived_aggregates", &mut self.waived_aggregates),
        ];
        for (name, list) in lists {
            write!(self.out, ",\n  \"{name}\": ")?;
            list.write_to(&mut self.out)?;
        }
        self.out.write_all(b",\n  \"summary\": ")?;
        write_pretty(&mut self.out, summary, 1)?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()
    }
}

/// A finding as the JSON report writes it.
fn violation<'a>(
    rulebook: &'a Rulebook,
    times: &'a HashMap<DateTime<Utc>, String>,
    line: &LogLine<'a>,
    publication: &'a Publication,
    finding: &'a Finding,
) -> JsonViolation<'a> {
    let rule = &rulebook.rules[finding.rule];
    let (regions, round, windows, missing) = match &finding.violation {
        Violation::InsideWindow { round, windows } => (
            &[][..],
            round.map(|r| rulebook.rounds[r].id.as_str()),
            windows.as_slice(),
            &[][..],
        ),
        Violation::MissingAttributes(missing) => {
            (publication.regions(), None, &[][..], missing.as_slice())
        }
    };
    let windows = JsonWindows {
        rulebook,
        times,
        windows,
    };
    let position = line.position(finding_offset(publication, finding));
    JsonViolation {
        rule: &rule.id,
        severity: finding.severity(rulebook, publication),
        file: line.file,
        line: position.0,
        column: position.1,
        timestamp: utc_time(publication.instant()),
        end: publication.end().map(utc_time),
        outlet: publication.outlet(),
        kind: publication.kind(),
        kind_from: publication.kind_how(),
        id: publication.id(),
        message: message(rulebook, publication, finding),
        regions: RegionIds {
            rulebook,
            regions,
            windows: windows.windows,
        },
        round,
        window: windows.windows.first().map(|w| windows.window(w)),
        windows,
        missing,
        citation: JsonCitation {
            article: &rule.citation.article,
            law: &rule.citation.law,
            url: &rule.citation.url,
        },
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn french() -> Rulebook {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        crate::rulebook::load(path.as_ref()).unwrap()
    }

    /// Any text, with the characters JSON must escape and some it must not.
    fn text() -> impl Strategy<Value = String> {
        "[ -~\u{0}-\u{1f}\u{7f}é\u{202e}\u{1F5F3}\"\\\\]{0,24}"
    }

    proptest! {
        /// The violation written by hand is serde_json's pretty printing of
        /// it, byte for byte, at any depth and for any text.
        #[test]
        fn a_violation_is_written_as_serde_json_writes_it(
            (rule, file, outlet, kind, message) in (text(), text(), text(), text(), text()),
            (id, round, timestamp, kind_from) in (prop::option::of(text()), prop::option::of(text()), text(), prop::option::of(text())),
            end in prop::option::of(text()),
            (line, column, depth) in (any::<usize>(), 0usize..100_000, 0usize..5),
            (windows, regions) in (prop::collection::vec((0usize..12, 0i64..2_000_000_000, prop::option::of(0i64..3600)), 0..3), prop::collection::vec(0usize..12, 0..3)),
            missing in prop::collection::vec(text(), 0..3),
            (article, law, url) in (text(), text(), text()),
        ) {
            let rulebook = french();
            let times = window_times(&rulebook);
            let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap();
            let windows: Vec<Breach> = windows
                .into_iter()
                .map(|(region, start, overlap)| Breach {
                    region,
                    window: Window { start: at(start), end: at(start + 3600) },
                    overlap: overlap.map(|o| Window { start: at(start + o), end: at(start + 3600) }),
                })
                .collect();
            let windows = JsonWindows { rulebook: &rulebook, times: &times, windows: &windows };
            let violation = JsonViolation {
                rule: &rule,
                severity: Severity::Warning,
                file: &file,
                line,
                column,
                timestamp,
                end,
                outlet: &outlet,
                kind: &kind,
                kind_from: kind_from.as_deref(),
                id: id.as_deref(),
                message,
                regions: RegionIds { rulebook: &rulebook, regions: &regions, windows: windows.windows },
                round: round.as_deref(),
                window: windows.windows.first().map(|w| windows.window(w)),
                windows,
                missing: &missing,
                citation: JsonCitation { article: &article, law: &law, url: &url },
            };
            let mut by_hand = Vec::new();
            violation.write_pretty(&mut by_hand, depth);
            let mut by_serde = Vec::new();
            super::super::json_list::pretty_into(&mut by_serde, &violation, depth).unwrap();
            prop_assert_eq!(String::from_utf8(by_hand).unwrap(), String::from_utf8(by_serde).unwrap());
        }
    }
}
