//! Waivers: findings accepted on purpose, each with its reason.
//!
//! Two ways to write one, both strict (a malformed waiver is an error, never
//! a silent "allow everything"):
//! - inline, on the comment line(s) right before a publication:
//!   `# scrutin: allow poll-ban reason="Republication ordered by the court"`;
//! - in a waiver file (`--waivers FILE`), matching a publication by `id`, by
//!   `outlet`, or by `file` and `line`, with an optional `expires` date after
//!   which it no longer applies and is reported.
//!
//! A waived finding is still reported, in a list of its own; a waiver that
//! accepted nothing, or has expired, is reported as a warning.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::publication::{LineError, LineErrorKind, Publication, log};
use crate::rulebook::schema::{Located, Place, Text, from_file};
use crate::rulebook::{ProblemKind, Problems, Rulebook, RulebookError, read_yaml_file};
use crate::side_file::{self, SideFile};
use crate::source::{SourceFile, Span, did_you_mean, escape_unsafe};
use crate::time::parse_date;

/// Where a waiver is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// Written in a log, before the publication it accepts, or in a waiver file.
    pub inline: bool,
}

/// What a waiver file entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Id(String),
    Outlet(String),
    Line { file: String, line: usize },
}

#[derive(Debug, Clone)]
pub struct Waiver {
    /// Index into the rulebook's rules.
    pub rule: usize,
    pub matches: Match,
    pub reason: String,
    /// The last day (UTC) on which it applies.
    pub expires: Option<NaiveDate>,
    pub origin: Origin,
}

/// Why a finding was accepted: the waiver's reason and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub reason: String,
    pub origin: Origin,
}

/// A waiver that did not do its job, reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverWarning {
    pub kind: WaiverWarningKind,
    pub origin: Origin,
    pub rule: String,
    pub message: String,
}

/// How a waiver failed to do its job; each way has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaiverWarningKind {
    /// It accepted no finding.
    Unused,
    /// Its `expires` date has passed: it no longer applies.
    Expired,
}

impl WaiverWarningKind {
    /// Every kind, in the order `docs/diagnostics.md` lists them.
    pub const ALL: [WaiverWarningKind; 2] = [WaiverWarningKind::Unused, WaiverWarningKind::Expired];

    /// The stable code: `scrutin::waivers::…`.
    pub fn code(self) -> &'static str {
        match self {
            WaiverWarningKind::Unused => "scrutin::waivers::unused",
            WaiverWarningKind::Expired => "scrutin::waivers::expired",
        }
    }
}

impl WaiverWarning {
    /// The stable code of its kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// The waivers of a waiver file, and which of them were used.
#[derive(Debug, Default)]
pub struct Waivers {
    waivers: Vec<Waiver>,
    used: Vec<bool>,
    today: Option<NaiveDate>,
}

impl Waivers {
    /// No waiver file: inline waivers only.
    pub fn none() -> Self {
        Waivers::default()
    }

    /// Are there no waivers to consult?
    pub fn is_empty(&self) -> bool {
        self.waivers.is_empty()
    }

    /// Reads a waiver file; `today` decides which waivers have expired.
    pub fn load(
        path: &Path,
        rulebook: &Rulebook,
        today: NaiveDate,
    ) -> Result<Waivers, RulebookError> {
        let text = side_file::read(path, SideFile::Waivers)
            .map_err(|reason| RulebookError::unreadable(SideFile::Waivers, path, reason))?;
        Waivers::parse(
            SourceFile::new(path.display().to_string(), text),
            rulebook,
            today,
        )
    }

    pub fn parse(
        source: SourceFile,
        rulebook: &Rulebook,
        today: NaiveDate,
    ) -> Result<Waivers, RulebookError> {
        let mut problems = Problems::new();
        let file = problems.add_file(source);
        let raw: RawWaiverFile =
            match from_file(file, || read_yaml_file(problems.file(file).text())) {
                Ok(raw) => raw,
                Err(error) => {
                    let at = Place {
                        file,
                        span: error.span,
                    };
                    problems.add(error.kind, at, error.message, "here");
                    return Err(problems.into_waiver_error());
                }
            };
        let waivers: Vec<Waiver> = raw
            .waivers
            .iter()
            .filter_map(|w| waiver(w, rulebook, &mut problems))
            .collect();
        if !problems.is_empty() {
            return Err(problems.into_waiver_error());
        }
        Ok(Waivers {
            used: vec![false; waivers.len()],
            waivers,
            today: Some(today),
        })
    }

    fn expired(&self, waiver: &Waiver) -> bool {
        matches!((waiver.expires, self.today), (Some(last), Some(today)) if today > last)
    }

    /// The file waiver that accepts a finding of `rule` for `publication` at
    /// `file`:`line`, if any; it is then used.
    pub fn accept(
        &mut self,
        file: &str,
        line: usize,
        publication: &Publication,
        rule: usize,
    ) -> Option<&Waiver> {
        let index = (0..self.waivers.len()).find(|&i| {
            let waiver = &self.waivers[i];
            waiver.rule == rule
                && !self.expired(waiver)
                && matches(&waiver.matches, file, line, publication)
        })?;
        self.used[index] = true;
        Some(&self.waivers[index])
    }

    /// Waivers that accepted nothing, and waivers that have expired.
    pub fn warnings(&self, rulebook: &Rulebook) -> Vec<WaiverWarning> {
        self.waivers
            .iter()
            .zip(&self.used)
            .filter_map(|(waiver, &used)| {
                let (kind, message) = if self.expired(waiver) {
                    let expired = format!("expired on {}: it no longer applies", waiver.expires?);
                    (WaiverWarningKind::Expired, expired)
                } else if !used {
                    let unused = "unused: it accepted no finding".to_string();
                    (WaiverWarningKind::Unused, unused)
                } else {
                    return None;
                };
                Some(WaiverWarning {
                    kind,
                    origin: waiver.origin.clone(),
                    rule: rulebook.rules[waiver.rule].id.clone(),
                    message,
                })
            })
            .collect()
    }
}

fn matches(condition: &Match, file: &str, line: usize, publication: &Publication) -> bool {
    match condition {
        Match::Id(id) => publication.id() == Some(id.as_str()),
        Match::Outlet(outlet) => publication.outlet() == outlet,
        Match::Line { file: f, line: l } => f == file && *l == line,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiverFile {
    waivers: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Text,
    id: Option<Text>,
    outlet: Option<Text>,
    file: Option<Text>,
    line: Option<Located<usize>>,
    reason: Text,
    expires: Option<Text>,
}

fn rule_index(rule: &Text, rulebook: &Rulebook, problems: &mut Problems) -> Option<usize> {
    let found = rulebook.rules.iter().position(|r| r.id == rule.value);
    if found.is_none() {
        let help = did_you_mean(&rule.value, rulebook.rules.iter().map(|r| r.id.as_str()))
            .map(|near| format!("did you mean `{near}`?"));
        problems.add_with_help(
            ProblemKind::WaiverUnknownRule,
            rule.place(),
            format!("unknown rule `{}`", rule.value),
            "not in the rulebook",
            help,
        );
    }
    found
}

fn waiver(raw: &RawWaiver, rulebook: &Rulebook, problems: &mut Problems) -> Option<Waiver> {
    let rule = rule_index(&raw.rule, rulebook, problems);
    if raw.reason.value.trim().is_empty() {
        problems.add(
            ProblemKind::WaiverWithoutReason,
            raw.reason.place(),
            "a waiver gives its reason",
            "empty reason",
        );
    }
    let matches = match (&raw.id, &raw.outlet, &raw.file, &raw.line) {
        (Some(id), None, None, None) => Some(Match::Id(id.value.clone())),
        (None, Some(outlet), None, None) => Some(Match::Outlet(outlet.value.clone())),
        (None, None, Some(file), Some(line)) => Some(Match::Line {
            // Log names are quoted where a log is opened (a control
            // character becomes `\u{1b}`): the name to match is quoted alike.
            file: escape_unsafe(&file.value),
            line: line.value,
        }),
        _ => {
            problems.add_with_help(
                ProblemKind::WaiverBadMatch,
                raw.rule.place(),
                "a waiver matches by `id`, by `outlet`, or by `file` and `line`: exactly one of them",
                "what does it match?",
                Some("write `id: …`, `outlet: …`, or `file: …` with `line: …`"),
            );
            None
        }
    };
    let expires = raw.expires.as_ref().and_then(|text| {
        let date = parse_date(&text.value);
        if date.is_none() {
            problems.add(
                ProblemKind::WaiverBadDate,
                text.place(),
                format!("`{}` is not a date", text.value),
                "expected YYYY-MM-DD",
            );
        }
        date
    });
    let (line, _) = problems
        .file(raw.rule.file)
        .line_column(raw.rule.span.offset);
    Some(Waiver {
        rule: rule?,
        matches: matches?,
        reason: raw.reason.value.trim().to_string(),
        expires,
        origin: Origin {
            file: problems.file(raw.rule.file).name().to_string(),
            line,
            inline: false,
        },
    })
}

/// An inline waiver read from a comment line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub rule: usize,
    pub reason: String,
}

const DIRECTIVE: &str = "scrutin:";

/// Reads a comment line as a waiver directive: `None` if it is an ordinary
/// comment, an error if it starts like a directive but is not a valid one.
pub fn directive(line: &str, rulebook: &Rulebook) -> Option<Result<Directive, LineError>> {
    let comment = line.trim_start().strip_prefix('#')?.trim_start();
    let body = comment.strip_prefix(DIRECTIVE)?;
    let offset = line.len() - body.len();
    Some(read_directive(line, body, offset, rulebook))
}

fn read_directive(
    line: &str,
    body: &str,
    offset: usize,
    rulebook: &Rulebook,
) -> Result<Directive, LineError> {
    let words = body.trim_start();
    let at = |text: &str| line.len() - text.len();
    let Some(after_verb) = words.strip_prefix("allow ") else {
        let verb = words.split_whitespace().next().unwrap_or("");
        return Err(LineError::new(
            LineErrorKind::Waiver,
            Span::new(at(words), verb.len()),
            format!("unknown directive `{verb}`"),
        )
        .with_help("write `# scrutin: allow RULE reason=\"…\"`"));
    };
    let rule_text = after_verb.trim_start();
    let rule_id = rule_text.split_whitespace().next().unwrap_or("");
    let rule_span = Span::new(at(rule_text), rule_id.len());
    let Some(rule) = rulebook.rules.iter().position(|r| r.id == rule_id) else {
        let mut error = LineError::new(
            LineErrorKind::Waiver,
            rule_span,
            format!("unknown rule `{rule_id}` in a waiver"),
        );
        if let Some(near) = did_you_mean(rule_id, rulebook.rules.iter().map(|r| r.id.as_str())) {
            error = error.with_help(format!("did you mean `{near}`?"));
        }
        return Err(error);
    };
    let rest = &rule_text[rule_id.len()..];
    let from = line.len() - rest.len();
    let fields = log::fields(line, from).map_err(|e| {
        LineError::new(LineErrorKind::Waiver, Span::new(e.offset, e.len), e.message)
    })?;
    let reason = match fields.as_slice() {
        [(key, value)] if *key == "reason" && !value.trim().is_empty() => value.trim().to_string(),
        _ => {
            return Err(LineError::new(
                LineErrorKind::Waiver,
                Span::new(offset, body.len()),
                "a waiver gives its reason, and only that",
            )
            .with_help("write `# scrutin: allow RULE reason=\"…\"`"));
        }
    };
    Ok(Directive { rule, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SCANNED;

    /// A waiver file of `count` entries, each matching its own id.
    fn many_waivers(count: usize) -> String {
        let mut text = String::from("waivers:\n");
        for i in 0..count {
            text.push_str(&format!(
                "  - rule: poll-ban\n    id: item-{i}\n    reason: Commission decision {i}\n"
            ));
        }
        text
    }

    /// Each entry's line is found without rescanning the file from its start:
    /// the bytes read to find positions grow with the file, not its square.
    #[test]
    fn finding_the_entries_lines_is_linear() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        let rulebook = crate::rulebook::load(path.as_ref()).unwrap();
        let text = many_waivers(20_000);
        let today = NaiveDate::from_ymd_opt(2017, 5, 7).unwrap();
        SCANNED.with(|scanned| scanned.set(0));
        let waivers = Waivers::parse(SourceFile::new("w.yaml", text.as_str()), &rulebook, today)
            .expect("the waivers are valid");
        assert_eq!(waivers.waivers.len(), 20_000);
        assert_eq!(waivers.waivers[19_999].origin.line, 1 + 3 * 19_999 + 1);
        let scanned = SCANNED.with(std::cell::Cell::get);
        assert!(
            scanned <= 2 * text.len(),
            "{scanned} bytes read for a file of {}",
            text.len()
        );
    }
}
