//! The forms in which structured sources write instants, as a source
//! profile names them: RFC 3339, RFC 2822 (feeds), Unix seconds or
//! milliseconds, X/Twitter's legacy `Sat May 06 10:00:00 +0000 2017`, or a
//! strftime pattern read as local time in an IANA zone.
//!
//! A local time read with a pattern is placed in its zone as a log's
//! timestamp is: one in a daylight-saving gap does not exist and is
//! refused; one in an overlap happened twice and is refused, unless the
//! profile says which of the two it means (`overlap: earlier | later`).

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::{TimeError, Timestamp, parse_timestamp, utc_from_zone, writable};
use crate::source::Span;

/// How a source writes its instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeForm {
    /// `2017-05-06T09:30:00+02:00`, and the log's other forms (a zone in brackets).
    Rfc3339,
    /// `Sat, 06 May 2017 10:00:00 +0000` (RSS `pubDate`).
    Rfc2822,
    UnixSeconds,
    UnixMillis,
    /// `Sat May 06 10:00:00 +0000 2017` (X/Twitter's `created_at` before API v2).
    Twitter,
    /// A strftime pattern (`%d/%m/%Y %H:%M`); without an offset in it
    /// (`%z`), a local time in `zone`.
    Pattern {
        pattern: String,
        zone: Tz,
        overlap: Overlap,
    },
}

/// Which instant a local time that happened twice (the hour clocks are put
/// back) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlap {
    /// Neither: the record is invalid, as a log line would be.
    #[default]
    Refuse,
    Earlier,
    Later,
}

impl TimeForm {
    /// The names a profile writes in `format:` (a pattern is any other text
    /// holding a `%`).
    pub const NAMES: [&'static str; 5] = ["rfc3339", "rfc2822", "unix", "unix_ms", "twitter"];

    /// The form a profile names, if it is one of `NAMES`.
    pub fn named(name: &str) -> Option<TimeForm> {
        Some(match name {
            "rfc3339" => TimeForm::Rfc3339,
            "rfc2822" => TimeForm::Rfc2822,
            "unix" => TimeForm::UnixSeconds,
            "unix_ms" => TimeForm::UnixMillis,
            "twitter" => TimeForm::Twitter,
            _ => return None,
        })
    }

    /// Why the strftime `pattern` cannot read instants, if it cannot: a `%`
    /// that chrono does not know, or too little to name an instant (no
    /// year, no time of day, a 12-hour clock without `%p`). Found by writing
    /// an instant with the pattern and reading it back, as a record would be.
    pub fn check_pattern(pattern: &str) -> Result<(), String> {
        use std::fmt::Write;

        use chrono::format::{Item, StrftimeItems};

        if StrftimeItems::new(pattern).any(|item| matches!(item, Item::Error)) {
            return Err(match bad_specifier(pattern) {
                Some(bad) => format!("`{bad}` is not a strftime specifier chrono knows"),
                None => "it holds a `%` that is not a strftime specifier chrono knows".to_string(),
            });
        }
        let sample =
            DateTime::parse_from_rfc3339("2017-05-06T09:30:45+02:00").map_err(|e| e.to_string())?;
        let mut written = String::new();
        write!(
            written,
            "{}",
            sample.format_with_items(StrftimeItems::new(pattern))
        )
        .map_err(|_| "chrono cannot write an instant with it".to_string())?;
        if DateTime::parse_from_str(&written, pattern).is_ok() {
            return Ok(());
        }
        NaiveDateTime::parse_from_str(&written, pattern)
            .map(|_| ())
            .map_err(|e| {
                format!(
                    "it writes 2017-05-06T09:30:45+02:00 as `{written}`, which names no single instant ({e})"
                )
            })
    }

    /// The instant `text` writes in this form; an error's span is relative
    /// to `text`.
    pub fn read(&self, text: &str) -> Result<Timestamp, TimeError> {
        let whole = Span::new(0, text.len());
        let fixed = |result: Result<DateTime<chrono::FixedOffset>, chrono::ParseError>,
                     example: &str| {
            result
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| TimeError::new(whole, format!("{e}: expected {example}")))
        };
        let instant = match self {
            TimeForm::Rfc3339 => return parse_timestamp(text),
            TimeForm::Rfc2822 => fixed(
                DateTime::parse_from_rfc2822(text.trim()),
                "an RFC 2822 date such as `Sat, 06 May 2017 10:00:00 +0000`",
            )?,
            TimeForm::Twitter => fixed(
                DateTime::parse_from_str(text.trim(), "%a %b %d %H:%M:%S %z %Y"),
                "a date such as `Sat May 06 10:00:00 +0000 2017`",
            )?,
            TimeForm::UnixSeconds | TimeForm::UnixMillis => {
                let per_second = if *self == TimeForm::UnixMillis {
                    1000
                } else {
                    1
                };
                let what = if per_second == 1 {
                    "seconds"
                } else {
                    "milliseconds"
                };
                let number = text.trim().parse::<i64>().map_err(|_| {
                    TimeError::new(
                        whole,
                        format!("expected a whole number of {what} since 1970-01-01T00:00:00Z"),
                    )
                })?;
                let (seconds, rest) =
                    (number.div_euclid(per_second), number.rem_euclid(per_second));
                let nanos = u32::try_from(rest * (1_000_000_000 / per_second)).unwrap_or(0);
                DateTime::from_timestamp(seconds, nanos)
                    .filter(|t| writable(t.timestamp()))
                    .ok_or_else(|| {
                        TimeError::new(
                            whole,
                            format!(
                                "{number} {what} since 1970 falls outside the years 0000 to 9999"
                            ),
                        )
                    })?
            }
            TimeForm::Pattern {
                pattern,
                zone,
                overlap,
            } => return read_pattern(text, pattern, *zone, *overlap),
        };
        if !writable(instant.timestamp()) {
            return Err(TimeError::new(
                whole,
                "this instant falls outside the years 0000 to 9999",
            ));
        }
        Ok(Timestamp {
            instant,
            zone: None,
        })
    }
}

/// The first `%` specifier of `pattern` that chrono does not know, with
/// the text up to the next `%` (`%Q/`), or `None` if none stands alone.
fn bad_specifier(pattern: &str) -> Option<&str> {
    use chrono::format::{Item, StrftimeItems};

    let mut rest = pattern;
    let mut start = 0;
    while let Some(at) = rest.find('%') {
        let from = start + at;
        if pattern[from..].starts_with("%%") {
            start = from + 2;
            rest = &pattern[start..];
            continue;
        }
        let end = pattern[from + 1..]
            .find('%')
            .map_or(pattern.len(), |next| from + 1 + next);
        let specifier = &pattern[from..end];
        if StrftimeItems::new(specifier).any(|item| matches!(item, Item::Error)) {
            return Some(specifier);
        }
        start = end;
        rest = &pattern[start..];
    }
    None
}

fn read_pattern(
    text: &str,
    pattern: &str,
    zone: Tz,
    overlap: Overlap,
) -> Result<Timestamp, TimeError> {
    let whole = Span::new(0, text.len());
    let text = text.trim();
    let bad = |e: chrono::ParseError| {
        TimeError::new(whole, format!("{e}: expected the pattern `{pattern}`"))
    };
    // With an offset in the pattern the instant is given; the zone is only
    // how it is shown.
    if let Ok(instant) = DateTime::parse_from_str(text, pattern) {
        return Ok(Timestamp {
            instant: instant.with_timezone(&Utc),
            zone: Some(zone),
        });
    }
    let local = NaiveDateTime::parse_from_str(text, pattern).map_err(bad)?;
    let instant = match (zone.from_local_datetime(&local), overlap) {
        (LocalResult::Ambiguous(earlier, _), Overlap::Earlier) => earlier.with_timezone(&Utc),
        (LocalResult::Ambiguous(_, later), Overlap::Later) => later.with_timezone(&Utc),
        (LocalResult::Ambiguous(earlier, later), Overlap::Refuse) => {
            return Err(TimeError::new(
                whole,
                format!(
                    "{} happens twice in {}, at {} and again at {}: the profile's `overlap: earlier` or `overlap: later` says which such times mean",
                    local.format("%Y-%m-%d %H:%M:%S"),
                    zone.name(),
                    earlier.offset().fix(),
                    later.offset().fix(),
                ),
            ));
        }
        _ => utc_from_zone(text, local, zone).map_err(|e| TimeError::new(whole, e.message))?,
    };
    if !writable(instant.timestamp()) {
        return Err(TimeError::new(
            whole,
            "this instant falls outside the years 0000 to 9999",
        ));
    }
    Ok(Timestamp {
        instant,
        zone: Some(zone),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn paris(overlap: Overlap) -> TimeForm {
        TimeForm::Pattern {
            pattern: "%d/%m/%Y %H:%M".to_string(),
            zone: chrono_tz::Europe::Paris,
            overlap,
        }
    }

    #[test]
    fn each_form_reads_the_same_instant() {
        let expected = utc("2017-05-06T10:00:00Z");
        let cases = [
            (TimeForm::Rfc3339, "2017-05-06T12:00:00+02:00"),
            (TimeForm::Rfc3339, "2017-05-06T12:00:00[Europe/Paris]"),
            (TimeForm::Rfc2822, "Sat, 06 May 2017 10:00:00 +0000"),
            (TimeForm::Rfc2822, "Sat, 06 May 2017 10:00:00 GMT"),
            (TimeForm::Rfc2822, "06 May 2017 12:00:00 +0200"),
            (TimeForm::Twitter, "Sat May 06 10:00:00 +0000 2017"),
            (TimeForm::UnixSeconds, "1494064800"),
            (TimeForm::UnixMillis, "1494064800000"),
            (paris(Overlap::Refuse), "06/05/2017 12:00"),
        ];
        for (form, text) in cases {
            assert_eq!(
                form.read(text).map(|t| t.instant),
                Ok(expected),
                "{form:?} {text}"
            );
        }
        let millis = TimeForm::UnixMillis.read("1494064800123").unwrap();
        assert_eq!(millis.instant, utc("2017-05-06T10:00:00.123Z"));
        let before_1970 = TimeForm::UnixMillis.read("-1").unwrap();
        assert_eq!(before_1970.instant, utc("1969-12-31T23:59:59.999Z"));
    }

    #[test]
    fn wrong_texts_are_refused_with_what_was_expected() {
        let cases = [
            (
                TimeForm::Rfc2822,
                "Sun, 06 May 2017 10:00:00 +0000",
                "no possible date",
            ),
            (TimeForm::Rfc2822, "2017-05-06", "RFC 2822"),
            (TimeForm::Twitter, "Sat, 06 May 2017", "Sat May 06"),
            (TimeForm::UnixSeconds, "12.5", "whole number of seconds"),
            (TimeForm::UnixSeconds, "99999999999999", "outside the years"),
            (TimeForm::UnixMillis, "x", "milliseconds"),
            (paris(Overlap::Refuse), "2017-05-06 12:00", "%d/%m/%Y %H:%M"),
        ];
        for (form, text, expected) in cases {
            let error = form.read(text).unwrap_err();
            assert!(
                error.message.contains(expected),
                "{form:?} {text}: {}",
                error.message
            );
            assert_eq!(error.span, Span::new(0, text.len()));
        }
    }

    #[test]
    fn patterns_that_cannot_read_an_instant_say_why() {
        for good in [
            "%d/%m/%Y %H:%M",
            "%Y-%m-%dT%H:%M:%S%.f%:z",
            "%s",
            "%a, %d %b %Y %I:%M %p",
            "100%% %Y%m%d%H%M",
        ] {
            assert_eq!(TimeForm::check_pattern(good), Ok(()), "{good}");
        }
        let cases = [
            ("%d/%m/%Y %Q", "`%Q` is not a strftime specifier"),
            ("%Y-%m-%d %H:%M %", "`%` is not a strftime specifier"),
            ("%Y-%m-%d", "it writes 2017-05-06T09:30:45+02:00 as"),
            ("%d/%m %H:%M", "it writes 2017-05-06T09:30:45+02:00 as"),
            ("%Y-%m-%d %I:%M", "it writes 2017-05-06T09:30:45+02:00 as"),
            ("%H:%M", "it writes 2017-05-06T09:30:45+02:00 as"),
        ];
        for (pattern, expected) in cases {
            let Err(why) = TimeForm::check_pattern(pattern) else {
                panic!("{pattern} is accepted")
            };
            assert!(why.starts_with(expected), "{pattern}: {why}");
        }
    }

    #[test]
    fn local_times_in_gaps_and_overlaps() {
        // 26 March 2017, 02:30 does not exist in Paris.
        let gap = paris(Overlap::Earlier)
            .read("26/03/2017 02:30")
            .unwrap_err();
        assert!(gap.message.contains("does not exist"), "{}", gap.message);
        // 29 October 2017, 02:30 happened twice.
        let twice = "29/10/2017 02:30";
        let refused = paris(Overlap::Refuse).read(twice).unwrap_err();
        assert!(
            refused.message.contains("happens twice"),
            "{}",
            refused.message
        );
        let earlier = paris(Overlap::Earlier).read(twice).unwrap();
        assert_eq!(earlier.instant, utc("2017-10-29T00:30:00Z"));
        let later = paris(Overlap::Later).read(twice).unwrap();
        assert_eq!(later.instant, utc("2017-10-29T01:30:00Z"));
        // An offset in the pattern settles it.
        let with_offset = TimeForm::Pattern {
            pattern: "%d/%m/%Y %H:%M %z".to_string(),
            zone: chrono_tz::Europe::Paris,
            overlap: Overlap::Refuse,
        };
        let t = with_offset.read("29/10/2017 02:30 +0100").unwrap();
        assert_eq!(t.instant, utc("2017-10-29T01:30:00Z"));
    }
}
