//! Side files (a rulebook, a waiver file) named by a hostile or mistaken
//! path: each is refused at once, without reading it whole or blocking on
//! it, by an error that names the option that gave it.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const LOG: &str = "samples/schedule-clean.log";

/// A directory of its own for this test's files, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("side-files-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `scrutin check` with `path` given to `option`, the other side file valid.
/// The timeout turns a hang (a FIFO opened for reading) into a failure.
fn check_with(option: &str, path: &Path) -> Output {
    let mut command = Command::cargo_bin("scrutin").unwrap();
    command.timeout(Duration::from_secs(20)).arg("check");
    if option == "--rules" {
        command.arg("--rules").arg(path);
    } else {
        command.args(["--rules", RULES]).arg(option).arg(path);
    }
    command.arg(LOG).output().unwrap()
}

/// Standard error with miette's wrapping undone: words joined by one space.
fn unwrapped(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .split_whitespace()
        .filter(|word| *word != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each way a path can be no side file, and the reason given for it.
fn hostile_paths(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let fifo = dir.join("fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let oversized = dir.join("oversized.yaml");
    let limit = usize::try_from(scrutin::side_file::MAX_SIDE_FILE_BYTES).unwrap();
    std::fs::write(&oversized, vec![b'#'; limit + 1]).unwrap();
    // The endless device last: a scrutin that read it would fill memory
    // until the timeout, so the cheaper failures come first.
    vec![
        (dir.join("missing.yaml"), "No such file or directory"),
        (dir.to_path_buf(), "it is a directory, not a regular file"),
        (fifo, "it is a FIFO, not a regular file"),
        (oversized, "it is larger than the 16 MiB a"),
        ("/dev/zero".into(), "it is a device, not a regular file"),
    ]
}

#[test]
fn hostile_side_files_are_refused_at_once_naming_their_option() {
    let dir = scratch("hostile");
    for (path, reason) in hostile_paths(&dir) {
        for option in ["--waivers", "--rules"] {
            let output = check_with(option, &path);
            let stderr = unwrapped(&output);
            assert_eq!(output.status.code(), Some(2), "{option} {path:?}: {stderr}");
            let expected = format!("{option} {}: {reason}", path.display());
            assert!(stderr.contains(&expected), "{expected}\n{stderr}");
            assert!(!stderr.contains("cannot read rulebook"), "{stderr}");
        }
    }
}

#[test]
fn a_waiver_file_that_is_a_device_is_named_by_its_option() {
    let output = check_with("--waivers", Path::new("/dev/zero"));
    insta::assert_snapshot!("waivers-device", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_rulebook_named_by_a_rules_command_is_called_a_rulebook() {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .timeout(Duration::from_secs(20))
        .args(["rules", "validate", "/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = unwrapped(&output);
    assert!(
        stderr.contains("cannot read rulebook /dev/zero: it is a device, not a regular file"),
        "{stderr}"
    );
}

#[test]
fn an_extended_fifo_is_refused_at_its_extends() {
    let dir = scratch("extends");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("law.yaml"))
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let election = dir.join("election.yaml");
    std::fs::write(&election, "extends: law.yaml\n").unwrap();
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .timeout(Duration::from_secs(20))
        .arg("rules")
        .arg("validate")
        .arg(&election)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = unwrapped(&output);
    assert!(
        stderr.contains("it is a FIFO, not a regular file"),
        "{stderr}"
    );
}
