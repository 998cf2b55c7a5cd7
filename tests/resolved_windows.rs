//! The windows and poll closes the shipped rulebooks resolve to, checked
//! against the dates and hours the law gives. What publications break at
//! these boundaries is data: tests/jurisdictions/.

use chrono::{DateTime, Utc};
use scrutin::check::{Finding, Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, RuleBody, Rulebook, Window};

fn load(path: &str) -> Rulebook {
    rulebook::load(path.as_ref()).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The only window of a window rule.
fn only_window(rulebook: &Rulebook, id: &str) -> Window {
    let rule = rulebook.rules.iter().find(|r| r.id == id).unwrap();
    let RuleBody::Window(window_rule) = &rule.body else {
        panic!("{id} is not a window rule");
    };
    assert_eq!(window_rule.windows.len(), 1, "{id}");
    window_rule.windows[0].window
}

/// What the library finds in a log line (the only call of the reader and
/// the checker here).
fn findings(rulebook: &Rulebook, line: &str) -> Vec<Finding> {
    let publication = publication::read(line, rulebook).unwrap();
    check(rulebook, &publication)
}

#[test]
fn france_2017_each_region_received_has_its_own_silence() {
    let rulebook = load("rules/fr/presidential-2017.yaml");
    let line = "2017-05-06T12:00:00+02:00 outlet=a kind=campaign channel=web region=metropole,guadeloupe,reunion";
    let findings = findings(&rulebook, line);
    assert_eq!(findings.len(), 1);
    let Violation::InsideWindow { windows, .. } = &findings[0].violation else {
        panic!("not a window violation: {findings:?}");
    };
    // Guadeloupe's silence starts at its own midnight, Réunion's at its own.
    let starts: Vec<(&str, String)> = windows
        .iter()
        .map(|w| {
            (
                rulebook.regions[w.region].id.as_str(),
                w.window.start.to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            ("metropole", "2017-05-05T22:00:00+00:00".to_string()),
            ("guadeloupe", "2017-05-05T04:00:00+00:00".to_string()),
            ("reunion", "2017-05-05T20:00:00+00:00".to_string()),
        ]
    );
}

#[test]
fn uk_in_july_2024_the_poll_closed_at_21_00_utc() {
    let rulebook = load("rules/uk/general-2024.yaml");
    let window = only_window(&rulebook, "exit-poll-embargo");
    assert_eq!(window.end, utc("2024-07-04T21:00:00Z"));
    // Six weeks before polling day, 00:00 BST.
    assert_eq!(window.start, utc("2024-05-22T23:00:00Z"));
}

#[test]
fn uk_at_all_times_has_no_ends() {
    let rulebook = load("rules/uk/general-2024.yaml");
    let window = only_window(&rulebook, "broadcast-political-advertising");
    assert!(window.is_always());
    for instant in [
        "0000-01-01T00:00:00Z",
        "2003-07-16T23:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
    ] {
        assert!(window.contains(utc(instant)), "{instant}");
    }
}

#[test]
fn uk_in_december_2019_the_poll_closed_at_22_00_utc() {
    // The same law in winter: GMT, so 22:00 local is 22:00Z, an hour later in
    // UTC than in July.
    let rulebook = load("tests/fixtures/uk/general-2019.yaml");
    let window = only_window(&rulebook, "exit-poll-embargo");
    assert_eq!(window.end, utc("2019-12-12T22:00:00Z"));
}

#[test]
fn canada_polls_close_at_the_staggered_hours_of_section_128() {
    let rulebook = load("rules/ca/federal-2021.yaml");
    let round = &rulebook.rounds[0];
    let closes: Vec<(&str, String)> = rulebook
        .regions
        .iter()
        .zip(&round.polls)
        .map(|(region, polls)| (region.id.as_str(), polls.close.to_rfc3339()))
        .collect();
    assert_eq!(
        closes,
        [
            ("newfoundland", "2021-09-20T23:00:00+00:00".to_string()),
            ("atlantic", "2021-09-20T23:30:00+00:00".to_string()),
            ("eastern", "2021-09-21T01:30:00+00:00".to_string()),
            ("central", "2021-09-21T01:30:00+00:00".to_string()),
            ("saskatchewan", "2021-09-21T01:30:00+00:00".to_string()),
            ("mountain", "2021-09-21T01:30:00+00:00".to_string()),
            ("pacific", "2021-09-21T02:00:00+00:00".to_string()),
        ]
    );
}

/// Each region's broadcast blackout, as `(region, start, end)` in UTC.
fn blackouts(rulebook: &Rulebook) -> Vec<(&str, String, String)> {
    let rule = rulebook
        .rules
        .iter()
        .find(|r| r.id == "broadcast-blackout")
        .unwrap();
    let RuleBody::Window(window_rule) = &rule.body else {
        panic!("broadcast-blackout is not a window rule");
    };
    window_rule
        .windows
        .iter()
        .map(|w| {
            (
                rulebook.regions[w.region].id.as_str(),
                w.window.start.to_rfc3339(),
                w.window.end.to_rfc3339(),
            )
        })
        .collect()
}

#[test]
fn australia_2025_blackout_runs_from_thursday_00_00_to_18_00_in_each_zone() {
    // The law notes' table for 3 May 2025 (standard time everywhere): the
    // eastern states +10, the centre +09:30, Perth (and Eucla, on its legal
    // time) +08, Lord Howe +10:30, Norfolk +11, Christmas +07, Cocos +06:30.
    let rulebook = load("rules/au/federal-2025.yaml");
    let table = [
        ("new_south_wales", "2025-04-30T14:00", "2025-05-03T08:00"),
        ("victoria", "2025-04-30T14:00", "2025-05-03T08:00"),
        ("tasmania", "2025-04-30T14:00", "2025-05-03T08:00"),
        ("queensland", "2025-04-30T14:00", "2025-05-03T08:00"),
        ("south_australia", "2025-04-30T14:30", "2025-05-03T08:30"),
        ("broken_hill", "2025-04-30T14:30", "2025-05-03T08:30"),
        ("northern_territory", "2025-04-30T14:30", "2025-05-03T08:30"),
        ("western_australia", "2025-04-30T16:00", "2025-05-03T10:00"),
        ("lord_howe", "2025-04-30T13:30", "2025-05-03T07:30"),
        ("norfolk", "2025-04-30T13:00", "2025-05-03T07:00"),
        ("christmas_island", "2025-04-30T17:00", "2025-05-03T11:00"),
        ("cocos_islands", "2025-04-30T17:30", "2025-05-03T11:30"),
    ];
    let expected: Vec<(&str, String, String)> = table
        .iter()
        .map(|(region, start, end)| {
            (
                *region,
                format!("{start}:00+00:00"),
                format!("{end}:00+00:00"),
            )
        })
        .collect();
    assert_eq!(blackouts(&rulebook), expected);
}

#[test]
fn australia_2022_blackout_starts_on_thursday_19_may_local() {
    // The law notes: Sydney from 2022-05-18T14:00Z, Adelaide 14:30Z, Perth 16:00Z.
    let rulebook = load("rules/au/federal-2022.yaml");
    let starts: Vec<(&str, String)> = blackouts(&rulebook)
        .into_iter()
        .filter(|(region, _, _)| {
            ["new_south_wales", "south_australia", "western_australia"].contains(region)
        })
        .map(|(region, start, _)| (region, start))
        .collect();
    assert_eq!(
        starts,
        [
            ("new_south_wales", "2022-05-18T14:00:00+00:00".to_string()),
            ("south_australia", "2022-05-18T14:30:00+00:00".to_string()),
            ("western_australia", "2022-05-18T16:00:00+00:00".to_string()),
        ]
    );
}

#[test]
fn poland_silence_and_poll_ban_run_from_saturday_midnight_to_sunday_21_warsaw() {
    let rulebook = load("rules/pl/parliamentary-2023.yaml");
    for rule in &rulebook.rules {
        let window = only_window(&rulebook, &rule.id);
        assert_eq!(window.start, utc("2023-10-13T22:00:00Z"), "{}", rule.id);
        assert_eq!(window.end, utc("2023-10-15T19:00:00Z"), "{}", rule.id);
    }
}

#[test]
fn germany_2025_exit_polls_wait_from_08_00_to_18_00_cet_and_the_eu_layer_is_not_in_force() {
    let rulebook = load("rules/de/bundestag-2025.yaml");
    let window = only_window(&rulebook, "exit-poll-embargo");
    assert_eq!(window.start, utc("2025-02-23T07:00:00Z"));
    assert_eq!(window.end, utc("2025-02-23T17:00:00Z"));
    let ids: Vec<&str> = rulebook.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["exit-poll-embargo", "broadcast-political-advertising"]
    );
}

#[test]
fn india_2024_each_phase_and_closing_hour_has_its_48_hours_and_s_126a_spans_them_all() {
    let rulebook = load("rules/in/lok-sabha-2024.yaml");
    let rule = |id: &str| {
        let rule = rulebook.rules.iter().find(|r| r.id == id).unwrap();
        let RuleBody::Window(window_rule) = &rule.body else {
            panic!("{id} is not a window rule");
        };
        window_rule
            .windows
            .iter()
            .map(|w| {
                let region = rulebook.regions[w.region].id.as_str();
                (
                    region,
                    w.window.start.to_rfc3339(),
                    w.window.end.to_rfc3339(),
                )
            })
            .collect::<Vec<_>>()
    };
    let silence = rule("election-matter-silence");
    let window = |region: &str| {
        silence
            .iter()
            .find(|(r, _, _)| *r == region)
            .map(|(_, start, end)| (start.as_str(), end.as_str()))
            .unwrap()
    };
    // The law notes' instants: phase 1 at 18:00 IST, Bastar at 15:00, phase 7.
    assert_eq!(
        window("phase-1"),
        ("2024-04-17T12:30:00+00:00", "2024-04-19T12:30:00+00:00")
    );
    assert_eq!(
        window("phase-1-15h"),
        ("2024-04-17T09:30:00+00:00", "2024-04-19T09:30:00+00:00")
    );
    assert_eq!(
        window("phase-1-17h"),
        ("2024-04-17T11:30:00+00:00", "2024-04-19T11:30:00+00:00")
    );
    assert_eq!(
        window("phase-7"),
        ("2024-05-30T12:30:00+00:00", "2024-06-01T12:30:00+00:00")
    );
    // The poll rules' silences are the same windows.
    assert_eq!(rule("poll-silence"), silence);
    assert_eq!(rule("poll-silence-print"), silence);
    // s. 126A, as notified: 07:00 IST on 19 April to 18:30 IST on 1 June,
    // in every region.
    let exit_polls = rule("exit-poll-ban");
    assert_eq!(exit_polls.len(), rulebook.regions.len());
    for (region, start, end) in exit_polls {
        assert_eq!(start, "2024-04-19T01:30:00+00:00", "{region}");
        assert_eq!(end, "2024-06-01T13:00:00+00:00", "{region}");
    }
}

/// A rule's window in one region and round, as RFC 3339 instants.
fn window_in(rulebook: &Rulebook, id: &str, region: &str, round: usize) -> (String, String) {
    let rule = rulebook.rules.iter().find(|r| r.id == id).unwrap();
    let RuleBody::Window(window_rule) = &rule.body else {
        panic!("{id} is not a window rule");
    };
    let w = window_rule
        .windows
        .iter()
        .find(|w| rulebook.regions[w.region].id == region && w.round == Some(round))
        .unwrap_or_else(|| panic!("{id} has no window in {region}, round {round}"));
    (w.window.start.to_rfc3339(), w.window.end.to_rfc3339())
}

/// Every region's polls of a round close at the same instant.
fn assert_all_polls_close_at(rulebook: &Rulebook, round: usize, close: &str) {
    let round = &rulebook.rounds[round];
    assert_eq!(round.polls.len(), rulebook.regions.len());
    for (region, polls) in rulebook.regions.iter().zip(&round.polls) {
        assert_eq!(polls.close, utc(close), "{}", region.id);
    }
}

#[test]
fn brazil_2022_all_polls_close_at_20_00z_and_election_day_is_each_state_s_own() {
    let rulebook = load("rules/br/general-2022.yaml");
    // 17:00 Brasília everywhere (Res. 23.669/2021): Acre's 15:00,
    // Amazonas' 16:00, Noronha's 18:00 local are the same instant.
    assert_all_polls_close_at(&rulebook, 0, "2022-10-02T20:00:00Z");
    assert_all_polls_close_at(&rulebook, 1, "2022-10-30T20:00:00Z");
    let day = |region| window_in(&rulebook, "internet-new-content-on-election-day", region, 0);
    let pair = |start: &str, end: &str| (start.to_string(), end.to_string());
    // The law notes' instants: São Paulo, Acre from 05:00Z, Noronha from 02:00Z.
    assert_eq!(
        day("sp"),
        pair("2022-10-02T03:00:00+00:00", "2022-10-03T03:00:00+00:00")
    );
    assert_eq!(
        day("ac"),
        pair("2022-10-02T05:00:00+00:00", "2022-10-03T05:00:00+00:00")
    );
    assert_eq!(
        day("am-acre-time"),
        pair("2022-10-02T05:00:00+00:00", "2022-10-03T05:00:00+00:00")
    );
    assert_eq!(
        day("noronha"),
        pair("2022-10-02T02:00:00+00:00", "2022-10-03T02:00:00+00:00")
    );
    // CE art. 240 in Brasília: from 2022-09-30T03:00Z (the notes) to Monday
    // 24:00 (Interpretation).
    assert_eq!(
        window_in(&rulebook, "broadcast-propaganda", "df", 0),
        pair("2022-09-30T03:00:00+00:00", "2022-10-04T03:00:00+00:00")
    );
    // Election-day surveys: the president at the national close in every
    // state; state races at 17:00 local (Acre 22:00Z, Noronha 19:00Z).
    for region in ["sp", "ac", "noronha"] {
        let (_, end) = window_in(&rulebook, "election-day-survey-president", region, 0);
        assert_eq!(end, "2022-10-02T20:00:00+00:00", "{region}");
    }
    let state_end = |region| window_in(&rulebook, "election-day-survey-state", region, 0).1;
    assert_eq!(state_end("sp"), "2022-10-02T20:00:00+00:00");
    assert_eq!(state_end("ac"), "2022-10-02T22:00:00+00:00");
    assert_eq!(state_end("noronha"), "2022-10-02T19:00:00+00:00");
}

#[test]
fn brazil_2026_polls_close_at_20_00z_on_the_unconfirmed_unified_hours() {
    let rulebook = load("rules/br/general-2026.yaml");
    assert_all_polls_close_at(&rulebook, 0, "2026-10-04T20:00:00Z");
    assert_all_polls_close_at(&rulebook, 1, "2026-10-25T20:00:00Z");
}

/// A rulebook whose polls close after midnight (`01:30 next day`), for a
/// vote day on `vote` in Paris: the close falls on the next calendar day,
/// placed in the zone as any local time is (the earlier of an hour that
/// happened twice, the end of a gap).
fn after_midnight(vote: &str, close: &str) -> Rulebook {
    let text = format!(
        "id: t\ntitle: T\njurisdiction: T\nkinds: {{ campaign: C }}\n\
         regions: {{ here: {{ name: Here, zone: Europe/Paris }} }}\ndefault_region: here\n\
         polls: {{ open: \"18:00\", close: \"{close}\" }}\n\
         rounds: [ {{ id: r1, name: R1, vote: {vote} }} ]\n\
         rules:\n  - id: silence\n    title: S\n    severity: error\n\
         \x20   citation: {{ article: a, law: l, url: \"https://example.org\" }}\n    help: h\n\
         \x20   applies_to: {{ kinds: [campaign] }}\n    window: {{ start: vote 00:00, end: polls_close }}\n"
    );
    rulebook::parse(scrutin::source::SourceFile::new("t.yaml", text))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn polls_that_close_after_midnight_close_on_the_next_day() {
    let rulebook = after_midnight("2017-05-07", "01:30 next day");
    let window = only_window(&rulebook, "silence");
    assert_eq!(window.start, utc("2017-05-06T22:00:00Z"));
    assert_eq!(window.end, utc("2017-05-07T23:30:00Z"));
    // Across the night clocks go back (29 October 2017, 03:00 → 02:00):
    // 02:30 happened twice; the polls close at the first.
    let autumn = after_midnight("2017-10-28", "02:30 next day");
    assert_eq!(
        only_window(&autumn, "silence").end,
        utc("2017-10-29T00:30:00Z")
    );
    // Across the night clocks go forward (26 March 2017, 02:00 → 03:00):
    // 02:30 does not exist; the polls close when the gap ends.
    let spring = after_midnight("2017-03-25", "02:30 next day");
    assert_eq!(
        only_window(&spring, "silence").end,
        utc("2017-03-26T01:00:00Z")
    );
    // Written with capitals or a space after: the same close.
    let written = after_midnight("2017-05-07", "01:30 Next Day ");
    assert_eq!(
        only_window(&written, "silence").end,
        utc("2017-05-07T23:30:00Z")
    );
    // `next day` is for closing times only, before 24:00.
    for close in ["24:00 next day", "1:30 next day", "01:30 next"] {
        let text = format!(
            "id: t\ntitle: T\njurisdiction: T\nregions: {{ here: {{ name: Here, zone: Europe/Paris }} }}\n\
             default_region: here\npolls: {{ open: \"18:00\", close: \"{close}\" }}\n\
             rounds: [ {{ id: r1, name: R1, vote: 2017-05-07 }} ]\n"
        );
        let error = rulebook::parse(scrutin::source::SourceFile::new("t.yaml", text)).unwrap_err();
        let codes: Vec<&str> = error.problems().iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["scrutin::rulebook::bad-time"], "{close}");
    }
}

/// A two-round election whose second campaign opens between the rounds.
fn two_rounds(rule_extra: &str, window_extra: &str) -> Result<Rulebook, rulebook::RulebookError> {
    let text = format!(
        "id: t\ntitle: T\njurisdiction: T\nkinds: {{ poll: P }}\n\
         regions: {{ here: {{ name: Here, zone: Europe/Paris }} }}\ndefault_region: here\n\
         polls: {{ open: \"08:00\", close: \"20:00\" }}\n\
         events: {{ campaign2: 2017-04-24 }}\n\
         rounds: [ {{ id: r1, name: R1, vote: 2017-04-23 }}, {{ id: r2, name: R2, vote: 2017-05-07 }} ]\n\
         rules:\n  - id: notice\n    title: N\n    severity: error\n\
         \x20   citation: {{ article: a, law: l, url: \"https://example.org\" }}\n    help: h\n\
         \x20   applies_to: {{ kinds: [poll]{rule_extra} }}\n    requires: [sponsor]\n\
         \x20   window: {{ start: event(campaign2) 00:00, end: vote 24:00{window_extra} }}\n"
    );
    rulebook::parse(scrutin::source::SourceFile::new("t.yaml", text))
}

/// A duty's period that starts between two rounds is narrowed to the round
/// it belongs to, as a window is; a window's exemption of earlier content
/// is no part of a period; an election's events are in its own file.
#[test]
fn a_period_narrowed_to_a_round_and_what_a_period_refuses() {
    let codes = |result: Result<Rulebook, rulebook::RulebookError>| -> Vec<&'static str> {
        result.err().map_or_else(Vec::new, |e| {
            e.problems().iter().map(|p| p.code()).collect()
        })
    };
    assert_eq!(
        codes(two_rounds("", "")),
        ["scrutin::rulebook::empty-window"]
    );
    let narrowed = two_rounds(", rounds: [r2]", "").unwrap();
    let in_period = findings(
        &narrowed,
        "2017-04-24T00:00:00[Europe/Paris] outlet=a kind=poll",
    );
    assert_eq!(in_period.len(), 1);
    assert!(
        findings(
            &narrowed,
            "2017-04-23T23:59:59[Europe/Paris] outlet=a kind=poll"
        )
        .is_empty()
    );
    assert_eq!(
        codes(two_rounds(
            ", rounds: [r2]",
            ", exempt_earlier_publications: true"
        )),
        ["scrutin::rulebook::misplaced-field"]
    );
    let law = "id: t\ntitle: T\njurisdiction: T\nregions: { here: { name: Here, zone: Europe/Paris } }\n\
               default_region: here\nevents: { writ: 2021-08-15 }\n";
    let error = rulebook::parse_as(
        scrutin::source::SourceFile::new("law.yaml", law),
        rulebook::Expect::LawOrElection,
    )
    .unwrap_err();
    let codes: Vec<&str> = error.problems().iter().map(|p| p.code()).collect();
    assert_eq!(codes, ["scrutin::rulebook::misplaced-field"]);
}
