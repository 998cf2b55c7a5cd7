//! scrutin serve, on an ephemeral loopback port, called with a real HTTP client.

use std::net::SocketAddr;
use std::sync::OnceLock;

use scrutin::rulebook;
use scrutin::serve::{Rulebooks, router, serve};
use serde_json::Value;

/// One server for most tests, on 127.0.0.1 and a port the OS picks: France
/// 2017 first, so it is the default.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        start(&[
            "rules/fr/presidential-2017.yaml",
            "rules/uk/general-2024.yaml",
        ])
    })
}

/// A server whose default (first) rulebook is British and whose second is
/// French: a French question answered by the default is answered wrongly.
fn uk_first_server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        start(&[
            "rules/uk/general-2024.yaml",
            "rules/fr/presidential-2022.yaml",
        ])
    })
}

fn start(paths: &[&str]) -> SocketAddr {
    let rulebooks = paths
        .iter()
        .map(|path| rulebook::load(path.as_ref()).unwrap())
        .collect();
    let router = router(Rulebooks::new(rulebooks).expect("distinct ids"));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            serve(listener, router).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(path: &str) -> (u16, String) {
    get_from(server(), path)
}

fn get_from(server: SocketAddr, path: &str) -> (u16, String) {
    let mut response = agent()
        .get(&format!("http://{server}{path}"))
        .call()
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

fn post(path: &str, content_type: &str, body: &str) -> (u16, String) {
    post_to(server(), path, content_type, body)
}

fn post_to(server: SocketAddr, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut response = agent()
        .post(&format!("http://{server}{path}"))
        .header("content-type", content_type)
        .send(body)
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn health() {
    assert_eq!(get("/healthz"), (200, "ok\n".to_string()));
}

#[test]
fn preflight_answers_blocked_with_the_earliest_allowed_instant() {
    let (status, body) = post(
        "/v1/preflight",
        "application/json",
        r#"{"kind": "campaign", "channel": "web", "at": "2017-05-06T09:30:00+02:00"}"#,
    );
    assert_eq!(status, 200);
    let answer = json(&body);
    assert_eq!(answer["allowed"], false);
    assert_eq!(answer["blocking"][0]["rule"], "campaign-silence");
    assert_eq!(answer["allowed_from"], "2017-05-07T18:00:00Z");
}

#[test]
fn preflight_of_a_line_in_another_rulebook() {
    let request = r#"{"rulebook": "uk-general-2024", "line": "2024-07-04T21:00:00Z outlet=bbc kind=exit_poll"}"#;
    let (status, body) = post("/v1/preflight", "application/json", request);
    assert_eq!(status, 200);
    assert_eq!(json(&body)["allowed"], true);
}

#[test]
fn bad_requests_are_400s_with_a_message() {
    let cases = [
        (r#"{"kind": "campaign","#, "EOF while parsing"),
        (
            r#"{"kind": "campaign", "colour": "red"}"#,
            "unknown field `colour`",
        ),
        (
            r#"{"kind": "pol", "at": "2017-05-06T09:30:00Z"}"#,
            "`kind` pol: not a kind of fr-presidential-2017 (did you mean `poll`?",
        ),
        (
            r#"{"kind": "poll", "at": "tomorrow"}"#,
            "`at` tomorrow: not a date and time (expected an instant such as",
        ),
        (
            r#"{"line": "2017-05-06T09:30:00Z outlet=a kind=poll", "at": "2017-05-06T09:30:00Z"}"#,
            "give either `line`, or `kind`",
        ),
        (
            r#"{"line": "2017-05-06T09:30:00Z outlet=a kind=pol"}"#,
            "unknown kind `pol`",
        ),
        (
            r#"{"at": "2017-05-06T09:30:00Z"}"#,
            "give either `line`, or `kind`",
        ),
        ("[1, 2]", "invalid type"),
    ];
    for (request, expected) in cases {
        let (status, body) = post("/v1/preflight", "application/json", request);
        assert_eq!(status, 400, "{request}: {body}");
        let message = json(&body)["error"].as_str().unwrap().to_string();
        assert!(message.contains(expected), "{request}: {message}");
    }
    let (status, body) = post("/v1/preflight", "text/plain", r#"{"kind": "poll"}"#);
    assert_eq!(status, 400, "{body}");
    let (status, body) = post(
        "/v1/preflight",
        "application/json",
        r#"{"rulebook": "nope", "kind": "poll"}"#,
    );
    assert_eq!(status, 404);
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("served: fr-presidential-2017, uk-general-2024")
    );
}

#[test]
fn check_returns_the_json_report() {
    let log = "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\nbroken line\n";
    let (status, body) = post("/v1/check", "text/plain", log);
    assert_eq!(status, 200);
    let report = json(&body);
    assert_eq!(report["summary"]["lines"], 2);
    assert_eq!(report["summary"]["violations"], 1);
    assert_eq!(report["summary"]["invalid"], 1);
    assert_eq!(report["violations"][0]["file"], "request");
}

#[test]
fn rules_and_calendar() {
    let (status, body) = get("/v1/rules");
    assert_eq!(status, 200);
    let rulebooks = json(&body);
    assert_eq!(rulebooks.as_array().unwrap().len(), 2);
    let (status, body) = get("/v1/calendar?rulebook=fr-presidential-2017&region=polynesie");
    assert_eq!(status, 200);
    let calendar = json(&body);
    assert!(
        calendar
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["region"] == "polynesie")
    );
    let (status, body) = get("/v1/calendar?colour=red");
    assert_eq!(status, 400);
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`")
    );
    let (status, body) = get("/v1/calendar?region=atlantis");
    assert_eq!(status, 400);
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("unknown region `atlantis`")
    );
}

/// A place a region covers, asked about by name, is pointed to that region.
#[test]
fn a_covered_place_is_pointed_to_its_region() {
    let server = uk_first_server();
    let (status, body) = get_from(server, "/v1/calendar?region=scotland");
    assert_eq!(status, 400);
    assert_eq!(
        json(&body)["error"],
        "unknown region `scotland`; it is covered by region `uk`"
    );
    let (status, body) = post_to(
        server,
        "/v1/preflight",
        "application/json",
        r#"{"kind": "exit_poll", "regions": ["wales"]}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        json(&body)["error"].as_str().unwrap().contains(
            "`regions` wales: not a region of uk-general-2024 (it is covered by region `uk`)"
        ),
        "{body}"
    );
}

#[test]
fn an_oversized_body_is_refused() {
    let body = "x".repeat(scrutin::serve::MAX_BODY_BYTES + 1);
    let (status, _) = post("/v1/check", "text/plain", &body);
    assert_eq!(status, 413);
}

/// The French 2022 question of issue 12: the eve of the first round, when
/// polls are banned in metropolitan France.
const FRENCH_POLL: &str = r#"{"kind": "poll", "at": "2022-04-09T12:00:00+02:00"}"#;

#[test]
fn preflight_answers_from_the_rulebook_the_query_selects() {
    let (status, body) = post_to(
        uk_first_server(),
        "/v1/preflight?rulebook=fr-presidential-2022",
        "application/json",
        FRENCH_POLL,
    );
    assert_eq!(status, 200, "{body}");
    let answer = json(&body);
    assert_eq!(answer["regions"][0], "metropole", "{body}");
    assert_eq!(answer["verdict"], "blocked", "{body}");
    assert_eq!(answer["blocking"][0]["rule"], "poll-ban", "{body}");
}

#[test]
fn the_query_and_the_body_select_alike_and_must_agree() {
    let server = uk_first_server();
    let in_body = r#"{"rulebook": "fr-presidential-2022", "kind": "poll", "at": "2022-04-09T12:00:00+02:00"}"#;
    let (status, body) = post_to(server, "/v1/preflight", "application/json", in_body);
    assert_eq!(
        (status, json(&body)["blocking"][0]["rule"].clone()),
        (200, "poll-ban".into())
    );
    let (status, body) = post_to(
        server,
        "/v1/preflight?rulebook=fr-presidential-2022",
        "application/json",
        in_body,
    );
    assert_eq!(status, 200, "the same rulebook twice: {body}");
    let (status, body) = post_to(
        server,
        "/v1/preflight?rulebook=uk-general-2024",
        "application/json",
        in_body,
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        json(&body)["error"],
        "the query selects rulebook `uk-general-2024` and the body `fr-presidential-2022`: give one"
    );
}

#[test]
fn without_a_choice_the_first_rulebook_served_answers() {
    let (status, body) = post_to(
        uk_first_server(),
        "/v1/preflight",
        "application/json",
        r#"{"kind": "exit_poll", "at": "2024-07-04T21:00:00Z"}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["regions"][0], "uk");
    let (status, body) = get_from(uk_first_server(), "/v1/calendar");
    assert_eq!(status, 200, "{body}");
    assert!(
        json(&body)
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["region"] == "uk")
    );
}

#[test]
fn an_unknown_rulebook_is_a_404_listing_those_served_on_every_endpoint() {
    let server = uk_first_server();
    let served = "no rulebook `nope`; served: uk-general-2024, fr-presidential-2022";
    let answers = [
        post_to(
            server,
            "/v1/preflight?rulebook=nope",
            "application/json",
            FRENCH_POLL,
        ),
        post_to(
            server,
            "/v1/preflight",
            "application/json",
            r#"{"rulebook": "nope", "kind": "poll"}"#,
        ),
        post_to(
            server,
            "/v1/check?rulebook=nope",
            "text/plain",
            "2022-04-09T12:00:00Z outlet=a kind=poll\n",
        ),
        get_from(server, "/v1/calendar?rulebook=nope"),
        get_from(server, "/v1/rules?rulebook=nope"),
    ];
    for (status, body) in answers {
        assert_eq!((status, json(&body)["error"].clone()), (404, served.into()));
    }
}

#[test]
fn a_question_outside_the_selected_rulebook_is_a_400_naming_it() {
    let server = uk_first_server();
    let cases = [
        (
            "/v1/preflight?rulebook=uk-general-2024",
            r#"{"kind": "poll", "regions": ["metropole"]}"#,
            "`regions` metropole: not a region of uk-general-2024 (valid: uk)",
        ),
        (
            "/v1/preflight",
            r#"{"kind": "paid_ad"}"#,
            "`kind` paid_ad: not a kind of uk-general-2024",
        ),
        (
            "/v1/preflight?rulebook=fr-presidential-2022",
            r#"{"kind": "poll", "channel": "leaflet"}"#,
            "`channel` leaflet: not a channel of fr-presidential-2022",
        ),
    ];
    for (path, request, expected) in cases {
        let (status, body) = post_to(server, path, "application/json", request);
        assert_eq!(status, 400, "{request}: {body}");
        let message = json(&body)["error"].as_str().unwrap().to_string();
        assert!(message.starts_with(expected), "{request}: {message}");
    }
}

#[test]
fn check_rules_and_calendar_select_by_the_query_too() {
    let server = uk_first_server();
    let log = "2022-04-09T12:00:00+02:00 outlet=a kind=campaign\n";
    let (status, body) = post_to(
        server,
        "/v1/check?rulebook=fr-presidential-2022",
        "text/plain",
        log,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body)["violations"][0]["rule"],
        "campaign-silence",
        "{body}"
    );
    let (status, body) = post_to(server, "/v1/check?region=metropole", "text/plain", log);
    assert_eq!(status, 400, "a parameter check does not take: {body}");
    let (status, body) = get_from(server, "/v1/rules?rulebook=fr-presidential-2022");
    assert_eq!(status, 200, "{body}");
    let listed = json(&body);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], "fr-presidential-2022");
    let (status, body) = get_from(
        server,
        "/v1/calendar?rulebook=fr-presidential-2022&region=guyane",
    );
    assert_eq!(status, 200, "{body}");
    let windows = json(&body);
    assert!(!windows.as_array().unwrap().is_empty());
    assert!(
        windows
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["region"] == "guyane")
    );
}
