//! Anchor expressions → UTC instants, for one round and one region.
//!
//! Days are calendar days in a region's zone, and a time of day on them is a
//! wall-clock reading there, converted to UTC last. Never "vote instant minus
//! 24 h": across a daylight-saving change that is off by an hour.
//!
//! Two wall-clock readings need a decision, taken here once for every rule:
//! - **gap** (the clocks jump forward over it, so it never happens): the anchor is
//!   the first instant after the gap, when the clocks show the new time. "From
//!   00:00 on the eve" where the day starts at 01:00 means from 01:00: the start
//!   of that day.
//! - **overlap** (the clocks fall back, so it happens twice): the anchor is the
//!   earlier of the two instants, the first time the clocks show that reading.

use super::model::NamedEvent;
use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Utc,
};
use chrono_tz::Tz;

use super::expr::{Anchor, Base, CalendarShift, Day, Event, Name, VoteOf};
use super::model::{Group, Region, Round};

/// The instant a wall-clock reading on `date` in `zone` designates; `minutes`
/// counts from midnight and may be 1440 (24:00, the end of the day).
pub fn wall_clock(zone: Tz, date: NaiveDate, minutes: u32) -> Option<DateTime<Utc>> {
    let (date, minutes) = if minutes >= 24 * 60 {
        (date.succ_opt()?, minutes - 24 * 60)
    } else {
        (date, minutes)
    };
    let local = date.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0)?);
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Some(instant.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _later) => Some(earlier.with_timezone(&Utc)),
        LocalResult::None => end_of_gap(zone, local),
    }
}

/// The first instant after a gap that contains `local`: the transition itself.
fn end_of_gap(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Gaps last at most a day (Samoa skipped 2011-12-30); step by minute, which
    // is the finest grain of any transition in the IANA database.
    (1..=(26 * 60)).find_map(|minute| {
        let later = local + chrono::Duration::minutes(minute);
        zone.from_local_datetime(&later)
            .earliest()
            .map(|instant| instant.with_timezone(&Utc))
    })
}

/// Everything an anchor can refer to.
pub(super) struct Election<'a> {
    pub regions: &'a [Region],
    pub groups: &'a [Group],
    pub rounds: &'a [Round],
    pub events: &'a [NamedEvent],
}

/// What an anchor is resolved for: a region, in a round or for the whole election.
#[derive(Debug, Clone, Copy)]
pub(super) struct Context {
    pub round: Option<usize>,
    pub region: usize,
}

impl Election<'_> {
    /// The regions a region or group id designates.
    pub(super) fn place(&self, id: &str) -> Option<Vec<usize>> {
        if let Some(region) = self.regions.iter().position(|r| r.id == id) {
            return Some(vec![region]);
        }
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.regions.clone())
    }

    pub(super) fn instant(&self, anchor: &Anchor, at: Context) -> Result<DateTime<Utc>, String> {
        let base = match &anchor.base {
            Base::Instant(instant) => *instant,
            Base::Event { event, place } => self.event(*event, place.as_ref(), at)?,
            Base::WallClock { day, minutes } => {
                let (date, region) = self.day(day, at)?;
                let zone = self.regions[region].zone;
                wall_clock(zone, date, *minutes).ok_or_else(|| {
                    format!(
                        "{date} {minutes} minutes is out of range in {}",
                        zone.name()
                    )
                })?
            }
        };
        chrono::Duration::try_minutes(anchor.shift_minutes)
            .and_then(|shift| base.checked_add_signed(shift))
            .ok_or_else(|| "the shifted instant falls out of the calendar".to_string())
    }

    fn event(
        &self,
        event: Event,
        place: Option<&Name>,
        at: Context,
    ) -> Result<DateTime<Utc>, String> {
        // A whole-election window opens with the first round's polls and
        // closes with the final round's.
        let round = match (at.round, event) {
            (Some(round), _) => round,
            (None, Event::PollsOpen | Event::FirstPollsOpen) => 0,
            (None, Event::PollsClose | Event::LastPollsClose) => {
                self.rounds
                    .len()
                    .checked_sub(1)
                    .ok_or_else(|| "the election has no rounds".to_string())?
            }
        };
        let polls = &self.rounds[round].polls;
        let regions = match place {
            Some(name) => self
                .place(&name.id)
                .ok_or_else(|| format!("unknown region or group `{}`", name.id))?,
            None if matches!(event, Event::PollsOpen | Event::PollsClose) => vec![at.region],
            None => (0..self.regions.len()).collect(),
        };
        if matches!(event, Event::PollsOpen | Event::PollsClose) && regions.len() != 1 {
            return Err(
                "polls_open and polls_close name one region: for a group, use \
                        first_polls_open or last_polls_close"
                    .to_string(),
            );
        }
        let instants = regions.iter().map(|&region| match event {
            Event::PollsOpen | Event::FirstPollsOpen => polls[region].open,
            Event::PollsClose | Event::LastPollsClose => polls[region].close,
        });
        let instant = match event {
            Event::PollsOpen | Event::FirstPollsOpen => instants.min(),
            Event::PollsClose | Event::LastPollsClose => instants.max(),
        };
        instant.ok_or_else(|| "the group has no regions".to_string())
    }

    /// A calendar day, and the region in whose zone it is read.
    fn day(&self, day: &Day, at: Context) -> Result<(NaiveDate, usize), String> {
        match day {
            Day::Vote { round, region } => {
                let region = match region {
                    Some(name) => self.single_region(name)?,
                    None => at.region,
                };
                let round = match round {
                    VoteOf::ThisRound => at.round.ok_or_else(|| {
                        "`vote` and `eve` name this round's day, but this window is `per: election`: \
                         use first_vote or final_vote"
                            .to_string()
                    })?,
                    VoteOf::FirstRound => 0,
                    VoteOf::FinalRound => self.rounds.len().saturating_sub(1),
                };
                let polls = self.rounds.get(round).ok_or("the rulebook has no rounds")?;
                Ok((polls.polls[region].vote, region))
            }
            Day::Named(name) => {
                let event = self
                    .events
                    .iter()
                    .find(|e| e.id == name.id)
                    .ok_or_else(|| format!("the election names no event `{}`", name.id))?;
                Ok((event.date, at.region))
            }
            Day::StartOfMonth(inner) => {
                let (date, region) = self.day(inner, at)?;
                Ok((date.with_day0(0).unwrap_or(date), region))
            }
            Day::Shift(inner, shift) => {
                let (date, region) = self.day(inner, at)?;
                let shifted = match *shift {
                    CalendarShift::Days(n) if n >= 0 => {
                        date.checked_add_days(Days::new(n.unsigned_abs()))
                    }
                    CalendarShift::Days(n) => date.checked_sub_days(Days::new(n.unsigned_abs())),
                    CalendarShift::Months(n) if n >= 0 => {
                        date.checked_add_months(Months::new(month_count(n)))
                    }
                    CalendarShift::Months(n) => {
                        date.checked_sub_months(Months::new(month_count(n)))
                    }
                };
                Ok((shifted.ok_or("the date falls out of the calendar")?, region))
            }
        }
    }

    fn single_region(&self, name: &Name) -> Result<usize, String> {
        match self.place(&name.id).as_deref() {
            Some([region]) => Ok(*region),
            Some(_) => Err(format!(
                "`{}` is a group: a day is read in one region's zone",
                name.id
            )),
            None => Err(format!("unknown region `{}`", name.id)),
        }
    }
}

fn month_count(n: i64) -> u32 {
    u32::try_from(n.unsigned_abs()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Australia, Europe, Pacific};

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn plain_wall_clock_readings() {
        assert_eq!(
            wall_clock(Europe::Paris, date("2017-05-06"), 0),
            Some(utc("2017-05-05T22:00:00Z"))
        );
        assert_eq!(
            wall_clock(Europe::Paris, date("2017-05-07"), 24 * 60),
            Some(utc("2017-05-07T22:00:00Z"))
        );
        // Half-hour and 45-minute offsets.
        assert_eq!(
            wall_clock(America::St_Johns, date("2021-09-20"), 20 * 60 + 30),
            Some(utc("2021-09-20T23:00:00Z"))
        );
        assert_eq!(
            wall_clock(Pacific::Chatham, date("2021-09-20"), 0),
            Some(utc("2021-09-19T11:15:00Z"))
        );
    }

    #[test]
    fn a_reading_in_a_gap_resolves_to_the_end_of_the_gap() {
        // Paris, 26 March 2017: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
        assert_eq!(
            wall_clock(Europe::Paris, date("2017-03-26"), 2 * 60 + 30),
            Some(utc("2017-03-26T01:00:00Z"))
        );
        // Santiago, 12 August 2018: midnight does not exist, the day starts at 01:00 -03.
        assert_eq!(
            wall_clock(chrono_tz::America::Santiago, date("2018-08-12"), 0),
            Some(utc("2018-08-12T04:00:00Z"))
        );
        // Lord Howe moves by 30 minutes: 02:00 to 02:30 on 2 October 2016.
        assert_eq!(
            wall_clock(Australia::Lord_Howe, date("2016-10-02"), 2 * 60 + 10),
            Some(utc("2016-10-01T15:30:00Z"))
        );
    }

    #[test]
    fn the_end_of_the_calendar_is_no_instant() {
        assert_eq!(wall_clock(Europe::Paris, NaiveDate::MAX, 24 * 60), None);
        assert!(wall_clock(Europe::Paris, NaiveDate::MAX, 0).is_some());
    }

    #[test]
    fn a_reading_in_an_overlap_resolves_to_the_first_occurrence() {
        // Paris, 30 October 2016: 02:30 happens at 00:30Z (CEST) and at 01:30Z (CET).
        assert_eq!(
            wall_clock(Europe::Paris, date("2016-10-30"), 2 * 60 + 30),
            Some(utc("2016-10-30T00:30:00Z"))
        );
    }
}
