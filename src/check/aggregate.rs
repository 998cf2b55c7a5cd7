//! Rules over many publications (`burst`, `balance`): no one publication
//! breaks them, too many together do, or too much time for one candidate.
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

use chrono_tz::Tz;

use super::{about, in_regions, index};
use crate::publication::Publication;
use crate::rulebook::{Balance, Burst, Measure, RuleBody, Rulebook, Window, wall_clock};

/// A publication a burst rule counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// Index into the rulebook's rules.
    pub rule: usize,
    /// The value of the rule's `per` field (one per tag for `tags`); empty
    /// for a publication without it, or when the rule groups all together.
    pub group: Box<str>,
    pub instant: DateTime<Utc>,
    /// For a balance: what it adds to which total.
    pub share: Option<Share>,
}

/// What a publication adds to a balance's totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The period (an index into the rule's windows), if it has some.
    pub period: Option<usize>,
    /// The daily slot (an index into the rule's slots), if it has some.
    pub slot: Option<usize>,
    /// The value of the attribute compared (the candidate).
    pub value: Box<str>,
    /// Seconds, or 1 for a count.
    pub amount: i64,
    /// When the time counted ends (a count's: its instant).
    pub until: DateTime<Utc>,
}

/// The rules over many publications of a rulebook, by kind, to find the
/// contributions of each publication without looking at every rule: a
/// strategy, as the checker's index is; `about` alone decides.
#[derive(Debug, Clone, Default)]
pub(super) struct BurstRules {
    /// By kind: the rules over many publications about it.
    by_kind: Vec<Vec<usize>>,
    /// By rule: the `key_bit`s of the keys its filter needs.
    needs: Vec<u64>,
    any: bool,
}

impl BurstRules {
    pub(super) fn new(rulebook: &Rulebook) -> Self {
        let aggregates: Vec<usize> = (0..rulebook.rules.len())
            .filter(|&i| {
                matches!(
                    rulebook.rules[i].body,
                    RuleBody::Burst(_) | RuleBody::Balance(_)
                )
            })
            .collect();
        let by_kind = (0..rulebook.kinds.len())
            .map(|kind| {
                let about_kind =
                    |&&rule: &&usize| index::about(rulebook, &rulebook.rules[rule].filter, kind);
                aggregates.iter().filter(about_kind).copied().collect()
            })
            .collect();
        BurstRules {
            by_kind,
            needs: rulebook
                .rules
                .iter()
                .map(|r| index::needs(&r.filter))
                .collect(),
            any: !aggregates.is_empty(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        !self.any
    }

    /// What `publication` contributes to the burst rules, into `out`.
    pub(super) fn contributions(
        &self,
        rulebook: &Rulebook,
        publication: &Publication,
        out: &mut Vec<Contribution>,
    ) {
        let Some(rules) = self.by_kind.get(publication.kind_id().0) else {
            return;
        };
        let keys = publication.keys();
        for &index in rules {
            if self.needs[index] & !keys != 0 {
                continue;
            }
            let rule = &rulebook.rules[index];
            let burst = match &rule.body {
                RuleBody::Burst(burst) => burst,
                RuleBody::Balance(balance) => {
                    if about(&rule.filter, publication) {
                        shares(rulebook, index, balance, publication, out);
                    }
                    continue;
                }
                _ => continue,
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
                    share: None,
                });
            };
            match burst.per.as_deref() {
                None => add(""),
                Some("tags") => {
                    // A tag written twice is one tag: counted once.
                    let mut seen: Vec<&str> = Vec::new();
                    for tag in publication.tags() {
                        if !seen.contains(&tag) {
                            seen.push(tag);
                            add(tag);
                        }
                    }
                    if seen.is_empty() {
                        add("");
                    }
                }
                Some(field) => add(publication.field(field).unwrap_or("")),
            }
        }
    }
}

/// What a publication adds to a balance: per period it meets (in each of
/// its regions the rule is about), per daily slot, the time it lasts there
/// (or 1, counted in the slot of its instant).
fn shares(
    rulebook: &Rulebook,
    rule: usize,
    balance: &Balance,
    publication: &Publication,
    out: &mut Vec<Contribution>,
) {
    let Some(value) = publication
        .field(&balance.by)
        .filter(|v| !v.trim().is_empty())
    else {
        return;
    };
    if balance
        .among
        .as_ref()
        .is_some_and(|among| !among.iter().any(|a| a == value))
    {
        return;
    }
    let start = publication.instant();
    let run = match (balance.of, publication.end()) {
        (Measure::Duration, Some(end)) => Window { start, end },
        // Without an end, a duration adds nothing.
        (Measure::Duration, None) => return,
        (Measure::Count, _) => Window {
            start,
            end: start + TimeDelta::nanoseconds(1),
        },
    };
    let filter = &rulebook.rules[rule].filter;
    let group: Box<str> = balance
        .per
        .as_deref()
        .map_or("", |field| publication.field(field).unwrap_or(""))
        .into();
    let mut add = |period: Option<usize>, zone: Tz, within: Window| {
        let until = match balance.of {
            Measure::Duration => within.end,
            Measure::Count => start,
        };
        for (slot, amount) in by_slot(balance, zone, within) {
            out.push(Contribution {
                rule,
                group: group.clone(),
                instant: start,
                share: Some(Share {
                    period,
                    slot,
                    value: value.into(),
                    amount: match balance.of {
                        Measure::Duration => amount,
                        Measure::Count => 1,
                    },
                    until,
                }),
            });
        }
    };
    for &region in publication.regions() {
        if !in_regions(filter, region) {
            continue;
        }
        let zone = rulebook.regions[region].zone;
        match &balance.window {
            None => {
                add(None, zone, run);
                // One period: the publication counts once, whatever its regions.
                return;
            }
            Some(window) => {
                for (index, w) in window.windows.iter().enumerate() {
                    let meets =
                        w.region == region && run.start < w.window.end && w.window.start < run.end;
                    if meets {
                        let within = Window {
                            start: run.start.max(w.window.start),
                            end: run.end.min(w.window.end),
                        };
                        add(Some(index), zone, within);
                    }
                }
            }
        }
    }
}

/// `within` cut by the balance's daily slots in `zone`: each slot it meets,
/// and the whole seconds it spends there (a count's instant: in one slot).
fn by_slot(balance: &Balance, zone: Tz, within: Window) -> Vec<(Option<usize>, i64)> {
    let seconds = |w: Window| (w.end - w.start).num_seconds();
    if balance.slots.is_empty() {
        return vec![(None, seconds(within))];
    }
    // Per slot, the seconds of every day it is met, added as found.
    let mut totals: Vec<(Option<usize>, i64)> = Vec::new();
    let first = within.start.with_timezone(&zone).date_naive().pred_opt();
    let last = within.end.with_timezone(&zone).date_naive();
    let Some(mut day) = first else {
        return totals;
    };
    while day <= last {
        for (index, &(from, to)) in balance.slots.iter().enumerate() {
            let (Some(start), Some(end)) = (wall_clock(zone, day, from), wall_clock(zone, day, to))
            else {
                continue;
            };
            let (start, end) = (start.max(within.start), end.min(within.end));
            if start < end {
                let amount = seconds(Window { start, end });
                match totals.iter_mut().find(|(s, _)| *s == Some(index)) {
                    Some((_, total)) => *total = total.saturating_add(amount),
                    None => totals.push((Some(index), amount)),
                }
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    totals
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
    /// A balance's totals, by rule, period, group and slot.
    totals: BTreeMap<TotalKey, Totals>,
}

/// Which totals of a balance: rule, period, group, slot.
type TotalKey = (usize, Option<usize>, Box<str>, Option<usize>);

/// A balance's totals in one period, group and slot.
#[derive(Debug, Clone)]
struct Totals {
    /// By value compared (candidate).
    values: BTreeMap<Box<str>, i64>,
    first: Position,
    last: Position,
    /// The earliest instant added, and when the latest time added ends.
    earliest: DateTime<Utc>,
    latest: DateTime<Utc>,
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

/// How far a value's total is from an equal share of a balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imbalance {
    /// The value compared (the candidate).
    pub value: String,
    /// Its total, and the total of every value compared (seconds, or
    /// publications).
    pub amount: i64,
    pub total: i64,
    /// How many values share the total.
    pub values: usize,
    /// The distance allowed from an equal share, in basis points.
    pub tolerance: u32,
    pub measure: crate::rulebook::Measure,
    /// The period's window, if the rule has periods, and its index in the
    /// rule's windows.
    pub period: Option<Window>,
    pub period_index: Option<usize>,
    /// The daily slot, minutes after local midnight, if the rule has slots.
    pub slot: Option<(u32, u32)>,
    /// The earliest and latest instants totalled.
    pub span: Window,
}

impl Imbalance {
    /// Its share of the total, in basis points, rounded to the nearest.
    pub fn share(&self) -> i64 {
        if self.total == 0 {
            return 0;
        }
        let total = i128::from(self.total);
        ((i128::from(self.amount) * 20_000 + total) / (2 * total)) as i64
    }

    /// An equal share, in basis points, rounded to the nearest.
    pub fn equal_share(&self) -> i64 {
        let n = self.values.max(1) as i64;
        (20_000 + n) / (2 * n)
    }
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
    /// A value's share of a balance's total is further from an equal
    /// share than the rule's tolerance.
    Balance(Imbalance),
}

impl AggregateFinding {
    /// What tells this finding from the rule's others: its group, and a
    /// balance's value and slot.
    pub fn identity(&self) -> String {
        match &self.what {
            Aggregate::Burst { .. } => format!("group={}", self.group),
            Aggregate::Balance(imbalance) => {
                let slot = imbalance
                    .slot
                    .map_or(String::new(), |(s, e)| format!("{s}-{e}"));
                format!("group={}|value={}|slot={slot}", self.group, imbalance.value)
            }
        }
    }

    /// The one region it is about: a balance's period's.
    pub fn region(&self, rulebook: &Rulebook) -> Option<usize> {
        let Aggregate::Balance(imbalance) = &self.what else {
            return None;
        };
        let RuleBody::Balance(balance) = &rulebook.rules[self.rule].body else {
            return None;
        };
        let period = imbalance.period_index?;
        Some(balance.window.as_ref()?.windows.get(period)?.region)
    }

    /// The interval the finding is about.
    pub fn interval(&self) -> Window {
        match &self.what {
            Aggregate::Burst { peak, .. } => *peak,
            Aggregate::Balance(imbalance) => imbalance.period.unwrap_or(imbalance.span),
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
        if let Some(share) = &contribution.share {
            let key = (
                contribution.rule,
                share.period,
                contribution.group.clone(),
                share.slot,
            );
            let instant = contribution.instant;
            let totals = self.totals.entry(key).or_insert_with(|| Totals {
                values: BTreeMap::new(),
                first: position,
                last: position,
                earliest: instant,
                latest: share.until,
            });
            let total = totals.values.entry(share.value.clone()).or_default();
            *total = total.saturating_add(share.amount);
            totals.first = totals.first.min(position);
            totals.last = totals.last.max(position);
            totals.earliest = totals.earliest.min(instant);
            totals.latest = totals.latest.max(share.until);
            return;
        }
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

    /// The findings, by rule (in rulebook order), then group (in byte
    /// order); a balance's by period, group, slot and value.
    pub fn findings(&self, rulebook: &Rulebook) -> Vec<AggregateFinding> {
        let mut findings = Vec::new();
        for ((rule, period, group, slot), totals) in &self.totals {
            let RuleBody::Balance(balance) = &rulebook.rules[*rule].body else {
                continue;
            };
            findings.extend(self.imbalances(*rule, balance, (*period, group, *slot), totals));
        }
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
        // Stable: within a rule, the order of its keys.
        findings.sort_by_key(|finding| finding.rule);
        findings
    }

    /// The values whose share of `totals` is further from an equal share
    /// than the balance allows.
    fn imbalances(
        &self,
        rule: usize,
        balance: &Balance,
        (period, group, slot): (Option<usize>, &str, Option<usize>),
        totals: &Totals,
    ) -> Vec<AggregateFinding> {
        // Every value compared: those listed (a value never given has
        // nothing), else those the log gives.
        let mut values: BTreeMap<&str, i64> = match &balance.among {
            Some(among) => among.iter().map(|v| (v.as_str(), 0)).collect(),
            None => BTreeMap::new(),
        };
        for (value, amount) in &totals.values {
            *values.entry(value).or_default() += amount;
        }
        let total: i64 = values.values().fold(0i64, |sum, v| sum.saturating_add(*v));
        let n = values.len();
        if total == 0 || n == 0 {
            return Vec::new();
        }
        let span = Window {
            start: totals.earliest,
            end: totals
                .latest
                .checked_add_signed(TimeDelta::seconds(1))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        };
        let period_index = period;
        let period = period
            .and_then(|p| balance.window.as_ref()?.windows.get(p))
            .map(|w| w.window);
        let mut found = Vec::new();
        for (value, amount) in values {
            // |amount / total - 1 / n| > tolerance / 10,000, in integers.
            let off = (i128::from(amount) * n as i128 - i128::from(total)).abs() * 10_000;
            let allowed = i128::from(balance.tolerance) * i128::from(total) * n as i128;
            if off <= allowed {
                continue;
            }
            found.push(AggregateFinding {
                rule,
                group: group.to_string(),
                first: self.place(totals.first),
                last: self.place(totals.last),
                what: Aggregate::Balance(Imbalance {
                    value: value.to_string(),
                    amount,
                    total,
                    values: n,
                    tolerance: balance.tolerance,
                    measure: balance.of,
                    period,
                    period_index,
                    slot: slot.and_then(|s| balance.slots.get(s).copied()),
                    span,
                }),
            });
        }
        found
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
