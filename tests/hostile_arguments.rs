//! Arguments a hostile or careless user may give: each case is a command
//! line, the exit code it must give and a text its standard error must hold,
//! run with a timeout so that a hang is a failure.

use std::time::Duration;

use assert_cmd::Command;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const LOG: &str = "samples/presidential-2017-round2-weekend.log";

struct Case {
    args: &'static [&'static str],
    /// Standard input, for a log given as `-`.
    stdin: &'static str,
    code: i32,
    /// A text that standard output or standard error must hold.
    says: &'static str,
}

/// A log of instants outside the years 0000 to 9999 once in UTC: each is an
/// invalid line, in the timestamp or in `first_published`.
const OUTSIDE_YEARS: &str = "9999-12-31T23:30:00-01:00 outlet=a kind=news
0000-01-01T00:30:00+01:00 outlet=a kind=news
2017-05-06T10:00:00Z outlet=a kind=news first_published=0000-01-01T00:30:00+01:00
";

const CASES: &[Case] = &[
    // -j: a number of threads from 1 to 256; more is refused, never wrapped
    // (2^63 hung spawning threads, 2^64 - 1 aborted, 10^6 never finished).
    Case {
        args: &["check", "--rules", RULES, "-j", "1000000", LOG],
        code: 2,
        stdin: "",
        says: "1000000 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "9223372036854775808", LOG],
        code: 2,
        stdin: "",
        says: "9223372036854775808 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551615", LOG],
        code: 2,
        stdin: "",
        says: "18446744073709551615 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551616", LOG],
        code: 2,
        stdin: "",
        says: "invalid value '18446744073709551616' for '--jobs <N>'",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "0", LOG],
        code: 2,
        stdin: "",
        says: "0 is not in 1..=256",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "256", "--quiet", LOG],
        code: 1,
        stdin: "",
        says: "",
    },
    // Instants must fall in the years 0000 to 9999 in UTC, wherever given.
    Case {
        args: &["check", "--rules", RULES, "--format", "json", "-"],
        stdin: OUTSIDE_YEARS,
        code: 2,
        says: r#""invalid": 3,"#,
    },
    Case {
        args: &["check", "--rules", RULES, "-"],
        stdin: OUTSIDE_YEARS,
        code: 2,
        says: "falls in the year 10000 in UTC, outside the years 0000 to 9999",
    },
    Case {
        args: &[
            "check",
            "--rules",
            RULES,
            "--since",
            "9999-12-31T23:30:00-01:00",
            LOG,
        ],
        stdin: "",
        code: 2,
        says: "falls in the year 10000 in UTC",
    },
    Case {
        args: &[
            "check",
            "--rules",
            RULES,
            "--until",
            "0000-01-01T00:30:00+01:00",
            LOG,
        ],
        stdin: "",
        code: 2,
        says: "falls in the year -1 in UTC",
    },
    Case {
        args: &[
            "preflight",
            "--rules",
            RULES,
            "--kind",
            "poll",
            "--at",
            "9999-12-31T23:30:00-01:00",
        ],
        stdin: "",
        code: 2,
        says: "falls in the year 10000 in UTC",
    },
    // What the user typed is quoted in errors, as what a log says is: an
    // escape sequence in an argument must not reach the terminal raw.
    Case {
        args: &["calendar", "--rules", RULES, "--region", "\u{1b}[2Jx"],
        stdin: "",
        code: 2,
        says: "no region `\\u{1b}[2Jx` in",
    },
    Case {
        args: &["explain", "\u{1b}[2Jx", "--rules", RULES],
        stdin: "",
        code: 2,
        says: "no rule `\\u{1b}[2Jx` in",
    },
    Case {
        args: &[
            "preflight",
            "--rules",
            RULES,
            "--kind",
            "poll",
            "--attr",
            "\u{1b}[2Jx",
        ],
        stdin: "",
        code: 2,
        says: "--attr \\u{1b}[2Jx: expected KEY=VALUE",
    },
    Case {
        args: &[
            "preflight",
            "--rules",
            RULES,
            "--kind",
            "poll",
            "--channel",
            "\u{1b}[2Jx",
        ],
        stdin: "",
        code: 2,
        says: "--channel \\u{1b}[2Jx: not a channel",
    },
];

#[test]
fn hostile_arguments_are_refused_at_once() {
    for case in CASES {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .timeout(Duration::from_secs(30))
            .args(case.args)
            .write_stdin(case.stdin)
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        // miette wraps long messages: compare the words.
        let said = said
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            output.status.code(),
            Some(case.code),
            "{:?}: {said}",
            case.args
        );
        assert!(said.contains(case.says), "{:?}: {said}", case.args);
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
