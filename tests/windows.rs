//! Window resolution: anchors become UTC instants through local wall clocks,
//! across daylight-saving changes, half-hour zones and days voted early.

use chrono::{DateTime, Utc};
use scrutin::rulebook::{self, RuleBody, Rulebook, Window};
use scrutin::source::SourceFile;

/// A one-region, one-round rulebook with one window rule.
fn rulebook(zone: &str, vote: &str, close: &str, start: &str, end: &str) -> Rulebook {
    let text = format!(
        r#"id: t
title: T
jurisdiction: T
kinds: {{ campaign: Campaign }}
channels: {{ web: Web }}
regions:
  here: {{ name: Here, zone: {zone} }}
default_region: here
polls: {{ open: "08:00", close: "{close}" }}
rounds:
  - {{ id: r1, name: only round, vote: {vote} }}
rules:
  - id: w
    title: W
    severity: error
    citation: {{ article: art. 1, law: Act, url: "https://example.org" }}
    help: h
    window: {{ start: "{start}", end: "{end}" }}
"#
    );
    rulebook::parse(SourceFile::new("t.yaml", text)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn window(rulebook: &Rulebook) -> Window {
    let RuleBody::Window(rule) = &rulebook.rules[0].body else {
        panic!("not a window rule")
    };
    assert_eq!(rule.windows.len(), 1);
    rule.windows[0].window
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn the_silence_before_a_spring_forward_vote_lasts_43_hours() {
    // Départementales, round 2, Sunday 29 March 2015: summer time began at 02:00.
    let w = window(&rulebook(
        "Europe/Paris",
        "2015-03-29",
        "20:00",
        "eve 00:00",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2015-03-27T23:00:00Z"));
    assert_eq!(w.end, utc("2015-03-29T18:00:00Z"));
    assert_eq!((w.end - w.start).num_hours(), 43);
}

#[test]
fn the_silence_before_a_fall_back_vote_lasts_45_hours() {
    // Paris, 30 October 2016: summer time ended at 03:00.
    let w = window(&rulebook(
        "Europe/Paris",
        "2016-10-30",
        "20:00",
        "eve 00:00",
        "polls_close",
    ));
    assert_eq!((w.end - w.start).num_hours(), 45);
}

#[test]
fn midnight_in_a_gap_means_the_start_of_that_day() {
    // Santiago, 12 August 2018: the clocks went from 00:00 to 01:00 (-04 to -03).
    let w = window(&rulebook(
        "America/Santiago",
        "2018-08-13",
        "18:00",
        "eve 00:00",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2018-08-12T04:00:00Z"));
}

#[test]
fn a_reading_in_an_overlap_is_its_first_occurrence() {
    // Paris, 30 October 2016: 02:30 happened at 00:30Z and again at 01:30Z.
    let w = window(&rulebook(
        "Europe/Paris",
        "2016-10-30",
        "20:00",
        "vote 02:30",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2016-10-30T00:30:00Z"));
}

#[test]
fn half_hour_and_45_minute_zones() {
    let w = window(&rulebook(
        "America/St_Johns",
        "2021-09-20",
        "20:30",
        "vote 00:00",
        "polls_close",
    ));
    assert_eq!(w.end, utc("2021-09-20T23:00:00Z"));
    let w = window(&rulebook(
        "Pacific/Chatham",
        "2020-10-17",
        "19:00",
        "eve 00:00",
        "polls_close",
    ));
    // Chatham keeps summer time (+13:45) from late September.
    assert_eq!(w.start, utc("2020-10-15T10:15:00Z"));
}

#[test]
fn calendar_shifts_are_calendar_days_and_months() {
    // 15 days before a vote just after the spring change: 15 calendar days, not 360 hours.
    let w = window(&rulebook(
        "Europe/Rome",
        "2022-04-03",
        "23:00",
        "vote - 15 days 00:00",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2022-03-18T23:00:00Z"));
    let w = window(&rulebook(
        "Europe/Paris",
        "2017-04-23",
        "20:00",
        "start_of_month(vote) - 6 months 00:00",
        "vote 24:00",
    ));
    assert_eq!(w.start, utc("2016-09-30T22:00:00Z"));
    assert_eq!(w.end, utc("2017-04-23T22:00:00Z"));
}

#[test]
fn exact_shifts_and_absolute_instants() {
    // Poland: "on the day of the vote and 24 hours before it".
    let w = window(&rulebook(
        "Europe/Warsaw",
        "2023-10-15",
        "21:00",
        "vote 00:00 - 24h",
        "polls_close + 30min",
    ));
    assert_eq!(w.start, utc("2023-10-13T22:00:00Z"));
    assert_eq!(w.end, utc("2023-10-15T19:30:00Z"));
    let w = window(&rulebook(
        "Europe/London",
        "2024-07-04",
        "22:00",
        "2024-07-04T07:00:00+01:00",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2024-07-04T06:00:00Z"));
    assert_eq!(w.end, utc("2024-07-04T21:00:00Z"));
}

#[test]
fn miquelon_springs_forward_at_two() {
    // Saint-Pierre-et-Miquelon, 12 March 2017: 02:00 (UTC−3) became 03:00 (UTC−2).
    let w = window(&rulebook(
        "America/Miquelon",
        "2017-03-12",
        "19:00",
        "eve 00:00",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2017-03-11T03:00:00Z"));
    assert_eq!(w.end, utc("2017-03-12T21:00:00Z"));
    assert_eq!((w.end - w.start).num_hours(), 42);
    // A reading inside the gap resolves to its end.
    let w = window(&rulebook(
        "America/Miquelon",
        "2017-03-12",
        "19:00",
        "vote 02:30",
        "polls_close",
    ));
    assert_eq!(w.start, utc("2017-03-12T05:00:00Z"));
}

#[test]
fn a_zone_without_daylight_saving_keeps_its_offset() {
    // Regina stays on UTC−6 all year, while Winnipeg moves to UTC−5 in summer.
    let summer = window(&rulebook(
        "America/Regina",
        "2021-09-20",
        "19:30",
        "vote 00:00",
        "polls_close",
    ));
    let winter = window(&rulebook(
        "America/Regina",
        "2021-01-20",
        "19:30",
        "vote 00:00",
        "polls_close",
    ));
    assert_eq!(summer.start, utc("2021-09-20T06:00:00Z"));
    assert_eq!(winter.start, utc("2021-01-20T06:00:00Z"));
    let winnipeg = window(&rulebook(
        "America/Winnipeg",
        "2021-09-20",
        "20:30",
        "vote 00:00",
        "polls_close",
    ));
    assert_eq!(winnipeg.start, utc("2021-09-20T05:00:00Z"));
}
