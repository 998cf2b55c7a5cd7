//! A commission's merged export, for benchmarks (`genlog --unsorted`): the
//! publications of many outlets put together, so that time jumps back and
//! forth from one line to the next, and a set share of them breaks a rule.
//!
//! Each line is a violation with probability `violations`: a publication of a
//! window rule's kinds and channels at an instant inside one of its windows
//! (for the French rulebooks: paid ads across the campaign; campaign items,
//! polls and results over the weekends of the votes). Every other line is
//! clean: an instant anywhere in the campaign, a kind at its usual share, and
//! news instead when a window rule forbids that kind there. Every poll states
//! its notice, so none breaks poll-notice. Window rules that need a tag or an
//! attribute are left out: the lines carry neither. Each violation breaks one
//! rule, so the share of lines with a finding is `violations`; `compare.sh`
//! counts them with scrutin itself. The same seed gives the same log.

use std::io::{self, Write};

use chrono::{DateTime, Duration, Utc};
use scrutin::rulebook::{Filter, Rule, RuleBody, Rulebook, Window};

use crate::generate::{self, Campaign, Line, OUTLETS, Random};

/// A window rule's publications, and its windows in one region, clipped to the campaign.
struct Target<'a> {
    kinds: Vec<&'a str>,
    channels: Vec<&'a str>,
    windows: Vec<Window>,
}

/// Writes `lines` publications for `rulebook`, a share `violations` (0 to 1)
/// of them breaking a window rule, the same for the same `seed`.
pub(crate) fn log(
    rulebook: &Rulebook,
    lines: usize,
    seed: u64,
    violations: f64,
    mut out: impl Write,
) -> io::Result<()> {
    let campaign = Campaign::of(rulebook);
    let kinds: Vec<&str> = rulebook.kinds.iter().map(|k| k.id.as_str()).collect();
    let channels: Vec<&str> = rulebook.channels.iter().map(|c| c.id.as_str()).collect();
    let targets: Vec<Vec<Target>> = (0..rulebook.regions.len())
        .map(|region| targets(rulebook, &campaign, region, &kinds, &channels))
        .collect();
    // In millionths, so that the draw stays in integers.
    let violations = (violations.clamp(0.0, 1.0) * 1e6).round() as usize;

    let mut random = Random(seed);
    for n in 0..lines {
        let breaks = random.below(1_000_000) < violations;
        let region = generate::region(rulebook, &mut random);
        let outlet = OUTLETS[random.below(OUTLETS.len())];
        let (instant, kind, channel) = match &targets[region][..] {
            targets if breaks && !targets.is_empty() => {
                violation(&targets[random.below(targets.len())], &mut random)
            }
            _ => {
                let instant =
                    campaign.start + Duration::seconds(random.below(campaign.seconds) as i64);
                let channel = channels[random.below(channels.len())];
                let kind = match generate::kind(&kinds, &mut random) {
                    kind if forbidden(rulebook, kind, channel, region, instant) => "news",
                    kind => kind,
                };
                (instant, kind, channel)
            }
        };
        Line {
            n,
            instant,
            region: &rulebook.regions[region],
            outlet,
            kind,
            channel,
            notice: kind == "poll",
        }
        .write(&mut out)?;
    }
    out.flush()
}

/// An instant, kind and channel inside one of `target`'s windows.
fn violation<'a>(target: &Target<'a>, random: &mut Random) -> (DateTime<Utc>, &'a str, &'a str) {
    let window = target.windows[random.below(target.windows.len())];
    let seconds = (window.end - window.start).num_seconds().max(1) as usize;
    let instant = window.start + Duration::seconds(random.below(seconds) as i64);
    let kind = target.kinds[random.below(target.kinds.len())];
    let channel = target.channels[random.below(target.channels.len())];
    (instant, kind, channel)
}

/// The window rules a plain line of `region` can break inside the campaign.
fn targets<'a>(
    rulebook: &'a Rulebook,
    campaign: &Campaign,
    region: usize,
    kinds: &[&'a str],
    channels: &[&'a str],
) -> Vec<Target<'a>> {
    let end = campaign.start + Duration::seconds(campaign.seconds as i64);
    rulebook
        .rules
        .iter()
        .filter(|rule| plain(&rule.filter) && in_region(&rule.filter, region))
        .filter_map(|rule| {
            let windows: Vec<Window> = windows(rule, region)
                .filter_map(|w| {
                    let start = w.start.max(campaign.start);
                    let end = w.end.min(end);
                    (start < end).then_some(Window { start, end })
                })
                .collect();
            let chosen = |listed: &Option<Vec<String>>, all: &[&'a str]| -> Vec<&'a str> {
                all.iter()
                    .copied()
                    .filter(|id| listed.as_ref().is_none_or(|l| l.iter().any(|x| x == id)))
                    .collect()
            };
            let target = Target {
                kinds: chosen(&rule.filter.kinds, kinds),
                channels: chosen(&rule.filter.channels, channels),
                windows,
            };
            let usable = !target.windows.is_empty()
                && !target.kinds.is_empty()
                && !target.channels.is_empty();
            usable.then_some(target)
        })
        .collect()
}

/// Does a window rule forbid this kind, on this channel, in this region, at this instant?
fn forbidden(
    rulebook: &Rulebook,
    kind: &str,
    channel: &str,
    region: usize,
    instant: DateTime<Utc>,
) -> bool {
    let listed = |list: &Option<Vec<String>>, value: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|x| x == value))
    };
    rulebook.rules.iter().any(|rule| {
        plain(&rule.filter)
            && in_region(&rule.filter, region)
            && listed(&rule.filter.kinds, kind)
            && listed(&rule.filter.channels, channel)
            && windows(rule, region).any(|w| w.contains(instant))
    })
}

/// A filter a line without tags or attributes can match.
fn plain(filter: &Filter) -> bool {
    filter.tags.is_none() && filter.attributes.is_empty()
}

/// Does the filter keep publications of `region`?
fn in_region(filter: &Filter, region: usize) -> bool {
    filter.regions.as_ref().is_none_or(|r| r.contains(&region))
}

/// A window rule's windows in `region` (none for a rule that requires attributes).
fn windows(rule: &Rule, region: usize) -> impl Iterator<Item = Window> + '_ {
    let windows = match &rule.body {
        RuleBody::Window(window_rule) => &window_rule.windows[..],
        RuleBody::Requires(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => &[],
    };
    windows
        .iter()
        .filter(move |w| w.region == region)
        .map(|w| w.window)
}
