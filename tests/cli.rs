//! The `scrutin` binary: exit codes, input handling and output formats.
//!
//! What a command prints is pinned whole, in a snapshot of its exit code,
//! standard output and standard error (`tests/snapshots/cli__*.snap`; after a
//! deliberate change, `INSTA_UPDATE=always cargo test --test cli` and read
//! them); what is a property (counts, a JSON field, two runs that agree) is
//! asserted as one.

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/html.rs"]
mod html;
mod support;

const RULES: &str = "rules/fr/presidential-2017.yaml";

fn scrutin() -> Command {
    let mut command = Command::cargo_bin("scrutin").unwrap();
    command.env("NO_COLOR", "1");
    command
}

/// Runs `check --format json` on `log` given on standard input.
fn check_json(log: &[u8]) -> (i32, Value) {
    let output = scrutin()
        .args(["check", "--rules", RULES, "--format", "json", "-"])
        .write_stdin(log)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    (output.status.code().unwrap(), json)
}

fn summary(json: &Value, field: &str) -> u64 {
    json["summary"][field].as_u64().unwrap()
}

/// Runs scrutin with `args` and `stdin`, and shows the run.
fn pinned(args: &[&str], stdin: &str) -> String {
    let output = scrutin().args(args).write_stdin(stdin).output().unwrap();
    support::shown(args, stdin, &output, None)
}

#[test]
fn a_clean_log_exits_0() {
    let (code, json) = check_json(b"2017-05-05T10:00:00+02:00 outlet=a kind=campaign\n");
    assert_eq!(code, 0);
    assert_eq!(summary(&json, "publications"), 1);
    assert_eq!(summary(&json, "violations"), 0);
}

#[test]
fn a_violation_exits_1_with_its_fields() {
    let (code, json) =
        check_json(b"# comment\n2017-05-06T09:30:00[Europe/Paris] outlet=bfmtv kind=campaign\n");
    assert_eq!(code, 1);
    let violation = &json["violations"][0];
    assert_eq!(violation["rule"], "campaign-silence");
    assert_eq!(violation["severity"], "error");
    assert_eq!(violation["file"], "<stdin>");
    assert_eq!(
        (violation["line"].as_u64(), violation["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(violation["timestamp"], "2017-05-06T07:30:00Z");
    assert_eq!(violation["outlet"], "bfmtv");
    assert_eq!(violation["kind"], "campaign");
    assert_eq!(violation["window"]["start"], "2017-05-05T22:00:00Z");
    assert_eq!(violation["window"]["end"], "2017-05-07T18:00:00Z");
    assert_eq!(violation["regions"][0], "metropole");
    assert_eq!(violation["round"], "round-2");
    assert_eq!(
        violation["message"],
        "Campaign silence on the eve and the day of the vote (second round): \
         `campaign` published Sat 2017-05-06 09:30 CEST in metropole"
    );
    assert_eq!(json["version"], 1);
}

#[test]
fn fail_on_sets_the_threshold() {
    let leak = "2017-05-06T09:30:00+02:00 outlet=a kind=news tags=leak\n";
    let run = |fail_on: &str| {
        scrutin()
            .args(["check", "--rules", RULES, "--fail-on", fail_on, "-"])
            .write_stdin(leak)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("error"), Some(0), "a warning is below error");
    assert_eq!(run("warning"), Some(1));
    assert_eq!(run("info"), Some(1));
    let campaign = "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n";
    let never = scrutin()
        .args(["check", "--rules", RULES, "--fail-on", "never", "-"])
        .write_stdin(campaign)
        .output()
        .unwrap();
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn every_line_is_accounted_for() {
    let log = b"\xEF\xBB\xBF# BOM, CRLF, bad UTF-8, no final newline\r\n\
        2017-05-05T10:00:00+02:00 outlet=a kind=news\r\n\
        \r\n\
        2017-05-05T10:00:00+02:00 outlet=\xFF kind=news\r\n\
        2017-05-06T10:00:00+02:00 outlet=b kind=campaign";
    let (code, json) = check_json(log);
    assert_eq!(
        code, 2,
        "an invalid line means the log was not fully checked"
    );
    assert_eq!(summary(&json, "lines"), 5);
    assert_eq!(summary(&json, "publications"), 2);
    assert_eq!(summary(&json, "skipped"), 2);
    assert_eq!(summary(&json, "invalid"), 1);
    assert_eq!(summary(&json, "violations"), 1);
    let invalid = &json["invalid"][0];
    assert_eq!(
        (invalid["line"].as_u64(), invalid["column"].as_u64()),
        (Some(4), Some(34))
    );
    assert_eq!(
        invalid["message"],
        "this line is not UTF-8: byte 0xFF follows"
    );
}

#[test]
fn an_unreadable_log_among_several_is_reported_and_the_others_checked() {
    let output = scrutin()
        .args([
            "check",
            "--rules",
            RULES,
            "--format",
            "json",
            "no/such.log",
            "-",
        ])
        .write_stdin("2017-05-06T10:00:00+02:00 outlet=b kind=campaign\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["unreadable"][0]["file"], "no/such.log");
    assert_eq!(summary(&json, "files"), 2);
    assert_eq!(summary(&json, "unreadable_files"), 1);
    assert_eq!(summary(&json, "violations"), 1);
}

#[test]
fn an_invalid_rulebook_exits_2_and_points_into_the_yaml() {
    let bad = "tests/fixtures/bad-rulebook.yaml";
    insta::assert_snapshot!(
        "bad-rulebook-check",
        pinned(&["check", "--rules", bad, "-"], "")
    );
    insta::assert_snapshot!(
        "bad-rulebook-validate",
        pinned(&["rules", "validate", RULES, bad], "")
    );
}

#[test]
fn a_missing_rulebook_exits_2() {
    insta::assert_snapshot!(
        "missing-rulebook",
        pinned(&["rules", "validate", "no/such.yaml"], "")
    );
}

#[test]
fn rules_show_resolves_every_window() {
    let output = scrutin().args(["rules", "show", RULES]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("rules-show", String::from_utf8(output.stdout).unwrap());

    let output = scrutin()
        .args(["rules", "show", RULES, "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let silence = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["id"] == "campaign-silence")
        .unwrap();
    // 2 rounds × 12 regions.
    assert_eq!(silence["windows"].as_array().unwrap().len(), 24);
    let tahiti = silence["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["region"] == "polynesie" && w["round"] == "round-2")
        .unwrap();
    assert_eq!(tahiti["start"], "2017-05-05T10:00:00Z");
    assert_eq!(tahiti["local_start"], "2017-05-05T00:00:00-10:00");
    let round_2 = &json["rounds"][1];
    assert_eq!(round_2["id"], "round-2");
    let guadeloupe = &round_2["polls"][1];
    assert_eq!(guadeloupe["region"], "guadeloupe");
    assert_eq!(guadeloupe["vote"], "2017-05-06");
    assert_eq!(guadeloupe["close"], "2017-05-06T23:00:00Z");
}

#[test]
fn columns_count_characters_in_every_format() {
    let line = "2017-05-06T09:30:00Z title=\"Élysée\" kind=pol outlet=x\n";
    // The human output points at `[<stdin>:1:42]`: the 42nd character.
    insta::assert_snapshot!(
        "columns-human",
        pinned(&["check", "--rules", RULES, "-"], line)
    );
    let (_, json) = check_json(line.as_bytes());
    assert_eq!(json["invalid"][0]["column"], 42);
}

/// Runs `check` on a shipped sample; returns the exit code and standard output.
fn check_sample(sample: &str, format: &str) -> (i32, String) {
    let output = scrutin()
        .args(["check", "--rules", RULES, "--format", format, sample])
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

const WEEKEND: &str = "samples/presidential-2017-round2-weekend.log";

#[test]
fn the_weekend_sample_breaks_every_rule() {
    let (code, stdout) = check_sample(WEEKEND, "json");
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut per_rule = std::collections::BTreeMap::<String, usize>::new();
    for violation in json["violations"].as_array().unwrap() {
        *per_rule
            .entry(violation["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let expected = [
        ("campaign-documents-on-polling-day", 7),
        ("campaign-silence", 17),
        ("leaked-documents", 7),
        ("paid-political-advertising", 7),
        ("poll-ban", 11),
        ("poll-notice", 5),
        ("results-embargo", 12),
    ];
    let expected: std::collections::BTreeMap<String, usize> = expected
        .iter()
        .map(|(rule, n)| (rule.to_string(), *n))
        .collect();
    assert_eq!(per_rule, expected);
    let summary = &json["summary"];
    assert_eq!(summary["lines"], 272);
    assert_eq!(summary["publications"], 146);
    assert_eq!(summary["skipped"], 126);
    assert_eq!(summary["invalid"], 0);
    insta::assert_snapshot!("weekend-json", stdout);
}

const BROADCASTS: &str = "samples/presidential-2017-broadcasts.log";

/// Publications that last: every format says when each went out inside
/// the window, in the region's local time and in UTC.
#[test]
fn the_broadcasts_sample_shows_each_overlap_in_every_format() {
    // The late show that overran by one second, line 37.
    let local = "Sat 2017-05-06 00:00 CEST to Sat 2017-05-06 00:00:01 CEST";
    let utc = "[2017-05-05T22:00:00Z, 2017-05-05T22:00:01Z)";
    for format in ["human", "short", "json", "github", "junit", "sarif", "html"] {
        let (code, stdout) = check_sample(BROADCASTS, format);
        assert_eq!(code, 1, "{format}");
        if format != "human" {
            assert!(stdout.contains(local), "{format}: {stdout}");
        }
        assert!(stdout.contains(utc), "{format}: {stdout}");
        if format == "html" {
            html::assert_well_formed(&stdout);
            insta::assert_snapshot!("broadcasts-html", html::readable(&stdout));
        } else if format != "sarif" {
            insta::assert_snapshot!(format!("broadcasts-{format}"), stdout);
        }
    }
    let (_, human) = check_sample(BROADCASTS, "human");
    assert!(
        human.contains("overlap Sat 2017-05-06 00:00 → Sat 2017-05-06 00:00:01 CEST; UTC"),
        "{human}"
    );
    let too_wide: Vec<&str> = human.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(too_wide.is_empty(), "{too_wide:#?}");
}

/// A poll too early for the registration date it carries (`not_before`):
/// every format says from when it may go out, in the region's local time
/// and in UTC, and JSON writes the window's start as null.
#[test]
fn a_poll_too_early_for_its_registration_says_when_it_may_go_out_in_every_format() {
    let line = "2026-10-03T21:59:00-05:00 outlet=ac24horas.com kind=poll channel=web region=ac \
                pollster=P sponsor=S fieldwork=2026-09-25 margin_of_error=3 confidence_level=95% \
                sample_size=1000 registration=AC-1 registered=2026-09-28\n";
    let local = "allowed from Sat 2026-10-03 22:00 UTC-05:00";
    for format in ["human", "short", "json", "github", "junit", "sarif", "html"] {
        let output = scrutin()
            .args([
                "check",
                "--rules",
                "rules/br/general-2026.yaml",
                "--format",
                format,
                "-",
            ])
            .write_stdin(line)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains(local), "{format}: {stdout}");
        if format == "human" || format == "short" {
            assert!(
                stdout.contains("2026-10-04T03:00:00Z"),
                "{format}: {stdout}"
            );
        }
        if format == "json" {
            let json: Value = serde_json::from_str(&stdout).unwrap();
            let window = &json["violations"][0]["window"];
            assert_eq!(window["start"], Value::Null);
            assert_eq!(window["end"], "2026-10-04T03:00:00Z");
        }
        if format == "html" {
            html::assert_well_formed(&stdout);
            insta::assert_snapshot!("poll-registration-html", html::readable(&stdout));
        } else if format != "sarif" {
            insta::assert_snapshot!(format!("poll-registration-{format}"), stdout);
        }
    }
}

/// Findings over many lines: a burst and imbalances of speaking time, in
/// every format, each naming its first and last lines counted.
#[test]
fn aggregate_findings_name_their_range_of_lines_in_every_format() {
    let samples = [
        (
            "samples/presidential-2017-leak-burst.log",
            "leak-burst",
            (29, 49),
        ),
        (
            "samples/presidential-2017-speaking-time.log",
            "speaking-time-equality-round-2",
            (53, 56),
        ),
    ];
    for (sample, rule, (first, last)) in samples {
        let name = sample
            .trim_start_matches("samples/presidential-2017-")
            .trim_end_matches(".log");
        for format in ["human", "short", "json", "github", "junit", "sarif", "html"] {
            let (code, stdout) = check_sample(sample, format);
            // Warnings and infos only: no failure at the default --fail-on error.
            assert_eq!(code, 0, "{sample} {format}");
            assert!(stdout.contains(rule), "{sample} {format}: {stdout}");
            let range = format!("lines {first} to {last} of {sample}");
            match format {
                "human" => {
                    assert!(stdout.contains(&format!("first line counted: {sample}:{first}")));
                    assert!(stdout.contains(&format!("last line counted:  {sample}:{last}")));
                }
                "json" => {
                    let json: Value = serde_json::from_str(&stdout).unwrap();
                    let found = json["aggregates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|a| a["rule"] == rule)
                        .unwrap();
                    assert_eq!(found["first"]["line"], first);
                    assert_eq!(found["last"]["line"], last);
                }
                "sarif" => {
                    let sarif: Value = serde_json::from_str(&stdout).unwrap();
                    let results = sarif["runs"][0]["results"].as_array().unwrap();
                    let found = results.iter().find(|r| r["ruleId"] == rule).unwrap();
                    let at = |l: &Value| l["physicalLocation"]["region"]["startLine"].clone();
                    assert_eq!(at(&found["locations"][0]), first);
                    assert_eq!(at(&found["relatedLocations"][0]), last);
                }
                "github" => assert!(
                    stdout.contains(&format!("line={first},")) && stdout.contains(&range),
                    "{stdout}"
                ),
                _ => assert!(stdout.contains(&range), "{format}: {stdout}"),
            }
            if format == "html" {
                html::assert_well_formed(&stdout);
                insta::assert_snapshot!(format!("{name}-html"), html::readable(&stdout));
            } else if format != "sarif" {
                insta::assert_snapshot!(format!("{name}-{format}"), stdout);
            }
        }
    }
}

/// An end that is not after the timestamp, or not an instant, makes the
/// line invalid (`scrutin::log::bad-end`), pointed at the end's value.
#[test]
fn an_end_not_after_the_start_is_an_invalid_line() {
    let log = "2017-05-06T20:00:00+02:00 outlet=tf1 kind=campaign channel=tv end=2017-05-06T19:30:00+02:00\n\
               2017-05-06T20:00:00+02:00 outlet=tf1 kind=campaign channel=tv end=\"2017-05-06 21:00\"\n";
    let shown = [
        pinned(&["check", "--rules", RULES, "-"], log),
        pinned(&["check", "--rules", RULES, "--format", "short", "-"], log),
    ]
    .join("\n");
    insta::assert_snapshot!("bad-end", shown);
}

#[test]
fn the_weekend_sample_for_people() {
    let (code, stdout) = check_sample(WEEKEND, "human");
    assert_eq!(code, 1);
    insta::assert_snapshot!("weekend-human", stdout);
}

/// Runs `check` in the human format with `extra` options on the weekend sample.
fn check_weekend_human(extra: &[&str]) -> String {
    let (code, stdout) = weekend(extra);
    assert_eq!(code, 1);
    stdout
}

/// `check` on the weekend sample with `extra` options: exit code, stdout.
fn weekend(extra: &[&str]) -> (i32, String) {
    let output = scrutin()
        .args(["check", "--rules", RULES, WEEKEND])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (output.status.code().unwrap(), stdout)
}

#[test]
fn the_human_output_fits_80_columns_and_gives_each_rule_once() {
    let compact = check_weekend_human(&[]);
    let verbose = check_weekend_human(&["--verbose"]);
    let too_wide: Vec<&str> = compact
        .lines()
        .filter(|line| line.chars().count() > 80)
        .collect();
    assert!(
        too_wide.is_empty(),
        "{} lines wider than 80: {too_wide:#?}",
        too_wide.len()
    );
    // At most a third of the output that repeats each rule's help under every
    // finding, as the default did before, with every finding still there.
    let (compact_lines, verbose_lines) = (compact.lines().count(), verbose.lines().count());
    assert!(
        compact_lines * 3 <= verbose_lines,
        "{compact_lines} lines against {verbose_lines} with --verbose"
    );
    let findings = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("  ×") || l.starts_with("  ⚠"))
            .count()
    };
    assert_eq!(findings(&compact), 66);
    assert_eq!(findings(&verbose), 66);
    // Each law is printed once, not under each of the poll ban's 11 findings.
    let law = "Loi n° 77-808 du 19 juillet 1977, art. 11";
    assert_eq!(compact.matches(law).count(), 1);
    assert_eq!(verbose.matches(law).count(), 11);
}

#[test]
fn width_fits_snippets_and_text_to_the_columns_given() {
    let narrow = check_weekend_human(&["--width", "60"]);
    // A label is drawn whole by miette; at 60 columns a window's label may
    // not fit even under the first character of its timestamp.
    let over: Vec<&str> = narrow
        .lines()
        .filter(|l| l.chars().count() > 60)
        // URLs are never cut, so that they can be clicked.
        .filter(|l| !l.contains("╰── window") && !l.trim_start().starts_with("<http"))
        .collect();
    assert!(over.is_empty(), "{over:#?}");
    insta::assert_snapshot!("weekend-human-verbose", check_weekend_human(&["--verbose"]));
}

#[test]
fn the_clean_schedule_passes() {
    let (code, stdout) = check_sample("samples/schedule-clean.log", "human");
    assert_eq!(code, 0);
    insta::assert_snapshot!("schedule-clean-human", stdout);
}

#[test]
fn the_malformed_sample_reports_each_line() {
    let (code, stdout) = check_sample("samples/malformed.log", "human");
    assert_eq!(code, 2);
    insta::assert_snapshot!("malformed-human", stdout);
    let (_, stdout) = check_sample("samples/malformed.log", "json");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["invalid"], 17);
    assert_eq!(json["summary"]["publications"], 4);
    assert_eq!(json["summary"]["lines"], 53);
    insta::assert_snapshot!("malformed-json", stdout);
}

#[test]
fn rules_show_lists_every_window_sorted_by_start() {
    let output = scrutin()
        .args([
            "rules",
            "show",
            "rules/ca/federal-2021.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let calendar = json["calendar"].as_array().unwrap();
    // Two window rules × seven regions.
    assert_eq!(calendar.len(), 14);
    let starts: Vec<&str> = calendar
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // Newfoundland's polling day starts first, at 00:00 NDT (UTC−2:30).
    assert_eq!(calendar[0]["region"], "newfoundland");
    assert_eq!(calendar[0]["start"], "2021-09-20T02:30:00Z");
    assert_eq!(calendar[0]["local_start"], "2021-09-20T00:00:00-02:30");
}

#[test]
fn max_invalid_stops_early_and_says_so() {
    let output = scrutin()
        .args([
            "check",
            "--rules",
            RULES,
            "--max-invalid",
            "3",
            "--format",
            "json",
        ])
        .args(["samples/malformed.log", "samples/schedule-clean.log"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["invalid"], 3);
    assert_eq!(json["summary"]["stopped_early"], true);
    assert_eq!(json["summary"]["files"], 1, "the second log is not started");
    let human = [
        "check",
        "--rules",
        RULES,
        "--max-invalid",
        "3",
        "--width",
        "120",
        "samples/malformed.log",
    ];
    insta::assert_snapshot!("max-invalid-human", pinned(&human, ""));
    let zero = scrutin()
        .args(["check", "--rules", RULES, "--max-invalid", "0", "-"])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2), "clap refuses 0");
}

#[test]
fn an_empty_log_is_checked_and_clean() {
    let (code, json) = check_json(b"");
    assert_eq!(code, 0);
    assert_eq!(summary(&json, "lines"), 0);
    assert_eq!(summary(&json, "files"), 1);
}

#[test]
fn nul_bytes_and_lone_carriage_returns_are_invalid_lines() {
    let log = b"2017-05-05T10:00:00+02:00 outlet=a\0 kind=news\n\
        2017-05-05T10:00:00+02:00 outlet=a kind=news\rold mac line\n\
        2017-05-05T10:00:00+02:00 outlet=a kind=news\n";
    let (code, json) = check_json(log);
    assert_eq!(code, 2);
    assert_eq!(summary(&json, "invalid"), 2);
    assert_eq!(summary(&json, "publications"), 1);
    assert_eq!(json["invalid"][0]["column"], 35);
    assert_eq!(
        json["invalid"][1]["message"],
        "a carriage return in the middle of a line"
    );
}

#[test]
fn a_10_mb_line_is_one_invalid_line_and_the_next_is_checked() {
    let mut log = b"2017-05-05T10:00:00+02:00 outlet=a kind=news title=".to_vec();
    log.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    log.extend_from_slice(b"\n2017-05-06T10:00:00+02:00 outlet=b kind=campaign\n");
    let (code, json) = check_json(&log);
    assert_eq!(code, 2);
    assert_eq!(summary(&json, "lines"), 2);
    assert_eq!(summary(&json, "invalid"), 1);
    assert_eq!(summary(&json, "violations"), 1);
    assert_eq!(
        json["invalid"][0]["message"],
        "this line is longer than the 1048576 bytes a line may have"
    );
}

#[test]
fn hostile_strings_keep_the_json_valid() {
    // Quotes, backslashes, escape sequences and other scripts, in values and in errors.
    let log = "2017-05-06T10:00:00+02:00 outlet=\"a \\\"q\\\" \\\\ b\" kind=campaign title=\"«\u{202e}élan» 🗳\" id=</script>\n\
               2017-05-06T10:00:00+02:00 outlet=x kind=\u{202e}pol\n";
    let (_, json) = check_json(log.as_bytes());
    assert_eq!(json["violations"][0]["outlet"], "a \"q\" \\ b");
    assert_eq!(json["violations"][0]["id"], "</script>");
    // Messages are quoted, as in every format: no raw bidirectional override.
    assert_eq!(json["invalid"][0]["message"], "unknown kind `\\u{202e}pol`");
}

#[test]
fn a_directory_given_as_a_log_is_unreadable_and_the_others_checked() {
    let output = scrutin()
        .args([
            "check",
            "--rules",
            RULES,
            "--format",
            "json",
            "samples",
            "samples/schedule-clean.log",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["unreadable"][0]["file"], "samples");
    assert!(
        json["unreadable"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("read error after line 0")
    );
    assert_eq!(summary(&json, "publications"), 34);
}

#[test]
fn explain_tells_everything_about_one_rule() {
    let output = scrutin()
        .args([
            "explain",
            "exit-poll-embargo",
            "--rules",
            "rules/uk/general-2024.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("defined at: rules/uk/law.yaml:"));
    assert!(stdout.contains("UTC [2024-05-22T23:00:00Z, 2024-07-04T21:00:00Z)"));
    insta::assert_snapshot!("explain-uk", stdout);

    let unknown = [
        "explain",
        "exit-pol-embargo",
        "--rules",
        "rules/uk/general-2024.yaml",
    ];
    insta::assert_snapshot!("explain-unknown-rule", pinned(&unknown, ""));
}

#[test]
fn explain_as_json_holds_what_the_human_explanation_says() {
    let explain = |format: &str| {
        let output = scrutin()
            .args([
                "explain",
                "campaign-silence",
                "--rules",
                "rules/fr/presidential-2017.yaml",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout).unwrap()
    };
    let human = explain("human");
    let json: serde_json::Value = serde_json::from_str(&explain("json")).unwrap();
    assert_eq!(json["rulebook"], "fr-presidential-2017");
    assert_eq!(json["id"], "campaign-silence");
    assert_eq!(json["severity"], "error");
    assert!(human.contains(&format!("law: {} <", json["law"].as_str().unwrap())));
    assert!(human.contains(&format!(
        "applies to: {}\n",
        json["applies_to"].as_str().unwrap()
    )));
    assert_eq!(json["filter"]["kinds"], serde_json::json!(["campaign"]));
    assert!(json["help"].as_str().unwrap().len() > 100);
    // The election file replaces the law's rule, and says why.
    assert!(
        json["defined_at"]
            .as_str()
            .unwrap()
            .starts_with("rules/fr/presidential-2017.yaml:")
    );
    assert!(human.contains(json["adjusted"]["reason"].as_str().unwrap()));
    // Every window of the human list, in its order: per round, then by start.
    let windows = json["windows"].as_array().unwrap();
    let listed: Vec<&str> = human
        .lines()
        .skip_while(|line| !line.starts_with("windows"))
        .skip(1)
        .collect();
    assert_eq!(windows.len(), listed.len());
    assert!(windows.len() >= 24, "two rounds × twelve regions");
    for (window, line) in windows.iter().zip(listed) {
        let utc = format!(
            "UTC [{}, {})",
            window["start"].as_str().unwrap(),
            window["end"].as_str().unwrap()
        );
        assert!(line.ends_with(&utc), "{line} / {window}");
        assert!(
            line.contains(&format!("· {}:", window["region"].as_str().unwrap())),
            "{line}"
        );
    }
    let metropole = windows
        .iter()
        .find(|w| w["round"] == "round-2" && w["region"] == "metropole")
        .unwrap_or_else(|| panic!("{windows:?}"));
    assert_eq!(metropole["local_start"], "2017-05-06T00:00:00+02:00");
    assert_eq!(metropole["end"], "2017-05-07T18:00:00Z");
}

#[test]
fn quiet_prints_the_summary_only() {
    let quiet = [
        "check", "--rules", RULES, "--quiet", "--width", "120", WEEKEND,
    ];
    insta::assert_snapshot!("quiet", pinned(&quiet, ""));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = scrutin().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8(output.stdout)
                .unwrap()
                .contains("max-invalid"),
            "{shell}"
        );
    }
    let man = scrutin().arg("man").output().unwrap();
    let roff = String::from_utf8(man.stdout).unwrap();
    assert!(roff.starts_with(".ie \\n(.g .ds Aq"), "{}", &roff[..40]);
    assert!(roff.contains(".TH scrutin 1"));
}

#[test]
fn github_annotations_one_per_finding() {
    let (code, stdout) = check_sample(WEEKEND, "github");
    assert_eq!(code, 1);
    let errors = stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .count();
    let warnings = stdout
        .lines()
        .filter(|l| l.starts_with("::warning file="))
        .count();
    assert_eq!((errors, warnings), (59, 7));
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("::notice title=scrutin::scrutin: 272 lines")
    );
    insta::assert_snapshot!("weekend-github", stdout);
}

#[test]
fn sarif_and_junit_are_pinned() {
    let (_, sarif) = check_sample(WEEKEND, "sarif");
    insta::assert_snapshot!("weekend-sarif", sarif);
    let (_, junit) = check_sample("samples/malformed.log", "junit");
    insta::assert_snapshot!("malformed-junit", junit);
}

/// A stream on standard input (`tail -f log | scrutin check -`) is checked
/// as it comes: --max-invalid stops at once, without waiting for more input
/// or for the end of the stream.
#[test]
fn a_stream_stops_at_max_invalid_without_waiting_for_more() {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutin"))
        .args([
            "check",
            "--rules",
            RULES,
            "--max-invalid",
            "1",
            "--quiet",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The stream stays open: only the first line is ever written.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"not a publication\n").unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(2),
        "still waiting on the stream"
    );
}

#[test]
fn short_format_is_one_line_per_finding_at_the_json_positions() {
    let (code, short) = check_sample(WEEKEND, "short");
    assert_eq!(code, 1);
    let (_, json) = check_sample(WEEKEND, "json");
    let json: Value = serde_json::from_str(&json).unwrap();
    let findings: Vec<&str> = short
        .lines()
        .filter(|l| l.starts_with("samples/"))
        .collect();
    let violations = json["violations"].as_array().unwrap();
    assert_eq!(findings.len(), violations.len());
    for (line, violation) in findings.iter().zip(violations) {
        let expected = format!(
            "{}:{}:{}: {}[{}]: ",
            violation["file"].as_str().unwrap(),
            violation["line"],
            violation["column"],
            violation["severity"].as_str().unwrap(),
            violation["rule"].as_str().unwrap()
        );
        assert!(line.starts_with(&expected), "{line}\nexpected {expected}");
        if let Some(end) = violation["window"]["end"].as_str() {
            assert!(line.contains(&format!(", {end})")), "{line}");
        }
    }
    insta::assert_snapshot!("weekend-short", short);
    let malformed = [
        "check",
        "--rules",
        RULES,
        "--format",
        "short",
        "samples/malformed.log",
    ];
    insta::assert_snapshot!("malformed-short", pinned(&malformed, ""));
}

/// `check --format json` on the weekend sample with `extra` options.
fn weekend_json(extra: &[&str]) -> (i32, Value) {
    let (code, stdout) = weekend(&[&["--format", "json"], extra].concat());
    (code, serde_json::from_str(&stdout).expect("stdout is JSON"))
}

#[test]
fn filters_narrow_the_findings_and_the_summary_counts_the_rest() {
    let (_, all) = weekend_json(&[]);
    let total = summary(&all, "violations");
    for jobs in ["1", "2"] {
        let (code, json) =
            weekend_json(&["--rule", "poll-ban", "--region", "guadeloupe", "-j", jobs]);
        assert_eq!(code, 1);
        let violations = json["violations"].as_array().unwrap();
        assert!(!violations.is_empty());
        for v in violations {
            assert_eq!(v["rule"], "poll-ban");
            assert_eq!(v["regions"], serde_json::json!(["guadeloupe"]), "{v}");
            assert_eq!(v["windows"].as_array().unwrap().len(), 1);
        }
        let shown = summary(&json, "violations");
        assert_eq!(shown + summary(&json, "out_of_scope"), total);
        assert_eq!(json["summary"]["scope"], "rule poll-ban; region guadeloupe");
        // Every line is still read and counted.
        assert_eq!(summary(&json, "lines"), 272);
        assert_eq!(summary(&json, "publications"), 146);
    }
    // Half-open: since is in, until is out.
    let (_, json) = weekend_json(&[
        "--since",
        "2017-05-06T00:00:00+02:00",
        "--until",
        "2017-05-07T20:00:00[Europe/Paris]",
    ]);
    let timestamps: Vec<&str> = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["timestamp"].as_str().unwrap())
        .collect();
    assert!(
        timestamps.contains(&"2017-05-05T22:00:00Z"),
        "{timestamps:?}"
    );
    assert!(
        timestamps
            .iter()
            .all(|t| ("2017-05-05T22:00:00Z"..="2017-05-07T17:59:59Z").contains(t)),
        "{timestamps:?}"
    );
    // A finding outside the scope does not fail the run.
    let (code, json) = weekend_json(&["--rule", "poll-ban", "--until", "2017-05-01T00:00:00Z"]);
    assert_eq!((code, summary(&json, "violations")), (0, 0));
}

#[test]
fn filters_name_what_is_wrong() {
    let cases: [&[&str]; 4] = [
        &["--rule", "poll-bam"],
        &["--region", "quebec"],
        &["--since", "2017-05-06T00:00:00"],
        &[
            "--since",
            "2017-05-07T00:00:00Z",
            "--until",
            "2017-05-06T00:00:00Z",
        ],
    ];
    let runs: Vec<String> = cases
        .iter()
        .map(|filter| {
            pinned(
                &[&["check", "--rules", RULES, WEEKEND], *filter].concat(),
                "",
            )
        })
        .collect();
    insta::assert_snapshot!("filter-mistakes", runs.join("\n\n"));
}

/// A fresh copy of `sample` in a directory of its own.
fn scratch_copy(sample: &str, test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("scrutin-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("schedule.log");
    std::fs::copy(sample, &copy).unwrap();
    copy
}

#[test]
fn fix_moves_what_a_window_blocks_and_leaves_every_other_byte() {
    let log = scratch_copy(WEEKEND, "fix");
    let (path, scratch) = (log.to_str().unwrap(), log.parent());
    let before = std::fs::read_to_string(&log).unwrap();
    let args = ["check", "--rules", RULES, "--diff", path];
    let diff = scrutin().args(args).output().unwrap();
    insta::assert_snapshot!("fix-diff", support::shown(&args, "", &diff, scratch));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        before,
        "--diff writes nothing"
    );
    let diff = String::from_utf8(diff.stdout).unwrap();

    let args = ["check", "--rules", RULES, "--format", "json", "--fix", path];
    let fix = scrutin().args(args).output().unwrap();
    insta::assert_snapshot!("fix", support::shown(&args, "", &fix, scratch));
    let after = std::fs::read_to_string(&log).unwrap();
    let (old, new): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    assert_eq!(old.len(), new.len());
    let mut moved = 0;
    for (old, new) in old.iter().zip(&new) {
        if old != new {
            moved += 1;
            // Only the timestamp changed: the rest of the line is as it was.
            let rest = |line: &str| line.split_once(' ').unwrap().1.to_string();
            assert_eq!(rest(old), rest(new));
            assert!(diff.contains(&format!("+{new}\n")), "{new}");
        }
    }
    // What it says it moved is what it moved.
    let stderr = String::from_utf8(fix.stderr).unwrap();
    assert!(
        stderr.contains(&format!("moved {moved} publications")),
        "{stderr}"
    );
    // Checked again after the fix: only what time cannot fix is left.
    let json: Value = serde_json::from_slice(&fix.stdout).unwrap();
    let left: Vec<&str> = json["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(left, ["poll-notice"; 5], "{left:?}");
    // A second fix has nothing to move; the missing notices are still there.
    let again = scrutin()
        .args(["check", "--rules", RULES, "--diff"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(again.stdout.is_empty());
}

#[test]
fn a_fixed_schedule_checks_clean() {
    let log = scratch_copy(WEEKEND, "fix-clean");
    // Keep only the lines whose findings time can fix (no poll without its
    // full notice), with CRLF line ends and a byte-order mark, and add a
    // waived one.
    let text = std::fs::read_to_string(&log).unwrap();
    let notice = [
        "pollster=",
        "sponsor=",
        "sample_size=",
        "fieldwork=",
        "margin_of_error=",
    ];
    let full_notice = |l: &str| notice.iter().all(|n| l.contains(n)) && !l.contains("=\"\"");
    let kept: String = text
        .lines()
        .filter(|l| !l.contains("kind=poll") || full_notice(l))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let waived = "# scrutin: allow campaign-silence reason=\"Right of reply\"\r\n\
                  2017-05-06T10:00:00+02:00 outlet=lemonde.fr kind=campaign id=reply-1\r\n";
    std::fs::write(&log, format!("\u{feff}{kept}{waived}")).unwrap();
    let fix = scrutin()
        .args(["check", "--rules", RULES, "--fix"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(
        fix.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fix.stdout)
    );
    let after = std::fs::read_to_string(&log).unwrap();
    assert!(after.starts_with('\u{feff}'), "the byte-order mark is kept");
    assert!(
        after.ends_with(waived),
        "a waived finding is not moved; CRLF kept"
    );
    assert_eq!(
        after.matches("\r\n").count(),
        text.lines()
            .filter(|_| true)
            .count()
            .min(after.matches("\r\n").count())
    );
}

#[test]
fn fix_refuses_standard_input() {
    let log = "2017-05-06T10:00:00+02:00 outlet=a kind=campaign\n";
    insta::assert_snapshot!(
        "fix-standard-input",
        pinned(&["check", "--rules", RULES, "--fix", "-"], log)
    );
}

#[test]
fn fix_moves_past_the_windows_not_waived_only() {
    let log = scratch_copy("samples/schedule-clean.log", "fix-waived");
    // Saturday in Guadeloupe: the campaign silence (waived) lasts until Sunday
    // 14:00, the ban on campaign documents until its polls close on Saturday.
    let text = "# scrutin: allow campaign-silence reason=\"Court order\"\n\
                2017-05-06T10:00:00[America/Guadeloupe] outlet=a kind=campaign region=guadeloupe\n";
    std::fs::write(&log, text).unwrap();
    let args = ["check", "--rules", RULES, "--diff", log.to_str().unwrap()];
    let diff = scrutin().args(args).output().unwrap();
    insta::assert_snapshot!("fix-waived", support::shown(&args, "", &diff, log.parent()));
}

#[test]
fn fix_changes_nothing_when_any_log_cannot_be_fixed() {
    let log = scratch_copy(WEEKEND, "fix-all-or-nothing");
    let before = std::fs::read(&log).unwrap();
    let cases: [&[&str]; 3] = [
        &["--fix", "-"],
        &["--fix", "/nonexistent/scrutin.log"],
        &["--diff", "/nonexistent/scrutin.log"],
    ];
    for extra in cases {
        let output = scrutin()
            .args(["check", "--rules", RULES])
            .arg(&log)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        assert_eq!(std::fs::read(&log).unwrap(), before, "{extra:?}");
    }
    // A read-only log is refused, even to root.
    let mut permissions = std::fs::metadata(&log).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&log, permissions).unwrap();
    let args = ["check", "--rules", RULES, "--fix", log.to_str().unwrap()];
    let output = scrutin().args(args).output().unwrap();
    insta::assert_snapshot!(
        "fix-read-only",
        support::shown(&args, "", &output, log.parent())
    );
    assert_eq!(std::fs::read(&log).unwrap(), before);
    let dir = log.parent().unwrap();
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        1,
        "no file left beside it"
    );
}

#[test]
fn diff_exits_1_when_time_cannot_fix_what_is_left() {
    let log = scratch_copy("samples/schedule-clean.log", "diff-unfixable");
    std::fs::write(&log, "2017-05-04T10:00:00+02:00 outlet=a kind=poll\n").unwrap();
    let args = ["check", "--rules", RULES, "--diff", log.to_str().unwrap()];
    let output = scrutin().args(args).output().unwrap();
    insta::assert_snapshot!(
        "diff-unfixable",
        support::shown(&args, "", &output, log.parent())
    );
}

#[test]
fn serve_refuses_two_rulebooks_with_one_id() {
    // The file and the built-in of the same name: the second could never be chosen.
    let serve = [
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--rules",
        RULES,
        "--rules",
        "fr/presidential-2017",
    ];
    insta::assert_snapshot!("serve-same-id", pinned(&serve, ""));
}

#[test]
fn json_lists_kept_aside_in_a_file_come_out_whole() {
    // Enough invalid lines to pass the memory kept for them (1 MiB).
    let invalid = 20_000;
    let mut log = String::new();
    for n in 0..invalid {
        log.push_str(&format!("2017-05-06T09:30:00+02:00 outlet=a kind=pol{n}\n"));
        log.push_str("2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n");
    }
    let (code, json) = check_json(log.as_bytes());
    assert_eq!(code, 2);
    let lines: Vec<u64> = json["invalid"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines.len(), invalid);
    assert!(
        lines
            .iter()
            .zip(lines.iter().skip(1))
            .all(|(a, b)| b - a == 2),
        "in order"
    );
    assert_eq!(json["violations"].as_array().unwrap().len(), invalid);
    assert_eq!(summary(&json, "invalid"), invalid as u64);
}

#[test]
fn a_finding_in_a_stream_is_written_before_the_stream_ends() {
    use std::io::{Read, Write};
    use std::process::{Command as Process, Stdio};
    // JUnit is one document, written at the end: it cannot start early.
    for format in ["human", "short", "json", "sarif", "github"] {
        let mut child = Process::new(assert_cmd::cargo::cargo_bin("scrutin"))
            .args(["check", "--rules", RULES, "--format", format, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"2017-05-06T09:01:00+02:00 outlet=a kind=campaign\n")
            .unwrap();
        stdin.flush().unwrap();
        // The input stays open: what comes out now was not waiting for its end.
        let mut stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut first = [0u8; 1];
            let _ = sender.send(stdout.read(&mut first).map(|n| n == 1));
        });
        let early = receiver.recv_timeout(std::time::Duration::from_secs(20));
        drop(stdin);
        let _ = child.wait();
        assert!(
            matches!(early, Ok(Ok(true))),
            "{format}: nothing before the end of input"
        );
    }
}

/// France 2027's dates are provisional: every output says so, with the
/// scenario.
#[test]
fn every_output_of_a_provisional_election_says_so() {
    let rules = "rules/fr/presidential-2027-a.yaml";
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("week.log");
    std::fs::write(
        &log,
        "2026-12-01T12:00:00+01:00 outlet=a kind=paid_ad channel=social\n",
    )
    .unwrap();
    let log = log.to_str().unwrap();
    // Words as they are, whatever the wrapping.
    let run = |args: &[&str]| {
        let output = scrutin().args(args).output().unwrap();
        let out = String::from_utf8(output.stdout)
            .unwrap()
            .replace("\r\n ", "");
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let scenario = "scenario A: 11 and 25 April 2027";
    for format in ["human", "short", "github", "json", "sarif", "junit", "html"] {
        let out = run(&["check", "--rules", rules, "--format", format, log]);
        assert!(out.contains(scenario), "check --format {format}: {out}");
    }
    let preflight = [
        "preflight",
        "--rules",
        rules,
        "--kind",
        "paid_ad",
        "--at",
        "2026-12-01T12:00:00+01:00",
    ];
    let out = run(&preflight);
    assert!(out.starts_with("BLOCKED"), "{out}");
    assert!(
        out.contains("PROVISIONAL") && out.contains(scenario),
        "{out}"
    );
    let json: Value =
        serde_json::from_str(&run(&[&preflight[..], &["--format", "json"]].concat())).unwrap();
    assert!(json["provisional"].as_str().unwrap().contains(scenario));
    for format in ["table", "json", "ics"] {
        let out = run(&["calendar", "--rules", rules, "--format", format]);
        assert!(out.contains(scenario), "calendar --format {format}: {out}");
    }
    for format in ["human", "json"] {
        let out = run(&["rules", "show", rules, "--format", format]);
        assert!(out.contains(scenario), "rules show --format {format}");
    }
    // A diff moves publications by the scenario's dates: said on stderr.
    let silent = dir.path().join("silence.log");
    std::fs::write(
        &silent,
        "2027-04-10T09:00:00+02:00 outlet=a kind=campaign channel=web\n",
    )
    .unwrap();
    let output = scrutin()
        .args([
            "check",
            "--rules",
            rules,
            "--diff",
            silent.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("+2027-04-11T20:00:00+02:00")
    );
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains("PROVISIONAL") && stderr.contains(scenario),
        "{stderr}"
    );
}
