//! `scrutin check … | head`: the reader leaves before the report ends. In
//! every format, scrutin then stops quietly with exit 2 (the lines after
//! were never reported), as README promises; JUnit printed
//! `scrutin: error serializing JUnit report`.

use std::io::Read;
use std::process::{Command, Stdio};

const RULES: &str = "rules/fr/presidential-2017.yaml";
const FORMATS: [&str; 7] = ["human", "short", "json", "sarif", "github", "junit", "html"];

/// The weekend sample 40 times over: every report of it is larger than a
/// pipe holds (64 KiB), so writing it fails once the reader has gone.
fn large_log() -> std::path::PathBuf {
    let weekend = std::fs::read("samples/presidential-2017-round2-weekend.log").unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("closed-pipe.log");
    std::fs::write(&path, weekend.repeat(40)).unwrap();
    path
}

#[test]
fn a_closed_pipe_ends_every_format_quietly_with_exit_2() {
    let log = large_log();
    for format in FORMATS {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("scrutin"))
            .args([
                "check", "--rules", RULES, "--color", "never", "--format", format,
            ])
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().unwrap();
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.is_empty(),
            "{format}: a closed pipe is no error to print: {stderr}"
        );
    }
}
