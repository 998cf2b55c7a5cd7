//! Rules: their severity, citation, filter (`applies_to`) and body, a window
//! or required attributes.

use super::places::{Places, zone};
use super::unknown;
use super::windows::{Scope, window_rule};
use crate::field::LIST_FIELDS;
use crate::rulebook::codes::ProblemKind;
use crate::rulebook::error::Problems;
use crate::rulebook::instants::Election;
use crate::rulebook::model::*;
use crate::rulebook::schema::*;
use crate::source::{escape_unsafe, escape_unsafe_lines};

pub(super) fn rules(
    raw: &[RawRule],
    kinds: &[Term],
    channels: &[Term],
    places: &Places,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> (Vec<Rule>, Vec<LeftOut>) {
    let mut rules = Vec::new();
    let mut left_out = Vec::new();
    // An election gets the rules in force on its first polling day.
    let first_day = election
        .rounds
        .first()
        .and_then(|round| round.polls.iter().map(|p| p.vote).min());
    // Duplicate rule ids were reported when the files were composed.
    for rule in raw {
        let severity = Severity::from_name(&rule.severity.value);
        if severity.is_none() {
            unknown(
                problems,
                ProblemKind::UnknownSeverity,
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
                if election.rounds.is_empty() {
                    Vec::new()
                } else {
                    round_indices(names, election.rounds, problems)
                }
            });
        let scope = Scope {
            rounds: round_filter,
            regions: filter.regions.clone(),
        };
        let in_force = rule.in_force.as_ref().and_then(|f| in_force(f, problems));
        if let (Some(in_force), Some(day)) = (&in_force, first_day)
            && !in_force.holds_on(day)
        {
            left_out.push(LeftOut {
                id: rule.id.value.clone(),
                title: escape_unsafe(&rule.title.value),
                in_force: in_force.clone(),
                on: day,
                place: rule.id.place(),
            });
            continue;
        }
        let body = body(rule, scope, election, sound_calendar, problems);
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
                in_force,
                place: rule.id.place(),
            });
        }
    }
    (rules, left_out)
}

/// `in_force: {from, until, by}`, read: days, `from` before `until`.
fn in_force(raw: &Located<RawInForce>, problems: &mut Problems) -> Option<InForce> {
    let mut day = |text: &Option<Text>| -> Result<Option<chrono::NaiveDate>, ()> {
        let Some(text) = text else { return Ok(None) };
        match crate::time::parse_date(&text.value) {
            Some(date) => Ok(Some(date)),
            None => {
                problems.add(
                    ProblemKind::BadDate,
                    text.place(),
                    format!("`{}` is not a date", text.value),
                    "expected YYYY-MM-DD",
                );
                Err(())
            }
        }
    };
    let (from, until) = (day(&raw.value.from), day(&raw.value.until));
    let (Ok(from), Ok(until)) = (from, until) else {
        return None;
    };
    if let (Some(from), Some(until)) = (from, until)
        && from >= until
    {
        problems.add(
            ProblemKind::EmptyWindow,
            raw.place(),
            "a rule in force from a day no earlier than it ends",
            "`from` must come before `until`",
        );
        return None;
    }
    if raw.value.by.value.trim().is_empty() {
        problems.add(
            ProblemKind::MissingCitation,
            raw.value.by.place(),
            "`in_force` names the text that enacted or amended the rule",
            "empty",
        );
    }
    Some(InForce {
        from,
        until,
        by: escape_unsafe(&raw.value.by.value),
    })
}

fn check_citation(citation: &RawCitation, problems: &mut Problems) {
    let url = &citation.url;
    if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
        problems.add(
            ProblemKind::BadCitationUrl,
            url.place(),
            "a citation's url must be a web address",
            "expected https://…",
        );
    }
    for field in [&citation.article, &citation.law] {
        if field.value.trim().is_empty() {
            problems.add(
                ProblemKind::MissingCitation,
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
    let vocabulary = |names: &Option<Vec<Text>>,
                      terms: &[Term],
                      (kind, what): (ProblemKind, &str),
                      problems: &mut Problems| {
        names.as_ref().map(|names| {
            for name in names
                .iter()
                .filter(|n| !terms.iter().any(|t| t.id == n.value))
            {
                let known = terms.iter().map(|t| t.id.as_str());
                unknown(problems, kind, name, what, known);
            }
            names.iter().map(|n| n.value.clone()).collect()
        })
    };
    Filter {
        kinds: vocabulary(
            &raw.kinds,
            kinds,
            (ProblemKind::UnknownKind, "kind"),
            problems,
        ),
        channels: vocabulary(
            &raw.channels,
            channels,
            (ProblemKind::UnknownChannel, "channel"),
            problems,
        ),
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
        attribute_sets: [
            (&raw.attributes_one_of, false),
            (&raw.attributes_none_of, true),
        ]
        .into_iter()
        .flat_map(|(entries, none_of)| {
            entries
                .iter()
                .flat_map(|e| &e.0)
                .map(move |(key, values)| (key, values, none_of))
        })
        .map(|(key, values, none_of)| {
            reject_list_field(key, problems);
            AttributeSet {
                key: key.value.clone(),
                values: values.iter().map(|v| v.value.clone()).collect(),
                none_of,
            }
        })
        .collect(),
    }
}

/// `region`, `tags` and `first_published` are not single values to require or compare.
fn reject_list_field(key: &Text, problems: &mut Problems) {
    if LIST_FIELDS.contains(&key.value.as_str()) {
        problems.add_with_help(
            ProblemKind::NotAnAttribute,
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

/// What a rule over many publications cannot also say: the other body,
/// `rounds` without a window to narrow, an exemption of earlier copies.
fn over_many_fields(rule: &RawRule, problems: &mut Problems) {
    if let Some(requires) = &rule.requires {
        let name = if rule.burst.is_some() {
            "burst"
        } else {
            "balance"
        };
        let span = requires.first().map_or(rule.id.place(), |r| r.place());
        problems.add(
            ProblemKind::MisplacedField,
            span,
            format!("a rule is a `{name}` or a `requires` rule, not both"),
            format!("the {name} is this rule's body"),
        );
    }
    if let (Some(_), Some(balance)) = (&rule.burst, &rule.balance) {
        problems.add(
            ProblemKind::MisplacedField,
            balance.place(),
            "a rule is a `burst` or a `balance`, not both",
            "a second body",
        );
    }
    let window = rule.window.as_ref().and_then(|w| w.value.window());
    if let (Some(rounds), None) = (&rule.applies_to.rounds, window) {
        let span = rounds.first().map_or(rule.id.place(), |r| r.place());
        problems.add(
            ProblemKind::MisplacedField,
            span,
            "`rounds` narrows rules with a window only",
            "a burst or balance without a window counts in every round",
        );
    }
    refuse_exemption(
        rule.window.as_ref(),
        "a burst or balance counts every publication inside its window",
        problems,
    );
}

/// `exempt_earlier_publications` on a window that is not a window rule's
/// (a duty's period, a burst's or balance's window): refused, with why.
fn refuse_exemption(window: Option<&Located<RawWhen>>, why: &str, problems: &mut Problems) {
    if let Some(window) = window
        && window
            .value
            .window()
            .is_some_and(|w| w.exempt_earlier_publications)
    {
        problems.add(
            ProblemKind::MisplacedField,
            window.place(),
            "`exempt_earlier_publications` belongs to window rules",
            why,
        );
    }
}

/// `burst: {more_than, within, per}`, with the window it counts inside, if any.
fn burst_body(
    rule: &RawRule,
    burst: &Located<RawBurst>,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<RuleBody> {
    let raw = &burst.value;
    let within = duration(&raw.within, problems);
    if let Some(per) = &raw.per
        && per.value != "tags"
    {
        reject_list_field(per, problems);
    }
    // A burst counts inside its window (`always`: everywhere, at all times).
    let window = optional_window(rule, scope, election, sound_calendar, problems)?;
    Some(RuleBody::Burst(Burst {
        more_than: raw.more_than.value,
        within: within?,
        per: raw.per.as_ref().map(|p| p.value.clone()),
        window,
    }))
}

/// `balance: {of, by, among, per, slots, tolerance}`, with the window whose
/// periods it totals, if any.
fn balance_body(
    rule: &RawRule,
    balance: &Located<RawBalance>,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<RuleBody> {
    let raw = &balance.value;
    let mut bad = |place: Place, message: String, label: &str, help: &str| {
        problems.add_with_help(ProblemKind::BadBalance, place, message, label, Some(help));
    };
    let of = match raw.of.value.as_str() {
        "duration" => Some(Measure::Duration),
        "count" => Some(Measure::Count),
        other => {
            bad(
                raw.of.place(),
                format!("a balance totals `duration` or `count`, not `{other}`"),
                "not duration nor count",
                "`duration` adds up the time from each publication's instant to its `end`",
            );
            None
        }
    };
    let tolerance = basis_points(&raw.tolerance.value);
    if tolerance.is_none() {
        bad(
            raw.tolerance.place(),
            format!("cannot read the tolerance `{}`", raw.tolerance.value),
            "expected a percentage",
            "a tolerance reads like `5%` or `2.5%`: points of the total, from 0% to 100%",
        );
    }
    let mut slots = Vec::new();
    for slot in raw.slots.iter().flatten() {
        match daily_slot(&slot.value) {
            Some(read) if slots.iter().all(|&(s, e)| read.1 <= s || e <= read.0) => {
                slots.push(read);
            }
            Some(_) => bad(
                slot.place(),
                format!("the slot `{}` overlaps another", slot.value),
                "overlaps an earlier slot",
                "a publication's time is counted in one slot at a time",
            ),
            None => bad(
                slot.place(),
                format!("cannot read the slot `{}`", slot.value),
                "expected HH:MM-HH:MM",
                "a slot reads like `06:00-09:30` or `18:00-24:00`: local time, start before end",
            ),
        }
    }
    if let Some(among) = &raw.among
        && among.is_empty()
    {
        bad(
            balance.place(),
            "`among` lists no value".to_string(),
            "nothing to compare",
            "list the values compared (the candidates), or leave `among` out",
        );
    }
    for field in [Some(&raw.by), raw.per.as_ref()].into_iter().flatten() {
        reject_list_field(field, problems);
    }
    let window = optional_window(rule, scope, election, sound_calendar, problems)?;
    Some(RuleBody::Balance(Balance {
        of: of?,
        by: raw.by.value.clone(),
        among: raw
            .among
            .as_ref()
            .map(|values| values.iter().map(|v| v.value.clone()).collect()),
        per: raw.per.as_ref().map(|p| p.value.clone()),
        slots,
        tolerance: tolerance?,
        window,
    }))
}

/// `5%`, `2.5%`, `0.25%`: basis points (hundredths of a percent), at most 100%.
fn basis_points(text: &str) -> Option<u32> {
    let number = text.trim().strip_suffix('%')?.trim();
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || whole.len() > 3 || fraction.len() > 2 {
        return None;
    }
    if !(whole.bytes().all(|b| b.is_ascii_digit()) && fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let fraction = format!("{fraction:0<2}");
    let points = whole.parse::<u32>().ok()? * 100 + fraction.parse::<u32>().ok()?;
    (points <= 10_000).then_some(points)
}

/// `not_before: {date, days, at, zone}`, read: its date is one of the
/// attributes the rule requires, so a publication without it is reported
/// as such.
fn not_before(
    raw: &Located<RawNotBefore>,
    required: &[Text],
    problems: &mut Problems,
) -> Option<NotBefore> {
    let raw_date = &raw.value.date;
    if !required.iter().any(|r| r.value == raw_date.value) {
        problems.add_with_help(
            ProblemKind::MisplacedField,
            raw_date.place(),
            format!("`{}` is not listed in `requires`", raw_date.value),
            "a date the rule counts from",
            Some(format!(
                "add `{}` to `requires`: a publication without the date must be reported",
                raw_date.value
            )),
        );
    }
    // Ten years either way: a registration, not a calendar of its own.
    let days = raw.value.days.value;
    if days.unsigned_abs() > 3660 {
        problems.add_with_help(
            ProblemKind::BadDuration,
            raw.value.days.place(),
            format!("{days} days is more than ten years"),
            "days after the date",
            Some("`days` counts calendar days after the date, at most 3660 either way"),
        );
    }
    let at = match &raw.value.at {
        None => Some(0),
        Some(text) => match crate::rulebook::expr::parse_clock(text.value.trim()) {
            Ok(minutes) => Some(minutes),
            Err(e) => {
                problems.add_with_help(
                    ProblemKind::BadTime,
                    text.place(),
                    format!("cannot read the time `{}`", text.value),
                    e.message,
                    Some("a time of day reads HH:MM, from 00:00 to 24:00"),
                );
                None
            }
        },
    };
    let zone = match &raw.value.zone {
        None => Some(None),
        Some(name) => zone(name, problems).map(Some),
    };
    Some(NotBefore {
        date: raw_date.value.clone(),
        days,
        at: at?,
        zone: zone?,
    })
}

/// `06:00-09:30`: minutes after local midnight, start before end (24:00 allowed).
fn daily_slot(text: &str) -> Option<(u32, u32)> {
    let (start, end) = text.split_once('-')?;
    let start = crate::rulebook::expr::parse_clock(start.trim()).ok()?;
    let end = crate::rulebook::expr::parse_clock(end.trim()).ok()?;
    (start < end).then_some((start, end))
}

/// The window a duty holds in, or a rule over many publications counts in:
/// `Some(None)` without one (or `always`); `None` when the window cannot be
/// resolved (its problems are reported).
fn optional_window(
    rule: &RawRule,
    scope: Scope,
    election: &Election,
    sound_calendar: bool,
    problems: &mut Problems,
) -> Option<Option<WindowRule>> {
    match rule.window.as_ref().filter(|w| w.value.window().is_some()) {
        Some(window) => window_rule(window, scope, election, sound_calendar, problems).map(Some),
        None => Some(None),
    }
}

/// A duration (`copies_within: 24h`, a burst's `within`), read.
fn duration(text: &Text, problems: &mut Problems) -> Option<chrono::TimeDelta> {
    match crate::rulebook::expr::parse_duration(&text.value) {
        Ok(minutes) => Some(chrono::TimeDelta::minutes(minutes)),
        Err(e) => {
            problems.add_with_help(
                ProblemKind::BadDuration,
                text.place(),
                format!("cannot read the duration `{}`", text.value),
                e.message,
                Some("a duration reads like `24h`, `30min` or `1h30min`"),
            );
            None
        }
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
                    ProblemKind::UnknownRound,
                    name,
                    "round",
                    rounds.iter().map(|r| r.id.as_str()),
                );
            }
            found
        })
        .collect()
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
            ProblemKind::MisplacedField,
            flag.place(),
            "`first_publication_only` belongs to `requires` rules",
            "not a `requires` rule",
        );
    }
    if let (Some(within), None) = (&rule.copies_within, &rule.requires) {
        problems.add(
            ProblemKind::MisplacedField,
            within.place(),
            "`copies_within` belongs to `requires` rules",
            "not a `requires` rule",
        );
    }
    if let (Some(not_before), None) = (&rule.not_before, &rule.requires) {
        problems.add_with_help(
            ProblemKind::MisplacedField,
            not_before.place(),
            "`not_before` belongs to `requires` rules",
            "not a `requires` rule",
            Some("list the date's attribute in `requires: [...]`: a publication must carry it"),
        );
    }
    if let (Some(within), Some(flag)) = (&rule.copies_within, &rule.first_publication_only)
        && flag.value
    {
        problems.add_with_help(
            ProblemKind::MisplacedField,
            within.place(),
            "`copies_within` and `first_publication_only` say different things",
            "binds copies within this time",
            Some("keep `first_publication_only: true` to exempt every later copy, or `copies_within` alone"),
        );
    }
    if let (Some(window), Some(rounds)) = (&rule.window, &rule.applies_to.rounds)
        && let RawWhen::Always = window.value
        && rule.requires.is_none()
    {
        let span = rounds.first().map_or(rule.id.place(), |r| r.place());
        problems.add(
            ProblemKind::MisplacedField,
            span,
            "`rounds` cannot narrow a rule in force at all times",
            "`window: always` has no rounds",
        );
    }
    if let (Some(window), Some(rounds)) = (&rule.window, &rule.applies_to.rounds)
        && window
            .value
            .window()
            .and_then(|w| w.per.as_ref())
            .is_some_and(|p| p.value == "election")
    {
        let span = rounds.first().map_or(rule.id.place(), |r| r.place());
        problems.add(
            ProblemKind::MisplacedField,
            span,
            "`rounds` cannot narrow a `per: election` window",
            "the window spans the whole election",
        );
    }
    if rule.burst.is_some() || rule.balance.is_some() {
        over_many_fields(rule, problems);
    }
    if let Some(burst) = &rule.burst {
        return burst_body(rule, burst, scope, election, sound_calendar, problems);
    }
    if let Some(balance) = &rule.balance {
        return balance_body(rule, balance, scope, election, sound_calendar, problems);
    }
    match (&rule.window, &rule.requires) {
        (Some(window), None) => {
            window_rule(window, scope, election, sound_calendar, problems).map(RuleBody::Window)
        }
        (window, Some(attributes)) => {
            refuse_exemption(
                window.as_ref(),
                "a duty's period exempts later copies with `first_publication_only`",
                problems,
            );
            // A duty with a period: the window says when it applies
            // (`always` is the duty without one).
            let period = optional_window(rule, scope, election, sound_calendar, problems)?;
            // A duty's period may be narrowed to rounds, as a window is.
            if let (Some(rounds), None | Some(RawWhen::Always)) =
                (&rule.applies_to.rounds, window.as_ref().map(|w| &w.value))
            {
                let span = rounds.first().map_or(rule.id.place(), |r| r.place());
                problems.add(
                    ProblemKind::MisplacedField,
                    span,
                    "`rounds` narrows rules with a window only",
                    "a `requires` rule without a period holds in every round",
                );
            }
            if attributes.is_empty() {
                problems.add(
                    ProblemKind::EmptyRequires,
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
                copies_within: rule
                    .copies_within
                    .as_ref()
                    .and_then(|within| duration(within, problems)),
                period,
                not_before: match &rule.not_before {
                    Some(raw) => Some(not_before(raw, attributes, problems)?),
                    None => None,
                },
            }))
        }
        (None, None) => {
            problems.add_with_help(
                ProblemKind::NoBody,
                rule.id.place(),
                format!("rule `{}` has no body", rule.id.value),
                "missing `window` or `requires`",
                Some(
                    "add `window: {start: …, end: …}`, `window: always` or `requires: [attribute, …]`",
                ),
            );
            None
        }
    }
}
