//! The editor's page at `/`: the same rulebooks, checker and limits as the
//! API, for people in a browser (often a phone). "May I publish?" is a GET
//! (`/?ask=1&kind=…`), so that an answer has an address to share; "Check
//! my schedule" is a POST of a form (`/check`, multipart, so that a file
//! can be sent without JavaScript), as large as `/v1/check` accepts and
//! checked in one of its slots. Nothing is stored. Errors are pages too,
//! with the API's messages and statuses.
//!
//! `view` writes the page, `words` its English and French, `results`
//! collects a check's findings for it.

use std::io;
use std::sync::Arc;

use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::Markup;

use super::App;
use super::answer::ApiError;
use crate::preflight::{Question, preflight};
use crate::publication::{self, Format};
use crate::report::chart::Lang;
use crate::rulebook::Rulebook;

mod results;
mod view;
mod words;

use results::{PageReport, Results};
use view::{Asked, Outcome, View};

/// What the page allows and forbids: no script but its own (none), no
/// style but its sheet, forms only to itself, never in a frame.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The query of the page: pairs, since a region may be given several times.
type Pairs = Vec<(String, String)>;

fn first<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `?lang=`, else what the browser asks for.
fn language(pairs: &Pairs, headers: &HeaderMap) -> Lang {
    match first(pairs, "lang") {
        Some("fr") => Lang::Fr,
        Some("en") => Lang::En,
        _ => headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_header),
    }
}

/// The page, with the headers every page has.
fn respond(status: StatusCode, lang: Lang, markup: Markup) -> Response {
    let mut response = (status, markup).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// `/static/scrutin.css`.
pub(super) async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        crate::report::html::STYLE,
    )
        .into_response()
}

/// The rulebook a page asks for (`?rulebook=ID`, else the first served)
/// and the region of its chart (`?region=`, the first given, else the
/// rulebook's default).
fn selected<'a>(app: &'a App, pairs: &Pairs) -> Result<(&'a Rulebook, usize), ApiError> {
    let rulebook = app.rulebooks.select(first(pairs, "rulebook"), None)?;
    let region = match first(pairs, "region").filter(|r| !r.is_empty()) {
        Some(id) => rulebook.region_index(id).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown region `{}`; {}",
                crate::source::escape_unsafe(id),
                rulebook.region_hint(id)
            ))
        })?,
        None => rulebook.default_region,
    };
    Ok((rulebook, region))
}

/// `GET /`: the page, with an answer when it is asked a question.
pub(super) async fn index(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
) -> Response {
    let lang = language(&pairs, &headers);
    let now = Utc::now();
    let (rulebook, region) = match selected(&app, &pairs) {
        Ok(found) => found,
        Err(error) => return error_page(&app, lang, error),
    };
    let asked = asked_of(&pairs);
    let answered = (first(&pairs, "ask") == Some("1"))
        .then(|| question(&asked, rulebook).and_then(|q| read(q, rulebook, now)));
    let (status, outcome_publication);
    let outcome = match &answered {
        None => {
            status = StatusCode::OK;
            Outcome::Nothing
        }
        Some(Ok(publication)) => {
            status = StatusCode::OK;
            outcome_publication = (publication, preflight(rulebook, publication));
            Outcome::Answer {
                publication: outcome_publication.0,
                answer: &outcome_publication.1,
            }
        }
        Some(Err(error)) => {
            status = error.status();
            Outcome::AskError(error.message().to_owned())
        }
    };
    let view = View {
        lang,
        rulebooks: &app.rulebooks.rulebooks,
        rulebook,
        region: chart_region(rulebook, &asked, region),
        now,
        asked: &asked,
        outcome,
    };
    respond(status, lang, view::render(&view))
}

/// The chart's region: the first region of the question, if it has one.
fn chart_region(rulebook: &Rulebook, asked: &Asked, region: usize) -> usize {
    asked
        .regions
        .first()
        .and_then(|id| rulebook.region_index(id))
        .unwrap_or(region)
}

/// The form's fields as given (to show them again).
fn asked_of(pairs: &Pairs) -> Asked {
    let value = |key: &str| first(pairs, key).unwrap_or("").to_owned();
    let regions = if first(pairs, "ask") == Some("1") {
        pairs
            .iter()
            .filter(|(k, v)| k == "region" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    } else {
        Vec::new()
    };
    Asked {
        kind: value("kind"),
        channel: value("channel"),
        regions,
        at: value("at"),
        until: value("until"),
        attributes: value("attributes"),
        log: String::new(),
        input: String::new(),
    }
}

/// The question the form asks. A time without an offset (what a
/// `datetime-local` field sends) is in the zone of the first region asked
/// about, or of the rulebook's default region.
fn question(asked: &Asked, rulebook: &Rulebook) -> Result<Question, ApiError> {
    let zone = asked
        .regions
        .first()
        .and_then(|id| rulebook.region_index(id))
        .map_or(rulebook.regions[rulebook.default_region].zone, |r| {
            rulebook.regions[r].zone
        });
    let instant = |text: &str| -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        // `2017-05-06T09:30` or `…:30:00`: a wall-clock time, in the zone.
        let local = text.len() <= 19
            && text.contains('T')
            && !text.ends_with(['Z', 'z'])
            && !text[10..].contains(['+', '-', '[']);
        Some(match (local, text.len()) {
            (true, 16) => format!("{text}:00[{zone}]"),
            (true, _) => format!("{text}[{zone}]"),
            (false, _) => text.to_owned(),
        })
    };
    let mut attributes = std::collections::BTreeMap::new();
    for line in asked
        .attributes
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        let (key, value) = line.split_once('=').ok_or_else(|| {
            ApiError::bad_request(format!(
                "`{}`: an attribute is written key=value",
                crate::source::escape_unsafe(line)
            ))
        })?;
        attributes.insert(key.trim().to_owned(), value.trim().to_owned());
    }
    Ok(Question {
        at: instant(&asked.at),
        until: instant(&asked.until),
        kind: asked.kind.clone(),
        channel: Some(asked.channel.clone()).filter(|c| !c.is_empty()),
        regions: asked.regions.clone(),
        outlet: None,
        attributes,
    })
}

fn read(
    question: Question,
    rulebook: &Rulebook,
    now: DateTime<Utc>,
) -> Result<publication::Publication<'static>, ApiError> {
    question.read(rulebook, now).map_err(|e| {
        ApiError::bad_request(match e {
            // Named as the form names it, with what was given.
            crate::preflight::QuestionError::Part(part) => format!(
                "{} `{}`: {}",
                part.part.name(),
                crate::source::escape_unsafe(&part.value),
                part.message()
            ),
            other => other.message(),
        })
    })
}

/// A page that says what is wrong, where the election cannot be chosen.
fn error_page(app: &App, lang: Lang, error: ApiError) -> Response {
    let rulebook = &app.rulebooks.rulebooks[0];
    let asked = Asked::default();
    let view = View {
        lang,
        rulebooks: &app.rulebooks.rulebooks,
        rulebook,
        region: rulebook.default_region,
        now: Utc::now(),
        asked: &asked,
        outcome: Outcome::AskError(error.message().to_owned()),
    };
    respond(error.status(), lang, view::render(&view))
}

/// The fields of the schedule's form.
#[derive(Default)]
struct Sent {
    log: Vec<u8>,
    file: Vec<u8>,
    input: String,
}

async fn sent(mut multipart: Multipart, max_bytes: usize) -> Result<Sent, ApiError> {
    let mut sent = Sent::default();
    let too_large = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the log is too large: at most {max_bytes} bytes"),
            )
        } else {
            ApiError::bad_request(format!("the form cannot be read: {}", e.body_text()))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(too_large)?;
        match name.as_str() {
            "log" => sent.log = bytes.to_vec(),
            "file" => sent.file = bytes.to_vec(),
            "input" => sent.input = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /check`: the schedule pasted or sent, checked as `/v1/check`
/// would, its findings shown next to their lines.
pub(super) async fn check(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(pairs): Query<Pairs>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let lang = language(&pairs, &headers);
    let (rulebook, region) = match selected(&app, &pairs) {
        Ok(found) => found,
        Err(error) => return error_page(&app, lang, error),
    };
    let max = app.config.max_body_bytes;
    let outcome = match multipart {
        Ok(multipart) => {
            let upload = Arc::clone(&app.uploads).try_acquire_owned();
            match upload {
                Err(_) => Err(ApiError::busy(app.config.max_checks)),
                Ok(_upload) => {
                    match tokio::time::timeout(app.config.body_read_timeout, sent(multipart, max))
                        .await
                    {
                        Err(_) => Err(ApiError::new(
                            StatusCode::REQUEST_TIMEOUT,
                            format!(
                                "the log took longer than {} s to send",
                                app.config.body_read_timeout.as_secs()
                            ),
                        )),
                        Ok(sent) => sent,
                    }
                }
            }
        }
        Err(rejection) => Err(ApiError::bad_request(format!(
            "send the form as multipart/form-data: {}",
            rejection.body_text()
        ))),
    };
    let (sent, checked) = match outcome {
        Ok(sent) => {
            let checked = run_check(&app, rulebook, &sent).await;
            (sent, checked)
        }
        Err(error) => (Sent::default(), Err(error)),
    };
    let asked = Asked {
        log: if sent.file.is_empty() {
            String::from_utf8_lossy(&sent.log[..sent.log.len().min(256 * 1024)]).into_owned()
        } else {
            String::new()
        },
        input: sent.input.clone(),
        ..asked_of(&pairs)
    };
    let (status, outcome) = match &checked {
        Ok(results) => (StatusCode::OK, Outcome::Results(results)),
        Err(error) => (
            error.status(),
            Outcome::CheckError(error.message().to_owned()),
        ),
    };
    let view = View {
        lang,
        rulebooks: &app.rulebooks.rulebooks,
        rulebook,
        region,
        now: Utc::now(),
        asked: &asked,
        outcome,
    };
    respond(status, lang, view::render(&view))
}

/// Checks what was sent in a check slot, on a blocking thread, as
/// `/v1/check` does; the findings are collected for the page.
async fn run_check(app: &Arc<App>, rulebook: &Rulebook, sent: &Sent) -> Result<Results, ApiError> {
    let body = if sent.file.is_empty() {
        sent.log.clone()
    } else {
        sent.file.clone()
    };
    let asked = match sent.input.as_str() {
        "" => None,
        name => Some(Format::from_name(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown input `{}`",
                crate::source::escape_unsafe(name)
            ))
        })?),
    };
    let how = publication::HowToOpen {
        asked,
        hint: None,
        max_decompressed: Some(app.config.max_body_bytes as u64),
    };
    let opened = publication::open("schedule", io::Cursor::new(body), how)
        .map_err(|e| ApiError::bad_request(format!("the log cannot be read: {e}")))?;
    let profile = app.rulebooks.profile(opened.format, None)?;
    let permit = Arc::clone(&app.checks)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(app.config.max_checks))?;
    let id = rulebook.id.clone();
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let rulebook = app.rulebooks.get(Some(&id)).map_err(|_| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the rulebook went away")
        })?;
        let profile = profile.map(|index| &app.rulebooks.profiles[index]);
        let mut report = PageReport {
            rulebook,
            results: Results::default(),
        };
        super::handlers::run_pipeline(rulebook, opened, profile, &mut report).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the check failed: {e}"),
            )
        })?;
        Ok(report.results)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the check failed"))?
}
