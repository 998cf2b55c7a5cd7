//! Findings as a JUnit XML report, for CI test views: one test suite per log
//! file, one test case per rule of the rulebook in it, failing with the
//! findings of that rule in that file. A file whose every line was read passes
//! an `invalid-line` case; its invalid lines instead fail a case per code
//! (`scrutin::log::syntax`…, also the error's `type`), and an unreadable file
//! an `unreadable` case.
//!
//! quick-junit writes the XML and cleans what XML cannot carry. A JUnit
//! report is one document built at the end, so memory is bounded by listing
//! at most `LISTED` findings in each test case and counting the others (the
//! case's message gives the full count); the JSON and SARIF reports list
//! them all.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report as JunitXml, TestCase, TestCaseStatus, TestSuite};

use super::{Report, aggregate_message, line_range, message};
use crate::audit::{LogLine, Outcome, Summary, UNREADABLE};
use crate::check::{AggregateFinding, Finding};
use crate::publication::{LineErrorKind, Publication};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::waiver::{Acceptance, WaiverWarning};

/// Findings listed in one test case; those beyond are only counted.
pub(super) const LISTED: usize = 1000;
/// Characters of one listed finding: a message quotes values from the log,
/// which may be a megabyte long.
pub(super) const LISTED_CHARS: usize = 500;

/// The lines of a test case: the first `LISTED`, and how many in all.
#[derive(Debug, Clone, Default)]
struct Listed {
    lines: Vec<String>,
    count: usize,
}

impl Listed {
    fn push(&mut self, line: impl FnOnce() -> String) {
        self.count += 1;
        if self.lines.len() < LISTED {
            let mut line = line();
            if let Some((cut, _)) = line.char_indices().nth(LISTED_CHARS) {
                // A new string: a truncated one would keep its whole capacity.
                line = format!("{}…", &line[..cut]);
            }
            self.lines.push(line);
        }
    }

    /// The lines, and a last one saying how many were left out.
    fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        let more = self.count - self.lines.len();
        if more > 0 {
            text.push_str(&format!(
                "\n… and {more} more (a JUnit case lists {LISTED}; the JSON and SARIF reports list all)"
            ));
        }
        text
    }
}

/// What one log file gave.
struct FileResults {
    name: String,
    /// For each rule (by index), `line N: message` of each finding.
    findings: Vec<Listed>,
    /// For each rule, the findings waivers accepted, with their reasons.
    waived: Vec<Listed>,
    /// For each kind of invalid line (in `LineErrorKind::ALL`'s order),
    /// `line N: message` of each.
    invalid: Vec<Listed>,
    unreadable: Option<String>,
}

pub struct JunitReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    files: Vec<FileResults>,
    waiver_warnings: Vec<WaiverWarning>,
    /// Waiver warnings beyond the `LISTED` kept.
    more_waiver_warnings: usize,
}

impl<'r, W: Write> JunitReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        JunitReport {
            out,
            rulebook,
            files: Vec::new(),
            waiver_warnings: Vec::new(),
            more_waiver_warnings: 0,
        }
    }

    /// The results of `file`, which audit reports one after the other.
    fn file(&mut self, file: &str) -> &mut FileResults {
        if self.files.last().is_none_or(|f| f.name != file) {
            self.files.push(FileResults {
                name: file.to_string(),
                findings: vec![Listed::default(); self.rulebook.rules.len()],
                waived: vec![Listed::default(); self.rulebook.rules.len()],
                invalid: vec![Listed::default(); LineErrorKind::ALL.len()],
                unreadable: None,
            });
        }
        self.files.last_mut().expect("just pushed")
    }
}

/// A test case that fails with `failures`, each one a `noun` (finding, invalid line…).
fn case(
    name: &str,
    classname: &str,
    failures: &Listed,
    kind: NonSuccessKind,
    noun: &str,
) -> TestCase {
    typed_case(name, classname, failures, kind, noun, None)
}

/// A test case as `case` makes it, its failure of type `ty`, if any.
fn typed_case(
    name: &str,
    classname: &str,
    failures: &Listed,
    kind: NonSuccessKind,
    noun: &str,
    ty: Option<&str>,
) -> TestCase {
    let status = if failures.count == 0 {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(kind);
        let plural = if failures.count == 1 { "" } else { "s" };
        status.set_message(format!("{} {noun}{plural}", failures.count));
        status.set_description(failures.text());
        if let Some(ty) = ty {
            status.set_type(ty);
        }
        status
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname);
    case
}

impl<W: Write> Report for JunitReport<'_, W> {
    fn begin(&mut self, file: &str) -> io::Result<()> {
        self.file(file);
        Ok(())
    }

    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        let rulebook = self.rulebook;
        let results = self.file(line.file);
        match outcome {
            Outcome::Invalid(error) => {
                let kind = LineErrorKind::ALL.iter().position(|&k| k == error.kind);
                results.invalid[kind.unwrap_or(0)]
                    .push(|| format!("line {}: {}", line.number, escape_unsafe(&error.message)));
            }
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    results.findings[finding.rule].push(|| {
                        let message = message(rulebook, publication, finding);
                        format!("line {}: {message}", line.number)
                    });
                }
            }
        }
        Ok(())
    }

    fn waived(
        &mut self,
        line: &LogLine,
        publication: &Publication,
        finding: &Finding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.file(line.file).waived[finding.rule].push(|| {
            format!(
                "waived: line {}: {} — {}",
                line.number,
                message(rulebook, publication, finding),
                escape_unsafe(&acceptance.reason)
            )
        });
        Ok(())
    }

    /// In the rule's case of the file of its first line, with its range.
    fn aggregate(&mut self, finding: &AggregateFinding) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.file(&finding.first.file).findings[finding.rule].push(|| {
            format!(
                "{}: {}",
                line_range(finding),
                aggregate_message(rulebook, finding)
            )
        });
        Ok(())
    }

    fn waived_aggregate(
        &mut self,
        finding: &AggregateFinding,
        acceptance: &Acceptance,
    ) -> io::Result<()> {
        let rulebook = self.rulebook;
        self.file(&finding.first.file).waived[finding.rule].push(|| {
            format!(
                "waived: {}: {} — {}",
                line_range(finding),
                aggregate_message(rulebook, finding),
                escape_unsafe(&acceptance.reason)
            )
        });
        Ok(())
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        if self.waiver_warnings.len() < LISTED {
            self.waiver_warnings.push(warning.clone());
        } else {
            self.more_waiver_warnings += 1;
        }
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        self.file(file).unreadable = Some(reason.to_string());
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        let mut xml = JunitXml::new("scrutin");
        for file in &self.files {
            let mut suite = TestSuite::new(file.name.as_str());
            if let Some(provisional) = &self.rulebook.provisional {
                suite.add_property(("provisional", provisional.as_str()));
            }
            if let Some(reason) = &file.unreadable {
                let reason = Listed {
                    lines: vec![escape_unsafe(reason)],
                    count: 1,
                };
                suite.add_test_case(typed_case(
                    "unreadable",
                    &file.name,
                    &reason,
                    NonSuccessKind::Error,
                    "error",
                    Some(UNREADABLE),
                ));
            }
            let per_rule = self
                .rulebook
                .rules
                .iter()
                .zip(&file.findings)
                .zip(&file.waived);
            for ((rule, findings), waived) in per_rule {
                let mut case = case(
                    &rule.id,
                    &file.name,
                    findings,
                    NonSuccessKind::Failure,
                    "finding",
                );
                if waived.count > 0 {
                    case.set_system_out(waived.text());
                }
                suite.add_test_case(case);
            }
            invalid_line_cases(&mut suite, file);
            xml.add_test_suite(suite);
        }
        if !self.waiver_warnings.is_empty() {
            // JUnit has no warnings: a waiver that did nothing is a skipped case.
            let mut suite = TestSuite::new("waivers");
            for warning in &self.waiver_warnings {
                let mut status = TestCaseStatus::skipped();
                status.set_message(escape_unsafe(&warning.message));
                status.set_type(warning.code());
                let name = format!(
                    "{} waiver at {}:{}",
                    escape_unsafe(&warning.rule),
                    escape_unsafe(&warning.origin.file),
                    warning.origin.line
                );
                suite.add_test_case(TestCase::new(name, status));
            }
            if self.more_waiver_warnings > 0 {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!(
                    "{} more waiver warnings (a JUnit report lists {LISTED}; the JSON report lists all)",
                    self.more_waiver_warnings
                ));
                suite.add_test_case(TestCase::new("more waiver warnings", status));
            }
            xml.add_test_suite(suite);
        }
        xml.serialize(&mut self.out).map_err(write_error)?;
        writeln!(self.out)?;
        self.out.flush()
    }
}

/// A passing `invalid-line` case when every line of `file` was read, else a
/// failing case per code of its invalid lines.
fn invalid_line_cases(suite: &mut TestSuite, file: &FileResults) {
    let found = LineErrorKind::ALL
        .iter()
        .zip(&file.invalid)
        .filter(|(_, lines)| lines.count > 0);
    let mut any = false;
    for (kind, lines) in found {
        any = true;
        suite.add_test_case(typed_case(
            kind.code(),
            &file.name,
            lines,
            NonSuccessKind::Error,
            "invalid line",
            Some(kind.code()),
        ));
    }
    if !any {
        suite.add_test_case(case(
            LineErrorKind::CATEGORY,
            &file.name,
            &Listed::default(),
            NonSuccessKind::Error,
            "invalid line",
        ));
    }
}

/// quick-junit wraps the writer's error (in quick-xml's, as an
/// `Arc<io::Error>`): its kind is kept, so that a reader that left
/// (`| head`) is still a `BrokenPipe`, which the command line ends on quietly.
fn write_error(error: quick_junit::SerializeError) -> io::Error {
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::sync::Arc<io::Error>>() {
            return io::Error::new(io.kind(), error);
        }
        source = cause.source();
    }
    io::Error::other(error)
}
