//! Findings as a JUnit XML report, for CI test views: one test suite per log
//! file, one test case per rule of the rulebook in it, failing with the
//! findings of that rule in that file; invalid lines fail a case of their own
//! (`invalid-line`) and an unreadable file an `unreadable` case.
//!
//! quick-junit writes the XML and cleans what XML cannot carry.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report as JunitXml, TestCase, TestCaseStatus, TestSuite};

use super::{Report, message};
use crate::audit::{LogLine, Outcome, Summary};
use crate::check::Finding;
use crate::publication::Publication;
use crate::rulebook::Rulebook;
use crate::waiver::{Acceptance, WaiverWarning};

/// What one log file gave.
struct FileResults {
    name: String,
    /// For each rule (by index), `line N: message` of each finding.
    findings: Vec<Vec<String>>,
    /// For each rule, the findings waivers accepted, with their reasons.
    waived: Vec<Vec<String>>,
    invalid: Vec<String>,
    unreadable: Option<String>,
}

pub struct JunitReport<'r, W> {
    out: W,
    rulebook: &'r Rulebook,
    files: Vec<FileResults>,
    waiver_warnings: Vec<WaiverWarning>,
}

impl<'r, W: Write> JunitReport<'r, W> {
    pub fn new(out: W, rulebook: &'r Rulebook) -> Self {
        JunitReport {
            out,
            rulebook,
            files: Vec::new(),
            waiver_warnings: Vec::new(),
        }
    }

    /// The results of `file`, which audit reports one after the other.
    fn file(&mut self, file: &str) -> &mut FileResults {
        if self.files.last().is_none_or(|f| f.name != file) {
            self.files.push(FileResults {
                name: file.to_string(),
                findings: vec![Vec::new(); self.rulebook.rules.len()],
                waived: vec![Vec::new(); self.rulebook.rules.len()],
                invalid: Vec::new(),
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
    failures: &[String],
    kind: NonSuccessKind,
    noun: &str,
) -> TestCase {
    let status = if failures.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(kind);
        let plural = if failures.len() == 1 { "" } else { "s" };
        status.set_message(format!("{} {noun}{plural}", failures.len()));
        status.set_description(failures.join("\n"));
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
            Outcome::Invalid(error) => results
                .invalid
                .push(format!("line {}: {}", line.number, error.message)),
            Outcome::Checked(publication, findings) => {
                for finding in findings {
                    let text = format!(
                        "line {}: {}",
                        line.number,
                        message(rulebook, publication, finding)
                    );
                    results.findings[finding.rule].push(text);
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
        let text = format!(
            "waived: line {}: {} — {}",
            line.number,
            message(rulebook, publication, finding),
            acceptance.reason
        );
        self.file(line.file).waived[finding.rule].push(text);
        Ok(())
    }

    fn waiver_warning(&mut self, warning: &WaiverWarning) -> io::Result<()> {
        self.waiver_warnings.push(warning.clone());
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
            if let Some(reason) = &file.unreadable {
                suite.add_test_case(case(
                    "unreadable",
                    &file.name,
                    std::slice::from_ref(reason),
                    NonSuccessKind::Error,
                    "error",
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
                if !waived.is_empty() {
                    case.set_system_out(waived.join("\n"));
                }
                suite.add_test_case(case);
            }
            suite.add_test_case(case(
                "invalid-line",
                &file.name,
                &file.invalid,
                NonSuccessKind::Error,
                "invalid line",
            ));
            xml.add_test_suite(suite);
        }
        if !self.waiver_warnings.is_empty() {
            // JUnit has no warnings: a waiver that did nothing is a skipped case.
            let mut suite = TestSuite::new("waivers");
            for warning in &self.waiver_warnings {
                let mut status = TestCaseStatus::skipped();
                status.set_message(warning.message.as_str());
                let name = format!(
                    "{} waiver at {}:{}",
                    warning.rule, warning.origin.file, warning.origin.line
                );
                suite.add_test_case(TestCase::new(name, status));
            }
            xml.add_test_suite(suite);
        }
        xml.serialize(&mut self.out).map_err(write_error)?;
        writeln!(self.out)?;
        self.out.flush()
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
