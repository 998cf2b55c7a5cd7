//! The handlers of the routes: what each endpoint answers.

use std::io;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::answer::{ApiError, json_from};
use super::request::{
    CalendarQuery, CheckQuery, PreflightRequest, RulebookQuery, body_error, format_of_content_type,
    query, question_rejected,
};
use super::{App, MAX_INVALID_LINES, stream};
use crate::audit::pipeline::Pipeline;
use crate::audit::{Limits, Summary};
use crate::preflight::preflight;
use crate::publication::{self, Format};
use crate::report::{self, JsonReport, Report};
use crate::rulebook::Rulebook;
use crate::source::escape_unsafe;
use crate::waiver::Waivers;

/// Every rulebook served, or only the one `?rulebook=ID` names: a list either way.
pub(super) async fn rules(
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

pub(super) async fn calendar(
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

pub(super) async fn preflight_route(
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

/// The log is read in an upload slot, within `body_read_timeout` (so that
/// the bodies held are bounded by the slots, not by the clients connected,
/// and a slow upload never holds a check slot); then checked on a blocking
/// thread in a check slot (so that the async workers stay free for
/// `/healthz` and the rest), its report streamed as it is written.
pub(super) async fn check(
    State(app): State<Arc<App>>,
    choice: Result<Query<CheckQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let choice = query(choice)?;
    let asked = match choice.input.as_deref() {
        Some(name) => Some(Format::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            ApiError::bad_request(format!(
                "unknown input `{}`; one of: {}",
                escape_unsafe(name),
                names.join(", ")
            ))
        })?),
        None => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            format_of_content_type(content_type)
        }
    };
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
    // Its first bytes tell gzip and the format, if nothing else did; a
    // profile named says the format it is written for. Decompressed, a
    // body may hold no more than it may as sent.
    let named = app.rulebooks.named_profile(choice.profile.as_deref())?;
    let how = publication::HowToOpen {
        asked,
        hint: named.and_then(|p| p.input),
        max_decompressed: Some(app.config.max_body_bytes as u64),
    };
    let opened = publication::open("request", io::Cursor::new(log), how)
        .map_err(|e| ApiError::bad_request(format!("the body cannot be read: {e}")))?;
    let profile = app
        .rulebooks
        .profile(opened.format, choice.profile.as_deref())?;
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
        let profile = profile.map(|index| &app.rulebooks.profiles[index]);
        let mut report = JsonReport::new(&mut out, rulebook);
        if run_pipeline(rulebook, opened, profile, &mut report).is_ok() {
            let _ = out.finish();
        }
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

/// A request's log checked on this thread (one job; the server runs checks
/// side by side), the invalid lines capped, into `report`, finished.
pub(super) fn run_pipeline(
    rulebook: &Rulebook,
    opened: publication::Opened,
    profile: Option<&publication::Profile>,
    report: &mut dyn Report,
) -> io::Result<()> {
    let mut summary = Summary {
        provisional: rulebook.provisional.clone(),
        ..Summary::default()
    };
    let limits = Limits {
        max_invalid: Some(MAX_INVALID_LINES),
    };
    let pipeline = Pipeline::new(rulebook)
        .jobs(1)
        .input(opened.format, profile);
    let mut waivers = Waivers::none();
    pipeline.audit(
        "request",
        opened.input,
        report,
        &mut summary,
        limits,
        &mut waivers,
    )?;
    pipeline.judge_aggregates(report, &mut summary, &mut waivers)?;
    report.finish(&summary)
}
