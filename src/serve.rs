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
use crate::preflight::{Question, preflight};
use crate::publication;
use crate::report::{self, JsonReport, Report};
use crate::rulebook::Rulebook;

/// The largest request body accepted: a day's log of a large newsroom.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The longest a request may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The rulebooks served, by id; the first is the default.
pub struct Rulebooks {
    rulebooks: Vec<Rulebook>,
}

impl Rulebooks {
    pub fn new(rulebooks: Vec<Rulebook>) -> Self {
        Rulebooks { rulebooks }
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

/// `?rulebook=ID&region=a,b`: which rulebook (default: the first), which regions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Choice {
    rulebook: Option<String>,
    region: Option<String>,
}

/// The query, or a JSON 400 saying what is wrong with it.
fn choice(query: Result<Query<Choice>, QueryRejection>) -> Result<Choice, ApiError> {
    query
        .map(|Query(choice)| choice)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

async fn rules(State(served): State<Arc<Rulebooks>>) -> Response {
    json_from(|out| {
        out.push(b'[');
        for (n, rulebook) in served.rulebooks.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            report::rules::show_json(rulebook, out)?;
        }
        out.push(b']');
        Ok(())
    })
}

async fn calendar(
    State(served): State<Arc<Rulebooks>>,
    query: Result<Query<Choice>, QueryRejection>,
) -> Result<Response, ApiError> {
    let choice = choice(query)?;
    let rulebook = served.get(choice.rulebook.as_deref())?;
    let mut regions = Vec::new();
    for id in choice.region.iter().flat_map(|list| list.split(',')) {
        let region = rulebook
            .region_index(id)
            .ok_or_else(|| ApiError::bad_request(format!("unknown region `{id}`")))?;
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
    request: Result<axum::Json<PreflightRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let axum::Json(request) =
        request.map_err(|rejection| ApiError::bad_request(rejection.body_text()))?;
    let rulebook = served.get(request.rulebook.as_deref())?;
    let line = match (request.line, request.kind) {
        (Some(line), None) => line,
        (None, Some(kind)) => Question {
            at: request.at,
            kind,
            channel: request.channel,
            regions: request.regions,
            outlet: request.outlet,
            attributes: request.attributes,
        }
        .to_line(chrono::Utc::now()),
        _ => {
            return Err(ApiError::bad_request(
                "give either `line`, or `kind` and the other parts",
            ));
        }
    };
    let publication = publication::read(&line, rulebook).map_err(|e| {
        let help = e.help.map(|h| format!(" ({h})")).unwrap_or_default();
        ApiError::bad_request(format!("{}{help}", e.message))
    })?;
    let answer = preflight(rulebook, &publication);
    Ok(json_from(|out| {
        report::preflight::answer_json(rulebook, &publication, &answer, out)
    }))
}

async fn check(
    State(served): State<Arc<Rulebooks>>,
    query: Result<Query<Choice>, QueryRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let choice = choice(query)?;
    let rulebook = served.get(choice.rulebook.as_deref())?;
    Ok(json_from(|out| {
        let mut summary = Summary::default();
        let mut report = JsonReport::new(&mut *out, rulebook);
        audit(rulebook, "request", &body[..], &mut report, &mut summary)?;
        report.finish(&summary)
    }))
}
