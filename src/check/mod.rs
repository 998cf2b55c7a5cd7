//! Publication × rulebook → findings. No I/O and no formatting here.
//!
//! A publication is received in each of its regions; a window rule is broken
//! if the publication falls inside that rule's window for any of them. The
//! regions where it does are reported together, once per round, each with its
//! own window.

pub mod index;
mod scope;

pub use scope::Scope;

use crate::publication::Publication;
use crate::rulebook::{Filter, RegionWindow, RuleBody, Rulebook, WindowRule};
use index::RuleIndex;

/// A rule that a publication breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index into the rulebook's rules.
    pub rule: usize,
    pub violation: Violation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// Published inside a window in which the rule forbids it.
    InsideWindow {
        /// `None` for a window that spans the whole election.
        round: Option<usize>,
        /// The publication's regions where the window was open, in its
        /// order, each with its own window (all contain the instant).
        windows: Vec<RegionWindow>,
    },
    /// Published without attributes the rule requires.
    MissingAttributes(Vec<String>),
}

/// Every rule `publication` breaks, in rulebook order.
pub fn check(rulebook: &Rulebook, publication: &Publication) -> Vec<Finding> {
    check_rules(rulebook, publication, 0..rulebook.rules.len())
}

/// `check`, trying only the rules `index` says may apply (those about the
/// publication's kind with a window open at its instant, and requirements):
/// the same findings, at a cost that does not grow with every rule.
pub fn check_indexed(
    rulebook: &Rulebook,
    index: &RuleIndex,
    publication: &Publication,
) -> Vec<Finding> {
    match index.candidates(rulebook, publication) {
        Some(rules) => check_rules(rulebook, publication, rules),
        None => check(rulebook, publication),
    }
}

/// The findings of the rules at `indices` (in increasing order).
fn check_rules(
    rulebook: &Rulebook,
    publication: &Publication,
    indices: impl IntoIterator<Item = usize>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for index in indices {
        let rule = &rulebook.rules[index];
        let Some(regions) = matching_regions(&rule.filter, publication) else {
            continue;
        };
        match &rule.body {
            RuleBody::Window(window_rule) => {
                for violation in window_violations(window_rule, publication, &regions) {
                    findings.push(Finding {
                        rule: index,
                        violation,
                    });
                }
            }
            RuleBody::Requires(requirement) => {
                if requirement.first_publication_only && is_later_copy(publication) {
                    continue;
                }
                let missing: Vec<String> = requirement
                    .attributes
                    .iter()
                    .filter(|key| publication.field(key).is_none_or(|v| v.trim().is_empty()))
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    findings.push(Finding {
                        rule: index,
                        violation: Violation::MissingAttributes(missing),
                    });
                }
            }
        }
    }
    findings
}

/// Is this a later copy of content that went out before?
fn is_later_copy(publication: &Publication) -> bool {
    publication
        .first_published
        .is_some_and(|first| first < publication.instant)
}

/// The publication's regions the filter keeps, or `None` if the rule is not about it.
fn matching_regions(filter: &Filter, publication: &Publication) -> Option<Vec<usize>> {
    let listed = |list: &Option<Vec<String>>, value: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|x| x == value))
    };
    let kind_matches = listed(&filter.kinds, &publication.kind);
    let channel_matches = match (&filter.channels, &publication.channel) {
        (None, _) => true,
        (Some(channels), Some(channel)) => channels.contains(channel),
        // A publication that does not say its channel may have gone out on any.
        (Some(_), None) => true,
    };
    let tags_match = filter
        .tags
        .as_ref()
        .is_none_or(|tags| publication.tags.iter().any(|t| tags.contains(t)));
    let attributes_match = filter
        .attributes
        .iter()
        .all(|(key, value)| publication.field(key) == Some(value.as_str()));
    if !(kind_matches && channel_matches && tags_match && attributes_match) {
        return None;
    }
    let regions: Vec<usize> = match &filter.regions {
        None => publication.regions.clone(),
        Some(allowed) => publication
            .regions
            .iter()
            .copied()
            .filter(|r| allowed.contains(r))
            .collect(),
    };
    (!regions.is_empty()).then_some(regions)
}

fn window_violations(
    rule: &WindowRule,
    publication: &Publication,
    regions: &[usize],
) -> Vec<Violation> {
    let mut violations: Vec<Violation> = Vec::new();
    for &region in regions {
        let open = rule
            .windows
            .iter()
            .filter(|w| w.region == region && w.window.contains(publication.instant));
        for region_window in open {
            if rule.exempt_earlier_publications
                && publication
                    .first_published
                    .is_some_and(|first| first < region_window.window.start)
            {
                continue;
            }
            let same_round = violations.iter_mut().find_map(|v| match v {
                Violation::InsideWindow { round, windows } if *round == region_window.round => {
                    Some(windows)
                }
                _ => None,
            });
            match same_round {
                Some(windows) => windows.push(*region_window),
                None => violations.push(Violation::InsideWindow {
                    round: region_window.round,
                    windows: vec![*region_window],
                }),
            }
        }
    }
    violations
}
