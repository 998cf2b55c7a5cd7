//! Source profiles: a complete one loads into the model it means; each
//! mistake is refused with its code and message, at its place in the YAML;
//! every mistake of a profile is reported at once.
//!
//! Each case breaks one thing in a valid profile (read against
//! rules/fr/presidential-2017.yaml); one rendered diagnostic is pinned as a
//! snapshot.

use miette::Diagnostic;

use scrutin::publication::profile::{self, From as Source, Profile};
use scrutin::rulebook::{self, Rulebook, RulebookError};
use scrutin::source::SourceFile;
use scrutin::time::{Overlap, TimeForm};

const VALID: &str = r#"name: lemonde-rss
input: rss
timestamp:
  field: pubDate
  format: rfc2822
first_published:
  field: dc:date
  format: "%d/%m/%Y %H:%M"
  zone: Europe/Paris
  overlap: earlier
fields:
  outlet: { value: lemonde.fr }
  channel: { value: web }
  region: { field: region, map: { Corse: metropole }, default: metropole }
  id: { field: guid }
  tags: { field: category, optional: true }
  sponsor: { field: bylines, map: { "": unknown }, default: unknown }
kind:
  field: category
  map: { Sondages: poll, "Résultats": result }
  optional: true
  classify:
    in: [title, description]
    rules:
      - kind: result
        lists: [fr.exit_poll, fr.result]
        keywords: [estimations]
      - kind: poll
        lists: [fr.poll]
        pattern: '(?i)\bbaromètres?\b'
        in: [title]
    default: news
    severity: warning
"#;

fn rulebook() -> Rulebook {
    rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).expect("the French rulebook")
}

/// The valid profile with `from` replaced by `to` (which must occur once).
fn broken(from: &str, to: &str) -> String {
    assert_eq!(VALID.matches(from).count(), 1, "`{from}` must occur once");
    VALID.replacen(from, to, 1)
}

fn parse(text: &str, rulebook: Option<&Rulebook>) -> Result<Profile, RulebookError> {
    profile::parse(SourceFile::new("profile.yaml", text), rulebook)
}

fn render(error: &RulebookError) -> String {
    let mut out = String::new();
    scrutin::report::graphical_handler(false)
        .with_width(80)
        .render_report(&mut out, error)
        .unwrap();
    out
}

/// Each problem's code, place (line, column) and message.
fn problems(error: &RulebookError) -> Vec<(String, (usize, usize), String)> {
    error
        .problems()
        .iter()
        .map(|p| (p.code().to_string(), p.line_column(), p.message.clone()))
        .collect()
}

#[test]
fn the_valid_profile_loads_as_written() {
    let rulebook = rulebook();
    let profile = parse(VALID, Some(&rulebook)).unwrap();
    assert_eq!(profile.name, "lemonde-rss");
    assert_eq!(profile.input, Some(profile::Format::Rss));
    assert_eq!(profile.timestamp.field, "pubDate");
    assert_eq!(profile.timestamp.form, TimeForm::Rfc2822);
    let first = profile.first_published.unwrap();
    assert_eq!(first.field, "dc:date");
    assert_eq!(
        first.form,
        TimeForm::Pattern {
            pattern: "%d/%m/%Y %H:%M".to_string(),
            zone: chrono_tz::Europe::Paris,
            overlap: Overlap::Earlier,
        }
    );
    let targets: Vec<&str> = profile.fields.iter().map(|m| m.target.as_str()).collect();
    assert_eq!(
        targets,
        ["outlet", "channel", "region", "id", "tags", "sponsor"]
    );
    assert!(matches!(&profile.fields[0].from, Source::Value(v) if v == "lemonde.fr"));
    let Source::Field {
        field,
        map,
        default,
        optional,
    } = &profile.fields[5].from
    else {
        panic!("sponsor is read from a field");
    };
    assert_eq!(field, "bylines");
    assert_eq!(map, &[(String::new(), "unknown".to_string())]);
    assert_eq!(default.as_deref(), Some("unknown"));
    assert!(!optional);
    assert!(matches!(
        &profile.fields[4].from,
        Source::Field { optional: true, .. }
    ));

    let Some(Source::Field { map, optional, .. }) = &profile.kind.from else {
        panic!("the kind is read from a field");
    };
    let map: Vec<(&str, &str)> = map.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(map, [("Sondages", "poll"), ("Résultats", "result")]);
    assert!(optional);
    let classifier = profile.kind.classify.unwrap();
    assert_eq!(classifier.over, ["title", "description"]);
    assert_eq!(classifier.default.as_deref(), Some("news"));
    assert_eq!(classifier.severity, Some(rulebook::Severity::Warning));
    // Shipped lists expand in order; the rule's own keywords come last.
    let result = &classifier.rules[0];
    assert_eq!(result.kind, "result");
    assert_eq!(
        result.keywords.first().map(String::as_str),
        Some("premières estimations")
    );
    assert_eq!(
        result.keywords.last().map(String::as_str),
        Some("estimations")
    );
    assert!(result.keywords.iter().any(|k| k == "résultats partiels"));
    let poll = &classifier.rules[1];
    assert_eq!(poll.over.as_deref(), Some(&["title".to_string()][..]));
    assert_eq!(poll.keywords.first().map(String::as_str), Some("sondage"));
    assert_eq!(
        poll.pattern.as_ref().map(|p| p.as_str()),
        Some(r"(?i)\bbaromètres?\b")
    );
}

/// Each mistake: the text broken, and every problem it gives (code, line
/// and column, message).
#[test]
fn each_mistake_is_refused_at_its_place() {
    type Expected<'a> = &'a [(&'a str, (usize, usize), &'a str)];
    let cases: &[(&str, &str, Expected)] = &[
        (
            "input: rss",
            "input: rs",
            &[(
                "scrutin::profile::unknown-input",
                (2, 8),
                "unknown input format `rs`",
            )],
        ),
        (
            "format: rfc2822",
            "format: rfc822",
            &[(
                "scrutin::profile::unknown-time-format",
                (5, 11),
                "unknown time format `rfc822`",
            )],
        ),
        (
            r#"format: "%d/%m/%Y %H:%M""#,
            r#"format: "%d/%m/%Y %Q""#,
            &[(
                "scrutin::profile::bad-time-pattern",
                (8, 11),
                "the pattern `%d/%m/%Y %Q` cannot read an instant: `%Q` is not a strftime specifier chrono knows",
            )],
        ),
        (
            r#"format: "%d/%m/%Y %H:%M""#,
            r#"format: "%d/%m %H:%M""#,
            &[(
                "scrutin::profile::bad-time-pattern",
                (8, 11),
                "the pattern `%d/%m %H:%M` cannot read an instant: it writes 2017-05-06T09:30:45+02:00 as `06/05 09:30`, which names no single instant (input is not enough for unique date and time)",
            )],
        ),
        (
            "  zone: Europe/Paris\n",
            "",
            &[(
                "scrutin::profile::pattern-without-zone",
                (8, 11),
                "a strftime pattern needs the `zone` its local times are in",
            )],
        ),
        (
            "  format: rfc2822\n",
            "  format: rfc2822\n  zone: Europe/Paris\n  overlap: later\n",
            &[
                (
                    "scrutin::profile::zone-without-pattern",
                    (6, 9),
                    "`zone` is only for a strftime pattern, and `rfc2822` is not one",
                ),
                (
                    "scrutin::profile::zone-without-pattern",
                    (7, 12),
                    "`overlap` is only for a strftime pattern, and `rfc2822` is not one",
                ),
            ],
        ),
        (
            "overlap: earlier",
            "overlap: first",
            &[(
                "scrutin::profile::unknown-overlap",
                (10, 12),
                "unknown overlap `first`",
            )],
        ),
        (
            "zone: Europe/Paris",
            "zone: Europe/Pari",
            &[(
                "scrutin::rulebook::unknown-zone",
                (9, 9),
                "unknown time zone `Europe/Pari`",
            )],
        ),
        (
            "id: { field: guid }",
            "id: { field: guid, value: x }",
            &[(
                "scrutin::profile::field-or-value",
                (15, 29),
                "`id` has both a `field` and a `value`",
            )],
        ),
        (
            "id: { field: guid }",
            "id: { optional: true }",
            &[(
                "scrutin::profile::field-or-value",
                (15, 3),
                "`id` has neither a `field` nor a `value`",
            )],
        ),
        (
            "outlet: { value: lemonde.fr }",
            "outlet: { value: lemonde.fr, default: x, optional: false }",
            &[
                (
                    "scrutin::profile::misplaced-option",
                    (12, 41),
                    "`default` has no effect with a `value`",
                ),
                (
                    "scrutin::profile::misplaced-option",
                    (12, 54),
                    "`optional` has no effect with a `value`",
                ),
            ],
        ),
        (
            "default: unknown }",
            "default: unknown, optional: true }",
            &[(
                "scrutin::profile::misplaced-option",
                (17, 80),
                "`optional` has no effect with a `default`",
            )],
        ),
        (
            "  field: category\n  map: { Sondages: poll, \"Résultats\": result }\n  optional: true\n",
            "  default: news\n",
            &[(
                "scrutin::profile::misplaced-option",
                (19, 12),
                "`default` is only for a kind read from a `field`",
            )],
        ),
        (
            "  optional: true\n  classify:",
            "  default: news\n  classify:",
            &[(
                "scrutin::profile::misplaced-option",
                (21, 12),
                "`classify` is never used: this `default` gives a kind to every record the field does not",
            )],
        ),
        (
            "  sponsor:",
            "  kind: { field: type }\n  sponsor:",
            &[(
                "scrutin::profile::reserved-field",
                (17, 3),
                "`kind` cannot be under `fields`",
            )],
        ),
        (
            "  sponsor:",
            "  first_published: { field: date }\n  sponsor:",
            &[(
                "scrutin::profile::reserved-field",
                (17, 3),
                "`first_published` cannot be under `fields`",
            )],
        ),
        (
            "  sponsor:",
            "  end: { field: stop }\n  sponsor:",
            &[(
                "scrutin::profile::reserved-field",
                (17, 3),
                "`end` cannot be under `fields`",
            )],
        ),
        (
            "  sponsor:",
            "  \"spon sor\":",
            &[(
                "scrutin::profile::bad-attribute-key",
                (17, 3),
                "`spon sor` cannot be an attribute's name",
            )],
        ),
        (
            "  outlet:",
            "  outlett:",
            &[
                (
                    "scrutin::profile::misspelt-field",
                    (12, 3),
                    "`outlett` is not a publication field: did you mean `outlet`?",
                ),
                (
                    "scrutin::profile::no-outlet",
                    (1, 1),
                    "this profile does not say where a publication's `outlet` comes from",
                ),
            ],
        ),
        (
            "in: [title, description]",
            "in: []",
            &[("scrutin::profile::empty-in", (23, 9), "`in` names no field")],
        ),
        (
            "        in: [title]\n",
            "        in: []\n",
            &[(
                "scrutin::profile::empty-in",
                (31, 13),
                "`in` names no field",
            )],
        ),
        (
            "        lists: [fr.poll]\n        pattern: '(?i)\\bbaromètres?\\b'\n",
            "",
            &[(
                "scrutin::profile::empty-rule",
                (28, 15),
                "this rule for kind `poll` has no keywords, lists or pattern",
            )],
        ),
        (
            "keywords: [estimations]",
            "keywords: [estimations, \" \"]",
            &[(
                "scrutin::profile::empty-keyword",
                (27, 33),
                "an empty keyword matches every text",
            )],
        ),
        (
            "lists: [fr.poll]",
            "lists: [fr.pol]",
            &[(
                "scrutin::profile::unknown-list",
                (29, 17),
                "unknown keyword list `fr.pol`",
            )],
        ),
        (
            r"\bbaromètres?\b'",
            r"\bbaromètres?\b('",
            &[(
                "scrutin::profile::bad-regex",
                (30, 18),
                "this pattern is not a regular expression: unclosed group",
            )],
        ),
        (
            r"'(?i)\bbaromètres?\b'",
            r"'\w{1000}'",
            &[(
                "scrutin::profile::bad-regex",
                (30, 18),
                "this pattern compiles to more than the 1 MiB a classification pattern may take",
            )],
        ),
        (
            "default: news",
            "default: nwes",
            &[(
                "scrutin::rulebook::unknown-kind",
                (32, 14),
                "unknown kind `nwes`",
            )],
        ),
        (
            "Sondages: poll",
            "Sondages: pol",
            &[(
                "scrutin::rulebook::unknown-kind",
                (20, 20),
                "unknown kind `pol`",
            )],
        ),
        (
            "value: web",
            "value: wbe",
            &[(
                "scrutin::rulebook::unknown-channel",
                (13, 21),
                "unknown channel `wbe`",
            )],
        ),
        (
            "Corse: metropole",
            "Corse: corse",
            &[(
                "scrutin::rulebook::unknown-region",
                (14, 42),
                "unknown region `corse`",
            )],
        ),
        (
            "severity: warning",
            "severity: fatal",
            &[(
                "scrutin::rulebook::unknown-severity",
                (33, 15),
                "unknown severity `fatal`",
            )],
        ),
        // What the YAML reader refuses before the profile is looked at.
        (
            "  sponsor:",
            "  id: { field: link }\n  sponsor:",
            &[(
                "scrutin::yaml::duplicate-key",
                (17, 3),
                "duplicate key `id`",
            )],
        ),
        (
            "  classify:",
            "  clasify:",
            &[(
                "scrutin::yaml::unknown-field",
                (22, 3),
                "unknown field `clasify`, expected one of field, value, map, default, optional, classify",
            )],
        ),
        (
            "optional: true }",
            "optional: maybe }",
            &[("scrutin::yaml::wrong-type", (16, 38), "invalid boolean")],
        ),
    ];
    let rulebook = rulebook();
    let mut wrong = Vec::new();
    for (from, to, expected) in cases {
        let error = parse(&broken(from, to), Some(&rulebook)).expect_err(to);
        let expected: Vec<(String, (usize, usize), String)> = expected
            .iter()
            .map(|(code, at, message)| (code.to_string(), *at, message.to_string()))
            .collect();
        if problems(&error) != expected {
            wrong.push(format!(
                "`{to}`: {:#?}\n{}",
                problems(&error),
                render(&error)
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n\n"));
}

#[test]
fn a_kind_that_gives_no_kind_is_refused() {
    let at = VALID.find("kind:\n").unwrap();
    let text = format!("{}kind: {{}}\n", &VALID[..at]);
    let error = parse(&text, None).unwrap_err();
    let expected = [(
        "scrutin::profile::no-kind".to_string(),
        (18, 7),
        "this `kind` gives no kind".to_string(),
    )];
    assert_eq!(problems(&error), expected);
}

/// Names are the rulebook's only when a rulebook is given.
#[test]
fn without_a_rulebook_kinds_channels_and_regions_are_not_checked() {
    let text = broken("value: web", "value: wbe").replace("default: news", "default: nwes");
    assert!(parse(&text, None).is_ok());
    assert!(parse(&text, Some(&rulebook())).is_err());
}

/// Every problem is reported, each in its place, in one diagnostic.
#[test]
fn every_problem_is_reported_at_once() {
    let text = broken("format: rfc2822", "format: rfc822")
        .replace("  outlet:", "  outlett:")
        .replace("  field: category\n", "  value: news\n")
        .replace("lists: [fr.poll]", "lists: [fr.pol]");
    let error = parse(&text, Some(&rulebook())).unwrap_err();
    assert_eq!(
        error.to_string(),
        "profile profile.yaml is invalid (7 problems)"
    );
    assert_eq!(
        Diagnostic::code(&error).map(|c| c.to_string()).as_deref(),
        Some("scrutin::profile::invalid")
    );
    insta::assert_snapshot!("several-problems", render(&error));
}

#[test]
fn a_profile_that_cannot_be_read_says_why() {
    let error = profile::load("no/such.yaml".as_ref(), None).unwrap_err();
    assert_eq!(
        Diagnostic::code(&error).map(|c| c.to_string()).as_deref(),
        Some("scrutin::profile::unreadable")
    );
    let message = error.to_string();
    assert!(
        message.starts_with("cannot read profile no/such.yaml: "),
        "{message}"
    );
    let named = error.named_by_option().to_string();
    assert!(named.starts_with("--profile no/such.yaml: "), "{named}");
    let error = profile::load("/dev/zero".as_ref(), None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read profile /dev/zero: it is a device, not a regular file"
    );
}
