//! Which publications a rule applies to, and what `requires` can ask for.

use scrutin::check::check;
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;

fn rulebook() -> Rulebook {
    let text = r#"id: t
title: T
jurisdiction: T
kinds: { ad: Ad, news: News }
channels: { web: Web, tv: TV }
regions:
  here: { name: Here, zone: Europe/Paris }
default_region: here
polls: { open: "08:00", close: "20:00" }
rounds:
  - { id: r1, name: only round, vote: 2024-06-30 }
rules:
  - id: labelled-ads
    title: Ads say who paid, with a link
    severity: error
    citation: { article: art. 1, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [ad] }
    requires: [title, url, payer]
  - id: no-tv-ads-from-x
    title: X may not advertise on TV
    severity: warning
    citation: { article: art. 2, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [ad], channels: [tv], attributes: { outlet: x } }
    window: { start: "2024-01-01T00:00:00Z", end: "2025-01-01T00:00:00Z" }
"#;
    rulebook::parse(SourceFile::new("t.yaml", text)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn broken(line: &str) -> Vec<String> {
    let rulebook = rulebook();
    let publication = publication::read(line, &rulebook).unwrap();
    check(&rulebook, &publication)
        .iter()
        .map(|f| rulebook.rules[f.rule].id.clone())
        .collect()
}

#[test]
fn well_known_fields_can_be_required() {
    assert_eq!(
        broken("2024-06-01T10:00:00Z outlet=y kind=ad channel=web title=T url=https://u payer=P"),
        Vec::<String>::new()
    );
    assert_eq!(
        broken("2024-06-01T10:00:00Z outlet=y kind=ad channel=web payer=P"),
        ["labelled-ads"]
    );
}

#[test]
fn well_known_fields_can_be_compared() {
    let line = |outlet: &str, channel: &str| {
        format!("2024-06-01T10:00:00Z outlet={outlet} kind=ad {channel} title=T url=u payer=P")
    };
    assert_eq!(broken(&line("x", "channel=tv")), ["no-tv-ads-from-x"]);
    assert_eq!(broken(&line("y", "channel=tv")), Vec::<String>::new());
    assert_eq!(broken(&line("x", "channel=web")), Vec::<String>::new());
    // No channel: it may have gone out on TV.
    assert_eq!(broken(&line("x", "")), ["no-tv-ads-from-x"]);
}

/// A rulebook whose rules test an attribute against sets of values, and
/// say when they are in force; its election votes on `vote`.
fn sets_and_dates(vote: &str) -> Rulebook {
    let text = format!(
        r#"id: s
title: S
jurisdiction: S
kinds: {{ ad: Ad }}
regions: {{ here: {{ name: Here, zone: Europe/Paris }} }}
default_region: here
polls: {{ open: "08:00", close: "20:00" }}
rounds: [{{ id: r1, name: only round, vote: {vote} }}]
rules:
  - id: foreign-sponsor
    title: Sponsors declare they are from the Union
    severity: error
    citation: {{ article: art. 5(2), law: Regulation (EU) 2024/900, url: "https://example.org" }}
    help: h
    in_force: {{ from: 2025-10-10, by: "Regulation (EU) 2024/900, art. 30(2)" }}
    applies_to: {{ kinds: [ad], attributes_none_of: {{ sponsor_declares: [eu-citizen, eu-resident-voter, eu-entity] }} }}
    window: {{ start: vote - 3 months 00:00, end: polls_close }}
  - id: labelled
    title: Targeted ads say so
    severity: error
    citation: {{ article: art. 11, law: Regulation (EU) 2024/900, url: "https://example.org" }}
    help: h
    in_force: {{ until: 2030-01-01, by: "an imaginary repeal" }}
    applies_to: {{ kinds: [ad], attributes_one_of: {{ targeting: [yes, partly] }} }}
    requires: [targeting_notice]
"#
    );
    rulebook::parse(SourceFile::new("s.yaml", text)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn broken_in(rulebook: &Rulebook, line: &str) -> Vec<String> {
    let publication = publication::read(line, rulebook).unwrap();
    check(rulebook, &publication)
        .iter()
        .map(|f| rulebook.rules[f.rule].id.clone())
        .collect()
}

#[test]
fn an_attribute_is_tested_against_a_set_of_values() {
    let rulebook = sets_and_dates("2027-04-11");
    let at = "2027-03-01T12:00:00+01:00 outlet=o kind=ad";
    // none_of: a declaration outside the set, or none at all, is caught.
    for (attributes, expected) in [
        ("sponsor_declares=eu-citizen", &[][..]),
        ("sponsor_declares=eu-entity", &[][..]),
        ("sponsor_declares=third-country", &["foreign-sponsor"][..]),
        ("", &["foreign-sponsor"][..]),
        // one_of: only the listed values bind the duty.
        (
            "sponsor_declares=eu-citizen targeting=yes",
            &["labelled"][..],
        ),
        (
            "sponsor_declares=eu-citizen targeting=partly targeting_notice=x",
            &[][..],
        ),
        ("sponsor_declares=eu-citizen targeting=no", &[][..]),
    ] {
        assert_eq!(
            broken_in(&rulebook, &format!("{at} {attributes}")),
            expected,
            "{attributes}"
        );
    }
}

#[test]
fn an_election_gets_the_rules_in_force_on_its_first_polling_day() {
    // In force from 10 October 2025: not for an election of 2017; the day
    // itself is in.
    let before = sets_and_dates("2025-10-09");
    let ids: Vec<&str> = before.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["labelled"]);
    assert_eq!(before.left_out.len(), 1);
    assert_eq!(before.left_out[0].id, "foreign-sponsor");
    assert!(
        before
            .rule_hint("foreign-sponsor")
            .contains("in force from 2025-10-10")
    );
    let on = sets_and_dates("2025-10-10");
    assert_eq!(on.rules.len(), 2);
    // Until is the first day it is no longer in force.
    let after = sets_and_dates("2030-01-01");
    let ids: Vec<&str> = after.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["foreign-sponsor"]);
    let last = sets_and_dates("2029-12-31");
    assert_eq!(last.rules.len(), 2);
}
