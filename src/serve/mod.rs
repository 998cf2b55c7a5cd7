//! `scrutin serve`: the checker over HTTP, for CMS plugins and newsroom tools.
//!
//! Rulebooks are loaded once, at start, and shared read-only. Every answer is
//! JSON, errors included (`{"error": "…"}`): a malformed request is a 400 with
//! a message, never a 500. Every resource a client can hold is bounded:
//! bodies in size, requests and connections in time and number, checks in
//! number (docs/serve.md lists the limits). The API is described in
//! docs/openapi.yaml.
//!
//! Here are the limits and the routes; `handlers` answers each route,
//! `request` reads what a request carries, `rulebooks` selects the rulebook
//! it asks for, and `answer` writes answers and errors as JSON; `server`
//! accepts and closes connections, `stream` carries a check's report to its
//! client as it is written.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::source::escape_unsafe;

mod answer;
mod handlers;
mod page;
mod request;
mod rulebooks;
mod server;
mod stream;

use answer::error;
use handlers::{calendar, check, preflight_route, rules};
pub use rulebooks::{Rulebooks, SameId};
pub use server::{serve, serve_until};

/// The largest log `/v1/check` accepts: a day's log of a large newsroom.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The largest question `/v1/preflight` accepts: one publication.
pub const MAX_QUESTION_BYTES: usize = 64 * 1024;
/// The longest a request may take until its answer starts (408 beyond).
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a check's answer may take to send; a client that reads it
/// slower is cut off, so that it cannot hold a check slot for long.
pub const RESPONSE_DEADLINE: Duration = Duration::from_secs(120);
/// The longest a client may go without reading a byte of its answer before
/// the connection is closed (nginx's `send_timeout`).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a client may take to send a request's headers; in HTTP/1 it
/// is also how long a kept-alive connection may stay idle.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(8);
/// Connections open at once; more wait in the kernel's backlog. Below the
/// usual limit of 1024 descriptors a process, with room for the rest.
pub const MAX_CONNECTIONS: usize = 512;
/// The longest a client may take to send the log of a check: a client that
/// trickles its body loses its upload slot then, instead of holding it for
/// the whole request timeout.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Logs of checks being received at once, for each check slot: the bodies
/// held in memory are bounded by these, and a slow upload never holds a
/// check slot (the log is whole before a check may start).
const UPLOADS_PER_CHECK: usize = 4;
/// Lines of a checked log reported invalid before the check stops (the
/// summary says so): a log of garbage cannot make the server write its
/// report's list of invalid lines to disk or to the network at length.
pub const MAX_INVALID_LINES: usize = 10_000;
/// How long the requests in flight may run on after SIGTERM or Ctrl-C.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// What a 503 tells the client to wait before it tries again, in seconds.
const RETRY_AFTER_SECS: u64 = 1;

/// The server's limits and timeouts, and its access log.
/// `Config::default()` is what `scrutin serve` runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// See [`MAX_BODY_BYTES`].
    pub max_body_bytes: usize,
    /// See [`MAX_QUESTION_BYTES`].
    pub max_question_bytes: usize,
    /// See [`TIMEOUT`].
    pub timeout: Duration,
    /// See [`RESPONSE_DEADLINE`].
    pub response_deadline: Duration,
    /// See [`SEND_TIMEOUT`].
    pub send_timeout: Duration,
    /// See [`HEADER_READ_TIMEOUT`].
    pub header_read_timeout: Duration,
    /// See [`MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// Checks that run at once, each on a thread of its own; one more is a
    /// 503 with `Retry-After`. Default: the number of cores.
    pub max_checks: usize,
    /// See [`BODY_READ_TIMEOUT`].
    pub body_read_timeout: Duration,
    /// See [`SHUTDOWN_GRACE`].
    pub shutdown_grace: Duration,
    /// One line a request on stderr: time, method, path, status, duration.
    pub access_log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_body_bytes: MAX_BODY_BYTES,
            max_question_bytes: MAX_QUESTION_BYTES,
            timeout: TIMEOUT,
            response_deadline: RESPONSE_DEADLINE,
            send_timeout: SEND_TIMEOUT,
            header_read_timeout: HEADER_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            max_checks: std::thread::available_parallelism().map_or(1, |n| n.get()),
            body_read_timeout: BODY_READ_TIMEOUT,
            shutdown_grace: SHUTDOWN_GRACE,
            access_log: false,
        }
    }
}

/// What every request may use: the rulebooks, the limits, and the permits
/// of the checks running.
struct App {
    rulebooks: Rulebooks,
    config: Config,
    checks: Arc<Semaphore>,
    uploads: Arc<Semaphore>,
}

/// The routes, over the rulebooks given, with the limits of `config`.
pub fn router(rulebooks: Rulebooks, config: &Config) -> Router {
    let app = Arc::new(App {
        rulebooks,
        config: config.clone(),
        checks: Arc::new(Semaphore::new(config.max_checks.max(1))),
        uploads: Arc::new(Semaphore::new(
            config.max_checks.max(1).saturating_mul(UPLOADS_PER_CHECK),
        )),
    });
    let router = Router::new()
        .route("/", get(page::index))
        .route(
            "/check",
            post(page::check)
                .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
                .get(page::to_page),
        )
        .route("/static/scrutin.css", get(page::style))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/v1/rules", get(rules))
        .route("/v1/calendar", get(calendar))
        .route(
            "/v1/preflight",
            post(preflight_route).layer(RequestBodyLimitLayer::new(config.max_question_bytes)),
        )
        .route(
            "/v1/check",
            post(check).layer(RequestBodyLimitLayer::new(config.max_body_bytes)),
        )
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such endpoint (see docs/openapi.yaml)",
            )
        })
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.timeout,
        ))
        .layer(middleware::map_response_with_state(
            Arc::clone(&app),
            json_errors,
        ))
        .with_state(Arc::clone(&app));
    if config.access_log {
        router.layer(middleware::from_fn(access_log))
    } else {
        router
    }
}

/// Every error as `{"error": "…"}`, whoever made it: the body limit (413),
/// the timeout (408), axum's rejections and fallbacks send plain text or
/// nothing. Headers such as `Allow` are kept.
async fn json_errors(State(app): State<Arc<App>>, response: Response) -> Response {
    let status = response.status();
    // The API answers JSON, the page HTML: each keeps its own.
    let is_json_or_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| {
            t.as_bytes().starts_with(b"application/json") || t.as_bytes().starts_with(b"text/html")
        });
    if is_json_or_page || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let config = &app.config;
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the body is too large: /v1/check takes at most {} bytes, /v1/preflight {}",
            config.max_body_bytes, config.max_question_bytes
        ),
        StatusCode::REQUEST_TIMEOUT => format!(
            "the request took longer than {} s",
            config.timeout.as_secs_f64()
        ),
        // axum adds `Allow` after this layer has run.
        StatusCode::METHOD_NOT_ALLOWED => {
            "method not allowed (the Allow header lists those allowed)".to_string()
        }
        _ if !text.is_empty() => text,
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let body = serde_json::json!({ "error": message }).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

/// One line a request on stderr, when its answer starts:
/// `2026-11-30T14:00:00.123Z POST /v1/check 200 12.3ms`. The query is left
/// out: it is the client's, and may say more than an operator needs.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method: Method = request.method().clone();
    let path = escape_unsafe(request.uri().path());
    let response = next.run(request).await;
    eprintln!(
        "{} {method} {path} {} {:.1}ms",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}
