//! The words of findings over many publications (bursts, balances), which
//! every format shares: the message, the group, the range of lines, and
//! the quantities they count.

use super::{duration_text, local_time, utc_time};
use crate::check::{Aggregate, AggregateFinding};
use crate::rulebook::{RuleBody, Rulebook};
use crate::source::escape_unsafe;

/// An aggregate finding in one line: what the group did, when (in the
/// default region's local time and UTC), against what threshold. Escaped:
/// the group comes from a log.
pub fn aggregate_message(rulebook: &Rulebook, finding: &AggregateFinding) -> String {
    let rule = &rulebook.rules[finding.rule];
    let text = match &finding.what {
        Aggregate::Burst {
            count,
            more_than,
            peak,
        } => {
            let zone = rulebook.regions[rulebook.default_region].zone;
            format!(
                "{}: {count} publications{} within {} from {} ({}), more than {more_than}",
                rule.title,
                group_text(rulebook, finding),
                duration_text(peak.end - peak.start),
                local_time(peak.start, zone),
                utc_time(peak.start),
            )
        }
        Aggregate::Balance(imbalance) => {
            let zone = rulebook.regions[rulebook.default_region].zone;
            let amount = |amount| match imbalance.measure {
                crate::rulebook::Measure::Duration => seconds_text(amount),
                crate::rulebook::Measure::Count => format!("{amount}"),
            };
            let slot = imbalance.slot.map_or(String::new(), |slot| {
                format!(" in the slot {}", slot_text(slot))
            });
            let period = imbalance.period.unwrap_or(imbalance.span);
            format!(
                "{}: `{}` had {} of {} ({}){}{slot} from {} to {}; an equal share of {} is {}, give or take {} points",
                rule.title,
                imbalance.value,
                amount(imbalance.amount),
                amount(imbalance.total),
                basis_points_text(imbalance.share().max(0) as u32),
                group_text(rulebook, finding),
                local_time(period.start, zone),
                local_time(period.end, zone),
                imbalance.values,
                basis_points_text(imbalance.equal_share().max(0) as u32),
                basis_points_text(imbalance.tolerance).trim_end_matches('%'),
            )
        }
    };
    escape_unsafe(&text)
}

/// ` of outlet `x``, ` tagged `leak``, ` without `account``: the group of an
/// aggregate finding, in words; nothing when the rule groups all together.
pub fn group_text(rulebook: &Rulebook, finding: &AggregateFinding) -> String {
    let per = match &rulebook.rules[finding.rule].body {
        RuleBody::Burst(burst) => burst.per.as_deref(),
        RuleBody::Balance(balance) => balance.per.as_deref(),
        _ => None,
    };
    // A burst counts publications of a group; a balance totals time on it.
    let of = match finding.what {
        Aggregate::Burst { .. } => "of",
        Aggregate::Balance(_) => "on",
    };
    match per {
        None => String::new(),
        Some(per) if finding.group.is_empty() => format!(" without `{per}`"),
        Some("tags") => format!(" tagged `{}`", finding.group),
        Some(per) => format!(" {of} {per} `{}`", finding.group),
    }
}

/// Where an aggregate finding's lines are: `lines 14 to 73 of a.log`, or
/// `a.log:14 to b.log:3` across files.
pub fn line_range(finding: &AggregateFinding) -> String {
    let (first, last) = (&finding.first, &finding.last);
    let text = if first.file == last.file {
        format!("lines {} to {} of {}", first.line, last.line, first.file)
    } else {
        format!(
            "{}:{} to {}:{}",
            first.file, first.line, last.file, last.line
        )
    };
    escape_unsafe(&text)
}

/// Seconds as hours, minutes and seconds: `3h05min`, `42s`.
pub fn seconds_text(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}min"),
        (0, m, s) => format!("{m}min{s:02}s"),
        (h, m, 0) => format!("{h}h{m:02}min"),
        (h, m, s) => format!("{h}h{m:02}min{s:02}s"),
    }
}

/// `duration` or `count`: what a balance totals.
pub fn measure_name(measure: crate::rulebook::Measure) -> &'static str {
    match measure {
        crate::rulebook::Measure::Duration => "duration",
        crate::rulebook::Measure::Count => "count",
    }
}

/// A daily slot: `06:00-09:30`, `18:00-24:00`.
pub fn slot_text((start, end): (u32, u32)) -> String {
    format!(
        "{:02}:{:02}-{:02}:{:02}",
        start / 60,
        start % 60,
        end / 60,
        end % 60
    )
}

/// Basis points as a percentage: `5%`, `2.5%`.
pub fn basis_points_text(points: u32) -> String {
    match points % 100 {
        0 => format!("{}%", points / 100),
        rest if rest % 10 == 0 => format!("{}.{}%", points / 100, rest / 10),
        rest => format!("{}.{rest:02}%", points / 100),
    }
}
