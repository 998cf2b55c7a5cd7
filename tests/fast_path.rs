//! The fast strategies agree with the plain ones, line by line and report by
//! report:
//! - a `Checker`, which asks only the rules its index nominates, finds what
//!   `check` finds by asking every rule;
//! - `Pipeline::audit`, on any number of threads and any chunk size, writes
//!   the same bytes as `audit_with`, which reads and checks on one thread.

use std::sync::OnceLock;

use proptest::prelude::*;
use scrutin::audit::pipeline::Pipeline;
use scrutin::audit::{Limits, Summary, audit_with};
use scrutin::check::{Checker, check};
use scrutin::publication::{self, write};
use scrutin::report::{GithubReport, HumanReport, JsonReport, JunitReport, Report, SarifReport};
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;
use scrutin::waiver::Waivers;

#[path = "../benches/generate.rs"]
mod generate;
#[path = "../benches/genrules.rs"]
mod genrules;

fn french() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap())
}

fn checker() -> &'static Checker<'static> {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(french()))
}

/// The checker finds what `check` finds, for a line that reads as a publication.
fn agrees(rulebook: &Rulebook, checker: &Checker, line: &[u8]) -> Result<(), TestCaseError> {
    let Ok(text) = std::str::from_utf8(line) else {
        return Ok(());
    };
    let Ok(publication) = publication::read(text, rulebook) else {
        return Ok(());
    };
    let expected = check(rulebook, &publication);
    prop_assert_eq!(checker.check(&publication), expected, "{}", text);
    Ok(())
}

/// Lines near the real ones, with the mistakes logs have.
fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
    let timestamp = prop_oneof![
        Just("2017-05-06T09:30:00+02:00"),
        Just("2017-05-06T21:59:59.999999999Z"),
        Just("2017-05-07T20:00+02:00"),
        Just("2017-05-07T18:00:00z"),
        Just("2017-04-22T23:59:60Z"),
        Just("2017-02-29T10:00:00Z"),
        Just("2017-05-06T09:30:00[Europe/Paris]"),
        Just("2017-05-06T09:30:00+01:00[Europe/Paris]"),
        Just("2017-05-06 09:30:00Z"),
        Just("2017-05-06T09:30:00"),
        Just("2017-05-06T09:30:00+24:00"),
    ];
    let field = prop_oneof![
        Just("outlet=lemonde.fr"),
        Just("outlet=\"\""),
        Just("outlet=\" \""),
        Just("kind=poll"),
        Just("kind=campaign"),
        Just("kind=result"),
        Just("kind=news"),
        Just("kind=paid_ad"),
        Just("kind=pol"),
        Just("channel=web"),
        Just("channel=tv"),
        Just("channel=telex"),
        Just("region=guadeloupe"),
        Just("region=metropole,polynesie-francaise"),
        Just("region=\"metropole, guadeloupe\""),
        Just("region=nowhere"),
        Just("region=,"),
        Just("tags=leak"),
        Just("tags=a,leak"),
        Just("first_published=2017-05-01T00:00:00Z"),
        Just("first_published=2017-06-01T00:00:00Z"),
        Just("first_published=yesterday"),
        Just("end=2017-05-06T00:00:00+02:00"),
        Just("end=2017-05-07T20:00:00+02:00"),
        Just("end=2017-05-08T00:00:00Z"),
        Just("end=2017-05-06T09:30:00+02:00"),
        Just("end=later"),
        Just(
            "pollster=Ipsos sponsor=\"Le Monde\" sample_size=1000 fieldwork=2017-05-01 margin_of_error=3"
        ),
        Just("pollster=Ipsos"),
        Just("pollster=\"\""),
        Just("title=\"Sondage \\\"Ipsos\\\"\""),
        Just("title=\"Élection présidentielle\""),
        Just("title=\"a\"b"),
        Just("note=é"),
        Just("x=\"unclosed"),
        Just("key"),
        Just("k\u{e9}y=v"),
        Just("=v"),
        Just("k="),
        Just("a=b\"c"),
        Just("\u{a0}kind=poll"),
        Just("title=\"\u{85}\""),
        Just("title=\"\u{202e}\""),
    ];
    let separator = prop_oneof![Just(" "), Just("\t"), Just("  "), Just(" \t")];
    let published = (
        prop_oneof![Just(""), Just(" "), Just("\t")],
        timestamp,
        prop::collection::vec((separator, field), 0..7),
        prop_oneof![Just(""), Just(" "), Just("\r")],
    )
        .prop_map(|(indent, timestamp, fields, end)| {
            let mut line = format!("{indent}{timestamp}");
            for (separator, field) in fields {
                line.push_str(separator);
                line.push_str(field);
            }
            line.push_str(end);
            line.into_bytes()
        });
    prop_oneof![
        6 => published,
        1 => prop_oneof![
            Just(b"# a comment".to_vec()),
            Just(b"  # scrutin: allow poll-ban reason=\"court order\"".to_vec()),
            Just(b"# scrutin: allow no-such-rule reason=\"x\"".to_vec()),
            Just(b"#scrutin:allow poll-ban".to_vec()),
            Just(b"".to_vec()),
            Just(b" \t ".to_vec()),
            Just(b"\xEF\xBB\xBF# bom".to_vec()),
            Just(b"\x0b".to_vec()),
        ],
        1 => prop::collection::vec(any::<u8>(), 0..60),
    ]
}

fn publication_line() -> impl Strategy<Value = Vec<u8>> {
    const KINDS: [&str; 5] = ["news", "campaign", "poll", "result", "paid_ad"];
    (
        1_488_000_000i64..1_496_000_000,
        prop::sample::select(&KINDS[..]),
        prop::collection::btree_set(0usize..12, 1..3),
        prop::option::of(0i64..2_000_000),
        prop::collection::vec(prop::sample::select(&["leak", "x"][..]), 0..2),
        prop::bool::ANY,
        prop::option::of(prop_oneof![1i64..600, 1i64..300_000, 1i64..20_000_000]),
    )
        .prop_map(|(seconds, kind, regions, earlier, tags, notice, lasting)| {
            let instant = chrono::DateTime::from_timestamp(seconds, 0).unwrap();
            let mut line = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            write::field(&mut line, "outlet", "lemonde.fr");
            write::field(&mut line, "kind", kind);
            write::field(&mut line, "channel", "web");
            let regions: Vec<&str> = regions
                .into_iter()
                .map(|r| french().regions[r].id.as_str())
                .collect();
            write::field(&mut line, "region", &regions.join(","));
            if !tags.is_empty() {
                write::field(&mut line, "tags", &tags.join(","));
            }
            if let Some(seconds) = earlier {
                let first = instant - chrono::Duration::seconds(seconds);
                let first = first.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                write::field(&mut line, "first_published", &first);
            }
            if notice {
                write::field(&mut line, "pollster", "Ipsos");
                write::field(&mut line, "sponsor", "Le Monde");
            }
            if let Some(seconds) = lasting {
                let end = instant + chrono::Duration::seconds(seconds);
                let end = end.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                write::field(&mut line, "end", &end);
            }
            line.into_bytes()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_checker_finds_what_check_finds_on_any_line(line in line_bytes()) {
        agrees(french(), checker(), &line)?;
    }

    #[test]
    fn the_checker_finds_what_check_finds(line in publication_line()) {
        agrees(french(), checker(), &line)?;
    }
}

/// Every line of a generated log is a publication, and the checker agrees.
#[test]
fn generated_logs_agree() {
    let mut log = Vec::new();
    generate::log(french(), 20_000, 7, generate::Syntax::Log, &mut log).unwrap();
    for line in log.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let text = std::str::from_utf8(line).unwrap();
        assert!(publication::read(text, french()).is_ok(), "{text}");
        agrees(french(), checker(), line).unwrap();
    }
}

/// Every shipped rulebook, on its own sample: the checker and `check` agree.
#[test]
fn every_shipped_rulebook_indexes_as_it_checks() {
    let samples = [
        ("rules/au/federal-2025.yaml", "samples/au-federal-2025.log"),
        ("rules/ca/federal-2021.yaml", "samples/ca-federal-2021.log"),
        ("rules/es/general-2023.yaml", "samples/es-general-2023.log"),
        ("rules/it/general-2022.yaml", "samples/it-general-2022.log"),
        (
            "rules/pl/parliamentary-2023.yaml",
            "samples/pl-parliamentary-2023.log",
        ),
        ("rules/uk/general-2024.yaml", "samples/uk-general-2024.log"),
        (
            "rules/de/bundestag-2025.yaml",
            "samples/de-bundestag-2025.log",
        ),
        ("rules/br/general-2022.yaml", "samples/br-general-2022.log"),
        ("rules/br/general-2026.yaml", "samples/br-general-2026.log"),
        (
            "rules/in/lok-sabha-2024.yaml",
            "samples/in-lok-sabha-2024.log",
        ),
        // The EU layer in force: set filters (attributes_none_of) indexed.
        (
            "rules/fr/presidential-2027-a.yaml",
            "samples/presidential-2027-a.log",
        ),
        (
            "rules/fr/presidential-2017.yaml",
            "samples/presidential-2017-round2-weekend.log",
        ),
        (
            "rules/fr/presidential-2017.yaml",
            "samples/presidential-2017-broadcasts.log",
        ),
    ];
    for (rules, sample) in samples {
        let rulebook = rulebook::load(rules.as_ref()).unwrap();
        let checker = Checker::new(&rulebook);
        let log = std::fs::read(sample).unwrap();
        for line in log.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            agrees(&rulebook, &checker, line).unwrap_or_else(|e| panic!("{sample}: {e}"));
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

const FORMATS: [Format; 5] = [
    Format::Human,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Junit,
];

fn report<'a>(
    format: Format,
    out: &'a mut Vec<u8>,
    rulebook: &'a Rulebook,
) -> Box<dyn Report + 'a> {
    match format {
        Format::Human => Box::new(HumanReport::new(out, rulebook, false)),
        Format::Json => Box::new(JsonReport::new(out, rulebook)),
        Format::Sarif => Box::new(SarifReport::new(out, rulebook)),
        Format::Github => Box::new(GithubReport::new(out, rulebook)),
        Format::Junit => Box::new(JunitReport::new(out, rulebook)),
    }
}

/// How a log is checked: by the reference, or by the pipeline.
#[derive(Debug, Clone, Copy)]
enum Run {
    Reference,
    Pipeline { jobs: usize, chunk_bytes: usize },
}

impl Run {
    /// One file through the reference or the pipeline.
    #[allow(clippy::too_many_arguments)]
    fn audit(
        self,
        rulebook: &Rulebook,
        file: &str,
        input: impl std::io::BufRead + Send,
        report: &mut dyn Report,
        summary: &mut Summary,
        limits: Limits,
        waivers: &mut Waivers,
    ) -> std::io::Result<()> {
        match self {
            Run::Reference => audit_with(rulebook, file, input, report, summary, limits, waivers),
            Run::Pipeline { .. } => self
                .pipeline(rulebook)
                .audit(file, input, report, summary, limits, waivers),
        }
    }

    /// The pipeline of a run of several files (the reference's: one thread).
    fn pipeline(self, rulebook: &Rulebook) -> Pipeline<'_> {
        match self {
            Run::Reference => Pipeline::new(rulebook).jobs(1),
            Run::Pipeline { jobs, chunk_bytes } => {
                Pipeline::new(rulebook).jobs(jobs).chunk_bytes(chunk_bytes)
            }
        }
    }
}

const WAIVERS: &str = "waivers:\n  - rule: campaign-silence\n    id: item-3\n    reason: \"a court allowed it\"\n  - rule: poll-ban\n    outlet: rfi\n    reason: \"broadcast abroad\"\n    expires: 2030-01-01\n";

/// The report of `log` (checked as two files, the second a copy of the
/// first), with its summary.
fn output(
    rulebook: &Rulebook,
    log: &[u8],
    format: Format,
    run: Run,
    limits: Limits,
) -> (String, Summary) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut waivers =
        Waivers::parse(SourceFile::new("waivers.yaml", WAIVERS), rulebook, today).unwrap();
    let mut out = Vec::new();
    let mut summary = Summary::default();
    {
        let mut report = report(format, &mut out, rulebook);
        // One run of two files: rules over many publications count both.
        let pipeline = run.pipeline(rulebook);
        for file in ["a.log", "b.log"] {
            pipeline
                .audit(
                    file,
                    log,
                    report.as_mut(),
                    &mut summary,
                    limits,
                    &mut waivers,
                )
                .unwrap();
            if summary.stopped_early {
                break;
            }
        }
        pipeline
            .judge_aggregates(report.as_mut(), &mut summary, &mut waivers)
            .unwrap();
        for warning in waivers.warnings(rulebook) {
            summary.waiver_warnings += 1;
            report.waiver_warning(&warning).unwrap();
        }
        report.finish(&summary).unwrap();
    }
    (String::from_utf8(out).unwrap(), summary)
}

fn same_output(
    rulebook: &Rulebook,
    log: &[u8],
    run: Run,
    limits: Limits,
) -> Result<(), TestCaseError> {
    for format in FORMATS {
        let (expected, expected_summary) = output(rulebook, log, format, Run::Reference, limits);
        let (actual, summary) = output(rulebook, log, format, run, limits);
        prop_assert_eq!(&summary, &expected_summary, "{:?} {:?}", format, run);
        prop_assert!(
            actual == expected,
            "{:?} {:?}:\n{}\n---- expected ----\n{}",
            format,
            run,
            actual,
            expected
        );
    }
    Ok(())
}

fn log_strategy() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![3 => line_bytes(), 2 => publication_line()];
    let ending = prop_oneof![4 => Just(&b"\n"[..]), 1 => Just(&b"\r\n"[..])];
    (
        prop::collection::vec((line, ending), 0..40),
        prop::bool::ANY,
    )
        .prop_map(|(lines, last)| {
            let mut log = Vec::new();
            for (line, ending) in lines {
                log.extend_from_slice(&line);
                log.extend_from_slice(ending);
            }
            if last {
                log.extend_from_slice(b"2017-05-06T09:30:00Z outlet=x kind=poll");
            }
            log
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_pipeline_writes_what_the_reference_writes(
        log in log_strategy(),
        jobs in 1usize..4,
        chunk_bytes in 1usize..400,
        max_invalid in prop::option::of(1usize..6),
    ) {
        let run = Run::Pipeline { jobs, chunk_bytes };
        same_output(french(), &log, run, Limits { max_invalid })?;
    }
}

/// The samples and a generated log, in every format, on 1 to 3 threads and
/// with chunks from tiny to the default.
#[test]
fn samples_and_a_generated_log_come_out_the_same() {
    let mut generated = Vec::new();
    generate::log(french(), 5_000, 3, generate::Syntax::Log, &mut generated).unwrap();
    let logs = [
        std::fs::read("samples/presidential-2017-round2-weekend.log").unwrap(),
        std::fs::read("samples/presidential-2017-broadcasts.log").unwrap(),
        std::fs::read("samples/malformed.log").unwrap(),
        // A burst: a finding over many lines, from every chunk and thread.
        std::fs::read("samples/presidential-2017-leak-burst.log").unwrap(),
        generated,
    ];
    for log in &logs {
        for (jobs, chunk_bytes) in [(1, 1 << 20), (2, 1 << 20), (3, 4096), (2, 97), (1, 1)] {
            let run = Run::Pipeline { jobs, chunk_bytes };
            same_output(french(), log, run, Limits::default()).unwrap();
        }
    }
}

/// Numbers of threads and chunk sizes out of range are taken as the nearest
/// in range, with no arithmetic wrapping on the way (`2 * jobs` did, and a
/// wrapped number of buffers let `usize::MAX` threads start).
#[test]
fn extreme_jobs_and_chunk_sizes_come_out_the_same() {
    let log = std::fs::read("samples/presidential-2017-round2-weekend.log").unwrap();
    for (jobs, chunk_bytes) in [
        (usize::MAX, usize::MAX),
        (usize::MAX / 2 + 1, 1),
        (Pipeline::MAX_JOBS + 1, 0),
        (0, Pipeline::MAX_CHUNK_BYTES + 1),
    ] {
        let run = Run::Pipeline { jobs, chunk_bytes };
        same_output(french(), &log, run, Limits::default()).unwrap();
    }
}

/// A line over the limit, in the middle of a log read in small chunks.
#[test]
fn an_overlong_line_between_chunks_comes_out_the_same() {
    let mut log = b"2017-05-06T09:30:00+02:00 outlet=a kind=poll\n# x\n".to_vec();
    log.extend(std::iter::repeat_n(b'x', 1024 * 1024 + 5000));
    log.extend_from_slice(b"\r\n2017-05-06T09:30:00+02:00 outlet=b kind=campaign\n");
    let mut exactly = b"\xEF\xBB\xBF".to_vec();
    exactly.extend(std::iter::repeat_n(b'y', 1024 * 1024));
    exactly.extend_from_slice(b"\r\n");
    for log in [log, exactly] {
        for (jobs, chunk_bytes) in [(1, 1 << 20), (2, 64 * 1024), (1, 1000), (2, 1)] {
            let run = Run::Pipeline { jobs, chunk_bytes };
            same_output(french(), &log, run, Limits::default()).unwrap();
        }
    }
}

/// 500 rules (the French ones and generated ones with narrow filters): the
/// checker and the pipeline agree with the reference.
#[test]
fn a_rulebook_of_500_rules_comes_out_the_same() {
    let text = genrules::rulebook_text(500).unwrap();
    let rulebook = rulebook::parse(SourceFile::new("rules-500.yaml", text)).unwrap();
    assert_eq!(rulebook.rules.len(), 500);
    let checker = Checker::new(&rulebook);
    let mut log = Vec::new();
    generate::log(&rulebook, 3_000, 5, generate::Syntax::Log, &mut log).unwrap();
    // Lines that the generated rules' filters match, too.
    log.extend_from_slice(
        b"2017-05-06T10:00:00+02:00 outlet=a kind=campaign tags=topic-0 channel=web\n\
          2017-05-05T10:00:00+02:00 outlet=a kind=poll sponsor=\"Sponsor 1\"\n\
          2017-04-20T10:00:00+02:00 outlet=a kind=news sponsor=\"Sponsor 9\"\n",
    );
    for line in log.split(|&b| b == b'\n') {
        agrees(&rulebook, &checker, line).unwrap();
    }
    for (jobs, chunk_bytes) in [(1, 1 << 20), (2, 4096)] {
        let run = Run::Pipeline { jobs, chunk_bytes };
        let (expected, _) = output(
            &rulebook,
            &log,
            Format::Json,
            Run::Reference,
            Limits::default(),
        );
        let (actual, summary) = output(&rulebook, &log, Format::Json, run, Limits::default());
        assert!(summary.violations > 0);
        assert!(actual == expected, "{run:?}");
    }
}

/// Near the end of what nanoseconds since 1970 can hold (2262-04-11), where
/// the index saturates window bounds: instants at and beyond the end are
/// checked against every rule, and nothing wraps round.
#[test]
fn instants_at_the_end_of_the_index_range_agree() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/rules/fr/presidential-2017.yaml"))
        .unwrap()
        .replace(
            "extends: law.yaml",
            &format!("extends: {root}/rules/fr/law.yaml"),
        )
        .replace("2017-04-23", "2262-03-29")
        .replace("2017-04-22", "2262-03-28")
        .replace("2017-05-07", "2262-04-12")
        .replace("2017-05-06", "2262-04-11");
    let rulebook = rulebook::parse(SourceFile::new("future.yaml", text)).unwrap();
    let checker = Checker::new(&rulebook);
    let notice = "pollster=I sponsor=S sample_size=1 fieldwork=x margin_of_error=3";
    let mut log = String::new();
    for instant in [
        "2262-04-11T23:47:16Z",
        "2262-04-11T23:47:16.854775806Z",
        "2262-04-11T23:47:16.854775807Z",
        "2262-04-11T23:47:16.854775808Z",
        "2262-04-11T23:47:16.9Z",
        "2262-04-12T10:00:00+02:00",
        "1677-09-21T00:12:43.145224192Z",
        "1677-09-21T00:12:43Z",
    ] {
        for kind in ["poll", "campaign", "result"] {
            let line = format!("{instant} outlet=a kind={kind} channel=web {notice}");
            agrees(&rulebook, &checker, line.as_bytes()).unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    }
    let run = Run::Pipeline {
        jobs: 2,
        chunk_bytes: 64,
    };
    let (expected, _) = output(
        &rulebook,
        log.as_bytes(),
        Format::Json,
        Run::Reference,
        Limits::default(),
    );
    let (actual, summary) = output(
        &rulebook,
        log.as_bytes(),
        Format::Json,
        run,
        Limits::default(),
    );
    assert!(summary.violations > 0);
    assert!(actual == expected);
}

/// Many over-long lines on several threads: each gives its buffer back
/// (they once leaked from the pool until the reader waited forever).
#[test]
fn many_overlong_lines_do_not_exhaust_the_buffers() {
    let mut log = Vec::new();
    for _ in 0..9 {
        log.extend(std::iter::repeat_n(b'x', 1024 * 1024 + 10));
        log.push(b'\n');
    }
    log.extend_from_slice(b"2017-05-06T09:30:00+02:00 outlet=a kind=poll\n");
    let run = Run::Pipeline {
        jobs: 2,
        chunk_bytes: 1 << 20,
    };
    let (expected, _) = output(
        french(),
        &log,
        Format::Json,
        Run::Reference,
        Limits::default(),
    );
    let (actual, summary) = output(french(), &log, Format::Json, run, Limits::default());
    assert_eq!(summary.invalid, 18);
    assert!(actual == expected);
}

/// Input that fails after `good` bytes.
struct FailsAfter<'a> {
    data: &'a [u8],
    good: usize,
}

impl std::io::Read for FailsAfter<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.good == 0 {
            return Err(std::io::Error::other("disk on fire"));
        }
        let n = buffer.len().min(self.good).min(self.data.len());
        buffer[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.good -= n;
        Ok(n)
    }
}

/// A read error, in a line, between lines or inside an over-long line, ends
/// the file as the line reader ends it.
#[test]
fn read_errors_end_the_file_as_the_reference_does() {
    let mut log = b"2017-05-06T09:30:00+02:00 outlet=a kind=poll\n# x\n".to_vec();
    log.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    log.extend_from_slice(b"\n2017-05-06T09:30:00+02:00 outlet=b kind=campaign\n");
    for good in [
        0,
        10,
        46,
        50,
        1024 * 1024 + 60,
        2 * 1024 * 1024,
        log.len() - 5,
    ] {
        let report = |run: Run| {
            let mut out = Vec::new();
            let mut summary = Summary::default();
            let mut waivers = Waivers::none();
            {
                let mut report = JsonReport::new(&mut out, french());
                let input = std::io::BufReader::new(FailsAfter { data: &log, good });
                let limits = Limits::default();
                run.audit(
                    french(),
                    "f",
                    input,
                    &mut report,
                    &mut summary,
                    limits,
                    &mut waivers,
                )
                .unwrap();
                report.finish(&summary).unwrap();
            }
            (String::from_utf8(out).unwrap(), summary)
        };
        let expected = report(Run::Reference);
        assert_eq!(expected.1.unreadable_files, 1);
        for (jobs, chunk_bytes) in [(1, 1 << 20), (2, 4096)] {
            let actual = report(Run::Pipeline { jobs, chunk_bytes });
            assert!(
                actual == expected,
                "good={good} jobs={jobs}:\n{}\n{}",
                actual.0,
                expected.0
            );
        }
    }
}

/// The counts of a log as the simplest reading of the format gives them, on
/// its own: lines split at `\n` (one `\r` before it dropped, a byte-order
/// mark dropped from the first), each read and checked against every rule,
/// inline waivers applying to the next line. An oracle apart from the
/// pipeline's code, which the tests above compare only with itself.
fn naive_summary(rulebook: &Rulebook, log: &[u8]) -> Summary {
    let mut summary = Summary::default();
    let log = log.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(log);
    let mut lines: Vec<&[u8]> = log.split(|&b| b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut pending: Vec<usize> = Vec::new();
    for line in lines {
        summary.lines += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Ok(text) = std::str::from_utf8(line) else {
            summary.invalid += 1;
            pending.clear();
            continue;
        };
        if scrutin::publication::log::is_skipped(text) {
            match scrutin::waiver::directive(text, rulebook) {
                Some(Ok(directive)) => {
                    summary.skipped += 1;
                    pending.push(directive.rule);
                }
                Some(Err(_)) => {
                    summary.invalid += 1;
                    pending.clear();
                }
                None => {
                    summary.skipped += 1;
                    pending.clear();
                }
            }
            continue;
        }
        match publication::read(text, rulebook) {
            Err(_) => summary.invalid += 1,
            Ok(publication) => {
                summary.publications += 1;
                for finding in check(rulebook, &publication) {
                    if pending.contains(&finding.rule) {
                        summary.waived += 1;
                    } else {
                        summary.violations += 1;
                    }
                }
            }
        }
        pending.clear();
    }
    summary
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The pipeline counts what the simplest reading counts, on any log,
    /// threads and chunk size.
    #[test]
    fn the_pipeline_counts_what_a_naive_reading_counts(
        log in log_strategy(),
        jobs in 1usize..4,
        chunk_bytes in 1usize..400,
    ) {
        let expected = naive_summary(french(), &log);
        let mut summary = Summary::default();
        let mut waivers = Waivers::none();
        let mut out = Vec::new();
        let mut report = JsonReport::new(&mut out, french());
        Pipeline::new(french())
            .jobs(jobs)
            .chunk_bytes(chunk_bytes)
            .audit("naive.log", &log[..], &mut report, &mut summary, Limits::default(), &mut waivers)
            .unwrap();
        let counts = |s: &Summary| (s.lines, s.publications, s.skipped, s.invalid, s.violations, s.waived);
        prop_assert_eq!(counts(&summary), counts(&expected));
    }
}

/// A log where every line breaks a rule: past 1,024 findings a chunk of
/// 1 MiB carries, the rest of the chunk's lines are read again by the merge
/// (with inline waivers, waived findings and invalid lines among them). The
/// same output as chunks too small to reach that budget, and the counts of
/// the naive reading.
#[test]
fn findings_past_a_chunks_budget_come_out_the_same() {
    let mut log = Vec::new();
    for n in 0..3_000 {
        match n % 7 {
            0 => {
                log.extend_from_slice(b"# scrutin: allow campaign-silence reason=\"court order\"\n")
            }
            1 => log.extend_from_slice(b"2017-05-06T10:00:00+02:00 outlet=a kind=pol\r\n"),
            _ => {}
        }
        let line = format!(
            "2017-05-06T10:{:02}:00+02:00 outlet=o{n} kind=campaign id=item-{n}\n",
            n % 60
        );
        log.extend_from_slice(line.as_bytes());
    }
    let (expected, _) = output(
        french(),
        &log,
        Format::Json,
        Run::Pipeline {
            jobs: 1,
            chunk_bytes: 64,
        },
        Limits::default(),
    );
    for (jobs, chunk_bytes) in [(1, 1 << 20), (2, 1 << 20)] {
        let run = Run::Pipeline { jobs, chunk_bytes };
        let (actual, summary) = output(french(), &log, Format::Json, run, Limits::default());
        assert!(summary.violations > 2_000, "{summary:?}");
        assert!(actual == expected, "{run:?}");
    }
    let naive = naive_summary(french(), &log);
    let mut summary = Summary::default();
    let mut out = Vec::new();
    let mut report = JsonReport::new(&mut out, french());
    Pipeline::new(french())
        .audit(
            "a.log",
            &log[..],
            &mut report,
            &mut summary,
            Limits::default(),
            &mut Waivers::none(),
        )
        .unwrap();
    let counts = |s: &Summary| {
        (
            s.lines,
            s.publications,
            s.skipped,
            s.invalid,
            s.violations,
            s.waived,
        )
    };
    assert_eq!(counts(&summary), counts(&naive));
}
