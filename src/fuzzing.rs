//! Entry points for fuzzing: each takes arbitrary bytes, runs one stage of
//! scrutin on them and panics only if an invariant breaks. The fuzz targets
//! under `fuzz/` call them, and so do the regression tests under `tests/`,
//! so a crash found once stays tested.

use std::sync::OnceLock;

use crate::audit::{Summary, audit};
use crate::publication;
use crate::report::{HumanReport, JsonReport, Report};
use crate::rulebook::{self, Rulebook, expr};
use crate::source::SourceFile;

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
pub fn log_line(data: &[u8]) {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = publication::read(line, french()) {
        assert!(
            e.span.end() <= line.len(),
            "span {:?} past the line",
            e.span
        );
        assert!(line.is_char_boundary(e.span.offset) && line.is_char_boundary(e.span.end()));
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

/// A whole log checked against the French rulebook, reported both ways: the
/// counts add up and the JSON parses back.
pub fn check(data: &[u8]) {
    let mut summary = Summary::default();
    let mut json = Vec::new();
    let mut report = JsonReport::new(&mut json, french());
    audit(french(), "fuzz.log", data, &mut report, &mut summary)
        .expect("writing to memory does not fail");
    report
        .finish(&summary)
        .expect("writing to memory does not fail");
    drop(report);
    assert_eq!(
        summary.lines,
        summary.publications + summary.skipped + summary.invalid
    );
    let value: serde_json::Value = serde_json::from_slice(&json).expect("the JSON report parses");
    assert_eq!(value["summary"]["lines"], summary.lines);

    let mut human = Vec::new();
    let mut again = Summary::default();
    let mut report = HumanReport::new(&mut human, french(), false);
    audit(french(), "fuzz.log", data, &mut report, &mut again)
        .expect("writing to memory does not fail");
    assert_eq!(again, summary, "both reports see the same counts");
}
