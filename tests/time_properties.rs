//! Properties of time arithmetic, over random IANA zones, dates (across
//! daylight-saving transitions) and anchor expressions.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::{TZ_VARIANTS, Tz};
use proptest::prelude::*;
use scrutin::check::check;
use scrutin::publication;
use scrutin::rulebook::{self, RuleBody, Rulebook, Window, wall_clock};
use scrutin::source::SourceFile;

fn zone() -> impl Strategy<Value = Tz> {
    (0..TZ_VARIANTS.len()).prop_map(|i| TZ_VARIANTS[i])
}

/// Dates from 1970 to 2037, every day equally likely, so transitions come up.
fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..(68 * 365))
        .prop_map(|days| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + Duration::days(days))
}

fn clock() -> impl Strategy<Value = String> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}"))
}

fn start_anchor() -> impl Strategy<Value = String> {
    prop_oneof![
        clock().prop_map(|t| format!("eve {t}")),
        clock().prop_map(|t| format!("vote {t}")),
        (1u32..30, clock()).prop_map(|(n, t)| format!("vote - {n} days {t}")),
        (1u32..12, clock()).prop_map(|(n, t)| format!("start_of_month(vote) - {n} months {t}")),
        (0u32..600).prop_map(|m| format!("polls_open - {m}min")),
    ]
}

fn end_anchor() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("polls_close".to_string()),
        (0u32..300).prop_map(|m| format!("polls_close + {m}min")),
        Just("vote 24:00".to_string()),
        Just("last_polls_close".to_string()),
    ]
}

/// A one-region rulebook in `zone` with a single window rule.
fn rulebook(
    zone: Tz,
    vote: NaiveDate,
    hours: (u32, u32),
    start: &str,
    end: &str,
) -> Result<Rulebook, String> {
    let text = format!(
        r#"id: p
title: P
jurisdiction: P
kinds: {{ campaign: Campaign }}
channels: {{ web: Web }}
regions:
  here: {{ name: Here, zone: {zone} }}
default_region: here
polls: {{ open: "{:02}:00", close: "{:02}:00" }}
rounds:
  - {{ id: r1, name: only round, vote: {vote} }}
rules:
  - id: w
    title: W
    severity: error
    citation: {{ article: art. 1, law: Act, url: "https://example.org" }}
    help: h
    window: {{ start: "{start}", end: "{end}" }}
"#,
        hours.0,
        hours.1,
        zone = zone.name(),
    );
    rulebook::parse(SourceFile::new("p.yaml", text)).map_err(|e| {
        e.problems()
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn window(rulebook: &Rulebook) -> Window {
    let RuleBody::Window(rule) = &rulebook.rules[0].body else {
        unreachable!("the rule is a window rule")
    };
    rule.windows[0].window
}

/// Does a publication at `timestamp` (as a log writes it) break the rule?
fn inside(rulebook: &Rulebook, timestamp: &str) -> bool {
    let line = format!("{timestamp} outlet=o kind=campaign");
    let publication =
        publication::read(&line, rulebook).unwrap_or_else(|e| panic!("{line}: {e:?}"));
    !check(rulebook, &publication).is_empty()
}

fn z(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

// 256 cases each by default; PROPTEST_CASES=20000 for a longer hunt.
proptest! {
    /// A window resolves well-ordered, or the rulebook says it is empty; a
    /// publication at the start is inside, at the end outside.
    #[test]
    fn windows_are_half_open_and_well_ordered(
        zone in zone(), vote in date(), open in 5u32..12, length in 1u32..12,
        start in start_anchor(), end in end_anchor(),
    ) {
        let resolved = rulebook(zone, vote, (open, open + length), &start, &end);
        let rulebook = match resolved {
            Ok(rulebook) => rulebook,
            Err(message) => {
                prop_assert!(message.contains("is empty"), "unexpected rejection: {message}");
                return Ok(());
            }
        };
        let w = window(&rulebook);
        prop_assert!(w.start < w.end);
        prop_assert!(inside(&rulebook, &z(w.start)));
        prop_assert!(!inside(&rulebook, &z(w.end)));
        if w.end - Duration::seconds(1) >= w.start {
            prop_assert!(inside(&rulebook, &z(w.end - Duration::seconds(1))));
        }
        if w.start.timestamp_subsec_nanos() == 0 {
            prop_assert!(!inside(&rulebook, &z(w.start - Duration::seconds(1))));
        }
    }

    /// Writing the same instant with any offset, or with the zone, gives the same verdict.
    #[test]
    fn the_verdict_does_not_depend_on_how_the_instant_is_written(
        zone in zone(), vote in date(), start in start_anchor(), end in end_anchor(),
        around in -3_000i64..3_000, offset_quarters in -48i32..=56,
    ) {
        let Ok(rulebook) = rulebook(zone, vote, (8, 20), &start, &end) else {
            return Ok(());
        };
        let w = window(&rulebook);
        let instant = w.start + (w.end - w.start) / 2 + Duration::minutes(around);
        let expected = w.contains(instant);
        prop_assert_eq!(inside(&rulebook, &z(instant)), expected);
        let local = instant.with_timezone(&zone);
        // An offset with seconds (local mean time before 1972, such as
        // Monrovia's −00:44:30) cannot be written in RFC 3339: the zone alone says it.
        let whole_minutes = chrono::Offset::fix(local.offset()).local_minus_utc() % 60 == 0;
        let with_zone = if whole_minutes {
            format!("{}[{}]", local.format("%Y-%m-%dT%H:%M:%S%:z"), zone.name())
        } else {
            format!("{}[{}]", local.format("%Y-%m-%dT%H:%M:%S"), zone.name())
        };
        prop_assert_eq!(inside(&rulebook, &with_zone), expected, "{}", with_zone);
        let fixed = chrono::FixedOffset::east_opt(offset_quarters * 15 * 60).unwrap();
        let shifted = instant.with_timezone(&fixed).format("%Y-%m-%dT%H:%M:%S%:z").to_string();
        prop_assert_eq!(inside(&rulebook, &shifted), expected, "{}", shifted);
    }

    /// A wall-clock reading resolves to that reading where it exists, to its
    /// first occurrence in an overlap, and to the end of a gap.
    #[test]
    fn wall_clock_readings_follow_the_documented_policy(
        zone in zone(), day in date(), minutes in 0u32..(24 * 60),
    ) {
        let local = day.and_hms_opt(minutes / 60, minutes % 60, 0).unwrap();
        let resolved = wall_clock(zone, day, minutes).expect("a reading in 1970-2037 resolves");
        match zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(instant) => prop_assert_eq!(resolved, instant.with_timezone(&Utc)),
            chrono::LocalResult::Ambiguous(earlier, _) => prop_assert_eq!(resolved, earlier.with_timezone(&Utc)),
            chrono::LocalResult::None => {
                // After the gap, the clocks show a later time; a minute before, an earlier one.
                prop_assert!(resolved.with_timezone(&zone).naive_local() > local);
                prop_assert!((resolved - Duration::minutes(1)).with_timezone(&zone).naive_local() < local);
            }
        }
    }
}
