//! Rules over many publications (`burst`): no one publication breaks them,
//! too many together do.
//!
//! Each publication a burst rule counts is a `Contribution` (its group and
//! instant), found where the publication is checked, on any worker.
//! `Aggregates` takes them in log order, from every file of a run, and
//! judges them once every log has been read (`findings`). Its memory grows
//! with the groups and the distinct seconds they were counted in (at most
//! the rule's window, in seconds, per group), never with the lines: a
//! second holds a count and the first and last lines counted in it.
//!
//! Counting is by the second: an instant counts in the second it falls in,
//! and "more than N within T" asks whether some `[s, s + T)`, `s` a whole
//! second, holds more than N. Log instants are whole seconds; a finer one is
//! taken to its second. The answer does not depend on the order of the
//! lines, so the pipeline's threads and chunks cannot change it.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::{about, in_regions};
use crate::publication::Publication;
use crate::rulebook::{Burst, RuleBody, Rulebook, Window};

/// A publication a burst rule counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// Index into the rulebook's rules.
    pub rule: usize,
    /// The value of the rule's `per` field (one per tag for `tags`); empty
    /// for a publication without it, or when the rule groups all together.
    pub group: Box<str>,
    pub instant: DateTime<Utc>,
}

/// The burst rules of a rulebook, to find the contributions of each
/// publication without looking at every rule.
#[derive(Debug, Clone, Default)]
pub(super) struct BurstRules(Vec<usize>);

impl BurstRules {
    pub(super) fn new(rulebook: &Rulebook) -> Self {
        BurstRules(
            (0..rulebook.rules.len())
                .filter(|&i| matches!(rulebook.rules[i].body, RuleBody::Burst(_)))
                .collect(),
        )
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What `publication` contributes to the burst rules, into `out`.
    pub(super) fn contributions(
        &self,
        rulebook: &Rulebook,
        publication: &Publication,
        out: &mut Vec<Contribution>,
    ) {
        for &index in &self.0 {
            let rule = &rulebook.rules[index];
            let RuleBody::Burst(burst) = &rule.body else {
                continue;
            };
            if !about(&rule.filter, publication) || !counted(burst, rule, publication) {
                continue;
            }
            let instant = publication.instant();
            let mut add = |group: &str| {
                out.push(Contribution {
                    rule: index,
                    group: group.into(),
                    instant,
                });
            };
            match burst.per.as_deref() {
                None => add(""),
                Some("tags") => {
                    let mut any = false;
                    for tag in publication.tags() {
                        any = true;
                        add(tag);
                    }
                    if !any {
                        add("");
                    }
                }
                Some(field) => add(publication.field(field).unwrap_or("")),
            }
        }
    }
}

/// Is the publication received in one of the rule's regions, inside its
/// window there (if it has one)?
fn counted(burst: &Burst, rule: &crate::rulebook::Rule, publication: &Publication) -> bool {
    let instant = publication.instant();
    publication
        .regions()
        .iter()
        .filter(|&&region| in_regions(&rule.filter, region))
        .any(|&region| {
            burst.window.as_ref().is_none_or(|window| {
                window
                    .windows
                    .iter()
                    .any(|w| w.region == region && w.window.contains(instant))
            })
        })
}

/// Where a contribution was read: a file of the run (an index into
/// `Aggregates::files`) and its line there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub file: usize,
    pub line: usize,
}

/// The publications counted in one second of one group.
#[derive(Debug, Clone, Copy)]
struct Second {
    count: u32,
    /// The earliest and latest lines counted in it, in the order of the run.
    first: Position,
    last: Position,
}

/// What the burst rules have counted so far in a run.
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// The files of the run, in the order read.
    files: Vec<String>,
    /// By rule index, then group: the seconds counted, in order.
    counts: BTreeMap<usize, BTreeMap<Box<str>, BTreeMap<i64, Second>>>,
}

/// A rule over many publications broken by a group of them: a range of
/// lines, not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateFinding {
    /// Index into the rulebook's rules.
    pub rule: usize,
    /// The group's value; empty when the rule groups all together, or for
    /// publications without the rule's `per` field.
    pub group: String,
    /// The earliest and latest lines that count, in the order of the run.
    pub first: LineRef,
    pub last: LineRef,
    pub what: Aggregate,
}

/// What the publications of a group did together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Aggregate {
    /// More than `more_than` publications in `peak`, `[s, s + within)`:
    /// the first such interval that counted the most, `count`.
    Burst {
        count: u32,
        more_than: u32,
        peak: Window,
    },
}

impl AggregateFinding {
    /// The interval the finding is about.
    pub fn interval(&self) -> Window {
        match &self.what {
            Aggregate::Burst { peak, .. } => *peak,
        }
    }
}

/// A line of a file of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    pub file: String,
    pub line: usize,
}

impl Aggregates {
    /// A file starts: the index its positions take.
    pub fn begin_file(&mut self, name: &str) -> usize {
        self.files.push(name.to_string());
        self.files.len() - 1
    }

    /// Counts a contribution read at `position`.
    pub fn add(&mut self, contribution: &Contribution, position: Position) {
        let groups = self.counts.entry(contribution.rule).or_default();
        let seconds = match groups.get_mut(&contribution.group) {
            Some(seconds) => seconds,
            None => groups.entry(contribution.group.clone()).or_default(),
        };
        let second = seconds
            .entry(contribution.instant.timestamp())
            .or_insert(Second {
                count: 0,
                first: position,
                last: position,
            });
        second.count = second.count.saturating_add(1);
        second.first = second.first.min(position);
        second.last = second.last.max(position);
    }

    /// The bursts, by rule (in rulebook order) and group (in byte order).
    pub fn findings(&self, rulebook: &Rulebook) -> Vec<AggregateFinding> {
        let mut findings = Vec::new();
        for (&rule, groups) in &self.counts {
            let RuleBody::Burst(burst) = &rulebook.rules[rule].body else {
                continue;
            };
            for (group, seconds) in groups {
                if let Some(finding) = self.peak(rule, burst, group, seconds) {
                    findings.push(finding);
                }
            }
        }
        findings
    }

    /// The group's peak, if it counts more than the rule allows.
    fn peak(
        &self,
        rule: usize,
        burst: &Burst,
        group: &str,
        seconds: &BTreeMap<i64, Second>,
    ) -> Option<AggregateFinding> {
        let seconds: Vec<(i64, Second)> = seconds.iter().map(|(&s, &c)| (s, c)).collect();
        let within = burst.within.num_seconds();
        // The most publications in `[s, s + within)`, for every second `s`
        // that counted one (a peak can always start at one): two pointers.
        let (mut best, mut best_range) = (0u64, 0..0);
        let (mut end, mut total) = (0, 0u64);
        for start in 0..seconds.len() {
            while end < seconds.len() && seconds[end].0 < seconds[start].0 + within {
                total += u64::from(seconds[end].1.count);
                end += 1;
            }
            if total > best {
                (best, best_range) = (total, start..end);
            }
            total -= u64::from(seconds[start].1.count);
        }
        if best <= u64::from(burst.more_than) {
            return None;
        }
        let counted = &seconds[best_range.clone()];
        let first = counted.iter().map(|(_, c)| c.first).min()?;
        let last = counted.iter().map(|(_, c)| c.last).max()?;
        let start = DateTime::from_timestamp(counted[0].0, 0)?;
        let peak = Window {
            start,
            end: start
                .checked_add_signed(TimeDelta::seconds(within))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        };
        Some(AggregateFinding {
            rule,
            group: group.to_string(),
            first: self.place(first),
            last: self.place(last),
            what: Aggregate::Burst {
                count: u32::try_from(best).unwrap_or(u32::MAX),
                more_than: burst.more_than,
                peak,
            },
        })
    }

    fn place(&self, position: Position) -> LineRef {
        LineRef {
            file: self.files.get(position.file).cloned().unwrap_or_default(),
            line: position.line,
        }
    }
}
