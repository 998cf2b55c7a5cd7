//! Before publishing: may this go out now, and if not, from when?
//!
//! The question is a publication (kind, channel, regions, attributes) and an
//! instant, or an interval for a publication that lasts (an ad flight, a
//! broadcast segment: "may this ad run from Monday to Sunday?"). Window rules
//! block it; `requires` rules only list what to add, since waiting does not
//! help them. The earliest allowed instant is found among the candidates
//! where the answer can change: the instant asked about and the end of every
//! window that could block it, each checked exactly with `check`, so
//! overlapping windows of several rules and regions, and the
//! `first_published` exemption, are all taken into account. For an interval
//! it is the earliest start from which the whole of it may run: moved later,
//! `[start, start + duration)` stops overlapping a window only when its start
//! reaches the window's end, so the same candidates hold.
//!
//! ```
//! use scrutin::{preflight, rulebook};
//!
//! let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
//! let question = preflight::Question {
//!     at: Some("2017-05-06T09:30:00+02:00".into()),
//!     kind: "campaign".into(),
//!     ..Default::default()
//! };
//! let publication = question.read(&rulebook, chrono::Utc::now()).unwrap();
//! let answer = preflight::preflight(&rulebook, &publication);
//! assert!(!answer.allowed());
//! // Campaign silence (L49) until the polls close in metropolitan France.
//! assert_eq!(answer.allowed_from.unwrap().to_rfc3339(), "2017-05-07T18:00:00+00:00");
//!
//! // An ad flight from 1 to 8 May breaks the ban on paid advertising, which
//! // lasts until the end of 7 May: the whole week may run from 8 May.
//! let question = preflight::Question {
//!     at: Some("2017-05-01T00:00:00[Europe/Paris]".into()),
//!     until: Some("2017-05-08T00:00:00[Europe/Paris]".into()),
//!     kind: "paid_ad".into(),
//!     // Online: on radio and TV, political advertising is forbidden at all times.
//!     channel: Some("web".into()),
//!     ..Default::default()
//! };
//! let publication = question.read(&rulebook, chrono::Utc::now()).unwrap();
//! let answer = preflight::preflight(&rulebook, &publication);
//! assert_eq!(answer.allowed_from.unwrap().to_rfc3339(), "2017-05-07T22:00:00+00:00");
//! assert_eq!(answer.allowed_until.unwrap().to_rfc3339(), "2017-05-14T22:00:00+00:00");
//! ```

mod question;

use chrono::{DateTime, Duration, Utc};

use crate::check::{Finding, Violation, check};
use crate::publication::Publication;
use crate::rulebook::{RuleBody, Rulebook, Window};
pub use question::{EXPECTED_AT, Part, PartError, Question, QuestionError};

/// The answer to a preflight question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Window rules that forbid publishing at the instant asked about.
    pub blocking: Vec<Finding>,
    /// Required attributes the publication lacks (poll notice…): add them,
    /// waiting does not help. When blocked, those it lacks at
    /// `allowed_from`, when it may go out (a duty with a period may hold
    /// then and not now, or now and not then).
    pub to_add: Vec<Finding>,
    /// When blocked, the earliest instant from which no window forbids it
    /// (for a publication that lasts, the earliest start from which the
    /// whole of it may run); `None` when blocked by a rule in force at all
    /// times (never).
    pub allowed_from: Option<DateTime<Utc>>,
    /// For a publication that lasts, the end of the run that starts at
    /// `allowed_from` (as long as the one asked about).
    pub allowed_until: Option<DateTime<Utc>>,
    /// When no window blocks: windows that would block it opening within
    /// `SOON` after the instant asked (after the end of a publication that
    /// lasts), by start.
    pub upcoming: Vec<Upcoming>,
    /// The end of the election, when the instant asked is after it: the
    /// rulebook then says nothing useful about the publication.
    pub election_over: Option<DateTime<Utc>>,
}

/// How far ahead an allowed answer looks for windows about to open: a
/// weekend, so that Friday's answer warns of Saturday's silence.
pub const SOON: Duration = Duration::hours(48);

/// A window that will forbid the publication, in one of its regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upcoming {
    /// Index into the rulebook's rules.
    pub rule: usize,
    /// Index into the rulebook's regions.
    pub region: usize,
    pub window: Window,
}

/// The answer in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// A window forbids it now: wait.
    Blocked,
    /// No window forbids it, but required attributes (a poll's notice) are
    /// missing: add them, waiting does not help.
    MissingNotice,
}

impl Verdict {
    /// As JSON says it.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Blocked => "blocked",
            Verdict::MissingNotice => "missing-notice",
        }
    }
}

impl Answer {
    /// No window forbids it now (attributes may still be missing).
    pub fn allowed(&self) -> bool {
        self.blocking.is_empty()
    }

    pub fn verdict(&self) -> Verdict {
        if !self.blocking.is_empty() {
            Verdict::Blocked
        } else if !self.to_add.is_empty() {
            Verdict::MissingNotice
        } else {
            Verdict::Allowed
        }
    }
}

/// Answers for `publication` at its own instant.
pub fn preflight(rulebook: &Rulebook, publication: &Publication) -> Answer {
    let findings = check(rulebook, publication);
    let (blocking, to_add): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| matches!(f.violation, Violation::InsideWindow { .. }));
    let allowed_from = if blocking.is_empty() {
        None
    } else {
        earliest_allowed(rulebook, publication)
    };
    let mut then = publication.clone();
    let moved = allowed_from.is_some_and(|at| then.set_instant(at));
    let to_add = if moved {
        check(rulebook, &then)
            .into_iter()
            .filter(|f| matches!(f.violation, Violation::MissingAttributes(_)))
            .collect()
    } else {
        to_add
    };
    let allowed_until = if moved { then.end() } else { None };
    let upcoming = if blocking.is_empty() {
        upcoming(rulebook, publication)
    } else {
        Vec::new()
    };
    let election_over = election_end(rulebook).filter(|&end| publication.instant() >= end);
    Answer {
        blocking,
        to_add,
        allowed_from,
        allowed_until,
        upcoming,
        election_over,
    }
}

/// The windows opening within `SOON` after the publication's instant (or,
/// for one that lasts, at its end or within `SOON` after) that would forbid
/// it, as `check` finds it when moved to start at each window's start (so
/// filters, regions and the `first_published` exemption count exactly as
/// they will).
pub fn upcoming(rulebook: &Rulebook, publication: &Publication) -> Vec<Upcoming> {
    let opens_soon = |start: DateTime<Utc>| match publication.end() {
        // A window that opens as a run ends is next to it: worth a word.
        Some(end) => end <= start && start - end <= SOON,
        None => publication.instant() < start && start - publication.instant() <= SOON,
    };
    let mut found = Vec::new();
    let mut moved = publication.clone();
    for (index, rule) in rulebook.rules.iter().enumerate() {
        let RuleBody::Window(window_rule) = &rule.body else {
            continue;
        };
        let opening = window_rule
            .windows
            .iter()
            .filter(|w| publication.regions().contains(&w.region) && opens_soon(w.window.start));
        for region_window in opening {
            if !moved.set_instant(region_window.window.start) {
                continue;
            }
            let forbids = check(rulebook, &moved).iter().any(|f| {
                f.rule == index
                    && matches!(&f.violation, Violation::InsideWindow { windows, .. }
                        if windows.iter().any(|w| w.region == region_window.region
                            && w.window == region_window.window))
            });
            if forbids {
                found.push(Upcoming {
                    rule: index,
                    region: region_window.region,
                    window: region_window.window,
                });
            }
        }
    }
    found.sort_by_key(|u| (u.window.start, u.rule, u.region));
    found
}

/// When the election is over: its last window closes (of a round, or of the
/// whole election, such as a ban on paid advertising that lasts until the
/// end of the decisive day), or the polls of its last round do, whichever is
/// later. `None` for a law without rounds.
pub fn election_end(rulebook: &Rulebook) -> Option<DateTime<Utc>> {
    let last = rulebook.rounds.len().checked_sub(1)?;
    let polls = rulebook.rounds[last].polls.iter().map(|p| p.close);
    let windows = rulebook
        .rules
        .iter()
        .filter_map(|rule| match &rule.body {
            RuleBody::Window(window) => Some(window.windows.iter()),
            RuleBody::Requires(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => None,
        })
        .flatten()
        // A rule in force at all times does not end with the election.
        .filter(|w| !w.window.is_always())
        .map(|w| w.window.end);
    polls.chain(windows).max()
}

/// The earliest instant at or after the publication's own from which no
/// window rule forbids it; for a publication that lasts, the earliest start
/// from which the whole of it may run. `None` if a rule in force at all
/// times forbids it.
pub fn earliest_allowed(rulebook: &Rulebook, publication: &Publication) -> Option<DateTime<Utc>> {
    earliest_allowed_except(rulebook, publication, &[])
}

/// `earliest_allowed`, with the rules at `accepted` (indices) not counting:
/// findings of theirs were accepted on purpose, by a waiver.
///
/// A window `[s, e)` blocks a run of duration `d` that starts at `t` when
/// `t < e` and `s < t + d`: for `t` in `(s - d, e)`. The starts it leaves
/// free begin at `e`, so the earliest start is the instant asked about or
/// the end of a window (an instant is a run of duration zero).
pub fn earliest_allowed_except(
    rulebook: &Rulebook,
    publication: &Publication,
    accepted: &[usize],
) -> Option<DateTime<Utc>> {
    let mut candidates: Vec<DateTime<Utc>> = rulebook
        .rules
        .iter()
        .filter_map(|rule| match &rule.body {
            RuleBody::Window(window) => Some(window.windows.iter()),
            RuleBody::Requires(_) | RuleBody::Burst(_) | RuleBody::Balance(_) => None,
        })
        .flatten()
        // A window in force at all times never ends: waiting does not help.
        .filter(|w| !w.window.is_always())
        .map(|w| w.window.end)
        // A date the publication carries may hold it back too.
        .chain(crate::check::dated_ends(rulebook, publication))
        .filter(|&end| end > publication.instant())
        .collect();
    candidates.push(publication.instant());
    candidates.sort_unstable();
    candidates.dedup();
    let mut moved = publication.clone();
    // After the end of the last window only a rule in force at all times
    // still blocks (a run moved to a window's end cannot pass the last
    // instant chrono holds: a log's instants end with the year 9999).
    candidates
        .into_iter()
        .find(|&candidate| moved.set_instant(candidate) && !blocked(rulebook, &moved, accepted))
}

/// Does a window rule, other than those `accepted`, forbid `publication` at
/// its instant?
fn blocked(rulebook: &Rulebook, publication: &Publication, accepted: &[usize]) -> bool {
    check(rulebook, publication).iter().any(|f| {
        matches!(f.violation, Violation::InsideWindow { .. }) && !accepted.contains(&f.rule)
    })
}
