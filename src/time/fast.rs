//! The integer branch of `TimestampReader`: the common form of a log's
//! timestamps, `2017-05-06T09:30:00+02:00`, read without nom or allocation.
//! It gives `parse_timestamp`'s instant or steps aside (`None`), never an
//! answer of its own: the property tests below hold it to that.

use super::writable;

/// The common form, `2017-05-06T09:30:00+02:00` (seconds, fraction and `Z`
/// as `parse_timestamp` allows them), read without nom or allocation, for the
/// hot path of large logs. `None` for anything else, valid or not: the caller
/// then asks `parse_timestamp`, which gives the same instant or the error.
#[cfg(test)]
pub(super) fn parse_plain(bytes: &[u8]) -> Option<chrono::DateTime<chrono::Utc>> {
    let (seconds, nanos) = plain_seconds(bytes, &mut LastDate::default())?;
    chrono::DateTime::from_timestamp(seconds, nanos)
}

/// The date of the last timestamp read and its day number: logs are in time
/// order, so most lines share their date with the line before.
#[derive(Debug, Default)]
pub(super) struct LastDate(Option<([u8; 10], i64)>);

/// `parse_plain` as seconds since 1970 (UTC) and nanoseconds, without
/// building a `DateTime` (the hot path compares integers), remembering the
/// last date read in `last`.
pub(super) fn plain_seconds(bytes: &[u8], last: &mut LastDate) -> Option<(i64, u32)> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':')];
    if bytes.len() < 17
        || separators.iter().any(|&(at, c)| bytes[at] != c)
        || !matches!(bytes[10], b'T' | b't')
    {
        return None;
    }
    let date = bytes.get(..10)?;
    let days = match last.0 {
        Some((text, days)) if text == date => days,
        _ => {
            let (year, month, day) = (digits(0..4)? as i64, digits(5..7)?, digits(8..10)?);
            let days = days_from_civil(year, month, day)?;
            last.0 = Some((date.try_into().ok()?, days));
            days
        }
    };
    let (hour, minute) = (digits(11..13)?, digits(14..16)?);
    let mut rest = &bytes[16..];
    let (mut second, mut nanos) = (0, 0);
    if let [b':', s1, s2, after @ ..] = rest {
        second = digits_pair(*s1, *s2)?;
        rest = after;
        if let [b'.', after @ ..] = rest {
            let length = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&length) {
                return None;
            }
            let fraction = after[..length]
                .iter()
                .fold(0, |n, &b| n * 10 + u32::from(b - b'0'));
            nanos = fraction * 10u32.pow(9 - length as u32);
            rest = &after[length..];
        }
    }
    // A leap second (60) is left to parse_timestamp, which explains it.
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (digits_pair(*h1, *h2)?, digits_pair(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    let utc = local - offset_seconds;
    // Outside the years 0000 to 9999: parse_timestamp says why.
    writable(utc).then_some((utc, nanos))
}

/// Days from 1970-01-01 to a valid date of the proleptic Gregorian calendar
/// (H. Hinnant's `days_from_civil`): the arithmetic chrono does, without
/// building the intermediate values.
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=length).contains(&day) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = i64::from((153 * ((month + 9) % 12) + 2) / 5 + day - 1);
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn digits_pair(tens: u8, units: u8) -> Option<u32> {
    (tens.is_ascii_digit() && units.is_ascii_digit())
        .then(|| u32::from(tens - b'0') * 10 + u32::from(units - b'0'))
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, NaiveDate};
    use proptest::prelude::*;

    use super::parse_plain;
    use crate::time::parse_timestamp;

    /// Text shaped like a timestamp: digits (valid or not) in the right places,
    /// and the other separators and offsets logs write.
    fn timestamp_text() -> impl Strategy<Value = String> {
        (
            "[0-9]{4}",
            "(0[0-9]|1[0-3]|[0-9]{2})",
            "([0-3][0-9]|[0-9]{2})",
            prop_oneof![Just("T"), Just("t"), Just(" ")],
            "([01][0-9]|2[0-5])",
            "[0-6][0-9]",
            prop::option::of("(:[0-6][0-9])(\\.[0-9]{0,11})?"),
            prop_oneof![
                Just("Z".to_string()),
                Just("z".to_string()),
                Just(String::new()),
                "[+-]([01][0-9]|2[0-9]):[0-6][0-9]",
                Just("+02:00[Europe/Paris]".to_string()),
                Just("+0200".to_string()),
            ],
        )
            .prop_map(|(y, mo, d, t, h, mi, s, offset)| {
                format!("{y}-{mo}-{d}{t}{h}:{mi}{}{offset}", s.unwrap_or_default())
            })
    }

    proptest! {
        /// The hot path's timestamp reader gives the full reader's instant or
        /// steps aside, and takes every plain timestamp.
        #[test]
        fn the_plain_reader_agrees_with_the_full_one(text in timestamp_text()) {
            let full = parse_timestamp(&text).map(|t| t.instant);
            match parse_plain(text.as_bytes()) {
                Some(instant) => prop_assert_eq!(Ok(instant), full.clone(), "{}", text),
                None => prop_assert!(
                    full.is_err() || text.contains('['),
                    "{} is valid and plain: {:?}", text, full
                ),
            }
        }

        /// Every instant of four centuries, written with any offset, reads back.
        #[test]
        fn plain_timestamps_read_back(seconds in -12_000_000_000i64..253_000_000_000, nanos in 0u32..1_000_000_000, offset in -86_399i32..86_400) {
            let instant = DateTime::from_timestamp(seconds, nanos).unwrap();
            let offset = chrono::FixedOffset::east_opt(offset / 60 * 60).unwrap();
            let text = instant.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
            prop_assume!(text.len() >= 4 && text.as_bytes()[4] == b'-');
            prop_assert_eq!(parse_plain(text.as_bytes()), Some(instant), "{}", text);
        }

        /// An instant outside the years 0000 to 9999 once in UTC cannot be
        /// written in RFC 3339: both readers refuse it, and accept every other.
        #[test]
        fn both_readers_take_exactly_the_years_0000_to_9999_in_utc(
            year in prop_oneof![Just(0), Just(9999), 0i32..10_000],
            month in prop_oneof![Just(1u32), Just(12), 1u32..13],
            day in prop_oneof![Just(1u32), Just(31), 1u32..29],
            hour in 0u32..24,
            minute in 0u32..60,
            offset_minutes in -(24 * 60 - 1)..(24i32 * 60),
        ) {
            let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                return Ok(());
            };
            let local = date.and_hms_opt(hour, minute, 0).unwrap();
            let sign = if offset_minutes < 0 { '-' } else { '+' };
            let (hours, minutes) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
            let text = format!("{}{sign}{hours:02}:{minutes:02}", local.format("%Y-%m-%dT%H:%M:%S"));
            let utc = local - Duration::minutes(i64::from(offset_minutes));
            let writable = (0..=9999).contains(&chrono::Datelike::year(&utc));
            let full = parse_timestamp(&text).map(|t| t.instant);
            prop_assert_eq!(full.is_ok(), writable, "{} {:?}", text, full);
            prop_assert_eq!(parse_plain(text.as_bytes()), full.clone().ok(), "{}", text);
            if let Ok(instant) = full {
                let written = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                prop_assert!(written.as_bytes()[4] == b'-', "{}", written);
            }
        }
    }
}
