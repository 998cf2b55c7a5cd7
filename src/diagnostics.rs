//! Every diagnostic code scrutin gives, in one list.
//!
//! Each layer names its own mistakes (a log line's in `publication`, a
//! rulebook's and a waiver file's in `rulebook`, a waiver's warnings in
//! `waiver`, a preflight option's in `preflight`); this gathers them, so that
//! a test can hold them unique and documented: `docs/diagnostics.md` gives
//! each its meaning and an example, and `tests/diagnostics.rs` runs them.

use crate::audit::UNREADABLE;
use crate::preflight::Part;
use crate::publication::LineErrorKind;
use crate::rulebook::{ProblemKind, RulebookError};
use crate::waiver::WaiverWarningKind;

/// Every code, grouped by what it is about: log lines, rulebooks (and the
/// YAML of scrutin's files), waivers, options.
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
    log.chain(files).chain(waivers).chain(options).collect()
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
