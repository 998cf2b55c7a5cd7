//! Every rule's windows, resolved once per rulebook into sorted UTC intervals
//! per (kind, region), so that finding the rules that may apply to a
//! publication costs a binary search per region it is received in (two for
//! one that lasts), not a scan over all rules.
//!
//! The index only nominates: the rules it names are those `confirm` must
//! try, and `confirm` alone decides. A rule it leaves out cannot apply, which
//! `tests/fast_path.rs` checks against `check`, which tries every rule.

use chrono::{DateTime, Utc};

use crate::publication::{Publication, key_bit};
use crate::rulebook::{Filter, RuleBody, Rulebook};

pub(super) struct RuleIndex {
    regions: usize,
    /// By `kind * regions + region`: the windows of the rules about that kind
    /// in that region.
    timelines: Vec<Timeline>,
    /// By kind: the rules that require attributes of it.
    requirements: Vec<Vec<usize>>,
    /// By rule: the `key_bit`s of the keys its filter needs (attributes,
    /// tags): a publication without one of them is not nominated.
    needs: Vec<u64>,
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
    /// The rules of the windows open.
    open: Vec<usize>,
}

impl RuleIndex {
    pub(super) fn new(rulebook: &Rulebook) -> Self {
        let (kinds, regions) = (rulebook.kinds.len(), rulebook.regions.len());
        let timelines = (0..kinds)
            .flat_map(|kind| (0..regions).map(move |region| (kind, region)))
            .map(|(kind, region)| timeline(rulebook, kind, region))
            .collect();
        let requirements = (0..kinds)
            .map(|kind| requirements(rulebook, kind))
            .collect();
        let needs = rulebook.rules.iter().map(|r| needs(&r.filter)).collect();
        RuleIndex {
            regions,
            timelines,
            requirements,
            needs,
        }
    }

    /// Puts in `rules`, in increasing order, the rules that may apply to
    /// `publication`: those with a window open while it goes out (at its
    /// instant, or during `[instant, end)` for one that lasts) in one of its
    /// regions, and the requirements about its kind, but for those whose
    /// filter needs a key the publication does not write. False when the index
    /// cannot tell (an instant beyond the years 1677 to 2262): then every
    /// rule may.
    pub(super) fn candidates(&self, publication: &Publication, rules: &mut Vec<usize>) -> bool {
        rules.clear();
        let Some(instant) = nanos_of(publication.instant()) else {
            return false;
        };
        let end = match publication.end() {
            Some(end) => match nanos_of(end) {
                Some(end) => Some(end),
                None => return false,
            },
            None => None,
        };
        let kind = publication.kind_id().0;
        let keys = publication.keys();
        let possible = |rule: &&usize| self.needs[**rule] & !keys == 0;
        for &region in publication.regions() {
            let timeline = &self.timelines[kind * self.regions + region];
            let open = match end {
                Some(end) => timeline.open_during(instant, end),
                None => timeline.open_at(instant),
            };
            rules.extend(open.iter().filter(possible));
        }
        rules.extend(self.requirements[kind].iter().filter(possible));
        rules.sort_unstable();
        rules.dedup();
        true
    }
}

/// Is a rule with this filter about publications of `kind`?
pub(super) fn about(rulebook: &Rulebook, filter: &Filter, kind: usize) -> bool {
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
            let here = window_rule.windows.iter().filter(|w| w.region == region);
            windows.extend(here.map(|w| (index, nanos(w.window.start), nanos(w.window.end))));
        }
    }
    Timeline::new(windows)
}

/// The `key_bit`s of the keys a filter needs a publication to have.
pub(super) fn needs(filter: &Filter) -> u64 {
    let tags = filter.tags.as_ref().map_or(0, |_| key_bit(b"tags"));
    let attributes = filter.attributes.iter().map(|(key, _)| key);
    // `none_of` passes a publication without the key: it needs none.
    let sets = filter
        .attribute_sets
        .iter()
        .filter(|s| !s.none_of)
        .map(|s| &s.key);
    attributes
        .chain(sets)
        .fold(tags, |bits, key| bits | key_bit(key.as_bytes()))
}

/// The requirement rules about `kind`.
fn requirements(rulebook: &Rulebook, kind: usize) -> Vec<usize> {
    let rules = rulebook.rules.iter().enumerate();
    rules
        .filter(|(_, rule)| {
            matches!(rule.body, RuleBody::Requires(_)) && about(rulebook, &rule.filter, kind)
        })
        .map(|(index, _)| index)
        .collect()
}

/// A window bound as nanoseconds since 1970, saturated: publications at or
/// beyond the saturated values are not looked up (`nanos_of`), so the order
/// with every instant compared is kept.
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
    /// From (rule, start, end) of every window.
    fn new(mut windows: Vec<(usize, i64, i64)>) -> Self {
        let mut bounds: Vec<i64> = windows.iter().flat_map(|w| [w.1, w.2]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        windows.sort_unstable_by_key(|w| w.1);
        let mut timeline = Timeline {
            first: Vec::with_capacity(bounds.len()),
            ..Timeline::default()
        };
        let mut open: Vec<(usize, i64)> = Vec::new();
        let mut next = 0;
        for &bound in &bounds {
            open.retain(|w| w.1 > bound);
            while let Some(&(rule, start, end)) = windows.get(next)
                && start <= bound
            {
                if end > bound {
                    open.push((rule, end));
                }
                next += 1;
            }
            timeline.first.push(timeline.open.len());
            timeline.open.extend(open.iter().map(|w| w.0));
        }
        timeline.first.push(timeline.open.len());
        timeline.bounds = bounds;
        timeline
    }

    /// The rules of the windows open at `instant` (half-open: a window is
    /// open at its start, closed at its end).
    fn open_at(&self, instant: i64) -> &[usize] {
        let after = self.bounds.partition_point(|&b| b <= instant);
        if after == 0 {
            return &[];
        }
        let segment = after - 1;
        &self.open[self.first[segment]..self.first[segment + 1]]
    }

    /// The rules of the windows open at some time of `[start, end)`, `end`
    /// after `start`, once for each segment it meets: the segments from the
    /// one that holds `start` to the one that holds the last instant before
    /// `end`, whose lists lie one after another in `open`.
    fn open_during(&self, start: i64, end: i64) -> &[usize] {
        // The segment before the first bound has no window open.
        let last = self.bounds.partition_point(|&b| b < end);
        if last == 0 {
            return &[];
        }
        let first = self.bounds.partition_point(|&b| b <= start).max(1);
        &self.open[self.first[first - 1]..self.first[last]]
    }
}

/// An instant as nanoseconds since 1970, if the index can compare it:
/// between the years 1677 and 2262, and not at either end, which stand for
/// window bounds beyond that range.
fn nanos_of(instant: DateTime<Utc>) -> Option<i64> {
    let nanos = instant.timestamp_nanos_opt()?;
    (nanos != i64::MIN && nanos != i64::MAX).then_some(nanos)
}
