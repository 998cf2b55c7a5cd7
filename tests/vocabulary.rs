//! `scrutin rules vocabulary`: what a log of an election may say, for people
//! who write logs and do not read YAML.

use assert_cmd::Command;
use serde_json::Value;

const CANADA: &str = "rules/ca/federal-2021.yaml";

fn scrutin() -> Command {
    let mut command = Command::cargo_bin("scrutin").unwrap();
    command.env("NO_COLOR", "1");
    command
}

fn vocabulary(args: &[&str]) -> String {
    let output = scrutin()
        .args(["rules", "vocabulary"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_vocabulary_for_people() {
    let text = vocabulary(&[CANADA]);
    insta::assert_snapshot!("vocabulary-ca", text);
    // Columns line up: in the regions table, every zone starts where its
    // header does (widths count characters, not bytes).
    let regions: Vec<&str> = text
        .lines()
        .skip_while(|line| !line.starts_with("regions"))
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect();
    let column = |line: &str, word: &str| line.find(word).map(|at| line[..at].chars().count());
    let zone = column(regions[0], "zone").unwrap();
    assert_eq!(column(regions[1], "America/St_Johns"), Some(zone));
    assert_eq!(column(regions[7], "America/Vancouver"), Some(zone));
}

#[test]
fn the_vocabulary_as_json() {
    let json: Value =
        serde_json::from_str(&vocabulary(&[CANADA, "--format", "json"])).expect("JSON");
    assert_eq!(json["rulebook"], "ca-federal-2021");
    let ids = |list: &str| -> Vec<String> {
        json[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids("kinds"),
        [
            "advertising",
            "leader_event",
            "news",
            "survey",
            "straw_poll",
            "result"
        ]
    );
    assert!(
        json["kinds"][3]["description"]
            .as_str()
            .unwrap()
            .starts_with("Results of an election survey")
    );
    assert_eq!(ids("channels").len(), 7);
    assert_eq!(json["default_region"], "eastern");
    let region = |id: &str| {
        json["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let newfoundland = region("newfoundland");
    assert_eq!(newfoundland["zone"], "America/St_Johns");
    // Summer time on polling day, half an hour off the hour.
    assert_eq!(newfoundland["utc_offset"], "-02:30");
    assert_eq!(newfoundland["first_polling_day"], "2021-09-20");
    assert_eq!(newfoundland["default"], false);
    assert_eq!(region("eastern")["default"], true);
    assert_eq!(region("eastern")["covers"], serde_json::json!(["quebec"]));
    // No daylight saving time in Saskatchewan.
    assert_eq!(region("saskatchewan")["utc_offset"], "-06:00");

    let fields = json["fields"].as_array().unwrap();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f["required"] == true)
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(required, ["outlet", "kind"]);
    assert_eq!(fields.len(), 10);

    let attributes = json["attributes"].as_array().unwrap();
    let keys: Vec<&str> = attributes
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "sponsor",
            "pollster",
            "fieldwork",
            "population",
            "contacted",
            "margin_of_error",
            "report_url"
        ]
    );
    assert!(attributes.iter().all(|a| a["rule"] == "survey-transparency"
        && a["use"] == "required"
        && a["value"].is_null()));
    assert_eq!(
        attributes[0]["description"],
        "required of kinds survey (first publication, and copies within 24h after it)"
    );
}

#[test]
fn a_law_file_has_a_vocabulary_without_polling_days() {
    let json: Value =
        serde_json::from_str(&vocabulary(&["rules/uk/law.yaml", "--format", "json"])).unwrap();
    assert_eq!(json["regions"][0]["id"], "uk");
    assert!(json["regions"][0]["utc_offset"].is_null());
    assert!(json["attributes"].as_array().unwrap().is_empty());
    let text = vocabulary(&["rules/uk/law.yaml"]);
    assert!(!text.contains("polling day"), "{text}");
    assert!(
        text.contains("no rule requires or tests an attribute"),
        "{text}"
    );
}

#[test]
fn an_attribute_a_rule_tests_is_listed_with_its_value() {
    let rulebook =
        scrutin::rulebook::parse(scrutin::source::SourceFile::new("tested.yaml", TESTED)).unwrap();
    let mut out = Vec::new();
    scrutin::report::vocabulary::vocabulary_text(&rulebook, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("  medium     silence  the rule applies when medium=broadcast\n"),
        "{text}"
    );
    // Text from the rulebook never reaches the terminal raw.
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains(r"News \u{1b}[2J"), "{text}");
}

/// A rulebook whose rule tests an attribute, with an escape sequence in a
/// kind's description.
const TESTED: &str = r#"id: tested
title: Tested
jurisdiction: Testland
kinds: { news: "News \e[2J", campaign: Campaign }
channels: { web: Web }
regions:
  capital: { name: Capital, zone: Europe/Paris }
default_region: capital
polls: { open: "08:00", close: "20:00" }
rounds:
  - { id: r1, name: first round, vote: 2017-05-07 }
rules:
  - id: silence
    title: Silence
    severity: error
    citation: { article: art. 1, law: Election Act, url: "https://example.org/act#1" }
    help: No broadcast campaigning from the eve until the polls close.
    applies_to: { kinds: [campaign], attributes: { medium: broadcast } }
    window: { start: eve 00:00, end: polls_close }
"#;

/// Every shipped file, a law layer without regions included, has a
/// vocabulary in both formats.
#[test]
fn every_shipped_file_has_a_vocabulary() {
    for shipped in scrutin::rulebook::shipped::SHIPPED {
        for format in ["human", "json"] {
            let output = assert_cmd::Command::cargo_bin("scrutin")
                .unwrap()
                .args(["rules", "vocabulary", shipped.path, "--format", format])
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{} {format}", shipped.path);
        }
    }
}
