//! Publications that last (`end=`): a window rule is broken when
//! `[instant, end)` overlaps the window, and the finding carries the overlap.
//!
//! Held against brute force: a publication that lasts from `s` to `e` breaks
//! exactly the windows that an instant publication breaks at some second of
//! `[s, e)`, and went out in each from the first such second to one second
//! after the last (every bound of these windows is a whole second). The
//! rulebook is synthetic and its windows short, minutes apart in UTC across
//! zones with odd offsets, so that a search second by second stays cheap.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use proptest::prelude::*;
use scrutin::check::{Checker, Finding, Violation, check};
use scrutin::publication::{self, Publication, write};
use scrutin::rulebook::{self, Rulebook, Window};
use scrutin::source::SourceFile;

/// Three regions whose polls close within a quarter of an hour of each
/// other in UTC: at 10:00 in UTC, 15:52 in Kathmandu (+05:45, 10:07 UTC),
/// 18:40 in Eucla (+08:45, 09:55 UTC). Windows of each kind: per round and
/// region, for some regions, with the exemption of earlier publications,
/// for the whole election, and a duty with a period.
const RULEBOOK: &str = r#"id: lasting
title: Short windows
jurisdiction: Nowhere
kinds: { campaign: Campaign, poll: Poll }
channels: { web: Web }
regions:
  utc: { name: UTC, zone: UTC }
  kathmandu: { name: Kathmandu, zone: Asia/Kathmandu, polls: { open: "08:00", close: "15:52" } }
  eucla: { name: Eucla, zone: Australia/Eucla, polls: { open: "08:00", close: "18:40" } }
default_region: utc
polls: { open: "08:00", close: "10:00" }
rounds:
  - { id: r1, name: only round, vote: 2024-06-02 }
rules:
  - id: silence
    title: Silence
    severity: error
    citation: { article: art. 1, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [campaign] }
    window: { start: polls_close - 20min, end: polls_close }
  - id: around-close
    title: Around the close
    severity: error
    citation: { article: art. 2, law: Act, url: "https://example.org" }
    help: h
    applies_to: { regions: [utc, eucla] }
    window: { start: polls_close - 5min, end: polls_close + 10min }
  - id: one-minute
    title: One minute
    severity: warning
    citation: { article: art. 3, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [poll] }
    window: { start: "2024-06-02T09:50:00Z", end: "2024-06-02T09:51:00Z", exempt_earlier_publications: true }
  - id: after-all
    title: After all
    severity: error
    citation: { article: art. 4, law: Act, url: "https://example.org" }
    help: h
    window: { start: "2024-06-02T10:12:00Z", end: "2024-06-02T10:13:00Z", per: election }
  - id: notice
    title: Notice
    severity: error
    citation: { article: art. 5, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [poll] }
    requires: [notice]
    window: { start: polls_close - 10min, end: polls_close + 5min }
"#;

fn rulebook() -> &'static Rulebook {
    static RULEBOOK_: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK_.get_or_init(|| {
        rulebook::parse(SourceFile::new("lasting.yaml", RULEBOOK))
            .unwrap_or_else(|e| panic!("{e:?}"))
    })
}

fn checker() -> &'static Checker<'static> {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(rulebook()))
}

/// 2024-06-02T09:25:00Z, before every window.
fn origin() -> DateTime<Utc> {
    "2024-06-02T09:25:00Z".parse().unwrap()
}

fn stamp(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// What a publication is, apart from when.
#[derive(Debug, Clone)]
struct Item {
    kind: &'static str,
    regions: Vec<&'static str>,
    /// When it first went out, if it is a later copy: before it starts.
    first_published: Option<DateTime<Utc>>,
    notice: bool,
}

/// The item as a log line, from `start` until `end` if it lasts.
fn line(item: &Item, start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> String {
    let mut line = stamp(start);
    write::field(&mut line, "outlet", "o");
    write::field(&mut line, "kind", item.kind);
    write::field(&mut line, "region", &item.regions.join(","));
    if let Some(first) = item.first_published {
        write::field(&mut line, "first_published", &stamp(first));
    }
    if item.notice {
        write::field(&mut line, "notice", "yes");
    }
    if let Some(end) = end {
        write::field(&mut line, "end", &stamp(end));
    }
    line
}

fn read(line: &str) -> Publication<'_> {
    publication::read(line, rulebook()).unwrap_or_else(|e| panic!("{line}: {e:?}"))
}

/// A window broken: (rule, round, region, window).
type Broken = (usize, Option<usize>, usize, (DateTime<Utc>, DateTime<Utc>));

/// The windows broken with their overlaps, and the duties not met.
fn found(findings: &[Finding]) -> (BTreeMap<Broken, Option<Window>>, BTreeSet<usize>) {
    let mut windows = BTreeMap::new();
    let mut duties = BTreeSet::new();
    for finding in findings {
        match &finding.violation {
            Violation::InsideWindow {
                round,
                windows: breaches,
            } => {
                for b in breaches {
                    let key = (
                        finding.rule,
                        *round,
                        b.region,
                        (b.window.start, b.window.end),
                    );
                    assert!(windows.insert(key, b.overlap).is_none(), "{findings:?}");
                }
            }
            Violation::MissingAttributes(_) => {
                duties.insert(finding.rule);
            }
        }
    }
    (windows, duties)
}

/// The findings of the item lasting from `start` to `end`, second by
/// second: each window broken at some second, from the first to one
/// second after the last; each duty not met at some second.
fn brute_force(
    item: &Item,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (BTreeMap<Broken, Option<Window>>, BTreeSet<usize>) {
    let mut windows: BTreeMap<Broken, Option<Window>> = BTreeMap::new();
    let mut duties = BTreeSet::new();
    let mut at = start;
    while at < end {
        let text = line(item, at, None);
        let (broken, owed) = found(&check(rulebook(), &read(&text)));
        for key in broken.into_keys() {
            let second = Window {
                start: at,
                end: at + Duration::seconds(1),
            };
            windows
                .entry(key)
                .and_modify(|o| o.as_mut().unwrap().end = second.end)
                .or_insert(Some(second));
        }
        duties.extend(owed);
        at += Duration::seconds(1);
    }
    (windows, duties)
}

fn item() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&["campaign", "poll"][..]),
        prop::sample::subsequence(&["utc", "kathmandu", "eucla"][..], 1..=3),
        prop::option::of(-3600i64..0),
        any::<bool>(),
    )
        .prop_map(|(kind, regions, first_published, notice)| Item {
            kind,
            regions,
            first_published: first_published.map(|s| origin() + Duration::seconds(s)),
            notice,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_publication_that_lasts_breaks_what_each_of_its_seconds_breaks(
        item in item(),
        start in 0i64..3300,
        duration in 1i64..1500,
        copied_late in any::<bool>(),
    ) {
        let start = origin() + Duration::seconds(start);
        // A copy of content first put online inside a window, or before it.
        let mut item = item;
        if copied_late {
            item.first_published = item.first_published.map(|f| f + Duration::minutes(80)).map(|f| f.min(start));
        }
        let end = start + Duration::seconds(duration);
        let text = line(&item, start, Some(end));
        let publication = read(&text);
        let findings = check(rulebook(), &publication);
        let (windows, duties) = found(&findings);
        let (expected_windows, expected_duties) = brute_force(&item, start, end);
        prop_assert_eq!(&windows, &expected_windows, "{}", text);
        prop_assert_eq!(&duties, &expected_duties, "{}", text);
        // The index nominates every rule that applies.
        prop_assert_eq!(checker().check(&publication), findings, "{}", text);
    }
}

/// A publication without an end is one at an instant, as before: no overlap.
#[test]
fn a_publication_without_an_end_has_no_overlap() {
    let item = Item {
        kind: "campaign",
        regions: vec!["utc"],
        first_published: None,
        notice: false,
    };
    let text = line(&item, "2024-06-02T09:45:00Z".parse().unwrap(), None);
    let (windows, _) = found(&check(rulebook(), &read(&text)));
    assert_eq!(windows.len(), 1);
    assert!(windows.values().all(Option::is_none));
}

/// Half-open at both ends: a segment that ends when the window opens, or
/// starts when it closes, does not overlap it; one second more does.
#[test]
fn a_segment_that_touches_a_window_does_not_break_it() {
    let item = Item {
        kind: "campaign",
        regions: vec!["utc"],
        first_published: None,
        notice: false,
    };
    // `silence` in UTC is [09:40, 10:00); `around-close` is [09:55, 10:10).
    let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    let rules = |start: &str, end: &str| -> Vec<String> {
        let text = line(&item, at(start), Some(at(end)));
        let findings = check(rulebook(), &read(&text));
        findings
            .iter()
            .map(|f| rulebook().rules[f.rule].id.clone())
            .collect()
    };
    assert!(rules("2024-06-02T09:30:00Z", "2024-06-02T09:40:00Z").is_empty());
    assert_eq!(
        rules("2024-06-02T09:30:00Z", "2024-06-02T09:40:01Z"),
        ["silence"]
    );
    assert!(rules("2024-06-02T10:10:00Z", "2024-06-02T10:12:00Z").is_empty());
    assert_eq!(
        rules("2024-06-02T10:09:59Z", "2024-06-02T10:12:00Z"),
        ["around-close"]
    );
    // A segment that spans a whole window breaks it, from its start to its end.
    let text = line(
        &item,
        at("2024-06-02T09:00:00Z"),
        Some(at("2024-06-02T11:00:00Z")),
    );
    let (windows, _) = found(&check(rulebook(), &read(&text)));
    let overlaps: Vec<(String, String)> = windows
        .values()
        .map(|o| {
            let o = o.unwrap();
            (stamp(o.start), stamp(o.end))
        })
        .collect();
    assert_eq!(
        overlaps,
        [
            ("2024-06-02T09:40:00Z".into(), "2024-06-02T10:00:00Z".into()),
            ("2024-06-02T09:55:00Z".into(), "2024-06-02T10:10:00Z".into()),
            ("2024-06-02T10:12:00Z".into(), "2024-06-02T10:13:00Z".into()),
        ]
    );
}
