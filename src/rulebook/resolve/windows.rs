//! Windows: a window rule's anchors, read, checked against the declared
//! places and resolved to UTC intervals for each round and region.

use super::unknown;
use crate::rulebook::codes::ProblemKind;
use crate::rulebook::error::Problems;
use crate::rulebook::expr::{self, Anchor, Base, Day, Name};
use crate::rulebook::instants::{Context, Election};
use crate::rulebook::model::*;
use crate::rulebook::schema::*;
use crate::source::{Span, did_you_mean};

/// The rounds and regions a rule's windows are resolved for: those its
/// filter names, or all of them.
pub(super) struct Scope {
    pub(super) rounds: Option<Vec<usize>>,
    pub(super) regions: Option<Vec<usize>>,
}

/// An anchor expression and where its text is written.
struct Written<'a> {
    anchor: Anchor,
    text: &'a Text,
    /// The text inside its quotes, if any.
    content: Place,
}

pub(super) fn window_rule(
    window: &Located<RawWhen>,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<WindowRule> {
    let raw = match &window.value {
        RawWhen::Window(raw) => raw,
        RawWhen::Always => return Some(always(scope, election, sound_calendar)),
    };
    let per_election = match raw.per.as_ref().map(|p| p.value.as_str()) {
        None | Some("round") => false,
        Some("election") => true,
        Some(_) => {
            let per = raw.per.as_ref().expect("matched Some");
            unknown(
                problems,
                ProblemKind::UnknownPer,
                per,
                "`per` value",
                ["round", "election"].into_iter(),
            );
            false
        }
    };
    let start = anchor(&raw.start, election, problems);
    let end = anchor(&raw.end, election, problems);
    let (Some(start), Some(end)) = (start, end) else {
        return None;
    };
    let windows = if sound_calendar {
        let rounds: Vec<Option<usize>> = if per_election {
            vec![None]
        } else {
            scope
                .rounds
                .unwrap_or_else(|| (0..election.rounds.len()).collect())
                .into_iter()
                .map(Some)
                .collect()
        };
        let regions = scope
            .regions
            .unwrap_or_else(|| (0..election.regions.len()).collect());
        resolve_windows(
            &start,
            &end,
            (&rounds, &regions),
            election,
            window.place(),
            problems,
        )?
    } else {
        Vec::new()
    };
    Some(WindowRule {
        start: raw.start.value.clone(),
        end: raw.end.value.clone(),
        always: false,
        exempt_earlier_publications: raw.exempt_earlier_publications,
        windows,
    })
}

/// `window: always`: one window per region of the rule, with no ends and
/// no round (rules.rs refuses `rounds` on it).
fn always(scope: Scope, election: &Election, sound_calendar: bool) -> WindowRule {
    let regions = scope
        .regions
        .unwrap_or_else(|| (0..election.regions.len()).collect());
    let windows = if sound_calendar {
        regions
            .into_iter()
            .map(|region| RegionWindow {
                region,
                round: None,
                window: Window::ALWAYS,
            })
            .collect()
    } else {
        Vec::new()
    };
    WindowRule {
        start: ALWAYS.to_owned(),
        end: ALWAYS.to_owned(),
        always: true,
        exempt_earlier_publications: false,
        windows,
    }
}

fn anchor<'a>(text: &'a Text, election: &Election, problems: &mut Problems) -> Option<Written<'a>> {
    let content = Place {
        file: text.file,
        span: content_span(problems.file(text.file).text(), text.span),
    };
    match expr::parse_anchor(&text.value) {
        Ok(anchor) => {
            let written = Written {
                anchor,
                text,
                content,
            };
            check_names(&written, election, problems).then_some(written)
        }
        Err(e) => {
            problems.add_with_help(
                ProblemKind::BadAnchor,
                value_place(problems, text, e.offset, e.len),
                format!("cannot read the anchor `{}`", text.value),
                e.message,
                Some(ANCHOR_HELP),
            );
            None
        }
    }
}

const ANCHOR_HELP: &str = "anchors read like `eve 00:00`, `polls_close(metropole)`, \
`last_polls_close + 1h`, `vote - 15 days 00:00`, `event(writ) 00:00` or `2017-05-07T20:00:00+02:00`; see rules/README.md";

/// The span of a scalar's content, inside its quotes if it has any.
fn content_span(yaml: &str, scalar: Span) -> Span {
    match yaml.as_bytes().get(scalar.offset) {
        Some(b'"' | b'\'') if scalar.len >= 2 => Span::new(scalar.offset + 1, scalar.len - 2),
        _ => scalar,
    }
}

/// Where bytes `offset..offset + len` of a scalar's value are written: inside
/// the quotes when the value is written verbatim; the whole scalar when escapes
/// or line folding make the value differ from its source.
fn value_place(problems: &Problems, text: &Text, offset: usize, len: usize) -> Place {
    let yaml = problems.file(text.file).text();
    let content = content_span(yaml, text.span);
    if yaml.get(content.offset..content.end()) == Some(text.value.as_str()) {
        Place {
            file: text.file,
            span: content.sub(offset, len),
        }
    } else {
        text.place()
    }
}

/// Reports region and group names an anchor uses that are not declared.
fn check_names(written: &Written, election: &Election, problems: &mut Problems) -> bool {
    let mut names = Vec::new();
    match &written.anchor.base {
        Base::Event {
            place: Some(name), ..
        } => names.push(name),
        Base::WallClock { day, .. } => day_names(day, &mut names),
        _ => {}
    }
    let mut sound = true;
    // An election names its events; a law file alone has none to name.
    if let Base::WallClock { day, .. } = &written.anchor.base
        && !election.rounds.is_empty()
    {
        let mut events = Vec::new();
        day_events(day, &mut events);
        for name in events {
            if election.events.iter().any(|e| e.id == name.id) {
                continue;
            }
            sound = false;
            let span = value_place(problems, written.text, name.offset, name.id.len());
            let known = election.events.iter().map(|e| e.id.as_str());
            let list = known.clone().collect::<Vec<_>>().join(", ");
            let help = match did_you_mean(&name.id, known) {
                Some(near) => format!("did you mean `{near}`? the election names: {list}"),
                None if list.is_empty() => {
                    "the election names no events: add `events: {NAME: YYYY-MM-DD}` to its file"
                        .to_string()
                }
                None => format!("the election names: {list}"),
            };
            problems.add_with_help(
                ProblemKind::UnknownEvent,
                span,
                format!("unknown event `{}`", name.id),
                "not named by the election",
                Some(help),
            );
        }
    }
    for name in names {
        if election.place(&name.id).is_none() {
            sound = false;
            let span = value_place(problems, written.text, name.offset, name.id.len());
            let known = election
                .regions
                .iter()
                .map(|r| r.id.as_str())
                .chain(election.groups.iter().map(|g| g.id.as_str()));
            let help = did_you_mean(&name.id, known).map(|near| format!("did you mean `{near}`?"));
            problems.add_with_help(
                ProblemKind::UnknownRegion,
                span,
                format!("unknown region or group `{}`", name.id),
                "not declared",
                help,
            );
        }
    }
    sound
}

fn day_names<'a>(day: &'a Day, names: &mut Vec<&'a Name>) {
    match day {
        Day::Vote {
            region: Some(name), ..
        } => names.push(name),
        Day::Vote { region: None, .. } | Day::Named(_) => {}
        Day::StartOfMonth(inner) | Day::Shift(inner, _) => day_names(inner, names),
    }
}

/// The named events a day refers to (`event(writ)`).
fn day_events<'a>(day: &'a Day, events: &mut Vec<&'a Name>) {
    match day {
        Day::Named(name) => events.push(name),
        Day::Vote { .. } => {}
        Day::StartOfMonth(inner) | Day::Shift(inner, _) => day_events(inner, events),
    }
}

fn resolve_windows(
    start: &Written,
    end: &Written,
    (rounds, regions): (&[Option<usize>], &[usize]),
    election: &Election,
    window_span: Place,
    problems: &mut Problems,
) -> Option<Vec<RegionWindow>> {
    let mut windows = Vec::new();
    for &round in rounds {
        for &region in regions {
            let at = Context { round, region };
            let instants = [start, end].map(|written| {
                election.instant(&written.anchor, at).map_err(|message| {
                    problems.add(
                        ProblemKind::UnresolvableAnchor,
                        written.content,
                        format!("cannot resolve `{}`", written.text.value),
                        message,
                    );
                })
            });
            let [Ok(start), Ok(end)] = instants else {
                return None;
            };
            if start >= end {
                let round_name = round.map_or("the election".to_string(), |r| {
                    format!("round `{}`", election.rounds[r].id)
                });
                problems.add(
                    ProblemKind::EmptyWindow,
                    window_span,
                    format!(
                        "this window is empty in {round_name} for region `{}`: it starts at {} and ends at {}",
                        election.regions[region].id,
                        start.format("%Y-%m-%dT%H:%MZ"),
                        end.format("%Y-%m-%dT%H:%MZ")
                    ),
                    "start must come before end",
                );
                return None;
            }
            windows.push(RegionWindow {
                region,
                round,
                window: Window { start, end },
            });
        }
    }
    Some(windows)
}
