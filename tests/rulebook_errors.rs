//! Invalid rulebooks are rejected with diagnostics that point into the YAML.
//!
//! Each case breaks one thing in a small valid rulebook; the rendered
//! diagnostic is pinned as a snapshot and the place it points at is asserted.

use scrutin::rulebook::{self, RulebookError};
use scrutin::source::SourceFile;

const VALID: &str = r#"id: mini
title: Mini election
jurisdiction: Testland
kinds: { news: News, campaign: Campaign, poll: Poll, result: Results }
channels: { web: Web, print: Print }
regions:
  capital: { name: Capital, zone: Europe/Paris }
  island: { name: Island, zone: America/Guadeloupe }
default_region: capital
groups:
  everywhere: [capital, island]
polls: { open: "08:00", close: "20:00" }
rounds:
  - id: r1
    name: first round
    vote: 2017-05-07
    overrides:
      - regions: [island]
        vote: 2017-05-06
rules:
  - id: silence
    title: Silence
    severity: error
    citation: { article: art. 1, law: Election Act, url: "https://example.org/act#1" }
    help: No campaigning from the eve until the polls close.
    applies_to: { kinds: [campaign] }
    window:
      start: eve 00:00
      end: last_polls_close(everywhere)
"#;

/// The valid rulebook with `from` replaced by `to` (which must occur once).
fn broken(from: &str, to: &str) -> String {
    assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
    VALID.replace(from, to)
}

fn load(name: &str, text: &str) -> RulebookError {
    rulebook::parse(SourceFile::new(name, text)).expect_err("the rulebook should be rejected")
}

fn render(error: &RulebookError) -> String {
    let mut out = String::new();
    scrutin::report::graphical_handler(false)
        .with_width(80)
        .render_report(&mut out, error)
        .unwrap();
    out
}

/// Asserts the only problem is at `line`:`column` and pins its rendering.
fn assert_points_at(name: &str, text: &str, line: usize, column: usize) {
    let error = load(name, text);
    let places: Vec<_> = error.problems().iter().map(|p| p.line_column()).collect();
    assert_eq!(places, [(line, column)], "{}", render(&error));
    insta::assert_snapshot!(name, render(&error));
}

#[test]
fn the_valid_rulebook_loads() {
    let rulebook = rulebook::parse(SourceFile::new("mini.yaml", VALID)).unwrap();
    assert_eq!(rulebook.rules.len(), 1);
}

#[test]
fn unknown_time_zone() {
    assert_points_at(
        "unknown-zone",
        &broken("zone: Europe/Paris", "zone: Europe/Pari"),
        7,
        35,
    );
}

#[test]
fn unknown_region_in_a_group() {
    assert_points_at(
        "unknown-region-in-group",
        &broken("[capital, island]", "[capital, islnd]"),
        11,
        25,
    );
}

#[test]
fn bad_anchor_expression() {
    assert_points_at(
        "bad-anchor",
        &broken("start: eve 00:00", "start: eve 25:00"),
        28,
        18,
    );
}

#[test]
fn unknown_region_in_an_anchor() {
    assert_points_at(
        "unknown-region-in-anchor",
        &broken(
            "end: last_polls_close(everywhere)",
            "end: polls_close(capitol)",
        ),
        29,
        24,
    );
}

#[test]
fn unknown_field() {
    assert_points_at(
        "unknown-field",
        &broken("severity: error", "severty: error"),
        23,
        5,
    );
}

#[test]
fn unknown_severity() {
    assert_points_at(
        "unknown-severity",
        &broken("severity: error", "severity: eror"),
        23,
        15,
    );
}

#[test]
fn unknown_kind_in_a_filter() {
    assert_points_at(
        "unknown-kind",
        &broken("kinds: [campaign]", "kinds: [campain]"),
        26,
        27,
    );
}

#[test]
fn impossible_date() {
    assert_points_at(
        "impossible-date",
        &broken("vote: 2017-05-07", "vote: 2017-02-30"),
        16,
        11,
    );
}

#[test]
fn a_date_whose_windows_would_leave_rfc_3339() {
    assert_points_at(
        "date-out-of-range",
        &broken("vote: 2017-05-07", "vote: 0000-01-01"),
        16,
        11,
    );
}

#[test]
fn rule_without_body() {
    let text = broken(
        "    window:\n      start: eve 00:00\n      end: last_polls_close(everywhere)\n",
        "",
    );
    assert_points_at("rule-without-body", &text, 21, 9);
}

#[test]
fn empty_window() {
    let text = broken("end: last_polls_close(everywhere)", "end: eve 00:00 - 1h");
    assert_points_at("empty-window", &text, 28, 7);
}

#[test]
fn yaml_syntax_error() {
    assert_points_at(
        "yaml-syntax",
        &broken("kinds: { news: News,", "kinds: { news: News"),
        4,
        29,
    );
}

#[test]
fn duplicate_key() {
    assert_points_at(
        "duplicate-key",
        &broken("title: Silence", "title: Silence\n    title: Again"),
        23,
        5,
    );
}

#[test]
fn duplicate_rule_id() {
    let rule = &VALID[VALID.find("  - id: silence").unwrap()..];
    let text = format!("{VALID}{rule}");
    assert_points_at("duplicate-rule-id", &text, 30, 9);
}

#[test]
fn a_region_cannot_cover_a_region() {
    assert_points_at(
        "covers-a-region",
        &broken(
            "island: { name: Island, zone: America/Guadeloupe }",
            "island: { name: Island, zone: America/Guadeloupe, covers: [reef, capital] }",
        ),
        8,
        68,
    );
}

#[test]
fn a_place_is_covered_by_one_region() {
    let text = broken(
        "capital: { name: Capital, zone: Europe/Paris }\n  island: { name: Island, zone: America/Guadeloupe }",
        "capital: { name: Capital, zone: Europe/Paris, covers: [harbour] }\n  island: { name: Island, zone: America/Guadeloupe, covers: [reef, harbour] }",
    );
    assert_points_at("covered-twice", &text, 8, 68);
    // Twice in one region's list is the same mistake, said so.
    let text = broken(
        "island: { name: Island, zone: America/Guadeloupe }",
        "island: { name: Island, zone: America/Guadeloupe, covers: [reef, reef] }",
    );
    let error = load("listed-twice", &text);
    let messages: Vec<&str> = error
        .problems()
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(messages, ["region `island` lists `reef` twice in `covers`"]);
}

#[test]
fn a_region_cannot_cover_a_group() {
    let text = broken(
        "island: { name: Island, zone: America/Guadeloupe }",
        "island: { name: Island, zone: America/Guadeloupe, covers: [everywhere] }",
    );
    let error = load("covers-a-group", &text);
    let problems: Vec<(&str, (usize, usize))> = error
        .problems()
        .iter()
        .map(|p| (p.message.as_str(), p.line_column()))
        .collect();
    assert_eq!(
        problems,
        [(
            "region `island` covers `everywhere`, which is a group itself",
            (8, 62)
        )]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = broken("zone: Europe/Paris", "zone: Mars/Olympus")
        .replace("severity: error", "severity: fatal")
        .replace("kinds: [campaign]", "kinds: [propaganda]");
    let error = load("three-problems", &text);
    let lines: Vec<usize> = error.problems().iter().map(|p| p.line_column().0).collect();
    assert_eq!(lines, [7, 23, 26]);
    insta::assert_snapshot!("three-problems", render(&error));
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = (b'a' + level - 1) as char;
        let name = (b'a' + level) as char;
        text.push_str(&format!("{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"));
    }
    let error = load("bomb", &text);
    assert_eq!(error.problems().len(), 1);
}

#[test]
fn an_escaped_anchor_is_labelled_as_a_whole() {
    // The value differs from its source (`\t`): offsets inside it would be off.
    let error = load(
        "escaped",
        &broken("start: eve 00:00", r#"start: "\teve 25:00""#),
    );
    assert_eq!(error.problems()[0].line_column(), (28, 14));
    let problem = &error.problems()[0];
    assert_eq!(problem.at.len(), r#""\teve 25:00""#.len());
}

#[test]
fn a_per_election_window_cannot_be_narrowed_to_rounds() {
    let text = broken(
        "applies_to: { kinds: [campaign] }",
        "applies_to: { kinds: [campaign], rounds: [r1] }",
    )
    .replace(
        "start: eve 00:00",
        "per: election\n      start: first_vote 00:00",
    )
    .replace("end: last_polls_close(everywhere)", "end: final_vote 24:00");
    let error = load("per-election-rounds", &text);
    assert_eq!(error.problems().len(), 1);
    assert!(error.problems()[0].message.contains("per: election"));
}

#[test]
fn list_fields_cannot_be_required() {
    let text = broken(
        "    window:\n      start: eve 00:00\n      end: last_polls_close(everywhere)\n",
        "    requires: [title, tags]\n",
    );
    let error = load("requires-tags", &text);
    assert_eq!(error.problems().len(), 1);
    assert_eq!(error.problems()[0].line_column(), (27, 23));
}

#[test]
fn polling_hours_are_times_of_day_only() {
    let error = load(
        "bad-hours",
        &broken(r#"open: "08:00""#, r#"open: "- 1 day 08:00""#),
    );
    assert_eq!(error.problems()[0].line_column(), (12, 16));
}

#[test]
fn deep_nesting_is_refused_with_its_place() {
    let text = format!("id: {}{}\n", "[".repeat(200), "]".repeat(200));
    let error = load("deep", &text);
    assert_eq!(error.problems().len(), 1);
    assert_eq!(error.problems()[0].line_column().0, 1);
}

#[test]
fn a_tab_in_indentation_is_located() {
    let text = VALID.replace("  capital: {", "\tcapital: {");
    let error = load("tabs", &text);
    assert_eq!(error.problems().len(), 1);
    assert_eq!(
        error.problems()[0].line_column().0,
        7,
        "{:?}",
        error.problems()[0].message
    );
}

#[test]
fn a_rulebook_of_10000_rules_loads() {
    // Timing belongs to benchmarks; this proves the size is accepted and resolved.
    let rule = &VALID[VALID.find("  - id: silence").unwrap()..];
    let mut text = VALID.to_string();
    for n in 0..9_999 {
        text.push_str(&rule.replace("id: silence", &format!("id: silence-{n}")));
    }
    let rulebook = rulebook::parse(SourceFile::new("big.yaml", text)).unwrap();
    assert_eq!(rulebook.rules.len(), 10_000);
}

const WINDOW: &str =
    "    window:\n      start: eve 00:00\n      end: last_polls_close(everywhere)\n";

#[test]
fn a_window_is_always_or_a_mapping() {
    // A word other than `always` is pointed at where it is written.
    assert_points_at(
        "window-neither-always-nor-a-window",
        &broken(WINDOW, "    window: allways\n"),
        27,
        5,
    );
}

#[test]
fn a_rule_in_force_at_all_times_has_no_rounds() {
    let text = broken(WINDOW, "    window: always\n").replace(
        "applies_to: { kinds: [campaign] }",
        "applies_to: { kinds: [campaign], rounds: [r1] }",
    );
    assert_points_at("always-with-rounds", &text, 26, 47);
}

#[test]
fn a_rule_in_force_at_all_times_loads_with_one_window_per_region() {
    let text = broken(WINDOW, "    window: always\n");
    let rulebook = rulebook::parse(SourceFile::new("always.yaml", text)).unwrap();
    let rulebook::RuleBody::Window(window) = &rulebook.rules[0].body else {
        panic!("a window rule");
    };
    assert!(window.always);
    let regions: Vec<_> = window.windows.iter().map(|w| (w.region, w.round)).collect();
    assert_eq!(regions, [(0, None), (1, None)]);
    assert!(window.windows.iter().all(|w| w.window.is_always()));
}

#[test]
fn copies_within_and_first_publication_only_are_not_both_given() {
    let text = broken(
        WINDOW,
        "    requires: [sponsor]\n    first_publication_only: true\n    copies_within: 24h\n",
    );
    assert_points_at("copies-within-and-first-publication-only", &text, 29, 20);
}

const SILENCE_BODY: &str =
    "    window:\n      start: eve 00:00\n      end: last_polls_close(everywhere)\n";

/// What a rule over many publications cannot also say is refused, not ignored.
#[test]
fn a_burst_refuses_what_it_would_ignore() {
    let burst = "    burst: { more_than: 3, within: 1h }\n";
    let both = broken(
        SILENCE_BODY,
        &format!("{burst}    balance: {{ of: count, by: candidate, tolerance: 5% }}\n"),
    );
    assert_points_at("burst-and-balance", &both, 28, 14);
    let rounds = broken(SILENCE_BODY, burst).replace(
        "applies_to: { kinds: [campaign] }",
        "applies_to: { kinds: [campaign], rounds: [r1] }",
    );
    assert_points_at("burst-rounds-without-window", &rounds, 26, 47);
    let exempt = broken(
        SILENCE_BODY,
        &format!(
            "{burst}    window: {{ start: eve 00:00, end: polls_close, exempt_earlier_publications: true }}\n"
        ),
    );
    assert_points_at("burst-exempt-earlier", &exempt, 28, 13);
}

#[test]
fn in_force_takes_days_in_order() {
    let rule = "    help: No campaigning from the eve until the polls close.\n";
    let bad_day = broken(
        rule,
        &format!("{rule}    in_force: {{ from: 2025-13-01, by: An Act }}\n"),
    );
    assert_points_at("in-force-bad-day", &bad_day, 26, 23);
    let backwards = broken(
        rule,
        &format!("{rule}    in_force: {{ from: 2025-01-01, until: 2024-01-01, by: An Act }}\n"),
    );
    assert_points_at("in-force-backwards", &backwards, 26, 15);
}

/// `not_before` counts from a date a `requires` rule makes a publication
/// carry: each misuse is pointed at where it is written.
#[test]
fn a_date_to_wait_for_is_read_with_its_duty() {
    let duty = |not_before: &str| {
        broken(
            WINDOW,
            &format!("    requires: [registered]\n    not_before: {not_before}\n"),
        )
    };
    assert_points_at(
        "not-before-without-requires",
        &broken(
            WINDOW,
            "    window: always\n    not_before: { date: registered, days: 6 }\n",
        ),
        28,
        17,
    );
    assert_points_at(
        "not-before-date-not-required",
        &duty("{ date: registred, days: 6 }"),
        28,
        25,
    );
    assert_points_at(
        "not-before-bad-time",
        &duty("{ date: registered, days: 6, at: \"25:00\" }"),
        28,
        50,
    );
    assert_points_at(
        "not-before-unknown-zone",
        &duty("{ date: registered, days: 6, zone: America/Sao_Paolo }"),
        28,
        52,
    );
    assert_points_at(
        "not-before-too-many-days",
        &duty("{ date: registered, days: 40000 }"),
        28,
        43,
    );
    // The most negative number is as refused as the largest (no overflow).
    let error = load(
        "not-before-min-days",
        &duty("{ date: registered, days: -9223372036854775808 }"),
    );
    assert_eq!(error.problems().len(), 1, "{}", render(&error));
}
