//! `scrutin serve`: the checker over HTTP, for CMS plugins and newsroom tools.
//!
//! Rulebooks are loaded once, at start, and shared read-only. Every answer is
//! JSON, errors included (`{"error": "…"}`): a malformed request is a 400 with
//! a message, never a 500. Every resource a client can hold is bounded:
//! bodies in size, requests and connections in time and number, checks in
//! number (docs/serve.md lists the limits). The API is described in
//! docs/openapi.yaml.
//!
//! Here are the routes and their handlers; `server` accepts and closes
//! connections, `stream` carries a check's report to its client as it is
//! written.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::audit::{Limits, Summary, audit_with};
use crate::preflight::{Part, Question, QuestionError, preflight};
use crate::publication::{self, Publication};
use crate::report::{self, JsonReport, Report};
use crate::rulebook::Rulebook;
use crate::source::{SourceFile, escape_unsafe};
use crate::waiver::Waivers;

mod server;
mod stream;

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

/// Two rulebooks given to serve with one id: the second could never be
/// selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("two rulebooks have the id `{id}`: each must be reachable by `?rulebook=`")]
#[diagnostic(code("scrutin::serve::same-id"))]
pub struct SameId {
    /// The id, escaped: it comes from a rulebook and may reach a terminal.
    pub id: String,
}

/// The rulebooks served, by id; the first is the default.
pub struct Rulebooks {
    rulebooks: Vec<Rulebook>,
}

impl Rulebooks {
    /// The rulebooks to serve; two with one id would leave the second
    /// unreachable, so that is refused with the id.
    pub fn new(rulebooks: Vec<Rulebook>) -> Result<Self, SameId> {
        for (n, rulebook) in rulebooks.iter().enumerate() {
            if rulebooks[..n]
                .iter()
                .any(|earlier| earlier.id == rulebook.id)
            {
                return Err(SameId {
                    id: escape_unsafe(&rulebook.id),
                });
            }
        }
        let rulebooks = rulebooks.into_iter().map(without_server_paths).collect();
        Ok(Rulebooks { rulebooks })
    }

    /// The rulebook a request selects: by `?rulebook=ID` in the query, or a
    /// `rulebook` field in a JSON body; by neither, the first served. Both
    /// given and different is a mistake the request must fix (400), not a
    /// choice the server makes for it.
    fn select(&self, query: Option<&str>, body: Option<&str>) -> Result<&Rulebook, ApiError> {
        match (query, body) {
            (Some(query), Some(body)) if query != body => Err(ApiError::bad_request(format!(
                "the query selects rulebook `{query}` and the body `{body}`: give one"
            ))),
            (query, body) => self.get(query.or(body)),
        }
    }

    fn get(&self, id: Option<&str>) -> Result<&Rulebook, ApiError> {
        let Some(id) = id else {
            return self
                .rulebooks
                .first()
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no rulebook is served"));
        };
        self.rulebooks.iter().find(|r| r.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.rulebooks.iter().map(|r| r.id.as_str()).collect();
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no rulebook `{id}`; served: {}", ids.join(", ")),
            )
        })
    }
}

/// A request that cannot be answered, answered as `{"error": "…"}`.
struct ApiError {
    status: StatusCode,
    message: String,
    /// Seconds, for a 503.
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Every check slot is taken: try again shortly.
    fn busy(slots: usize) -> Self {
        ApiError {
            retry_after: Some(RETRY_AFTER_SECS),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("busy: {slots} checks are running; try again shortly"),
            )
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = error(self.status, &self.message);
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The rulebook with its files named as a client may see them: a rulebook
/// served by absolute path (`/srv/…/presidential-2017.yaml`) would tell
/// every client where the server keeps its files. The file loaded is named
/// by its file name, the files it extends relative to its folder; a relative
/// path or a built-in name is kept as given, unless it climbs out (`..`).
fn without_server_paths(mut rulebook: Rulebook) -> Rulebook {
    let Some(loaded) = rulebook.files.first().map(|f| f.name().to_string()) else {
        return rulebook;
    };
    let folder = Path::new(&loaded).parent().unwrap_or(Path::new(""));
    for (n, file) in rulebook.files.iter_mut().enumerate() {
        let path = Path::new(file.name());
        let reveals = path.is_absolute() || path.starts_with("..");
        if !reveals {
            continue;
        }
        let shown = match path.strip_prefix(folder) {
            Ok(inside) if n > 0 && !folder.as_os_str().is_empty() => inside,
            _ => Path::new(path.file_name().unwrap_or_default()),
        };
        *file = SourceFile::new(shown.display().to_string(), file.text().to_string());
    }
    rulebook
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
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
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

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        json_body(
            serde_json::json!({ "error": message })
                .to_string()
                .into_bytes(),
        ),
    )
        .into_response()
}

fn json_body(bytes: Vec<u8>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], bytes)
}

/// Runs a report writer into a JSON response.
fn json_from(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Response {
    let mut bytes = Vec::new();
    match write(&mut bytes) {
        Ok(()) => json_body(bytes).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// `?rulebook=ID`: the query of `/v1/rules`, `/v1/check` and `/v1/preflight`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulebookQuery {
    rulebook: Option<String>,
}

/// `?rulebook=ID&region=a,b`: the query of `/v1/calendar`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarQuery {
    rulebook: Option<String>,
    region: Option<String>,
}

/// The query, or a JSON 400 saying what is wrong with it (an unknown
/// parameter is refused rather than ignored: ignoring `?rulebook=` once
/// answered a French question under British law).
fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(query)| query)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// Every rulebook served, or only the one `?rulebook=ID` names: a list either way.
async fn rules(
    State(app): State<Arc<App>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let served = &app.rulebooks;
    let choice = query(choice)?;
    let listed: Vec<&Rulebook> = match choice.rulebook.as_deref() {
        None => served.rulebooks.iter().collect(),
        Some(id) => vec![served.get(Some(id))?],
    };
    Ok(json_from(|out| {
        out.push(b'[');
        for (n, rulebook) in listed.into_iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            report::rules::show_json(rulebook, out)?;
        }
        out.push(b']');
        Ok(())
    }))
}

async fn calendar(
    State(app): State<Arc<App>>,
    choice: Result<Query<CalendarQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let served = &app.rulebooks;
    let choice = query(choice)?;
    let rulebook = served.select(choice.rulebook.as_deref(), None)?;
    let mut regions = Vec::new();
    for id in choice.region.iter().flat_map(|list| list.split(',')) {
        let region = rulebook.region_index(id).ok_or_else(|| {
            let hint = rulebook.region_hint(id);
            ApiError::bad_request(format!("unknown region `{id}`; {hint}"))
        })?;
        regions.push(region);
    }
    let restrictions = report::calendar::restrictions(rulebook, &regions);
    Ok(json_from(|out| {
        report::calendar::json(rulebook, &restrictions, out)
    }))
}

/// A preflight request: the question's parts, or a whole log line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreflightRequest {
    rulebook: Option<String>,
    line: Option<String>,
    at: Option<String>,
    kind: Option<String>,
    channel: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    outlet: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

async fn preflight_route(
    State(app): State<Arc<App>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
    request: Result<axum::Json<PreflightRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let served = &app.rulebooks;
    let choice = query(choice)?;
    let axum::Json(request) = request
        .map_err(|rejection| question_rejected(&rejection, app.config.max_question_bytes))?;
    let rulebook = served.select(choice.rulebook.as_deref(), request.rulebook.as_deref())?;
    let publication = request.publication(rulebook)?;
    let answer = preflight(rulebook, &publication);
    Ok(json_from(|out| {
        report::preflight::answer_json(rulebook, &publication, &answer, out)
    }))
}

impl PreflightRequest {
    /// The publication asked about, read against the selected rulebook: a
    /// kind, channel or region it does not know is a 400 naming it.
    fn publication(self, rulebook: &Rulebook) -> Result<Publication<'static>, ApiError> {
        let parts_given = self.at.is_some()
            || self.kind.is_some()
            || self.channel.is_some()
            || !self.regions.is_empty()
            || self.outlet.is_some()
            || !self.attributes.is_empty();
        match (self.line, self.kind) {
            (Some(line), None) if !parts_given => match publication::read(&line, rulebook) {
                Ok(publication) => Ok(publication.into_owned()),
                Err(e) => {
                    let help = e.help.map(|h| format!(" ({h})")).unwrap_or_default();
                    Err(ApiError::bad_request(format!("{}{help}", e.message)))
                }
            },
            (None, Some(kind)) => {
                let question = Question {
                    at: self.at,
                    kind,
                    channel: self.channel,
                    regions: self.regions,
                    outlet: self.outlet,
                    attributes: self.attributes,
                };
                question
                    .read(rulebook, chrono::Utc::now())
                    .map_err(|error| ApiError::bad_request(question_error(&error)))
            }
            _ => Err(ApiError::bad_request(
                "give either `line`, or `kind` and the other parts",
            )),
        }
    }
}

/// A question that is not one: too large (413), else malformed (400, as
/// axum's 415 and 422 are too: the request must be fixed all the same).
fn question_rejected(rejection: &JsonRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is too large: at most {limit} bytes"),
        )
    } else {
        ApiError::bad_request(rejection.body_text())
    }
}

/// A question's mistake, naming the field of the request that holds it.
fn question_error(error: &QuestionError) -> String {
    match error {
        QuestionError::Part(part_error) => {
            let field = match part_error.part {
                Part::At => "at",
                Part::Kind => "kind",
                Part::Channel => "channel",
                Part::Region => "regions",
                Part::Attribute => "attributes",
            };
            format!("`{field}` {}: {}", part_error.value, part_error.message())
        }
        QuestionError::Line { .. } => error.message(),
    }
}

/// The log is read in an upload slot, within `body_read_timeout` (so that
/// the bodies held are bounded by the slots, not by the clients connected,
/// and a slow upload never holds a check slot); then checked on a blocking
/// thread in a check slot (so that the async workers stay free for
/// `/healthz` and the rest), its report streamed as it is written.
async fn check(
    State(app): State<Arc<App>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let choice = query(choice)?;
    // The body is a log, not JSON: the query alone selects.
    let rulebook = app.rulebooks.select(choice.rulebook.as_deref(), None)?;
    let id = rulebook.id.clone();
    let upload = Arc::clone(&app.uploads)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(app.config.max_checks))?;
    let read = axum::body::to_bytes(body, app.config.max_body_bytes);
    let log = tokio::time::timeout(app.config.body_read_timeout, read)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the log took longer than {} s to send",
                    app.config.body_read_timeout.as_secs()
                ),
            )
        })?
        .map_err(|e| body_error(&e, app.config.max_body_bytes))?;
    let permit = Arc::clone(&app.checks)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(app.config.max_checks))?;
    drop(upload);
    let (mut out, answer) = stream::channel(app.config.response_deadline);
    let app = Arc::clone(&app);
    // A started blocking task cannot be aborted: a client that leaves ends
    // it at the next chunk written, when the channel is found closed.
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let Ok(rulebook) = app.rulebooks.get(Some(&id)) else {
            return;
        };
        let mut summary = Summary::default();
        let mut report = JsonReport::new(&mut out, rulebook);
        let limits = Limits {
            max_invalid: Some(MAX_INVALID_LINES),
        };
        let written = audit_with(
            rulebook,
            "request",
            &log[..],
            &mut report,
            &mut summary,
            limits,
            &mut Waivers::none(),
        )
        .and_then(|()| report.finish(&summary));
        if written.is_ok() {
            let _ = out.finish();
        }
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

/// A body that could not be read: over the limit (without a
/// `Content-Length` that said so at once), or cut off.
fn body_error(error: &axum::Error, limit: usize) -> ApiError {
    let too_large = std::error::Error::source(error)
        .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
    if too_large {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is too large: at most {limit} bytes"),
        )
    } else {
        ApiError::bad_request(format!("cannot read the body: {error}"))
    }
}
