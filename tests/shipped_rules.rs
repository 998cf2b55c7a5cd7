//! The rulebooks built into the binary, used by name from a directory that
//! has no `rules/` (a newsroom's repository, as in docs/ci.md).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod support;

/// A fresh, empty directory for one test: `schedule/` only, as a newsroom has.
struct Newsroom(PathBuf);

impl Newsroom {
    fn new(test: &str) -> Newsroom {
        let dir = std::env::temp_dir().join(format!("scrutin-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("schedule")).unwrap();
        Newsroom(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn scrutin(&self) -> Command {
        let mut command = Command::cargo_bin("scrutin").unwrap();
        command.env("NO_COLOR", "1").current_dir(&self.0);
        command
    }
}

impl Drop for Newsroom {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Saturday 9 April 2022, the eve of the first round: a campaign post is
/// inside the silence in metropolitan France (law.yaml's L49).
const SCHEDULE: &str = "\
2022-04-08T18:00:00+02:00 outlet=example.fr kind=campaign id=last-rally
2022-04-09T09:30:00+02:00 outlet=example.fr kind=campaign id=too-late
";

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn docs_ci_recipe_runs_in_a_repository_with_only_its_schedule() {
    let newsroom = Newsroom::new("ci");
    newsroom.write("schedule/week.log", SCHEDULE);
    assert!(!newsroom.0.join("rules").exists());

    let validate = newsroom
        .scrutin()
        .args(["rules", "validate", "fr/presidential-2022"])
        .output()
        .unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    assert_eq!(
        stdout(&validate),
        "fr/presidential-2022: valid (7 rules, 12 regions, 2 rounds)\n"
    );

    let args = [
        "check",
        "--rules",
        "fr/presidential-2022",
        "--format",
        "github",
        "schedule/week.log",
    ];
    let github = newsroom.scrutin().args(args).output().unwrap();
    insta::assert_snapshot!(
        "newsroom-github",
        support::shown(&args, "", &github, Some(&newsroom.0))
    );
}

#[test]
fn diagnostics_name_a_built_in_rulebook_by_its_path_in_scrutins_repository() {
    let newsroom = Newsroom::new("json");
    newsroom.write("schedule/week.log", SCHEDULE);
    let output = newsroom
        .scrutin()
        .args([
            "check",
            "--rules",
            "fr/presidential-2022.yaml",
            "--format",
            "json",
        ])
        .arg("schedule/week.log")
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["rulebook"]["id"], "fr-presidential-2022");
    assert_eq!(json["rulebook"]["file"], "rules/fr/presidential-2022.yaml");
    assert_eq!(json["violations"][0]["rule"], "campaign-silence");
}

#[test]
fn a_real_path_wins_over_a_built_in_name() {
    let newsroom = Newsroom::new("local");
    // The newsroom's own rulebook, at the path that is also a built-in name.
    let law = std::fs::read_to_string("tests/fixtures/compose/law.yaml").unwrap();
    newsroom.write("fr/law.yaml", &law);
    newsroom.write(
        "fr/presidential-2022",
        "extends: law.yaml\nid: local\nrounds:\n  - { id: r1, name: only round, vote: 2022-04-10 }\n",
    );
    newsroom.write("schedule/week.log", "");
    let output = newsroom
        .scrutin()
        .args([
            "check",
            "--rules",
            "fr/presidential-2022",
            "--format",
            "json",
        ])
        .arg("schedule/week.log")
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["rulebook"]["id"], "local");
    assert_eq!(json["rulebook"]["file"], "fr/presidential-2022");
}

#[test]
fn every_command_taking_rules_accepts_a_built_in_name() {
    let newsroom = Newsroom::new("commands");
    let runs: [&[&str]; 5] = [
        &["rules", "show", "fr/presidential-2022"],
        &["explain", "poll-ban", "--rules", "fr/presidential-2022"],
        &["calendar", "--rules", "uk/general-2024"],
        &[
            "preflight",
            "--rules",
            "fr/presidential-2022",
            "--kind",
            "news",
            "--at",
            "2022-04-09T10:00:00+02:00",
        ],
        &["rules", "validate", "fr/law", "uk/law", "ca/federal-2021"],
    ];
    for args in runs {
        let output = newsroom.scrutin().args(args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "scrutin {}: {}",
            args.join(" "),
            stderr(&output)
        );
    }
}

#[test]
fn a_misspelt_name_suggests_the_nearest_built_in() {
    let newsroom = Newsroom::new("misspelt");
    let output = newsroom
        .scrutin()
        .args(["rules", "show", "fr/presidentail-2022"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("misspelt-name", stderr(&output));
}

#[test]
fn rules_list_names_every_built_in_rulebook() {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["rules", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!("rules-list", stdout(&output));
}

#[test]
fn a_law_file_says_so_and_names_its_elections() {
    // On disk: the election files beside it.
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["rules", "show", "rules/fr/law.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("law-file", stderr(&output));

    // Built in: the built-in election files that extend it.
    let newsroom = Newsroom::new("law");
    let args = ["check", "--rules", "uk/law", "-"];
    let output = newsroom.scrutin().args(args).output().unwrap();
    insta::assert_snapshot!(
        "law-file-built-in",
        support::shown(&args, "", &output, Some(&newsroom.0))
    );
}

#[test]
fn a_built_in_rulebook_is_the_file_under_rules() {
    // The binary's copy and the repository's file give the same rulebook.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let newsroom = Newsroom::new("same");
    for name in ["fr/presidential-2017", "ca/federal-2021"] {
        let built_in = newsroom
            .scrutin()
            .args(["rules", "show", name, "--format", "json"])
            .output()
            .unwrap();
        let on_disk = Command::cargo_bin("scrutin")
            .unwrap()
            .current_dir(root)
            .args([
                "rules",
                "show",
                &format!("rules/{name}.yaml"),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(built_in.status.code(), Some(0));
        assert_eq!(stdout(&built_in), stdout(&on_disk));
    }
}

/// Canada's survey-transparency is a duty with a period: `rules show`
/// gives the election's writ and the period's windows, from the writ's day
/// at 00:00 local time to the end of polling day, in each region.
#[test]
fn a_duty_s_period_and_the_election_s_events_are_shown() {
    let output = assert_cmd::Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "rules",
            "show",
            "--format",
            "json",
            "rules/ca/federal-2021.yaml",
        ])
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        shown["events"],
        serde_json::json!([{ "id": "writ", "date": "2021-08-15" }])
    );
    let rule = shown["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "survey-transparency")
        .unwrap();
    assert_eq!(
        rule["period"],
        serde_json::json!({ "start": "event(writ) 00:00", "end": "vote 24:00" })
    );
    let eastern = rule["windows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["region"] == "eastern")
        .unwrap();
    assert_eq!(
        (eastern["start"].as_str(), eastern["end"].as_str()),
        (Some("2021-08-15T04:00:00Z"), Some("2021-09-21T04:00:00Z"))
    );
    // A window rule's JSON has no period.
    let blackout = shown["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "survey-blackout")
        .unwrap();
    assert!(blackout.get("period").is_none());
}
