//! Which publications a rule applies to, and what `requires` can ask for.

use scrutin::check::check;
use scrutin::publication;
use scrutin::rulebook::{self, Rulebook};
use scrutin::source::SourceFile;

fn rulebook() -> Rulebook {
    let text = r#"id: t
title: T
jurisdiction: T
kinds: { ad: Ad, news: News }
channels: { web: Web, tv: TV }
regions:
  here: { name: Here, zone: Europe/Paris }
default_region: here
polls: { open: "08:00", close: "20:00" }
rounds:
  - { id: r1, name: only round, vote: 2024-06-30 }
rules:
  - id: labelled-ads
    title: Ads say who paid, with a link
    severity: error
    citation: { article: art. 1, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [ad] }
    requires: [title, url, payer]
  - id: no-tv-ads-from-x
    title: X may not advertise on TV
    severity: warning
    citation: { article: art. 2, law: Act, url: "https://example.org" }
    help: h
    applies_to: { kinds: [ad], channels: [tv], attributes: { outlet: x } }
    window: { start: "2024-01-01T00:00:00Z", end: "2025-01-01T00:00:00Z" }
"#;
    rulebook::parse(SourceFile::new("t.yaml", text)).unwrap_or_else(|e| panic!("{e:?}"))
}

fn broken(line: &str) -> Vec<String> {
    let rulebook = rulebook();
    let publication = publication::read(line, &rulebook).unwrap();
    check(&rulebook, &publication)
        .iter()
        .map(|f| rulebook.rules[f.rule].id.clone())
        .collect()
}

#[test]
fn well_known_fields_can_be_required() {
    assert_eq!(
        broken("2024-06-01T10:00:00Z outlet=y kind=ad channel=web title=T url=https://u payer=P"),
        Vec::<String>::new()
    );
    assert_eq!(
        broken("2024-06-01T10:00:00Z outlet=y kind=ad channel=web payer=P"),
        ["labelled-ads"]
    );
}

#[test]
fn well_known_fields_can_be_compared() {
    let line = |outlet: &str, channel: &str| {
        format!("2024-06-01T10:00:00Z outlet={outlet} kind=ad {channel} title=T url=u payer=P")
    };
    assert_eq!(broken(&line("x", "channel=tv")), ["no-tv-ads-from-x"]);
    assert_eq!(broken(&line("y", "channel=tv")), Vec::<String>::new());
    assert_eq!(broken(&line("x", "channel=web")), Vec::<String>::new());
    // No channel: it may have gone out on TV.
    assert_eq!(broken(&line("x", "")), ["no-tv-ads-from-x"]);
}
