//! The CLI's man pages: one per command and subcommand (`scrutin.1`,
//! `scrutin-check.1`, `scrutin-rules-validate.1`, …), from the clap
//! definition, with what clap does not know: exit statuses, the log format
//! and examples.

use clap_mangen::roff::{Roff, bold, roman};

/// One man page: its file name (`scrutin-check.1`) and its roff text.
pub struct Page {
    pub file_name: String,
    pub roff: String,
}

/// Every page: the command's, then each subcommand's, depth first. Hidden
/// commands and clap's `help` subcommand get none, and no page names them.
pub fn pages(cli: clap::Command) -> Vec<Page> {
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    // Every page's footer names the program and its version, not the subcommand.
    let source = format!("scrutin {}", cli.get_version().unwrap_or_default());
    let mut pages = Vec::new();
    collect(&cli, &source, &mut Vec::new(), &mut pages);
    pages
}

/// The page of the command itself (`scrutin man` with no directory).
pub fn main_page(cli: clap::Command) -> Page {
    let mut all = pages(cli);
    all.swap_remove(0)
}

fn collect(command: &clap::Command, source: &str, path: &mut Vec<String>, pages: &mut Vec<Page>) {
    pages.push(page(command, source, path));
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        path.push(sub.get_name().to_string());
        collect(sub, source, path, pages);
        path.pop();
    }
}

fn page(command: &clap::Command, source: &str, path: &[String]) -> Page {
    let man = clap_mangen::Man::new(command.clone()).source(source);
    let mut text = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man.render(&mut text);
    let mut roff = String::from_utf8_lossy(&text).into_owned();
    roff.push_str(&extra_sections(path).to_roff());
    Page {
        file_name: man.get_filename(),
        roff,
    }
}

/// EXIT STATUS for every page; the log format and examples where they help.
fn extra_sections(path: &[String]) -> Roff {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_statuses(&path) {
        roff.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    if path == ["check"] {
        log_format(&mut roff);
    }
    let examples = examples(&path);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (what, command) in examples {
            // Unfilled, so that a command is never hyphenated.
            roff.control("PP", [])
                .text([roman(*what)])
                .control("RS", ["4"])
                .control("nf", [])
                .text([bold(*command)])
                .control("fi", [])
                .control("RE", []);
        }
    }
    roff.control("SH", ["SEE ALSO"]);
    let see_also = match path[..] {
        [] => "README.md and rules/README.md in scrutin's source".to_string(),
        [_] => "scrutin(1)".to_string(),
        [ref parent @ .., _] => format!("scrutin-{}(1), scrutin(1)", parent.join("-")),
    };
    roff.text([roman(see_also)]);
    roff
}

/// As README.md's table says, for the commands that read a log; the others
/// succeed or cannot do their job.
fn exit_statuses(path: &[&str]) -> &'static [(&'static str, &'static str)] {
    match path {
        ["check"] | [] => &[
            (
                "0",
                "Every line was checked and no finding is at or above --fail-on (default error).",
            ),
            (
                "1",
                "A finding at or above --fail-on (error, warning, info or never).",
            ),
            (
                "2",
                "The job could not be done completely: an invalid rulebook, an unreadable log, an invalid line, or invalid arguments.",
            ),
        ],
        ["preflight"] => &[
            ("0", "Allowed: no rule forbids it, and nothing is missing."),
            (
                "1",
                "Blocked, or something to add (the attributes of a poll notice).",
            ),
            (
                "2",
                "An invalid question: an invalid rulebook, line or argument.",
            ),
        ],
        _ => &[
            ("0", "Done."),
            (
                "2",
                "It could not be done: an invalid rulebook, or invalid arguments.",
            ),
        ],
    }
}

/// A short version of README.md's "The publication log".
fn log_format(roff: &mut Roff) {
    roff.control("SH", ["LOG FORMAT"]);
    for paragraph in [
        "One publication per line: a timestamp, then key=value fields. Blank lines and lines starting with # are skipped.",
        "The timestamp is RFC 3339 with an offset or Z (2017-05-06T09:30:00+02:00), or a local date-time with an RFC 9557 zone (2017-05-06T09:30:00[Europe/Paris]), or both, which must agree. A local time in a daylight-saving gap is invalid; one in an overlap needs an offset.",
        "A value is a bare word or a double-quoted string (escapes: \\\" and \\\\). Required: outlet, kind (one of the rulebook's kinds). Optional: channel, region (comma-separated region ids; default: the rulebook's default region), id, title, url, tags, first_published (when this same item, unchanged, first went out), end (a timestamp after the line's own: a publication that lasts, such as a broadcast segment or an ad flight, goes out until then, and breaks a window it overlaps). Any other key is an attribute rules can require, such as a poll notice's pollster, sponsor, sample_size, fieldwork and margin_of_error.",
    ] {
        roff.control("PP", []).text([roman(paragraph)]);
    }
    roff.control("PP", [])
        .control("nf", [])
        .text([bold(
            "2017-05-06T09:30:00+02:00 outlet=lemonde.fr kind=poll region=metropole pollster=Ipsos",
        )])
        .control("fi", []);
}

fn examples(path: &[&str]) -> &'static [(&'static str, &'static str)] {
    match path {
        [] | ["check"] => &[
            (
                "Check a log against a built-in rulebook (scrutin rules list):",
                "scrutin check --rules fr/presidential-2017 samples/presidential-2017-round2-weekend.log",
            ),
            (
                "Annotations for a GitHub pull request:",
                "scrutin check --rules fr/presidential-2022 --format github schedule/*.log",
            ),
            (
                "The summary only, from standard input:",
                "scrutin check --rules fr/presidential-2022 --quiet -",
            ),
        ],
        ["rules"] | ["rules", "list"] => &[("The built-in rulebooks:", "scrutin rules list")],
        ["rules", "validate"] => &[(
            "A law file and an election file:",
            "scrutin rules validate rules/fr/law.yaml rules/fr/presidential-2022.yaml",
        )],
        ["rules", "show"] => &[(
            "Rounds, rules and every window of an election:",
            "scrutin rules show fr/presidential-2022",
        )],
        ["rules", "schema"] => &[(
            "The JSON Schema, for editors:",
            "scrutin rules schema > rulebook.schema.json",
        )],
        ["preflight"] => &[(
            "May a poll go out in Guadeloupe on the eve of the vote?",
            "scrutin preflight --rules fr/presidential-2017 --kind poll --region guadeloupe --at 2017-05-05T23:40:00+02:00",
        )],
        ["calendar"] => &[(
            "The windows of Guadeloupe as an iCalendar file:",
            "scrutin calendar --rules fr/presidential-2022 --region guadeloupe --format ics > fr-2022.ics",
        )],
        ["serve"] => &[(
            "Two elections over HTTP:",
            "scrutin serve --rules fr/presidential-2022 --rules uk/general-2024 --addr 127.0.0.1:8080",
        )],
        ["explain"] => &[(
            "One rule, its law and windows:",
            "scrutin explain poll-ban --rules fr/presidential-2017",
        )],
        ["completions"] => &[(
            "Completions for bash:",
            "scrutin completions bash > /etc/bash_completion.d/scrutin",
        )],
        ["man"] => &[(
            "Install every page for the current user:",
            "scrutin man --dir ~/.local/share/man/man1",
        )],
        _ => &[],
    }
}
