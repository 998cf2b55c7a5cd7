//! Rulebooks built on other rulebooks: a law file extended by election files.

use scrutin::rulebook::{self, Expect, RulebookError, Severity};

const DIR: &str = "tests/fixtures/compose";

fn load(name: &str) -> Result<rulebook::Rulebook, RulebookError> {
    rulebook::load(format!("{DIR}/{name}").as_ref())
}

/// Each problem as `file:line:column: message`.
fn problems(name: &str) -> Vec<String> {
    let error = load(name).expect_err("should be rejected");
    error
        .problems()
        .iter()
        .map(|p| {
            let (line, column) = p.line_column();
            format!("{}:{line}:{column}: {}", p.rulebook.name(), p.message)
        })
        .collect()
}

fn render(name: &str) -> String {
    let error = load(name).expect_err("should be rejected");
    let mut out = String::new();
    scrutin::report::graphical_handler(false)
        .with_width(80)
        .render_report(&mut out, &error)
        .unwrap();
    out
}

#[test]
fn an_election_inherits_the_law_and_adjusts_it() {
    let rulebook = load("election.yaml").unwrap();
    assert_eq!(rulebook.id, "testland-2024");
    assert_eq!(rulebook.jurisdiction, "Testland");
    let ids: Vec<&str> = rulebook.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["silence", "poll-ban"]);
    assert_eq!(rulebook.rules[1].severity, Severity::Warning);
    assert_eq!(rulebook.adjustments.len(), 1);
    assert_eq!(
        rulebook.adjustments[0].reason,
        "The 2024 act made the poll ban advisory."
    );
    // The rule still points into the law file.
    assert!(
        rulebook
            .locate(rulebook.rules[0].place)
            .starts_with("tests/fixtures/compose/law.yaml:")
    );
}

#[test]
fn a_region_keeps_the_polling_hours_its_law_gives_it() {
    let rulebook = load("election.yaml").unwrap();
    let island = rulebook.region_index("island").unwrap();
    let polls = rulebook.rounds[0].polls[island];
    // 18:00 in Guadeloupe (UTC-4), from the law, not the default 20:00.
    assert_eq!(polls.close.to_rfc3339(), "2024-06-30T22:00:00+00:00");
}

#[test]
fn a_disabled_rule_is_gone() {
    let rulebook = load("disabled.yaml").unwrap();
    let ids: Vec<&str> = rulebook.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["silence"]);
    assert_eq!(rulebook.adjustments[0].severity, None);
}

#[test]
fn a_law_alone_validates_but_cannot_check() {
    let path = format!("{DIR}/law.yaml");
    let law = rulebook::load_as(path.as_ref(), Expect::LawOrElection).unwrap();
    assert!(law.rounds.is_empty());
    // Named where an election is needed, it says it is a law, and which
    // files beside it are its elections.
    let error = rulebook::load(path.as_ref()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{DIR}/law.yaml is a law file (no rounds); its elections: \
             {DIR}/bad-adjust.yaml, {DIR}/conflict.yaml, {DIR}/disabled.yaml, \
             {DIR}/election.yaml, {DIR}/twice-adjusted.yaml; use one of those"
        )
    );
}

#[test]
fn an_invalid_law_named_for_an_election_shows_its_problems_first() {
    let error = rulebook::load(format!("{DIR}/law-with-bad-zone.yaml").as_ref()).unwrap_err();
    assert_eq!(error.problems().len(), 1);
    assert!(error.problems()[0].message.contains("America/Guadelupe"));
}

#[test]
fn an_election_file_without_rounds_is_not_taken_for_a_law() {
    // It extends a law, and nothing extends it: its rounds are missing.
    let text = "extends: law.yaml\nid: no-rounds\n";
    let source = scrutin::source::SourceFile::new(format!("{DIR}/no-rounds.yaml"), text);
    let error = rulebook::parse(source).unwrap_err();
    assert_eq!(error.problems().len(), 1);
    assert_eq!(error.problems()[0].message, "missing `rounds`");
}

#[test]
fn a_cycle_is_reported_where_it_closes() {
    assert_eq!(
        problems("cycle-a.yaml"),
        [
            "tests/fixtures/compose/cycle-b.yaml:1:10: rulebooks extend each other in a cycle: \
          tests/fixtures/compose/cycle-a.yaml → tests/fixtures/compose/cycle-b.yaml → tests/fixtures/compose/cycle-a.yaml"
        ]
    );
}

#[test]
fn a_missing_file_is_reported_at_its_extends() {
    let found = problems("missing.yaml");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("tests/fixtures/compose/missing.yaml:1:10: cannot read `tests/fixtures/compose/no-such-law.yaml`"),
        "{found:?}"
    );
}

#[test]
fn conflicting_definitions_point_into_the_extending_file() {
    assert_eq!(
        problems("conflict.yaml"),
        [
            "tests/fixtures/compose/conflict.yaml:5:3: region `capital` is defined twice",
            "tests/fixtures/compose/conflict.yaml:6:16: `polls` is given twice",
            "tests/fixtures/compose/conflict.yaml:10:9: rule `silence` is defined twice",
        ]
    );
    insta::assert_snapshot!("conflict", render("conflict.yaml"));
}

#[test]
fn adjustments_must_name_a_rule_change_it_and_say_why() {
    assert_eq!(
        problems("bad-adjust.yaml"),
        [
            "tests/fixtures/compose/bad-adjust.yaml:7:11: `adjust` names rule `poll-bann`, which no extended file defines",
            "tests/fixtures/compose/bad-adjust.yaml:10:11: this adjustment changes nothing in `silence`",
            "tests/fixtures/compose/bad-adjust.yaml:13:15: unknown severity `serious`",
        ]
    );
}

#[test]
fn a_problem_in_the_law_points_into_the_law() {
    assert_eq!(
        problems("bad-in-law.yaml"),
        [
            "tests/fixtures/compose/law-with-bad-zone.yaml:9:33: unknown time zone `America/Guadelupe`"
        ]
    );
    insta::assert_snapshot!("bad-in-law", render("bad-in-law.yaml"));
}

#[test]
fn only_regular_files_are_extended() {
    for target in ["/dev/zero", "/dev/null", "/tmp"] {
        let text = format!("extends: {target}\nid: x\n");
        let error = rulebook::parse(scrutin::source::SourceFile::new("x.yaml", text)).unwrap_err();
        let message = &error.problems()[0].message;
        assert!(
            message.contains("not a regular file"),
            "{target}: {message}"
        );
    }
}

#[test]
fn a_rule_is_adjusted_once_per_file() {
    assert_eq!(
        problems("twice-adjusted.yaml"),
        ["tests/fixtures/compose/twice-adjusted.yaml:10:11: rule `poll-ban` is adjusted twice"]
    );
}

#[test]
fn a_name_clash_is_reported_where_it_comes_second() {
    assert_eq!(
        problems("region-named-like-group.yaml"),
        [
            "tests/fixtures/compose/region-named-like-group.yaml:5:3: `islands` names both a region and a group"
        ]
    );
}

#[test]
fn a_law_alone_has_its_hours_checked_and_its_round_filters_wait() {
    let path = format!("{DIR}/law-bad-hours.yaml");
    let error = rulebook::load_as(path.as_ref(), Expect::LawOrElection).unwrap_err();
    let found: Vec<(usize, usize)> = error.problems().iter().map(|p| p.line_column()).collect();
    // The region's "99:00" and the default "8h"; `rounds: [round-2]` waits for an election.
    assert_eq!(found, [(10, 16), (8, 64)], "{:?}", error.problems());
}
