//! The editor's page at `/` of scrutin serve, over HTTP (tests/browser.rs
//! drives it in a real browser): its answers, its checks, its languages,
//! its limits and headers, and what it does with hostile text.

use std::net::SocketAddr;
use std::sync::OnceLock;

use scrutin::serve::Config;
use serde_json::Value;

#[path = "support/server.rs"]
mod server;

fn page_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        server::start_with(
            &[
                "rules/fr/presidential-2017.yaml",
                "rules/fr/presidential-2027-a.yaml",
                "rules/uk/general-2024.yaml",
            ],
            Config::default(),
        )
    })
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Answer {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string().unwrap(),
    }
}

fn get_page(server: SocketAddr, path: &str, language: Option<&str>) -> Answer {
    let mut request = agent().get(&format!("http://{server}{path}"));
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    answer(request.call().unwrap())
}

/// A form as `multipart/form-data`, as a browser sends it.
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----scrutin-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, filename, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(file) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn post_form(server: SocketAddr, path: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Answer {
    let (content_type, body) = multipart(fields);
    answer(
        agent()
            .post(&format!("http://{server}{path}"))
            .header("content-type", &content_type)
            .send(&body[..])
            .unwrap(),
    )
}

/// The `<div id="id">` element, whole (its nested divs counted).
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<div id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let mut depth = 0;
    let mut i = at;
    while i < html.len() {
        if html[i..].starts_with("<div") {
            depth += 1;
        } else if html[i..].starts_with("</div>") {
            depth -= 1;
            if depth == 0 {
                return &html[at..i + "</div>".len()];
            }
        }
        i += html[i..].chars().next().map_or(1, char::len_utf8);
    }
    panic!("#{id} is not closed")
}

fn count(html: &str, what: &str) -> usize {
    html.matches(what).count()
}

#[test]
fn the_page_is_html_under_a_strict_policy() {
    let page = get_page(page_server(), "/", None);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("form-action 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.body.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    // No inline script or style for the policy to refuse.
    assert!(!page.body.contains("<script"));
    assert!(!page.body.contains("<style"));
    assert!(!page.body.contains(" style=\""));
    // Every form control has a label.
    for id in [
        "rulebook",
        "region",
        "kind",
        "channel",
        "regions",
        "at",
        "until",
        "attributes",
        "log",
        "file",
        "input",
    ] {
        assert!(page.body.contains(&format!("<label for=\"{id}\"")), "{id}");
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // The chart, with a row per rule of the default region.
    assert!(page.body.contains("<svg"));
    assert!(
        page.body
            .contains("data-rule=\"campaign-silence\" data-region=\"metropole\"")
    );
    let css = get_page(page_server(), "/static/scrutin.css", None);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains(".verdict.blocked"));
}

#[test]
fn the_language_is_the_browsers_or_the_one_chosen() {
    let french = get_page(page_server(), "/", Some("fr-FR,fr;q=0.9,en;q=0.8"));
    assert!(french.body.starts_with("<!DOCTYPE html><html lang=\"fr\">"));
    assert!(french.body.contains("Puis-je publier ?"));
    assert_eq!(french.header("content-language"), Some("fr"));
    let chosen = get_page(page_server(), "/?lang=en", Some("fr-FR"));
    assert!(chosen.body.contains("May I publish?"));
    let switched = get_page(page_server(), "/?lang=fr", None);
    assert!(switched.body.contains("Vérifier mon planning"));
    // The switch links keep the election.
    assert!(
        switched
            .body
            .contains("href=\"/?lang=en&amp;rulebook=fr-presidential-2017\"")
    );
}

/// The 2017 run-off weekend, as an editor asks it, in Paris time.
#[test]
fn may_i_publish_on_the_run_off_weekend() {
    let ask = |query: &str| {
        get_page(
            page_server(),
            &format!("/?rulebook=fr-presidential-2017&ask=1&{query}"),
            None,
        )
    };
    // Saturday morning, campaign material online: blocked until 20:00 Sunday.
    let saturday = ask("kind=campaign&channel=web&region=metropole&at=2017-05-06T09%3A30");
    assert_eq!(saturday.status, 200);
    let answer = block(&saturday.body, "answer");
    assert!(answer.contains("data-verdict=\"blocked\""), "{answer}");
    assert!(answer.contains(">BLOCKED<"), "{answer}");
    assert!(answer.contains("Sun 2017-05-07 20:00 CEST"), "{answer}");
    assert!(answer.contains("2017-05-07T18:00:00Z"), "{answer}");
    assert!(
        answer.contains("data-rule=\"campaign-silence\""),
        "{answer}"
    );
    assert!(answer.contains("Code électoral, art. L49"), "{answer}");
    insta::assert_snapshot!("page-answer-blocked", answer);
    // Thursday, news: allowed, and the silence starting within 48 hours is said.
    let thursday = ask("kind=news&channel=web&region=metropole&at=2017-05-04T12%3A00%3A00");
    let answer = block(&thursday.body, "answer");
    assert!(answer.contains("data-verdict=\"allowed\""), "{answer}");
    assert!(
        answer.contains("Restrictions starting within 48 hours"),
        "{answer}"
    );
    // A poll without its notice, before the ban: the notice is missing.
    let poll = ask("kind=poll&channel=web&region=metropole&at=2017-05-04T12%3A00");
    let answer = block(&poll.body, "answer");
    assert!(
        answer.contains("data-verdict=\"missing-notice\""),
        "{answer}"
    );
    assert!(answer.contains("margin_of_error"), "{answer}");
    // With its notice, as the form's lines give it: allowed.
    let notice = "pollster%3DIpsos%0Asponsor%3DLe+Monde%0Asample_size%3D1000%0Afieldwork%3D2017-05-03%0Amargin_of_error%3D3";
    let poll = ask(&format!(
        "kind=poll&channel=web&region=metropole&at=2017-05-04T12%3A00&attributes={notice}"
    ));
    assert!(block(&poll.body, "answer").contains("data-verdict=\"allowed\""));
    // Guadeloupe votes on Saturday: its local time is the form's.
    let guadeloupe = ask("kind=campaign&channel=web&region=guadeloupe&at=2017-05-05T01%3A00");
    let answer = block(&guadeloupe.body, "answer");
    assert!(answer.contains("Fri 2017-05-05 01:00 AST"), "{answer}");
    assert!(answer.contains("data-verdict=\"blocked\""), "{answer}");
    // An ad flight over the weekend: blocked, earliest start after the ban.
    let flight = ask(
        "kind=paid_ad&channel=web&region=metropole&at=2017-05-01T00%3A00&until=2017-05-08T00%3A00",
    );
    let answer = block(&flight.body, "answer");
    assert!(answer.contains("data-verdict=\"blocked\""), "{answer}");
    assert!(answer.contains("2017-05-07T22:00:00Z"), "{answer}");
}

#[test]
fn a_wrong_question_is_a_400_page_that_says_why() {
    for (query, expected) in [
        ("kind=campaign&at=yesterday", "yesterday"),
        ("kind=rumour", "rumour"),
        ("kind=campaign&channel=pigeon", "pigeon"),
        ("kind=campaign&attributes=no-equals-sign", "key=value"),
        ("kind=campaign&region=atlantis", "atlantis"),
    ] {
        let page = get_page(
            page_server(),
            &format!("/?rulebook=fr-presidential-2017&ask=1&{query}"),
            None,
        );
        assert_eq!(page.status, 400, "{query}: {}", page.body);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(page.body.contains("role=\"alert\""), "{query}");
        assert!(page.body.contains(expected), "{query}: {}", page.body);
    }
    let unknown = get_page(page_server(), "/?rulebook=nope", None);
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("nope"));
}

/// The JSON report of the same log, for the counts the page must show.
fn json_summary(log: &str) -> Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args([
            "check",
            "--rules",
            "rules/fr/presidential-2017.yaml",
            "--format",
            "json",
            log,
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    report["summary"].clone()
}

fn shown_count(html: &str, name: &str) -> u64 {
    let marker = format!("data-count=\"{name}\">");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    html[at..].split('<').next().unwrap().parse().unwrap()
}

#[test]
fn the_2017_sample_pasted_or_sent_shows_every_finding_next_to_its_line() {
    let sample = "samples/presidential-2017-round2-weekend.log";
    let log = std::fs::read(sample).unwrap();
    let summary = json_summary(sample);
    let pasted = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017",
        &[("log", None, &log), ("input", None, b"")],
    );
    assert_eq!(pasted.status, 200, "{}", pasted.body);
    for name in ["lines", "publications", "skipped", "invalid", "violations"] {
        assert_eq!(
            shown_count(&pasted.body, name),
            summary[name].as_u64().unwrap(),
            "{name}"
        );
    }
    // Each finding is listed under its line: as many as the report has.
    let results = &pasted.body[pasted.body.find("id=\"results\"").unwrap()..];
    let findings = count(results, "class=\"severity-");
    assert_eq!(findings as u64, summary["violations"].as_u64().unwrap());
    assert!(results.contains("[campaign-silence]"));
    // Sent as a file, the same.
    let sent = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017&lang=fr",
        &[("log", None, b""), ("file", Some("weekend.log"), &log)],
    );
    assert_eq!(sent.status, 200);
    assert_eq!(
        shown_count(&sent.body, "violations"),
        summary["violations"].as_u64().unwrap()
    );
    assert!(sent.body.contains("Constats"));
}

#[test]
fn an_input_the_page_cannot_read_is_a_400_page() {
    let page = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017",
        &[("log", None, b"x"), ("input", None, b"yaml")],
    );
    assert_eq!(page.status, 400);
    assert!(page.body.contains("unknown input"), "{}", page.body);
    // Not a form at all.
    let raw = answer(
        agent()
            .post(&format!("http://{}/check", page_server()))
            .header("content-type", "text/plain")
            .send("2017-05-06T10:00:00+02:00 outlet=a kind=campaign")
            .unwrap(),
    );
    assert_eq!(raw.status, 400);
    assert!(raw.body.contains("multipart/form-data"), "{}", raw.body);
}

#[test]
fn a_log_over_the_limit_is_a_413_page() {
    let config = Config {
        max_body_bytes: 1024,
        ..Config::default()
    };
    let small = server::start_with(&["rules/fr/presidential-2017.yaml"], config);
    let log = "2017-05-06T10:00:00+02:00 outlet=a kind=campaign\n".repeat(100);
    let page = post_form(small, "/check", &[("log", None, log.as_bytes())]);
    assert_eq!(page.status, 413, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("1024"), "{}", page.body);
}

/// Titles are hostile input: a log's and a rulebook's text reach the page
/// escaped, in text and in attributes.
#[test]
fn hostile_text_is_escaped() {
    let log = b"2017-05-06T10:00:00+02:00 outlet=\"<script>alert(1)</script>\" kind=campaign title=\"\\\"><img src=x onerror=alert(2)> & \xe2\x80\xae\"\n";
    let page = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017",
        &[("log", None, log)],
    );
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>"), "{}", page.body);
    assert!(!page.body.contains("<img"), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;"));
    // Pasted back into the form, escaped too.
    assert!(page.body.contains("&lt;img src=x onerror=alert(2)&gt;"));
    // Form fields shown again in attributes cannot break out of them.
    let asked = get_page(
        page_server(),
        "/?ask=1&kind=campaign&at=%22%3E%3Cscript%3E",
        None,
    );
    assert!(!asked.body.contains("\"><script>"), "{}", asked.body);
    assert!(asked.body.contains("&quot;&gt;&lt;script&gt;"));
}

/// In French, the answer's days are French too (the rest of a time is the
/// same in both: `2017-05-06 09:30 CEST`).
#[test]
fn a_french_answer_says_its_days_in_french() {
    let page = get_page(
        page_server(),
        "/?lang=fr&rulebook=fr-presidential-2017&ask=1&kind=campaign&channel=web&region=metropole&at=2017-05-06T09%3A30",
        None,
    );
    let answer = block(&page.body, "answer");
    assert!(answer.contains(">INTERDIT<"), "{answer}");
    assert!(answer.contains("sam. 2017-05-06 09:30 CEST"), "{answer}");
    assert!(answer.contains("dim. 2017-05-07 20:00 CEST"), "{answer}");
    assert!(answer.contains("Au plus tôt"), "{answer}");
}

/// What the review of the page found, each pinned: odd times never crash
/// it, the picker moves between elections whose regions differ, a reload
/// of a check's page goes back to the page, ids are quoted, a question is
/// bounded like the API's, and a log of invalid lines is not "clean".
#[test]
fn the_page_holds_against_odd_requests() {
    for query in [
        "at=T",
        "until=T",
        "at=a%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9T",
        "at=2017-05-06T",
        "at=%C3%A9",
    ] {
        let page = get_page(
            page_server(),
            &format!("/?ask=1&kind=campaign&{query}"),
            None,
        );
        assert_eq!(page.status, 400, "{query}: {}", page.body);
        assert!(page.body.contains("role=\"alert\""), "{query}");
    }
    // From France to the UK with France's region still in the picker.
    let uk = get_page(
        page_server(),
        "/?rulebook=uk-general-2024&region=metropole",
        None,
    );
    assert_eq!(uk.status, 200, "{}", uk.body);
    assert!(
        uk.body
            .contains("<option value=\"uk-general-2024\" selected>")
    );
    // A reload of a check's page (GET) goes back to the page.
    let reload = answer(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .new_agent()
            .get(&format!(
                "http://{}/check?lang=fr&rulebook=fr-presidential-2017",
                page_server()
            ))
            .call()
            .unwrap(),
    );
    assert_eq!(reload.status, 303);
    assert_eq!(
        reload.header("location"),
        Some("/?lang=fr&rulebook=fr-presidential-2017")
    );
    // A rulebook id from the address is quoted in the error.
    let spoof = get_page(page_server(), "/?rulebook=%E2%80%AE%1B%5B2J", None);
    assert_eq!(spoof.status, 404);
    assert!(!spoof.body.contains('\u{202e}') && !spoof.body.contains('\u{1b}'));
    assert!(spoof.body.contains("\\u{202e}"), "{}", spoof.body);
    // A question larger than /v1/preflight takes.
    let small = server::start_with(
        &["rules/fr/presidential-2017.yaml"],
        Config {
            max_question_bytes: 1024,
            ..Config::default()
        },
    );
    let large = get_page(
        small,
        &format!("/?ask=1&kind=poll&attributes={}", "x".repeat(2048)),
        None,
    );
    assert_eq!(large.status, 413);
    assert!(large.body.contains("1024"), "{}", large.body);
    // Only invalid lines: not "no rule is broken".
    let invalid = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017",
        &[("log", None, b"not a line\nnor this\n")],
    );
    assert_eq!(invalid.status, 200);
    assert_eq!(shown_count(&invalid.body, "invalid"), 2);
    assert!(!invalid.body.contains("No rule is broken."));
    // A pasted log too large to put back in the form says so.
    let line = "2017-05-04T10:00:00+02:00 outlet=a kind=news\n";
    let big = line.repeat(300 * 1024 / line.len());
    let checked = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017",
        &[("log", None, big.as_bytes())],
    );
    assert_eq!(checked.status, 200);
    assert!(checked.body.contains("not put back here"));
    assert!(checked.body.contains("No rule is broken."));
}

/// The French page writes French: colons with their space, severities,
/// the days of a window.
#[test]
fn the_french_page_writes_french() {
    let page = get_page(
        page_server(),
        "/?lang=fr&rulebook=fr-presidential-2017&ask=1&kind=campaign&channel=web&region=metropole&at=2017-05-06T09%3A30",
        None,
    );
    let answer = block(&page.body, "answer");
    assert!(answer.contains("Question\u{a0}: "), "{answer}");
    assert!(
        answer.contains("sam. 2017-05-06 00:00 CEST → dim. 2017-05-07 20:00 CEST"),
        "{answer}"
    );
    let log = b"2017-05-06T10:00:00+02:00 outlet=a kind=campaign channel=web\n";
    let checked = post_form(
        page_server(),
        "/check?rulebook=fr-presidential-2017&lang=fr",
        &[("log", None, log)],
    );
    assert!(checked.body.contains(">erreur<"), "{}", checked.body);
}
