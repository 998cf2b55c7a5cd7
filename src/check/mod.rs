//! Publication × rulebook → findings. No I/O and no formatting here.
//!
//! A publication is received in each of its regions; a window rule is broken
//! if the publication goes out inside that rule's window for any of them: at
//! its instant, or, for a publication that lasts (a broadcast segment, an ad
//! flight), at any time of `[instant, end)`. The regions where it does are
//! reported together, once per round, each with its own window (and the part
//! of it a lasting publication went out in).
//!
//! `confirm` is the only code that decides whether a publication breaks a
//! rule. `check` asks it of every rule; a `Checker` asks it only of the rules
//! its index nominates (those about the publication's kind with a window open
//! while it goes out, and the requirements about its kind): a different
//! strategy, the same findings.

mod aggregate;
mod index;
mod scope;

pub use aggregate::{Aggregate, AggregateFinding, Aggregates, Contribution, LineRef, Position};
pub use scope::{Scope, ScopeError};

use crate::publication::Publication;
use crate::rulebook::{Filter, NotBefore, Rule, RuleBody, Rulebook, Severity, Window};
use aggregate::BurstRules;
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
        /// The publication's regions where the window was open while it
        /// went out, in its order, each with its own window.
        windows: Vec<Breach>,
    },
    /// Published without attributes the rule requires.
    MissingAttributes(Vec<String>),
}

/// A region's window that a publication went out inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breach {
    /// Index into the rulebook's regions.
    pub region: usize,
    pub window: Window,
    /// For a publication that lasts, the part of the window it went out
    /// in: `[max(instant, window start), min(end, window end))`, never
    /// empty. `None` for a publication that goes out at its instant (which
    /// the window contains).
    pub overlap: Option<Window>,
}

impl Finding {
    /// How grave it is: its rule's severity, lowered to the publication's
    /// cap (a profile may cap the findings on records it classified).
    pub fn severity(&self, rulebook: &Rulebook, publication: &Publication) -> Severity {
        let severity = rulebook.rules[self.rule].severity;
        publication
            .severity_cap()
            .map_or(severity, |cap| severity.min(cap))
    }
}

/// Every rule `publication` breaks, in rulebook order, trying every rule.
pub fn check(rulebook: &Rulebook, publication: &Publication) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (index, rule) in rulebook.rules.iter().enumerate() {
        confirm(rulebook, index, rule, publication, &mut findings);
    }
    findings
}

/// A rulebook indexed to check many publications: the findings of `check`,
/// at a cost that does not grow with every rule.
pub struct Checker<'r> {
    rulebook: &'r Rulebook,
    index: RuleIndex,
    bursts: BurstRules,
}

impl<'r> Checker<'r> {
    pub fn new(rulebook: &'r Rulebook) -> Self {
        Checker {
            rulebook,
            index: RuleIndex::new(rulebook),
            bursts: BurstRules::new(rulebook),
        }
    }

    pub fn rulebook(&self) -> &'r Rulebook {
        self.rulebook
    }

    /// Does the rulebook have rules over many publications?
    pub fn has_aggregates(&self) -> bool {
        !self.bursts.is_empty()
    }

    /// What `publication` counts towards the rules over many publications,
    /// into `out` (cleared first).
    pub fn contributions(&self, publication: &Publication, out: &mut Vec<Contribution>) {
        out.clear();
        self.bursts.contributions(self.rulebook, publication, out);
    }

    /// Every rule `publication` breaks, in rulebook order.
    pub fn check(&self, publication: &Publication) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.check_into(publication, &mut Vec::new(), &mut findings);
        findings
    }

    /// `check`, into `findings`, with `candidates` as scratch space: a caller
    /// checking many publications reuses both, and allocates nothing for a
    /// publication that breaks no rule.
    pub fn check_into(
        &self,
        publication: &Publication,
        candidates: &mut Vec<usize>,
        findings: &mut Vec<Finding>,
    ) {
        findings.clear();
        if !self.index.candidates(publication, candidates) {
            findings.extend(check(self.rulebook, publication));
            return;
        }
        for &index in candidates.iter() {
            confirm(
                self.rulebook,
                index,
                &self.rulebook.rules[index],
                publication,
                findings,
            );
        }
    }
}

/// Does `publication` break `rule` (the rulebook's rule `index`)? Adds the
/// findings if it does.
fn confirm(
    rulebook: &Rulebook,
    index: usize,
    rule: &Rule,
    publication: &Publication,
    findings: &mut Vec<Finding>,
) {
    if !about(&rule.filter, publication) {
        return;
    }
    let mut regions = publication
        .regions()
        .iter()
        .copied()
        .filter(|region| in_regions(&rule.filter, *region))
        .peekable();
    if regions.peek().is_none() {
        return;
    }
    match &rule.body {
        RuleBody::Window(window_rule) => {
            let mut violations: Vec<Violation> = Vec::new();
            for region in regions {
                let open = window_rule
                    .windows
                    .iter()
                    .filter(|w| w.region == region && goes_out_in(publication, &w.window));
                for region_window in open {
                    let exempt = window_rule.exempt_earlier_publications
                        && publication
                            .first_published()
                            .is_some_and(|first| first < region_window.window.start);
                    if !exempt {
                        let breach = Breach {
                            region,
                            window: region_window.window,
                            overlap: overlap(publication, &region_window.window),
                        };
                        add_window(&mut violations, region_window.round, breach);
                    }
                }
            }
            let rule = index;
            findings.extend(
                violations
                    .into_iter()
                    .map(|violation| Finding { rule, violation }),
            );
        }
        // Judged over many publications, by `Aggregates`.
        RuleBody::Burst(_) | RuleBody::Balance(_) => {}
        RuleBody::Requires(requirement) => {
            if requirement.first_publication_only && publication.is_later_copy() {
                return;
            }
            // A copy published long enough after the first is exempt.
            if let (Some(within), Some(first)) =
                (requirement.copies_within, publication.first_published())
                && publication.instant().signed_duration_since(first) >= within
            {
                return;
            }
            // A duty with a period binds only inside it, in one of the
            // publication's regions; a publication that lasts is inside it
            // if it goes out at any time of it.
            if let Some(period) = &requirement.period {
                let mut regions = regions;
                let inside = regions.any(|region| {
                    period
                        .windows
                        .iter()
                        .any(|w| w.region == region && goes_out_in(publication, &w.window))
                });
                if !inside {
                    return;
                }
            }
            let mut missing: Vec<String> = requirement
                .attributes
                .iter()
                .filter(|key| publication.field(key).is_none_or(|v| v.trim().is_empty()))
                .cloned()
                .collect();
            if let Some(not_before) = &requirement.not_before {
                too_early(
                    rulebook,
                    index,
                    not_before,
                    publication,
                    &mut missing,
                    findings,
                );
            }
            if !missing.is_empty() {
                findings.push(Finding {
                    rule: index,
                    violation: Violation::MissingAttributes(missing),
                });
            }
        }
    }
}

/// A publication that goes out before the day a date it carries allows
/// (`not_before`): inside `Window::before` that instant, in each of its
/// regions the rule is about. A date that cannot be read is as good as
/// none: it joins `missing` (the message says it is not a date).
fn too_early(
    rulebook: &Rulebook,
    index: usize,
    not_before: &NotBefore,
    publication: &Publication,
    missing: &mut Vec<String>,
    findings: &mut Vec<Finding>,
) {
    let Some(text) = publication.field(&not_before.date) else {
        return; // Listed in `requires`: already missing.
    };
    let Some(date) = crate::time::parse_date(text.trim()) else {
        if !text.trim().is_empty() {
            missing.push(not_before.date.clone());
        }
        return;
    };
    let mut windows = Vec::new();
    let rule = &rulebook.rules[index];
    for &region in publication.regions() {
        if !in_regions(&rule.filter, region) {
            continue;
        }
        let zone = rulebook.regions[region].zone;
        // Past the instants a log can write: no date a publication can wait for.
        let Some(allowed) = not_before.allowed_from(date, zone) else {
            missing.push(not_before.date.clone());
            return;
        };
        let window = Window::before(allowed);
        if goes_out_in(publication, &window) {
            windows.push(Breach {
                region,
                window,
                overlap: overlap(publication, &window),
            });
        }
    }
    if !windows.is_empty() {
        findings.push(Finding {
            rule: index,
            violation: Violation::InsideWindow {
                round: None,
                windows,
            },
        });
    }
}

/// The instants from which the dates `publication` carries let it go out
/// (`not_before`, in each of its regions): the ends of the windows
/// `too_early` finds, for a search of the earliest allowed instant.
pub fn dated_ends(
    rulebook: &Rulebook,
    publication: &Publication,
) -> Vec<chrono::DateTime<chrono::Utc>> {
    let mut ends = Vec::new();
    for rule in &rulebook.rules {
        let RuleBody::Requires(requirement) = &rule.body else {
            continue;
        };
        let Some(not_before) = &requirement.not_before else {
            continue;
        };
        let date = publication
            .field(&not_before.date)
            .and_then(|text| crate::time::parse_date(text.trim()));
        if let Some(date) = date {
            ends.extend(
                publication
                    .regions()
                    .iter()
                    .filter_map(|&r| not_before.allowed_from(date, rulebook.regions[r].zone)),
            );
        }
    }
    ends
}

/// Does `publication` go out while `window` is open: at its instant, or,
/// for one that lasts, at any time of `[instant, end)`? Both intervals are
/// half-open: a segment that ends exactly when a window opens does not
/// overlap it.
fn goes_out_in(publication: &Publication, window: &Window) -> bool {
    match publication.end() {
        None => window.contains(publication.instant()),
        Some(end) => publication.instant() < window.end && window.start < end,
    }
}

/// The part of `window` that a publication that lasts goes out in; `None`
/// for one that goes out at its instant. `window` must be one it goes out in.
fn overlap(publication: &Publication, window: &Window) -> Option<Window> {
    let end = publication.end()?;
    Some(Window {
        start: publication.instant().max(window.start),
        end: end.min(window.end),
    })
}

/// A window the publication went out inside, with the others of its round.
fn add_window(violations: &mut Vec<Violation>, round: Option<usize>, breach: Breach) {
    let same_round = violations.iter_mut().find_map(|v| match v {
        Violation::InsideWindow { round: r, windows } if *r == round => Some(windows),
        _ => None,
    });
    match same_round {
        Some(windows) => windows.push(breach),
        None => violations.push(Violation::InsideWindow {
            round,
            windows: vec![breach],
        }),
    }
}

/// Is a rule with this filter about this publication (regions aside)?
fn about(filter: &Filter, publication: &Publication) -> bool {
    let listed = |list: &Option<Vec<String>>, value: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|x| x == value))
    };
    let channel_matches = match (&filter.channels, publication.channel()) {
        (Some(channels), Some(channel)) => channels.iter().any(|c| c == channel),
        // A publication that does not say its channel may have gone out on any.
        _ => true,
    };
    let tags_match = filter
        .tags
        .as_ref()
        .is_none_or(|tags| publication.tags().any(|t| tags.iter().any(|x| x == t)));
    let attributes_match = filter
        .attributes
        .iter()
        .all(|(key, value)| publication.field(key) == Some(value.as_str()))
        && filter
            .attribute_sets
            .iter()
            .all(|set| set.admits(publication.field(&set.key)));
    listed(&filter.kinds, publication.kind()) && channel_matches && tags_match && attributes_match
}

/// Does the filter keep a publication received in `region`?
fn in_regions(filter: &Filter, region: usize) -> bool {
    filter.regions.as_ref().is_none_or(|r| r.contains(&region))
}
