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

/// The answer found the slow way: a minute at a time (moving a publication
/// that lasts moves its end with it).
fn brute_force(publication: &Publication) -> Option<DateTime<Utc>> {
    let mut moved = publication.clone();
    while blocked(&moved) {
        assert!(moved.set_instant(moved.instant() + Duration::minutes(1)));
    }
    Some(moved.instant())
}

/// A question around one of the two 2017 weekends, on a whole minute; some
/// last whole minutes, up to three days.
fn question() -> impl Strategy<Value = Publication<'static>> {
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
        prop::option::of(1i64..(3 * 24 * 60)),
    )
        .prop_map(|(weekend, minute, kind, channel, regions, leak, lasting)| {
            let at = weekend.parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute);
            let regions: Vec<&str> = regions
                .iter()
                .map(|&r| rulebook().regions[r].id.as_str())
                .collect();
            let tags = if leak { " tags=leak" } else { "" };
            let end = lasting.map_or_else(String::new, |minutes| {
                let end = at + Duration::minutes(minutes);
                format!(
                    " end={}",
                    end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            });
            let line = format!(
                "{} outlet=o kind={kind}{channel}{tags} region={}{end}",
                at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                regions.join(",")
            );
            publication::read(&line, rulebook()).unwrap().into_owned()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Exact across overlapping windows of several rules and regions, for
    /// an instant and for a run of the same duration moved later.
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
fn a_bad_line_exits_2_with_a_diagnostic_on_the_line() {
    let (code, _, stderr) = preflight(&["--line", "2017-05-05T15:00:00Z outlet=a kind=pol"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown kind `pol`"), "{stderr}");
    assert!(stderr.contains("did you mean `poll`?"), "{stderr}");
    assert!(stderr.contains("[question:1:"), "{stderr}");
}

/// A mistake in an option is reported in that option, on one line, never as
/// a mistake in a log line the user did not write.
#[test]
fn a_bad_option_is_named_with_what_it_expects() {
    let expected_at = "(expected an instant such as 2017-05-06T09:30:00+02:00 or 2017-05-06T09:30:00[Europe/Paris], or now)";
    let cases: [(&[&str], String); 6] = [
        (
            &["--kind", "poll", "--at", "2017-13-45"],
            format!("scrutin: --at 2017-13-45: not a date and time {expected_at} [scrutin::option::bad-instant]\n"),
        ),
        (
            &["--kind", "poll", "--at", "tomorrow"],
            format!("scrutin: --at tomorrow: not a date and time {expected_at} [scrutin::option::bad-instant]\n"),
        ),
        (
            &["--kind", "poll", "--at", "2017-13-45T09:30:00Z"],
            format!("scrutin: --at 2017-13-45T09:30:00Z: 2017-13-45 is not a date {expected_at} [scrutin::option::bad-instant]\n"),
        ),
        (
            &["--kind", "pol"],
            "scrutin: --kind pol: not a kind of fr-presidential-2017 (did you mean `poll`? valid: political_ad, news, campaign, poll, result, paid_ad, promoted_content, speaking_time) [scrutin::option::unknown-kind]\n".into(),
        ),
        (
            &["--kind", "poll", "--channel", "telex"],
            "scrutin: --channel telex: not a channel of fr-presidential-2017 (valid: web, print, tv, radio, social) [scrutin::option::unknown-channel]\n".into(),
        ),
        (
            &["--kind", "poll", "--region", "metropole", "--region", "guadelupe"],
            "scrutin: --region guadelupe: not a region of fr-presidential-2017 (did you mean `guadeloupe`? valid: metropole, guadeloupe, martinique, guyane, reunion, mayotte, saint-pierre-et-miquelon, saint-barthelemy, saint-martin, polynesie, nouvelle-caledonie, wallis-et-futuna) [scrutin::option::unknown-region]\n".into(),
        ),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = preflight(args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
}

#[test]
fn without_kind_or_line_the_usage_says_so() {
    let (code, _, stderr) = preflight(&["--at", "2017-05-05T15:00:00Z"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: the following required arguments were not provided:\n  <--kind <KIND>|--line <LINE>>\n"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("--at <AT>\n"), "{stderr}");
}

#[test]
fn a_line_takes_no_other_part_of_the_question() {
    let line = "2017-05-05T15:00:00Z outlet=a kind=news";
    for option in [["--at", "2017-05-06T09:30:00Z"], ["--outlet", "b"]] {
        let (code, _, stderr) = preflight(&[&["--line", line], option.as_slice()].concat());
        assert_eq!(code, 2, "{option:?}");
        assert!(stderr.contains("cannot be used with"), "{stderr}");
    }
}

#[test]
fn every_option_has_a_help_text() {
    let (code, help, _) = preflight(&["--help"]);
    assert_eq!(code, 0);
    let options: Vec<&str> = help
        .lines()
        .skip_while(|line| *line != "Options:")
        .skip(1)
        .filter(|line| line.trim_start().starts_with('-'))
        .collect();
    assert!(options.len() >= 10, "{help}");
    for option in options {
        // `  --channel <CHANNEL>  Where…`: the text follows the option.
        let text = option
            .trim_start()
            .split_once("  ")
            .map(|(_, text)| text.trim());
        assert!(
            text.is_some_and(|text| !text.is_empty() && !text.starts_with('[')),
            "no help text: {option}"
        );
    }
}

const POLL_NOTICE: [&str; 10] = [
    "--attr",
    "pollster=Ipsos",
    "--attr",
    "sponsor=Le Monde",
    "--attr",
    "sample_size=1412",
    "--attr",
    "fieldwork=2017-05-04/05",
    "--attr",
    "margin_of_error=2.5",
];

fn poll_at(at: &str, format: &str) -> (i32, String) {
    let args = [
        ["--kind", "poll", "--at", at, "--format", format].as_slice(),
        &POLL_NOTICE,
    ]
    .concat();
    let (code, stdout, stderr) = preflight(&args);
    assert!(stderr.is_empty(), "{stderr}");
    (code, stdout)
}

#[test]
fn an_allowed_answer_warns_of_a_window_opening_within_48_hours() {
    let (code, stdout) = poll_at("2017-05-05T15:00:00+02:00", "human");
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\nallowed now; from Sat 2017-05-06 00:00 CEST a `poll` is forbidden until Sun 2017-05-07 20:00 CEST in metropole (poll-ban)\n"),
        "{stdout}"
    );
    insta::assert_snapshot!("preflight-allowed-upcoming", stdout);
    let (_, json) = poll_at("2017-05-05T15:00:00+02:00", "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["upcoming"],
        serde_json::json!([{
            "rule": "poll-ban",
            "region": "metropole",
            "start": "2017-05-05T22:00:00Z",
            "end": "2017-05-07T18:00:00Z",
        }])
    );
    // Exactly 48 hours before the ban is still warned of; a minute earlier is not.
    let (_, json) = poll_at("2017-05-03T22:00:00Z", "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["upcoming"][0]["rule"], "poll-ban");
    let (_, stdout) = poll_at("2017-05-03T21:59:00Z", "human");
    assert!(!stdout.contains("allowed now"), "{stdout}");
}

#[test]
fn a_window_closed_to_the_publication_is_no_warning() {
    // A news item is not a poll: the ban opening that night is not about it.
    let (code, json, _) = preflight(&[
        "--kind",
        "news",
        "--at",
        "2017-05-05T15:00:00+02:00",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["upcoming"], serde_json::json!([]));
}

#[test]
fn after_the_last_round_the_election_is_over() {
    let (code, stdout) = poll_at("2017-06-01T12:00:00+02:00", "human");
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\nthe election of this rulebook (fr-presidential-2017) is over: it ended Mon 2017-05-08 00:00 CEST (2017-05-07T22:00:00Z)"),
        "{stdout}"
    );
    let (_, json) = poll_at("2017-06-01T12:00:00+02:00", "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["election_over"], true);
    // The ban on paid advertising lasts until the end of the decisive day.
    assert_eq!(json["election_end"], "2017-05-07T22:00:00Z");
    // Between the rounds it is not over.
    let (_, json) = poll_at("2017-04-30T12:00:00+02:00", "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["election_over"], false);
}

#[test]
fn an_answer_is_never_blocked_and_over_at_once() {
    // Sunday 23:00 Paris: the polls have closed, but paid advertising is
    // banned until the end of the day: blocked, and not yet over. (Online:
    // on radio and TV it is forbidden at all times.)
    let (code, json, _) = preflight(&[
        "--kind",
        "paid_ad",
        "--channel",
        "web",
        "--at",
        "2017-05-07T21:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["verdict"], "blocked");
    assert_eq!(json["election_over"], false);
    assert_eq!(json["allowed_from"], "2017-05-07T22:00:00Z");
}

#[test]
fn the_verdict_in_a_word_for_people_and_machines() {
    let campaign_on_saturday = ["--kind", "campaign", "--at", "2017-05-06T09:30:00+02:00"];
    let bare_poll_on_friday = ["--kind", "poll", "--at", "2017-05-05T15:00:00+02:00"];
    let cases = [
        (campaign_on_saturday.as_slice(), 1, "BLOCKED: ", "blocked"),
        (
            bare_poll_on_friday.as_slice(),
            1,
            "MISSING NOTICE: ",
            "missing-notice",
        ),
        (
            &["--kind", "news", "--at", "2017-05-05T15:00:00+02:00"],
            0,
            "ALLOWED: ",
            "allowed",
        ),
    ];
    for (args, exit, headline, verdict) in cases {
        let (code, stdout, _) = preflight(args);
        assert_eq!(code, exit, "{args:?}");
        assert!(stdout.starts_with(headline), "{stdout}");
        if verdict == "missing-notice" {
            insta::assert_snapshot!("preflight-missing-notice", stdout);
        }
        let (code, json, _) = preflight(&[args, &["--format", "json"]].concat());
        assert_eq!(code, exit, "{args:?}");
        let json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["verdict"], verdict, "{args:?}");
        assert_eq!(json["allowed"], verdict == "allowed", "{args:?}");
    }
}

/// When a publication is blocked, what it must carry is told for the
/// instant it may go out: a duty whose period ends with the blackout asks
/// nothing then.
#[test]
fn what_to_add_is_told_for_when_it_may_go_out() {
    let text = "id: t\ntitle: T\njurisdiction: T\nkinds: { survey: S }\n\
        regions: { here: { name: Here, zone: America/Toronto } }\ndefault_region: here\n\
        polls: { open: \"09:30\", close: \"21:30\" }\n\
        rounds: [ { id: r1, name: R1, vote: 2021-09-20 } ]\n\
        rules:\n\
        \x20 - { id: duty, title: D, severity: error, help: h, citation: { article: a, law: l, url: \"https://example.org\" },\n\
        \x20     applies_to: { kinds: [survey] }, requires: [sponsor], window: { start: vote - 30 days 00:00, end: polls_close } }\n\
        \x20 - { id: blackout, title: B, severity: error, help: h, citation: { article: a, law: l, url: \"https://example.org\" },\n\
        \x20     applies_to: { kinds: [survey] }, window: { start: vote 00:00, end: polls_close } }\n";
    let rulebook = rulebook::parse(scrutin::source::SourceFile::new("t.yaml", text)).unwrap();
    let publication =
        publication::read("2021-09-20T10:00:00-04:00 outlet=a kind=survey", &rulebook).unwrap();
    let answer = scrutin::preflight::preflight(&rulebook, &publication);
    assert_eq!(answer.blocking.len(), 1);
    assert_eq!(
        answer.allowed_from,
        Some("2021-09-21T01:30:00Z".parse().unwrap())
    );
    assert!(answer.to_add.is_empty(), "{:?}", answer.to_add);
    // The day before, not blocked: the duty holds now.
    let before =
        publication::read("2021-09-19T10:00:00-04:00 outlet=a kind=survey", &rulebook).unwrap();
    assert_eq!(
        scrutin::preflight::preflight(&rulebook, &before)
            .to_add
            .len(),
        1
    );
}

/// "May this ad run from Monday to Sunday?": the parts of the week a window
/// covers, in local time and UTC, and the earliest start of a whole week.
#[test]
fn an_interval_lists_what_may_not_run_and_the_earliest_start_of_all_of_it() {
    let week = [
        "--kind",
        "paid_ad",
        "--channel",
        "social",
        "--at",
        "2017-05-01T00:00:00[Europe/Paris]",
        "--until",
        "2017-05-08T00:00:00[Europe/Paris]",
    ];
    let (code, stdout, _) = preflight(&week);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with(
            "BLOCKED: a `paid_ad` from Mon 2017-05-01 00:00 CEST to Mon 2017-05-08 00:00 CEST \
             (UTC [2017-04-30T22:00:00Z, 2017-05-07T22:00:00Z)) in metropole"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "      may not run: Mon 2017-05-01 00:00 CEST → Mon 2017-05-08 00:00 CEST\n\
             \x20       UTC [2017-04-30T22:00:00Z, 2017-05-07T22:00:00Z)\n"
        ),
        "{stdout}"
    );
    insta::assert_snapshot!("preflight-interval-blocked", stdout);
    let json = preflight(&[&week[..], &["--format", "json"]].concat()).1;
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["until"], "2017-05-07T22:00:00Z");
    assert_eq!(json["allowed_from"], "2017-05-07T22:00:00Z");
    assert_eq!(json["allowed_until"], "2017-05-14T22:00:00Z");
    let overlap = &json["blocking"][0]["windows"][0]["overlap"];
    assert_eq!(overlap["start"], "2017-04-30T22:00:00Z");
    assert_eq!(overlap["end"], "2017-05-07T22:00:00Z");
    assert_eq!(overlap["local_start"], "2017-05-01T00:00:00+02:00");
    assert_eq!(overlap["local_end"], "2017-05-08T00:00:00+02:00");
}

/// Half-open: a broadcast segment that ends as the silence starts may run;
/// one second more may not, and the earliest start of the whole segment is
/// when the silence ends.
#[test]
fn a_segment_that_ends_as_a_window_opens_is_allowed() {
    let segment = |until: &str| {
        preflight(&[
            "--kind",
            "campaign",
            "--channel",
            "tv",
            "--at",
            "2017-05-05T23:00:00+02:00",
            "--until",
            until,
        ])
    };
    let (code, stdout, _) = segment("2017-05-06T00:00:00+02:00");
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(
            "allowed as asked; from Sat 2017-05-06 00:00 CEST a `campaign` is forbidden until \
             Sun 2017-05-07 20:00 CEST in metropole (campaign-silence)"
        ),
        "{stdout}"
    );
    let (code, stdout, _) = segment("2017-05-06T00:00:01+02:00");
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("may not run: Sat 2017-05-06 00:00 CEST → Sat 2017-05-06 00:00:01 CEST"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "earliest start from which all of it may run: Sun 2017-05-07 20:00 CEST \
             (2017-05-07T18:00:00Z), until Sun 2017-05-07 21:00:01 CEST (2017-05-07T19:00:01Z)"
        ),
        "{stdout}"
    );
}

#[test]
fn an_end_not_after_the_start_is_refused() {
    let (code, _, stderr) = preflight(&[
        "--kind",
        "campaign",
        "--at",
        "2017-05-05T23:00:00+02:00",
        "--until",
        "2017-05-05T21:00:00Z",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "scrutin: --until 2017-05-05T21:00:00Z: not after the start, 2017-05-05T23:00:00+02:00"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("[scrutin::option::bad-until]"), "{stderr}");
    // With `--line`, the end is the line's own, and --until is refused.
    let (code, _, stderr) = preflight(&[
        "--line",
        "2017-05-05T23:00:00+02:00 outlet=tf1 kind=campaign end=2017-05-06T01:00:00+02:00",
        "--until",
        "2017-05-06T01:00:00+02:00",
    ]);
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, _) = preflight(&[
        "--line",
        "2017-05-05T23:00:00+02:00 outlet=tf1 kind=campaign end=2017-05-06T01:00:00+02:00",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("BLOCKED: a `campaign` from"), "{stdout}");
}

/// An instant's answer in JSON has no `until` nor `allowed_until`: the
/// answers written before intervals are unchanged.
#[test]
fn an_instant_s_answer_has_no_interval_fields() {
    let (_, json) = poll_at("2017-05-06T09:30:00+02:00", "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    assert!(json.get("until").is_none(), "{json}");
    assert!(json.get("allowed_until").is_none(), "{json}");
    assert!(json["blocking"][0]["windows"][0].get("overlap").is_none());
}

/// A rule in force at all times blocks for ever: no earliest instant, and
/// not "after the election" either (the UK's broadcast ban on political
/// advertising, `window: always`).
#[test]
fn a_rule_in_force_at_all_times_is_never_waited_out() {
    for at in [
        "2024-07-04T12:00:00+01:00",
        "2031-01-01T00:00:00Z",
        "1990-01-01T00:00:00Z",
    ] {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args(["preflight", "--rules", "rules/uk/general-2024.yaml"])
            .args(["--kind", "political_ad", "--channel", "tv", "--at", at])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        assert!(stdout.starts_with("BLOCKED"), "{stdout}");
        assert!(
            stdout.contains("earliest allowed: never (a rule forbids it at all times)"),
            "{stdout}"
        );
        assert!(stdout.contains("at all times"), "{stdout}");
    }
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "preflight",
            "--rules",
            "rules/uk/general-2024.yaml",
            "--format",
            "json",
        ])
        .args([
            "--kind",
            "political_ad",
            "--channel",
            "radio",
            "--at",
            "2024-07-04T12:00:00+01:00",
        ])
        .output()
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["verdict"], "blocked", "{answer}");
    assert!(answer["allowed_from"].is_null(), "{answer}");
    let window = &answer["blocking"][0]["windows"][0];
    assert!(
        window["start"].is_null() && window["end"].is_null(),
        "{answer}"
    );
    // Print is not covered: allowed, and nothing is about to open.
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["preflight", "--rules", "rules/uk/general-2024.yaml"])
        .args([
            "--kind",
            "political_ad",
            "--channel",
            "print",
            "--at",
            "2031-01-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

/// An item that lasts under a rule in force at all times: the whole run may
/// not go out, and no start is ever allowed.
#[test]
fn a_run_under_a_rule_in_force_at_all_times_is_never_allowed() {
    let args = [
        "preflight",
        "--rules",
        "rules/uk/general-2024.yaml",
        "--kind",
        "political_ad",
        "--channel",
        "tv",
        "--at",
        "2024-07-01T20:00:00+01:00",
        "--until",
        "2024-07-01T20:30:00+01:00",
    ];
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("may not run: Mon 2024-07-01 20:00 BST → Mon 2024-07-01 20:30 BST"),
        "{stdout}"
    );
    assert!(
        stdout.contains("earliest allowed: never (a rule forbids it at all times)"),
        "{stdout}"
    );
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(answer["allowed_from"].is_null(), "{answer}");
    assert!(answer["allowed_until"].is_null(), "{answer}");
    assert_eq!(
        answer["blocking"][0]["windows"][0]["overlap"]["start"],
        "2024-07-01T19:00:00Z"
    );
}

/// `--rules` takes an election's scenarios together (a shell glob): each is
/// answered under its id, at one instant; blocked by one is blocked. Today
/// (the session's date, late 2026), France 2027's L52-1 blocks a paid ad in
/// both scenarios; at a fixed instant the same holds, tested here.
#[test]
fn several_rulebooks_are_each_answered() {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "preflight",
            "--rules",
            "rules/fr/presidential-2027-a.yaml",
            "rules/fr/presidential-2027-b.yaml",
        ])
        .args([
            "--kind",
            "paid_ad",
            "--at",
            "2026-12-01T12:00:00+01:00",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let answers: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let answers = answers.as_array().unwrap();
    let ids: Vec<&str> = answers
        .iter()
        .map(|a| a["rulebook"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["fr-presidential-2027-a", "fr-presidential-2027-b"]);
    for answer in answers {
        assert_eq!(answer["verdict"], "blocked");
        assert_eq!(answer["blocking"][0]["rule"], "paid-political-advertising");
        assert_eq!(answer["at"], "2026-12-01T11:00:00Z");
    }
    // A round-1 Sunday of scenario B is an ordinary Sunday in scenario A's
    // between-rounds weeks: the verdicts differ (the notes' trap).
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "preflight",
            "--rules",
            "rules/fr/presidential-2027-a.yaml",
            "rules/fr/presidential-2027-b.yaml",
        ])
        .args([
            "--kind",
            "poll",
            "--at",
            "2027-04-18T12:00:00+02:00",
            "--format",
            "json",
        ])
        .args([
            "--attr",
            "pollster=Ifop",
            "--attr",
            "sponsor=X",
            "--attr",
            "sample_size=1000",
        ])
        .args([
            "--attr",
            "fieldwork=2027-04-10",
            "--attr",
            "margin_of_error=3",
        ])
        .output()
        .unwrap();
    let answers: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answers[0]["verdict"], "allowed", "{answers}");
    assert_eq!(answers[1]["verdict"], "blocked", "{answers}");
}
