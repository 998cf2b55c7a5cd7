//! Raw YAML types → the validated, resolved `Rulebook`.
//!
//! Every problem is collected and reported together, each at the place in the
//! YAML that causes it. Windows are resolved only once the regions and rounds
//! they depend on are known to be sound, so one mistake is reported once.
//!
//! One module per part of the rulebook, in the order they are resolved:
//! `places` (regions, zones, covers, groups), `rounds` (dates and polls),
//! `rules` (filters and bodies), `windows` (anchors → UTC intervals).

mod places;
mod rounds;
mod rules;
mod windows;

use super::Expect;
use super::codes::ProblemKind;
use super::error::Problems;
use super::model::*;
use super::schema::*;
use crate::source::{did_you_mean, escape_unsafe};
use places::{Places, check_covers, groups, lookup_region, regions};
use rounds::{check_hours, rounds};
use rules::rules;

pub(super) fn resolve(
    raw: RawRulebook,
    expect: Expect,
    problems: &mut Problems,
) -> Option<Rulebook> {
    let kinds = terms(&raw.kinds);
    let channels = terms(&raw.channels);
    // A layer of law above the states (the EU's) declares no places: the
    // law of a state that extends it does.
    let layer = expect == Expect::LawOrElection && raw.regions.0.is_empty() && raw.rounds.is_none();
    let regions = regions(&raw.regions, layer, problems);
    check_covers(&raw, problems);
    let default_region = if layer && raw.default_region.is_none() {
        0
    } else {
        required(&raw.default_region, "default_region", problems)
            .and_then(|id| lookup_region(&regions, id, problems))
            .unwrap_or(0)
    };
    let groups = groups(&raw, &regions, problems);
    let places = Places {
        regions: &regions,
        groups: &groups,
    };
    let rounds = if raw.rounds.is_none() && expect == Expect::LawOrElection {
        check_hours(&raw, problems);
        Vec::new()
    } else {
        rounds(&raw, &places, problems)
    };
    let events = events(&raw.events, problems);
    // Windows need rounds, and rounds that are sound.
    let sound_calendar = problems.is_empty() && !rounds.is_empty();
    let election = crate::rulebook::instants::Election {
        regions: places.regions,
        groups: places.groups,
        rounds: &rounds,
        events: &events,
    };
    let (rules, left_out) = rules(
        &raw.rules,
        &kinds,
        &channels,
        &places,
        &election,
        sound_calendar,
        problems,
    );
    let adjustments = adjustments(&raw.adjust);
    let id = required(&raw.id, "id", problems).map(|t| t.value.clone());
    // Text written for people is kept as it may be shown on a terminal:
    // control and bidi characters quoted, once, for every report.
    let title = required(&raw.title, "title", problems).map(|t| escape_unsafe(&t.value));
    let jurisdiction =
        required(&raw.jurisdiction, "jurisdiction", problems).map(|t| escape_unsafe(&t.value));
    let (Some(id), Some(title), Some(jurisdiction)) = (id, title, jurisdiction) else {
        return None;
    };
    if !problems.is_empty() {
        return None;
    }
    Some(Rulebook {
        id,
        title,
        jurisdiction,
        // An empty reason says nothing: the dates are then taken as final.
        provisional: raw
            .provisional
            .as_ref()
            .map(|p| escape_unsafe(p.value.trim()))
            .filter(|p| !p.is_empty()),
        sources: raw
            .sources
            .into_iter()
            .map(|s| Reference {
                title: escape_unsafe(&s.title.value),
                url: s.url.map(|u| escape_unsafe(&u.value)),
            })
            .collect(),
        kinds,
        channels,
        regions,
        default_region,
        groups,
        rounds,
        events,
        rules,
        adjustments,
        left_out,
        files: problems.files().to_vec(),
    })
}

/// The election's named events, each a calendar date.
fn events(raw: &Entries<Text>, problems: &mut Problems) -> Vec<NamedEvent> {
    raw.0
        .iter()
        .filter_map(|(id, date)| match crate::time::parse_date(&date.value) {
            Some(parsed) => Some(NamedEvent {
                id: id.value.clone(),
                date: parsed,
            }),
            None => {
                problems.add(
                    ProblemKind::BadDate,
                    date.place(),
                    format!("event `{}`: `{}` is not a date", id.value, date.value),
                    "expected YYYY-MM-DD",
                );
                None
            }
        })
        .collect()
}

/// A part the rulebook, or one of the files it extends, must give.
fn required<'a, T>(part: &'a Option<T>, name: &str, problems: &mut Problems) -> Option<&'a T> {
    if part.is_none() {
        problems.add(
            ProblemKind::MissingPart,
            Place::start_of(0),
            format!("missing `{name}`"),
            format!("neither this rulebook nor the files it extends give `{name}`"),
        );
    }
    part.as_ref()
}

/// The adjustments `compose` applied (their rules and severities are checked there and in `rules`).
fn adjustments(raw: &[RawAdjustment]) -> Vec<Adjustment> {
    raw.iter()
        .map(|a| Adjustment {
            rule: a.rule.value.clone(),
            severity: a
                .severity
                .as_ref()
                .and_then(|s| Severity::from_name(&s.value)),
            reason: a.reason.value.trim().to_string(),
            place: a.rule.place(),
        })
        .collect()
}

fn terms(entries: &Entries<String>) -> Vec<Term> {
    entries
        .0
        .iter()
        .map(|(id, description)| Term {
            id: id.value.clone(),
            description: escape_unsafe(description),
        })
        .collect()
}

/// Reports an undeclared name, suggesting the nearest declared one.
fn unknown<'a>(
    problems: &mut Problems,
    kind: ProblemKind,
    name: &Text,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    let help = match did_you_mean(&name.value, known.clone()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("expected one of: {}", known.collect::<Vec<_>>().join(", ")),
    };
    problems.add_with_help(
        kind,
        name.place(),
        format!("unknown {what} `{}`", name.value),
        "unknown",
        Some(help),
    );
}
