//! The election's restricted windows as a picture (SVG): `calendar --format
//! svg`, the HTML report (findings laid over the windows they broke) and
//! the editor's page draw the same chart.
//!
//! A linear axis over seven months would leave a weekend's silence a
//! sliver beside a six-month ban, so windows are grouped into panels, each
//! with its own axis: the long ones (more than a week) together, the short
//! ones by the days they cover (a round's weekend), those in force at all
//! times apart. Each panel has a row per rule and region, local time of the
//! reader's region on the axis, and each bar's local times and UTC in its
//! `<title>` (shown on hover). Every text from a rulebook or a log is
//! escaped by maud, and its controls and bidirectional overrides quoted
//! (`escape_unsafe`), as in every other output.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use maud::{Markup, html};

use super::calendar::Restriction;
use super::{local_time, utc_window};
use crate::rulebook::{Rulebook, wall_clock};
use crate::source::escape_unsafe;

/// The language of the words the chart writes itself (rule titles and
/// region names are the rulebook's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// `en` or `fr`, as `lang=` and `Accept-Language` say it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The first of `en` and `fr` an `Accept-Language` header or a `lang`
    /// parameter asks for (English otherwise).
    pub fn from_header(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("fr") => Lang::Fr,
                Some("en") => Lang::En,
                _ => continue,
            };
            // `q=0`: not acceptable.
            if quality <= 0.0 {
                continue;
            }
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::En, |(_, lang)| lang)
    }

    /// A weekday's short name: `Sat`, `sam.`.
    pub fn weekday(self, day: chrono::Weekday) -> &'static str {
        self.words().days[day.num_days_from_monday() as usize]
    }

    fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

struct Words {
    at_all_times: &'static str,
    long: &'static str,
    now: &'static str,
    polls_close: &'static str,
    days: [&'static str; 7],
    months: [&'static str; 12],
    chart: &'static str,
    local_time_of: &'static str,
    finding: &'static str,
}

const EN: Words = Words {
    at_all_times: "At all times",
    long: "Long periods",
    now: "now",
    polls_close: "polls close",
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    chart: "Restricted windows",
    local_time_of: "local time of",
    finding: "finding",
};

const FR: Words = Words {
    at_all_times: "En tout temps",
    long: "Longues périodes",
    now: "maintenant",
    polls_close: "clôture du scrutin",
    days: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    months: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
    chart: "Fenêtres d'interdiction",
    local_time_of: "heure locale de",
    finding: "constat",
};

/// A finding laid over the window it broke, in its rule's and region's row.
#[derive(Debug, Clone)]
pub struct Mark {
    pub rule: usize,
    pub region: usize,
    pub start: DateTime<Utc>,
    /// For a publication that lasts.
    pub end: Option<DateTime<Utc>>,
    /// What the mark's `<title>` says (a line of the log, a message).
    pub label: String,
}

impl Mark {
    /// Does the mark fall in one of these windows? A rule's row may be
    /// drawn in several panels (a round's weekend, the next's): a mark
    /// goes only where its window is.
    fn within(&self, windows: &[&Restriction]) -> bool {
        windows.iter().any(|r| match self.end {
            Some(end) => self.start < r.window.end && end > r.window.start,
            None => r.window.start <= self.start && self.start < r.window.end,
        })
    }
}

/// What to draw, and for whom.
pub struct Chart<'a> {
    pub rulebook: &'a Rulebook,
    pub restrictions: &'a [Restriction],
    /// The reader's region: the axis is in its local time, and its polls'
    /// closes mark the rounds.
    pub region: usize,
    pub now: Option<DateTime<Utc>>,
    pub marks: &'a [Mark],
    pub lang: Lang,
}

/// A window longer than this goes to the panel of long periods.
const LONG: TimeDelta = TimeDelta::days(7);
const WIDTH: f64 = 960.0;
const LABEL: f64 = 300.0;
const ROW: f64 = 20.0;
const HEADER: f64 = 26.0;
const AXIS: f64 = 22.0;
const GAP: f64 = 14.0;
const PALETTE: [&str; 8] = [
    "#1f5fa8", "#b3401e", "#2a7a3b", "#7a3f98", "#9a6a00", "#0f6f74", "#a8325e", "#4f5b66",
];

/// A group of windows drawn on one axis.
struct Panel<'r> {
    title: String,
    /// `None` for the windows in force at all times.
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    rows: Vec<(usize, usize, Vec<&'r Restriction>)>,
}

fn panels<'r>(chart: &Chart, restrictions: &'r [Restriction]) -> Vec<Panel<'r>> {
    let words = chart.lang.words();
    let mut always = Vec::new();
    let mut long = Vec::new();
    let mut short: Vec<&Restriction> = Vec::new();
    for r in restrictions {
        if r.window.is_always() {
            always.push(r);
        } else if r.window.end - r.window.start > LONG {
            long.push(r);
        } else {
            short.push(r);
        }
    }
    let mut out = Vec::new();
    if !always.is_empty() {
        out.push(panel(words.at_all_times.to_owned(), None, always));
    }
    if !long.is_empty() {
        let span = span_of(&long);
        out.push(panel(words.long.to_owned(), Some(span), long));
    }
    // Short windows, in clusters of those that overlap or lie within a day
    // of each other: a round's weekend, a phase of a staggered vote.
    short.sort_by_key(|r| (r.window.start, r.window.end));
    let mut cluster: Vec<&Restriction> = Vec::new();
    let mut cluster_end = DateTime::<Utc>::MIN_UTC;
    for r in short {
        if !cluster.is_empty() && r.window.start > cluster_end + TimeDelta::days(1) {
            out.push(short_panel(chart, std::mem::take(&mut cluster)));
        }
        cluster_end = cluster_end.max(r.window.end);
        cluster.push(r);
    }
    if !cluster.is_empty() {
        out.push(short_panel(chart, cluster));
    }
    out
}

fn short_panel<'r>(chart: &Chart, cluster: Vec<&'r Restriction>) -> Panel<'r> {
    let span = span_of(&cluster);
    let zone = chart.rulebook.regions[chart.region].zone;
    let words = chart.lang.words();
    let (from, to) = (
        span.0.with_timezone(&zone).date_naive(),
        span.1.with_timezone(&zone).date_naive(),
    );
    let title = if from == to {
        day_text(words, from)
    } else {
        format!("{} – {}", day_text(words, from), day_text(words, to))
    };
    panel(title, Some(span), cluster)
}

fn day_text(words: &Words, day: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        words.days[day.weekday().num_days_from_monday() as usize],
        day.day(),
        words.months[day.month0() as usize],
        day.year()
    )
}

fn span_of(list: &[&Restriction]) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = list
        .iter()
        .map(|r| r.window.start)
        .min()
        .unwrap_or_default();
    let end = list.iter().map(|r| r.window.end).max().unwrap_or_default();
    (start, end)
}

fn panel<'r>(
    title: String,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    list: Vec<&'r Restriction>,
) -> Panel<'r> {
    let mut rows: Vec<(usize, usize, Vec<&Restriction>)> = Vec::new();
    for r in list {
        match rows
            .iter_mut()
            .find(|(rule, region, _)| *rule == r.rule && *region == r.region)
        {
            Some(row) => row.2.push(r),
            None => rows.push((r.rule, r.region, vec![r])),
        }
    }
    rows.sort_by_key(|(rule, region, _)| (*rule, *region));
    // A panel's axis is padded a little, so that bars do not touch its ends.
    let span = span.map(|(start, end)| {
        let pad = (end - start) / 20;
        (start - pad, end + pad)
    });
    Panel { title, span, rows }
}

/// The chart, as an `<svg>` element (inline in HTML, or a file of its own).
pub fn svg(chart: &Chart) -> Markup {
    let panels = panels(chart, chart.restrictions);
    let height: f64 = panels
        .iter()
        .map(|p| HEADER + AXIS + ROW * p.rows.len() as f64 + GAP)
        .sum::<f64>()
        .max(HEADER);
    let region = &chart.rulebook.regions[chart.region];
    let words = chart.lang.words();
    let title = format!(
        "{} — {} ({} {})",
        words.chart, chart.rulebook.title, words.local_time_of, region.name
    );
    let mut y = 0.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
            viewBox=(format!("0 0 {WIDTH} {height:.0}")) width="100%"
            font-family="system-ui, sans-serif" font-size="12" aria-labelledby="chart-title" {
            title id="chart-title" { (escape_unsafe(&title)) }
            @for panel in &panels {
                @let top = { let t = y; y += HEADER + AXIS + ROW * panel.rows.len() as f64 + GAP; t };
                (draw_panel(chart, panel, top))
            }
        }
    }
}

fn x_of(span: (DateTime<Utc>, DateTime<Utc>), instant: DateTime<Utc>) -> f64 {
    let total = (span.1 - span.0).num_seconds().max(1) as f64;
    let at = (instant.clamp(span.0, span.1) - span.0).num_seconds() as f64;
    LABEL + (WIDTH - LABEL - 10.0) * at / total
}

fn draw_panel(chart: &Chart, panel: &Panel, top: f64) -> Markup {
    let rulebook = chart.rulebook;
    let zone = rulebook.regions[chart.region].zone;
    let words = chart.lang.words();
    let rows_top = top + HEADER + AXIS;
    let bottom = rows_top + ROW * panel.rows.len() as f64;
    html! {
        g class="panel" {
            text x="0" y=(format!("{:.1}", top + 17.0)) font-weight="bold" font-size="14" fill="#1a1a1a" { (panel.title) }
            @if let Some(span) = panel.span {
                @for (x, label) in ticks(span, zone, words) {
                    line x1=(format!("{x:.1}")) x2=(format!("{x:.1}"))
                        y1=(format!("{:.1}", top + HEADER + AXIS - 4.0)) y2=(format!("{bottom:.1}"))
                        stroke="#c8c8c8" stroke-width="1" {}
                    text x=(format!("{:.1}", x + 2.0)) y=(format!("{:.1}", top + HEADER + 14.0))
                        fill="#333" font-size="11" { (label) }
                }
                @for (x, label) in hours(span, zone) {
                    line class="hour" x1=(format!("{x:.1}")) x2=(format!("{x:.1}"))
                        y1=(format!("{:.1}", top + HEADER + AXIS - 2.0)) y2=(format!("{bottom:.1}"))
                        stroke="#e4e4e4" stroke-width="1" {}
                    text x=(format!("{:.1}", x + 2.0)) y=(format!("{:.1}", top + HEADER + AXIS - 4.0))
                        fill="#595959" font-size="9" { (label) }
                }
                @for (round, close) in round_closes(chart) {
                    @if close >= span.0 && close <= span.1 {
                        @let x = x_of(span, close);
                        line class="round" x1=(format!("{x:.1}")) x2=(format!("{x:.1}"))
                            y1=(format!("{rows_top:.1}")) y2=(format!("{bottom:.1}"))
                            stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="4 3" {
                            title { (escape_unsafe(&round)) " — " (words.polls_close) " " (local_time(close, zone)) " (UTC " (super::utc_time(close)) ")" }
                        }
                    }
                }
                @if let Some(now) = chart.now.filter(|n| *n >= span.0 && *n <= span.1) {
                    @let x = x_of(span, now);
                    line class="now" x1=(format!("{x:.1}")) x2=(format!("{x:.1}"))
                        y1=(format!("{:.1}", top + HEADER)) y2=(format!("{bottom:.1}"))
                        stroke="#c00000" stroke-width="2" {
                        title { (words.now) " " (local_time(now, zone)) }
                    }
                    text x=(format!("{:.1}", x + 3.0)) y=(format!("{:.1}", top + HEADER + 2.0)) fill="#c00000" font-size="11" { (words.now) }
                }
            }
            @for (n, (rule, region, windows)) in panel.rows.iter().enumerate() {
                @let y = rows_top + ROW * n as f64;
                @let rule_ref = &rulebook.rules[*rule];
                @let region_ref = &rulebook.regions[*region];
                @let colour = PALETTE[*rule % PALETTE.len()];
                g class="row" data-rule=(rule_ref.id) data-region=(region_ref.id) {
                    text x="0" y=(format!("{:.1}", y + 14.0)) fill="#1a1a1a" {
                        (clip(&escape_unsafe(&rule_ref.id), 30)) " · " (clip(&escape_unsafe(&region_ref.id), 16))
                        title { (escape_unsafe(&rule_ref.title)) " — " (escape_unsafe(&region_ref.name)) }
                    }
                    @for r in windows {
                        @let (x1, x2) = match panel.span {
                            Some(span) => (x_of(span, r.window.start), x_of(span, r.window.end)),
                            None => (LABEL, WIDTH - 10.0),
                        };
                        rect class="window" x=(format!("{x1:.1}")) y=(format!("{:.1}", y + 3.0))
                            width=(format!("{:.1}", (x2 - x1).max(2.0))) height=(format!("{:.1}", ROW - 6.0))
                            fill=(colour) fill-opacity="0.75" {
                            title { (escape_unsafe(&window_title(rulebook, r, words))) }
                        }
                    }
                    @if let Some(span) = panel.span {
                        @for mark in chart.marks.iter().filter(|m| m.rule == *rule && m.region == *region && m.within(windows)) {
                            @let x = x_of(span, mark.start);
                            @match mark.end {
                                Some(end) => {
                                    rect class="mark" x=(format!("{x:.1}")) y=(format!("{:.1}", y + 7.0))
                                        width=(format!("{:.1}", (x_of(span, end) - x).max(3.0))) height="6"
                                        fill="#1a1a1a" { title { (words.finding) ": " (mark.label) } }
                                }
                                None => {
                                    circle class="mark" cx=(format!("{x:.1}")) cy=(format!("{:.1}", y + ROW / 2.0)) r="4"
                                        fill="#1a1a1a" stroke="#fff" stroke-width="1" { title { (words.finding) ": " (mark.label) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `rule — region: local start → local end; UTC [start, end)`.
fn window_title(rulebook: &Rulebook, r: &Restriction, words: &Words) -> String {
    let rule = &rulebook.rules[r.rule];
    let region = &rulebook.regions[r.region];
    if r.window.is_always() {
        return format!("{} — {}: {}", rule.title, region.name, words.at_all_times);
    }
    format!(
        "{} — {}: {} → {}; UTC {}",
        rule.title,
        region.name,
        local_time(r.window.start, region.zone),
        local_time(r.window.end, region.zone),
        utc_window(&r.window)
    )
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// The rounds' polls closes in the reader's region.
fn round_closes(chart: &Chart) -> Vec<(String, DateTime<Utc>)> {
    chart
        .rulebook
        .rounds
        .iter()
        .filter_map(|round| {
            round
                .polls
                .get(chart.region)
                .map(|p| (round.name.clone(), p.close))
        })
        .collect()
}

/// Gridlines at local midnights (every day of a short span, the first of
/// each month of a long one), with their labels.
fn ticks(span: (DateTime<Utc>, DateTime<Utc>), zone: Tz, words: &Words) -> Vec<(f64, String)> {
    let first = span.0.with_timezone(&zone).date_naive();
    let last = span.1.with_timezone(&zone).date_naive();
    let days = (last - first).num_days();
    let mut out = Vec::new();
    let mut day = first;
    while day <= last && out.len() < 400 {
        let labelled = if days <= 14 {
            true
        } else if days <= 120 {
            day.weekday() == chrono::Weekday::Mon
        } else {
            day.day() == 1
        };
        if labelled
            && let Some(instant) = wall_clock(zone, day, 0)
            && instant > span.0
            && instant < span.1
        {
            let label = if days <= 120 {
                format!(
                    "{} {}",
                    words.days[day.weekday().num_days_from_monday() as usize],
                    day.day()
                )
            } else {
                format!("{} {}", words.months[day.month0() as usize], day.year())
            };
            out.push((x_of(span, instant), label));
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}

/// Lighter gridlines at 06:00, 12:00 and 18:00 local, for a span of a few
/// days (a round's weekend): when in the day a window opens or closes.
fn hours(span: (DateTime<Utc>, DateTime<Utc>), zone: Tz) -> Vec<(f64, String)> {
    let first = span.0.with_timezone(&zone).date_naive();
    let last = span.1.with_timezone(&zone).date_naive();
    if (last - first).num_days() > 4 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        for hour in [6, 12, 18] {
            if let Some(instant) = wall_clock(zone, day, hour * 60)
                && instant > span.0
                && instant < span.1
            {
                out.push((x_of(span, instant), format!("{hour:02}:00")));
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_french_or_english() {
        for (header, lang) in [
            ("fr-FR,fr;q=0.9,en;q=0.8", Lang::Fr),
            ("en-GB,en;q=0.9", Lang::En),
            ("de-DE,fr;q=0.5,en;q=0.7", Lang::En),
            ("de-DE,fr;q=0.9,en;q=0.7", Lang::Fr),
            ("", Lang::En),
            ("*", Lang::En),
            ("FR", Lang::Fr),
            ("fr;q=abc", Lang::Fr),
            ("fr;q=0, de", Lang::En),
        ] {
            assert_eq!(Lang::from_header(header), lang, "{header}");
        }
    }

    #[test]
    fn long_labels_are_clipped() {
        assert_eq!(clip("campaign-silence", 30), "campaign-silence");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
