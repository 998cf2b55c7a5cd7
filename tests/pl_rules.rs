//! Each rule of rules/pl/parliamentary-2023.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside. Both rules run from Saturday 14 October 2023
//! 00:00 to Sunday 15 October 21:00, Warsaw time (CEST, UTC+2).

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use scrutin::rulebook::{self, RuleBody, Rulebook};

const RULES: &str = "rules/pl/parliamentary-2023.yaml";
const SAMPLE: &str = "samples/pl-parliamentary-2023.log";

fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| rulebook::load(RULES.as_ref()).expect("valid rulebook"))
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<&'static str> {
    common::rules_broken(rulebook(), line)
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

const NONE: [&str; 0] = [];

#[test]
fn silence_and_poll_ban_run_from_saturday_midnight_to_sunday_21_warsaw() {
    let rulebook = rulebook();
    for rule in &rulebook.rules {
        let RuleBody::Window(window_rule) = &rule.body else {
            panic!("{} is not a window rule", rule.id);
        };
        assert_eq!(window_rule.windows.len(), 1, "{}", rule.id);
        let window = window_rule.windows[0].window;
        assert_eq!(window.start, utc("2023-10-13T22:00:00Z"), "{}", rule.id);
        assert_eq!(window.end, utc("2023-10-15T19:00:00Z"), "{}", rule.id);
    }
}

#[test]
fn campaign_silence_starts_24_hours_before_the_day_of_the_vote() {
    assert_eq!(
        broken("2023-10-13T23:59:59+02:00 outlet=a kind=campaign channel=social"),
        NONE
    );
    assert_eq!(
        broken("2023-10-14T00:00:00+02:00 outlet=a kind=campaign channel=social"),
        ["campaign-silence"]
    );
    assert_eq!(broken("2023-10-13T21:59:59Z outlet=a kind=campaign"), NONE);
    assert_eq!(
        broken("2023-10-13T22:00:00Z outlet=a kind=campaign"),
        ["campaign-silence"]
    );
    // The same instant read on another wall clock (Tokyo, UTC+9).
    assert_eq!(
        broken("2023-10-14T06:59:59[Asia/Tokyo] outlet=a kind=campaign"),
        NONE
    );
    assert_eq!(
        broken("2023-10-14T07:00:00[Asia/Tokyo] outlet=a kind=campaign"),
        ["campaign-silence"]
    );
}

#[test]
fn campaign_silence_ends_when_voting_ends_at_21() {
    assert_eq!(
        broken("2023-10-15T20:59:59+02:00 outlet=a kind=campaign channel=web"),
        ["campaign-silence"]
    );
    assert_eq!(
        broken("2023-10-15T21:00:00+02:00 outlet=a kind=campaign channel=web"),
        NONE
    );
    assert_eq!(
        broken("2023-10-15T20:59:59[Europe/Warsaw] outlet=a kind=campaign"),
        ["campaign-silence"]
    );
    assert_eq!(
        broken("2023-10-15T21:00:00[Europe/Warsaw] outlet=a kind=campaign"),
        NONE
    );
    // Chicago is seven hours behind Warsaw in October.
    assert_eq!(
        broken("2023-10-15T13:59:59[America/Chicago] outlet=a kind=campaign"),
        ["campaign-silence"]
    );
    assert_eq!(
        broken("2023-10-15T14:00:00[America/Chicago] outlet=a kind=campaign"),
        NONE
    );
}

#[test]
fn voters_still_queuing_after_21_do_not_prolong_the_silence() {
    assert_eq!(
        broken("2023-10-15T21:30:00+02:00 outlet=a kind=campaign channel=social"),
        NONE
    );
}

#[test]
fn campaign_silence_binds_every_medium_but_not_news() {
    for channel in ["web", "social", "print", "tv", "radio"] {
        let line = format!("2023-10-14T12:00:00+02:00 outlet=a kind=campaign channel={channel}");
        assert_eq!(broken(&line), ["campaign-silence"], "{channel}");
    }
    assert_eq!(
        broken("2023-10-14T12:00:00+02:00 outlet=pap.pl kind=news channel=web"),
        NONE
    );
}

#[test]
fn poll_ban_starts_when_the_campaign_ends() {
    for kind in ["poll", "exit_poll"] {
        let before = format!("2023-10-13T23:59:59+02:00 outlet=a kind={kind}");
        assert_eq!(broken(&before), NONE, "{kind}");
        let at = format!("2023-10-14T00:00:00+02:00 outlet=a kind={kind}");
        assert_eq!(broken(&at), ["poll-ban"], "{kind}");
    }
    assert_eq!(broken("2023-10-13T21:59:59Z outlet=a kind=poll"), NONE);
    assert_eq!(
        broken("2023-10-13T22:00:00Z outlet=a kind=poll"),
        ["poll-ban"]
    );
}

#[test]
fn exit_polls_wait_until_voting_ends_at_21() {
    assert_eq!(
        broken("2023-10-15T20:59:59+02:00 outlet=tvn24.pl kind=exit_poll channel=tv"),
        ["poll-ban"]
    );
    assert_eq!(
        broken("2023-10-15T21:00:00+02:00 outlet=tvn24.pl kind=exit_poll channel=tv"),
        NONE
    );
    assert_eq!(
        broken("2023-10-15T18:59:59Z outlet=a kind=exit_poll"),
        ["poll-ban"]
    );
    assert_eq!(broken("2023-10-15T19:00:00Z outlet=a kind=exit_poll"), NONE);
    assert_eq!(
        broken("2023-10-15T20:59:59[Europe/Warsaw] outlet=a kind=poll"),
        ["poll-ban"]
    );
    assert_eq!(
        broken("2023-10-15T21:00:00[Europe/Warsaw] outlet=a kind=poll"),
        NONE
    );
}

#[test]
fn polls_put_online_before_the_ban_are_not_exempt() {
    assert_eq!(
        broken(
            "2023-10-14T10:00:00+02:00 outlet=a kind=poll channel=social first_published=2023-10-13T18:00:00+02:00"
        ),
        ["poll-ban"]
    );
}

#[test]
fn polls_and_campaigning_are_lawful_before_the_silence() {
    assert_eq!(
        broken("2023-10-12T19:30:00+02:00 outlet=a kind=poll channel=web"),
        NONE
    );
    assert_eq!(
        broken("2023-10-12T20:00:00+02:00 outlet=a kind=campaign channel=radio"),
        NONE
    );
}

#[test]
fn the_sample_breaks_each_rule_as_the_law_says() {
    let rulebook = rulebook();
    let (summary, per_rule) = common::sample_counts(rulebook, SAMPLE);
    assert_eq!(summary.invalid, 0);
    assert_eq!(summary.publications, 31);
    assert_eq!(summary.violations, 15);
    let expected = BTreeMap::from([
        ("campaign-silence".to_string(), 8),
        ("poll-ban".to_string(), 7),
    ]);
    assert_eq!(per_rule, expected);
}

#[test]
fn every_rule_cites_its_law_and_helps() {
    for rule in &rulebook().rules {
        assert!(
            rule.citation.url.starts_with("https://isap.sejm.gov.pl/"),
            "{}",
            rule.id
        );
        assert!(rule.citation.law.contains("Kodeks wyborczy"), "{}", rule.id);
        assert!(!rule.citation.article.is_empty(), "{}", rule.id);
        assert!(rule.help.len() > 80, "{} needs a real help text", rule.id);
    }
}
