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
//!
//! Here are the waivers and how they are consulted; `file` reads a waiver
//! file, `inline` a directive on a comment line.

mod file;
mod inline;

use chrono::NaiveDate;

use crate::publication::Publication;
use crate::rulebook::Rulebook;

pub use inline::{Directive, directive};

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

    /// The waiver that accepts an aggregate finding of `rule` whose first
    /// line is `line` of `file` (a waiver by file and line), or whose group
    /// is the outlet `outlet` (a waiver by outlet, for a rule that groups
    /// by outlet); it is then used.
    pub fn accept_aggregate(
        &mut self,
        rule: usize,
        file: &str,
        line: usize,
        outlet: Option<&str>,
    ) -> Option<&Waiver> {
        let index = (0..self.waivers.len()).find(|&i| {
            let waiver = &self.waivers[i];
            waiver.rule == rule
                && !self.expired(waiver)
                && match &waiver.matches {
                    Match::Line { file: f, line: l } => f == file && *l == line,
                    Match::Outlet(o) => outlet == Some(o.as_str()),
                    Match::Id(_) => false,
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind is in `WaiverWarningKind::ALL`: a new kind breaks this
    /// match until it is numbered, and then this test until it is listed.
    #[test]
    fn every_warning_kind_is_listed() {
        let position = |kind: WaiverWarningKind| match kind {
            WaiverWarningKind::Unused => 0,
            WaiverWarningKind::Expired => 1,
        };
        for (n, kind) in WaiverWarningKind::ALL.iter().enumerate() {
            assert_eq!(position(*kind), n, "{kind:?}");
        }
        assert_eq!(WaiverWarningKind::ALL.len(), 2);
    }
}
