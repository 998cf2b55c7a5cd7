//! `scrutin serve`: the checker over HTTP, for CMS plugins and newsroom tools.
//!
//! Rulebooks are loaded once, at start, and shared read-only. Every answer is
//! JSON, errors included (`{"error": "…"}`): a malformed request is a 400 with
//! a message, never a 500. Bodies are limited in size and requests in time.
//! The API is described in docs/openapi.yaml.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_http::timeout::TimeoutLayer;

use crate::audit::{Summary, audit};
use crate::preflight::{Part, Question, QuestionError, preflight};
use crate::publication::{self, Publication};
use crate::report::{self, JsonReport, Report};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;

/// The largest request body accepted: a day's log of a large newsroom.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The longest a request may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The rulebooks served, by id; the first is the default.
pub struct Rulebooks {
    rulebooks: Vec<Rulebook>,
}

impl Rulebooks {
    /// The rulebooks to serve; two with one id would leave the second
    /// unreachable, so that is refused with the id.
    pub fn new(rulebooks: Vec<Rulebook>) -> Result<Self, String> {
        for (n, rulebook) in rulebooks.iter().enumerate() {
            if rulebooks[..n]
                .iter()
                .any(|earlier| earlier.id == rulebook.id)
            {
                return Err(format!(
                    "two rulebooks have the id `{}`: each must be reachable by `?rulebook=`",
                    escape_unsafe(&rulebook.id)
                ));
            }
        }
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
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.status, &self.message)
    }
}

/// The routes, over the rulebooks given.
pub fn router(rulebooks: Rulebooks) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/v1/rules", get(rules))
        .route("/v1/calendar", get(calendar))
        .route("/v1/preflight", post(preflight_route))
        .route("/v1/check", post(check))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            TIMEOUT,
        ))
        .with_state(Arc::new(rulebooks))
}

/// Serves until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
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
    State(served): State<Arc<Rulebooks>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
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
    State(served): State<Arc<Rulebooks>>,
    choice: Result<Query<CalendarQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
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
    State(served): State<Arc<Rulebooks>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
    request: Result<axum::Json<PreflightRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let choice = query(choice)?;
    let axum::Json(request) =
        request.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
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
    fn publication(self, rulebook: &Rulebook) -> Result<Publication, ApiError> {
        let parts_given = self.at.is_some()
            || self.kind.is_some()
            || self.channel.is_some()
            || !self.regions.is_empty()
            || self.outlet.is_some()
            || !self.attributes.is_empty();
        match (self.line, self.kind) {
            (Some(line), None) if !parts_given => publication::read(&line, rulebook).map_err(|e| {
                let help = e.help.map(|h| format!(" ({h})")).unwrap_or_default();
                ApiError::bad_request(format!("{}{help}", e.message))
            }),
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

/// A question's mistake, naming the field of the request that holds it.
fn question_error(error: &QuestionError) -> String {
    match error {
        QuestionError::Part(part_error) => {
            let field = match part_error.part {
                Part::At => "at",
                Part::Kind => "kind",
                Part::Channel => "channel",
                Part::Region => "regions",
            };
            format!("`{field}` {}: {}", part_error.value, part_error.message())
        }
        QuestionError::Line { .. } => error.message(),
    }
}

async fn check(
    State(served): State<Arc<Rulebooks>>,
    choice: Result<Query<RulebookQuery>, QueryRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let choice = query(choice)?;
    // The body is a log, not JSON: the query alone selects.
    let rulebook = served.select(choice.rulebook.as_deref(), None)?;
    Ok(json_from(|out| {
        let mut summary = Summary::default();
        let mut report = JsonReport::new(&mut *out, rulebook);
        audit(rulebook, "request", &body[..], &mut report, &mut summary)?;
        report.finish(&summary)
    }))
}
