//! Fixing a schedule, as linters fix code: each publication that a window
//! blocks moves to its earliest allowed instant (preflight's answer, across
//! every rule and region it is received in), written in its line's own
//! timestamp form. Nothing else in the log changes, byte for byte. What time
//! cannot fix (a poll without its notice) is counted and left to the report.
//!
//! ```
//! use scrutin::{reschedule, rulebook};
//!
//! let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
//! let log = b"2017-05-06T09:30:00[Europe/Paris] outlet=a kind=campaign\n";
//! let plan = reschedule::plan(&rulebook, "x.log", log).unwrap();
//! assert_eq!(
//!     plan.apply(log),
//!     b"2017-05-07T20:00:00[Europe/Paris] outlet=a kind=campaign\n"
//! );
//! ```

mod diff;
mod timestamp;

use std::io;

use chrono::{DateTime, Utc};

use crate::audit::pipeline::Pipeline;
use crate::audit::{Limits, LogLine, Outcome, Summary};
use crate::check::{AggregateFinding, Finding, Scope, Violation};
use crate::preflight::earliest_allowed_except;
use crate::publication::Publication;
use crate::report::Report;
use crate::rulebook::Rulebook;
use crate::time::parse_timestamp;
use crate::waiver::{Acceptance, Waivers};

pub use diff::unified_diff;
pub use timestamp::timestamp_like;

/// A publication moved: its line, where its timestamp is, and what it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// 1-based.
    pub line: usize,
    /// Byte offset of the timestamp in the line (after a byte-order mark).
    pub offset: usize,
    pub from: String,
    pub to: String,
    pub instant: DateTime<Utc>,
    /// A publication that lasts moves its `end` too, keeping its duration.
    pub end: Option<EndMove>,
}

/// The `end` of a publication that lasts, moved with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndMove {
    /// Byte offset of the value (its quotes included) in the line, after
    /// the timestamp's.
    pub offset: usize,
    pub from: String,
    pub to: String,
    pub instant: DateTime<Utc>,
}

/// What fixing a log would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub moves: Vec<Move>,
    /// Findings that moving cannot fix: attributes to add.
    pub unfixable: usize,
    /// Publications that no move fixes: a rule in force at all times
    /// forbids them.
    pub never_allowed: usize,
}

/// The moves that fix `log`, found by checking it as `check` would (inline
/// waivers and all): a finding accepted by a waiver is not moved.
pub fn plan(rulebook: &Rulebook, file: &str, log: &[u8]) -> io::Result<Plan> {
    plan_with(rulebook, file, log, Scope::default(), &mut Waivers::none())
}

/// `plan`, moving only for findings in `scope`, with a waiver file's waivers.
pub fn plan_with(
    rulebook: &Rulebook,
    file: &str,
    log: &[u8],
    scope: Scope,
    waivers: &mut Waivers,
) -> io::Result<Plan> {
    let mut planner = Planner {
        rulebook,
        plan: Plan::default(),
        pending: None,
    };
    let mut summary = Summary::default();
    Pipeline::new(rulebook).jobs(1).scope(scope).audit(
        file,
        log,
        &mut planner,
        &mut summary,
        Limits::default(),
        waivers,
    )?;
    planner.flush();
    Ok(planner.plan)
}

/// A report that plans moves instead of printing.
struct Planner<'r> {
    rulebook: &'r Rulebook,
    plan: Plan,
    /// A line to move, held until its waived findings (reported after it)
    /// say which windows were accepted on purpose and need not be left.
    pending: Option<Pending>,
}

struct Pending {
    line: usize,
    from: String,
    publication: Publication<'static>,
    accepted: Vec<usize>,
}

impl Planner<'_> {
    fn flush(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let publication = &pending.publication;
        let mut moved = publication.clone();
        let earliest = earliest_allowed_except(self.rulebook, publication, &pending.accepted);
        let Some(instant) = earliest.filter(|&at| moved.set_instant(at)) else {
            // A rule in force at all times: no instant is allowed.
            self.plan.never_allowed += 1;
            return;
        };
        let end = moved
            .end()
            .zip(publication.written("end"))
            .map(|(end, (span, value))| {
                let zone = parse_timestamp(value).ok().and_then(|stamp| stamp.zone);
                EndMove {
                    offset: span.offset,
                    from: publication.text()[span.offset..span.end()].to_string(),
                    to: timestamp_like(value, end, zone),
                    instant: end,
                }
            });
        self.plan.moves.push(Move {
            line: pending.line,
            offset: publication.spans().timestamp.offset,
            to: timestamp_like(&pending.from, instant, publication.zone()),
            from: pending.from,
            instant,
            end,
        });
    }
}

impl Report for Planner<'_> {
    fn line(&mut self, line: &LogLine, outcome: Outcome) -> io::Result<()> {
        self.flush();
        let Outcome::Checked(publication, findings) = outcome else {
            return Ok(());
        };
        let blocked = findings
            .iter()
            .any(|f| matches!(f.violation, Violation::InsideWindow { .. }));
        self.plan.unfixable += findings
            .iter()
            .filter(|f| matches!(f.violation, Violation::MissingAttributes(_)))
            .count();
        if blocked {
            let span = publication.spans().timestamp;
            self.pending = Some(Pending {
                line: line.number,
                from: line.text[span.offset..span.end()].to_string(),
                publication: publication.clone().into_owned(),
                accepted: Vec::new(),
            });
        }
        Ok(())
    }

    fn waived(
        &mut self,
        line: &LogLine,
        _publication: &Publication,
        finding: &Finding,
        _acceptance: &Acceptance,
    ) -> io::Result<()> {
        if let Some(pending) = self.pending.as_mut().filter(|p| p.line == line.number) {
            pending.accepted.push(finding.rule);
        }
        Ok(())
    }

    /// Moving one publication cannot be planned from a burst: left to
    /// the check that follows the fix.
    fn aggregate(&mut self, _finding: &AggregateFinding) -> io::Result<()> {
        Ok(())
    }

    fn unreadable(&mut self, _file: &str, _reason: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.flush();
        Ok(())
    }
}

impl Plan {
    /// `log` with every move made; all other bytes as they were.
    pub fn apply(&self, log: &[u8]) -> Vec<u8> {
        let mut fixed = Vec::with_capacity(log.len() + 16 * self.moves.len());
        let mut moves = self.moves.iter().peekable();
        for (index, line) in log.split_inclusive(|&b| b == b'\n').enumerate() {
            let number = index + 1;
            let Some(next) = moves.next_if(|m| m.line == number) else {
                fixed.extend_from_slice(line);
                continue;
            };
            // The reader drops a byte-order mark before the first line.
            let bom = if number == 1 && line.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            // The timestamp, and the end of a publication that lasts, which
            // comes after it.
            let mut edits = vec![(bom + next.offset, &next.from, &next.to)];
            if let Some(end) = &next.end {
                edits.push((bom + end.offset, &end.from, &end.to));
            }
            // The line is the one the plan was made from, or it is left alone.
            let found = edits.iter().all(|(start, from, _)| {
                line.get(*start..start + from.len()) == Some(from.as_bytes())
            });
            if !found {
                fixed.extend_from_slice(line);
                continue;
            }
            let mut kept = 0;
            for (start, from, to) in edits {
                fixed.extend_from_slice(&line[kept..start]);
                fixed.extend_from_slice(to.as_bytes());
                kept = start + from.len();
            }
            fixed.extend_from_slice(&line[kept..]);
        }
        fixed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A publication that lasts moves whole: its start to the earliest from
    /// which all of it may run, its end with it, each in its own form.
    #[test]
    fn a_publication_that_lasts_moves_with_its_end() {
        let rulebook = crate::rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
        let log = "\u{feff}2017-05-05T23:30:00+02:00 outlet=tf1 kind=campaign channel=tv end=\"2017-05-06T00:30[Europe/Paris]\" id=a\n\
                   2017-05-05T22:00:00Z outlet=tf1 kind=campaign channel=tv end=2017-05-05T22:00:00Z\n";
        let plan = plan(&rulebook, "x.log", log.as_bytes()).unwrap();
        assert_eq!(plan.moves.len(), 1, "{plan:?}");
        let fixed = String::from_utf8(plan.apply(log.as_bytes())).unwrap();
        assert_eq!(
            fixed.lines().next(),
            Some(
                "\u{feff}2017-05-07T20:00:00+02:00 outlet=tf1 kind=campaign channel=tv end=2017-05-07T21:00[Europe/Paris] id=a"
            )
        );
        let second = fixed.lines().nth(1).unwrap();
        assert_eq!(second, log.lines().nth(1).unwrap(), "an invalid line stays");
    }

    #[test]
    fn every_fixed_publication_is_allowed_where_it_is_received() {
        use crate::check::check;
        let rulebook = crate::rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
        let forms = [
            "+02:00",
            "Z",
            "[Europe/Paris]",
            "[America/Guadeloupe]",
            "[Pacific/Tahiti]",
        ];
        let mut log = String::new();
        // Every hour from Thursday to Monday, in several forms, kinds and regions.
        for hour in 0..(5 * 24) {
            let day = 4 + hour / 24;
            let (form, kind) = (
                forms[hour % forms.len()],
                ["campaign", "poll", "result"][hour % 3],
            );
            let region = ["metropole", "guadeloupe", "metropole,polynesie"][hour % 3];
            log.push_str(&format!(
                "2017-05-{day:02}T{:02}:30:00{form} outlet=o kind={kind} region={region} \
                 pollster=p sponsor=s sample_size=1 fieldwork=f margin_of_error=1\n",
                hour % 24
            ));
        }
        let plan = plan(&rulebook, "grid.log", log.as_bytes()).unwrap();
        assert!(plan.moves.len() > 20, "{} moves", plan.moves.len());
        let fixed = String::from_utf8(plan.apply(log.as_bytes())).unwrap();
        for (before, after) in log.lines().zip(fixed.lines()) {
            let publication = crate::publication::read(after, &rulebook).unwrap();
            let windows: Vec<_> = check(&rulebook, &publication)
                .into_iter()
                .filter(|f| matches!(f.violation, Violation::InsideWindow { .. }))
                .collect();
            assert!(windows.is_empty(), "{before}\n -> {after}: {windows:?}");
            // The form is kept: the same zone or offset style after the time.
            let tail = |l: &str| l.split_once(' ').unwrap().0[19..].to_string();
            let (old, new) = (tail(before), tail(after));
            assert_eq!(old.contains('['), new.contains('['), "{before} -> {after}");
            assert_eq!(
                old.ends_with('Z'),
                new.ends_with('Z'),
                "{before} -> {after}"
            );
        }
    }
}
