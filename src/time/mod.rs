//! Timestamps as logs write them.
//!
//! Accepted forms:
//! - RFC 3339 with an offset or `Z`: `2017-05-06T09:30:00+02:00`;
//! - a local date-time with an RFC 9557 zone suffix: `2017-05-06T09:30:00[Europe/Paris]`;
//! - both, which must agree: `2017-05-06T09:30:00+02:00[Europe/Paris]`.
//!
//! Seconds may be left out (`09:30`) and may carry a fraction. A local time that
//! falls in a daylight-saving gap does not exist and is rejected; one that falls in
//! an overlap happened twice and is rejected unless an offset says which.
//! `23:59:60` is a leap second: chrono-tz cannot place it and logs never mean it.
//! An instant must fall in the years 0000 to 9999 once in UTC, the years
//! RFC 3339 can write: `9999-12-31T23:30:00-01:00` is invalid.
//!
//! This is the ground floor: every other module reads time through it.

mod fast;
mod forms;

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use nom::bytes::complete::{take_while_m_n, take_while1};
use nom::character::complete::{char, one_of};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

use crate::source::{Span, did_you_mean};
pub use forms::{Overlap, TimeForm};

/// A parsed instant, with the local reading the log gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub instant: DateTime<Utc>,
    /// The zone named in brackets, if any.
    pub zone: Option<Tz>,
}

/// Why a timestamp is invalid; the span is relative to the timestamp text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub span: Span,
    pub message: String,
}

impl TimeError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        TimeError {
            span,
            message: message.into(),
        }
    }
}

/// The pieces of a timestamp, as byte ranges of the text.
struct Pieces<'a> {
    date: &'a str,
    time: &'a str,
    offset: Option<&'a str>,
    zone: Option<&'a str>,
}

fn digits<'a>(
    n: usize,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    take_while_m_n(n, n, |c: char| c.is_ascii_digit())
}

fn pieces(input: &str) -> IResult<&str, Pieces<'_>> {
    let date = recognize((digits(4), char('-'), digits(2), char('-'), digits(2)));
    let fraction = (char('.'), take_while1(|c: char| c.is_ascii_digit()));
    let time = recognize((
        digits(2),
        char(':'),
        digits(2),
        opt((char(':'), digits(2), opt(fraction))),
    ));
    let offset = nom::branch::alt((
        recognize(one_of("Zz")),
        recognize((one_of("+-"), digits(2), char(':'), digits(2))),
    ));
    let zone = recognize((
        char('['),
        take_while1(|c: char| c != ']' && !c.is_whitespace()),
        char(']'),
    ));
    let (rest, (date, _, time, offset, zone)) =
        (date, one_of("Tt"), time, opt(offset), opt(zone)).parse(input)?;
    Ok((
        rest,
        Pieces {
            date,
            time,
            offset,
            zone,
        },
    ))
}

/// Where `part` (a subslice of `whole`) sits in `whole`.
fn span_of(whole: &str, part: &str) -> Span {
    Span::new(part.as_ptr() as usize - whole.as_ptr() as usize, part.len())
}

/// The first second RFC 3339 can write, 0000-01-01T00:00:00Z, in seconds
/// since 1970; and the first it cannot, 10000-01-01T00:00:00Z. chrono goes
/// further, and writes `+10000-01-01T…Z` or `-0001-12-31T…Z`, which no
/// reader of a report takes for a timestamp.
const FIRST_SECOND: i64 = -62_167_219_200;
const END_SECOND: i64 = 253_402_300_800;

/// Is an instant (seconds since 1970, UTC) in the years 0000 to 9999?
fn writable(seconds: i64) -> bool {
    (FIRST_SECOND..END_SECOND).contains(&seconds)
}

/// The message for a text that is not shaped like a timestamp at all: other
/// errors name the part that is wrong (a month 13, an unknown zone).
pub const EXPECTED_SHAPE: &str =
    "expected a timestamp such as 2017-05-06T09:30:00+02:00 or 2017-05-06T09:30:00[Europe/Paris]";

/// A calendar date, `YYYY-MM-DD` exactly (`2017-5-6` is refused): the one
/// reading of a date, for rulebooks, waiver files and options alike.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    shape.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())?
}

pub fn parse_timestamp(text: &str) -> Result<Timestamp, TimeError> {
    let whole = Span::new(0, text.len());
    let pieces = match pieces(text) {
        Ok(("", pieces)) => pieces,
        Ok((rest, _)) => {
            return Err(TimeError::new(
                span_of(text, rest),
                format!("unexpected `{rest}` after the timestamp"),
            ));
        }
        Err(_) => return Err(TimeError::new(whole, EXPECTED_SHAPE)),
    };
    let local = local_date_time(text, &pieces)?;
    let offset = pieces.offset.map(|o| parse_offset(text, o)).transpose()?;
    let zone = pieces.zone.map(|z| parse_zone(text, z)).transpose()?;
    let instant = match (offset, zone) {
        (Some(offset), None) => utc_from_offset(local, offset),
        (None, Some(zone)) => utc_from_zone(text, local, zone)?,
        (Some(offset), Some(zone)) => utc_from_both(text, &pieces, local, offset, zone)?,
        (None, None) => {
            return Err(TimeError::new(
                whole,
                "this timestamp has no offset or zone, so it names no instant: add `Z`, an offset such as `+02:00`, or a zone such as `[Europe/Paris]`",
            ));
        }
    };
    if !writable(instant.timestamp()) {
        return Err(TimeError::new(
            whole,
            format!(
                "this instant falls in the year {} in UTC, outside the years 0000 to 9999 that RFC 3339 can write",
                chrono::Datelike::year(&instant)
            ),
        ));
    }
    Ok(Timestamp { instant, zone })
}

/// Reads the timestamps of a log, line after line: the answers of
/// `parse_timestamp`, with the common form (`2017-05-06T09:30:00+02:00`)
/// read by integer arithmetic, and the date of the line before remembered,
/// since most lines of a log share it.
#[derive(Debug, Default)]
pub struct TimestampReader {
    last_date: fast::LastDate,
}

impl TimestampReader {
    pub fn read(&mut self, text: &str) -> Result<Timestamp, TimeError> {
        match fast::plain_seconds(text.as_bytes(), &mut self.last_date)
            .and_then(|(seconds, nanos)| DateTime::from_timestamp(seconds, nanos))
        {
            Some(instant) => Ok(Timestamp {
                instant,
                zone: None,
            }),
            None => parse_timestamp(text),
        }
    }
}

fn local_date_time(text: &str, pieces: &Pieces) -> Result<NaiveDateTime, TimeError> {
    let number = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
    let year = pieces.date[0..4].parse::<i32>().unwrap_or(i32::MAX);
    let date = NaiveDate::from_ymd_opt(
        year,
        number(&pieces.date[5..7]),
        number(&pieces.date[8..10]),
    )
    .ok_or_else(|| {
        TimeError::new(
            span_of(text, pieces.date),
            format!("{} is not a date", pieces.date),
        )
    })?;

    let time_span = span_of(text, pieces.time);
    let (hour, minute) = (number(&pieces.time[0..2]), number(&pieces.time[3..5]));
    let second = pieces.time.get(6..8).map_or(0, number);
    if second == 60 {
        return Err(TimeError::new(
            time_span,
            format!(
                "{} is a leap second, which scrutin does not accept: write :59 or the next minute",
                pieces.time
            ),
        ));
    }
    let nanos = match pieces.time.get(9..) {
        Some(fraction) if fraction.len() > 9 => {
            return Err(TimeError::new(
                time_span,
                "more than nine digits of fractional seconds",
            ));
        }
        Some(fraction) => number(fraction) * 10u32.pow(9 - fraction.len() as u32),
        None => 0,
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(|| {
        TimeError::new(time_span, format!("{} is not a time of day", pieces.time))
    })?;
    Ok(date.and_time(time))
}

fn parse_offset(text: &str, offset: &str) -> Result<FixedOffset, TimeError> {
    if offset.eq_ignore_ascii_case("z") {
        return Ok(Utc.fix());
    }
    let (hours, minutes) = (
        offset[1..3].parse::<i32>().unwrap_or(99),
        offset[4..6].parse::<i32>().unwrap_or(99),
    );
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    if hours > 23 || minutes > 59 {
        return Err(TimeError::new(
            span_of(text, offset),
            format!("{offset} is not a UTC offset"),
        ));
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(|| {
        TimeError::new(
            span_of(text, offset),
            format!("{offset} is not a UTC offset"),
        )
    })
}

fn parse_zone(text: &str, bracketed: &str) -> Result<Tz, TimeError> {
    // RFC 9557: a `!` marks the annotation as critical; for a zone it changes nothing here.
    let name = bracketed[1..bracketed.len() - 1].trim_start_matches('!');
    name.parse::<Tz>().map_err(|_| {
        let mut message = format!("unknown time zone `{name}`");
        if let Some(suggestion) = suggest_zone(name) {
            message.push_str(&format!(" (did you mean `{suggestion}`?)"));
        }
        TimeError::new(span_of(text, bracketed), message)
    })
}

/// The IANA zone name nearest to a misspelt one. Only names of about the
/// same length are compared: this runs for every line with a bad zone, and
/// comparing against all ~600 zones costs half a millisecond.
pub fn suggest_zone(name: &str) -> Option<&'static str> {
    const LONGEST_ZONE: usize = 40;
    if name.len() > LONGEST_ZONE {
        return None;
    }
    let similar_length = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|candidate| candidate.len().abs_diff(name.len()) <= 3);
    did_you_mean(name, similar_length)
}

fn utc_from_offset(local: NaiveDateTime, offset: FixedOffset) -> DateTime<Utc> {
    (local - offset).and_utc()
}

fn utc_from_zone(text: &str, local: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, TimeError> {
    let whole = Span::new(0, text.len());
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
        LocalResult::None => Err(TimeError::new(
            whole,
            format!(
                "{} does not exist in {}: the clocks skip it when daylight saving time starts",
                local.format("%Y-%m-%d %H:%M:%S"),
                zone.name()
            ),
        )),
        LocalResult::Ambiguous(earlier, later) => Err(TimeError::new(
            whole,
            format!(
                "{} happens twice in {}, at {} and again at {}: write the offset to say which, as in {}{}[{}]",
                local.format("%Y-%m-%d %H:%M:%S"),
                zone.name(),
                earlier.offset().fix(),
                later.offset().fix(),
                local.format("%Y-%m-%dT%H:%M:%S"),
                earlier.offset().fix(),
                zone.name()
            ),
        )),
    }
}

fn utc_from_both(
    text: &str,
    pieces: &Pieces,
    local: NaiveDateTime,
    offset: FixedOffset,
    zone: Tz,
) -> Result<DateTime<Utc>, TimeError> {
    let instant = utc_from_offset(local, offset);
    let zone_offset = zone.offset_from_utc_datetime(&instant.naive_utc()).fix();
    // RFC 9557: `Z` says the instant is known in UTC, whatever the local offset was.
    let utc_designator = pieces.offset.is_some_and(|o| o.eq_ignore_ascii_case("z"));
    if zone_offset == offset || utc_designator {
        return Ok(instant);
    }
    let span = pieces
        .offset
        .map_or(Span::new(0, text.len()), |o| span_of(text, o));
    let expected = match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => format!("which is {} then", t.offset().fix()),
        LocalResult::Ambiguous(a, b) => {
            format!("which is {} or {} then", a.offset().fix(), b.offset().fix())
        }
        LocalResult::None => "where that local time does not exist".to_string(),
    };
    Err(TimeError::new(
        span,
        format!("offset {offset} disagrees with {}, {expected}", zone.name()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_written_one_way() {
        let day = NaiveDate::from_ymd_opt(2017, 5, 6);
        assert_eq!(parse_date("2017-05-06"), day);
        for text in [
            "2017-5-6",
            "2017-05-6",
            "+2017-05-06",
            " 2017-05-06",
            "2017-02-30",
            "20170506",
            "2017/05/06",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn instants_outside_years_0000_to_9999_in_utc_are_invalid() {
        for text in [
            "9999-12-31T23:30:00-01:00",
            "0000-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59.999999999-00:01",
            "9999-12-31T20:00:00[America/New_York]",
            "0000-01-01T00:00:00[Asia/Tokyo]",
            "9999-12-31T23:00:00-01:00[Atlantic/Azores]",
        ] {
            let error = parse_timestamp(text).expect_err(text);
            assert_eq!(error.span, Span::new(0, text.len()), "{text}");
            assert!(
                error.message.contains("outside the years 0000 to 9999"),
                "{text}: {}",
                error.message
            );
            assert_eq!(fast::parse_plain(text.as_bytes()), None, "{text}");
        }
        let error = parse_timestamp("9999-12-31T23:30:00-01:00").unwrap_err();
        assert!(
            error
                .message
                .starts_with("this instant falls in the year 10000 in UTC")
        );
        let error = parse_timestamp("0000-01-01T00:30:00+01:00").unwrap_err();
        assert!(
            error
                .message
                .starts_with("this instant falls in the year -1 in UTC")
        );
        // The first and the last instant that can be written are valid.
        for (text, utc) in [
            ("0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z"),
            (
                "9999-12-31T22:59:59.999999999-01:00",
                "9999-12-31T23:59:59.999999999Z",
            ),
            ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
        ] {
            let instant = parse_timestamp(text).unwrap().instant;
            assert_eq!(
                instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                utc
            );
            assert_eq!(fast::parse_plain(text.as_bytes()), Some(instant), "{text}");
        }
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn instant(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).unwrap().instant
    }

    fn error(text: &str) -> TimeError {
        parse_timestamp(text).unwrap_err()
    }

    #[test]
    fn offsets_zones_and_both() {
        assert_eq!(
            instant("2017-05-06T09:30:00+02:00"),
            utc("2017-05-06T07:30:00Z")
        );
        assert_eq!(instant("2017-05-06T07:30:00Z"), utc("2017-05-06T07:30:00Z"));
        assert_eq!(instant("2017-05-06t07:30:00z"), utc("2017-05-06T07:30:00Z"));
        assert_eq!(
            instant("2017-05-06T09:30:00[Europe/Paris]"),
            utc("2017-05-06T07:30:00Z")
        );
        assert_eq!(
            instant("2017-05-06T09:30:00+02:00[Europe/Paris]"),
            utc("2017-05-06T07:30:00Z")
        );
        assert_eq!(
            instant("2017-05-06T07:30:00Z[Europe/Paris]"),
            utc("2017-05-06T07:30:00Z")
        );
        assert_eq!(
            instant("2017-05-06T09:30[!Europe/Paris]"),
            utc("2017-05-06T07:30:00Z")
        );
        assert_eq!(
            instant("2017-05-06T09:30:00.25Z"),
            utc("2017-05-06T09:30:00.25Z")
        );
    }

    #[test]
    fn half_hour_and_45_minute_zones() {
        assert_eq!(
            instant("2021-09-20T20:30:00[America/St_Johns]"),
            utc("2021-09-20T23:00:00Z")
        );
        assert_eq!(
            instant("2021-09-20T12:00:00[Pacific/Chatham]"),
            utc("2021-09-19T23:15:00Z")
        );
    }

    #[test]
    fn a_time_in_a_dst_gap_does_not_exist() {
        let e = error("2017-03-26T02:30:00[Europe/Paris]");
        assert!(
            e.message.contains("does not exist in Europe/Paris"),
            "{e:?}"
        );
    }

    #[test]
    fn a_time_in_a_dst_overlap_needs_an_offset() {
        let e = error("2016-10-30T02:30:00[Europe/Paris]");
        assert!(
            e.message.contains("+02:00") && e.message.contains("+01:00"),
            "{e:?}"
        );
        assert_eq!(
            instant("2016-10-30T02:30:00+02:00[Europe/Paris]"),
            utc("2016-10-30T00:30:00Z")
        );
        assert_eq!(
            instant("2016-10-30T02:30:00+01:00[Europe/Paris]"),
            utc("2016-10-30T01:30:00Z")
        );
    }

    #[test]
    fn offset_must_agree_with_zone() {
        let e = error("2017-05-06T09:30:00+01:00[Europe/Paris]");
        assert_eq!(e.span, Span::new(19, 6));
        assert!(
            e.message
                .contains("disagrees with Europe/Paris, which is +02:00"),
            "{e:?}"
        );
    }

    #[test]
    fn malformed_pieces_are_located() {
        assert_eq!(error("2017-02-30T10:00:00Z").span, Span::new(0, 10));
        assert_eq!(error("2017-05-06T24:30:00Z").span, Span::new(11, 8));
        let e = error("2016-12-31T23:59:60Z");
        assert!(e.message.contains("leap second"), "{e:?}");
        let e = error("2017-05-06T09:30:00[Europe/Pari]");
        assert_eq!(e.span, Span::new(19, 13));
        assert!(e.message.contains("did you mean `Europe/Paris`"), "{e:?}");
        let e = error("2017-05-06T09:30:00");
        assert!(e.message.contains("no offset or zone"), "{e:?}");
        assert!(
            error("yesterday")
                .message
                .starts_with("expected a timestamp")
        );
        assert_eq!(error("2017-05-06T09:30:00+02:00x").span, Span::new(25, 1));
    }
}
