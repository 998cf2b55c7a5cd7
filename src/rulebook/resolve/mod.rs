//! Raw YAML types → the validated, resolved `Rulebook`.
//!
//! Every problem is collected and reported together, each at the place in the
//! YAML that causes it. Windows are resolved only once the regions and rounds
//! they depend on are known to be sound, so one mistake is reported once.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Expect;
use super::calendar::{Context, Election, wall_clock};
use super::error::Problems;
use super::expr::{self, Anchor, Base, Day, Name};
use super::model::*;
use super::schema::*;
use crate::field::LIST_FIELDS;
use crate::source::{Span, did_you_mean, escape_unsafe, escape_unsafe_lines};
use crate::time::{parse_date, suggest_zone};

pub fn resolve(raw: RawRulebook, expect: Expect, problems: &mut Problems) -> Option<Rulebook> {
    let kinds = terms(&raw.kinds);
    let channels = terms(&raw.channels);
    let regions = regions(&raw.regions, problems);
    check_covers(&raw, problems);
    let default_region = required(&raw.default_region, "default_region", problems)
        .and_then(|id| lookup_region(&regions, id, problems))
        .unwrap_or(0);
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
    // Windows need rounds, and rounds that are sound.
    let sound_calendar = problems.is_empty() && !rounds.is_empty();
    let rules = rules(
        &raw.rules,
        &kinds,
        &channels,
        &places,
        &rounds,
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
        rules,
        adjustments,
        files: problems.files().to_vec(),
    })
}

/// A part the rulebook, or one of the files it extends, must give.
fn required<'a, T>(part: &'a Option<T>, name: &str, problems: &mut Problems) -> Option<&'a T> {
    if part.is_none() {
        problems.add(
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

fn regions(entries: &Entries<RawRegion>, problems: &mut Problems) -> Vec<Region> {
    if entries.0.is_empty() {
        problems.add(
            Place::start_of(0),
            "a rulebook needs at least one region",
            "no regions",
        );
    }
    entries
        .0
        .iter()
        .map(|(id, raw)| {
            let zone = raw.zone.value.parse::<Tz>().unwrap_or_else(|_| {
                let help = suggest_zone(&raw.zone.value).map(|z| format!("did you mean `{z}`?"));
                problems.add_with_help(
                    raw.zone.place(),
                    format!("unknown time zone `{}`", raw.zone.value),
                    "not an IANA time zone",
                    help.or(Some(
                        "zones are IANA names such as Europe/Paris or America/Cayenne".into(),
                    )),
                );
                Tz::UTC
            });
            Region {
                id: id.value.clone(),
                name: escape_unsafe(&raw.name.value),
                zone,
                covers: raw.covers.iter().map(|place| place.value.clone()).collect(),
            }
        })
        .collect()
}

/// A covered place is a name written where a region id belongs, pointed to
/// the region that covers it: so it must not be a region id (the log would
/// mean that region) nor a group's (a group is many regions), and only one
/// region may cover it.
fn check_covers(raw: &RawRulebook, problems: &mut Problems) {
    let mut covered_by: HashMap<&str, (&str, Place)> = HashMap::new();
    for (region, raw_region) in &raw.regions.0 {
        for covered_place in &raw_region.covers {
            let name = covered_place.value.as_str();
            let what = if raw.regions.0.iter().any(|(id, _)| id.value == name) {
                Some("region")
            } else if raw.groups.0.iter().any(|(id, _)| id.value == name) {
                Some("group")
            } else {
                None
            };
            if let Some(what) = what {
                problems.add_with_help(
                    covered_place.place(),
                    format!(
                        "region `{}` covers `{}`, which is a {what} itself",
                        region.value, covered_place.value
                    ),
                    format!("a {what} id"),
                    Some("`covers` lists places a log may name instead of a region; remove it"),
                );
                continue;
            }
            let first =
                covered_by.insert(&covered_place.value, (&region.value, covered_place.place()));
            if let Some((first_region, first_place)) = first {
                let message = if first_region == region.value {
                    format!(
                        "region `{}` lists `{}` twice in `covers`",
                        region.value, covered_place.value
                    )
                } else {
                    format!(
                        "`{}` is covered by two regions, `{first_region}` and `{}`",
                        covered_place.value, region.value
                    )
                };
                problems.add_with_help(
                    covered_place.place(),
                    message,
                    format!("already covered at {}", problems.describe(first_place)),
                    Some("a place is covered by one region, the one a log should name for it"),
                );
            }
        }
    }
}

fn lookup_region(regions: &[Region], id: &Text, problems: &mut Problems) -> Option<usize> {
    let found = regions.iter().position(|r| r.id == id.value);
    if found.is_none() {
        unknown(
            problems,
            id,
            "region",
            regions.iter().map(|r| r.id.as_str()),
        );
    }
    found
}

/// Reports an undeclared name, suggesting the nearest declared one.
fn unknown<'a>(
    problems: &mut Problems,
    name: &Text,
    what: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    let help = match did_you_mean(&name.value, known.clone()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("expected one of: {}", known.collect::<Vec<_>>().join(", ")),
    };
    problems.add_with_help(
        name.place(),
        format!("unknown {what} `{}`", name.value),
        "unknown",
        Some(help),
    );
}

/// A law without rounds has no polls to resolve; its hours are still checked.
fn check_hours(raw: &RawRulebook, problems: &mut Problems) {
    let region_hours = raw
        .regions
        .0
        .iter()
        .filter_map(|(_, region)| region.polls.as_ref());
    for polls in raw.polls.iter().chain(region_hours) {
        clock(&polls.open, problems);
        clock(&polls.close, problems);
    }
}

fn groups(raw: &RawRulebook, regions: &[Region], problems: &mut Problems) -> Vec<Group> {
    raw.groups
        .0
        .iter()
        .map(|(id, members)| {
            if let Some((region, _)) = raw
                .regions
                .0
                .iter()
                .find(|(region, _)| region.value == id.value)
            {
                // Report the name where it came second: files nearer the one
                // named first (lower index) extend the others.
                let (second, first) = if region.file < id.file {
                    (region, id)
                } else {
                    (id, region)
                };
                problems.add(
                    second.place(),
                    format!("`{}` names both a region and a group", id.value),
                    format!("also defined at {}", problems.describe(first.place())),
                );
            }
            Group {
                id: id.value.clone(),
                regions: members
                    .iter()
                    .filter_map(|m| lookup_region(regions, m, problems))
                    .collect(),
            }
        })
        .collect()
}

/// Regions and groups, by name.
struct Places<'a> {
    regions: &'a [Region],
    groups: &'a [Group],
}

impl Places<'_> {
    /// Expands region and group ids into region indices, reporting unknown ones.
    fn expand(&self, names: &[Text], problems: &mut Problems) -> Vec<usize> {
        let mut found = Vec::new();
        for name in names {
            if let Some(region) = self.regions.iter().position(|r| r.id == name.value) {
                found.push(region);
            } else if let Some(group) = self.groups.iter().find(|g| g.id == name.value) {
                found.extend(&group.regions);
            } else {
                let known = self
                    .regions
                    .iter()
                    .map(|r| r.id.as_str())
                    .chain(self.groups.iter().map(|g| g.id.as_str()));
                unknown(problems, name, "region or group", known);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn clock(text: &Text, problems: &mut Problems) -> Option<u32> {
    let parsed = expr::parse_clock(&text.value).ok();
    if parsed.is_none() {
        problems.add(
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
            text.place(),
            format!("`{}` is not a date", text.value),
            "expected YYYY-MM-DD",
        ),
        Some(date) if !YEARS.contains(&date.year()) => problems.add(
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

fn rounds(raw: &RawRulebook, places: &Places, problems: &mut Problems) -> Vec<Round> {
    let polls = required(&raw.polls, "polls", problems);
    let default_open = polls.and_then(|p| clock(&p.open, problems));
    let default_close = polls.and_then(|p| clock(&p.close, problems));
    let Some(raw_rounds) = required(&raw.rounds, "rounds", problems) else {
        return Vec::new();
    };
    if raw_rounds.value.is_empty() {
        problems.add(
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
                .map(|p| (clock(&p.open, problems), clock(&p.close, problems)))
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
            .map_or(default_close, |p| clock(&p.close, problems));
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
        let close = entry.close.as_ref().and_then(|t| clock(t, problems));
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
            id.place(),
            format!("duplicate {what} id `{}`", id.value),
            format!("already used at {first}"),
        );
    }
}

fn rules(
    raw: &[RawRule],
    kinds: &[Term],
    channels: &[Term],
    places: &Places,
    rounds: &[Round],
    sound_calendar: bool,
    problems: &mut Problems,
) -> Vec<Rule> {
    let election = Election {
        regions: places.regions,
        groups: places.groups,
        rounds,
    };
    let mut rules = Vec::new();
    // Duplicate rule ids were reported when the files were composed.
    for rule in raw {
        let severity = Severity::from_name(&rule.severity.value);
        if severity.is_none() {
            unknown(
                problems,
                &rule.severity,
                "severity",
                Severity::NAMES.into_iter(),
            );
        }
        check_citation(&rule.citation, problems);
        let filter = filter(&rule.applies_to, kinds, channels, places, problems);
        let round_filter = rule
            .applies_to
            .rounds
            .as_ref()
            // A law has no rounds yet: its election files are checked against them.
            .map(|names| {
                if rounds.is_empty() {
                    Vec::new()
                } else {
                    round_indices(names, rounds, problems)
                }
            });
        let scope = Scope {
            rounds: round_filter,
            regions: filter.regions.clone(),
        };
        let body = body(rule, scope, &election, sound_calendar, problems);
        if let (Some(severity), Some(body)) = (severity, body) {
            rules.push(Rule {
                id: rule.id.value.clone(),
                title: escape_unsafe(&rule.title.value),
                severity,
                citation: Citation {
                    article: escape_unsafe(&rule.citation.article.value),
                    law: escape_unsafe(&rule.citation.law.value),
                    url: escape_unsafe(&rule.citation.url.value),
                },
                help: escape_unsafe_lines(rule.help.value.trim()),
                filter,
                body,
                place: rule.id.place(),
            });
        }
    }
    rules
}

fn check_citation(citation: &RawCitation, problems: &mut Problems) {
    let url = &citation.url;
    if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
        problems.add(
            url.place(),
            "a citation's url must be a web address",
            "expected https://…",
        );
    }
    for field in [&citation.article, &citation.law] {
        if field.value.trim().is_empty() {
            problems.add(
                field.place(),
                "a citation names its article and its law",
                "empty",
            );
        }
    }
}

fn filter(
    raw: &RawFilter,
    kinds: &[Term],
    channels: &[Term],
    places: &Places,
    problems: &mut Problems,
) -> Filter {
    let vocabulary =
        |names: &Option<Vec<Text>>, terms: &[Term], what: &str, problems: &mut Problems| {
            names.as_ref().map(|names| {
                for name in names
                    .iter()
                    .filter(|n| !terms.iter().any(|t| t.id == n.value))
                {
                    unknown(problems, name, what, terms.iter().map(|t| t.id.as_str()));
                }
                names.iter().map(|n| n.value.clone()).collect()
            })
        };
    Filter {
        kinds: vocabulary(&raw.kinds, kinds, "kind", problems),
        channels: vocabulary(&raw.channels, channels, "channel", problems),
        regions: raw
            .regions
            .as_ref()
            .map(|names| places.expand(names, problems)),
        tags: raw
            .tags
            .as_ref()
            .map(|tags| tags.iter().map(|t| t.value.clone()).collect()),
        attributes: raw
            .attributes
            .iter()
            .flat_map(|entries| &entries.0)
            .map(|(key, value)| {
                reject_list_field(key, problems);
                (key.value.clone(), value.value.clone())
            })
            .collect(),
    }
}

/// `region`, `tags` and `first_published` are not single values to require or compare.
fn reject_list_field(key: &Text, problems: &mut Problems) {
    if LIST_FIELDS.contains(&key.value.as_str()) {
        problems.add_with_help(
            key.place(),
            format!(
                "`{}` cannot be required or compared as an attribute",
                key.value
            ),
            "not a single-valued field",
            Some("filter regions and tags with `applies_to.regions` and `applies_to.tags`"),
        );
    }
}

fn round_indices(names: &[Text], rounds: &[Round], problems: &mut Problems) -> Vec<usize> {
    names
        .iter()
        .filter_map(|name| {
            let found = rounds.iter().position(|r| r.id == name.value);
            if found.is_none() {
                unknown(
                    problems,
                    name,
                    "round",
                    rounds.iter().map(|r| r.id.as_str()),
                );
            }
            found
        })
        .collect()
}

/// The rounds and regions a rule's windows are resolved for: those its
/// filter names, or all of them.
struct Scope {
    rounds: Option<Vec<usize>>,
    regions: Option<Vec<usize>>,
}

fn body(
    rule: &RawRule,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<RuleBody> {
    if let (Some(flag), None) = (&rule.first_publication_only, &rule.requires) {
        problems.add(
            flag.place(),
            "`first_publication_only` belongs to `requires` rules",
            "not a `requires` rule",
        );
    }
    if let (Some(window), Some(rounds)) = (&rule.window, &rule.applies_to.rounds)
        && window
            .value
            .per
            .as_ref()
            .is_some_and(|p| p.value == "election")
    {
        let span = rounds.first().map_or(rule.id.place(), |r| r.place());
        problems.add(
            span,
            "`rounds` cannot narrow a `per: election` window",
            "the window spans the whole election",
        );
    }
    match (&rule.window, &rule.requires) {
        (Some(window), None) => {
            window_rule(window, scope, election, sound_calendar, problems).map(RuleBody::Window)
        }
        (None, Some(attributes)) => {
            if let Some(rounds) = &rule.applies_to.rounds {
                let span = rounds.first().map_or(rule.id.place(), |r| r.place());
                problems.add(
                    span,
                    "`rounds` narrows window rules only",
                    "a `requires` rule holds in every round",
                );
            }
            if attributes.is_empty() {
                problems.add(
                    rule.id.place(),
                    "`requires` lists no attribute",
                    "this rule would never fire",
                );
            }
            attributes
                .iter()
                .for_each(|a| reject_list_field(a, problems));
            Some(RuleBody::Requires(Requirement {
                attributes: attributes.iter().map(|a| a.value.clone()).collect(),
                first_publication_only: rule
                    .first_publication_only
                    .as_ref()
                    .is_some_and(|f| f.value),
            }))
        }
        (Some(_), Some(attributes)) => {
            let span = attributes.first().map_or(rule.id.place(), |a| a.place());
            problems.add(
                span,
                "a rule has one body: `window` or `requires`, not both",
                "second body",
            );
            None
        }
        (None, None) => {
            problems.add_with_help(
                rule.id.place(),
                format!("rule `{}` has no body", rule.id.value),
                "missing `window` or `requires`",
                Some("add `window: {start: …, end: …}` or `requires: [attribute, …]`"),
            );
            None
        }
    }
}

/// An anchor expression and where its text is written.
struct Written<'a> {
    anchor: Anchor,
    text: &'a Text,
    /// The text inside its quotes, if any.
    content: Place,
}

fn window_rule(
    window: &Located<RawWindow>,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<WindowRule> {
    let raw = &window.value;
    let per_election = match raw.per.as_ref().map(|p| p.value.as_str()) {
        None | Some("round") => false,
        Some("election") => true,
        Some(_) => {
            let per = raw.per.as_ref().expect("matched Some");
            unknown(
                problems,
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
        exempt_earlier_publications: raw.exempt_earlier_publications,
        windows,
    })
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
`last_polls_close + 1h`, `vote - 15 days 00:00` or `2017-05-07T20:00:00+02:00`; see rules/README.md";

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
        Day::Vote { region: None, .. } => {}
        Day::StartOfMonth(inner) | Day::Shift(inner, _) => day_names(inner, names),
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
