//! Each rule of rules/es/general-2023.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside. In July 2023 the peninsula (Europe/Madrid)
//! is at +02:00 and the Canary Islands (Atlantic/Canary) at +01:00: the
//! peninsular polls close at 18:00Z, the Canary polls at 19:00Z.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use scrutin::check::{Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook, Severity};

const RULEBOOK: &str = "rules/es/general-2023.yaml";
const SAMPLE: &str = "samples/es-general-2023.log";

fn rulebook() -> &'static Rulebook {
    static RULEBOOK_CELL: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK_CELL.get_or_init(|| rulebook::load(RULEBOOK.as_ref()).expect("valid rulebook"))
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<&'static str> {
    common::rules_broken(rulebook(), line)
}

const NONE: [&str; 0] = [];

fn line(timestamp: &str, kind: &str, region: &str) -> String {
    format!("{timestamp} outlet=a channel=web kind={kind} region={region}")
}

#[test]
fn poll_ban_starts_five_days_before_the_vote_at_midnight_madrid_time() {
    // Sunday 23 July - 5 days = Tuesday 18 July, 00:00 CEST = 2023-07-17T22:00Z.
    assert_eq!(
        broken(&line("2023-07-17T23:59:59+02:00", "poll", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line("2023-07-18T00:00:00+02:00", "poll", "peninsula")),
        ["poll-ban"]
    );
    assert_eq!(
        broken(&line("2023-07-17T22:00:00Z", "poll", "peninsula")),
        ["poll-ban"]
    );
}

#[test]
fn poll_ban_starts_at_midnight_canary_time_in_the_canaries() {
    // Interpretation: local days. 00:00 WEST = 2023-07-17T23:00Z.
    assert_eq!(
        broken(&line(
            "2023-07-17T23:59:59[Atlantic/Canary]",
            "poll",
            "canarias"
        )),
        NONE
    );
    assert_eq!(
        broken(&line(
            "2023-07-18T00:00:00[Atlantic/Canary]",
            "poll",
            "canarias"
        )),
        ["poll-ban"]
    );
    // At 22:30Z a national poll is already banned on the peninsula only.
    let rulebook = rulebook();
    let national = line("2023-07-17T22:30:00Z", "poll", "peninsula,canarias");
    let findings = check(rulebook, &publication::read(&national, rulebook).unwrap());
    assert_eq!(findings.len(), 1);
    let Violation::InsideWindow { windows, .. } = &findings[0].violation else {
        panic!("not a window violation: {findings:?}");
    };
    let regions: Vec<&str> = windows
        .iter()
        .map(|w| rulebook.regions[w.region].id.as_str())
        .collect();
    assert_eq!(regions, ["peninsula"]);
}

#[test]
fn poll_ban_ends_when_the_peninsular_polls_close() {
    for region in ["peninsula", "canarias"] {
        assert_eq!(
            broken(&line("2023-07-23T19:59:59+02:00", "exit_poll", region)),
            ["poll-ban"],
            "{region}"
        );
    }
    assert_eq!(
        broken(&line("2023-07-23T20:00:00+02:00", "exit_poll", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line("2023-07-23T18:00:00Z", "poll", "peninsula")),
        NONE
    );
}

#[test]
fn polls_online_before_the_ban_may_not_be_reproduced() {
    let republished = "2023-07-19T09:00:00+02:00 outlet=abc.es kind=poll first_published=2023-07-16T10:00:00+02:00";
    assert_eq!(broken(republished), ["poll-ban"]);
}

#[test]
fn canary_voters_still_voting_get_a_warning_not_an_error() {
    // From the peninsular close (18:00Z) until the Canary close (19:00Z).
    assert_eq!(
        broken(&line("2023-07-23T17:59:59Z", "exit_poll", "canarias")),
        ["poll-ban"]
    );
    assert_eq!(
        broken(&line("2023-07-23T18:00:00Z", "exit_poll", "canarias")),
        ["poll-ban-canary-close"]
    );
    assert_eq!(
        broken(&line(
            "2023-07-23T19:59:59[Atlantic/Canary]",
            "poll",
            "canarias"
        )),
        ["poll-ban-canary-close"]
    );
    assert_eq!(
        broken(&line(
            "2023-07-23T20:00:00[Atlantic/Canary]",
            "exit_poll",
            "canarias"
        )),
        NONE
    );
    // A national exit poll at 20:00 Madrid: lawful on the peninsula, warned for the Canaries.
    assert_eq!(
        broken(&line(
            "2023-07-23T20:00:00+02:00",
            "exit_poll",
            "peninsula,canarias"
        )),
        ["poll-ban-canary-close"]
    );
    let rulebook = rulebook();
    let warning = rulebook
        .rules
        .iter()
        .find(|r| r.id == "poll-ban-canary-close")
        .unwrap();
    assert_eq!(warning.severity, Severity::Warning);
}

#[test]
fn campaign_ends_at_midnight_before_the_day_of_reflection() {
    assert_eq!(
        broken(&line("2023-07-21T23:59:59+02:00", "campaign", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line("2023-07-22T00:00:00+02:00", "campaign", "peninsula")),
        ["campaign-silence"]
    );
    assert_eq!(
        broken(&line(
            "2023-07-21T23:59:59[Atlantic/Canary]",
            "campaign",
            "canarias"
        )),
        NONE
    );
    assert_eq!(
        broken(&line(
            "2023-07-22T00:00:00[Atlantic/Canary]",
            "campaign",
            "canarias"
        )),
        ["campaign-silence"]
    );
}

#[test]
fn no_propaganda_until_the_end_of_polling_day() {
    // Interpretation: art. 53 sets no end; the ban runs to 24:00 local on polling day.
    assert_eq!(
        broken(&line("2023-07-23T23:59:59+02:00", "campaign", "peninsula")),
        ["campaign-silence"]
    );
    assert_eq!(
        broken(&line("2023-07-24T00:00:00+02:00", "campaign", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line("2023-07-23T23:59:59+01:00", "campaign", "canarias")),
        ["campaign-silence"]
    );
    assert_eq!(
        broken(&line("2023-07-23T23:00:00Z", "campaign", "canarias")),
        NONE
    );
}

#[test]
fn propaganda_is_banned_on_every_channel_but_news_is_not_propaganda() {
    for channel in ["web", "print", "tv", "radio", "social", "poster"] {
        let propaganda =
            format!("2023-07-22T12:00:00+02:00 outlet=a channel={channel} kind=campaign");
        assert_eq!(broken(&propaganda), ["campaign-silence"], "{channel}");
    }
    assert_eq!(
        broken("2023-07-22T12:00:00+02:00 outlet=a channel=tv kind=news"),
        NONE
    );
}

#[test]
fn results_wait_for_the_polls_to_close_where_they_are_received() {
    assert_eq!(
        broken(&line("2023-07-23T06:59:59Z", "result", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line("2023-07-23T09:00:00+02:00", "result", "peninsula")),
        ["results-embargo"]
    );
    assert_eq!(
        broken(&line("2023-07-23T19:59:59+02:00", "result", "peninsula")),
        ["results-embargo"]
    );
    assert_eq!(
        broken(&line("2023-07-23T20:00:00+02:00", "result", "peninsula")),
        NONE
    );
    assert_eq!(
        broken(&line(
            "2023-07-23T19:59:59[Atlantic/Canary]",
            "result",
            "canarias"
        )),
        ["results-embargo"]
    );
    assert_eq!(
        broken(&line(
            "2023-07-23T20:00:00[Atlantic/Canary]",
            "result",
            "canarias"
        )),
        NONE
    );
    // Peninsular results at 20:30 Madrid on a national outlet: still embargoed in the Canaries.
    assert_eq!(
        broken(&line(
            "2023-07-23T20:30:00+02:00",
            "result",
            "peninsula,canarias"
        )),
        ["results-embargo"]
    );
    assert_eq!(
        broken(&line(
            "2023-07-23T19:00:00Z",
            "result",
            "peninsula,canarias"
        )),
        NONE
    );
}

#[test]
fn the_sample_log_breaks_each_rule_as_often_as_the_law_says() {
    let rulebook = rulebook();
    let (summary, per_rule) = common::sample_counts(rulebook, SAMPLE);

    assert!(summary.complete(), "{summary:?}");
    assert_eq!(summary.publications, 36);
    assert_eq!(summary.invalid, 0);
    let expected = BTreeMap::from(
        [
            ("campaign-silence", 6),
            ("poll-ban", 7),
            ("poll-ban-canary-close", 2),
            ("results-embargo", 4),
        ]
        .map(|(id, n)| (id.to_string(), n)),
    );
    assert_eq!(per_rule, expected);
    assert_eq!(summary.violations, 19);
    // results-embargo is a warning: practice, not a statute.
    assert_eq!(summary.errors, 13);
    assert_eq!(summary.warnings, 6);
}

#[test]
fn every_rule_cites_the_loreg_and_helps() {
    for rule in &rulebook().rules {
        assert_eq!(
            rule.citation.url, "https://www.boe.es/buscar/act.php?id=BOE-A-1985-11672",
            "{}",
            rule.id
        );
        assert!(!rule.citation.article.is_empty(), "{}", rule.id);
        assert!(rule.help.len() > 80, "{} needs a real help text", rule.id);
    }
}
