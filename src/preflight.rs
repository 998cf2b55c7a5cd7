//! Before publishing: may this go out now, and if not, from when?
//!
//! The question is a publication (kind, channel, regions, attributes) and an
//! instant. Window rules block it; `requires` rules only list what to add,
//! since waiting does not help them. The earliest allowed instant is found
//! among the candidates where the answer can change: the instant asked about
//! and the end of every window that could block it, each checked exactly with
//! `check`, so overlapping windows of several rules and regions, and the
//! `first_published` exemption, are all taken into account.

use chrono::{DateTime, Utc};

use crate::check::{Finding, Violation, check};
use crate::publication::Publication;
use crate::rulebook::{RuleBody, Rulebook};

/// The answer to a preflight question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Window rules that forbid publishing at the instant asked about.
    pub blocking: Vec<Finding>,
    /// Required attributes the publication lacks (poll notice…): add them,
    /// waiting does not help.
    pub to_add: Vec<Finding>,
    /// When blocked, the earliest instant from which no window forbids it.
    pub allowed_from: Option<DateTime<Utc>>,
}

impl Answer {
    pub fn allowed(&self) -> bool {
        self.blocking.is_empty()
    }
}

/// Answers for `publication` at its own instant.
pub fn preflight(rulebook: &Rulebook, publication: &Publication) -> Answer {
    let findings = check(rulebook, publication);
    let (blocking, to_add): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| matches!(f.violation, Violation::InsideWindow { .. }));
    let allowed_from = (!blocking.is_empty()).then(|| earliest_allowed(rulebook, publication));
    Answer {
        blocking,
        to_add,
        allowed_from,
    }
}

/// The earliest instant at or after the publication's own from which no
/// window rule forbids it.
pub fn earliest_allowed(rulebook: &Rulebook, publication: &Publication) -> DateTime<Utc> {
    let mut candidates: Vec<DateTime<Utc>> = rulebook
        .rules
        .iter()
        .filter_map(|rule| match &rule.body {
            RuleBody::Window(window) => Some(window.windows.iter().map(|w| w.window.end)),
            RuleBody::Requires(_) => None,
        })
        .flatten()
        .filter(|&end| end > publication.instant)
        .collect();
    candidates.push(publication.instant);
    candidates.sort_unstable();
    candidates.dedup();
    let mut moved = publication.clone();
    candidates
        .into_iter()
        .find(|&candidate| {
            moved.instant = candidate;
            !blocked(rulebook, &moved)
        })
        .expect("after the end of the last window nothing blocks")
}

/// Does a window rule forbid `publication` at its instant?
fn blocked(rulebook: &Rulebook, publication: &Publication) -> bool {
    check(rulebook, publication)
        .iter()
        .any(|f| matches!(f.violation, Violation::InsideWindow { .. }))
}
