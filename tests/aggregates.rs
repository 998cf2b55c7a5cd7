//! Rules over many publications (`burst`), against a naive count: every
//! whole second of the range tried as the start of the interval, every
//! publication looked at for each.

use std::collections::BTreeMap;
use std::io;

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, LogLine, Outcome, Summary};
use scrutin::check::{Aggregate, AggregateFinding};
use scrutin::report::Report;
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;
use scrutin::waiver::Waivers;

/// A rulebook with one burst rule: more than `more_than` items tagged
/// `leak` within `minutes`, per account, counted in `[00:30Z, 02:30Z)`.
fn rulebook(more_than: u32, minutes: u32) -> Rulebook {
    let text = format!(
        r#"id: burst
title: Burst
jurisdiction: Testland
kinds: {{ news: News }}
regions: {{ capital: {{ name: Capital, zone: Europe/Paris }} }}
default_region: capital
polls: {{ open: "08:00", close: "20:00" }}
rounds: [{{ id: r1, name: first round, vote: 2017-05-07 }}]
rules:
  - id: burst
    title: Burst
    severity: warning
    citation: {{ article: art. 1, law: Act, url: "https://example.org/act" }}
    help: Too many at once.
    applies_to: {{ tags: [leak] }}
    burst: {{ more_than: {more_than}, within: {minutes}min, per: account }}
    window:
      per: election
      start: 2017-05-06T00:30:00Z
      end: 2017-05-06T02:30:00Z
"#
    );
    rulebook::parse(SourceFile::new("burst.yaml", text)).expect("a valid rulebook")
}

const RANGE_START: &str = "2017-05-06T00:00:00Z";
const RANGE_SECONDS: i64 = 3 * 3600;
const WINDOW: (i64, i64) = (1800, 9000);

/// A publication: seconds after `RANGE_START`, its account, tagged or not.
#[derive(Debug, Clone)]
struct Item {
    second: i64,
    account: u8,
    leak: bool,
}

fn log(items: &[Item]) -> String {
    let start: DateTime<Utc> = RANGE_START.parse().unwrap();
    let mut log = String::new();
    for item in items {
        let at = start + TimeDelta::seconds(item.second);
        let tags = if item.leak { " tags=leak" } else { "" };
        log.push_str(&format!(
            "{} outlet=x kind=news account=a{}{tags}\n",
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            item.account
        ));
    }
    log
}

/// The aggregate findings of a run.
#[derive(Default)]
struct Aggregates(Vec<AggregateFinding>);

impl Report for Aggregates {
    fn line(&mut self, _: &LogLine, _: Outcome) -> io::Result<()> {
        Ok(())
    }
    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        self.0.push(finding.clone());
        Ok(())
    }
    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        panic!("{file}: {reason}")
    }
    fn finish(&mut self, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

fn findings(
    rulebook: &Rulebook,
    log: &str,
    jobs: usize,
    chunk_bytes: usize,
) -> Vec<AggregateFinding> {
    let pipeline = Pipeline::new(rulebook).jobs(jobs).chunk_bytes(chunk_bytes);
    let (mut report, mut summary, mut waivers) =
        (Aggregates::default(), Summary::default(), Waivers::none());
    pipeline
        .audit(
            "burst.log",
            log.as_bytes(),
            &mut report,
            &mut summary,
            Limits::default(),
            &mut waivers,
        )
        .unwrap();
    pipeline
        .judge_aggregates(&mut report, &mut summary, &mut waivers)
        .unwrap();
    assert_eq!(summary.violations, report.0.len());
    report.0
}

/// What a naive count finds for each account: the largest number of
/// counted items in `[s, s + within)` over every whole second `s`; the
/// earliest second of an item that starts such an interval; and the first
/// and last lines counted in it.
fn naive(items: &[Item], more_than: u32, within: i64) -> BTreeMap<u8, (u32, i64, usize, usize)> {
    let mut found = BTreeMap::new();
    for account in 0..3u8 {
        let counted: Vec<(usize, i64)> = items
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.account == account && i.leak && (WINDOW.0..WINDOW.1).contains(&i.second)
            })
            .map(|(line, i)| (line + 1, i.second))
            .collect();
        let inside = |s: i64| {
            counted
                .iter()
                .filter(move |(_, at)| (s..s + within).contains(at))
        };
        let best = (-within..RANGE_SECONDS)
            .map(|s| inside(s).count())
            .max()
            .unwrap_or(0);
        if best as u32 <= more_than {
            continue;
        }
        let start = counted
            .iter()
            .map(|(_, at)| *at)
            .filter(|&s| inside(s).count() == best)
            .min()
            .expect("a peak starts at an item");
        let first = inside(start).map(|(line, _)| *line).min().unwrap();
        let last = inside(start).map(|(line, _)| *line).max().unwrap();
        found.insert(account, (best as u32, start, first, last));
    }
    found
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    // Clustered, so that bursts happen: a few centres, items around them.
    let item = (0i64..6, -900i64..900, 0u8..3, prop::bool::weighted(0.8)).prop_map(
        |(centre, offset, account, leak)| Item {
            second: (centre * 1800 + offset).clamp(0, RANGE_SECONDS - 1),
            account,
            leak,
        },
    );
    prop::collection::vec(item, 0..120)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_burst_is_what_a_naive_count_finds(
        items in items(),
        more_than in 0u32..12,
        minutes in 1u32..40,
        jobs in 1usize..3,
        chunk_bytes in 40usize..2000,
    ) {
        let rulebook = rulebook(more_than, minutes);
        let text = log(&items);
        let within = i64::from(minutes) * 60;
        let expected = naive(&items, more_than, within);
        let found = findings(&rulebook, &text, jobs, chunk_bytes);
        let start: DateTime<Utc> = RANGE_START.parse().unwrap();
        let actual: BTreeMap<u8, (u32, i64, usize, usize)> = found
            .iter()
            .map(|f| {
                let Aggregate::Burst { count, more_than: m, peak } = &f.what else {
                    panic!("a burst")
                };
                assert_eq!(*m, more_than);
                assert_eq!(peak.end - peak.start, TimeDelta::seconds(within));
                let account = f.group.trim_start_matches('a').parse::<u8>().unwrap();
                let at = (peak.start - start).num_seconds();
                (account, (*count, at, f.first.line, f.last.line))
            })
            .collect();
        prop_assert_eq!(actual, expected);
        // The order of the lines does not matter: reversed, the same bursts
        // (lines aside, which move).
        let reversed: Vec<Item> = items.iter().rev().cloned().collect();
        let again = findings(&rulebook, &log(&reversed), 1, 1 << 20);
        let counts = |f: &[AggregateFinding]| -> Vec<(String, String)> {
            f.iter().map(|f| (f.group.clone(), format!("{:?}", f.what))).collect()
        };
        prop_assert_eq!(counts(&again), counts(&found));
    }
}

#[test]
fn the_threshold_is_more_than() {
    // Exactly `more_than` in an interval is not a burst; one more is.
    let rulebook = rulebook(3, 10);
    let at = |second| Item {
        second,
        account: 0,
        leak: true,
    };
    let three = [at(2000), at(2100), at(2200), at(2599)];
    assert_eq!(findings(&rulebook, &log(&three[..3]), 1, 1 << 20), []);
    // The fourth at 2599 is inside [2000, 2600): four, a burst.
    let found = findings(&rulebook, &log(&three), 1, 1 << 20);
    assert_eq!(found.len(), 1);
    // At 2600 it is not: [2000, 2600) is half-open.
    let found = findings(
        &rulebook,
        &log(&[at(2000), at(2100), at(2200), at(2600)]),
        1,
        1 << 20,
    );
    assert_eq!(found, []);
}

#[test]
fn items_outside_the_window_do_not_count() {
    let rulebook = rulebook(1, 10);
    let at = |second| Item {
        second,
        account: 1,
        leak: true,
    };
    // 1799 is before the window's start (1800): two inside, not three.
    assert_eq!(
        findings(&rulebook, &log(&[at(1799), at(1800)]), 1, 1 << 20),
        []
    );
    assert_eq!(
        findings(&rulebook, &log(&[at(1800), at(1801)]), 1, 1 << 20).len(),
        1
    );
    // 9000 is the window's end: outside.
    assert_eq!(
        findings(&rulebook, &log(&[at(8999), at(9000)]), 1, 1 << 20),
        []
    );
}

// --- balance ---------------------------------------------------------------

/// A rulebook with one balance: durations per candidate (a, b, c), per
/// outlet, in three daily slots of Paris time, counted in
/// `[2017-03-25T12:00Z, 2017-03-27T12:00Z)`, across the change to summer
/// time (Sunday 26 March, 02:00 → 03:00); a tolerance of nothing, so that
/// every total that is not an equal share is reported with its numbers.
fn balance_rulebook() -> Rulebook {
    let text = r#"id: balance
title: Balance
jurisdiction: Testland
kinds: { segment: Segment }
regions: { capital: { name: Capital, zone: Europe/Paris } }
default_region: capital
polls: { open: "08:00", close: "20:00" }
rounds: [{ id: r1, name: first round, vote: 2017-04-23 }]
rules:
  - id: balance
    title: Balance
    severity: warning
    citation: { article: art. 1, law: Act, url: "https://example.org/act" }
    help: Equal time.
    applies_to: { kinds: [segment] }
    balance:
      of: duration
      by: candidate
      among: [a, b, c]
      per: outlet
      slots: ["00:00-06:00", "06:00-18:00", "18:00-24:00"]
      tolerance: 0%
    window:
      per: election
      start: 2017-03-25T12:00:00Z
      end: 2017-03-27T12:00:00Z
"#;
    rulebook::parse(SourceFile::new("balance.yaml", text)).expect("a valid rulebook")
}

const BALANCE_FROM: &str = "2017-03-25T06:00:00Z";
const SLOTS: [(u32, u32); 3] = [(0, 360), (360, 1080), (1080, 1440)];

#[derive(Debug, Clone)]
struct Segment {
    /// Seconds after `BALANCE_FROM`, and how long.
    start: i64,
    seconds: i64,
    candidate: u8,
    outlet: u8,
}

fn segments_log(segments: &[Segment]) -> String {
    let from: DateTime<Utc> = BALANCE_FROM.parse().unwrap();
    let at = |s: i64| (from + TimeDelta::seconds(s)).format("%Y-%m-%dT%H:%M:%SZ");
    segments
        .iter()
        .map(|s| {
            format!(
                "{} outlet=o{} kind=segment candidate={} end={}\n",
                at(s.start),
                s.outlet,
                ["a", "b", "c", "z"][usize::from(s.candidate)],
                at(s.start + s.seconds)
            )
        })
        .collect()
}

/// Totals by (outlet, slot, candidate), second by second: each second of a
/// segment inside the window is put in the slot its Paris wall clock reads.
fn direct_sums(segments: &[Segment]) -> BTreeMap<(String, (u32, u32)), BTreeMap<String, i64>> {
    use chrono::Timelike;
    let from: DateTime<Utc> = BALANCE_FROM.parse().unwrap();
    let window = (
        "2017-03-25T12:00:00Z".parse::<DateTime<Utc>>().unwrap(),
        "2017-03-27T12:00:00Z".parse::<DateTime<Utc>>().unwrap(),
    );
    let mut sums: BTreeMap<(String, (u32, u32)), BTreeMap<String, i64>> = BTreeMap::new();
    for segment in segments.iter().filter(|s| s.candidate < 3) {
        for second in segment.start..segment.start + segment.seconds {
            let at = from + TimeDelta::seconds(second);
            if at < window.0 || at >= window.1 {
                continue;
            }
            let local = at.with_timezone(&chrono_tz::Europe::Paris);
            let minute = local.hour() * 60 + local.minute();
            let slot = SLOTS
                .into_iter()
                .find(|&(s, e)| s <= minute && minute < e)
                .unwrap();
            let totals = sums
                .entry((format!("o{}", segment.outlet), slot))
                .or_default();
            *totals
                .entry(["a", "b", "c"][usize::from(segment.candidate)].to_string())
                .or_default() += 1;
        }
    }
    sums
}

fn segments() -> impl Strategy<Value = Vec<Segment>> {
    let segment = (0i64..(3 * 86_400), 1i64..(3 * 3600), 0u8..4, 0u8..2).prop_map(
        |(start, seconds, candidate, outlet)| Segment {
            start,
            seconds,
            candidate,
            outlet,
        },
    );
    prop::collection::vec(segment, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Totals cut by slots of local time, across a change of clocks, are
    /// the sums a second-by-second count finds; the values reported are
    /// those whose share is not equal; a value outside `among` counts for
    /// nothing.
    #[test]
    fn balance_totals_are_the_direct_sums(segments in segments(), jobs in 1usize..3) {
        let rulebook = balance_rulebook();
        let found = findings(&rulebook, &segments_log(&segments), jobs, 300);
        let mut expected = Vec::new();
        for ((outlet, slot), totals) in direct_sums(&segments) {
            let total: i64 = totals.values().sum();
            for candidate in ["a", "b", "c"] {
                let amount = totals.get(candidate).copied().unwrap_or(0);
                if total > 0 && amount * 3 != total {
                    expected.push((outlet.clone(), slot, candidate.to_string(), amount, total));
                }
            }
        }
        let mut actual: Vec<_> = found
            .iter()
            .map(|f| {
                let Aggregate::Balance(b) = &f.what else { panic!("a balance") };
                (f.group.clone(), b.slot.unwrap(), b.value.clone(), b.amount, b.total)
            })
            .collect();
        actual.sort();
        expected.sort();
        prop_assert_eq!(actual, expected);
    }
}

#[test]
fn a_tag_written_twice_counts_once() {
    let text = r#"id: tags
title: Tags
jurisdiction: Testland
kinds: { news: News }
regions: { capital: { name: Capital, zone: Europe/Paris } }
default_region: capital
polls: { open: "08:00", close: "20:00" }
rounds: [{ id: r1, name: first round, vote: 2017-05-07 }]
rules:
  - id: burst
    title: Burst
    severity: warning
    citation: { article: art. 1, law: Act, url: "https://example.org/act" }
    help: Too many at once.
    burst: { more_than: 2, within: 1h, per: tags }
"#;
    let rulebook = rulebook::parse(SourceFile::new("tags.yaml", text)).unwrap();
    let one = "2017-01-01T10:00:00Z outlet=a kind=news tags=leak,leak,leak\n";
    assert_eq!(findings(&rulebook, one, 1, 1 << 20), []);
    let three = one.repeat(3);
    let found = findings(&rulebook, &three, 1, 1 << 20);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].group, "leak");
}
