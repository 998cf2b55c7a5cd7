//! Each rule of rules/it/general-2022.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside. Italy has one zone, Europe/Rome, on summer
//! time (+02:00) throughout September 2022.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use scrutin::check::{Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};

const RULEBOOK: &str = "rules/it/general-2022.yaml";
const SAMPLE: &str = "samples/it-general-2022.log";

fn rulebook() -> &'static Rulebook {
    static RULEBOOK_CELL: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK_CELL.get_or_init(|| rulebook::load(RULEBOOK.as_ref()).expect("valid rulebook"))
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<&'static str> {
    common::rules_broken(rulebook(), line)
}

const NONE: [&str; 0] = [];

/// Every item of art. 8(3), so that poll lines break only the window rules.
const DISCLOSURE: &str = "pollster=SWG sponsor=La7 buyer=La7 sampling=\"quote per genere ed età\" method=CATI sample_size=1200 universe=\"elettori maggiorenni\" questions=\"Intenzioni di voto\" response_rate=72% fieldwork=2022-09-05/2022-09-07";

fn poll(timestamp: &str, extra: &str) -> String {
    format!("{timestamp} outlet=la7 channel=tv kind=poll {extra} {DISCLOSURE}")
}

#[test]
fn poll_ban_starts_fifteen_days_before_the_vote_at_midnight_rome_time() {
    // 25 September - 15 days = Saturday 10 September, 00:00 CEST = 2022-09-09T22:00Z.
    assert_eq!(broken(&poll("2022-09-09T23:59:59+02:00", "")), NONE);
    assert_eq!(broken(&poll("2022-09-09T21:59:59Z", "")), NONE);
    assert_eq!(broken(&poll("2022-09-10T00:00:00+02:00", "")), ["poll-ban"]);
    assert_eq!(broken(&poll("2022-09-09T22:00:00Z", "")), ["poll-ban"]);
    assert_eq!(
        broken(&poll("2022-09-10T00:00:00[Europe/Rome]", "")),
        ["poll-ban"]
    );
}

#[test]
fn poll_ban_lasts_until_the_polls_close_at_23_00() {
    assert_eq!(broken(&poll("2022-09-25T22:59:59+02:00", "")), ["poll-ban"]);
    assert_eq!(broken(&poll("2022-09-25T23:00:00+02:00", "")), NONE);
    assert_eq!(broken(&poll("2022-09-25T21:00:00Z", "")), NONE);
}

#[test]
fn exit_polls_are_polls_and_wait_for_the_close() {
    let exit_poll = |timestamp: &str| format!("{timestamp} outlet=rai1 channel=tv kind=exit_poll");
    assert_eq!(
        broken(&exit_poll("2022-09-25T22:59:59[Europe/Rome]")),
        ["poll-ban"]
    );
    // At the close, with no art. 8(3) item: disclosure binds polls, not exit polls.
    assert_eq!(broken(&exit_poll("2022-09-25T23:00:00[Europe/Rome]")), NONE);
}

#[test]
fn poll_ban_binds_every_channel() {
    for channel in ["web", "print", "tv", "radio", "social", "agency", "poster"] {
        let line =
            format!("2022-09-20T12:00:00+02:00 outlet=a channel={channel} kind=poll {DISCLOSURE}");
        assert_eq!(broken(&line), ["poll-ban"], "{channel}");
    }
}

#[test]
fn polls_online_before_the_ban_are_not_exempt() {
    assert_eq!(
        broken(&poll(
            "2022-09-12T09:00:00+02:00",
            "first_published=2022-09-08T10:00:00+02:00"
        )),
        ["poll-ban"]
    );
}

#[test]
fn published_poll_results_carry_every_item_of_article_8_3() {
    assert_eq!(broken(&poll("2022-09-05T20:00:00+02:00", "")), NONE);

    let rulebook = rulebook();
    let line = "2022-09-05T20:00:00+02:00 outlet=la7 kind=poll pollster=SWG sponsor=La7 sample_size=1200 fieldwork=2022-09-01";
    let findings = check(rulebook, &publication::read(line, rulebook).unwrap());
    assert_eq!(findings.len(), 1);
    assert_eq!(rulebook.rules[findings[0].rule].id, "poll-disclosure");
    assert_eq!(
        findings[0].violation,
        Violation::MissingAttributes(
            [
                "buyer",
                "sampling",
                "method",
                "universe",
                "questions",
                "response_rate"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    // An empty value states nothing.
    let empty_sponsor =
        poll("2022-09-05T20:00:00+02:00", "").replace("sponsor=La7", "sponsor=\"\"");
    assert_eq!(broken(&empty_sponsor), ["poll-disclosure"]);
}

#[test]
fn every_dissemination_of_a_poll_carries_the_items_not_only_the_first() {
    let copy = "2022-09-06T08:00:00+02:00 outlet=ilgiornale.it kind=poll first_published=2022-09-05T20:00:00+02:00 pollster=SWG";
    assert_eq!(broken(copy), ["poll-disclosure"]);
}

#[test]
fn a_poll_inside_the_ban_without_the_items_breaks_both_rules() {
    assert_eq!(
        broken("2022-09-20T21:00:00+02:00 outlet=youtrend kind=poll pollster=Quorum"),
        ["poll-ban", "poll-disclosure"]
    );
}

#[test]
fn broadcast_silence_starts_at_midnight_on_the_day_before_the_vote() {
    let tv = |timestamp: &str| format!("{timestamp} outlet=rete4 channel=tv kind=campaign");
    assert_eq!(broken(&tv("2022-09-23T23:59:59+02:00")), NONE);
    assert_eq!(
        broken(&tv("2022-09-24T00:00:00+02:00")),
        ["campaign-silence"]
    );
    assert_eq!(broken(&tv("2022-09-23T22:00:00Z")), ["campaign-silence"]);
}

#[test]
fn broadcast_silence_ends_when_the_polls_close() {
    let radio = |timestamp: &str| format!("{timestamp} outlet=radio24 channel=radio kind=campaign");
    assert_eq!(
        broken(&radio("2022-09-25T22:59:59+02:00")),
        ["campaign-silence"]
    );
    assert_eq!(broken(&radio("2022-09-25T23:00:00+02:00")), NONE);
}

#[test]
fn no_statute_extends_the_silence_to_the_internet_or_the_press() {
    for channel in ["web", "social", "print", "agency"] {
        let line = format!("2022-09-24T12:00:00+02:00 outlet=a channel={channel} kind=campaign");
        assert_eq!(broken(&line), NONE, "{channel}");
    }
    // News is not propaganda.
    assert_eq!(
        broken("2022-09-24T20:00:00+02:00 outlet=tg1 channel=tv kind=news"),
        NONE
    );
}

#[test]
fn no_new_campaign_posters_on_the_day_before_and_on_polling_day() {
    let poster =
        |timestamp: &str| format!("{timestamp} outlet=comitato channel=poster kind=campaign");
    assert_eq!(broken(&poster("2022-09-23T23:59:59+02:00")), NONE);
    assert_eq!(
        broken(&poster("2022-09-24T00:00:00+02:00")),
        ["campaign-posters"]
    );
    assert_eq!(
        broken(&poster("2022-09-25T22:59:59[Europe/Rome]")),
        ["campaign-posters"]
    );
    assert_eq!(broken(&poster("2022-09-25T21:00:00Z")), NONE);
}

#[test]
fn propaganda_without_a_channel_may_have_been_broadcast_or_posted() {
    assert_eq!(
        broken("2022-09-24T12:00:00+02:00 outlet=lega kind=campaign"),
        ["campaign-posters", "campaign-silence"]
    );
}

#[test]
fn the_sample_log_breaks_each_rule_as_often_as_the_law_says() {
    let rulebook = rulebook();
    let (summary, per_rule) = common::sample_counts(rulebook, SAMPLE);

    assert!(summary.complete(), "{summary:?}");
    assert_eq!(summary.publications, 33);
    assert_eq!(summary.invalid, 0);
    let expected = BTreeMap::from(
        [
            ("campaign-posters", 3),
            ("campaign-silence", 5),
            ("poll-ban", 7),
            ("poll-disclosure", 4),
        ]
        .map(|(id, n)| (id.to_string(), n)),
    );
    assert_eq!(per_rule, expected);
    assert_eq!(summary.violations, 19);
    assert_eq!(summary.errors, 19);
}

#[test]
fn every_rule_cites_normattiva_and_helps() {
    for rule in &rulebook().rules {
        assert!(
            rule.citation
                .url
                .starts_with("https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:"),
            "{}",
            rule.id
        );
        assert!(
            !rule.citation.article.is_empty() && !rule.citation.law.is_empty(),
            "{}",
            rule.id
        );
        assert!(rule.help.len() > 80, "{} needs a real help text", rule.id);
    }
}
