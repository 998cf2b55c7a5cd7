//! scrutin calendar: the election's restricted windows, merged, as a table,
//! JSON or an iCalendar file that parses back.

use assert_cmd::Command;
use icalendar::{Calendar, CalendarComponent, Component};
use scrutin::report::calendar::restrictions;
use scrutin::rulebook;
use scrutin::source::SourceFile;
use serde_json::Value;

fn calendar(args: &[&str]) -> (i32, String, String) {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .arg("calendar")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_ics_parses_back_with_one_event_per_window() {
    let (code, ics, _) = calendar(&["--rules", "rules/ca/federal-2021.yaml", "--format", "ics"]);
    assert_eq!(code, 0);
    let parsed: Calendar = ics.parse().expect("a valid iCalendar file");
    let events: Vec<_> = parsed
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .collect();
    // Two window rules, seven regions, one polling day.
    assert_eq!(events.len(), 14);
    let mut uids: Vec<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), 14, "UIDs are unique");
    let pacific = events
        .iter()
        .find(|e| {
            e.get_summary().unwrap().starts_with("survey-blackout")
                && e.get_summary().unwrap().contains("Pacific")
        })
        .unwrap();
    assert_eq!(pacific.property_value("DTSTART"), Some("20210920T070000Z"));
    assert_eq!(pacific.property_value("DTEND"), Some("20210921T020000Z"));
    assert!(pacific.get_description().unwrap().contains("s. 328"));
}

#[test]
fn regions_can_be_chosen_and_are_checked() {
    let (code, json, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2022.yaml",
        "--region",
        "guadeloupe",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let json: Value = serde_json::from_str(&json).unwrap();
    let list = json.as_array().unwrap();
    assert!(list.iter().all(|w| w["region"] == "guadeloupe"));
    // Silence, poll ban and results for two rounds, the paid-ad ban, and
    // political advertising on radio and TV, forbidden at all times.
    assert_eq!(list.len(), 8);
    let (code, _, stderr) = calendar(&[
        "--rules",
        "rules/fr/presidential-2022.yaml",
        "--region",
        "guadelupe",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `guadeloupe`?"), "{stderr}");
}

#[test]
fn a_rules_overlapping_windows_in_a_region_are_merged() {
    // Two rounds a week apart, each with a 15-day poll ban: they overlap.
    let text = r#"id: t
title: T
jurisdiction: T
kinds: { poll: Poll }
channels: { web: Web }
regions: { here: { name: Here, zone: Europe/Rome } }
default_region: here
polls: { open: "07:00", close: "23:00" }
rounds:
  - { id: r1, name: first, vote: 2024-06-09 }
  - { id: r2, name: second, vote: 2024-06-16 }
rules:
  - id: poll-ban
    title: Poll ban
    severity: error
    citation: { article: art. 8, law: Act, url: "https://example.org" }
    help: h
    window: { start: "vote - 15 days 00:00", end: polls_close }
"#;
    let rulebook = rulebook::parse(SourceFile::new("t.yaml", text)).unwrap();
    let merged = restrictions(&rulebook, &[]);
    assert_eq!(merged.len(), 1);
    assert_eq!(
        merged[0].window.start.to_rfc3339(),
        "2024-05-24T22:00:00+00:00"
    );
    assert_eq!(
        merged[0].window.end.to_rfc3339(),
        "2024-06-16T21:00:00+00:00"
    );
}

#[test]
fn the_table_reads_in_local_time() {
    let (_, table, _) = calendar(&["--rules", "rules/pl/parliamentary-2023.yaml"]);
    insta::assert_snapshot!("calendar-pl", table);
}

/// Zones with and without abbreviations (CEST, UTC-03:00) and region ids of
/// different lengths: every column starts at the same character on every row.
#[test]
fn the_table_columns_line_up() {
    let (code, table, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2022.yaml",
        "--region",
        "metropole",
        "--region",
        "guyane",
        "--region",
        "saint-pierre-et-miquelon",
    ]);
    assert_eq!(code, 0);
    let rows: Vec<Vec<char>> = table.lines().skip(1).map(|l| l.chars().collect()).collect();
    assert!(rows[0].starts_with(&"start (local)".chars().collect::<Vec<_>>()));
    // A column starts after two spaces, at the same place on every row.
    let starts = |row: &[char]| -> Vec<usize> {
        (2..row.len())
            .filter(|&i| row[i - 2] == ' ' && row[i - 1] == ' ' && row[i] != ' ')
            .collect()
    };
    let header = starts(&rows[0]);
    assert_eq!(header.len(), 4, "{table}");
    // Rows of a rule in force at all times have no end column to fill.
    let always: Vec<char> = "at all times".chars().collect();
    for row in rows[1..].iter().filter(|row| !row.starts_with(&always)) {
        assert_eq!(starts(row), header, "{}", row.iter().collect::<String>());
    }
    insta::assert_snapshot!("calendar-fr-overseas", table);
}

/// A rule in force at all times has no dates: a row of the table and of the
/// JSON with no ends, and no event in the iCalendar file (an event needs a
/// start) but the calendar's description.
#[test]
fn a_rule_in_force_at_all_times_is_listed_without_dates() {
    let uk = ["--rules", "rules/uk/general-2024.yaml"];
    let (code, table, _) = calendar(&uk);
    assert_eq!(code, 0);
    let row = table
        .lines()
        .find(|line| line.contains("broadcast-political-advertising"))
        .unwrap();
    assert!(row.starts_with("at all times "), "{table}");
    assert!(row.ends_with("  at all times"), "{table}");
    assert!(!table.contains("9999") && !table.contains("262"), "{table}");

    let (_, json, _) = calendar(&[uk[0], uk[1], "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let always: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "broadcast-political-advertising")
        .collect();
    assert_eq!(always.len(), 1);
    assert!(always[0]["start"].is_null() && always[0]["end"].is_null());

    let (_, ics, _) = calendar(&[uk[0], uk[1], "--format", "ics"]);
    let parsed: Calendar = ics.parse().expect("a valid iCalendar file");
    let summaries: Vec<&str> = parsed
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(event) => event.get_summary(),
            _ => None,
        })
        .collect();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert!(summaries[0].starts_with("exit-poll-embargo"));
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("X-WR-CALDESC:In force at all times: broadcast-political-advertising"),
        "{ics}"
    );
}

/// Every element of `xml` opens and closes: quick-xml reads it to its end.
fn well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
}

/// The picture: a row per rule and region, a bar per window with its local
/// and UTC times in its title, the rounds' polls closes, pinned.
#[test]
fn the_picture_has_a_row_per_rule_and_region() {
    let (code, svg, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2017.yaml",
        "--region",
        "guadeloupe",
        "--format",
        "svg",
    ]);
    assert_eq!(code, 0);
    well_formed(&svg);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Guadeloupe's windows: the rows of the table, once each.
    let (_, json, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2017.yaml",
        "--region",
        "guadeloupe",
        "--format",
        "json",
    ]);
    let windows = serde_json::from_str::<Value>(&json).unwrap();
    assert_eq!(
        svg.matches("<rect class=\"window\"").count(),
        windows.as_array().unwrap().len()
    );
    // Guadeloupe votes on Saturday: its axis is in its local time.
    assert!(svg.contains("Sat 2017-05-06 19:00 AST"), "{svg}");
    assert!(svg.contains("data-rule=\"campaign-silence\" data-region=\"guadeloupe\""));
    assert_eq!(
        svg.matches("class=\"round\"").count(),
        4,
        "two rounds, in two panels each"
    );
    insta::assert_snapshot!("calendar-svg-guadeloupe", svg);
    let (_, french, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2017.yaml",
        "--format",
        "svg",
        "--lang",
        "fr",
    ]);
    assert!(french.contains("Fenêtres d'interdiction"));
    assert!(french.contains("sam. 6"));
}

/// The page stands alone: its style inline, no script, nothing fetched;
/// the provisional mark of an election whose dates are not set.
#[test]
fn the_page_stands_alone() {
    let (code, html, _) = calendar(&[
        "--rules",
        "rules/fr/presidential-2027-a.yaml",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(html.contains("<style>"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("src=\""));
    assert!(html.contains("class=\"provisional\""));
    assert!(html.contains("scenario A: 11 and 25 April 2027"));
    assert!(html.contains("<table class=\"windows\">"));
}

/// Titles are hostile input: a rulebook's title, rule titles and region
/// names reach the picture escaped, and it stays well-formed.
#[test]
fn hostile_rulebook_text_is_escaped_in_the_picture() {
    let text = std::fs::read_to_string("rules/fr/law.yaml")
        .unwrap()
        .replace(
            "title: No poll published, broadcast or commented on the eve and the day of the vote",
            "title: \"</title><script>alert(1)</script>\\\" onload=\\\"x & y\"",
        )
        .replace(
            "name: France métropolitaine,",
            "name: \"<img src=x onerror=alert(2)>\",",
        );
    assert!(text.contains("<script>"), "the title was replaced");
    // The law's layout: fr/ beside eu/, which it extends.
    let dir = tempfile::tempdir().unwrap();
    let fr = dir.path().join("fr");
    std::fs::create_dir_all(&fr).unwrap();
    std::fs::create_dir_all(dir.path().join("eu")).unwrap();
    std::fs::copy("rules/eu/law.yaml", dir.path().join("eu/law.yaml")).unwrap();
    std::fs::write(fr.join("law.yaml"), &text).unwrap();
    std::fs::copy("rules/fr/presidential-2017.yaml", fr.join("election.yaml")).unwrap();
    let rules = fr.join("election.yaml");
    let rules = rules.to_str().unwrap();
    for format in ["svg", "html"] {
        let (code, out, err) = calendar(&["--rules", rules, "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("<script"), "{format}: {out}");
        assert!(!out.contains("<img"), "{format}: {out}");
        assert!(out.contains("&lt;script&gt;"), "{format}");
        if format == "svg" {
            well_formed(&out);
        }
    }
}
