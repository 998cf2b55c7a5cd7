//! Findings → text for people (`human`) or machines (`json`).
//!
//! The only module that knows output formats. Each format implements `Report`
//! and receives every line's outcome as the log is read; the wording shared by
//! formats (a finding's message, local times) lives here.

mod aggregate;
pub mod calendar;
pub mod chart;
mod convert;
mod excerpt;
mod github;
pub mod html;
mod human;
mod json;
mod json_list;
mod json_pretty;
mod junit;
pub mod man;
pub mod preflight;
pub mod rules;
mod sarif;
pub mod shipped;
mod short;
pub mod vocabulary;

use std::fmt::Write as _;
use std::io;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::{OffsetName, Tz};

pub use aggregate::{
    aggregate_message, basis_points_text, group_text, line_range, measure_name, seconds_text,
    slot_text,
};
pub use convert::ConvertReport;
pub use github::GithubReport;
pub use html::HtmlReport;
pub use human::{ColorChoice, DEFAULT_WIDTH, HumanReport};
pub use json::JsonReport;
pub use junit::JunitReport;
pub use sarif::SarifReport;
pub use short::ShortReport;

pub use crate::audit::Report;
use crate::check::{Breach, Finding, Violation};
use crate::publication::Publication;
use crate::rulebook::{Rulebook, Window};
use crate::source::{escape_unsafe, is_safe};

/// Writes through to `W`, flushing at the end of every write that ends a
/// line: for a log that is a stream (`tail -f … | scrutin check -`), each
/// finding is seen as it is found, not when a buffer fills (ripgrep's
/// `--line-buffered`).
pub struct LineBuffered<W> {
    inner: W,
    enabled: bool,
}

impl<W: io::Write> LineBuffered<W> {
    pub fn new(inner: W, enabled: bool) -> Self {
        LineBuffered { inner, enabled }
    }
}

impl<W: io::Write> io::Write for LineBuffered<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        if self.enabled && memchr::memchr(b'\n', &bytes[..written]).is_some() {
            self.inner.flush()?;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// How scrutin draws diagnostics for people: in the CLI, the report and tests.
pub fn graphical_handler(color: bool) -> miette::GraphicalReportHandler {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    miette::GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        // Citation URLs and timestamps must stay whole to be read, clicked or copied.
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// A local wall-clock reading, such as `Sat 2017-05-06 09:30 CEST`.
pub fn local_time(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    let offset = local.offset();
    if !(0..=9999).contains(&local.year()) {
        return local_time_formatted(instant, zone);
    }
    // Written field by field: this runs for every finding.
    let mut text = String::with_capacity(32);
    let _ = write!(text, "{} ", local.weekday());
    date_and_time(&mut text, local.naive_local(), '-', ' ');
    if local.second() != 0 {
        text.push(':');
        two_digits(&mut text, local.second());
    }
    // What `%Z` writes: the abbreviation, or for some zones a bare offset (`-10`).
    match offset.abbreviation() {
        Some(name) if !name.starts_with(['+', '-']) => {
            text.push(' ');
            text.push_str(name);
        }
        _ => {
            let _ = write!(text, " {}", local.format("UTC%:z"));
        }
    }
    text
}

/// `YYYY-MM-DD?HH:MM` of a year from 0 to 9999.
fn date_and_time(text: &mut String, at: chrono::NaiveDateTime, dash: char, between: char) {
    let year = at.year().unsigned_abs();
    two_digits(text, year / 100);
    two_digits(text, year % 100);
    text.push(dash);
    two_digits(text, at.month());
    text.push(dash);
    two_digits(text, at.day());
    text.push(between);
    two_digits(text, at.hour());
    text.push(':');
    two_digits(text, at.minute());
}

fn two_digits(text: &mut String, n: u32) {
    text.push(char::from(b'0' + (n / 10 % 10) as u8));
    text.push(char::from(b'0' + (n % 10) as u8));
}

/// `local_time` through chrono's formatting, for years it writes otherwise.
fn local_time_formatted(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    let abbreviation = local.offset().to_string();
    let zone_text = if abbreviation.starts_with(['+', '-']) {
        local.format("UTC%:z").to_string()
    } else {
        abbreviation
    };
    let time = if local.second() == 0 {
        local.format("%a %Y-%m-%d %H:%M")
    } else {
        local.format("%a %Y-%m-%d %H:%M:%S")
    };
    format!("{time} {zone_text}")
}

/// An instant in UTC, RFC 3339.
/// The width of a table's column: its widest cell or its header, in
/// characters (as `{:<width$}` pads).
pub(crate) fn column_width(cells: impl Iterator<Item = usize>, header: &str) -> usize {
    cells.max().unwrap_or(0).max(header.chars().count())
}

pub fn utc_time(instant: DateTime<Utc>) -> String {
    if !(0..=9999).contains(&instant.year()) {
        return instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    }
    // Written field by field, as chrono writes it: this runs for every finding.
    let mut text = String::with_capacity(30);
    date_and_time(&mut text, instant.naive_utc(), '-', 'T');
    text.push(':');
    two_digits(&mut text, instant.second());
    let nanos = instant.nanosecond();
    let _ = match nanos {
        0 => Ok(()),
        n if n % 1_000_000 == 0 => write!(text, ".{:03}", n / 1_000_000),
        n if n % 1_000 == 0 => write!(text, ".{:06}", n / 1_000),
        n => write!(text, ".{n:09}"),
    };
    text.push('Z');
    text
}

/// An instant in RFC 3339 with a zone's offset then: the local time a
/// machine reads.
pub fn local_rfc3339(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// What is shown of a window in force at all times (`window: always`),
/// whose bounds are never shown.
pub const AT_ALL_TIMES: &str = "at all times";

/// `[start, end)` in a region's local time.
pub fn local_window(window: &Window, zone: Tz) -> String {
    if window.is_always() {
        return AT_ALL_TIMES.to_owned();
    }
    if window.has_no_start() {
        return format!("before {}", local_time(window.end, zone));
    }
    format!(
        "{} → {}",
        local_time(window.start, zone),
        local_time(window.end, zone)
    )
}

/// `[start, end)` in UTC.
pub fn utc_window(window: &Window) -> String {
    if window.is_always() {
        return AT_ALL_TIMES.to_owned();
    }
    if window.has_no_start() {
        return format!("before {}", utc_time(window.end));
    }
    format!("[{}, {})", utc_time(window.start), utc_time(window.end))
}

/// A window's start and end in local time, as table cells: `at all times`
/// and nothing for a window in force at all times; nothing for a start it
/// has not.
pub fn local_bounds(window: &Window, zone: Tz) -> [String; 2] {
    if window.is_always() {
        return [AT_ALL_TIMES.to_owned(), String::new()];
    }
    if window.has_no_start() {
        return [String::new(), local_time(window.end, zone)];
    }
    [window.start, window.end].map(|instant| local_time(instant, zone))
}

/// A window's start and end in UTC, for JSON: none for a window in force
/// at all times, nor for the start of one that has none (written `null`).
pub fn utc_bounds(window: &Window) -> [Option<String>; 2] {
    if window.is_always() {
        return [None, None];
    }
    if window.has_no_start() {
        return [None, Some(utc_time(window.end))];
    }
    [window.start, window.end].map(|instant| Some(utc_time(instant)))
}

/// A duration as a rulebook writes it: `24h`, `30min`, `1h30min`.
pub fn duration_text(duration: chrono::TimeDelta) -> String {
    let minutes = duration.num_minutes();
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}min"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}min"),
    }
}

/// Which copies of a content a duty binds, in words, for the reports that
/// describe a rule: empty when it binds every copy.
pub fn copies_text(requirement: &crate::rulebook::Requirement) -> String {
    match requirement.copies_within {
        _ if requirement.first_publication_only => " (first publication only)".to_string(),
        Some(within) => format!(
            " (first publication, and copies within {} after it)",
            duration_text(within)
        ),
        None => String::new(),
    }
}

/// Region ids, comma-separated.
pub fn region_list(rulebook: &Rulebook, regions: &[usize]) -> String {
    regions
        .iter()
        .map(|&r| rulebook.regions[r].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The round a window belongs to, in words.
pub fn round_name(rulebook: &Rulebook, round: Option<usize>) -> String {
    round.map_or_else(
        || "whole election".to_string(),
        |r| rulebook.rounds[r].name.clone(),
    )
}

/// The attributes a publication lacks, comma-separated; one it gives that
/// cannot be read as the date a rule counts from (`not_before`) says so.
pub fn missing_text(publication: &Publication, missing: &[String]) -> String {
    let mut text = String::new();
    for (n, key) in missing.iter().enumerate() {
        if n > 0 {
            text.push_str(", ");
        }
        text.push_str(key);
        if let Some(value) = publication.field(key).filter(|v| !v.trim().is_empty()) {
            let _ = write!(text, " (`{value}` is not a date, YYYY-MM-DD, up to 9999)");
        }
    }
    text
}

/// What a finding's window belongs to, in words: its round (or the whole
/// election); `at all times`; or, for a publication too early for a date
/// it carries (`not_before`), from when it is allowed.
pub fn round_label(rulebook: &Rulebook, round: Option<usize>, window: &Window, zone: Tz) -> String {
    if window.is_always() {
        AT_ALL_TIMES.to_owned()
    } else if window.has_no_start() {
        format!("allowed from {}", local_time(window.end, zone))
    } else {
        round_name(rulebook, round)
    }
}

/// Where in its line a finding points: the timestamp for a window, the kind
/// for missing attributes.
pub fn finding_offset(publication: &Publication, finding: &Finding) -> usize {
    match finding.violation {
        Violation::InsideWindow { .. } => publication.spans().timestamp.offset,
        Violation::MissingAttributes(_) => publication.spans().kind.offset,
    }
}

/// The one-line message of a finding, the same in every format; quoted, as
/// every text from a log or a rulebook is before it is shown.
pub fn message(rulebook: &Rulebook, publication: &Publication, finding: &Finding) -> String {
    let text = unquoted_message(rulebook, publication, finding);
    if is_safe(&text) {
        return text;
    }
    escape_unsafe(&text)
}

fn unquoted_message(rulebook: &Rulebook, publication: &Publication, finding: &Finding) -> String {
    let rule = &rulebook.rules[finding.rule];
    let mut text = String::with_capacity(160);
    match &finding.violation {
        Violation::InsideWindow { round, windows } => {
            let zone = rulebook.regions[windows[0].region].zone;
            let round = round_label(rulebook, *round, &windows[0].window, zone);
            let _ = write!(
                text,
                "{} ({round}): `{}` published {}",
                rule.title,
                publication.kind(),
                local_time(publication.instant(), zone),
            );
            if let Some(end) = publication.end() {
                let _ = write!(text, " until {}", local_time(end, zone));
            }
            text.push_str(" in ");
            for (n, window) in windows.iter().enumerate() {
                if n > 0 {
                    text.push_str(", ");
                }
                text.push_str(&rulebook.regions[window.region].id);
            }
            overlaps_text(rulebook, windows, &mut text);
        }
        Violation::MissingAttributes(missing) => {
            let _ = write!(
                text,
                "{}: `{}` published without {}",
                rule.title,
                publication.kind(),
                missing_text(publication, missing)
            );
        }
    }
    if let Some(how) = publication.kind_how() {
        let _ = write!(text, " ({how})");
    }
    text
}

/// `, inside the window from … to … (UTC [… , …))`: when a publication that
/// lasts went out inside each window, in its region's local time and UTC
/// (each region named when there are several). Nothing for one that goes
/// out at an instant, nor for a window in force at all times.
fn overlaps_text(rulebook: &Rulebook, windows: &[Breach], text: &mut String) {
    // Under a rule in force at all times the overlap is the whole run,
    // which the message already gives.
    let overlaps = windows
        .iter()
        .filter(|w| !w.window.is_always())
        .filter_map(|w| w.overlap.map(|o| (w.region, o)));
    for (n, (region, overlap)) in overlaps.enumerate() {
        text.push_str(if n == 0 { ", inside the window" } else { "," });
        let region = &rulebook.regions[region];
        if windows.len() > 1 {
            let _ = write!(text, " in {}", region.id);
        }
        let _ = write!(
            text,
            " from {} to {} (UTC {})",
            local_time(overlap.start, region.zone),
            local_time(overlap.end, region.zone),
            utc_window(&overlap)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written field by field, a UTC time reads as chrono writes it.
    #[test]
    fn utc_times_read_as_chrono_writes_them() {
        let nanos = [0, 1, 500_000_000, 120_000, 999_999_999, 7_000];
        let mut seconds: i64 = -62_167_219_200;
        while seconds < 253_402_300_799 {
            for n in nanos {
                let instant = DateTime::from_timestamp(seconds, n).unwrap();
                let expected = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                assert_eq!(utc_time(instant), expected);
            }
            seconds += 86_400 * 3_001 + 4_271;
        }
    }

    /// Written field by field, a local time reads as chrono's formatting
    /// writes it: in every zone, across the years and their transitions.
    #[test]
    fn local_times_read_as_chrono_formats_them() {
        let mut seconds: i64 = -5_000_000_000;
        while seconds < 4_000_000_000 {
            let instant = DateTime::from_timestamp(seconds, 0).unwrap();
            for zone in chrono_tz::TZ_VARIANTS.iter().step_by(7) {
                assert_eq!(
                    local_time(instant, *zone),
                    local_time_formatted(instant, *zone),
                    "{instant} in {}",
                    zone.name()
                );
            }
            seconds += 86_400 * 37 + 3_607;
        }
    }
}
