//! Names and text from the input never reach the output raw: a file name
//! with a line break and an escape sequence, a bidirectional override in an
//! invalid key, C1 controls and DEL in an id are quoted (`\u{1b}`) in every
//! format, as git's core.quotePath does.

use assert_cmd::Command;

const RULES: &str = "rules/fr/presidential-2017.yaml";
/// What a terminal or a CI runner must never receive from a log.
const RAW: [char; 5] = ['\u{1b}', '\u{202e}', '\u{9b}', '\u{7f}', '\r'];

#[test]
fn every_format_quotes_what_the_log_says() {
    let dir = std::env::temp_dir().join(format!("scrutin-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let name = "a\n::error file=spoof.log::forged\u{1b}[2J.log";
    let log = dir.join(name);
    std::fs::write(
        &log,
        "2017-05-06T09:30:00+02:00 outlet=a kind=campaign id=\"x\u{9b}y\u{7f}\"\n\
         2017-05-06T09:30:00+02:00 outlet=a kind=news ke\u{202e}y=1 title=\"\u{1b}[31m\"\n\
         2017-05-06T09:30:00+02:00 outlet=a kind=\u{202e}news\n",
    )
    .unwrap();
    for format in ["human", "short", "json", "sarif", "github", "junit", "html"] {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args([
                "check", "--rules", RULES, "--color", "never", "--format", format,
            ])
            .arg(&log)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        for c in RAW {
            assert!(!stdout.contains(c), "{format}: raw {c:?} in\n{stdout}");
        }
        assert!(
            stdout.contains("\\u{1b}"),
            "{format}: the name is quoted, not dropped"
        );
        if format == "github" {
            for line in stdout.lines() {
                assert!(line.starts_with("::"), "a forged line: {line}");
                assert!(!line.starts_with("::error file=spoof.log"), "{line}");
            }
        }
    }
}

#[test]
fn text_from_a_rulebook_is_quoted_wherever_it_is_shown() {
    let dir = std::env::temp_dir().join(format!("scrutin-hostile-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let law = std::fs::read_to_string("rules/fr/law.yaml").unwrap().replace(
        "    title: No poll published, broadcast or commented on the eve and the day of the vote",
        "    title: \"\\e[2JNo poll \\u202Epublished\"",
    );
    assert!(
        law.contains("\\e[2J"),
        "the title to replace is still in the law file"
    );
    // The French law extends ../eu/law.yaml.
    let (fr, eu) = (dir.join("fr"), dir.join("eu"));
    std::fs::create_dir_all(&fr).unwrap();
    std::fs::create_dir_all(&eu).unwrap();
    std::fs::copy("rules/eu/law.yaml", eu.join("law.yaml")).unwrap();
    std::fs::write(fr.join("law.yaml"), law).unwrap();
    std::fs::copy("rules/fr/presidential-2022.yaml", fr.join("election.yaml")).unwrap();
    let rules = fr.join("election.yaml");
    let rules = rules.to_str().unwrap();
    let log = dir.join("poll.log");
    std::fs::write(&log, "2022-04-09T10:00:00+02:00 outlet=a kind=poll\n").unwrap();
    let log = log.to_str().unwrap();
    let commands: [&[&str]; 8] = [
        &["rules", "show", rules],
        &["explain", "poll-ban", "--rules", rules],
        &["calendar", "--rules", rules],
        &[
            "preflight",
            "--rules",
            rules,
            "--kind",
            "poll",
            "--at",
            "2022-04-09T10:00:00+02:00",
        ],
        &["rules", "vocabulary", rules],
        &["calendar", "--rules", rules, "--format", "html"],
        &["check", "--rules", rules, "--format", "html", log],
        &["check", "--rules", rules, "--format", "human", log],
    ];
    for args in commands {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            !stdout.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if args[0] == "check" {
            assert!(
                stdout.contains("\\u{202e}published"),
                "{args:?}: the title is quoted"
            );
        }
        for c in RAW {
            assert!(!stdout.contains(c), "{args:?}: raw {c:?} in\n{stdout}");
        }
    }
}

#[test]
fn a_rulebook_path_is_quoted_in_the_errors_that_name_it() {
    let dir = std::env::temp_dir()
        .join(format!("scrutin-hostile-path-{}", std::process::id()))
        .join("r\u{1b}[2J\u{202e}");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("rules/fr/law.yaml", dir.join("law.yaml")).unwrap();
    std::fs::copy("rules/fr/presidential-2017.yaml", dir.join("e.yaml")).unwrap();
    let rules = dir.join("e.yaml");
    let rules = rules.to_str().unwrap();
    let commands: [&[&str]; 2] = [
        &["explain", "nope", "--rules", rules],
        &["calendar", "--rules", rules, "--region", "nope"],
    ];
    for args in commands {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("r\\u{1b}[2J\\u{202e}/e.yaml"), "{stderr}");
        for c in RAW {
            assert!(!stderr.contains(c), "{args:?}: raw {c:?} in\n{stderr}");
        }
    }
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// Text that JSON Lines, CSV and XML can carry and the log syntax cannot
/// reaches no output raw either: a bidirectional override and a line break
/// in a title (text a source may hold) in a finding's message, snippet and
/// classification, and in the log `convert` writes; control characters
/// (a JSON `\u001b`, C1 controls, DEL) make their record invalid, as in a
/// log line, and are quoted in the diagnostic. The JSON report still parses.
#[test]
fn every_format_quotes_what_a_structured_source_says() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.yaml");
    std::fs::write(
        &profile,
        "name: hostile\ntimestamp: { field: t, format: rfc3339 }\nfields:\n  outlet: { field: o }\n  id: { field: i, optional: true }\n  title: { field: title, optional: true }\nkind:\n  classify:\n    in: [title]\n    rules:\n      - { kind: campaign, keywords: [\"meeting\"] }\n    default: news\n",
    )
    .unwrap();
    let jsonl = dir.path().join("a.jsonl");
    std::fs::write(
        &jsonl,
        "{\"t\": \"2017-05-06T09:30:00+02:00\", \"o\": \"a\\u202eb\", \"title\": \"Meeting \\u202e\\r\\nsuite\"}\n\
         {\"t\": \"2017-05-06T09:30:00+02:00\", \"o\": \"a\\u001b[2J\", \"i\": \"x\\u009by\\u007f\"}\n",
    )
    .unwrap();
    let csv = dir.path().join("a.csv");
    std::fs::write(
        &csv,
        "t,o,i,title\n2017-05-06T09:30:00+02:00,a\u{202e}b,,\"Meeting \u{202e}\r suite\r\nfin\"\n\
         2017-05-06T09:30:00+02:00,a\u{1b}[2J,x\u{9b}y\u{7f},\n",
    )
    .unwrap();
    let rss = dir.path().join("a.rss");
    std::fs::write(
        &rss,
        "<rss><channel><item><t>2017-05-06T09:30:00+02:00</t><o>a&#x202E;b</o><title>Meeting &#x202E;&#13;\nsuite</title></item>\n\
         <item><t>2017-05-06T09:30:00+02:00</t><o>a</o><i>x&#x9B;y&#x7F;</i></item></channel></rss>\n",
    )
    .unwrap();
    for (source, input) in [(&jsonl, "jsonl"), (&csv, "csv"), (&rss, "rss")] {
        for format in ["human", "short", "json", "sarif", "github", "junit", "html"] {
            let output = Command::cargo_bin("scrutin")
                .unwrap()
                .args([
                    "check", "--rules", RULES, "--color", "never", "--format", format,
                ])
                .args(["--input", input, "--profile"])
                .args([&profile, source])
                .output()
                .unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            for c in RAW {
                // JSON carries a publication's values as they are (a JSON
                // reader decodes an escape to the same character): what
                // its text may hold, a bidirectional override, stays.
                let data = format == "json" && c == '\u{202e}';
                assert!(
                    data || !stdout.contains(c),
                    "{input}, {format}: raw {c:?} in\n{stdout}"
                );
            }
            assert!(
                stdout.contains("campaign"),
                "{input}, {format}: the finding is shown\n{stdout}"
            );
            assert!(
                stdout.contains("control"),
                "{input}, {format}: the invalid record is shown\n{stdout}"
            );
            if format == "json" {
                let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                assert_eq!(report["summary"]["violations"], 1, "{input}");
                assert_eq!(report["summary"]["invalid"], 1, "{input}");
            }
        }
        // Verbose output shows a record whole, over its lines: a carriage
        // return alone (or C0, C1 controls) stays quoted there too.
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args(["check", "--rules", RULES, "--color", "never", "--verbose"])
            .args(["--input", input, "--profile"])
            .args([&profile, source])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        for c in RAW {
            assert!(
                !stdout.contains(c),
                "{input}, verbose: raw {c:?} in\n{stdout}"
            );
        }
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args(["convert", "--rules", RULES, "--input", input, "--profile"])
            .args([&profile, source])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        for c in RAW {
            // The converted log is data as a log file is, bidirectional
            // override included (the log syntax takes it in a value).
            let data = c == '\u{202e}';
            assert!(
                data || !stdout.contains(c),
                "convert {input}: raw {c:?} in\n{stdout}"
            );
        }
        assert_eq!(
            stdout.lines().filter(|l| !l.starts_with('#')).count(),
            1,
            "{stdout}"
        );
    }
}
