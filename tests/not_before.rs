//! `not_before`: a duty that makes a publication wait for a day counted from
//! a date it carries (Brazil's polls: five clear days after registration).
//! The day is read in the rule's zone or, without one, in each region's; a
//! wall-clock time in a daylight-saving gap is the gap's end, as for every
//! anchor. Too early is a window with no start, `[.., allowed)`; a missing
//! or unreadable date is a missing attribute. Preflight waits for it and
//! `--fix` moves a publication to it.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use scrutin::check::{Checker, Violation, check};
use scrutin::preflight::{Verdict, preflight};
use scrutin::publication::{self, Publication};
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;

/// Three duties: counted in Brasília whatever the region (`brasilia`), in
/// each region's zone (`local`), and at 02:30, which 27 March 2022 skips in
/// Paris (`gap`, for kind `survey`).
const RULEBOOK: &str = r#"id: not-before
title: Waiting for a date
jurisdiction: Nowhere
kinds: { poll: Poll, estimate: Estimate, survey: Survey }
channels: { web: Web }
regions:
  sp: { name: São Paulo, zone: America/Sao_Paulo }
  acre: { name: Acre, zone: America/Rio_Branco }
  paris: { name: Paris, zone: Europe/Paris }
  lisbon: { name: Lisbon, zone: Europe/Lisbon }
default_region: sp
polls: { open: "08:00", close: "17:00" }
rounds:
  - { id: r1, name: first round, vote: 2022-10-02 }
rules:
  - id: brasilia
    title: Registered five clear days before, Brasília time
    severity: error
    citation: { article: art. 33, law: Lei 9.504, url: "https://example.org" }
    help: h
    applies_to: { kinds: [poll] }
    requires: [registered]
    not_before: { date: registered, days: 6, zone: America/Sao_Paulo }
  - id: local
    title: A day after, local time
    severity: error
    citation: { article: art. 1, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [estimate], regions: [sp, acre, paris] }
    requires: [registered]
    not_before: { date: registered, days: 1 }
  - id: gap
    title: At 02:30, a week after
    severity: warning
    citation: { article: art. 2, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [survey] }
    requires: [registered, pollster]
    not_before: { date: registered, days: 7, at: "02:30" }
"#;

fn rulebook() -> &'static Rulebook {
    static RULEBOOK_ONCE: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK_ONCE.get_or_init(|| {
        rulebook::parse(SourceFile::new("not-before.yaml", RULEBOOK))
            .unwrap_or_else(|e| panic!("{e:?}"))
    })
}

fn read(line: &str) -> Publication<'_> {
    publication::read(line, rulebook()).unwrap_or_else(|e| panic!("{line}: {e:?}"))
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// What a line breaks: per rule, the regions too early with the instant
/// each may go out from, or the attributes it misses.
fn broken(line: &str) -> Vec<String> {
    let rulebook = rulebook();
    let publication = read(line);
    let findings = check(rulebook, &publication);
    // The index finds what every rule tried finds.
    assert_eq!(
        Checker::new(rulebook).check(&publication),
        findings,
        "{line}"
    );
    findings
        .iter()
        .map(|f| {
            let rule = &rulebook.rules[f.rule].id;
            match &f.violation {
                Violation::InsideWindow { round, windows } => {
                    assert_eq!(*round, None);
                    let regions: Vec<String> = windows
                        .iter()
                        .map(|w| {
                            assert!(w.window.has_no_start(), "{line}");
                            format!("{} {}", rulebook.regions[w.region].id, w.window.end)
                        })
                        .collect();
                    format!("{rule} too early: {}", regions.join(", "))
                }
                Violation::MissingAttributes(missing) => {
                    format!("{rule} missing {}", missing.join(", "))
                }
            }
        })
        .collect()
}

/// Lines and what each breaks, on both sides of every boundary.
const CASES: &[(&str, &[&str])] = &[
    // Registered Monday 26 September: from Sunday 2 October 00:00 in Brasília (03:00Z).
    (
        "2022-10-01T23:59:59-03:00 outlet=a kind=poll registered=2022-09-26",
        &["brasilia too early: sp 2022-10-02 03:00:00 UTC"],
    ),
    (
        "2022-10-02T00:00:00-03:00 outlet=a kind=poll registered=2022-09-26",
        &[],
    ),
    // Brasília's day whatever the region: 22:30 in Acre (UTC-5) is 00:30 in Brasília.
    (
        "2022-10-01T22:30:00-05:00 outlet=a kind=poll region=acre registered=2022-09-26",
        &[],
    ),
    (
        "2022-10-01T21:59:00-05:00 outlet=a kind=poll region=acre,sp registered=2022-09-26",
        &["brasilia too early: acre 2022-10-02 03:00:00 UTC, sp 2022-10-02 03:00:00 UTC"],
    ),
    // Without a zone, each region's own midnight: Acre waits two hours longer.
    (
        "2022-10-02T04:00:00Z outlet=a kind=estimate region=sp,acre registered=2022-10-01",
        &["local too early: acre 2022-10-02 05:00:00 UTC"],
    ),
    (
        "2022-10-02T05:00:00Z outlet=a kind=estimate region=sp,acre registered=2022-10-01",
        &[],
    ),
    // Paris at midnight: summer time (UTC+2) on 2 October 2022.
    (
        "2022-10-01T21:59:59Z outlet=a kind=estimate region=paris registered=2022-10-01",
        &["local too early: paris 2022-10-01 22:00:00 UTC"],
    ),
    // 02:30 on 27 March 2022 never happens in Paris: from 03:00 CEST, 01:00Z.
    (
        "2022-03-27T00:59:59Z outlet=a kind=survey region=paris registered=2022-03-20 pollster=x",
        &["gap too early: paris 2022-03-27 01:00:00 UTC"],
    ),
    (
        "2022-03-27T01:00:00Z outlet=a kind=survey region=paris registered=2022-03-20 pollster=x",
        &[],
    ),
    // A date that is missing or cannot be read is missing, with the other attributes.
    (
        "2022-10-03T10:00:00-03:00 outlet=a kind=poll",
        &["brasilia missing registered"],
    ),
    (
        "2022-10-03T10:00:00-03:00 outlet=a kind=poll registered=26/09/2022",
        &["brasilia missing registered"],
    ),
    (
        "2022-10-03T10:00:00-03:00 outlet=a kind=poll registered=2022-02-30",
        &["brasilia missing registered"],
    ),
    (
        "2022-10-03T10:00:00Z outlet=a kind=survey region=paris registered=soon",
        &["gap missing pollster, registered"],
    ),
    // A region the rule is not about is not judged.
    (
        "2022-10-01T12:00:00Z outlet=a kind=estimate region=lisbon registered=2022-10-01",
        &[],
    ),
    (
        "2022-10-01T12:00:00Z outlet=a kind=estimate region=lisbon,sp registered=2022-10-01",
        &["local too early: sp 2022-10-02 03:00:00 UTC"],
    ),
    // A day past what a log can write is no date to wait for: missing.
    (
        "2022-10-03T10:00:00-03:00 outlet=a kind=poll registered=9999-12-31",
        &["brasilia missing registered"],
    ),
    (
        "9999-12-31T23:59:59Z outlet=a kind=poll registered=9999-12-25",
        &[],
    ),
    (
        "9999-12-31T23:59:59Z outlet=a kind=poll registered=9999-12-26",
        &["brasilia missing registered"],
    ),
    // A publication that lasts and starts too early is too early.
    (
        "2022-10-01T23:00:00-03:00 outlet=a kind=poll registered=2022-09-26 end=2022-10-02T01:00:00-03:00",
        &["brasilia too early: sp 2022-10-02 03:00:00 UTC"],
    ),
    // Days before the date: registered for the future, not yet allowed.
    (
        "2022-10-03T10:00:00-03:00 outlet=a kind=poll registered=2022-10-03",
        &["brasilia too early: sp 2022-10-09 03:00:00 UTC"],
    ),
];

#[test]
fn each_case_breaks_what_it_should() {
    for (line, expected) in CASES {
        assert_eq!(broken(line), *expected, "{line}");
    }
}

#[test]
fn a_lasting_publication_too_early_went_out_until_it_was_allowed() {
    let publication = read(
        "2022-10-01T23:00:00-03:00 outlet=a kind=poll registered=2022-09-26 end=2022-10-02T01:00:00-03:00",
    );
    let findings = check(rulebook(), &publication);
    let Violation::InsideWindow { windows, .. } = &findings[0].violation else {
        panic!("{findings:?}");
    };
    let overlap = windows[0].overlap.expect("a run has an overlap");
    assert_eq!(overlap.start, utc("2022-10-02T02:00:00Z"));
    assert_eq!(overlap.end, utc("2022-10-02T03:00:00Z"));
}

#[test]
fn preflight_waits_for_the_date() {
    let publication =
        read("2022-09-29T12:00:00-03:00 outlet=a kind=poll region=acre,sp registered=2022-09-26");
    let answer = preflight(rulebook(), &publication);
    assert_eq!(answer.verdict(), Verdict::Blocked);
    assert_eq!(answer.allowed_from, Some(utc("2022-10-02T03:00:00Z")));
    // Registered in Paris on the eve of the change to summer time: the
    // earliest instant is the end of the gap.
    let survey = read(
        "2022-03-26T12:00:00Z outlet=a kind=survey region=paris registered=2022-03-20 pollster=x",
    );
    let answer = preflight(rulebook(), &survey);
    assert_eq!(answer.allowed_from, Some(utc("2022-03-27T01:00:00Z")));
    // Without a date, waiting does not help: the notice is missing.
    let bare = read("2022-09-29T12:00:00-03:00 outlet=a kind=poll");
    assert_eq!(
        preflight(rulebook(), &bare).verdict(),
        Verdict::MissingNotice
    );
}

#[test]
fn fix_moves_a_poll_to_the_day_it_may_go_out() {
    let log = "2022-10-01T23:59:59-03:00 outlet=a kind=poll registered=2022-09-26\n\
               2022-10-03T10:00:00-03:00 outlet=a kind=poll\n";
    let plan = scrutin::reschedule::plan(rulebook(), "x.log", log.as_bytes()).unwrap();
    let fixed = String::from_utf8(plan.apply(log.as_bytes())).unwrap();
    assert_eq!(
        fixed,
        "2022-10-02T00:00:00-03:00 outlet=a kind=poll registered=2022-09-26\n\
         2022-10-03T10:00:00-03:00 outlet=a kind=poll\n"
    );
    assert_eq!(plan.unfixable, 1);
    // A date that would move it past what a log can write leaves it in place.
    let log = "2022-10-01T20:00:00-03:00 outlet=a kind=poll registered=9999-12-31\n";
    let plan = scrutin::reschedule::plan(rulebook(), "x.log", log.as_bytes()).unwrap();
    assert_eq!(plan.apply(log.as_bytes()), log.as_bytes());
}
