//! The editor's page in a real browser: Debian's Chromium, driven through
//! chromedriver, against a server on a loopback port. An editor asks "may I
//! publish?" on a phone-sized screen, pastes the 2017 sample, switches
//! language; axe-core audits the page (WCAG 2 A and AA); screenshots are
//! saved under `target/browser/` (CI keeps them as artefacts).
//!
//! `.ci/run` installs Chromium, chromedriver and axe-core. Without them a
//! developer's `cargo test` says so and skips these tests; under CI (the
//! variable `CI` set, as `.ci/run` sets it) their absence is a failure.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scrutin::serve::Config;
use serde_json::{Value, json};

#[path = "support/server.rs"]
mod server;
#[path = "support/webdriver.rs"]
mod webdriver;

use webdriver::{Driver, Session};

/// The browser, its driver and axe-core, or why the tests cannot run.
struct Tools {
    chromium: String,
    driver: String,
    axe: String,
}

fn tools() -> Option<Tools> {
    let axe_path = std::env::var("SCRUTIN_AXE")
        .unwrap_or("target/axe/node_modules/axe-core/axe.min.js".into());
    let found = webdriver::programs().zip(std::fs::read_to_string(&axe_path).ok());
    match found {
        Some(((chromium, driver), axe)) => Some(Tools {
            chromium,
            driver,
            axe,
        }),
        None if std::env::var_os("CI").is_some() => panic!(
            "the browser tests need chromium, chromedriver and axe-core ({axe_path}): \
             .ci/run installs them"
        ),
        None => {
            eprintln!(
                "skipped: no chromium, chromedriver or axe-core ({axe_path}); \
                 `bash .ci/run` installs them"
            );
            None
        }
    }
}

fn page_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        server::start_with(
            &[
                "rules/fr/presidential-2017.yaml",
                "rules/fr/presidential-2027-a.yaml",
            ],
            Config::default(),
        )
    })
}

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser")
}

/// Sets a form control's value as a person would have typed or picked it.
fn fill(session: &Session, css: &str, value: &str) {
    session.run(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('change', {bubbles: true}));",
        json!([css, value]),
    );
}

/// The page is no wider than the screen: nothing to scroll sideways.
fn fits(session: &Session) -> bool {
    session
        .run(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            json!([]),
        )
        .as_bool()
        .unwrap()
}

/// axe-core's violations of WCAG 2 A and AA on the page as it is, as
/// `rule: targets` lines.
fn audit(session: &Session, axe: &str) -> Vec<String> {
    session.run(axe, json!([]));
    let result = session.run_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})
            .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
            .catch(e => done(['axe failed: ' + e]));",
        json!([]),
    );
    result
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The editor's question for the 2017 run-off weekend, from a phone: the
/// answer in the DOM, the page within the screen, no accessibility fault.
#[test]
fn an_editor_asks_on_a_phone_sized_screen() {
    let Some(tools) = tools() else { return };
    let driver = Driver::start(&tools.driver);
    let session = driver.session(&tools.chromium);
    session.resize(375, 812);
    session.goto(&format!("http://{}/?lang=en", page_server()));
    // The style sheet loads under the page's Content-Security-Policy (axe
    // comes in through WebDriver, which the policy does not see).
    let button = session.run(
        "return getComputedStyle(document.querySelector('button')).backgroundColor;",
        json!([]),
    );
    assert_eq!(button, "rgb(31, 95, 168)");
    assert!(fits(&session), "the page is wider than 375 px");
    fill(&session, "#kind", "campaign");
    fill(&session, "#channel", "social");
    session.run(
        "for (const o of document.querySelectorAll('#regions option')) o.selected = (o.value === 'metropole');",
        json!([]),
    );
    let at = session.find("#at");
    session.click(&at);
    fill(&session, "#at", "2017-05-06T09:30");
    let ask = session.find("section[aria-labelledby=ask] button[type=submit]");
    session.click_to_load(&ask);
    assert_eq!(session.text(".verdict"), "BLOCKED");
    assert!(
        session
            .text("#answer")
            .contains("Sun 2017-05-07 20:00 CEST")
    );
    assert!(session.text("#answer").contains("2017-05-07T18:00:00Z"));
    assert!(fits(&session), "the answer is wider than 375 px");
    session.screenshot(&screenshots().join("page-phone.png"));
    let faults = audit(&session, &tools.axe);
    assert!(faults.is_empty(), "{faults:#?}");
    // Sunday 20:00 Paris, the polls closed: allowed.
    fill(&session, "#at", "2017-05-07T20:00");
    let ask = session.find("section[aria-labelledby=ask] button[type=submit]");
    session.click_to_load(&ask);
    assert_eq!(session.text(".verdict"), "ALLOWED");
}

/// The 2017 sample, pasted, on a desktop screen: as many findings shown as
/// the JSON report has; the counts; no accessibility fault.
#[test]
fn the_2017_sample_pasted_shows_every_finding() {
    let Some(tools) = tools() else { return };
    let sample = "samples/presidential-2017-round2-weekend.log";
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
            sample,
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let violations = report["summary"]["violations"].as_u64().unwrap();
    let driver = Driver::start(&tools.driver);
    let session = driver.session(&tools.chromium);
    session.resize(1280, 900);
    session.goto(&format!("http://{}/?lang=en", page_server()));
    let log = std::fs::read_to_string(sample).unwrap();
    fill(&session, "#log", &log);
    let check = session.find("section[aria-labelledby=schedule] button[type=submit]");
    session.click_to_load(&check);
    let shown = session
        .run(
            "return document.querySelectorAll('#results .finding [class^=severity-]').length;",
            json!([]),
        )
        .as_u64()
        .unwrap();
    assert_eq!(shown, violations);
    assert_eq!(
        session.text("[data-count=violations]"),
        violations.to_string()
    );
    session.screenshot(&screenshots().join("page-desktop-check.png"));
    let faults = audit(&session, &tools.axe);
    assert!(faults.is_empty(), "{faults:#?}");
    // At phone width, the findings wrap within the screen.
    session.resize(375, 812);
    assert!(fits(&session), "the findings are wider than 375 px");
}

/// The switch to French, and back, by the links at the top; then
/// keyboard use: the first Tab reaches the first link, and the form's
/// controls come in the order they are shown.
#[test]
fn the_language_switch_and_the_keyboard() {
    let Some(tools) = tools() else { return };
    let driver = Driver::start(&tools.driver);
    let session = driver.session(&tools.chromium);
    session.resize(1280, 900);
    session.goto(&format!("http://{}/?lang=en", page_server()));
    assert_eq!(session.text("h1"), "May this go out now, and if not, when?");
    session.screenshot(&screenshots().join("page-desktop.png"));
    let french = session.find("nav.lang a[lang=fr]");
    session.click_to_load(&french);
    assert_eq!(
        session.run("return document.documentElement.lang;", json!([])),
        "fr"
    );
    assert_eq!(
        session.text("h1"),
        "Puis-je publier maintenant, et sinon, quand ?"
    );
    let faults = audit(&session, &tools.axe);
    assert!(faults.is_empty(), "{faults:#?}");
    session.screenshot(&screenshots().join("page-desktop-fr.png"));
    // Keyboard: Tab moves from the body to the first link, then on.
    let body = session.find("body");
    session.type_into(&body, "\u{E004}");
    let first = session.run("return document.activeElement.textContent;", json!([]));
    assert_eq!(first, "English");
    let order = session.run(
        "return Array.from(document.querySelectorAll('a, select, input:not([type=hidden]), textarea, button'))
           .filter(e => e.tabIndex >= 0).map(e => e.id || e.textContent).slice(0, 6);",
        json!([]),
    );
    assert_eq!(
        order,
        json!([
            "English",
            "Français",
            "rulebook",
            "region",
            "Afficher",
            "kind"
        ])
    );
}

/// The HTML report of the 2017 sample, opened from a file as an officer
/// would open it: every finding of a window rule marked on the timeline,
/// nothing fetched, no accessibility fault; a screenshot kept.
#[test]
fn the_html_report_of_the_2017_sample_in_a_browser() {
    let Some(tools) = tools() else { return };
    let sample = "samples/presidential-2017-round2-weekend.log";
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_scrutin"))
            .args([
                "check",
                "--rules",
                "rules/fr/presidential-2017.yaml",
                "--format",
                format,
                sample,
            ])
            .output()
            .unwrap()
            .stdout
    };
    let report: Value = serde_json::from_slice(&run("json")).unwrap();
    let breaches = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["windows"].as_array().unwrap().len())
        .sum::<usize>();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, run("html")).unwrap();
    let driver = Driver::start(&tools.driver);
    let session = driver.session(&tools.chromium);
    session.resize(1100, 1400);
    session.goto(&format!("file://{}", page.display()));
    let marks = session
        .run(
            "return document.querySelectorAll('svg .mark').length;",
            json!([]),
        )
        .as_u64()
        .unwrap();
    assert_eq!(marks as usize, breaches);
    // Nothing to fetch: no resource but the page itself.
    let fetched = session
        .run(
            "return performance.getEntriesByType('resource').length;",
            json!([]),
        )
        .as_u64()
        .unwrap();
    assert_eq!(fetched, 0);
    session.screenshot(&screenshots().join("report.png"));
    let faults = audit(&session, &tools.axe);
    assert!(faults.is_empty(), "{faults:#?}");
    session.resize(375, 812);
    assert!(fits(&session), "the report is wider than 375 px");
}
