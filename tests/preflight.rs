//! Preflight: may this be published now, and if not, from when?

use std::sync::OnceLock;

use assert_cmd::Command;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use scrutin::check::{Violation, check};
use scrutin::preflight::earliest_allowed;
use scrutin::publication::{self, Publication};
use scrutin::rulebook::{self, Rulebook};
use serde_json::Value;

const RULES: &str = "rules/fr/presidential-2017.yaml";

fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| rulebook::load(RULES.as_ref()).unwrap())
}

fn blocked(publication: &Publication) -> bool {
    check(rulebook(), publication)
        .iter()
        .any(|f| matches!(f.violation, Violation::InsideWindow { .. }))
}

/// The answer found the slow way: a minute at a time.
fn brute_force(publication: &Publication) -> DateTime<Utc> {
    let mut moved = publication.clone();
    while blocked(&moved) {
        moved.instant += Duration::minutes(1);
    }
    moved.instant
}

/// A question around one of the two 2017 weekends, on a whole minute.
fn question() -> impl Strategy<Value = Publication> {
    let kinds = prop::sample::select(vec!["campaign", "poll", "result", "news"]);
    let channels = prop::sample::select(vec!["", " channel=web", " channel=print", " channel=tv"]);
    let regions = prop::collection::btree_set(0usize..12, 1..4);
    let weekend = prop::sample::select(vec!["2017-04-20T00:00:00Z", "2017-05-04T00:00:00Z"]);
    (
        weekend,
        0i64..(5 * 24 * 60),
        kinds,
        channels,
        regions,
        any::<bool>(),
    )
        .prop_map(|(weekend, minute, kind, channel, regions, leak)| {
            let at = weekend.parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute);
            let regions: Vec<&str> = regions
                .iter()
                .map(|&r| rulebook().regions[r].id.as_str())
                .collect();
            let tags = if leak { " tags=leak" } else { "" };
            let line = format!(
                "{} outlet=o kind={kind}{channel}{tags} region={}",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                regions.join(",")
            );
            publication::read(&line, rulebook()).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Exact across overlapping windows of several rules and regions.
    #[test]
    fn the_earliest_allowed_instant_is_the_one_a_minute_by_minute_search_finds(question in question()) {
        prop_assert_eq!(earliest_allowed(rulebook(), &question), brute_force(&question));
    }
}

fn preflight(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["preflight", "--rules", RULES])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_campaign_post_on_saturday_is_blocked_until_sunday_8_pm() {
    let (code, stdout, _) = preflight(&[
        "--kind",
        "campaign",
        "--channel",
        "web",
        "--at",
        "2017-05-06T09:30:00+02:00",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("BLOCKED: a `campaign` at Sat 2017-05-06 09:30 CEST"),
        "{stdout}"
    );
    assert!(
        stdout.contains("earliest allowed: Sun 2017-05-07 20:00 CEST (2017-05-07T18:00:00Z)"),
        "{stdout}"
    );
    insta::assert_snapshot!("preflight-blocked", stdout);
}

#[test]
fn a_complete_poll_on_friday_afternoon_is_allowed() {
    let notice = [
        "--attr",
        "pollster=Ipsos",
        "--attr",
        "sponsor=Le Monde",
        "--attr",
        "sample_size=1412",
    ];
    let more = [
        "--attr",
        "fieldwork=2017-05-04/05",
        "--attr",
        "margin_of_error=2.5",
    ];
    let args = [
        ["--kind", "poll", "--at", "2017-05-05T15:00:00+02:00"].as_slice(),
        &notice,
        &more,
    ]
    .concat();
    let (code, stdout, _) = preflight(&args);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.starts_with("ALLOWED"));
}

#[test]
fn a_missing_notice_is_something_to_add_not_a_time() {
    let (code, json, _) = preflight(&[
        "--kind",
        "poll",
        "--at",
        "2017-05-05T15:00:00+02:00",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["allowed"], false);
    assert_eq!(json["allowed_from"], Value::Null);
    assert_eq!(json["to_add"][0]["rule"], "poll-notice");
    assert_eq!(json["to_add"][0]["missing"].as_array().unwrap().len(), 5);
}

#[test]
fn the_latest_region_decides() {
    let (_, json, _) = preflight(&[
        "--line",
        "2017-05-05T23:40:00+02:00 outlet=rfi kind=campaign region=metropole,polynesie",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["blocking"][0]["windows"][0]["region"], "polynesie");
    assert_eq!(json["allowed_from"], "2017-05-07T18:00:00Z");
}

#[test]
fn a_bad_question_exits_2_with_a_located_diagnostic() {
    let (code, _, stderr) = preflight(&["--kind", "pol", "--at", "2017-05-05T15:00:00Z"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown kind `pol`"), "{stderr}");
    assert!(stderr.contains("did you mean `poll`?"), "{stderr}");
    let (code, _, stderr) = preflight(&["--kind", "poll", "--at", "tomorrow"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected a timestamp"), "{stderr}");
}
