//! A moved publication's new timestamp, written in the form of the old one.

use chrono::{DateTime, FixedOffset, LocalResult, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::time::parse_timestamp;

/// `instant` written the way `original` was: with its zone in brackets (and
/// the offset too when the original had one, or when the local time happens
/// twice), with its own offset, or in UTC with `Z`; seconds when it had them.
pub fn timestamp_like(original: &str, instant: DateTime<Utc>, zone: Option<Tz>) -> String {
    let core = original.split('[').next().unwrap_or(original);
    // The date has dashes: an offset begins after the `T` at byte 10.
    let offset_text = core
        .get(11..)
        .and_then(|time| time.find(['+', '-', 'Z', 'z']).map(|at| &time[at..]));
    let with_seconds = core.as_bytes().get(16) == Some(&b':') || instant.second() != 0;
    let time_format = if with_seconds {
        "%Y-%m-%dT%H:%M:%S"
    } else {
        "%Y-%m-%dT%H:%M"
    };
    let text = match zone {
        Some(zone) => {
            let local = instant.with_timezone(&zone);
            let twice = matches!(
                zone.from_local_datetime(&local.naive_local()),
                LocalResult::Ambiguous(..)
            );
            let offset = if offset_text.is_some() || twice {
                offset_string(local.offset().fix(), false)
            } else {
                String::new()
            };
            format!("{}{offset}[{}]", local.format(time_format), zone.name())
        }
        None => {
            let utc = offset_text.is_none_or(|o| o.starts_with(['Z', 'z']));
            let offset = offset_text
                .filter(|_| !utc)
                .and_then(|o| DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{o}")).ok())
                .map_or_else(|| Utc.fix(), |d| *d.offset());
            let local = instant.with_timezone(&offset);
            format!(
                "{}{}",
                local.format(time_format),
                offset_string(offset, utc)
            )
        }
    };
    // What is written must read back as the instant meant.
    match parse_timestamp(&text) {
        Ok(read) if read.instant == instant => text,
        _ => instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    }
}

fn offset_string(offset: FixedOffset, utc: bool) -> String {
    if utc && offset.local_minus_utc() == 0 {
        return "Z".to_string();
    }
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_timestamp_keeps_its_form() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let sunday_8pm = at("2017-05-07T18:00:00Z");
        let cases = [
            (
                "2017-05-06T09:30:00+02:00",
                None,
                "2017-05-07T20:00:00+02:00",
            ),
            ("2017-05-06T09:30+02:00", None, "2017-05-07T20:00+02:00"),
            ("2017-05-06T07:30:00Z", None, "2017-05-07T18:00:00Z"),
            (
                "2017-05-06T03:30:00-04:00",
                None,
                "2017-05-07T14:00:00-04:00",
            ),
            (
                "2017-05-06T09:30:00[Europe/Paris]",
                Some(paris),
                "2017-05-07T20:00:00[Europe/Paris]",
            ),
            (
                "2017-05-06T09:30:00+02:00[Europe/Paris]",
                Some(paris),
                "2017-05-07T20:00:00+02:00[Europe/Paris]",
            ),
        ];
        for (original, zone, expected) in cases {
            assert_eq!(
                timestamp_like(original, sunday_8pm, zone),
                expected,
                "{original}"
            );
        }
    }

    #[test]
    fn a_local_time_that_happens_twice_gets_its_offset() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        // 2016-10-30 02:30 happened twice in Paris; the second time is +01:00.
        let second = at("2016-10-30T01:30:00Z");
        assert_eq!(
            timestamp_like("2016-10-29T12:00[Europe/Paris]", second, Some(paris)),
            "2016-10-30T02:30+01:00[Europe/Paris]"
        );
    }
}
