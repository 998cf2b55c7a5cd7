//! Each rule of rules/ca/federal-2021.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside. Polling day is Monday 20 September 2021;
//! each time-zone group keeps the staggered hours of s. 128.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use scrutin::check::{Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};

const RULEBOOK: &str = "rules/ca/federal-2021.yaml";
const SAMPLE: &str = "samples/ca-federal-2021.log";

/// Every region, for a publication received across Canada.
const NATIONAL: &str = "newfoundland,atlantic,eastern,central,saskatchewan,mountain,pacific";

/// The statement s. 326(1) requires with the first transmission of a survey.
const STATEMENT: &str = "sponsor=CBC pollster=Abacus fieldwork=2021-09-17/2021-09-19 population=\"Canadians 18+\" contacted=3000 margin_of_error=1.8 report_url=https://abacus.example/report";

const NONE: [&str; 0] = [];

fn rulebook() -> &'static Rulebook {
    static RULEBOOK_CELL: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK_CELL.get_or_init(|| rulebook::load(RULEBOOK.as_ref()).expect("valid rulebook"))
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<&'static str> {
    common::rules_broken(rulebook(), line)
}

/// The regions where a line breaks its one window rule.
fn regions_inside(line: &str) -> Vec<&'static str> {
    let rulebook = rulebook();
    let publication = publication::read(line, rulebook).unwrap();
    let findings = check(rulebook, &publication);
    assert_eq!(findings.len(), 1, "{findings:?}");
    let Violation::InsideWindow { windows, .. } = &findings[0].violation else {
        panic!("not a window violation: {findings:?}");
    };
    windows
        .iter()
        .map(|w| rulebook.regions[w.region].id.as_str())
        .collect()
}

#[test]
fn polls_close_at_the_staggered_hours_of_section_128() {
    let rulebook = rulebook();
    let round = &rulebook.rounds[0];
    let closes: Vec<(&str, String)> = rulebook
        .regions
        .iter()
        .zip(&round.polls)
        .map(|(region, polls)| (region.id.as_str(), polls.close.to_rfc3339()))
        .collect();
    assert_eq!(
        closes,
        [
            ("newfoundland", "2021-09-20T23:00:00+00:00".to_string()),
            ("atlantic", "2021-09-20T23:30:00+00:00".to_string()),
            ("eastern", "2021-09-21T01:30:00+00:00".to_string()),
            ("central", "2021-09-21T01:30:00+00:00".to_string()),
            ("saskatchewan", "2021-09-21T01:30:00+00:00".to_string()),
            ("mountain", "2021-09-21T01:30:00+00:00".to_string()),
            ("pacific", "2021-09-21T02:00:00+00:00".to_string()),
        ]
    );
}

#[test]
fn advertising_blackout_starts_at_midnight_local_on_polling_day() {
    for (zone, region) in [
        ("America/St_Johns", "newfoundland"),
        ("America/Toronto", "eastern"),
        ("America/Regina", "saskatchewan"),
        ("America/Vancouver", "pacific"),
    ] {
        let line = |time: &str| {
            format!("{time}[{zone}] outlet=a kind=advertising channel=tv region={region}")
        };
        assert_eq!(broken(&line("2021-09-19T23:59:59")), NONE, "{region}");
        assert_eq!(
            broken(&line("2021-09-20T00:00:00")),
            ["advertising-blackout"],
            "{region}"
        );
    }
    // Newfoundland is UTC−2:30: polling day starts at 02:30Z.
    assert_eq!(
        broken(
            "2021-09-20T02:29:59Z outlet=vocm kind=advertising channel=radio region=newfoundland"
        ),
        NONE
    );
    assert_eq!(
        broken(
            "2021-09-20T02:30:00Z outlet=vocm kind=advertising channel=radio region=newfoundland"
        ),
        ["advertising-blackout"]
    );
}

#[test]
fn advertising_blackout_ends_when_the_districts_polls_close() {
    for (before, at, region) in [
        (
            "2021-09-20T20:29:59-02:30",
            "2021-09-20T20:30:00-02:30",
            "newfoundland",
        ),
        (
            "2021-09-20T20:29:59-03:00",
            "2021-09-20T20:30:00-03:00",
            "atlantic",
        ),
        (
            "2021-09-20T21:29:59-04:00",
            "2021-09-20T21:30:00-04:00",
            "eastern",
        ),
        (
            "2021-09-20T20:29:59-05:00",
            "2021-09-20T20:30:00-05:00",
            "central",
        ),
        (
            "2021-09-20T19:29:59-06:00",
            "2021-09-20T19:30:00-06:00",
            "saskatchewan",
        ),
        (
            "2021-09-20T19:29:59-06:00",
            "2021-09-20T19:30:00-06:00",
            "mountain",
        ),
        (
            "2021-09-20T18:59:59-07:00",
            "2021-09-20T19:00:00-07:00",
            "pacific",
        ),
    ] {
        let line =
            |time: &str| format!("{time} outlet=a kind=advertising channel=social region={region}");
        assert_eq!(broken(&line(before)), ["advertising-blackout"], "{region}");
        assert_eq!(broken(&line(at)), NONE, "{region}");
    }
}

#[test]
fn a_national_ad_at_01_45z_breaks_the_blackout_in_british_columbia_only() {
    let line = format!(
        "2021-09-21T01:45:00Z outlet=google kind=advertising channel=web region={NATIONAL}"
    );
    assert_eq!(regions_inside(&line), ["pacific"]);
    // At 01:29:59Z the four central groups were still voting too.
    let earlier = format!(
        "2021-09-21T01:29:59Z outlet=google kind=advertising channel=web region={NATIONAL}"
    );
    assert_eq!(
        regions_inside(&earlier),
        ["eastern", "central", "saskatchewan", "mountain", "pacific"]
    );
    let at_last_close = format!(
        "2021-09-21T02:00:00Z outlet=google kind=advertising channel=web region={NATIONAL}"
    );
    assert_eq!(broken(&at_last_close), NONE);
}

#[test]
fn internet_advertising_put_online_before_polling_day_may_stay_unchanged() {
    let online_since = |first: &str| {
        format!(
            "2021-09-20T10:00:00-07:00 outlet=party.example kind=advertising channel=web region=pacific first_published={first}"
        )
    };
    assert_eq!(broken(&online_since("2021-09-19T23:59:59-07:00")), NONE);
    // Changed (so first published again) at the start of polling day.
    assert_eq!(
        broken(&online_since("2021-09-20T00:00:00-07:00")),
        ["advertising-blackout"]
    );
}

#[test]
fn pamphlets_signs_leader_events_and_news_are_outside_the_advertising_blackout() {
    for line in [
        "2021-09-20T09:00:00-04:00 outlet=campaign kind=advertising channel=signs region=eastern",
        "2021-09-20T09:00:00-04:00 outlet=campaign kind=advertising channel=pamphlet region=eastern",
        "2021-09-20T12:00:00-06:00 outlet=cbc.ca kind=leader_event channel=web region=mountain",
        "2021-09-20T12:00:00-03:00 outlet=herald kind=news channel=print region=atlantic",
    ] {
        assert_eq!(broken(line), NONE, "{line}");
    }
    // Print advertising (a newspaper ad) is covered.
    assert_eq!(
        broken(
            "2021-09-20T09:00:00-04:00 outlet=star kind=advertising channel=print region=eastern"
        ),
        ["advertising-blackout"]
    );
}

#[test]
fn advertising_without_a_channel_may_have_gone_out_on_any() {
    assert_eq!(
        broken("2021-09-20T09:00:00-04:00 outlet=a kind=advertising region=eastern"),
        ["advertising-blackout"]
    );
}

#[test]
fn survey_blackout_boundaries_in_each_districts_own_time() {
    for (zone, region, close) in [
        ("America/Halifax", "atlantic", "20:30"),
        ("America/Winnipeg", "central", "20:30"),
        ("America/Edmonton", "mountain", "19:30"),
        ("America/Vancouver", "pacific", "19:00"),
    ] {
        let line =
            |time: &str| format!("{time}[{zone}] outlet=a kind=survey region={region} {STATEMENT}");
        let one_second_before = match close {
            "20:30" => "20:29:59",
            "19:30" => "19:29:59",
            _ => "18:59:59",
        };
        assert_eq!(broken(&line("2021-09-19T23:59:59")), NONE, "{region}");
        assert_eq!(
            broken(&line("2021-09-20T00:00:00")),
            ["survey-blackout"],
            "{region}"
        );
        assert_eq!(
            broken(&line(&format!("2021-09-20T{one_second_before}"))),
            ["survey-blackout"],
            "{region}"
        );
        assert_eq!(
            broken(&line(&format!("2021-09-20T{close}:00"))),
            NONE,
            "{region}"
        );
    }
}

#[test]
fn a_national_exit_poll_at_01_45z_breaks_the_survey_blackout_in_british_columbia_only() {
    let line = format!(
        "2021-09-21T01:45:00Z outlet=cbc.ca kind=survey channel=tv region={NATIONAL} {STATEMENT}"
    );
    assert_eq!(regions_inside(&line), ["pacific"]);
    let at_last_close = format!(
        "2021-09-21T02:00:00Z outlet=cbc.ca kind=survey channel=tv region={NATIONAL} {STATEMENT}"
    );
    assert_eq!(broken(&at_last_close), NONE);
}

#[test]
fn survey_results_public_before_polling_day_may_be_referred_to() {
    let referred = |region: &str, first: &str| {
        format!(
            "2021-09-20T12:00:00-04:00 outlet=ledevoir kind=survey region={region} first_published={first}"
        )
    };
    assert_eq!(
        broken(&referred("eastern", "2021-09-19T23:59:59-04:00")),
        NONE
    );
    assert_eq!(
        broken(&referred("eastern", "2021-09-20T00:00:00-04:00")),
        ["survey-blackout"]
    );
    // Released at midnight in Toronto, that is still Sunday in Vancouver:
    // public before polling day there.
    assert_eq!(
        broken(&referred("pacific", "2021-09-20T00:00:00-04:00")),
        NONE
    );
    // Released after the eastern close, the results are still new where
    // polls are open.
    let after_eastern_close = "2021-09-21T01:40:00Z outlet=a kind=survey region=pacific first_published=2021-09-21T01:30:00Z";
    assert_eq!(broken(after_eastern_close), ["survey-blackout"]);
}

#[test]
fn straw_polls_are_election_surveys_but_need_no_statement() {
    assert_eq!(
        broken(
            "2021-09-16T12:00:00-06:00 outlet=cjme kind=straw_poll channel=social region=saskatchewan"
        ),
        NONE
    );
    assert_eq!(
        broken(
            "2021-09-20T12:00:00-06:00 outlet=cjme kind=straw_poll channel=social region=saskatchewan"
        ),
        ["survey-blackout"]
    );
}

#[test]
fn the_first_transmission_of_a_survey_states_the_items_of_section_326() {
    assert_eq!(
        broken(&format!(
            "2021-09-15T07:00:00-04:00 outlet=a kind=survey {STATEMENT}"
        )),
        NONE
    );
    let rulebook = rulebook();
    let line = "2021-09-15T07:00:00-04:00 outlet=a kind=survey sponsor=CTV pollster=Nanos fieldwork=2021-09-14 population=adults";
    let findings = check(rulebook, &publication::read(line, rulebook).unwrap());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].violation,
        Violation::MissingAttributes(vec![
            "contacted".into(),
            "margin_of_error".into(),
            "report_url".into()
        ])
    );
    // An empty value states nothing; "n/a" says no margin of error applies.
    assert_eq!(
        broken(&format!(
            "2021-09-15T07:00:00-04:00 outlet=a kind=survey {} sponsor=\"\"",
            STATEMENT.replace("sponsor=CBC ", "")
        )),
        ["survey-transparency"]
    );
    assert_eq!(
        broken(&format!(
            "2021-09-15T07:00:00-04:00 outlet=a kind=survey {} margin_of_error=n/a",
            STATEMENT.replace("margin_of_error=1.8 ", "")
        )),
        NONE
    );
}

#[test]
fn the_survey_statement_binds_the_first_transmission_only() {
    // An approximation: s. 326 also binds copies within 24 hours, which the
    // rulebook language cannot express.
    let copy = "2021-09-15T12:00:00-04:00 outlet=cp24 kind=survey first_published=2021-09-15T07:00:00-04:00";
    assert_eq!(broken(copy), NONE);
    let first = "2021-09-15T12:00:00-04:00 outlet=cp24 kind=survey first_published=2021-09-15T12:00:00-04:00";
    assert_eq!(broken(first), ["survey-transparency"]);
}

#[test]
fn no_results_embargo_since_section_329_was_repealed() {
    for time in [
        "2021-09-20T23:00:00Z",
        "2021-09-20T23:45:00Z",
        "2021-09-21T01:59:59Z",
    ] {
        let line = format!("{time} outlet=cbc.ca kind=result channel=tv region={NATIONAL}");
        assert_eq!(broken(&line), NONE, "{time}");
    }
}

#[test]
fn the_sample_breaks_each_rule_as_counted_from_the_law() {
    let rulebook = rulebook();
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut publications = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        publications += 1;
        let publication = publication::read(line, rulebook)
            .unwrap_or_else(|e| panic!("invalid sample line {line}: {e:?}"));
        for finding in check(rulebook, &publication) {
            *counts
                .entry(rulebook.rules[finding.rule].id.as_str())
                .or_default() += 1;
        }
    }
    assert_eq!(publications, 48);
    assert_eq!(
        counts,
        BTreeMap::from([
            ("advertising-blackout", 10),
            ("survey-blackout", 9),
            ("survey-transparency", 5),
        ])
    );
}

#[test]
fn every_rule_cites_the_canada_elections_act_and_helps() {
    for rule in &rulebook().rules {
        assert!(
            rule.citation
                .url
                .starts_with("https://laws.justice.gc.ca/eng/acts/E-2.01/")
                || rule
                    .citation
                    .url
                    .starts_with("https://laws-lois.justice.gc.ca/eng/acts/E-2.01/"),
            "{}",
            rule.id
        );
        assert!(rule.citation.article.starts_with("s. "), "{}", rule.id);
        assert_eq!(rule.citation.law, "Canada Elections Act, S.C. 2000, c. 9");
        assert!(rule.help.len() > 80, "{} needs a real help text", rule.id);
    }
}
