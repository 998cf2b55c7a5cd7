//! Arguments a hostile or careless user may give: each case is a command
//! line, the exit code it must give and a text its standard error must hold,
//! run with a timeout so that a hang is a failure.

use std::time::Duration;

use assert_cmd::Command;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const LOG: &str = "samples/presidential-2017-round2-weekend.log";

struct Case {
    args: &'static [&'static str],
    code: i32,
    stderr: &'static str,
}

const CASES: &[Case] = &[
    // -j: a number of threads from 1 to 256; more is refused, never wrapped
    // (2^63 hung spawning threads, 2^64 - 1 aborted, 10^6 never finished).
    Case {
        args: &["check", "--rules", RULES, "-j", "1000000", LOG],
        code: 2,
        stderr: "1000000 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "9223372036854775808", LOG],
        code: 2,
        stderr: "9223372036854775808 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551615", LOG],
        code: 2,
        stderr: "18446744073709551615 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551616", LOG],
        code: 2,
        stderr: "invalid value '18446744073709551616' for '--jobs <N>'",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "0", LOG],
        code: 2,
        stderr: "0 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "256", "--quiet", LOG],
        code: 1,
        stderr: "",
    },
];

#[test]
fn hostile_arguments_are_refused_at_once() {
    for case in CASES {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .timeout(Duration::from_secs(30))
            .args(case.args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(case.code),
            "{:?}: {stderr}",
            case.args
        );
        assert!(stderr.contains(case.stderr), "{:?}: {stderr}", case.args);
    }
}

/// The most threads write what one thread writes.
#[test]
fn the_most_threads_write_what_one_writes() {
    let run = |jobs: &str| {
        Command::cargo_bin("scrutin")
            .unwrap()
            .timeout(Duration::from_secs(30))
            .args([
                "check", "--rules", RULES, "--format", "json", "-j", jobs, LOG,
            ])
            .output()
            .unwrap()
    };
    let (one, most) = (run("1"), run("256"));
    assert_eq!(most.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&most.stdout),
        String::from_utf8_lossy(&one.stdout)
    );
}
