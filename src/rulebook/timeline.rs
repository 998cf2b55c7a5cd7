//! The election's timeline: every restricted window of every rule, in order.
//!
//! What `rules show`, `explain` and `calendar` list, each in
//! its own way (see `report::rules` and `report::calendar`).

use super::model::{RuleBody, Rulebook, Window};

/// One restricted window: a rule, in a region, in a round (or the whole election).
pub struct TimelineEntry {
    pub round: Option<usize>,
    pub region: usize,
    pub rule: usize,
    pub window: Window,
}

/// Every restricted window of the election, per round (whole-election windows
/// first), sorted by start, then end, then region and rule as declared.
pub fn timeline(rulebook: &Rulebook) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = rulebook
        .rules
        .iter()
        .enumerate()
        .flat_map(|(index, rule)| {
            match &rule.body {
                RuleBody::Window(window) => window.windows.as_slice(),
                RuleBody::Requires(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => &[],
            }
            .iter()
            .map(move |w| TimelineEntry {
                round: w.round,
                region: w.region,
                rule: index,
                window: w.window,
            })
        })
        .collect();
    entries.sort_by_key(|e| (e.round, e.window.start, e.window.end, e.region, e.rule));
    entries
}
