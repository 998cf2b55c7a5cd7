//! Arguments a hostile or careless user may give: each case is a command
//! line and the exit code it must give, run with a timeout so that a hang is
//! a failure; what each says is pinned whole, in one snapshot of them all
//! (`tests/snapshots/hostile_arguments__hostile-arguments.snap`).

use std::time::Duration;

use assert_cmd::Command;

mod support;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const LOG: &str = "samples/presidential-2017-round2-weekend.log";

struct Case {
    args: &'static [&'static str],
    /// Standard input, for a log given as `-`.
    stdin: &'static str,
    code: i32,
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
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "9223372036854775808", LOG],
        code: 2,
        stdin: "",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551615", LOG],
        code: 2,
        stdin: "",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "18446744073709551616", LOG],
        code: 2,
        stdin: "",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "0", LOG],
        code: 2,
        stdin: "",
    },
    Case {
        args: &["check", "--rules", RULES, "-j", "256", "--quiet", LOG],
        code: 1,
        stdin: "",
    },
    // Instants must fall in the years 0000 to 9999 in UTC, wherever given.
    Case {
        args: &["check", "--rules", RULES, "--format", "json", "-"],
        stdin: OUTSIDE_YEARS,
        code: 2,
    },
    Case {
        args: &["check", "--rules", RULES, "-"],
        stdin: OUTSIDE_YEARS,
        code: 2,
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
    },
    // What the user typed is quoted in errors, as what a log says is: an
    // escape sequence in an argument must not reach the terminal raw.
    Case {
        args: &["calendar", "--rules", RULES, "--region", "\u{1b}[2Jx"],
        stdin: "",
        code: 2,
    },
    Case {
        args: &["explain", "\u{1b}[2Jx", "--rules", RULES],
        stdin: "",
        code: 2,
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
    },
];

#[test]
fn hostile_arguments_are_refused_at_once() {
    let mut runs = Vec::new();
    for case in CASES {
        let output = Command::cargo_bin("scrutin")
            .unwrap()
            .env("NO_COLOR", "1")
            .timeout(Duration::from_secs(30))
            .args(case.args)
            .write_stdin(case.stdin)
            .output()
            .unwrap();
        let shown = support::shown(case.args, case.stdin, &output, None);
        assert_eq!(output.status.code(), Some(case.code), "{shown}");
        // What the user typed reaches the terminal quoted, never raw.
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
        runs.push(shown);
    }
    insta::assert_snapshot!("hostile-arguments", runs.join("\n\n"));
}
