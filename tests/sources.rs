//! The shipped sources (a feed, a sitemap, an X dump, an ad report, an
//! Atom feed), each read through its shipped profile, give the findings
//! their expected file lists: `tests/inputs/expected/<source>.txt`, one
//! `line rule` per finding, the line being where the record starts in the
//! source. The reasons for each are in the profiles' comments.

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

/// (source, profile, rulebook).
const SOURCES: [(&str, &str, &str); 5] = [
    (
        "lemonde-2017-rss.xml",
        "lemonde-rss.yaml",
        "rules/fr/presidential-2017.yaml",
    ),
    (
        "francetvinfo-2017-sitemap.xml",
        "news-sitemap.yaml",
        "rules/fr/presidential-2017.yaml",
    ),
    (
        "x-2017-macronleaks.jsonl",
        "x-api-v1.yaml",
        "rules/fr/presidential-2017.yaml",
    ),
    (
        "meta-adlibrary-2017.csv",
        "meta-ad-library.yaml",
        "rules/fr/presidential-2017.yaml",
    ),
    (
        "uk-2024-atom.xml",
        "uk-courier-atom.yaml",
        "rules/uk/general-2024.yaml",
    ),
];

fn expected(source: &str) -> BTreeSet<(u64, String)> {
    let stem = source.rsplit_once('.').unwrap().0;
    let path = format!("tests/inputs/expected/{stem}.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (line, rule) = l.split_once(' ').unwrap_or_else(|| panic!("{path}: `{l}`"));
            (line.parse().unwrap(), rule.trim().to_string())
        })
        .collect()
}

/// The line where the record holding line `line` of `source` starts: a
/// finding is reported at its own place (a feed item's `pubDate`), the
/// expected files name records by their first line. An XML record starts
/// at its `<item`, `<entry` or `<url>`; a JSON Lines or CSV record at the
/// line reported (no record of these samples spans lines before a place).
fn record_start(source: &str, line: u64) -> u64 {
    if !source.ends_with(".xml") {
        return line;
    }
    let text = std::fs::read_to_string(format!("samples/{source}")).unwrap();
    let starts = |l: &&str| {
        let l = l.trim_start();
        l.starts_with("<item") || l.starts_with("<entry") || l.starts_with("<url>")
    };
    let lines: Vec<&str> = text.lines().collect();
    (1..=line)
        .rev()
        .find(|&n| starts(&lines[n as usize - 1]))
        .unwrap_or_else(|| panic!("{source}:{line} is in no record"))
}

fn check(source: &str, profile: &str, rules: &str) -> Value {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            rules,
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(["--profile", &format!("samples/profiles/{profile}")])
        .arg(format!("samples/{source}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{source}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn each_shipped_source_gives_its_expected_findings() {
    let mut failures = Vec::new();
    for (source, profile, rules) in SOURCES {
        let report = check(source, profile, rules);
        let summary = &report["summary"];
        let found: BTreeSet<(u64, String)> = report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let line = record_start(source, v["line"].as_u64().unwrap());
                (line, v["rule"].as_str().unwrap().to_string())
            })
            .collect();
        let invalid = summary["invalid"].as_u64().unwrap();
        let counts = summary["lines"].as_u64()
            == Some(
                summary["publications"].as_u64().unwrap()
                    + summary["skipped"].as_u64().unwrap()
                    + invalid,
            );
        if found != expected(source) || invalid != 0 || !counts {
            failures.push(format!(
                "{source}: found {found:?}\nexpected {:?}\nsummary {summary}\ninvalid {}",
                expected(source),
                report["invalid"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Each finding by what it is about, not where: (rule, instant, outlet, kind).
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    let mut found: Vec<_> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let text = |key: &str| v[key].as_str().unwrap().to_string();
            (
                text("rule"),
                text("timestamp"),
                text("outlet"),
                text("kind"),
            )
        })
        .collect();
    found.sort();
    found
}

/// `scrutin convert` writes each source as a log whose check finds what
/// the source's check finds; and the log, converted again, is the same log.
#[test]
fn each_source_converted_to_a_log_gives_the_same_findings() {
    let scratch = tempfile::tempdir().unwrap();
    for (source, profile, rules) in SOURCES {
        let convert = |args: &[&str]| {
            let output = Command::cargo_bin("scrutin")
                .unwrap()
                .args(["convert", "--rules", rules])
                .args(args)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{source}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8(output.stdout).unwrap()
        };
        let profile = format!("samples/profiles/{profile}");
        let log = convert(&["--profile", &profile, &format!("samples/{source}")]);
        let path = scratch.path().join(format!("{source}.log"));
        std::fs::write(&path, &log).unwrap();
        let checked = Command::cargo_bin("scrutin")
            .unwrap()
            .args([
                "check",
                "--rules",
                rules,
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let from_log: Value = serde_json::from_slice(&checked.stdout).unwrap();
        let from_source = check(source, &profile.replace("samples/profiles/", ""), rules);
        assert_eq!(findings(&from_log), findings(&from_source), "{source}");
        assert_eq!(
            from_log["summary"]["publications"],
            from_source["summary"]["publications"]
        );
        // The log syntax reads back as it was written.
        let again = convert(&[path.to_str().unwrap()]);
        let lines = |text: &str| {
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&again), lines(&log), "{source}");
    }
}

/// A gzip log is checked as the log is; a source named without a telling
/// extension is read in the format its profile is written for; `--fix`
/// and `--diff` refuse what is not a plain log instead of finding nothing.
#[test]
fn gzip_profiles_formats_and_fixing() {
    use std::io::Write;
    let scratch = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("scrutin")
            .unwrap()
            .args(["check", "--rules", "rules/fr/presidential-2017.yaml"])
            .args(args)
            .output()
            .unwrap()
    };
    let log = "samples/presidential-2017-round2-weekend.log";
    let gz = scratch.path().join("weekend.log.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&std::fs::read(log).unwrap()).unwrap();
    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
    let plain = run(&["--format", "short", log]);
    let compressed = run(&["--format", "short", gz.to_str().unwrap()]);
    let lines = |out: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
            .collect()
    };
    assert_eq!(lines(&compressed.stdout), lines(&plain.stdout));
    assert_eq!(compressed.status.code(), plain.status.code());
    // A CSV export named without an extension: its profile says CSV.
    let export = scratch.path().join("ads-export");
    std::fs::copy("samples/meta-adlibrary-2017.csv", &export).unwrap();
    let profile = "samples/profiles/meta-ad-library.yaml";
    let read = run(&[
        "--format",
        "json",
        "--fail-on",
        "never",
        "--profile",
        profile,
        export.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(report["summary"]["invalid"], 0, "{report}");
    assert_eq!(report["summary"]["violations"], 7);
    // Neither is rewritten in place.
    for (file, what) in [
        (gz.to_str().unwrap(), "compressed with gzip"),
        (export.to_str().unwrap(), "read as csv"),
    ] {
        let refused = run(&["--profile", profile, "--diff", file]);
        assert_eq!(refused.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(what), "{stderr}");
    }
}

/// A kind read from a field through a map, `optional: true`, with a
/// classification: a value the map names gives the kind; a value it does
/// not name (a section the profile does not know) is classified, as a
/// missing field is; and without a match or a default, the record is
/// invalid, never given its section as a kind.
#[test]
fn a_kind_the_map_does_not_name_is_classified() {
    let scratch = tempfile::tempdir().unwrap();
    let export = scratch.path().join("export.jsonl");
    std::fs::write(
        &export,
        "{\"published\": \"2017-05-06T09:30:00+02:00\", \"site\": \"a\", \"section\": \"Sondages\", \"headline\": \"x\"}\n\
         {\"published\": \"2017-05-06T09:30:00+02:00\", \"site\": \"a\", \"section\": \"Culture\", \"headline\": \"Un sondage Ipsos\"}\n\
         {\"published\": \"2017-05-06T09:30:00+02:00\", \"site\": \"a\", \"headline\": \"Nouveau sondage\"}\n\
         {\"published\": \"2017-05-06T09:30:00+02:00\", \"site\": \"a\", \"section\": \"Culture\", \"headline\": \"Le point\"}\n",
    )
    .unwrap();
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
        ])
        .args(["--profile", "tests/fixtures/records/profile.yaml"])
        .arg(&export)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let kinds: Vec<(u64, &str, Option<&str>)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["rule"] == "poll-ban")
        .map(|v| {
            (
                v["line"].as_u64().unwrap(),
                v["kind"].as_str().unwrap(),
                v["kind_from"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (1, "poll", None),
            (
                2,
                "poll",
                Some("kind `poll` from the keyword `sondage` in `headline`")
            ),
            (
                3,
                "poll",
                Some("kind `poll` from the keyword `sondage` in `headline`")
            ),
        ]
    );
    assert_eq!(report["invalid"][0]["line"], 4);
    assert_eq!(report["invalid"][0]["code"], "scrutin::record::no-kind");
}

/// A minified feed holds its items on one line: each finding, and the
/// error that ends a broken feed, is at its column in that line.
#[test]
fn places_in_a_feed_on_one_line() {
    let scratch = tempfile::tempdir().unwrap();
    let profile = scratch.path().join("feed.yaml");
    std::fs::write(
        &profile,
        "name: feed\ninput: rss\ntimestamp: { field: pubDate, format: rfc2822 }\nfields:\n  outlet: { value: example.org }\nkind: { value: campaign }\n",
    )
    .unwrap();
    let item = |hour: u8| {
        format!(
            "<item><title>x</title><pubDate>Sat, 06 May 2017 {hour}:00:00 +0200</pubDate></item>"
        )
    };
    let feed = format!(
        "<?xml version=\"1.0\"?><rss><channel><title>t</title>{}{}</channel></rss>\n",
        item(10),
        item(11)
    );
    let broken = format!(
        "<?xml version=\"1.0\"?><rss><channel>{}<item></channel></rss>\n",
        item(10)
    );
    for (name, text) in [("one.xml", &feed), ("broken.xml", &broken)] {
        let path = scratch.path().join(name);
        std::fs::write(&path, text).unwrap();
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .args([
                "check",
                "--rules",
                "rules/fr/presidential-2017.yaml",
                "--format",
                "json",
            ])
            .arg("--profile")
            .args([&profile, &path])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let places: Vec<(u64, u64)> = report["violations"]
            .as_array()
            .unwrap()
            .iter()
            .chain(report["invalid"].as_array().unwrap())
            .map(|v| (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap()))
            .collect();
        let column =
            |needle: &str, from: usize| (1, (text[from..].find(needle).unwrap() + from + 1) as u64);
        let first = text.find("Sat, 06 May 2017 10").unwrap();
        let expected = if name == "one.xml" {
            vec![
                column("Sat, 06 May 2017 10", 0),
                column("Sat, 06 May 2017 11", 0),
            ]
        } else {
            vec![
                column("Sat, 06 May 2017 10", 0),
                column("</channel>", first),
            ]
        };
        assert_eq!(places, expected, "{name}: {report}");
    }
}

/// A quote in the middle of a CSV field makes its record invalid, and that
/// record only: the records after it are read and checked.
#[test]
fn a_stray_quote_costs_one_record() {
    let scratch = tempfile::tempdir().unwrap();
    let csv = scratch.path().join("ads.csv");
    let mut text =
        "start,page,body\n2016-10-02T10:00:00+02:00,Association,Le 27\" écran\n".to_string();
    for n in 0..2000 {
        text.push_str(&format!(
            "2016-10-02T10:00:00+02:00,Association,Publicité {n}\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
        ])
        .args(["--profile", "tests/fixtures/records/ads.yaml"])
        .arg(&csv)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["invalid"], 1);
    assert_eq!(report["summary"]["publications"], 2000);
    assert_eq!(report["summary"]["violations"], 2000);
    assert_eq!(report["invalid"][0]["code"], "scrutin::record::bad-quote");
    assert_eq!(report["invalid"][0]["line"], 2);
}

/// A gzip feed cut short: the items read before the cut are checked, and
/// the file is unreadable from there, as a log cut short is (exit 2), not
/// a feed that is badly written.
#[test]
fn a_truncated_gzip_feed_is_unreadable_where_it_stops() {
    use std::io::Write;
    let scratch = tempfile::tempdir().unwrap();
    let feed = std::fs::read("samples/lemonde-2017-rss.xml").unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&feed).unwrap();
    let mut gz = encoder.finish().unwrap();
    gz.truncate(gz.len() * 2 / 3);
    let path = scratch.path().join("feed.xml.gz");
    std::fs::write(&path, gz).unwrap();
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
        ])
        .args(["--profile", "samples/profiles/lemonde-rss.yaml"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["unreadable_files"], 1, "{report}");
    assert_eq!(report["summary"]["invalid"], 0, "{report}");
    assert!(report["summary"]["publications"].as_u64().unwrap() > 0);
}

/// An ad report that gives each ad's delivery stop: a profile maps it to
/// `end`, and an ad that started before the ban and ran into it is found,
/// with the part of the ban it ran in; one that stopped as the ban began is
/// not; a stop that is not after the start makes its record invalid
/// (`scrutin::log::bad-end`). `convert` writes the end as `end=`.
#[test]
fn an_ad_report_with_delivery_stops_maps_them_to_end() {
    let scratch = tempfile::tempdir().unwrap();
    let profile = scratch.path().join("flights.yaml");
    std::fs::write(
        &profile,
        "name: ad-flights\ninput: csv\n\
         timestamp: { field: start, format: \"%Y-%m-%d %H:%M:%S\", zone: Europe/Paris }\n\
         end: { field: stop, format: \"%Y-%m-%d %H:%M:%S\", zone: Europe/Paris }\n\
         fields:\n  outlet: { value: facebook.com }\n  id: { field: id }\n  channel: { value: social }\n\
         kind: { value: paid_ad }\n",
    )
    .unwrap();
    let csv = scratch.path().join("flights.csv");
    std::fs::write(
        &csv,
        "id,start,stop\n\
         a,2016-09-20 00:00:00,2016-10-01 00:00:00\n\
         b,2016-09-28 09:00:00,2016-10-15 00:00:00\n\
         c,2016-09-28 09:00:00,2016-09-28 09:00:00\n\
         d,2016-09-28 09:00:00,\n",
    )
    .unwrap();
    let run = |command: &str, format: &[&str]| {
        Command::cargo_bin("scrutin")
            .unwrap()
            .args([command, "--rules", "rules/fr/presidential-2017.yaml"])
            .args(format)
            .arg("--profile")
            .arg(&profile)
            .arg(&csv)
            .output()
            .unwrap()
    };
    let output = run("check", &["--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let violations = report["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 1, "{report:#}");
    assert_eq!(violations[0]["id"], "b");
    assert_eq!(violations[0]["end"], "2016-10-14T22:00:00Z");
    let overlap = &violations[0]["window"]["overlap"];
    assert_eq!(overlap["start"], "2016-09-30T22:00:00Z");
    assert_eq!(overlap["local_end"], "2016-10-15T00:00:00+02:00");
    assert_eq!(report["invalid"][0]["line"], 4);
    assert_eq!(report["invalid"][0]["code"], "scrutin::log::bad-end");
    // A record without a stop is an ad at its start, as before.
    assert_eq!(report["summary"]["publications"], 3);
    let log = String::from_utf8(run("convert", &[]).stdout).unwrap();
    assert!(
        log.contains("2016-09-28T07:00:00Z[Europe/Paris] outlet=facebook.com kind=paid_ad channel=social id=b region=metropole end=2016-10-14T22:00:00Z"),
        "{log}"
    );
}
