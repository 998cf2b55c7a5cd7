//! Inputs found by fuzzing (fuzz/run.sh), and the hostile inputs issue 4
//! lists, replayed through the same entry points as the fuzz targets.

use std::fs;

use scrutin::fuzzing;

/// Runs every file under tests/fixtures/fuzz/<target>/ through `entry`.
fn replay(target: &str, entry: fn(&[u8])) -> usize {
    let dir = format!("tests/fixtures/fuzz/{target}");
    let mut count = 0;
    for file in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = file.unwrap().path();
        entry(&fs::read(&path).unwrap());
        count += 1;
    }
    count
}

#[test]
fn log_lines() {
    assert!(replay("log_line", fuzzing::log_line) > 0);
}

#[test]
fn anchors() {
    assert!(replay("anchor", fuzzing::anchor) > 0);
}

#[test]
fn rulebooks() {
    assert!(replay("rulebook", fuzzing::rulebook) > 0);
}

#[test]
fn whole_checks() {
    assert!(replay("check", fuzzing::check) > 0);
    assert!(replay("reports", fuzzing::check) > 0);
}

#[test]
fn reports_in_every_format() {
    assert!(replay("check", fuzzing::reports) > 0);
    assert!(replay("reports", fuzzing::reports) > 0);
}

#[test]
fn structured_sources() {
    assert!(replay("sources", fuzzing::sources) > 0);
}

#[test]
fn source_profiles() {
    assert!(replay("profile", fuzzing::profile) > 0);
}
