//! scrutin serve, on an ephemeral loopback port, called with a real HTTP client.

use std::net::SocketAddr;
use std::sync::OnceLock;

use scrutin::rulebook;
use scrutin::serve::{Rulebooks, router, serve};
use serde_json::Value;

/// One server for the whole test binary, on 127.0.0.1 and a port the OS picks.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let rulebooks = [
            "rules/fr/presidential-2017.yaml",
            "rules/uk/general-2024.yaml",
        ]
        .map(|path| rulebook::load(path.as_ref()).unwrap())
        .into();
        let router = router(Rulebooks::new(rulebooks));
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
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(path: &str) -> (u16, String) {
    let mut response = agent()
        .get(&format!("http://{}{path}", server()))
        .call()
        .unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}

fn post(path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut response = agent()
        .post(&format!("http://{}{path}", server()))
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
            "unknown kind `pol` (did you mean `poll`?",
        ),
        (
            r#"{"kind": "poll", "at": "tomorrow"}"#,
            "expected a timestamp",
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

#[test]
fn an_oversized_body_is_refused() {
    let body = "x".repeat(scrutin::serve::MAX_BODY_BYTES + 1);
    let (status, _) = post("/v1/check", "text/plain", &body);
    assert_eq!(status, 413);
}
