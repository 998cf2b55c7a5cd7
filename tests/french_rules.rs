//! Each rule of rules/fr/presidential-2017.yaml, on both sides of its boundaries.
//!
//! Windows are half-open: a publication exactly at the start is inside, one
//! exactly at the end is outside.

mod common;

use std::sync::OnceLock;

use scrutin::check::{Violation, check};
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};

fn rulebook() -> &'static Rulebook {
    static RULEBOOK: OnceLock<Rulebook> = OnceLock::new();
    RULEBOOK.get_or_init(|| {
        rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).expect("valid rulebook")
    })
}

/// The ids of the rules a log line breaks.
fn broken(line: &str) -> Vec<&'static str> {
    common::rules_broken(rulebook(), line)
}

const NOTICE: &str = "pollster=Ipsos sponsor=\"Le Monde\" sample_size=1412 fieldwork=2017-05-04/2017-05-05 margin_of_error=2.5";

#[test]
fn campaign_silence_starts_at_midnight_on_the_eve() {
    assert_eq!(
        broken("2017-05-05T23:59:59+02:00 outlet=a kind=campaign channel=web"),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken("2017-05-06T00:00:00+02:00 outlet=a kind=campaign channel=web"),
        ["campaign-silence"]
    );
    // The first round too.
    assert_eq!(
        broken("2017-04-22T00:00:00+02:00 outlet=a kind=campaign"),
        ["campaign-silence"]
    );
}

#[test]
fn campaign_silence_ends_when_metropolitan_polls_close() {
    assert_eq!(
        broken("2017-05-07T19:59:59+02:00 outlet=a kind=campaign channel=tv"),
        ["campaign-silence"]
    );
    assert_eq!(
        broken("2017-05-07T20:00:00+02:00 outlet=a kind=campaign channel=tv"),
        Vec::<&str>::new()
    );
}

#[test]
fn campaign_silence_follows_each_regions_own_eve() {
    // Guadeloupe votes on Saturday: its eve is Friday, 00:00 local = 04:00Z.
    let line = |region: &str| {
        format!("2017-05-05T04:30:00Z outlet=rci.fm kind=campaign channel=radio region={region}")
    };
    assert_eq!(broken(&line("guadeloupe")), ["campaign-silence"]);
    assert_eq!(broken(&line("metropole")), Vec::<&str>::new());
    assert_eq!(
        broken("2017-05-05T03:59:59Z outlet=rci.fm kind=campaign region=guadeloupe"),
        Vec::<&str>::new()
    );
    // Friday 23:59 in Tahiti is already inside; Thursday 23:59 is not.
    assert_eq!(
        broken("2017-05-05T23:59:00[Pacific/Tahiti] outlet=tntv kind=campaign region=polynesie"),
        ["campaign-silence"]
    );
    assert_eq!(
        broken("2017-05-04T23:59:00[Pacific/Tahiti] outlet=tntv kind=campaign region=polynesie"),
        Vec::<&str>::new()
    );
}

#[test]
fn a_publication_received_in_several_regions_is_reported_once_per_round() {
    let rulebook = rulebook();
    let line = "2017-05-06T12:00:00+02:00 outlet=a kind=campaign channel=web region=metropole,guadeloupe,reunion";
    let publication = publication::read(line, rulebook).unwrap();
    let findings = check(rulebook, &publication);
    assert_eq!(findings.len(), 1);
    let Violation::InsideWindow { windows, .. } = &findings[0].violation else {
        panic!("not a window violation: {findings:?}");
    };
    // Each region with its own window: Guadeloupe's silence starts at its own midnight.
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
fn printed_campaign_documents_only_on_polling_day() {
    assert_eq!(
        broken("2017-05-06T10:00:00+02:00 outlet=a kind=campaign channel=print"),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken("2017-05-07T00:00:00+02:00 outlet=a kind=campaign channel=print"),
        ["campaign-documents-on-polling-day"]
    );
    assert_eq!(
        broken("2017-05-07T20:00:00+02:00 outlet=a kind=campaign channel=print"),
        Vec::<&str>::new()
    );
}

#[test]
fn a_publication_without_channel_may_have_gone_out_on_any() {
    assert_eq!(
        broken("2017-05-07T09:00:00+02:00 outlet=a kind=campaign"),
        ["campaign-documents-on-polling-day", "campaign-silence"]
    );
}

#[test]
fn poll_ban_boundaries() {
    assert_eq!(
        broken(&format!(
            "2017-05-05T23:59:59+02:00 outlet=a kind=poll {NOTICE}"
        )),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken(&format!(
            "2017-05-06T00:00:00+02:00 outlet=a kind=poll {NOTICE}"
        )),
        ["poll-ban"]
    );
    assert_eq!(
        broken(&format!(
            "2017-05-07T19:59:59+02:00 outlet=a kind=poll {NOTICE}"
        )),
        ["poll-ban"]
    );
    assert_eq!(
        broken(&format!(
            "2017-05-07T20:00:00+02:00 outlet=a kind=poll {NOTICE}"
        )),
        Vec::<&str>::new()
    );
}

#[test]
fn polls_put_online_before_the_ban_may_stay_online() {
    let republished = |first: &str| {
        format!("2017-05-06T10:00:00+02:00 outlet=a kind=poll first_published={first} {NOTICE}")
    };
    assert_eq!(
        broken(&republished("2017-05-05T23:59:59+02:00")),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken(&republished("2017-05-06T00:00:00+02:00")),
        ["poll-ban"]
    );
}

#[test]
fn poll_notice_lists_what_is_missing() {
    let rulebook = rulebook();
    let line = "2017-05-04T10:00:00+02:00 outlet=a kind=poll pollster=Ifop sample_size=900 fieldwork=2017-05-03";
    let findings = check(rulebook, &publication::read(line, rulebook).unwrap());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].violation,
        Violation::MissingAttributes(vec!["sponsor".into(), "margin_of_error".into()])
    );
    assert_eq!(
        broken(&format!(
            "2017-05-04T10:00:00+02:00 outlet=a kind=poll {NOTICE}"
        )),
        Vec::<&str>::new()
    );
    // An empty value states nothing.
    assert_eq!(
        broken(
            "2017-05-04T10:00:00+02:00 outlet=a kind=poll pollster=Ipsos sponsor=\"\" sample_size=1 fieldwork=x margin_of_error=3"
        ),
        ["poll-notice"]
    );
}

#[test]
fn poll_notice_binds_the_first_publication_only() {
    let copy =
        "2017-05-04T10:00:00+02:00 outlet=a kind=poll first_published=2017-05-03T10:00:00+02:00";
    assert_eq!(broken(copy), Vec::<&str>::new());
}

#[test]
fn one_results_embargo_for_the_whole_republic() {
    for region in ["metropole", "martinique", "polynesie", "nouvelle-caledonie"] {
        let before =
            format!("2017-05-07T19:59:59+02:00 outlet=rtbf.be kind=result region={region}");
        assert_eq!(broken(&before), ["results-embargo"], "{region}");
        let after = format!("2017-05-07T20:00:00+02:00 outlet=rtbf.be kind=result region={region}");
        assert_eq!(broken(&after), Vec::<&str>::new(), "{region}");
    }
    // Martinique's count is known on Saturday evening; still embargoed.
    assert_eq!(
        broken(
            "2017-05-06T20:30:00[America/Martinique] outlet=rci.fm kind=result region=martinique"
        ),
        ["results-embargo"]
    );
}

#[test]
fn paid_advertising_from_six_months_before_the_month_of_the_election() {
    assert_eq!(
        broken("2016-09-30T23:59:59+02:00 outlet=a kind=paid_ad"),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken("2016-10-01T00:00:00+02:00 outlet=a kind=paid_ad"),
        ["paid-political-advertising"]
    );
    assert_eq!(
        broken("2017-05-07T23:59:59+02:00 outlet=a kind=paid_ad"),
        ["paid-political-advertising"]
    );
    assert_eq!(
        broken("2017-05-08T00:00:00+02:00 outlet=a kind=paid_ad"),
        Vec::<&str>::new()
    );
}

#[test]
fn leaked_documents_warning_in_the_second_round_only() {
    assert_eq!(
        broken("2017-05-05T22:30:00+02:00 outlet=a kind=news tags=leak"),
        Vec::<&str>::new()
    );
    assert_eq!(
        broken("2017-05-06T08:00:00+02:00 outlet=a kind=news tags=macronleaks,leak"),
        ["leaked-documents"]
    );
    assert_eq!(
        broken("2017-04-22T08:00:00+02:00 outlet=a kind=news tags=leak"),
        Vec::<&str>::new()
    );
    let rulebook = rulebook();
    let leaked = rulebook
        .rules
        .iter()
        .find(|r| r.id == "leaked-documents")
        .unwrap();
    assert_eq!(leaked.severity, rulebook::Severity::Warning);
}

#[test]
fn every_rule_cites_its_law_and_helps() {
    for rule in &rulebook().rules {
        assert!(
            rule.citation
                .url
                .starts_with("https://www.legifrance.gouv.fr/"),
            "{}",
            rule.id
        );
        assert!(
            !rule.citation.article.is_empty() && !rule.citation.law.is_empty(),
            "{}",
            rule.id
        );
        assert!(rule.help.len() > 80, "{} needs a real help text", rule.id);
    }
}

/// The rule ids a line breaks under another French election file.
fn broken_in(election: &str, line: &str) -> Vec<String> {
    let rulebook = rulebook::load(format!("rules/fr/{election}.yaml").as_ref()).unwrap();
    let publication = publication::read(line, &rulebook).unwrap();
    let mut ids: Vec<String> = check(&rulebook, &publication)
        .iter()
        .map(|f| rulebook.rules[f.rule].id.clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_2022_poll_ban_is_the_one_the_cnccep_stated() {
    // "entre le vendredi 8 avril à minuit et le dimanche 10 avril à 20 heures"
    let poll = |at: &str| format!("{at} outlet=a kind=poll first_published={at} {NOTICE}");
    assert_eq!(
        broken_in("presidential-2022", &poll("2022-04-08T23:59:59+02:00")),
        Vec::<String>::new()
    );
    assert_eq!(
        broken_in("presidential-2022", &poll("2022-04-09T00:00:00+02:00")),
        ["poll-ban"]
    );
    assert_eq!(
        broken_in("presidential-2022", &poll("2022-04-24T19:59:59+02:00")),
        ["poll-ban"]
    );
    assert_eq!(
        broken_in("presidential-2022", &poll("2022-04-24T20:00:00+02:00")),
        Vec::<String>::new()
    );
}

#[test]
fn since_2020_printed_campaign_documents_are_banned_from_the_eve() {
    // loi n° 2019-1269: the 2017 split between electronic and printed matter is gone.
    let leaflet = "2022-04-09T10:00:00+02:00 outlet=a kind=campaign channel=print";
    assert_eq!(
        broken_in("presidential-2022", leaflet),
        ["campaign-silence"]
    );
    let leaflet_2017 = "2017-05-06T10:00:00+02:00 outlet=a kind=campaign channel=print";
    assert_eq!(broken(leaflet_2017), Vec::<&str>::new());
}

#[test]
fn paid_advertising_before_a_snap_election_starts_six_months_before_its_month() {
    // Legislative 2024: 1 December 2023 00:00 Paris (winter time, UTC+1).
    assert_eq!(
        broken_in(
            "legislative-2024",
            "2023-11-30T22:59:59Z outlet=a kind=paid_ad"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        broken_in(
            "legislative-2024",
            "2023-11-30T23:00:00Z outlet=a kind=paid_ad"
        ),
        ["paid-political-advertising"]
    );
    assert_eq!(
        broken_in(
            "presidential-2022",
            "2021-09-30T22:00:00Z outlet=a kind=paid_ad"
        ),
        ["paid-political-advertising"]
    );
}

#[test]
fn legislative_2024_overseas_saturday_and_national_results() {
    // Polynesia votes on Saturday 6 July: its silence starts Friday 00:00 Tahiti.
    let tahiti = |at: &str| format!("{at} outlet=tntv kind=campaign region=polynesie");
    assert_eq!(
        broken_in(
            "legislative-2024",
            &tahiti("2024-07-04T23:59:59[Pacific/Tahiti]")
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        broken_in(
            "legislative-2024",
            &tahiti("2024-07-05T00:00:00[Pacific/Tahiti]")
        ),
        ["campaign-silence"]
    );
    let estimate = |at: &str| format!("{at} outlet=a kind=result region=guyane");
    assert_eq!(
        broken_in("legislative-2024", &estimate("2024-07-07T19:59:59+02:00")),
        ["results-embargo"]
    );
    assert_eq!(
        broken_in("legislative-2024", &estimate("2024-07-07T20:00:00+02:00")),
        Vec::<String>::new()
    );
}
