//! Entry points for fuzzing: each takes arbitrary bytes, runs one stage of
//! scrutin on them and panics only if an invariant breaks. The fuzz targets
//! under `fuzz/` call them, and so do the regression tests under `tests/`,
//! so a crash found once stays tested.

use std::sync::OnceLock;

use crate::audit::pipeline::Pipeline;
use crate::audit::{Limits, Summary, audit};
use crate::check::{Checker, check as check_all};
use crate::publication;
use crate::report::{
    GithubReport, HumanReport, JsonReport, JunitReport, Report, SarifReport, ShortReport,
};
use crate::rulebook::{self, Rulebook, expr};
use crate::source::SourceFile;
use crate::waiver::Waivers;

/// The French 2017 rulebook, the fuzzed logs' vocabulary.
fn french() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/fr/presidential-2017.yaml"
        );
        rulebook::load(path.as_ref()).expect("the shipped rulebook is valid")
    })
}

/// One log line: read as a publication, or rejected with a span inside it.
/// A publication is checked by the indexed checker and against every rule:
/// the same findings.
pub fn log_line(data: &[u8]) {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    match publication::read(line, french()) {
        Err(e) => {
            assert!(
                e.span.end() <= line.len(),
                "span {:?} past the line",
                e.span
            );
            assert!(line.is_char_boundary(e.span.offset) && line.is_char_boundary(e.span.end()));
        }
        Ok(publication) => {
            let checker = CHECKER.get_or_init(|| Checker::new(french()));
            assert_eq!(
                checker.check(&publication),
                check_all(french(), &publication)
            );
        }
    }
}

/// One window anchor expression.
pub fn anchor(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = expr::parse_anchor(text) {
        assert!(e.offset + e.len <= text.len(), "span past the expression");
        assert!(text.is_char_boundary(e.offset) && text.is_char_boundary(e.offset + e.len));
    }
}

/// A whole rulebook, YAML to resolved windows. It is named inside an empty
/// directory, so an `extends` finds nothing to read.
pub fn rulebook(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = "/nonexistent-scrutin-fuzz/rulebook.yaml";
    if let Err(error) = rulebook::parse(SourceFile::new(name, text)) {
        for problem in error.problems() {
            let (offset, len) = (problem.at.offset(), problem.at.len());
            let source = problem.rulebook.text();
            assert!(offset + len <= source.len(), "problem span past its file");
        }
    }
}

/// A whole log checked against the French rulebook as the command line
/// does, by the parallel pipeline (small chunks, so that lines straddle
/// them), and one line at a time by the reference: the same JSON report,
/// byte for byte, with counts that add up.
pub fn check(data: &[u8]) {
    let reference = pipeline_json(&Pipeline::new(french()).jobs(1), "fuzz.log", data);
    let pipeline = Pipeline::new(french()).jobs(2).chunk_bytes(61);
    let parallel = pipeline_json(&pipeline, "fuzz.log", data);
    same_and_accounted(
        &reference,
        &parallel,
        "the pipeline and the reference disagree",
    );
}

/// The JSON report of `data` checked by `pipeline`.
fn pipeline_json(pipeline: &Pipeline, name: &str, data: &[u8]) -> Vec<u8> {
    json_of(|report, summary| {
        let mut waivers = Waivers::none();
        pipeline.audit(name, data, report, summary, Limits::default(), &mut waivers)?;
        pipeline.judge_aggregates(report, summary, &mut waivers)
    })
}

/// Two JSON reports of one input are the same, byte for byte; the report
/// parses, and its counts add up.
fn same_and_accounted(reference: &[u8], other: &[u8], disagree: &str) {
    assert!(reference == other, "{disagree}");
    let value: serde_json::Value =
        serde_json::from_slice(reference).expect("the JSON report parses");
    let count = |field: &str| value["summary"][field].as_u64().unwrap_or(u64::MAX);
    assert_eq!(
        count("lines"),
        count("publications") + count("skipped") + count("invalid")
    );
}

/// The shipped profile of each structured format, loaded once.
fn profiles() -> &'static [(publication::Format, publication::Profile); 5] {
    use publication::Format;
    static PROFILES: OnceLock<[(Format, publication::Profile); 5]> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let load = |name: &str| {
            let path = format!(
                "{}/samples/profiles/{name}.yaml",
                env!("CARGO_MANIFEST_DIR")
            );
            publication::profile::load(path.as_ref(), Some(french())).expect("a shipped profile")
        };
        [
            (Format::Jsonl, load("x-api-v1")),
            (Format::Csv, load("meta-ad-library")),
            (Format::Rss, load("lemonde-rss")),
            (Format::Sitemap, load("news-sitemap")),
            (Format::Atom, load("lemonde-rss")),
        ]
    })
}

/// A structured source (the first byte picks JSON Lines, CSV, RSS, a
/// sitemap or Atom, each read through a shipped profile; the rest is the
/// source), checked on one thread and on two with small chunks: the same
/// JSON report, byte for byte, with counts that add up.
pub fn sources(data: &[u8]) {
    let Some((&choice, source)) = data.split_first() else {
        return;
    };
    let (format, profile) = &profiles()[usize::from(choice) % 5];
    let one = Pipeline::new(french())
        .jobs(1)
        .input(*format, Some(profile));
    let two = Pipeline::new(french())
        .jobs(2)
        .chunk_bytes(61)
        .input(*format, Some(profile));
    let reference = pipeline_json(&one, "fuzz", source);
    let parallel = pipeline_json(&two, "fuzz", source);
    same_and_accounted(&reference, &parallel, "one thread and two disagree");
}

/// A source profile, read from any YAML: accepted, or refused with every
/// problem inside the file.
pub fn profile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::new("fuzz-profile.yaml", text);
    if let Err(error) = publication::profile::parse(source, Some(french())) {
        for problem in error.problems() {
            let (offset, len) = (problem.at.offset(), problem.at.len());
            assert!(
                offset + len <= problem.rulebook.text().len(),
                "problem span past its file"
            );
        }
    }
}

/// The JSON report of one audit.
fn json_of(audit: impl FnOnce(&mut dyn Report, &mut Summary) -> std::io::Result<()>) -> Vec<u8> {
    let mut summary = Summary::default();
    let mut json = Vec::new();
    let mut report = JsonReport::new(&mut json, french());
    audit(&mut report, &mut summary).expect("writing to memory does not fail");
    report
        .finish(&summary)
        .expect("writing to memory does not fail");
    drop(report);
    json
}

/// A report of some format, writing into memory.
type MakeReport = for<'a> fn(&'a mut Vec<u8>) -> Box<dyn Report + 'a>;

/// A whole log written in every format: each is well formed (JSON and SARIF
/// parse, JUnit is XML, GitHub and short are one record a line), whatever
/// the log holds.
pub fn reports(data: &[u8]) {
    let rulebook = french();
    let formats: [(&str, MakeReport); 6] = [
        ("human", |out| {
            Box::new(HumanReport::new(out, french(), false))
        }),
        ("short", |out| Box::new(ShortReport::new(out, french()))),
        ("json", |out| Box::new(JsonReport::new(out, french()))),
        ("sarif", |out| Box::new(SarifReport::new(out, french()))),
        ("github", |out| Box::new(GithubReport::new(out, french()))),
        ("junit", |out| Box::new(JunitReport::new(out, french()))),
    ];
    for (format, report) in formats {
        let mut out = Vec::new();
        let mut summary = Summary::default();
        {
            let mut report = report(&mut out);
            audit(rulebook, "fuzz.log", data, report.as_mut(), &mut summary)
                .expect("writing to memory does not fail");
            report
                .finish(&summary)
                .expect("writing to memory does not fail");
        }
        let text = std::str::from_utf8(&out).expect("every report is UTF-8");
        match format {
            "json" | "sarif" => {
                serde_json::from_str::<serde_json::Value>(text).expect("the report parses");
            }
            "junit" => well_formed_xml(text),
            "github" => assert!(
                text.lines().all(|line| line.starts_with("::")),
                "a line that is no workflow command"
            ),
            "short" => assert!(
                text.lines()
                    .take_while(|line| !line.starts_with("scrutin: "))
                    .all(|line| line.starts_with("fuzz.log:")),
                "a finding that is not one line"
            ),
            _ => {}
        }
        // Nothing raw from the log reaches a terminal.
        assert!(
            !text.contains(['\u{1b}', '\u{9b}', '\u{202e}']),
            "{format}: a raw control or bidi character"
        );
    }
}

fn well_formed_xml(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return,
            Ok(_) => {}
            Err(e) => panic!("the JUnit report is not XML: {e}"),
        }
    }
}
