//! Every diagnostic code scrutin gives, in one list.
//!
//! Each layer names its own mistakes (a log line's in `publication`, a
//! rulebook's, a waiver file's and a source profile's in `rulebook`, a waiver's warnings in
//! `waiver`, a preflight option's in `preflight`); this gathers them, so that
//! a test can hold them unique and documented: `docs/diagnostics.md` gives
//! each its meaning and an example, and `tests/diagnostics.rs` runs them.
//! The errors that stop a run or a command are listed here as data instead
//! (see `RUN`); `tests/diagnostics.rs` also reads the sources, so that no
//! code written in them is missing from this list, nor one listed missing
//! from them.

use crate::audit::UNREADABLE;
use crate::preflight::Part;
use crate::publication::{InputError, LineErrorKind};
use crate::rulebook::{ProblemKind, RulebookError};
use crate::waiver::WaiverWarningKind;

/// The codes of the errors that stop a run (`run::RunError`: a scope not
/// resolved, logs not fixed, a report not written) and the server
/// (`serve::SameId`). Each is one variant's `#[diagnostic(code(…))]`, a
/// literal miette's derive requires, so it is listed here once more.
const RUN: [&str; 10] = [
    "scrutin::scope::unknown-rule",
    "scrutin::scope::unknown-region",
    "scrutin::scope::empty-period",
    "scrutin::fix::standard-input",
    "scrutin::fix::unreadable",
    "scrutin::fix::unreadable-log",
    "scrutin::fix::unwritable",
    "scrutin::fix::not-a-log",
    "scrutin::run::output",
    "scrutin::serve::same-id",
];

/// The codes of the command line's own errors (`CliError`, in the binary,
/// which the library cannot name): the others it shows are the library's.
const COMMAND_LINE: [&str; 4] = [
    "scrutin::cli::bad-attribute",
    "scrutin::cli::no-rule",
    "scrutin::cli::no-region",
    "scrutin::cli::io",
];

/// Every code, grouped by what it is about: log lines, rulebooks (and the
/// YAML of scrutin's files, waiver files and profiles), waivers, options,
/// runs and commands.
pub fn all_codes() -> Vec<&'static str> {
    let log = LineErrorKind::ALL
        .iter()
        .map(|kind| kind.code())
        .chain([UNREADABLE]);
    let files = RulebookError::CODES
        .into_iter()
        .chain(ProblemKind::ALL.iter().map(|kind| kind.code()));
    let waivers = WaiverWarningKind::ALL.iter().map(|kind| kind.code());
    let options = Part::ALL.iter().map(|part| part.code());
    let commands = RUN.into_iter().chain(InputError::CODES).chain(COMMAND_LINE);
    log.chain(files)
        .chain(waivers)
        .chain(options)
        .chain(commands)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// A code names one mistake: two that share it could not be told apart.
    #[test]
    fn codes_are_unique() {
        let codes = all_codes();
        let mut seen = HashSet::new();
        for code in &codes {
            assert!(seen.insert(code), "{code} is given twice");
        }
    }

    /// `scrutin::` then a lowercase namespace and name, words joined by `-`:
    /// one shape, so that a code reads, greps and links the same everywhere.
    #[test]
    fn codes_have_one_shape() {
        for code in all_codes() {
            let parts: Vec<&str> = code.split("::").collect();
            assert_eq!(parts.len(), 3, "{code}");
            assert_eq!(parts[0], "scrutin", "{code}");
            for part in &parts[1..] {
                let words = part.split('-');
                assert!(
                    words.clone().all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                    "{code}"
                );
            }
        }
    }
}
