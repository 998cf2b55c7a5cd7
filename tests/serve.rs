//! scrutin serve, on an ephemeral loopback port, called with a real HTTP client.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use scrutin::rulebook;
use scrutin::serve::{Config, Rulebooks, router, serve};
use serde_json::Value;

#[path = "support/server.rs"]
mod server;
use server::start_with;

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
    start_with(paths, Config::default())
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

/// "May this ad run from Monday to Sunday?": the part of the week the ban
/// on paid advertising covers, and the earliest start of a whole week.
#[test]
fn preflight_answers_for_an_interval() {
    let (status, body) = post(
        "/v1/preflight",
        "application/json",
        r#"{"kind": "paid_ad", "channel": "web", "at": "2017-05-01T00:00:00[Europe/Paris]", "until": "2017-05-08T00:00:00[Europe/Paris]"}"#,
    );
    assert_eq!(status, 200);
    let answer = json(&body);
    assert_eq!(answer["verdict"], "blocked");
    assert_eq!(answer["until"], "2017-05-07T22:00:00Z");
    let window = &answer["blocking"][0]["windows"][0];
    assert_eq!(window["overlap"]["start"], "2017-04-30T22:00:00Z");
    assert_eq!(window["overlap"]["local_end"], "2017-05-08T00:00:00+02:00");
    assert_eq!(answer["allowed_from"], "2017-05-07T22:00:00Z");
    assert_eq!(answer["allowed_until"], "2017-05-14T22:00:00Z");
    let (status, body) = post(
        "/v1/preflight",
        "application/json",
        r#"{"kind": "paid_ad", "at": "2017-05-01T00:00:00Z", "until": "2017-05-01T00:00:00Z"}"#,
    );
    assert_eq!(status, 400);
    let message = json(&body)["error"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("`until` 2017-05-01T00:00:00Z: not after the start"),
        "{message}"
    );
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

/// A declared `Content-Length` over the limit is refused at once, before
/// the body is sent (it was a 408 after 30 s), as JSON.
#[test]
fn an_oversized_body_is_refused_at_once() {
    let too_long = scrutin::serve::MAX_BODY_BYTES + 1;
    let started = Instant::now();
    let answer = exchange(
        server(),
        &format!("POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-length: {too_long}\r\n\r\n"),
    );
    assert!(started.elapsed() < Duration::from_secs(1), "{answer}");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        error_of(&answer).contains("the body is too large"),
        "{answer}"
    );
}

/// A request written by hand, and all the server answers until it closes
/// the connection or three seconds pass.
fn exchange(server: SocketAddr, request: &str) -> String {
    let mut socket = TcpStream::connect(server).unwrap();
    socket.write_all(request.as_bytes()).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// The `error` of the JSON body of a raw answer (`Connection: close`, not chunked).
fn error_of(answer: &str) -> String {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{answer}"
    );
    json(body)["error"].as_str().unwrap_or_default().to_string()
}

/// Every answer is JSON with the one envelope, those made by the router's
/// fallbacks and by the limit and timeout layers included (they were plain
/// text or empty).
#[test]
fn every_error_is_a_json_envelope() {
    let cases = [
        ("GET /nope HTTP/1.1", "", "404", "no such endpoint"),
        ("DELETE /v1/check HTTP/1.1", "", "405", "method not allowed"),
        (
            "GET /v1/preflight HTTP/1.1",
            "",
            "405",
            "method not allowed",
        ),
        (
            "POST /v1/preflight HTTP/1.1\r\ncontent-type: application/json",
            "{\"kind\": \"poll\"",
            "400",
            "EOF while parsing",
        ),
        (
            "POST /v1/preflight HTTP/1.1\r\ncontent-type: text/plain",
            "{}",
            "400",
            "Content-Type",
        ),
    ];
    for (request_line, body, status, expected) in cases {
        let request = format!(
            "{request_line}\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let answer = exchange(server(), &request);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer}"
        );
        assert!(error_of(&answer).contains(expected), "{request}: {answer}");
    }
    // A body over the limit sent without a length: read, then refused.
    let chunked = format!(
        "POST /v1/preflight HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        scrutin::serve::MAX_QUESTION_BYTES + 1,
        " ".repeat(scrutin::serve::MAX_QUESTION_BYTES + 1)
    );
    let answer = exchange(server(), &chunked);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(error_of(&answer).contains("too large"), "{answer}");
}

/// A client that sends half its headers, or nothing after its answer, is
/// closed after the header-read timeout (it held its connection forever).
#[test]
fn a_slow_or_idle_client_is_closed_after_the_header_timeout() {
    let server = start_with(&["rules/fr/presidential-2017.yaml"], quick());
    let started = Instant::now();
    let answer = exchange(server, "GET /healthz HTTP/1.1\r\nhost: x\r\n");
    let closed = started.elapsed();
    assert!(answer.is_empty(), "{answer}");
    assert!(
        closed >= Duration::from_millis(900) && closed < Duration::from_millis(2500),
        "closed after {closed:?}"
    );
    let started = Instant::now();
    let answer = exchange(server, "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
    let closed = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed < Duration::from_millis(2500), "idle for {closed:?}");
}

/// Limits of a second, for the tests of limits.
fn quick() -> Config {
    Config {
        header_read_timeout: Duration::from_secs(1),
        response_deadline: Duration::from_secs(1),
        send_timeout: Duration::from_secs(1),
        max_connections: 2,
        max_checks: 1,
        ..Config::default()
    }
}

/// Beyond the cap, a connection waits until one closes: two clients that
/// never finish their headers keep a third waiting for the header timeout,
/// no longer.
#[test]
fn connections_beyond_the_cap_wait_for_a_free_one() {
    let server = start_with(&["rules/fr/presidential-2017.yaml"], quick());
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut socket = TcpStream::connect(server).unwrap();
        socket.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
        stalled.push(socket);
    }
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let (status, _) = get_from(server, "/healthz");
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited >= Duration::from_millis(700) && waited < Duration::from_millis(2500),
        "answered after {waited:?}"
    );
}

/// Uploads beyond their slots (four for each check slot) are a 503 with
/// `Retry-After`, at once; a slow upload holds an upload slot, never the
/// check slot, so a check whose log has come runs meanwhile; and a client
/// that trickles its log loses its slot at the body-read timeout.
#[test]
fn slow_uploads_hold_upload_slots_only_and_not_for_long() {
    let server = start_with(
        &["rules/fr/presidential-2017.yaml"],
        Config {
            max_checks: 1,
            body_read_timeout: Duration::from_secs(1),
            ..Config::default()
        },
    );
    let half = b"POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nhalf";
    let mut first = TcpStream::connect(server).unwrap();
    first.write_all(half).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (status, _) = post_to(
        server,
        "/v1/check",
        "text/plain",
        "2017-05-06T09:30:00Z outlet=a kind=poll\n",
    );
    assert_eq!(status, 200, "a slow upload does not hold the check slot");
    let mut holding = Vec::new();
    for _ in 0..3 {
        let mut socket = TcpStream::connect(server).unwrap();
        socket.write_all(half).unwrap();
        holding.push(socket);
    }
    std::thread::sleep(Duration::from_millis(200));
    let mut response = agent()
        .post(&format!("http://{server}/v1/check"))
        .send("2017-05-06T09:30:00Z outlet=a kind=poll\n")
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body = response.body_mut().read_to_string().unwrap();
    assert!(json(&body)["error"].as_str().unwrap().starts_with("busy"));
    // The first upload is cut off at the body-read timeout, with a 408.
    let mut answer = String::new();
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = first.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("took longer than 1 s to send"), "{answer}");
    drop(holding);
}

/// A log of garbage stops at 10,000 invalid lines: the report says so, and
/// its list of invalid lines stays short.
#[test]
fn a_check_stops_at_the_invalid_lines_it_reports() {
    let garbage = "x\n".repeat(scrutin::serve::MAX_INVALID_LINES + 50);
    let (status, body) = post("/v1/check", "text/plain", &garbage);
    assert_eq!(status, 200);
    let report = json(&body);
    assert_eq!(report["summary"]["stopped_early"], true);
    assert_eq!(
        report["invalid"].as_array().unwrap().len(),
        scrutin::serve::MAX_INVALID_LINES
    );
}

/// A log of `lines` publications, violations and all.
fn big_log(lines: usize) -> String {
    "2017-05-06T09:30:00+02:00 outlet=a kind=campaign title=\"a long title for a long report\"\n"
        .repeat(lines)
}

/// Checks run off the async workers: `/healthz` answers at once while two
/// large checks run (it waited for them).
#[test]
fn health_answers_while_checks_run() {
    let server = start_with(&["rules/fr/presidential-2017.yaml"], Config::default());
    let log = big_log(40_000);
    let checks: Vec<_> = (0..2)
        .map(|_| {
            let log = log.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut response = agent()
                    .post(&format!("http://{server}/v1/check"))
                    .send(&log)
                    .unwrap();
                let mut report = response.body_mut().as_reader();
                std::io::copy(&mut report, &mut std::io::sink()).unwrap();
                (response.status().as_u16(), started.elapsed())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(get_from(server, "/healthz").0, 200);
        slowest = slowest.max(started.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut shortest_check = Duration::MAX;
    for check in checks {
        let (status, took) = check.join().unwrap();
        assert!(status == 200 || status == 503, "{status}");
        shortest_check = shortest_check.min(took);
    }
    assert!(
        slowest < Duration::from_millis(500),
        "/healthz took {slowest:?}; the checks {shortest_check:?}"
    );
}

/// The report of a check is streamed (chunked, no length), and a client
/// that never reads it is cut off at the response deadline, freeing the
/// check's slot for the next (it was built whole in memory and held).
#[test]
fn a_check_report_is_streamed_and_a_reader_that_stalls_is_cut_off() {
    let server = start_with(&["rules/fr/presidential-2017.yaml"], quick());
    let log = big_log(20_000);
    let mut stalled = TcpStream::connect(server).unwrap();
    stalled
        .write_all(
            format!(
                "POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{log}",
                log.len()
            )
            .as_bytes(),
        )
        .unwrap();
    // Once its log is in, the stalled check holds the one check slot: its
    // answer has started (reading the status line does not drain it)...
    stalled
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut status_line = [0u8; 12];
    stalled.read_exact(&mut status_line).unwrap();
    assert_eq!(&status_line, b"HTTP/1.1 200");
    // ...until the send timeout (1 s) closes its connection; then the next
    // check gets it.
    let started = Instant::now();
    let mut response = loop {
        let response = agent()
            .post(&format!("http://{server}/v1/check"))
            .send("2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n")
            .unwrap();
        if response.status() != 503 || started.elapsed() > Duration::from_secs(5) {
            break response;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(response.status().as_u16(), 200, "the slot is free again");
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let report = json(&response.body_mut().read_to_string().unwrap());
    assert_eq!(report["summary"]["violations"], 1);
    // What the stalled client gets is cut short: never the end of a report.
    // (The connection closes within a second or so; the wait allows for a
    // loaded machine.)
    stalled
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut received = Vec::new();
    let ended = stalled.read_to_end(&mut received);
    let timed_out =
        matches!(&ended, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut));
    assert!(!timed_out, "the connection is still open");
    assert!(!received.ends_with(b"0\r\n\r\n"), "a whole report");
}

/// A client that reads, but too slowly to take its answer within the
/// response deadline, is cut off at the deadline: its check ends and frees
/// its slot. (The client goes on reading what the kernel had buffered.)
#[test]
fn a_reader_too_slow_for_the_deadline_is_cut_off() {
    let server = start_with(
        &["rules/fr/presidential-2017.yaml"],
        Config {
            response_deadline: Duration::from_secs(1),
            max_checks: 1,
            ..Config::default()
        },
    );
    let log = big_log(20_000);
    let mut slow = TcpStream::connect(server).unwrap();
    let request = format!(
        "POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{log}",
        log.len()
    );
    slow.write_all(request.as_bytes()).unwrap();
    // 16 KiB every 50 ms, for 4 s: never a pause near the send timeout
    // (30 s), and the 20 MB answer would take a minute.
    let reader = std::thread::spawn(move || {
        let started = Instant::now();
        let mut buffer = [0; 16 * 1024];
        while started.elapsed() < Duration::from_secs(4) {
            if matches!(slow.read(&mut buffer), Ok(0) | Err(_)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let mut busy = 0;
    let status = loop {
        let status = post_to(server, "/v1/check", "text/plain", "\n").0;
        if status != 503 || started.elapsed() > Duration::from_secs(3) {
            break status;
        }
        busy += 1;
        std::thread::sleep(Duration::from_millis(100));
    };
    let freed = started.elapsed();
    assert!(busy > 0, "the slow reader's check did not hold the slot");
    assert_eq!(status, 200, "the slot is still taken after {freed:?}");
    // The reader stops by itself, within 4 s, after the test.
    assert!(!reader.is_finished(), "the client was not reading slowly");
}

/// A rulebook served by absolute path is named by its file name, never by
/// where the server keeps it.
#[test]
fn answers_never_show_the_server_s_paths() {
    let absolute = std::fs::canonicalize("rules/fr/presidential-2017.yaml").unwrap();
    // A rulebook that extends another (`law.yaml`), by absolute path too.
    let extending = std::fs::canonicalize("rules/pl/parliamentary-2023.yaml").unwrap();
    let server = start_with(
        &[absolute.to_str().unwrap(), extending.to_str().unwrap()],
        Config::default(),
    );
    let (status, body) = post_to(
        server,
        "/v1/check",
        "text/plain",
        "2017-05-06T09:30:00Z outlet=a kind=poll\n",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body)["rulebook"]["file"],
        "presidential-2017.yaml",
        "{body}"
    );
    let root = absolute.parent().unwrap().parent().unwrap();
    let answers = [
        get_from(server, "/v1/rules").1,
        get_from(server, "/v1/calendar?rulebook=pl-parliamentary-2023").1,
        post_to(
            server,
            "/v1/check?rulebook=pl-parliamentary-2023",
            "text/plain",
            "2023-10-14T12:00:00+02:00 outlet=a kind=poll\n",
        )
        .1,
    ];
    for answer in answers {
        assert!(!answer.contains(root.to_str().unwrap()), "{answer}");
    }
}

/// A question's parts are never pasted into a line: an attribute key that
/// is not a key, or an `at` with more after it, is a 400 naming the field.
#[test]
fn question_parts_cannot_smuggle_fields() {
    let cases = [
        (
            r#"{"kind": "poll", "at": "2017-05-06T09:30:00+02:00 kind=campaign"}"#,
            "`at` 2017-05-06T09:30:00+02:00 kind=campaign",
        ),
        (
            r#"{"kind": "poll", "attributes": {"x kind": "campaign"}}"#,
            "`attributes` x kind: not a key",
        ),
        (
            r#"{"kind": "poll", "attributes": {"": "campaign"}}"#,
            "`attributes` : not a key",
        ),
    ];
    for (request, expected) in cases {
        let (status, body) = post("/v1/preflight", "application/json", request);
        assert_eq!(status, 400, "{request}: {body}");
        let message = json(&body)["error"].as_str().unwrap().to_string();
        assert!(message.starts_with(expected), "{request}: {message}");
    }
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

/// `scrutin serve --access-log`: one line a request on stderr; on SIGTERM
/// it stops accepting, finishes the request in flight, and exits cleanly.
#[test]
fn sigterm_finishes_the_request_in_flight_and_the_access_log_shows_it() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut server = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args(["serve", "--rules", "rules/fr/presidential-2017.yaml"])
        .args(["--addr", "127.0.0.1:0", "--access-log"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(server.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let address: SocketAddr = first
        .trim()
        .strip_prefix("scrutin: serving on http://")
        .unwrap_or_else(|| panic!("{first}"))
        .parse()
        .unwrap();
    assert_eq!(get_from(address, "/healthz").0, 200);
    let log = "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n";
    let mut in_flight = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST /v1/check HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n",
        log.len()
    );
    in_flight.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    std::thread::sleep(Duration::from_millis(200));
    in_flight.write_all(log.as_bytes()).unwrap();
    in_flight
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = in_flight.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"violations\": 1"), "{answer}");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    let _ = stderr.read_to_string(&mut rest);
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 2, "{rest}");
    assert!(
        lines[0].ends_with("ms") && lines[0].contains(" GET /healthz 200 "),
        "{rest}"
    );
    assert!(lines[1].contains(" POST /v1/check 200 "), "{rest}");
}

/// A server of the French 2017 rulebook with the shipped profiles.
fn server_with_profiles() -> SocketAddr {
    let rulebook = rulebook::load("rules/fr/presidential-2017.yaml".as_ref()).unwrap();
    let profiles = ["lemonde-rss", "x-api-v1", "meta-ad-library"]
        .iter()
        .map(|name| {
            let path = format!("samples/profiles/{name}.yaml");
            scrutin::publication::profile::load(path.as_ref(), Some(&rulebook)).unwrap()
        })
        .collect();
    let rulebooks = Rulebooks::new(vec![rulebook])
        .unwrap()
        .with_profiles(profiles)
        .expect("distinct names");
    let config = Config::default();
    let router = router(rulebooks, &config);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            serve(listener, router, &config).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

/// `/v1/check` reads a feed, JSON Lines or CSV through a profile loaded at
/// start, its format from `?input=`, the content type or the body: the
/// findings of `scrutin check` on the same file.
#[test]
fn check_reads_every_format_through_the_profiles_served() {
    let server = server_with_profiles();
    let sample = |name: &str| std::fs::read_to_string(format!("samples/{name}")).unwrap();
    let cli = |source: &str, profile: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_scrutin"))
            .args([
                "check",
                "--rules",
                "rules/fr/presidential-2017.yaml",
                "--format",
                "json",
            ])
            .args(["--profile", &format!("samples/profiles/{profile}.yaml")])
            .arg(format!("samples/{source}"))
            .output()
            .unwrap();
        json(&String::from_utf8(output.stdout).unwrap())
    };
    let cases = [
        (
            "lemonde-2017-rss.xml",
            "lemonde-rss",
            "/v1/check?input=rss&profile=lemonde-rss",
            "text/plain",
        ),
        (
            "lemonde-2017-rss.xml",
            "lemonde-rss",
            "/v1/check?profile=lemonde-rss",
            "application/rss+xml",
        ),
        (
            "x-2017-macronleaks.jsonl",
            "x-api-v1",
            "/v1/check?profile=x-api-v1",
            "application/x-ndjson",
        ),
        // One profile is written for CSV: the content type picks it.
        (
            "meta-adlibrary-2017.csv",
            "meta-ad-library",
            "/v1/check",
            "text/csv",
        ),
        // The profile named says the format the body is in.
        (
            "meta-adlibrary-2017.csv",
            "meta-ad-library",
            "/v1/check?profile=meta-ad-library",
            "text/plain",
        ),
    ];
    for (source, profile, path, content_type) in cases {
        let (status, body) = post_to(server, path, content_type, &sample(source));
        assert_eq!(status, 200, "{path}: {body}");
        let served = json(&body);
        let expected = cli(source, profile);
        assert_eq!(
            served["summary"]["violations"], expected["summary"]["violations"],
            "{path}"
        );
        assert_eq!(
            served["summary"]["publications"],
            expected["summary"]["publications"]
        );
        let lines = |report: &Value| -> Vec<(u64, String)> {
            report["violations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    (
                        v["line"].as_u64().unwrap(),
                        v["rule"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(lines(&served), lines(&expected), "{path}");
    }
    // A log is still a log, with or without profiles served.
    let (status, body) = post_to(
        server,
        "/v1/check",
        "text/plain",
        "2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n",
    );
    assert_eq!(
        (status, json(&body)["summary"]["violations"].as_u64()),
        (200, Some(1))
    );
    // What cannot be chosen is a 400 that says what to give.
    let refused = [
        (
            "/v1/check?input=rss&profile=nope",
            "no profile `nope`; loaded: lemonde-rss, x-api-v1, meta-ad-library",
        ),
        (
            "/v1/check?input=yaml",
            "unknown input `yaml`; one of: log, jsonl, csv, rss, atom, sitemap",
        ),
        (
            "/v1/check?input=atom",
            "a body read as atom needs a profile: give ?profile=NAME; loaded: lemonde-rss, x-api-v1, meta-ad-library",
        ),
        (
            "/v1/check?input=jsonl&profile=lemonde-rss",
            "profile `lemonde-rss` is written for rss, but the body is read as jsonl",
        ),
        (
            "/v1/check?input=log&profile=x-api-v1",
            "the body is read as a log, which takes no profile; `x-api-v1` is for another format: give ?input=",
        ),
    ];
    for (path, message) in refused {
        let (status, body) = post_to(server, path, "text/plain", "{}");
        assert_eq!(
            (status, json(&body)["error"].as_str().unwrap()),
            (400, message),
            "{path}"
        );
    }
}

/// A gzip body is read through, whatever its format.
#[test]
fn a_gzip_body_is_read_through() {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(b"2017-05-06T09:30:00+02:00 outlet=a kind=campaign\n2017-05-06T09:30:00+02:00 outlet=a kind=news\n")
        .unwrap();
    let body = encoder.finish().unwrap();
    let mut response = agent()
        .post(&format!("http://{}/v1/check", server()))
        .header("content-type", "application/gzip")
        .send(&body[..])
        .unwrap();
    let report = json(&response.body_mut().read_to_string().unwrap());
    assert_eq!(report["summary"]["publications"], 2);
    assert_eq!(report["summary"]["violations"], 1);
    // Decompressed, a body holds no more than it may as sent: a few
    // kilobytes of gzip that unpack to megabytes stop at the limit.
    let config = Config {
        max_body_bytes: 64 * 1024,
        ..Config::default()
    };
    let server = start_with(&["rules/fr/presidential-2017.yaml"], config);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..256 {
        encoder.write_all(&[b'\n'; 64 * 1024]).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    let mut response = agent()
        .post(&format!("http://{server}/v1/check"))
        .header("content-type", "application/gzip")
        .send(&bomb[..])
        .unwrap();
    let report = json(&response.body_mut().read_to_string().unwrap());
    assert_eq!(report["summary"]["unreadable_files"], 1, "{report}");
    let reason = report["unreadable"][0]["message"].as_str().unwrap();
    assert!(
        reason.contains("decompresses to more than 65536 bytes"),
        "{reason}"
    );
    assert!(report["summary"]["lines"].as_u64().unwrap() <= 64 * 1024);
}
