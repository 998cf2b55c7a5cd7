//! `check --format html`: every finding of the weekend sample is marked on
//! the chart and shown in its rule's section; a rule's findings beyond the
//! cap are counted, not shown; text from a log or a rulebook never becomes
//! markup.

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/html.rs"]
mod html;

const RULES: &str = "rules/fr/presidential-2017.yaml";
const WEEKEND: &str = "samples/presidential-2017-round2-weekend.log";
/// What the page keeps of a rule, as src/report/html/findings.rs says.
const SHOWN: usize = 200;

fn check(args: &[&str], stdin: &str) -> String {
    let output = Command::cargo_bin("scrutin")
        .unwrap()
        .args(["check", "--format"])
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// The sections of the page, by their `id`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section class=\"rule\" id=\"rule-{id}\">"))
        .unwrap_or_else(|| panic!("no section of {id}"));
    let end = page[start..].find("</section>").unwrap();
    &page[start..start + end]
}

#[test]
fn every_finding_of_the_weekend_is_marked_and_in_its_rule_section() {
    let page = check(&["html", "--rules", RULES, WEEKEND], "");
    let json: Value =
        serde_json::from_str(&check(&["json", "--rules", RULES, WEEKEND], "")).unwrap();
    let violations = json["violations"].as_array().unwrap();
    // A mark per window broken: a finding of a window rule in each region.
    let breaches: usize = violations
        .iter()
        .map(|v| v["windows"].as_array().unwrap().len())
        .sum();
    assert_eq!(breaches, 61);
    assert_eq!(page.matches("class=\"mark\"").count(), breaches);
    for v in violations {
        let place = format!(
            "{}:{}:{}",
            v["file"].as_str().unwrap(),
            v["line"],
            v["column"]
        );
        let rule = v["rule"].as_str().unwrap();
        assert!(section(&page, rule).contains(&place), "{rule} {place}");
    }
    let summary = &json["summary"];
    for (count, name) in [
        ("lines", "lines"),
        ("publications", "publications"),
        ("skipped", "skipped"),
        ("violations", "violations"),
        ("errors", "errors"),
        ("warnings", "warnings"),
    ] {
        let shown = format!("<strong>{}</strong> {name}", summary[count]);
        assert!(page.contains(&shown), "{shown}");
    }
    html::assert_well_formed(&page);
    insta::assert_snapshot!("weekend-html", html::readable(&page));
}

#[test]
fn the_page_speaks_french_when_asked() {
    let page = check(&["html", "--lang", "fr", "--rules", RULES, WEEKEND], "");
    assert!(page.starts_with("<!DOCTYPE html><html lang=\"fr\">"));
    assert!(page.contains("<strong>272</strong> lignes"));
    assert!(page.contains("<h2>Chronologie</h2>"));
    html::assert_well_formed(&page);
}

/// More than the cap of one rule's findings and of invalid lines: the cap
/// is shown, and the rest counted.
#[test]
fn a_rule_shows_its_first_findings_and_counts_the_rest() {
    let many = SHOWN + 57;
    let mut log = String::new();
    for n in 0..many {
        log.push_str(&format!(
            "2017-05-06T09:{:02}:{:02}+02:00 outlet=a{n} kind=campaign\n",
            n / 60 % 60,
            n % 60
        ));
        log.push_str("2017-05-06T09:30:00+02:00 outlet=a kind=pol\n");
    }
    let page = check(&["html", "--rules", RULES, "-"], &log);
    let silence = section(&page, "campaign-silence");
    assert_eq!(silence.matches("<div class=\"finding\">").count(), SHOWN);
    assert!(
        silence.contains(
            "57 more findings of this rule are counted but not shown; the cap is 200 per rule."
        ),
        "{silence}"
    );
    assert!(page.contains(&format!("<strong>{many}</strong> violations")));
    assert!(page.contains("57 more invalid lines are counted but not shown; the cap is 200."));
    assert_eq!(page.matches("class=\"mark\"").count(), SHOWN);
    html::assert_well_formed(&page);
}

/// Titles, help, a citation's address and values of a log that try to be
/// markup, a link that is a script, quotes, ampersands and bidirectional
/// controls: all are text on the page.
#[test]
fn hostile_text_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = "<script>alert(\\\"x\\\")</script> & 'q' \\u202E <b>";
    let law = std::fs::read_to_string("rules/fr/law.yaml").unwrap();
    let title = "    title: Campaign silence on the eve and the day of the vote";
    let rule = law
        .find("  - id: campaign-silence")
        .expect("the rule is in the law");
    let url = rule + law[rule..].find("      url: ").unwrap() + "      url: ".len();
    let law = format!(
        "{}\"javascript:alert(1)//\"\n      # {}",
        &law[..url],
        &law[url..]
    )
    .replace(title, &format!("    title: \"{hostile}\""));
    assert!(law.contains(hostile), "the title to replace is in the law");
    // The law extends ../eu/law.yaml.
    let eu = dir.path().join("eu");
    std::fs::create_dir(&eu).unwrap();
    std::fs::copy("rules/eu/law.yaml", eu.join("law.yaml")).unwrap();
    let fr = dir.path().join("fr");
    std::fs::create_dir(&fr).unwrap();
    std::fs::write(fr.join("law.yaml"), law).unwrap();
    let election = std::fs::read_to_string(RULES).unwrap().replace(
        "title: Élection présidentielle 2017",
        &format!("title: \"{hostile} 2017\""),
    );
    std::fs::write(fr.join("election.yaml"), election).unwrap();
    let rules = fr.join("election.yaml");
    let log = "2017-05-06T09:30:00+02:00 outlet=\"<script>x</script>\" kind=campaign id=\"a&b'c\\\"\" title=\"\u{202e}<img src=x>\"\n\
               2017-05-06T09:30:00+02:00 outlet=a kind=<script>\n";
    let page = check(&["html", "--rules", rules.to_str().unwrap(), "-"], log);
    assert!(page.contains("&lt;script&gt;alert"), "{page}");
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"), "{page}");
    assert!(
        !page.contains("href=\"javascript"),
        "a link that is a script"
    );
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains('\u{202e}'), "a raw bidirectional override");
    html::assert_well_formed(&page);
}

/// A waived finding is shown apart with its waiver's reason; a file that
/// cannot be read is named with why; neither is a rule's finding.
#[test]
fn waived_findings_and_unreadable_files_have_sections_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("waivers.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - rule: campaign-silence\n    outlet: a\n    reason: \"Agreed with the <CNCCEP> & counsel\"\n",
    )
    .unwrap();
    let log = "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n\
               2017-05-06T09:31:00+02:00 outlet=b kind=campaign\n";
    let page = check(
        &[
            "html",
            "--rules",
            RULES,
            "--waivers",
            waivers.to_str().unwrap(),
            "-",
            "no/such.log",
        ],
        log,
    );
    let waived = &page[page.find("<section class=\"waived\">").unwrap()..];
    assert!(waived.starts_with("<section class=\"waived\"><h2>Waived findings (1)</h2>"));
    assert!(waived.contains("&lt;stdin&gt;:1:1"), "{waived}");
    assert!(waived.contains("Agreed with the &lt;CNCCEP&gt; &amp; counsel"));
    assert_eq!(
        section(&page, "campaign-silence")
            .matches("<div class=\"finding\">")
            .count(),
        1
    );
    let unreadable = &page[page.find("<section class=\"unreadable\">").unwrap()..];
    assert!(
        unreadable.contains("<code>no/such.log</code>: "),
        "{unreadable}"
    );
    assert!(page.contains("<strong>1</strong> waived"));
    assert!(page.contains("<strong>1</strong> unreadable file"));
    html::assert_well_formed(&page);
}

/// A scope asked for (`--rule`) is said, with the findings left outside.
#[test]
fn the_scope_asked_for_is_said_with_what_it_leaves_out() {
    let page = check(
        &["html", "--rules", RULES, "--rule", "poll-ban", WEEKEND],
        "",
    );
    let scope = &page[page.find("<p>Shown only: ").unwrap()..];
    assert!(
        scope.contains("(55 findings outside, not counted above)"),
        "{}",
        &scope[..200]
    );
    assert!(page.contains("<strong>11</strong> violations"));
    assert!(!page.contains("id=\"rule-campaign-silence\""));
}
