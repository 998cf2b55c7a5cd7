//! What a reviewer asked to see: the findings of some rules, in some
//! regions, of publications from some period (`check --rule`, `--region`,
//! `--since`, `--until`).
//!
//! A scope narrows findings, never lines: every line is still read, checked
//! and counted, so an invalid line outside the scope is still reported, and
//! the findings left out are counted in the summary.

use chrono::{DateTime, Utc};
use miette::Diagnostic;
use thiserror::Error;

use super::{AggregateFinding, Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;

/// Findings kept: everything by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Indices of the rules kept; empty for all.
    pub rules: Vec<usize>,
    /// Indices of the regions kept; empty for all.
    pub regions: Vec<usize>,
    /// Publications at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Publications before this instant.
    pub until: Option<DateTime<Utc>>,
}

impl Scope {
    /// The scope of rule and region ids, as given on the command line or in a
    /// request, checked against the rulebook; `[since, until)` must not be empty.
    pub fn resolve(
        rulebook: &Rulebook,
        rule_ids: &[String],
        region_ids: &[String],
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Result<Scope, ScopeError> {
        let rules = rule_ids
            .iter()
            .map(|id| {
                let index = rulebook.rules.iter().position(|r| r.id == *id);
                index.ok_or_else(|| ScopeError::UnknownRule {
                    id: escape_unsafe(id),
                    hint: rulebook.rule_hint(id),
                })
            })
            .collect::<Result<_, _>>()?;
        let regions = region_ids
            .iter()
            .map(|id| {
                let index = rulebook.region_index(id);
                index.ok_or_else(|| ScopeError::UnknownRegion {
                    id: escape_unsafe(id),
                    hint: rulebook.region_hint(id),
                })
            })
            .collect::<Result<_, _>>()?;
        if let (Some(since), Some(until)) = (since, until)
            && since >= until
        {
            return Err(ScopeError::EmptyPeriod { since, until });
        }
        Ok(Scope {
            rules,
            regions,
            since,
            until,
        })
    }

    pub fn is_everything(&self) -> bool {
        *self == Scope::default()
    }

    /// The part of `finding` inside the scope: none when its rule, its
    /// publication's instant or all of its regions are outside.
    pub fn narrow(&self, publication: &Publication, mut finding: Finding) -> Option<Finding> {
        if !self.rules.is_empty() && !self.rules.contains(&finding.rule) {
            return None;
        }
        let instant = publication.instant();
        if self.since.is_some_and(|since| instant < since)
            || self.until.is_some_and(|until| instant >= until)
        {
            return None;
        }
        if self.regions.is_empty() {
            return Some(finding);
        }
        match &mut finding.violation {
            // Only the regions asked about, each with its window.
            Violation::InsideWindow { windows, .. } => {
                windows.retain(|w| self.regions.contains(&w.region));
                (!windows.is_empty()).then_some(finding)
            }
            Violation::MissingAttributes(_) => publication
                .regions()
                .iter()
                .any(|r| self.regions.contains(r))
                .then_some(finding),
        }
    }

    /// Is an aggregate finding inside the scope? Its rule must be asked
    /// about, its interval meet `[since, until)`, and its regions one of
    /// those asked about: a balance's period is of one region; a burst (or
    /// a balance without periods) counts in every region of its rule.
    pub fn keeps_aggregate(&self, rulebook: &Rulebook, finding: &AggregateFinding) -> bool {
        let interval = finding.interval();
        let rule = &rulebook.rules[finding.rule];
        let in_regions = self.regions.is_empty()
            || match finding.region(rulebook) {
                Some(region) => self.regions.contains(&region),
                None => rule
                    .filter
                    .regions
                    .as_ref()
                    .is_none_or(|regions| regions.iter().any(|r| self.regions.contains(r))),
            };
        (self.rules.is_empty() || self.rules.contains(&finding.rule))
            && in_regions
            && self.since.is_none_or(|since| interval.end > since)
            && self.until.is_none_or(|until| interval.start < until)
    }

    /// The scope in words, for the summary: `rule poll-ban; since …`.
    pub fn describe(&self, rulebook: &Rulebook) -> String {
        let mut parts = Vec::new();
        let ids = |indices: &[usize], id: &dyn Fn(usize) -> String| {
            indices
                .iter()
                .map(|&i| id(i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.rules.is_empty() {
            let rules = ids(&self.rules, &|i| rulebook.rules[i].id.clone());
            parts.push(format!("rule {rules}"));
        }
        if !self.regions.is_empty() {
            let regions = ids(&self.regions, &|i| rulebook.regions[i].id.clone());
            parts.push(format!("region {regions}"));
        }
        let utc = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        if let Some(since) = self.since {
            parts.push(format!("since {}", utc(since)));
        }
        if let Some(until) = self.until {
            parts.push(format!("until {}", utc(until)));
        }
        parts.join("; ")
    }
}

/// Why a scope asked for cannot be resolved. Scopes are asked for on the
/// command line, so each mistake names its option.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
pub enum ScopeError {
    /// `--rule poll-bam: no rule `poll-bam` in this rulebook; did you mean …?`
    #[error("--rule {id}: no rule `{id}` in this rulebook; {hint}")]
    #[diagnostic(code("scrutin::scope::unknown-rule"))]
    UnknownRule {
        /// The id asked for, escaped: it may reach a terminal.
        id: String,
        hint: String,
    },

    #[error("--region {id}: no region `{id}` in this rulebook; {hint}")]
    #[diagnostic(code("scrutin::scope::unknown-region"))]
    UnknownRegion { id: String, hint: String },

    /// `[since, until)` holds no instant.
    #[error("--since {since} is not before --until {until}")]
    #[diagnostic(code("scrutin::scope::empty-period"))]
    EmptyPeriod {
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook;

    fn findings(line: &str, scope: &Scope) -> Vec<(String, Vec<String>)> {
        let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
        let publication = crate::publication::read(line, &rulebook).unwrap();
        super::super::check(&rulebook, &publication)
            .into_iter()
            .filter_map(|f| scope.narrow(&publication, f))
            .map(|f| {
                let regions = match &f.violation {
                    Violation::InsideWindow { windows, .. } => windows
                        .iter()
                        .map(|w| rulebook.regions[w.region].id.clone())
                        .collect(),
                    Violation::MissingAttributes(_) => Vec::new(),
                };
                (rulebook.rules[f.rule].id.clone(), regions)
            })
            .collect()
    }

    #[test]
    fn a_scope_keeps_only_the_rules_regions_and_period_asked_for() {
        let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
        let line = "2017-05-06T09:30:00+02:00 outlet=a kind=poll region=metropole,guadeloupe";
        let everything = findings(line, &Scope::default());
        assert!(everything.len() >= 2, "{everything:?}");
        let poll_ban = rulebook
            .rules
            .iter()
            .position(|r| r.id == "poll-ban")
            .unwrap();
        let guadeloupe = rulebook.region_index("guadeloupe").unwrap();
        let scope = Scope {
            rules: vec![poll_ban],
            regions: vec![guadeloupe],
            ..Scope::default()
        };
        assert_eq!(
            findings(line, &scope),
            [("poll-ban".to_string(), vec!["guadeloupe".to_string()])]
        );
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().to_utc();
        let until_then = Scope {
            until: Some(at("2017-05-06T07:30:00Z")),
            ..Scope::default()
        };
        assert!(findings(line, &until_then).is_empty(), "until is exclusive");
        let since_then = Scope {
            since: Some(at("2017-05-06T07:30:00Z")),
            ..Scope::default()
        };
        assert_eq!(
            findings(line, &since_then),
            everything,
            "since is inclusive"
        );
        assert_eq!(
            scope.describe(&rulebook),
            "rule poll-ban; region guadeloupe"
        );
    }
}
