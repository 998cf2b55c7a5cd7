//! Before publishing: may this go out now, and if not, from when?
//!
//! The question is a publication (kind, channel, regions, attributes) and an
//! instant. Window rules block it; `requires` rules only list what to add,
//! since waiting does not help them. The earliest allowed instant is found
//! among the candidates where the answer can change: the instant asked about
//! and the end of every window that could block it, each checked exactly with
//! `check`, so overlapping windows of several rules and regions, and the
//! `first_published` exemption, are all taken into account.
//!
//! ```
//! use scrutin::{preflight, publication, rulebook};
//!
//! let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
//! let question = preflight::Question {
//!     at: Some("2017-05-06T09:30:00+02:00".into()),
//!     kind: "campaign".into(),
//!     ..Default::default()
//! };
//! let line = question.to_line(chrono::Utc::now());
//! let publication = publication::read(&line, &rulebook).unwrap();
//! let answer = preflight::preflight(&rulebook, &publication);
//! assert!(!answer.allowed());
//! // Campaign silence (L49) until the polls close in metropolitan France.
//! assert_eq!(answer.allowed_from.unwrap().to_rfc3339(), "2017-05-07T18:00:00+00:00");
//! ```

use chrono::{DateTime, Utc};

use crate::check::{Finding, Violation, check};
use crate::publication::Publication;
use crate::publication::write::field;
use crate::rulebook::{RuleBody, Rulebook};

/// A preflight question as its parts, before it is read as a publication.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// An instant (RFC 3339, or with `[Zone]`); `None` or `now` for now.
    pub at: Option<String>,
    pub kind: String,
    pub channel: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    pub outlet: Option<String>,
    #[serde(default)]
    pub attributes: std::collections::BTreeMap<String, String>,
}

impl Question {
    /// The question as a log line, so that it is read, and its mistakes
    /// reported, exactly as a log's would be.
    pub fn to_line(&self, now: DateTime<Utc>) -> String {
        let at = match self.at.as_deref() {
            None | Some("now") => now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            Some(at) => at.to_string(),
        };
        let mut line = at;
        field(
            &mut line,
            "outlet",
            self.outlet.as_deref().unwrap_or("preflight"),
        );
        field(&mut line, "kind", &self.kind);
        if let Some(channel) = &self.channel {
            field(&mut line, "channel", channel);
        }
        if !self.regions.is_empty() {
            field(&mut line, "region", &self.regions.join(","));
        }
        for (key, value) in &self.attributes {
            field(&mut line, key, value);
        }
        line
    }
}

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
