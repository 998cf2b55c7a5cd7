//! A finding as a diagnostic on its line: compact by default (the law and
//! help come once, at the end), whole in verbose output.

use miette::LabeledSpan;

use super::diagnostic::{LineDiagnostic, line_source};
use crate::audit::LogLine;
use crate::check::{Breach, Finding, Violation};
use crate::publication::Publication;
use crate::report::excerpt::display_width;
use crate::report::{
    AT_ALL_TIMES, local_time, local_window, message, missing_text, region_list, round_label,
    utc_time, utc_window,
};
use crate::rulebook::{Rulebook, Severity};
use crate::source::{Span, escape_unsafe};

/// A finding as the default output shows it: the rule id, the snippet cut to
/// the width, one label, and the window in local time and UTC. The rule's
/// law and help come once, at the end (`HumanReport::rules_fired`).
pub(super) fn compact_diagnostic(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
    width: usize,
) -> LineDiagnostic {
    let rule = &rulebook.rules[finding.rule];
    let spans = &publication.spans();
    let (message, span, label, help) = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let regions: Vec<usize> = windows.iter().map(|w| w.region).collect();
            let zone = rulebook.regions[regions[0]].zone;
            let when = match publication.end() {
                Some(end) => format!(
                    "from {} to {}",
                    local_time(publication.instant(), zone),
                    local_time(end, zone)
                ),
                None => format!("at {}", local_time(publication.instant(), zone)),
            };
            let message = format!(
                "{}: `{}` {when} in {}",
                rule.id,
                publication.kind(),
                region_list(rulebook, &regions)
            );
            let first = &windows[0];
            let zone = rulebook.regions[first.region].zone;
            let label = if first.window.is_always() {
                format!("forbidden {AT_ALL_TIMES}")
            } else if first.window.has_no_start() {
                format!(
                    "too early: allowed from {}",
                    local_time(first.window.end, zone)
                )
            } else {
                format!(
                    "window {}",
                    short_local_window(&first.window, rulebook.regions[first.region].zone)
                )
            };
            let mut help = if first.window.is_always() {
                "the rule holds at all times, not only around the election".to_owned()
            } else if first.window.has_no_start() {
                format!("UTC: allowed from {}", utc_time(first.window.end))
            } else {
                format!(
                    "{}; UTC {}",
                    round_label(rulebook, *round, &first.window, zone),
                    utc_window(&first.window)
                )
            };
            overlap_help(rulebook, first, &mut help);
            for w in &windows[1..] {
                let region = &rulebook.regions[w.region];
                help.push_str(&format!(
                    "\nin {}: {}; UTC {}",
                    region.id,
                    short_local_window(&w.window, region.zone),
                    utc_window(&w.window)
                ));
                overlap_help(rulebook, w, &mut help);
            }
            (message, spans.timestamp, label, help)
        }
        Violation::MissingAttributes(missing) => {
            let message = format!(
                "{}: `{}` published without {}",
                rule.id,
                publication.kind(),
                missing_text(publication, missing)
            );
            // The message says what is missing; the underline says where.
            (message, spans.kind, String::new(), String::new())
        }
    };
    // How a profile's classification decided the kind, so that the reader
    // can judge a finding that rests on it.
    let help = match publication.kind_how() {
        Some(how) if help.is_empty() => how.to_string(),
        Some(how) => format!("{help}\n{how}"),
        None => help,
    };
    // The rule's id and regions come from the rulebook: quoted like the rest.
    let message = escape_unsafe(&message);
    let (source, span) = line_source(line, span, Some(width));
    let gutter = source.line.to_string().len() + 4;
    let span = fit_label(&source.text, span, gutter, display_width(&label), width);
    LineDiagnostic {
        message,
        code: None,
        severity: miette_severity(finding.severity(rulebook, publication)),
        source,
        labels: vec![LabeledSpan::new_primary_with_span(
            (!label.is_empty()).then_some(label),
            span,
        )],
        help: (!help.is_empty()).then_some(help),
    }
}

/// `\noverlap …; UTC […)`: the part of the window a publication that lasts
/// went out in, for the compact help.
fn overlap_help(rulebook: &Rulebook, breach: &Breach, help: &mut String) {
    // Under a rule in force at all times, the whole run (in the message).
    if breach.window.is_always() {
        return;
    }
    if let Some(overlap) = &breach.overlap {
        let zone = rulebook.regions[breach.region].zone;
        help.push_str(&format!(
            "\noverlap {}; UTC {}",
            short_local_window(overlap, zone),
            utc_window(overlap)
        ));
    }
}

/// `span` shortened, when its label would pass the `width`, so that the
/// label (drawn from the middle of the span, after `gutter` columns) fits.
fn fit_label(text: &str, span: Span, gutter: usize, label: usize, width: usize) -> Span {
    let start = display_width(&text[..span.offset]);
    let spanned = &text[span.offset..span.end()];
    // miette draws `╰── ` from the middle of the span, then the label.
    let room = width.saturating_sub(gutter + start + 4 + label);
    if display_width(spanned) / 2 <= room {
        return span;
    }
    let kept: usize = spanned
        .chars()
        .take((2 * room).max(1))
        .map(char::len_utf8)
        .sum();
    Span::new(span.offset, kept)
}

/// `[start, end)` in local time, the zone written once when both ends share it.
fn short_local_window(window: &crate::rulebook::Window, zone: chrono_tz::Tz) -> String {
    if window.is_always() {
        return format!("forbidden {AT_ALL_TIMES}");
    }
    if window.has_no_start() {
        return format!("before {}", local_time(window.end, zone));
    }
    let (start, end) = (local_time(window.start, zone), local_time(window.end, zone));
    match (start.rsplit_once(' '), end.rsplit_once(' ')) {
        (Some((start_time, start_zone)), Some((_, end_zone))) if start_zone == end_zone => {
            format!("{start_time} → {end}")
        }
        _ => format!("{start} → {end}"),
    }
}

pub(super) fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

pub(super) fn finding_diagnostic(
    rulebook: &Rulebook,
    line: &LogLine,
    publication: &Publication,
    finding: &Finding,
) -> LineDiagnostic {
    let rule = &rulebook.rules[finding.rule];
    let spans = &publication.spans();
    let (labels, window_text) = match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let zone = rulebook.regions[windows[0].region].zone;
            let when = match publication.end() {
                Some(end) => format!(
                    "{} to {}: overlaps the window",
                    local_time(publication.instant(), zone),
                    local_time(end, zone)
                ),
                None => format!(
                    "{}: inside the window",
                    local_time(publication.instant(), zone)
                ),
            };
            let labels = vec![
                LabeledSpan::new_primary_with_span(Some(when), spans.timestamp),
                LabeledSpan::new_with_span(
                    Some(format!(
                        "`{}` is covered by {}",
                        publication.kind(),
                        rule.id
                    )),
                    spans.kind,
                ),
            ];
            let window_text: String = windows
                .iter()
                .map(|w| {
                    let region = &rulebook.regions[w.region];
                    let overlap = w.overlap.map_or_else(String::new, |o| {
                        format!(
                            "  overlap local {}\n  overlap UTC   {}\n",
                            short_local_window(&o, region.zone),
                            utc_window(&o)
                        )
                    });
                    format!(
                        "window for {}, {}:\n  local {}\n  UTC   {}\n{overlap}",
                        region.id,
                        round_label(rulebook, *round, &w.window, region.zone),
                        local_window(&w.window, region.zone),
                        utc_window(&w.window)
                    )
                })
                .collect();
            (labels, window_text)
        }
        Violation::MissingAttributes(missing) => {
            let label = format!(
                "a `{}` must state {}",
                publication.kind(),
                missing.join(", ")
            );
            (
                vec![LabeledSpan::new_primary_with_span(Some(label), spans.kind)],
                String::new(),
            )
        }
    };
    let help = format!(
        "{window_text}law: {} <{}>\nrule: {}\n\n{}",
        rule.citation,
        rule.citation.url,
        rulebook.locate(rule.place),
        rule.help,
    );
    LineDiagnostic {
        message: message(rulebook, publication, finding),
        code: Some(rule.id.clone()),
        severity: miette_severity(finding.severity(rulebook, publication)),
        source: line_source(line, spans.timestamp, None).0,
        labels,
        help: Some(help),
    }
}
