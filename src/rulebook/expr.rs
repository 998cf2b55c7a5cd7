//! Window anchor expressions, as written in a rule's `start` and `end`.
//!
//! ```text
//! eve 00:00                                 the day before the vote, midnight, local time
//! polls_close(metropole)                    when the polls close in metropolitan France
//! last_polls_close(antilles) + 30min        thirty minutes after the last polls close there
//! start_of_month(first_vote) - 6 months 00:00
//! final_vote(metropole) 24:00               the end of the last vote day, Paris time
//! event(writ) 00:00                         the day the election names `writ`, midnight
//! 2017-05-07T20:00:00+02:00                 an absolute instant
//! ```
//!
//! Days (`vote`, `eve`, `first_vote`, `final_vote`) are calendar days in a
//! region's zone; `± N days|weeks|months` moves on the calendar, never by a
//! number of seconds. `± 2h`, `± 30min` shift an instant by an exact duration.

use chrono::{DateTime, Utc};
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while_m_n, take_while1};
use nom::character::complete::{char, digit1, multispace0, multispace1};
use nom::combinator::{all_consuming, cut, map_res, not, opt, peek, recognize, value};
use nom::error::context;
use nom::multi::{many0, many1};
use nom::sequence::{delimited, preceded};

pub use crate::syntax::SyntaxError;
use crate::syntax::{Expected, Parsed, locate_err};
use crate::time::parse_timestamp;

/// An instant anchored to election events, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub base: Base,
    /// Exact shift applied last, in minutes.
    pub shift_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// A wall-clock time on a calendar day, in the zone of the day's region.
    WallClock {
        day: Day,
        minutes: u32,
    },
    /// An event in a region, or in the publication's region.
    Event {
        event: Event,
        place: Option<Name>,
    },
    Instant(DateTime<Utc>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Polls open in one region.
    PollsOpen,
    /// Polls close in one region.
    PollsClose,
    /// The earliest opening among a group of regions (default: all).
    FirstPollsOpen,
    /// The latest closing among a group of regions (default: all).
    LastPollsClose,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Day {
    Vote {
        round: VoteOf,
        region: Option<Name>,
    },
    /// A named event of the election (`event(writ)`), read in the zone of
    /// the window's region.
    Named(Name),
    StartOfMonth(Box<Day>),
    Shift(Box<Day>, CalendarShift),
}

/// Whose vote day a `Day` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOf {
    /// The round the window belongs to.
    ThisRound,
    FirstRound,
    FinalRound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarShift {
    Days(i64),
    Months(i64),
}

/// A region or group id, with its byte range inside the expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub id: String,
    pub offset: usize,
}

/// Anchors are short phrases; the bound also bounds the parser's recursion.
pub const MAX_ANCHOR_LEN: usize = 200;

pub fn parse_anchor(text: &str) -> Result<Anchor, SyntaxError> {
    if text.len() > MAX_ANCHOR_LEN {
        return Err(SyntaxError {
            offset: 0,
            len: text.len(),
            message: format!("an anchor may have at most {MAX_ANCHOR_LEN} characters"),
        });
    }
    all_consuming(delimited(multispace0, anchor(text), multispace0))
        .parse(text)
        .map(|(_, anchor)| anchor)
        .map_err(|e| locate_err(text, e))
}

const ANCHOR_EXPECTED: &str = "an event (polls_open, polls_close, first_polls_open, last_polls_close), \
a day and a time (`eve 00:00`, `vote - 15 days 00:00`) or an instant (`2017-05-07T20:00:00+02:00`)";

fn anchor<'a>(full: &'a str) -> impl Parser<&'a str, Output = Anchor, Error = Expected<'a>> {
    move |input: &'a str| {
        let (rest, base) = context(
            ANCHOR_EXPECTED,
            alt((instant, event(full), wall_clock(full))),
        )
        .parse(input)?;
        let (rest, shifts) = many0(preceded(multispace0, exact_shift)).parse(rest)?;
        Ok((
            rest,
            Anchor {
                base,
                shift_minutes: shifts.iter().sum(),
            },
        ))
    }
}

/// A keyword that is not the start of a longer name.
/// A keyword that is not the start of a longer word (`vote` is not `voter`).
/// A `-` ends it: `polls_close-1h` is a shift.
fn keyword<'a>(word: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = Expected<'a>> {
    let continues_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    recognize((tag(word), not(peek(take_while_m_n(1, 1, continues_word)))))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `(name)`, with the name's offset in the whole expression.
fn argument<'a>(full: &'a str) -> impl Parser<&'a str, Output = Name, Error = Expected<'a>> {
    move |input: &'a str| {
        let (rest, _) = (multispace0, char('(')).parse(input)?;
        let (rest, _) = multispace0(rest)?;
        let offset = full.len() - rest.len();
        let (rest, id) =
            cut(context("a region or group id", take_while1(is_name_char))).parse(rest)?;
        let (rest, _) = cut(context("`)`", preceded(multispace0, char(')')))).parse(rest)?;
        Ok((
            rest,
            Name {
                id: id.to_string(),
                offset,
            },
        ))
    }
}

fn event<'a>(full: &'a str) -> impl Parser<&'a str, Output = Base, Error = Expected<'a>> {
    move |input: &'a str| {
        let (rest, event) = alt((
            value(Event::FirstPollsOpen, keyword("first_polls_open")),
            value(Event::LastPollsClose, keyword("last_polls_close")),
            value(Event::PollsOpen, keyword("polls_open")),
            value(Event::PollsClose, keyword("polls_close")),
        ))
        .parse(input)?;
        let (rest, place) = opt(argument(full)).parse(rest)?;
        Ok((rest, Base::Event { event, place }))
    }
}

fn wall_clock<'a>(full: &'a str) -> impl Parser<&'a str, Output = Base, Error = Expected<'a>> {
    move |input: &'a str| {
        let (rest, day) = day(full).parse(input)?;
        // A day is always followed by its time: commit, so errors say so.
        let (rest, minutes) = cut(context(
            "a time of day (HH:MM, 00:00 to 24:00)",
            preceded((multispace1, opt((tag("at"), multispace1))), clock),
        ))
        .parse(rest)?;
        Ok((rest, Base::WallClock { day, minutes }))
    }
}

fn day<'a>(full: &'a str) -> impl Parser<&'a str, Output = Day, Error = Expected<'a>> {
    move |input: &'a str| {
        let (rest, atom) = day_atom(full).parse(input)?;
        let (rest, shifts) = many0(preceded(multispace0, calendar_shift)).parse(rest)?;
        let day = shifts
            .into_iter()
            .fold(atom, |day, shift| Day::Shift(Box::new(day), shift));
        Ok((rest, day))
    }
}

fn day_atom<'a>(full: &'a str) -> impl Parser<&'a str, Output = Day, Error = Expected<'a>> {
    move |input: &'a str| {
        if let Ok((rest, _)) = keyword::<'a>("event").parse(input) {
            let (rest, name) =
                cut(context("`(` and an event's name", argument(full))).parse(rest)?;
            return Ok((rest, Day::Named(name)));
        }
        if let Ok((rest, _)) = keyword::<'a>("start_of_month").parse(input) {
            let (rest, inner) = cut(delimited(
                (multispace0, context("`(`", char('(')), multispace0),
                day(full),
                (multispace0, context("`)`", char(')'))),
            ))
            .parse(rest)?;
            return Ok((rest, Day::StartOfMonth(Box::new(inner))));
        }
        let (rest, (round, eve)) = alt((
            value((VoteOf::FirstRound, false), keyword("first_vote")),
            value((VoteOf::FinalRound, false), keyword("final_vote")),
            value((VoteOf::ThisRound, false), keyword("vote")),
            value((VoteOf::ThisRound, true), keyword("eve")),
        ))
        .parse(input)?;
        let (rest, region) = opt(argument(full)).parse(rest)?;
        let vote = Day::Vote { round, region };
        // `eve` is the day before the vote, on the calendar.
        let day = if eve {
            Day::Shift(Box::new(vote), CalendarShift::Days(-1))
        } else {
            vote
        };
        Ok((rest, day))
    }
}

fn sign(input: &str) -> Parsed<'_, i64> {
    alt((value(1, char('+')), value(-1, char('-')))).parse(input)
}

fn number(input: &str) -> Parsed<'_, i64> {
    map_res(digit1, |digits: &str| {
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n <= 100_000)
            .ok_or("this number is too large")
    })
    .parse(input)
}

/// `- 15 days`, `+ 1 week`, `- 6 months`.
fn calendar_shift(input: &str) -> Parsed<'_, CalendarShift> {
    // After a day, a sign can only start a calendar shift: commit to it.
    let (rest, sign) = sign(input)?;
    let (rest, (_, n, _, unit)) = cut(context(
        "a calendar shift such as `- 15 days`, `+ 1 week` or `- 6 months`",
        (
            multispace0,
            number,
            multispace0,
            alt((
                value(1, alt((keyword("days"), keyword("day")))),
                value(7, alt((keyword("weeks"), keyword("week")))),
                value(0, alt((keyword("months"), keyword("month")))),
            )),
        ),
    ))
    .parse(rest)?;
    let shift = match unit {
        0 => CalendarShift::Months(sign * n),
        days => CalendarShift::Days(sign * n * days),
    };
    Ok((rest, shift))
}

/// `+ 2h`, `- 30min`, `+ 1h30min`: an exact duration, in minutes.
fn exact_shift(input: &str) -> Parsed<'_, i64> {
    let (rest, (sign, _)) = (sign, multispace0).parse(input)?;
    let (rest, minutes) = duration(rest)?;
    Ok((rest, sign * minutes))
}

/// A duration a rule gives (`copies_within: 24h`): `2h`, `30min`,
/// `1h30min`, in minutes, more than none.
pub fn parse_duration(text: &str) -> Result<i64, SyntaxError> {
    let minutes = all_consuming(delimited(multispace0, duration, multispace0))
        .parse(text)
        .map(|(_, minutes)| minutes)
        .map_err(|e| locate_err(text, e))?;
    if minutes == 0 {
        return Err(SyntaxError {
            offset: 0,
            len: text.len(),
            message: "a duration of no time".to_string(),
        });
    }
    Ok(minutes)
}

/// `2h`, `30min`, `1h30min`, in minutes.
fn duration(rest: &str) -> Parsed<'_, i64> {
    // A unit ends at a non-letter: `1h30min` is one hour and thirty minutes.
    let unit = |word| {
        recognize((
            tag(word),
            not(peek(take_while_m_n(1, 1, |c: char| {
                c.is_ascii_alphabetic()
            }))),
        ))
    };
    let unit = alt((
        value(60, unit("h")),
        value(1, unit("min")),
        value(1, unit("m")),
    ));
    let (rest, parts) = cut(context(
        "a duration such as 2h, 30min or 1h30min",
        many1((number, unit)),
    ))
    .parse(rest)?;
    Ok((rest, parts.iter().map(|(n, unit)| n * unit).sum::<i64>()))
}

/// A time of day, `HH:MM` from 00:00 to 24:00, as minutes since midnight.
pub fn parse_clock(text: &str) -> Result<u32, SyntaxError> {
    all_consuming(clock)
        .parse(text)
        .map(|(_, minutes)| minutes)
        .map_err(|e| locate_err(text, e))
}

/// `HH:MM` from 00:00 to 24:00, as minutes since midnight.
fn clock(input: &str) -> Parsed<'_, u32> {
    map_res(
        (
            take_while_m_n(2, 2, |c: char| c.is_ascii_digit()),
            char(':'),
            take_while_m_n(2, 2, |c: char| c.is_ascii_digit()),
            not(peek(take_while_m_n(1, 1, |c: char| {
                c.is_ascii_digit() || c == ':'
            }))),
        ),
        |(h, _, m, _): (&str, char, &str, ())| {
            let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
            match (h, m) {
                (24, 0) => Ok(24 * 60),
                (0..=23, 0..=59) => Ok(h * 60 + m),
                _ => Err(format!(
                    "{h:02}:{m:02} is not a time of day (00:00 to 24:00)"
                )),
            }
        },
    )
    .parse(input)
}

/// An RFC 3339 instant, or a local time with a `[Zone]`.
fn instant(input: &str) -> Parsed<'_, Base> {
    let (rest, text) = recognize((
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        char('-'),
        take_while1(|c: char| !c.is_whitespace()),
    ))
    .parse(input)?;
    match parse_timestamp(text) {
        Ok(stamp) => Ok((rest, Base::Instant(stamp.instant))),
        Err(e) => Err(Expected::failure(&input[e.span.offset..], e.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(round: VoteOf) -> Day {
        Day::Vote {
            round,
            region: None,
        }
    }

    #[test]
    fn eve_at_midnight() {
        let anchor = parse_anchor("eve 00:00").unwrap();
        assert_eq!(
            anchor.base,
            Base::WallClock {
                day: Day::Shift(Box::new(vote(VoteOf::ThisRound)), CalendarShift::Days(-1)),
                minutes: 0
            }
        );
        assert_eq!(anchor.shift_minutes, 0);
        assert_eq!(parse_anchor("eve at 00:00").unwrap(), anchor);
    }

    /// A named event of the election is a day, with the same arithmetic.
    #[test]
    fn a_named_event_is_a_day() {
        let anchor = parse_anchor("event(writ) - 1 day 00:00").unwrap();
        let Base::WallClock { day, minutes: 0 } = anchor.base else {
            panic!("{anchor:?}");
        };
        let Day::Shift(inner, CalendarShift::Days(-1)) = day else {
            panic!("{day:?}");
        };
        assert!(matches!(*inner, Day::Named(ref name) if name.id == "writ"));
        assert!(parse_anchor("event 00:00").is_err());
        assert!(parse_anchor("event() 00:00").is_err());
    }

    #[test]
    fn events_with_and_without_place() {
        let anchor = parse_anchor("polls_close(metropole)").unwrap();
        assert_eq!(
            anchor.base,
            Base::Event {
                event: Event::PollsClose,
                place: Some(Name {
                    id: "metropole".into(),
                    offset: 12
                })
            }
        );
        let anchor = parse_anchor("last_polls_close + 1h30min").unwrap();
        assert_eq!(
            anchor.base,
            Base::Event {
                event: Event::LastPollsClose,
                place: None
            }
        );
        assert_eq!(anchor.shift_minutes, 90);
        assert_eq!(parse_anchor("polls_open - 45m").unwrap().shift_minutes, -45);
    }

    #[test]
    fn calendar_arithmetic_nests() {
        let anchor =
            parse_anchor("start_of_month(first_vote(metropole)) - 6 months 00:00").unwrap();
        let Base::WallClock { day, minutes: 0 } = anchor.base else {
            panic!("not a wall clock: {anchor:?}")
        };
        let Day::Shift(inner, CalendarShift::Months(-6)) = day else {
            panic!("not shifted by months: {day:?}")
        };
        assert!(matches!(*inner, Day::StartOfMonth(_)));
        let anchor = parse_anchor("vote - 2 weeks + 1 day 24:00").unwrap();
        assert!(matches!(
            anchor.base,
            Base::WallClock {
                day: Day::Shift(_, CalendarShift::Days(1)),
                minutes: 1440
            }
        ));
    }

    #[test]
    fn absolute_instants() {
        let anchor = parse_anchor("2017-05-07T20:00:00+02:00").unwrap();
        assert_eq!(
            anchor.base,
            Base::Instant("2017-05-07T18:00:00Z".parse().unwrap())
        );
        let anchor = parse_anchor("2017-05-07T20:00:00[Europe/Paris] - 1h").unwrap();
        assert_eq!(
            anchor.base,
            Base::Instant("2017-05-07T18:00:00Z".parse().unwrap())
        );
        assert_eq!(anchor.shift_minutes, -60);
        // An instant RFC 3339 cannot write in UTC is refused, as in a log.
        let e = parse_anchor("9999-12-31T23:30:00-01:00 + 1h").unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(e.message.contains("in the year 10000 in UTC"), "{e:?}");
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse_anchor("eve 25:00").unwrap_err();
        assert_eq!((e.offset, e.len), (4, 5));
        assert!(e.message.contains("25:00 is not a time of day"), "{e:?}");

        let e = parse_anchor("eve").unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.starts_with("expected a time of day"), "{e:?}");

        let e = parse_anchor("").unwrap_err();
        assert!(e.message.starts_with("expected an event"), "{e:?}");

        let e = parse_anchor("polls_close(metropole").unwrap_err();
        assert_eq!(e.offset, 21);
        assert!(e.message.contains("`)`"), "{e:?}");

        let e = parse_anchor("polls_close + 2 hours").unwrap_err();
        assert_eq!((e.offset, e.len), (16, 5));
        assert!(e.message.contains("duration"), "{e:?}");

        let e = parse_anchor("tomorrow 00:00").unwrap_err();
        assert_eq!((e.offset, e.len), (0, 8));

        let e = parse_anchor("2017-02-30T00:00:00Z").unwrap_err();
        assert!(e.message.contains("2017-02-30"), "{e:?}");
    }

    #[test]
    fn keywords_need_a_boundary() {
        assert!(parse_anchor("voter 00:00").is_err());
        assert!(parse_anchor("polls_closed").is_err());
        assert_eq!(parse_anchor("polls_close-1h").unwrap().shift_minutes, -60);
    }

    #[test]
    fn calendar_shift_errors_are_located() {
        let e = parse_anchor("vote - 999999 days 00:00").unwrap_err();
        assert_eq!(
            (e.offset, e.message.as_str()),
            (7, "this number is too large")
        );
        let e = parse_anchor("vote - é days 00:00").unwrap_err();
        assert_eq!(e.offset, 7);
        assert!(e.message.contains("calendar shift"), "{e:?}");
    }

    #[test]
    fn long_anchors_are_refused_before_parsing() {
        let deep = format!(
            "{}vote{} 00:00",
            "start_of_month(".repeat(1000),
            ")".repeat(1000)
        );
        assert!(
            parse_anchor(&deep)
                .unwrap_err()
                .message
                .contains("at most 200")
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Ok(24 * 60));
        assert_eq!(parse_duration(" 1h30min "), Ok(90));
        assert_eq!(parse_duration("45m"), Ok(45));
        for bad in ["", "24", "h", "0h", "24 hours", "-1h", "1d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("08:30"), Ok(8 * 60 + 30));
        assert_eq!(parse_clock("24:00"), Ok(24 * 60));
        assert!(parse_clock("- 1 day 08:00").is_err());
        assert!(parse_clock("24:01").is_err());
    }
}
