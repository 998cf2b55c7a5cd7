//! Waivers: findings accepted on purpose, inline or from a file, with reasons.

use assert_cmd::Command;
use serde_json::Value;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const LOG: &str = "tests/fixtures/waivers/inline.log";
const WAIVERS: &str = "tests/fixtures/waivers/waivers.yaml";

fn check(args: &[&str]) -> (i32, Value) {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["check", "--rules", RULES, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).expect("JSON");
    (output.status.code().unwrap(), json)
}

fn rules_of(list: &Value) -> Vec<(u64, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["line"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn inline_waivers_accept_the_next_publication_only() {
    let (code, json) = check(&["--today", "2017-05-07", LOG]);
    // Malformed directives make invalid lines: never a silent allow.
    assert_eq!(code, 2);
    assert_eq!(
        rules_of(&json["waived"]),
        [(3, "campaign-silence".to_string())]
    );
    assert_eq!(
        json["waived"][0]["waiver"]["reason"],
        "Court-ordered right of reply (TA Paris, 6 May 2017)"
    );
    assert_eq!(json["waived"][0]["waiver"]["inline"], true);
    assert_eq!(
        rules_of(&json["violations"]),
        [
            (5, "campaign-silence".to_string()),
            (10, "poll-ban".to_string())
        ]
    );
    assert_eq!(json["summary"]["waived"], 1);
    let warnings: Vec<u64> = json["waiver_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        warnings,
        [6, 8],
        "a waiver for a rule not broken, and one before a blank line"
    );
    let invalid: Vec<(u64, String)> = json["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(invalid.len(), 3, "{invalid:?}");
    assert!(invalid[0].1.contains("reason"));
    assert!(invalid[1].1.contains("unknown rule `pol-ban`"));
    assert!(invalid[2].1.contains("unknown directive `forbid`"));
}

#[test]
fn a_waiver_file_matches_by_id_outlet_or_line_and_expires() {
    let (_, json) = check(&["--today", "2017-05-07", "--waivers", WAIVERS, LOG]);
    let waived = rules_of(&json["waived"]);
    assert_eq!(
        waived,
        [
            (3, "campaign-silence".to_string()),
            (5, "campaign-silence".to_string()),
            (10, "poll-ban".to_string())
        ]
    );
    assert_eq!(json["waived"][1]["waiver"]["file"], WAIVERS);
    assert_eq!(json["waived"][1]["waiver"]["inline"], false);
    assert_eq!(json["summary"]["violations"], 0);
    let messages: Vec<String> = json["waiver_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{}:{} {}",
                w["file"].as_str().unwrap(),
                w["line"],
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with(&format!("{WAIVERS}:10 unused: it accepted no finding"))),
        "{messages:?}"
    );

    // After its expiry date, the outlet waiver no longer applies, and says so.
    let (_, later) = check(&["--today", "2017-07-01", "--waivers", WAIVERS, LOG]);
    assert!(rules_of(&later["violations"]).contains(&(10, "poll-ban".to_string())));
    let expired = later["waiver_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["rule"] == "poll-ban" && w["file"] == WAIVERS)
        .unwrap();
    assert_eq!(
        expired["message"],
        "expired on 2017-06-30: it no longer applies"
    );
}

#[test]
fn waived_findings_do_not_fail_the_run() {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            RULES,
            "--waivers",
            WAIVERS,
            "--today",
            "2017-05-07",
            "-",
        ])
        .write_stdin(
            "2017-05-06T10:05:00+02:00 outlet=lemonde.fr kind=campaign channel=web id=reply-2\n",
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout
            .contains("✓ waived: campaign-silence at <stdin>:1 — Same right of reply, second part"),
        "{stdout}"
    );
    assert!(stdout.contains("1 finding accepted by waivers"), "{stdout}");
}

#[test]
fn a_bad_waiver_file_is_refused_with_places() {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            RULES,
            "--waivers",
            "tests/fixtures/waivers/bad.yaml",
            LOG,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("waiver file tests/fixtures/waivers/bad.yaml is invalid (3 problems)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[tests/fixtures/waivers/bad.yaml:2:11]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `campaign-silence`?"),
        "{stderr}"
    );
    assert!(stderr.contains("`2017-02-30` is not a date"), "{stderr}");
}

#[test]
fn every_format_shows_waivers() {
    let run = |format: &str| {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args([
                "check",
                "--rules",
                RULES,
                "--today",
                "2017-05-07",
                "--waivers",
                WAIVERS,
                "--format",
                format,
                LOG,
            ])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 3);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(suppressed[1]["suppressions"][0]["kind"], "external");
    let github = run("github");
    assert!(github.contains("::notice file=tests/fixtures/waivers/inline.log,line=3,col=1,title=waived%3A campaign-silence::"));
    assert!(github.contains("::warning file=tests/fixtures/waivers/waivers.yaml,line=10,title=waiver for results-embargo::unused: it accepted no finding"));
    let junit = run("junit");
    assert!(junit.contains("waived: line 3:"));
    assert!(junit.contains(r#"<testsuite name="waivers""#));
}

#[test]
fn a_waiver_file_matches_a_log_whose_name_is_quoted() {
    let dir = std::env::temp_dir().join(format!("scrutin-waiver-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("n\u{1b}ame.log");
    std::fs::write(&log, "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n").unwrap();
    let waivers = dir.join("waivers.yaml");
    let file = log.to_str().unwrap().replace('\u{1b}', "\\e");
    std::fs::write(
        &waivers,
        format!("waivers:\n  - rule: campaign-silence\n    file: \"{file}\"\n    line: 1\n    reason: Test\n"),
    )
    .unwrap();
    let output = assert_cmd::Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
            "--waivers",
        ])
        .arg(&waivers)
        .arg(&log)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["waived"], 1, "{json}");
    assert_eq!(json["summary"]["waiver_warnings"], 0);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_long_run_of_inline_waivers_is_reported_as_it_goes() {
    // More directives in a row than the rulebook has rules: the oldest are
    // unused at once, the last ones wait for the publication.
    let mut log = "# scrutin: allow campaign-silence reason=\"x\"\n".repeat(50);
    log.push_str("2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n");
    let output = assert_cmd::Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
            "-",
        ])
        .write_stdin(log)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["waived"], 1);
    assert_eq!(json["summary"]["waiver_warnings"], 49);
    assert_eq!(json["summary"]["lines"], 51);
}

#[test]
fn a_waiver_date_is_written_as_a_rulebook_date_is() {
    let dir = std::env::temp_dir().join(format!("scrutin-waiver-date-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let waivers = dir.join("waivers.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - rule: poll-ban\n    outlet: a\n    reason: x\n    expires: 2017-5-6\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("scrutin")
            .unwrap()
            .args(["check", "--rules", "rules/fr/presidential-2017.yaml"])
            .args(args)
            .arg("samples/schedule-clean.log")
            .output()
            .unwrap()
    };
    let output = run(&["--waivers", waivers.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("`2017-5-6` is not a date")
    );
    let output = run(&["--today", "2017-5-6"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("expected YYYY-MM-DD")
    );
}

/// A burst is accepted by the file and line of its first line: listed
/// apart, not counted, and the waiver is used.
#[test]
fn a_waiver_file_accepts_a_burst_by_its_first_line() {
    let burst = "samples/presidential-2017-leak-burst.log";
    let (_, json) = check(&["--today", "2017-05-07", burst]);
    let aggregates = json["aggregates"].as_array().unwrap();
    assert_eq!(aggregates.len(), 1, "{json}");
    assert_eq!(aggregates[0]["first"]["line"], 29);
    assert_eq!(aggregates[0]["last"]["line"], 49);
    assert_eq!(aggregates[0]["burst"]["count"], 21);
    assert_eq!(json["summary"]["infos"], 1);

    let waivers = "tests/fixtures/waivers/burst.yaml";
    let (_, json) = check(&["--today", "2017-05-07", "--waivers", waivers, burst]);
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 0, "{json}");
    let waived = json["waived_aggregates"].as_array().unwrap();
    assert_eq!(waived.len(), 1, "{json}");
    assert_eq!(waived[0]["rule"], "leak-burst");
    assert_eq!(waived[0]["waiver"]["line"], 2);
    assert_eq!(json["summary"]["infos"], 0);
    assert_eq!(json["summary"]["waived"], 1);
    assert_eq!(json["summary"]["waiver_warnings"], 0, "{json}");
}

/// A waiver for another first line accepts nothing, and says so.
#[test]
fn a_burst_waiver_for_another_line_is_unused() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("w.yaml");
    std::fs::write(
        &waivers,
        std::fs::read_to_string("tests/fixtures/waivers/burst.yaml")
            .unwrap()
            .replace("line: 29", "line: 30"),
    )
    .unwrap();
    let burst = "samples/presidential-2017-leak-burst.log";
    let (_, json) = check(&[
        "--today",
        "2017-05-07",
        "--waivers",
        waivers.to_str().unwrap(),
        burst,
    ]);
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 1);
    assert_eq!(json["summary"]["waiver_warnings"], 1);
}

/// A balance that keeps totals per outlet is waived by outlet; a waiver of
/// a finding left out by `--rule` or `--region` still counts as used.
#[test]
fn aggregate_waivers_by_outlet_and_out_of_scope() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("w.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - rule: speaking-time-equality-round-2\n    outlet: franceinter\n    reason: Reviewed\n",
    )
    .unwrap();
    let sample = "samples/presidential-2017-speaking-time.log";
    let waivers = waivers.to_str().unwrap();
    let (_, json) = check(&["--today", "2017-05-07", "--waivers", waivers, sample]);
    assert_eq!(
        json["waived_aggregates"].as_array().unwrap().len(),
        2,
        "{json}"
    );
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["summary"]["waiver_warnings"], 0);
    // Out of scope: not reported, not counted as waived, the waiver used.
    let (_, json) = check(&[
        "--today",
        "2017-05-07",
        "--waivers",
        waivers,
        "--rule",
        "poll-ban",
        sample,
    ]);
    assert_eq!(json["summary"]["out_of_scope"], 3, "{json}");
    assert_eq!(json["summary"]["waiver_warnings"], 0, "{json}");
}

/// A balance's period is of one region: `--region` keeps its findings there
/// and leaves them out elsewhere; a burst counts in every region of its rule.
#[test]
fn a_region_scope_keeps_the_aggregates_of_its_regions() {
    let sample = "samples/presidential-2017-speaking-time.log";
    let (_, json) = check(&["--region", "metropole", sample]);
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 3, "{json}");
    let (_, json) = check(&["--region", "guadeloupe", sample]);
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 0, "{json}");
    assert_eq!(json["summary"]["out_of_scope"], 3);
    let burst = "samples/presidential-2017-leak-burst.log";
    let (_, json) = check(&["--region", "guadeloupe", burst]);
    assert_eq!(json["aggregates"].as_array().unwrap().len(), 1, "{json}");
}
