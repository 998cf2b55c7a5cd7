//! Helpers shared by the jurisdiction tests (`mod common;` in each).

// Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io;

use scrutin::audit::{LogLine, Outcome, Summary, audit};
use scrutin::report::Report;
use scrutin::rulebook::Rulebook;

/// Counts findings per rule id; a sample must hold no invalid line.
struct Counts<'r> {
    rulebook: &'r Rulebook,
    per_rule: BTreeMap<String, usize>,
}

impl Report for Counts<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        match outcome {
            Outcome::Checked(_, findings) => {
                for finding in findings {
                    let id = self.rulebook.rules[finding.rule].id.clone();
                    *self.per_rule.entry(id).or_default() += 1;
                }
            }
            Outcome::Invalid(error) => panic!("line {} is invalid: {error:?}", line.number),
        }
        Ok(())
    }

    fn unreadable(&mut self, file: &str, reason: &str) -> io::Result<()> {
        panic!("{file} is unreadable: {reason}")
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Runs a sample log through the library: its summary and findings per rule id.
pub fn sample_counts(rulebook: &Rulebook, path: &str) -> (Summary, BTreeMap<String, usize>) {
    let log = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut counts = Counts {
        rulebook,
        per_rule: BTreeMap::new(),
    };
    let mut summary = Summary::default();
    audit(rulebook, path, log.as_slice(), &mut counts, &mut summary).expect("no write error");
    (summary, counts.per_rule)
}

/// The ids of the rules a log line breaks, sorted.
pub fn rules_broken<'r>(rulebook: &'r Rulebook, line: &str) -> Vec<&'r str> {
    let publication = scrutin::publication::read(line, rulebook)
        .unwrap_or_else(|e| panic!("invalid line {line}: {e:?}"));
    let mut ids: Vec<&str> = scrutin::check::check(rulebook, &publication)
        .iter()
        .map(|finding| rulebook.rules[finding.rule].id.as_str())
        .collect();
    ids.sort_unstable();
    ids
}
