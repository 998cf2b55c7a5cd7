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

use std::io;

use chrono::{DateTime, FixedOffset, LocalResult, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::audit::pipeline::Pipeline;
use crate::audit::{Limits, LogLine, Outcome, Summary};
use crate::check::{Finding, Scope, Violation};
use crate::preflight::earliest_allowed_except;
use crate::publication::Publication;
use crate::report::Report;
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::time::parse_timestamp;
use crate::waiver::{Acceptance, Waivers};

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
}

/// What fixing a log would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub moves: Vec<Move>,
    /// Findings that moving cannot fix: attributes to add.
    pub unfixable: usize,
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
        let instant = earliest_allowed_except(self.rulebook, publication, &pending.accepted);
        self.plan.moves.push(Move {
            line: pending.line,
            offset: publication.spans().timestamp.offset,
            to: timestamp_like(&pending.from, instant, publication.zone()),
            from: pending.from,
            instant,
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
            let start = bom + next.offset;
            let end = start + next.from.len();
            // The line is the one the plan was made from, or it is left alone.
            if line.get(start..end) == Some(next.from.as_bytes()) {
                fixed.extend_from_slice(&line[..start]);
                fixed.extend_from_slice(next.to.as_bytes());
                fixed.extend_from_slice(&line[end..]);
            } else {
                fixed.extend_from_slice(line);
            }
        }
        fixed
    }
}

/// `instant` written the way `original` was: with its zone in brackets (and
/// the offset too when the original had one, or when the local time happens
/// twice), with its own offset, or in UTC with `Z`; seconds when it had them.
pub fn timestamp_like(original: &str, instant: DateTime<Utc>, zone: Option<Tz>) -> String {
    let core = original.split('[').next().unwrap_or(original);
    // The date has dashes: an offset begins after the `T` at byte 10.
    let offset_text = core
        .get(11..)
        .and_then(|time| time.find(['+', '-', 'Z', 'z']).map(|at| &time[at..]));
    let with_seconds = core.as_bytes().get(16) == Some(&b':') || instant.second() != 0;
    let time_format = if with_seconds {
        "%Y-%m-%dT%H:%M:%S"
    } else {
        "%Y-%m-%dT%H:%M"
    };
    let text = match zone {
        Some(zone) => {
            let local = instant.with_timezone(&zone);
            let twice = matches!(
                zone.from_local_datetime(&local.naive_local()),
                LocalResult::Ambiguous(..)
            );
            let offset = if offset_text.is_some() || twice {
                offset_string(local.offset().fix(), false)
            } else {
                String::new()
            };
            format!("{}{offset}[{}]", local.format(time_format), zone.name())
        }
        None => {
            let utc = offset_text.is_none_or(|o| o.starts_with(['Z', 'z']));
            let offset = offset_text
                .filter(|_| !utc)
                .and_then(|o| DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{o}")).ok())
                .map_or_else(|| Utc.fix(), |d| *d.offset());
            let local = instant.with_timezone(&offset);
            format!(
                "{}{}",
                local.format(time_format),
                offset_string(offset, utc)
            )
        }
    };
    // What is written must read back as the instant meant.
    match parse_timestamp(&text) {
        Ok(read) if read.instant == instant => text,
        _ => instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    }
}

fn offset_string(offset: FixedOffset, utc: bool) -> String {
    if utc && offset.local_minus_utc() == 0 {
        return "Z".to_string();
    }
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A unified diff of a log before and after fixing, for review: a hunk per
/// group of changed lines, with three lines of context, as `diff -u` writes
/// it (a fix never adds or removes lines). It is shown, not applied: the
/// characters a terminal must not receive are escaped and line ends are not
/// shown (`--fix` keeps them all).
pub fn unified_diff(name: &str, old: &[u8], new: &[u8]) -> String {
    const CONTEXT: usize = 3;
    let old_lines: Vec<&[u8]> = old.split_inclusive(|&b| b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|&b| b == b'\n').collect();
    let changed: Vec<usize> = (0..old_lines.len())
        .filter(|&i| old_lines.get(i) != new_lines.get(i))
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let name = escape_unsafe(name);
    let mut out = format!("--- {name}\n+++ {name}\n");
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        match groups.last_mut() {
            Some((_, end)) if i <= *end + 2 * CONTEXT => *end = i,
            _ => groups.push((i, i)),
        }
    }
    let text = |line: &[u8]| {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        escape_unsafe(&String::from_utf8_lossy(line))
    };
    for (first, last) in groups {
        let start = first.saturating_sub(CONTEXT);
        let end = (last + CONTEXT + 1).min(old_lines.len());
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start + 1,
            end - start,
            start + 1,
            end - start
        ));
        let mut i = start;
        while i < end {
            if old_lines[i] == new_lines[i] {
                out.push_str(&format!(" {}\n", text(old_lines[i])));
                i += 1;
                continue;
            }
            // A run of changed lines: the old ones, then the new ones.
            let run_end = (i..end)
                .find(|&j| old_lines[j] == new_lines[j])
                .unwrap_or(end);
            for line in &old_lines[i..run_end] {
                out.push_str(&format!("-{}\n", text(line)));
            }
            for line in &new_lines[i..run_end] {
                out.push_str(&format!("+{}\n", text(line)));
            }
            i = run_end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_timestamp_keeps_its_form() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let sunday_8pm = at("2017-05-07T18:00:00Z");
        let cases = [
            (
                "2017-05-06T09:30:00+02:00",
                None,
                "2017-05-07T20:00:00+02:00",
            ),
            ("2017-05-06T09:30+02:00", None, "2017-05-07T20:00+02:00"),
            ("2017-05-06T07:30:00Z", None, "2017-05-07T18:00:00Z"),
            (
                "2017-05-06T03:30:00-04:00",
                None,
                "2017-05-07T14:00:00-04:00",
            ),
            (
                "2017-05-06T09:30:00[Europe/Paris]",
                Some(paris),
                "2017-05-07T20:00:00[Europe/Paris]",
            ),
            (
                "2017-05-06T09:30:00+02:00[Europe/Paris]",
                Some(paris),
                "2017-05-07T20:00:00+02:00[Europe/Paris]",
            ),
        ];
        for (original, zone, expected) in cases {
            assert_eq!(
                timestamp_like(original, sunday_8pm, zone),
                expected,
                "{original}"
            );
        }
    }

    #[test]
    fn a_local_time_that_happens_twice_gets_its_offset() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 2016-10-30 02:30 happened twice in Paris; the second time is +01:00.
        let second = at("2016-10-30T01:30:00Z");
        assert_eq!(
            timestamp_like("2016-10-29T12:00[Europe/Paris]", second, Some(paris)),
            "2016-10-30T02:30+01:00[Europe/Paris]"
        );
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

    #[test]
    fn a_diff_shows_each_changed_line_with_its_context() {
        let old = b"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
        let new = b"a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nK\nL\n";
        let diff = unified_diff("x\u{1b}.log", old, new);
        assert_eq!(
            diff,
            "--- x\\u{1b}.log\n+++ x\\u{1b}.log\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n\
             @@ -8,5 +8,5 @@\n h\n i\n j\n-k\n-l\n+K\n+L\n"
        );
        assert_eq!(unified_diff("x.log", old, old), "");
    }
}
