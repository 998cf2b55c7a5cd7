//! `scrutin man --dir DIR`: a page for every command, pages that name only
//! pages that exist, and the sections clap cannot write.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn scrutin() -> Command {
    Command::cargo_bin("scrutin").unwrap()
}

/// The subcommands `scrutin <path> --help` lists, from the binary's own help.
fn subcommands(path: &[String]) -> Vec<String> {
    let output = scrutin().args(path).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // A description too long for the line goes on under itself.
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

/// `scrutin`, `scrutin-check`, `scrutin-rules-validate`, …: every command path.
fn every_command(path: &mut Vec<String>, found: &mut BTreeSet<String>) {
    found.insert(
        std::iter::once("scrutin")
            .chain(path.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("-"),
    );
    for sub in subcommands(path) {
        path.push(sub);
        every_command(path, found);
        path.pop();
    }
}

fn written_pages(test: &str) -> (PathBuf, BTreeSet<String>) {
    let dir = std::env::temp_dir().join(format!("scrutin-man-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let output = scrutin().args(["man", "--dir"]).arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let pages = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    (dir, pages)
}

fn read(dir: &Path, page: &str) -> String {
    std::fs::read_to_string(dir.join(page)).unwrap()
}

/// The `.SH` headings of a roff page, unquoted.
fn sections(roff: &str) -> Vec<String> {
    roff.lines()
        .filter_map(|line| line.strip_prefix(".SH "))
        .map(|heading| heading.trim_matches('"').to_string())
        .collect()
}

#[test]
fn every_command_gets_a_page_and_no_other() {
    let (dir, pages) = written_pages("every");
    let mut commands = BTreeSet::new();
    every_command(&mut Vec::new(), &mut commands);
    assert!(commands.contains("scrutin-rules-validate"), "{commands:?}");
    let expected: BTreeSet<String> = commands.iter().map(|c| format!("{c}.1")).collect();
    assert_eq!(pages, expected);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pages_name_only_pages_that_exist() {
    let (dir, pages) = written_pages("references");
    let mut references = 0;
    for page in &pages {
        let roff = read(&dir, page);
        // References are written `scrutin\-check(1)` (roff escapes the dash).
        let text = roff.replace("\\-", "-");
        for (start, _) in text.match_indices("scrutin") {
            let rest = &text[start..];
            let Some(end) = rest.find("(1)") else {
                continue;
            };
            let name = &rest[..end];
            if name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                references += 1;
                assert!(
                    pages.contains(&format!("{name}.1")),
                    "{page} names {name}(1), which is not written"
                );
            }
        }
    }
    // SUBCOMMANDS and SEE ALSO of every page: far more than one per page.
    assert!(
        references > pages.len(),
        "only {references} references seen"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_page_has_its_sections() {
    let (dir, pages) = written_pages("sections");
    for page in &pages {
        let found = sections(&read(&dir, page));
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO"] {
            assert!(
                found.iter().any(|s| s == section),
                "{page}: no {section} in {found:?}"
            );
        }
    }
    let check = read(&dir, "scrutin-check.1");
    let found = sections(&check);
    for section in ["OPTIONS", "EXIT STATUS", "LOG FORMAT", "EXAMPLES"] {
        assert!(found.iter().any(|s| s == section), "check: no {section}");
    }
    // Its options, and README's three exit codes.
    for text in [
        "\\-\\-rules",
        "\\-\\-fail\\-on",
        "\\-\\-waivers",
        "first_published",
    ] {
        assert!(check.contains(text), "check's page lacks {text}");
    }
    for code in ["\\fB0\\fR", "\\fB1\\fR", "\\fB2\\fR"] {
        assert!(
            check.contains(code),
            "check's page lacks exit status {code}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn man_alone_prints_the_main_page() {
    let output = scrutin().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let roff = String::from_utf8(output.stdout).unwrap();
    assert!(roff.contains(".TH scrutin 1"));
    assert!(roff.contains("scrutin\\-check(1)"));
    // clap's `help` subcommand has no page, so the main page does not name it.
    assert!(!roff.contains("scrutin\\-help(1)"));
}
