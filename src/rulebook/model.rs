//! The rulebook once validated and resolved: what the program means.
//!
//! Regions, rounds and rules refer to each other by index into the
//! `Rulebook`'s vectors; every window is already a UTC interval, so checking
//! never touches a time zone.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use super::schema::Place;
use crate::source::{SourceFile, did_you_mean, escape_unsafe};

/// `did you mean `poll-ban`?`, or `its rules: a, b` when nothing is near.
fn hint<'a>(noun: &str, id: &str, known: impl Iterator<Item = &'a str>) -> String {
    // The ids come from the rulebook, and the hint may reach a terminal.
    let names: Vec<String> = known.map(escape_unsafe).collect();
    match did_you_mean(id, names.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("its {noun}s: {}", names.join(", ")),
    }
}

#[derive(Debug, Clone)]
pub struct Rulebook {
    pub id: String,
    pub title: String,
    pub jurisdiction: String,
    /// Why the election's dates are not final, if they are not: every
    /// output says so.
    pub provisional: Option<String>,
    pub sources: Vec<Reference>,
    pub kinds: Vec<Term>,
    pub channels: Vec<Term>,
    pub regions: Vec<Region>,
    /// Index into `regions` of the region a publication reaches when it names none.
    pub default_region: usize,
    pub groups: Vec<Group>,
    pub rounds: Vec<Round>,
    /// Dated events besides the rounds, in the order declared.
    pub events: Vec<NamedEvent>,
    pub rules: Vec<Rule>,
    /// Inherited rules disabled or changed, with their reasons.
    pub adjustments: Vec<Adjustment>,
    /// Rules of the law not in force on the election's first polling day,
    /// left out of `rules`.
    pub left_out: Vec<LeftOut>,
    /// The YAML files it was composed from: the one named first, then each
    /// file it extends. `Place::file` indexes this.
    pub files: Vec<SourceFile>,
}

impl Rulebook {
    /// The file the rulebook was loaded from (not the ones it extends).
    pub fn file_name(&self) -> &str {
        self.files.first().map_or("", SourceFile::name)
    }

    /// `file:line:column` of a place in the rulebook's files.
    pub fn locate(&self, place: Place) -> String {
        let file = &self.files[place.file];
        let (line, column) = file.line_column(place.span.offset);
        format!("{}:{line}:{column}", file.name())
    }

    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|region| region.id == id)
    }

    /// The region that covers `place`, a name written where a region id
    /// belongs (`region=quebec`). Resolution made sure a place is covered by
    /// one region at most and is never a region id itself.
    pub fn covering_region(&self, place: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|region| region.covers.iter().any(|covered| covered == place))
    }

    /// `it is covered by region `eastern``: what every unknown-region message
    /// adds when a region covers the name, so that they all say it alike.
    pub fn covered_note(&self, place: &str) -> Option<String> {
        // The id comes from the rulebook, and the note may reach a terminal.
        self.covering_region(place)
            .map(|region| format!("it is covered by region `{}`", escape_unsafe(&region.id)))
    }

    /// What to say of a region id the rulebook does not declare: the region
    /// that covers it, else the nearest declared id, else the list of them.
    pub fn region_hint(&self, id: &str) -> String {
        self.covered_note(id)
            .unwrap_or_else(|| hint("region", id, self.regions.iter().map(|r| r.id.as_str())))
    }

    /// What to say of a rule id the rulebook does not have: why the law's
    /// rule was left out, else the nearest id.
    pub fn rule_hint(&self, id: &str) -> String {
        match self.left_out.iter().find(|rule| rule.id == id) {
            Some(rule) => format!(
                "it is not in force on the election's first polling day, {}: {}",
                rule.on, rule.in_force
            ),
            None => hint("rule", id, self.rules.iter().map(|r| r.id.as_str())),
        }
    }

    pub fn is_kind(&self, id: &str) -> bool {
        self.kinds.iter().any(|kind| kind.id == id)
    }

    pub fn is_channel(&self, id: &str) -> bool {
        self.channels.iter().any(|channel| channel.id == id)
    }
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub title: String,
    pub url: Option<String>,
}

/// A word of the rulebook's vocabulary (a kind or a channel) and what it covers.
#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub id: String,
    pub name: String,
    pub zone: Tz,
    /// Places inside the region a log might name instead of it (Canada's
    /// provinces for its time-zone groups); never region ids.
    pub covers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub regions: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Round {
    pub id: String,
    pub name: String,
    /// Polling day and hours, one entry per region, in `Rulebook::regions` order.
    pub polls: Vec<Polls>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Polls {
    /// The calendar day of the vote in the region's zone.
    pub vote: NaiveDate,
    pub open: DateTime<Utc>,
    pub close: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const NAMES: [&'static str; 3] = ["error", "warning", "info"];

    pub fn from_name(name: &str) -> Option<Severity> {
        match name {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// When a rule is law: `[from, until)`, days; and the text that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub by: String,
}

/// `in force from 2025-10-10 (Regulation (EU) 2024/900, art. 30(2))`.
impl fmt::Display for InForce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("in force")?;
        if let Some(from) = self.from {
            write!(f, " from {from}")?;
        }
        if let Some(until) = self.until {
            write!(f, " until {until} (excluded)")?;
        }
        write!(f, " ({})", self.by)
    }
}

impl InForce {
    /// Is it in force on `day`?
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day < until)
    }
}

/// A rule of the law left out of an election: not in force on its dates.
#[derive(Debug, Clone)]
pub struct LeftOut {
    pub id: String,
    pub title: String,
    pub in_force: InForce,
    /// The election's first polling day, which it was judged on.
    pub on: NaiveDate,
    pub place: Place,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub citation: Citation,
    pub help: String,
    pub filter: Filter,
    pub body: RuleBody,
    /// When it is law, if the rulebook says (an election only gets it if
    /// in force on its first polling day).
    pub in_force: Option<InForce>,
    /// Where the rule's `id` is written.
    pub place: Place,
}

/// An inherited rule disabled or given another severity by an election file.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub rule: String,
    /// `None` when the rule is disabled.
    pub severity: Option<Severity>,
    pub reason: String,
    pub place: Place,
}

#[derive(Debug, Clone)]
pub struct Citation {
    pub article: String,
    pub law: String,
    pub url: String,
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.law, self.article)
    }
}

/// Which publications a rule is about. Every field given must match; within a
/// list, any entry may. An absent field matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kinds: Option<Vec<String>>,
    pub channels: Option<Vec<String>>,
    /// Region indices (groups are expanded).
    pub regions: Option<Vec<usize>>,
    pub tags: Option<Vec<String>>,
    /// Attributes that must be present with exactly this value.
    pub attributes: Vec<(String, String)>,
    /// Attributes tested against a set of values.
    pub attribute_sets: Vec<AttributeSet>,
}

/// `attributes_one_of` / `attributes_none_of`: an attribute's value in a set,
/// or not (an attribute a publication does not give is in no set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSet {
    pub key: String,
    pub values: Vec<String>,
    /// `none_of`: the value must not be one of them.
    pub none_of: bool,
}

impl AttributeSet {
    /// Does a publication whose attribute is `value` pass?
    pub fn admits(&self, value: Option<&str>) -> bool {
        let listed = value.is_some_and(|v| self.values.iter().any(|x| x == v));
        listed != self.none_of
    }
}

/// A dated event of an election besides its rounds (the writ issued, the
/// official campaign opened), which anchors name as `event(ID)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEvent {
    pub id: String,
    pub date: chrono::NaiveDate,
}

#[derive(Debug, Clone)]
pub enum RuleBody {
    /// Matching publications are forbidden inside these windows.
    Window(WindowRule),
    /// Matching publications must carry these attributes.
    Requires(Requirement),
    /// Too many matching publications in too short a time: a rule over many
    /// publications, judged when every log has been read.
    Burst(Burst),
    /// Totals per value of an attribute, compared with equal shares: a
    /// rule over many publications, judged when every log has been read.
    Balance(Balance),
}

/// Equal shares of a total (speaking time) among the values of an
/// attribute (candidates), per group, period and daily slot.
#[derive(Debug, Clone)]
pub struct Balance {
    /// Durations (`end` minus the instant, in seconds) or publications.
    pub of: Measure,
    /// The attribute compared (`candidate`).
    pub by: String,
    /// The values compared; `None` for those the log gives.
    pub among: Option<Vec<String>>,
    /// The field that keeps totals apart (`outlet`); `None` for one total.
    pub per: Option<String>,
    /// Daily slots, minutes after local midnight, `[start, end)`; end may
    /// be 1440 (24:00). Empty for the whole day.
    pub slots: Vec<(u32, u32)>,
    /// The largest distance from an equal share allowed, in basis points
    /// of the total (500 for 5%).
    pub tolerance: u32,
    /// The periods totals are kept for (each window of a region and round);
    /// `None` for one period, the whole log.
    pub window: Option<WindowRule>,
}

/// What a balance totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Duration,
    Count,
}

/// More than `more_than` matching publications within any `within`, per
/// group: bots amplifying a leak during the silence.
#[derive(Debug, Clone)]
pub struct Burst {
    pub more_than: u32,
    pub within: chrono::TimeDelta,
    /// The field whose value groups publications (`outlet`, `tags`: each
    /// tag, an attribute); `None` for all together.
    pub per: Option<String>,
    /// Only publications inside these windows count (in one of their
    /// regions); `None` for all.
    pub window: Option<WindowRule>,
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub attributes: Vec<String>,
    /// Later copies (with an earlier `first_published`) are exempt.
    pub first_publication_only: bool,
    /// Copies published this long or longer after the first publication
    /// (`first_published`) are exempt; the first and earlier copies are not
    /// (Canada's s. 326(1): "within 24 hours after").
    pub copies_within: Option<chrono::TimeDelta>,
    /// When the duty applies (the election period, from the writ): `None`
    /// for always. A publication outside these windows owes nothing.
    pub period: Option<WindowRule>,
    /// Not before a day counted from a date the publication carries (a
    /// poll's registration): `None` for a duty of attributes alone.
    pub not_before: Option<NotBefore>,
}

/// `not_before: {date: registered, days: 6, at: "00:00", zone: …}`: a
/// publication may go out only from `at` on the day `days` after the date
/// its attribute `date` holds (YYYY-MM-DD), in `zone` or, without one, in
/// each of its regions' zones. Brazil's polls wait five clear days after
/// their registration (Lei 9.504 art. 33).
#[derive(Debug, Clone)]
pub struct NotBefore {
    /// The attribute that holds the date; the rule requires it too.
    pub date: String,
    /// Calendar days after the date (negative: before it).
    pub days: i64,
    /// Minutes after local midnight, up to 1440 (24:00).
    pub at: u32,
    pub zone: Option<Tz>,
}

impl NotBefore {
    /// The first instant a publication carrying `date` may go out, with
    /// the day read in `zone` (the rule's, if it names one); `None` if it
    /// is past what a log can write (the years 0000 to 9999 in UTC): such
    /// a date is no date, and cannot move a publication where no log could
    /// read it back.
    pub fn allowed_from(&self, date: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
        let day = if self.days >= 0 {
            date.checked_add_days(chrono::Days::new(self.days.unsigned_abs()))
        } else {
            date.checked_sub_days(chrono::Days::new(self.days.unsigned_abs()))
        }?;
        let instant = super::instants::wall_clock(self.zone.unwrap_or(zone), day, self.at)?;
        (0..=9999)
            .contains(&chrono::Datelike::year(&instant))
            .then_some(instant)
    }

    /// As a rulebook would write it: `registered + 6 days 00:00`.
    pub fn text(&self) -> String {
        let zone = self.zone.map(|z| format!(" ({z})")).unwrap_or_default();
        let days = self.days.unsigned_abs();
        format!(
            "{} {} {days} {} {:02}:{:02}{zone}",
            self.date,
            if self.days < 0 { '-' } else { '+' },
            if days == 1 { "day" } else { "days" },
            self.at / 60,
            self.at % 60
        )
    }
}

#[derive(Debug, Clone)]
pub struct WindowRule {
    /// The anchor expressions as written, for display (both `always` for a
    /// rule in force at all times).
    pub start: String,
    pub end: String,
    /// `window: always`: one window per region, `Window::ALWAYS`, which has
    /// no ends to show or to wait for.
    pub always: bool,
    /// Content first published before the window starts may stay online.
    pub exempt_earlier_publications: bool,
    /// One window per round and region (or per region for `per: election`).
    pub windows: Vec<RegionWindow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionWindow {
    pub region: usize,
    /// `None` for a window that spans the whole election.
    pub round: Option<usize>,
    pub window: Window,
}

/// A half-open interval of time `[start, end)`: a publication exactly at
/// `start` is inside, one exactly at `end` (the close of the polls) is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// At all times: the window of a rule that has no ends (`window:
    /// always`). Its bounds are the first and last instants chrono can
    /// hold, so that it contains every instant a log can write; they are
    /// never shown, nor moved (`is_always`).
    pub const ALWAYS: Window = Window {
        start: DateTime::<Utc>::MIN_UTC,
        end: DateTime::<Utc>::MAX_UTC,
    };

    pub fn is_always(&self) -> bool {
        *self == Window::ALWAYS
    }

    /// Every instant before `end`: when a publication is too early for a
    /// date it carries (`not_before`). Its start is never shown.
    pub fn before(end: DateTime<Utc>) -> Window {
        Window {
            start: DateTime::<Utc>::MIN_UTC,
            end,
        }
    }

    /// Has it no start (`Window::before`), but an end?
    pub fn has_no_start(&self) -> bool {
        self.start == DateTime::<Utc>::MIN_UTC && !self.is_always()
    }

    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// A kind of publication, as an index into `Rulebook::kinds`: a log's
/// `kind=` resolved once, when the line is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct KindId(pub usize);

/// A channel, as an index into `Rulebook::channels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ChannelId(pub usize);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_half_open() {
        let window = Window {
            start: "2017-05-05T22:00:00Z".parse().unwrap(),
            end: "2017-05-07T18:00:00Z".parse().unwrap(),
        };
        assert!(window.contains(window.start));
        assert!(!window.contains(window.end));
        assert!(window.contains(window.end - chrono::Duration::nanoseconds(1)));
        assert!(!window.contains(window.start - chrono::Duration::nanoseconds(1)));
    }
}
