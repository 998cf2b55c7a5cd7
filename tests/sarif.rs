//! SARIF output: valid against the official 2.1.0 schema, with what GitHub
//! code scanning needs.

use assert_cmd::Command;
use serde_json::Value;

const RULES: &str = "rules/fr/presidential-2017.yaml";

fn sarif(args: &[&str], stdin: &[u8]) -> Value {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["check", "--rules", RULES, "--format", "sarif"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

fn assert_valid(document: &Value) {
    let text = std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    // The published schema's pattern for `language` properties has a stray
    // `]` (`…{2}]?$`), which the validator rejects as a malformed regex. It is
    // corrected here, in memory, as the SARIF errata do; the file stays as
    // published, and scrutin writes no `language`.
    assert_eq!(
        fix_language_patterns(&mut schema),
        2,
        "the vendored schema changed"
    );
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn fix_language_patterns(value: &mut Value) -> usize {
    const PUBLISHED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match value {
        Value::String(text) if text == PUBLISHED => {
            *text = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".to_string();
            1
        }
        Value::Object(map) => map.values_mut().map(fix_language_patterns).sum(),
        Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

#[test]
fn every_sample_gives_valid_sarif() {
    for sample in [
        "samples/presidential-2017-round2-weekend.log",
        "samples/presidential-2017-broadcasts.log",
        "samples/schedule-clean.log",
        "samples/malformed.log",
    ] {
        let document = sarif(&[sample], b"");
        assert_valid(&document);
    }
}

#[test]
fn results_carry_what_github_needs() {
    let document = sarif(&["samples/presidential-2017-round2-weekend.log"], b"");
    let run = &document["runs"][0];
    assert_eq!(document["version"], "2.1.0");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"poll-ban") && ids.contains(&"scrutin::log::syntax"));
    // Invalid lines have a rule per code, tagged with their category.
    let log_rules = rules
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("scrutin::log::"));
    assert!(log_rules.clone().count() > 5);
    assert!(
        log_rules
            .clone()
            .all(|r| r["properties"]["tags"][0] == "invalid-line")
    );
    assert!(rules.iter().all(|r| r["help"]["text"].is_string()));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 66);
    for result in results {
        // A message is an object; lines and columns start at 1; the URI is relative.
        assert!(result["message"]["text"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "samples/presidential-2017-round2-weekend.log"
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["scrutinFinding/v1"].is_string());
    }
    let levels: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning"].into());
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn fingerprints_do_not_depend_on_line_numbers() {
    let line = "2017-05-06T09:30:00+02:00 outlet=bfmtv kind=campaign id=bfm-1\n";
    let first = sarif(&["-"], line.as_bytes());
    let moved = sarif(&["-"], format!("# a comment\n\n{line}").as_bytes());
    let fingerprint = |doc: &Value| doc["runs"][0]["results"][0]["partialFingerprints"].clone();
    assert_eq!(fingerprint(&first), fingerprint(&moved));
    assert_eq!(
        moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn invalid_lines_and_unreadable_files_are_visible() {
    let document = sarif(
        &["no/such.log", "-"],
        b"2017-05-06T09:30:00+02:00 outlet=a kind=pol\n",
    );
    assert_valid(&document);
    let run = &document["runs"][0];
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "scrutin::log::unknown-term");
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "scrutin::log::unknown-term");
    assert_eq!(rule["properties"]["tags"][0], "invalid-line");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("cannot read no/such.log")
    );
}

#[test]
fn hostile_strings_keep_the_sarif_valid() {
    let log = "2017-05-06T10:00:00+02:00 outlet=\"a \\\"q\\\" \\\\ b\" kind=campaign title=\"«\u{202e}élan» 🗳\" id=</script>\n";
    let document = sarif(&["-"], log.as_bytes());
    assert_valid(&document);
    assert!(
        document["runs"][0]["results"][0]["partialFingerprints"]["scrutinFinding/v1"]
            .as_str()
            .unwrap()
            .contains("id=</script>")
    );
}

#[test]
fn waived_findings_are_valid_suppressed_results() {
    let document = sarif(
        &[
            "--today",
            "2017-05-07",
            "--waivers",
            "tests/fixtures/waivers/waivers.yaml",
            "tests/fixtures/waivers/inline.log",
        ],
        b"",
    );
    assert_valid(&document);
    let suppression = &document["runs"][0]["results"][0]["suppressions"][0];
    assert_eq!(suppression["status"], "accepted");
    assert_eq!(
        suppression["justification"],
        "Court-ordered right of reply (TA Paris, 6 May 2017)"
    );
}
