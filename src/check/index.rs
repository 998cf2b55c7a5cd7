//! Every rule's windows, resolved once per rulebook into sorted UTC intervals
//! per (kind, region), so that asking whether a line breaks any rule costs a
//! binary search per region it is received in, not a scan over all rules.
//!
//! The index answers yes or no for a line read in place (`breaks_any`); a
//! line that breaks something goes to `check_indexed`, which asks it which
//! rules to try (`candidates`) and says what and where. Both must agree with
//! `check`, which `tests/fast_path.rs` checks line by line.

use chrono::{DateTime, Utc};

use crate::publication::scan::{LineView, key_bit, nanos_of};
use crate::publication::{LIST_FIELDS, Publication};
use crate::rulebook::{Filter, RuleBody, Rulebook};

pub struct RuleIndex {
    regions: usize,
    /// By `kind * regions + region`: the windows of the rules about that kind
    /// in that region.
    timelines: Vec<Timeline>,
    /// By kind: the rules that require attributes of it, grouped by the
    /// keys their filters need.
    requirements: Vec<Vec<Requirements>>,
    /// By rule: the `key_bit`s of the keys its filter needs (attributes,
    /// tags), to dismiss most rules about other things at once.
    needs: Vec<u64>,
}

/// Requirement rules whose filters need the same keys: one test dismisses
/// them all when a line lacks one.
struct Requirements {
    needs: u64,
    rules: Vec<usize>,
}

/// The windows of one (kind, region), cut at every start and end into
/// segments, each listing the windows open all along it.
#[derive(Default)]
struct Timeline {
    /// Segment `i` is `[bounds[i], bounds[i + 1])`, in nanoseconds since
    /// 1970 (saturated beyond the years 1677 to 2262, which keeps the order).
    bounds: Vec<i64>,
    /// Segment `i` holds `open[first[i]..first[i + 1]]`.
    first: Vec<usize>,
    /// (rule, index in the rule's windows).
    open: Vec<(usize, usize)>,
}

impl RuleIndex {
    pub fn new(rulebook: &Rulebook) -> Self {
        let (kinds, regions) = (rulebook.kinds.len(), rulebook.regions.len());
        let timelines = (0..kinds)
            .flat_map(|kind| (0..regions).map(move |region| (kind, region)))
            .map(|(kind, region)| timeline(rulebook, kind, region))
            .collect();
        let needs: Vec<u64> = rulebook.rules.iter().map(|r| needs(&r.filter)).collect();
        let requirements = (0..kinds)
            .map(|kind| requirements(rulebook, &needs, kind))
            .collect();
        RuleIndex {
            regions,
            timelines,
            requirements,
            needs,
        }
    }

    /// The rules that may apply to a publication read in full, in increasing
    /// order: those with a window open at its instant in one of its regions,
    /// and the requirements about its kind. `None` when the index cannot
    /// tell (an instant beyond the years 1677 to 2262).
    pub fn candidates(&self, rulebook: &Rulebook, publication: &Publication) -> Option<Vec<usize>> {
        let kind = rulebook
            .kinds
            .iter()
            .position(|k| k.id == publication.kind)?;
        let instant = nanos_of(publication.instant)?;
        let mut rules: Vec<usize> = publication
            .regions
            .iter()
            .flat_map(|&region| {
                let timeline = &self.timelines[kind * self.regions + region];
                timeline.open_at(instant).iter().map(|&(rule, _)| rule)
            })
            .chain(
                self.requirements[kind]
                    .iter()
                    .flat_map(|g| g.rules.iter().copied()),
            )
            .collect();
        rules.sort_unstable();
        rules.dedup();
        Some(rules)
    }

    /// Does the line break any rule of `rulebook` (the one indexed)? The
    /// same answer as `!check(rulebook, &publication).is_empty()`.
    pub fn breaks_any(&self, rulebook: &Rulebook, line: &LineView) -> bool {
        self.breaks_a_window(rulebook, line) || self.misses_attributes(rulebook, line)
    }

    fn breaks_a_window(&self, rulebook: &Rulebook, line: &LineView) -> bool {
        line.regions.iter().any(|region| {
            let timeline = &self.timelines[line.kind * self.regions + region];
            timeline.open_at(line.instant).iter().any(|&(index, n)| {
                if self.needs[index] & !line.keys != 0 {
                    return false;
                }
                let rule = &rulebook.rules[index];
                let RuleBody::Window(window_rule) = &rule.body else {
                    unreachable!("only window rules have timelines");
                };
                let start = nanos(window_rule.windows[n].window.start);
                let exempt = window_rule.exempt_earlier_publications
                    && line.first_published.is_some_and(|first| first < start);
                let in_region = rule
                    .filter
                    .regions
                    .as_ref()
                    .is_none_or(|r| r.contains(&region));
                in_region && !exempt && matches(rulebook, &rule.filter, line)
            })
        })
    }

    fn misses_attributes(&self, rulebook: &Rulebook, line: &LineView) -> bool {
        let groups = self.requirements[line.kind].iter();
        let possible = groups.filter(|group| group.needs & !line.keys == 0);
        possible.flat_map(|group| &group.rules).any(|&index| {
            let rule = &rulebook.rules[index];
            let RuleBody::Requires(requirement) = &rule.body else {
                unreachable!("only requirements are listed");
            };
            let later_copy = line
                .first_published
                .is_some_and(|first| first < line.instant);
            let in_region = rule
                .filter
                .regions
                .as_ref()
                .is_none_or(|r| r.iter().any(|&region| line.regions.contains(region)));
            let exempt = requirement.first_publication_only && later_copy;
            in_region
                && !exempt
                && matches(rulebook, &rule.filter, line)
                && requirement
                    .attributes
                    .iter()
                    .any(|key| value(line, key).is_none_or(|v| v.trim().is_empty()))
        })
    }
}

/// Is a rule with this filter about publications of `kind`?
fn about(rulebook: &Rulebook, filter: &Filter, kind: usize) -> bool {
    let id = &rulebook.kinds[kind].id;
    filter.kinds.as_ref().is_none_or(|kinds| kinds.contains(id))
}

/// The windows of the rules about `kind`, in `region`.
fn timeline(rulebook: &Rulebook, kind: usize, region: usize) -> Timeline {
    let mut windows = Vec::new();
    for (index, rule) in rulebook.rules.iter().enumerate() {
        if let RuleBody::Window(window_rule) = &rule.body
            && about(rulebook, &rule.filter, kind)
        {
            let here = window_rule.windows.iter().enumerate();
            windows.extend(
                here.filter(|(_, w)| w.region == region)
                    .map(|(n, w)| (index, n, nanos(w.window.start), nanos(w.window.end))),
            );
        }
    }
    Timeline::new(windows)
}

/// The `key_bit`s of the keys a filter needs a line to have.
fn needs(filter: &Filter) -> u64 {
    let tags = filter.tags.as_ref().map_or(0, |_| key_bit(b"tags"));
    let attributes = filter.attributes.iter();
    attributes.fold(tags, |bits, (key, _)| bits | key_bit(key.as_bytes()))
}

/// The requirement rules about `kind`, grouped by the keys they need.
fn requirements(rulebook: &Rulebook, needs: &[u64], kind: usize) -> Vec<Requirements> {
    let mut groups: Vec<Requirements> = Vec::new();
    for (index, rule) in rulebook.rules.iter().enumerate() {
        if !matches!(rule.body, RuleBody::Requires(_)) || !about(rulebook, &rule.filter, kind) {
            continue;
        }
        match groups.iter_mut().find(|g| g.needs == needs[index]) {
            Some(group) => group.rules.push(index),
            None => groups.push(Requirements {
                needs: needs[index],
                rules: vec![index],
            }),
        }
    }
    groups
}

/// The filter's channels, tags and attributes (kinds and regions are the
/// index's), as `check` reads them.
fn matches(rulebook: &Rulebook, filter: &Filter, line: &LineView) -> bool {
    let channel = match (&filter.channels, line.channel) {
        (Some(channels), Some(channel)) => channels.contains(&rulebook.channels[channel].id),
        // A publication that does not say its channel may have gone out on any.
        _ => true,
    };
    let tags = filter
        .tags
        .as_ref()
        .is_none_or(|tags| line.tags().any(|tag| tags.iter().any(|t| t == tag)));
    let attributes = filter
        .attributes
        .iter()
        .all(|(key, expected)| value(line, key) == Some(expected.as_str()));
    channel && tags && attributes
}

/// A single-valued field, as `Publication::field` gives it.
fn value<'a>(line: &'a LineView, key: &str) -> Option<&'a str> {
    if LIST_FIELDS.contains(&key) {
        return None;
    }
    line.field(key)
}

/// A window bound as nanoseconds since 1970, saturated: publications at or
/// beyond the saturated values never take the fast path (`nanos_of`), so the
/// order with every instant compared is kept.
fn nanos(instant: DateTime<Utc>) -> i64 {
    instant
        .timestamp_nanos_opt()
        .unwrap_or(if instant.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        })
}

impl Timeline {
    /// From (rule, window index, start, end) of every window.
    fn new(mut windows: Vec<(usize, usize, i64, i64)>) -> Self {
        let mut bounds: Vec<i64> = windows.iter().flat_map(|w| [w.2, w.3]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        windows.sort_unstable_by_key(|w| w.2);
        let mut timeline = Timeline {
            first: Vec::with_capacity(bounds.len()),
            ..Timeline::default()
        };
        let mut open: Vec<(usize, usize, i64)> = Vec::new();
        let mut next = 0;
        for &bound in &bounds {
            open.retain(|w| w.2 > bound);
            while let Some(&(rule, n, start, end)) = windows.get(next)
                && start <= bound
            {
                if end > bound {
                    open.push((rule, n, end));
                }
                next += 1;
            }
            timeline.first.push(timeline.open.len());
            timeline.open.extend(open.iter().map(|w| (w.0, w.1)));
        }
        timeline.first.push(timeline.open.len());
        timeline.bounds = bounds;
        timeline
    }

    /// The windows open at `instant` (half-open: a window is open at its
    /// start, closed at its end).
    fn open_at(&self, instant: i64) -> &[(usize, usize)] {
        let after = self.bounds.partition_point(|&b| b <= instant);
        if after == 0 {
            return &[];
        }
        let segment = after - 1;
        &self.open[self.first[segment]..self.first[segment + 1]]
    }
}
