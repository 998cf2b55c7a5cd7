//! Each rule of rules/uk/general-2024.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside. The poll closes at 22:00 UK time: 21:00Z on
//! 4 July 2024 (BST), but 22:00Z on 12 December 2019 (GMT).

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use scrutin::rulebook::{self, RuleBody, Rulebook, Window};
use scrutin::source::SourceFile;

const RULES: &str = "rules/uk/general-2024.yaml";
const SAMPLE: &str = "samples/uk-general-2024.log";

fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| rulebook::load(RULES.as_ref()).expect("valid rulebook"))
}

/// The ids of the rules a log line breaks, under `rulebook`.
fn broken_under(rulebook: &Rulebook, line: &str) -> Vec<String> {
    common::rules_broken(rulebook, line)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<String> {
    broken_under(rulebook(), line)
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The only window of a window rule.
fn only_window(rulebook: &Rulebook, id: &str) -> Window {
    let rule = rulebook.rules.iter().find(|r| r.id == id).unwrap();
    let RuleBody::Window(window_rule) = &rule.body else {
        panic!("{id} is not a window rule");
    };
    assert_eq!(window_rule.windows.len(), 1, "{id}");
    window_rule.windows[0].window
}

const NONE: [&str; 0] = [];
const EXIT: [&str; 1] = ["exit-poll-embargo"];
const AD: [&str; 1] = ["broadcast-political-advertising"];

#[test]
fn in_july_2024_the_poll_closed_at_21_00_utc() {
    let window = only_window(rulebook(), "exit-poll-embargo");
    assert_eq!(window.end, utc("2024-07-04T21:00:00Z"));
    assert_eq!(window.start, utc("2024-05-22T23:00:00Z"));
}

#[test]
fn exit_polls_wait_until_the_poll_closes_at_22_bst() {
    assert_eq!(
        broken("2024-07-04T21:59:59+01:00 outlet=bbc.co.uk kind=exit_poll channel=tv"),
        EXIT
    );
    assert_eq!(
        broken("2024-07-04T22:00:00+01:00 outlet=bbc.co.uk kind=exit_poll channel=tv"),
        NONE
    );
    assert_eq!(broken("2024-07-04T20:59:59Z outlet=a kind=exit_poll"), EXIT);
    assert_eq!(broken("2024-07-04T21:00:00Z outlet=a kind=exit_poll"), NONE);
    assert_eq!(
        broken("2024-07-04T21:59:59[Europe/London] outlet=a kind=exit_poll"),
        EXIT
    );
    assert_eq!(
        broken("2024-07-04T22:00:00[Europe/London] outlet=a kind=exit_poll"),
        NONE
    );
    // 21:30Z is after the close in summer; a checker assuming GMT would flag it.
    assert_eq!(broken("2024-07-04T21:30:00Z outlet=a kind=exit_poll"), NONE);
}

#[test]
fn the_embargo_binds_what_is_received_in_the_uk_from_any_zone() {
    assert_eq!(
        broken("2024-07-04T16:59:59[America/New_York] outlet=a kind=exit_poll region=uk"),
        EXIT
    );
    assert_eq!(
        broken("2024-07-04T17:00:00[America/New_York] outlet=a kind=exit_poll region=uk"),
        NONE
    );
    assert_eq!(
        broken("2024-07-05T06:59:59[Australia/Sydney] outlet=a kind=exit_poll"),
        EXIT
    );
    assert_eq!(
        broken("2024-07-05T07:00:00[Australia/Sydney] outlet=a kind=exit_poll"),
        NONE
    );
}

#[test]
fn the_embargo_opens_six_weeks_before_polling_day_before_any_vote_exists() {
    assert_eq!(
        broken("2024-05-22T23:59:59+01:00 outlet=a kind=exit_poll"),
        NONE
    );
    assert_eq!(
        broken("2024-05-23T00:00:00+01:00 outlet=a kind=exit_poll"),
        EXIT
    );
}

#[test]
fn a_survey_of_postal_voters_who_have_voted_is_an_exit_poll() {
    assert_eq!(
        broken("2024-06-25T10:00:00+01:00 outlet=a kind=exit_poll channel=print"),
        EXIT
    );
}

#[test]
fn no_poll_ban_and_no_campaign_silence_on_polling_day() {
    for kind in ["poll", "campaign", "news"] {
        for channel in ["web", "social", "print", "tv", "radio"] {
            let line = format!("2024-07-04T12:00:00+01:00 outlet=a kind={kind} channel={channel}");
            assert_eq!(broken(&line), NONE, "{kind} on {channel}");
        }
    }
}

#[test]
fn political_advertising_is_banned_on_tv_and_radio_at_all_times() {
    for instant in [
        "2019-11-20T20:00:00Z",
        "2024-06-20T19:00:00+01:00",
        "2024-07-04T12:00:00+01:00",
        "2024-09-01T20:00:00+01:00",
    ] {
        for channel in ["tv", "radio"] {
            let line = format!("{instant} outlet=a kind=political_ad channel={channel}");
            assert_eq!(broken(&line), AD, "{instant} on {channel}");
        }
    }
    // Without a channel it may have gone out on TV.
    assert_eq!(
        broken("2024-06-22T12:00:00+01:00 outlet=a kind=political_ad"),
        AD
    );
}

#[test]
fn political_advertising_in_print_and_online_and_party_broadcasts_are_lawful() {
    for channel in ["web", "social", "print"] {
        let line =
            format!("2024-06-20T19:00:00+01:00 outlet=a kind=political_ad channel={channel}");
        assert_eq!(broken(&line), NONE, "{channel}");
    }
    assert_eq!(
        broken("2024-06-24T18:55:00+01:00 outlet=bbc.co.uk kind=party_broadcast channel=tv"),
        NONE
    );
}

#[test]
fn at_all_times_is_encoded_from_royal_assent_to_the_end_of_year_9999() {
    let window = only_window(rulebook(), "broadcast-political-advertising");
    assert_eq!(window.start, utc("2003-07-16T23:00:00Z"));
    assert_eq!(window.end, utc("9999-12-31T23:59:59Z"));
    assert_eq!(
        broken("2003-07-16T23:59:59+01:00 outlet=a kind=political_ad channel=tv"),
        NONE
    );
    assert_eq!(
        broken("2003-07-17T00:00:00+01:00 outlet=a kind=political_ad channel=tv"),
        AD
    );
    assert_eq!(
        broken("9999-12-31T23:59:58Z outlet=a kind=political_ad channel=radio"),
        AD
    );
    assert_eq!(
        broken("9999-12-31T23:59:59Z outlet=a kind=political_ad channel=radio"),
        NONE
    );
}

/// The exit-poll rule for the general election of Thursday 12 December 2019.
fn december_2019() -> Rulebook {
    let text = r#"id: uk-general-2019
title: UK Parliament general election 2019
jurisdiction: United Kingdom
kinds: { exit_poll: Exit poll }
channels: { tv: Television }
regions:
  uk: { name: United Kingdom, zone: Europe/London }
default_region: uk
polls: { open: "07:00", close: "22:00" }
rounds:
  - { id: general-election, name: general election, vote: 2019-12-12 }
rules:
  - id: exit-poll-embargo
    title: No exit poll before the poll closes
    severity: error
    citation: { article: s. 66A(1), law: Representation of the People Act 1983, url: "https://www.legislation.gov.uk/ukpga/1983/2" }
    help: h
    applies_to: { kinds: [exit_poll] }
    window: { start: "vote - 6 weeks 00:00", end: polls_close }
"#;
    rulebook::parse(SourceFile::new("uk-2019.yaml", text)).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn in_december_2019_the_poll_closed_at_22_00_utc() {
    let rulebook = december_2019();
    let window = only_window(&rulebook, "exit-poll-embargo");
    // GMT: 22:00 local is 22:00Z, an hour later in UTC than in July.
    assert_eq!(window.end, utc("2019-12-12T22:00:00Z"));
    assert_eq!(
        broken_under(&rulebook, "2019-12-12T21:59:59Z outlet=a kind=exit_poll"),
        EXIT
    );
    assert_eq!(
        broken_under(&rulebook, "2019-12-12T22:00:00Z outlet=a kind=exit_poll"),
        NONE
    );
    // 21:30Z was still before the close in December; in July it was after.
    assert_eq!(
        broken_under(&rulebook, "2019-12-12T21:30:00Z outlet=a kind=exit_poll"),
        EXIT
    );
    assert_eq!(broken("2024-07-04T21:30:00Z outlet=a kind=exit_poll"), NONE);
}

#[test]
fn the_sample_breaks_each_rule_as_the_law_says() {
    let rulebook = rulebook();
    let (summary, per_rule) = common::sample_counts(rulebook, SAMPLE);
    assert_eq!(summary.invalid, 0);
    assert_eq!(summary.publications, 35);
    assert_eq!(summary.violations, 17);
    let expected = BTreeMap::from([
        ("broadcast-political-advertising".to_string(), 7),
        ("exit-poll-embargo".to_string(), 10),
    ]);
    assert_eq!(per_rule, expected);
}

#[test]
fn every_rule_cites_its_law_and_helps() {
    for rule in &rulebook().rules {
        assert!(
            rule.citation
                .url
                .starts_with("https://www.legislation.gov.uk/ukpga/"),
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
