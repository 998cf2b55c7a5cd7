//! Rulebook files → one raw rulebook.
//!
//! An election file `extends` the file of a jurisdiction's law, which may
//! itself extend another. The files merge from the law down to the election:
//! - `id`, `title`, `jurisdiction`: the extending file's, where it gives them;
//! - `sources`: all of them, the law's first;
//! - `kinds`, `channels`, `regions`, `groups`, `rules`: all of them; one name
//!   defined in two files is a conflict, never a silent override;
//! - `default_region`, `polls`, `rounds`: given by one file only;
//! - `adjust`: the only way to change an inherited rule: disable it or change
//!   its severity, with a reason.

use super::codes::ProblemKind;
use super::error::Problems;
use super::schema::{Entries, Located, Place, RawAdjustment, RawRule, RawRulebook, Text};
use crate::source::did_you_mean;

/// Merges `chain`, the file named first and then each file it extends.
pub(super) fn merge(chain: Vec<RawRulebook>, problems: &mut Problems) -> RawRulebook {
    let mut merged = RawRulebook::default();
    for file in chain.into_iter().rev() {
        merge_file(&mut merged, file, problems);
    }
    merged
}

fn merge_file(merged: &mut RawRulebook, file: RawRulebook, problems: &mut Problems) {
    let RawRulebook {
        extends: _,
        id,
        title,
        jurisdiction,
        provisional,
        sources,
        kinds,
        channels,
        regions,
        default_region,
        groups,
        polls,
        rounds,
        events,
        rules,
        adjust,
    } = file;
    for (into, from) in [
        (&mut merged.id, id),
        (&mut merged.title, title),
        (&mut merged.jurisdiction, jurisdiction),
        (&mut merged.provisional, provisional),
    ] {
        if from.is_some() {
            *into = from;
        }
    }
    merged.sources.extend(sources);
    union(&mut merged.kinds, kinds, "kind", problems);
    union(&mut merged.channels, channels, "channel", problems);
    union(&mut merged.regions, regions, "region", problems);
    union(&mut merged.groups, groups, "group", problems);
    // An election's events are dated with its rounds, in its own file.
    if rounds.is_none()
        && let Some((id, _)) = events.0.first()
    {
        problems.add(
            ProblemKind::MisplacedField,
            id.place(),
            "`events` belong to an election file, the one that gives the rounds",
            "this file gives no rounds",
        );
    }
    union(&mut merged.events, events, "event", problems);
    once(
        &mut merged.default_region,
        default_region,
        Located::place,
        "default_region",
        problems,
    );
    once(
        &mut merged.polls,
        polls,
        |p| p.open.place(),
        "polls",
        problems,
    );
    once(
        &mut merged.rounds,
        rounds,
        Located::place,
        "rounds",
        problems,
    );
    // Adjustments change what the file inherits, so they apply before its own rules join.
    let mut adjusted: Vec<&Text> = Vec::new();
    for adjustment in &adjust {
        if let Some(first) = adjusted
            .iter()
            .find(|rule| rule.value == adjustment.rule.value)
        {
            let first = problems.describe(first.place());
            problems.add(
                ProblemKind::AdjustedTwice,
                adjustment.rule.place(),
                format!("rule `{}` is adjusted twice", adjustment.rule.value),
                format!("already adjusted at {first}"),
            );
            continue;
        }
        adjusted.push(&adjustment.rule);
        if apply(&mut merged.rules, adjustment, problems) {
            merged.adjust.push(adjustment.clone());
        }
    }
    for rule in rules {
        add_rule(&mut merged.rules, rule, problems);
    }
}

/// Adds `from`'s entries to `into`; a name already there is a conflict.
fn union<T>(into: &mut Entries<T>, from: Entries<T>, what: &str, problems: &mut Problems) {
    for (name, value) in from.0 {
        match into.0.iter().find(|(known, _)| known.value == name.value) {
            Some((first, _)) => conflict(problems, &name, first.place(), what),
            None => into.0.push((name, value)),
        }
    }
}

fn conflict(problems: &mut Problems, name: &Text, first: Place, what: &str) {
    let help = (first.file != name.file).then_some(
        "a file may not redefine what it extends; to change an inherited rule, use `adjust`",
    );
    problems.add_with_help(
        ProblemKind::DefinedTwice,
        name.place(),
        format!("{what} `{}` is defined twice", name.value),
        format!("already defined at {}", problems.describe(first)),
        help,
    );
}

/// A part only one file of the chain may give.
fn once<T>(
    into: &mut Option<T>,
    from: Option<T>,
    place: impl Fn(&T) -> Place,
    what: &str,
    problems: &mut Problems,
) {
    let Some(from) = from else {
        return;
    };
    match into {
        Some(first) => {
            let first = problems.describe(place(first));
            problems.add_with_help(
                ProblemKind::GivenTwice,
                place(&from),
                format!("`{what}` is given twice"),
                format!("already given at {first}"),
                Some("only one of a rulebook and the files it extends may give it"),
            );
        }
        None => *into = Some(from),
    }
}

fn add_rule(rules: &mut Vec<RawRule>, rule: RawRule, problems: &mut Problems) {
    match rules.iter().find(|known| known.id.value == rule.id.value) {
        Some(first) => {
            let first = first.id.place();
            conflict(problems, &rule.id, first, "rule");
        }
        None => rules.push(rule),
    }
}

/// Applies an adjustment to the inherited rules; false if it is invalid.
fn apply(rules: &mut Vec<RawRule>, adjustment: &RawAdjustment, problems: &mut Problems) -> bool {
    let Some(index) = rules
        .iter()
        .position(|r| r.id.value == adjustment.rule.value)
    else {
        let help = did_you_mean(
            &adjustment.rule.value,
            rules.iter().map(|r| r.id.value.as_str()),
        )
        .map(|near| format!("did you mean `{near}`?"));
        problems.add_with_help(
            ProblemKind::AdjustUnknownRule,
            adjustment.rule.place(),
            format!(
                "`adjust` names rule `{}`, which no extended file defines",
                adjustment.rule.value
            ),
            "unknown rule",
            help,
        );
        return false;
    };
    if adjustment.reason.value.trim().is_empty() {
        problems.add(
            ProblemKind::AdjustWithoutReason,
            adjustment.reason.place(),
            "an adjustment gives its reason",
            "empty reason",
        );
        return false;
    }
    let disable = adjustment.disable.as_ref().is_some_and(|d| d.value);
    match (disable, &adjustment.severity) {
        (true, None) => {
            rules.remove(index);
            true
        }
        (false, Some(severity)) => {
            rules[index].severity = severity.clone();
            true
        }
        (true, Some(severity)) => {
            problems.add(
                ProblemKind::BadAdjustment,
                severity.place(),
                "a disabled rule has no severity",
                "disable, or change the severity, not both",
            );
            false
        }
        (false, None) => {
            problems.add_with_help(
                ProblemKind::BadAdjustment,
                adjustment.rule.place(),
                format!(
                    "this adjustment changes nothing in `{}`",
                    adjustment.rule.value
                ),
                "nothing to change",
                Some("write `disable: true` or `severity: warning`"),
            );
            false
        }
    }
}
