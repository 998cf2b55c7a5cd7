//! Rounds: their polling days and hours, per region, as UTC instants.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::places::Places;
use super::required;
use crate::rulebook::codes::ProblemKind;
use crate::rulebook::error::Problems;
use crate::rulebook::expr;
use crate::rulebook::instants::wall_clock;
use crate::rulebook::model::*;
use crate::rulebook::schema::*;
use crate::source::escape_unsafe;
use crate::time::parse_date;

/// A law without rounds has no polls to resolve; its hours are still checked.
pub(super) fn check_hours(raw: &RawRulebook, problems: &mut Problems) {
    let region_hours = raw
        .regions
        .0
        .iter()
        .filter_map(|(_, region)| region.polls.as_ref());
    for polls in raw.polls.iter().chain(region_hours) {
        clock(&polls.open, problems);
        close_clock(&polls.close, problems);
    }
}

/// When the polls close: `HH:MM`, or `HH:MM next day` for stations that
/// close after midnight (minutes past the vote day's midnight, past 24:00).
fn close_clock(text: &Text, problems: &mut Problems) -> Option<u32> {
    let value = text.value.trim();
    let next_day = value.len() >= 8
        && value.is_char_boundary(value.len() - 8)
        && value[value.len() - 8..].eq_ignore_ascii_case("next day");
    if !next_day {
        return clock(text, problems);
    }
    let time = value[..value.len() - 8].trim_end();
    match expr::parse_clock(time) {
        Ok(minutes) if minutes < 24 * 60 => Some(24 * 60 + minutes),
        _ => {
            problems.add(
                ProblemKind::BadTime,
                text.place(),
                format!("`{}` is not a closing time", text.value),
                "expected HH:MM, or HH:MM next day (00:00 to 23:59) for a close after midnight",
            );
            None
        }
    }
}

fn clock(text: &Text, problems: &mut Problems) -> Option<u32> {
    let parsed = expr::parse_clock(&text.value).ok();
    if parsed.is_none() {
        problems.add(
            ProblemKind::BadTime,
            text.place(),
            format!("`{}` is not a time of day", text.value),
            "expected HH:MM, from 00:00 to 24:00",
        );
    }
    parsed
}

/// The years a rulebook's dates may have: windows reach a year or so from
/// them, in any zone, and must stay within RFC 3339's years 0000 to 9999.
const YEARS: std::ops::RangeInclusive<i32> = 2..=9997;

fn date(text: &Text, problems: &mut Problems) -> Option<NaiveDate> {
    let parsed = parse_date(&text.value);
    match parsed {
        None => problems.add(
            ProblemKind::BadDate,
            text.place(),
            format!("`{}` is not a date", text.value),
            "expected YYYY-MM-DD",
        ),
        Some(date) if !YEARS.contains(&date.year()) => problems.add(
            ProblemKind::DateOutOfRange,
            text.place(),
            format!("the year of `{}` is out of range", text.value),
            "from 0002 to 9997, so that windows stay in RFC 3339's years",
        ),
        Some(_) => return parsed,
    }
    None
}

/// Polling day and hours of one region before they become instants.
#[derive(Clone, Copy)]
struct LocalPolls {
    vote: NaiveDate,
    open: u32,
    close: u32,
}

pub(super) fn rounds(raw: &RawRulebook, places: &Places, problems: &mut Problems) -> Vec<Round> {
    let polls = required(&raw.polls, "polls", problems);
    let default_open = polls.and_then(|p| clock(&p.open, problems));
    let default_close = polls.and_then(|p| close_clock(&p.close, problems));
    let Some(raw_rounds) = required(&raw.rounds, "rounds", problems) else {
        return Vec::new();
    };
    if raw_rounds.value.is_empty() {
        problems.add(
            ProblemKind::NoRounds,
            raw_rounds.place(),
            "a rulebook needs at least one round",
            "no rounds",
        );
    }
    // A region's own hours (set by law) win over a round's and the default;
    // a round's overrides win over all.
    let region_hours: Vec<Option<(Option<u32>, Option<u32>)>> = raw
        .regions
        .0
        .iter()
        .map(|(_, region)| {
            region
                .polls
                .as_ref()
                .map(|p| (clock(&p.open, problems), close_clock(&p.close, problems)))
        })
        .collect();
    let mut seen = HashMap::new();
    let mut rounds = Vec::new();
    for round in &raw_rounds.value {
        check_unique(&mut seen, &round.id, "round", problems);
        let open = round
            .polls
            .as_ref()
            .map_or(default_open, |p| clock(&p.open, problems));
        let close = round
            .polls
            .as_ref()
            .map_or(default_close, |p| close_clock(&p.close, problems));
        let vote = date(&round.vote, problems);
        let (Some(open), Some(close), Some(vote)) = (open, close, vote) else {
            continue;
        };
        let mut local: Vec<LocalPolls> = region_hours
            .iter()
            .map(|hours| match hours {
                Some((Some(open), Some(close))) => LocalPolls {
                    vote,
                    open: *open,
                    close: *close,
                },
                _ => LocalPolls { vote, open, close },
            })
            .collect();
        apply_overrides(round, places, &mut local, problems);
        let polls = local
            .iter()
            .zip(places.regions)
            .map(|(local, region)| polls_instants(local, region, &round.id, problems))
            .collect();
        rounds.push(Round {
            id: round.id.value.clone(),
            name: escape_unsafe(&round.name.value),
            polls,
        });
    }
    rounds
}

fn apply_overrides(
    round: &RawRound,
    places: &Places,
    local: &mut [LocalPolls],
    problems: &mut Problems,
) {
    let mut overridden: HashMap<usize, Place> = HashMap::new();
    for entry in &round.overrides {
        let vote = entry.vote.as_ref().and_then(|d| date(d, problems));
        let open = entry.open.as_ref().and_then(|t| clock(t, problems));
        let close = entry.close.as_ref().and_then(|t| close_clock(t, problems));
        for name in &entry.regions {
            for region in places.expand(std::slice::from_ref(name), problems) {
                override_region(round, name, region, places, &mut overridden, problems);
                let polls = &mut local[region];
                polls.vote = vote.unwrap_or(polls.vote);
                polls.open = open.unwrap_or(polls.open);
                polls.close = close.unwrap_or(polls.close);
            }
        }
    }
}

/// Records that `region` is overridden by `name`; a region overridden twice is a conflict.
fn override_region(
    round: &RawRound,
    name: &Text,
    region: usize,
    places: &Places,
    overridden: &mut HashMap<usize, Place>,
    problems: &mut Problems,
) {
    if overridden.insert(region, name.place()).is_some() {
        problems.add(
            ProblemKind::OverriddenTwice,
            name.place(),
            format!(
                "region `{}` is overridden twice in round `{}`",
                places.regions[region].id, round.id.value
            ),
            "a second override for the same region",
        );
    }
}

fn polls_instants(
    local: &LocalPolls,
    region: &Region,
    round: &Text,
    problems: &mut Problems,
) -> Polls {
    let open = wall_clock(region.zone, local.vote, local.open);
    let close = wall_clock(region.zone, local.vote, local.close);
    match (open, close) {
        (Some(open), Some(close)) if open < close => Polls {
            vote: local.vote,
            open,
            close,
        },
        _ => {
            problems.add(
                ProblemKind::PollsCloseBeforeOpen,
                round.place(),
                format!(
                    "in round `{}`, the polls in `{}` do not close after they open",
                    round.value, region.id
                ),
                "check this round's polling hours",
            );
            Polls {
                vote: local.vote,
                open: DateTime::<Utc>::MIN_UTC,
                close: DateTime::<Utc>::MIN_UTC,
            }
        }
    }
}

fn check_unique(seen: &mut HashMap<String, Place>, id: &Text, what: &str, problems: &mut Problems) {
    if let Some(first) = seen.insert(id.value.clone(), id.place()) {
        let first = problems.describe(first);
        problems.add(
            ProblemKind::DuplicateRound,
            id.place(),
            format!("duplicate {what} id `{}`", id.value),
            format!("already used at {first}"),
        );
    }
}
