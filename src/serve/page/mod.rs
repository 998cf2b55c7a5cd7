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
/// rulebook's default). Elections have regions of their own: a region the
/// election chosen does not have (the picker sends the last one shown) is
/// its default region; a question about it is refused by the question.
fn selected<'a>(app: &'a App, pairs: &Pairs) -> Result<(&'a Rulebook, usize), ApiError> {
    let rulebook = app.rulebooks.select(first(pairs, "rulebook"), None)?;
    let region = first(pairs, "region")
        .and_then(|id| rulebook.region_index(id))
        .unwrap_or(rulebook.default_region);
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
    // A question is no larger than `/v1/preflight` takes.
    let size: usize = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    if size > app.config.max_question_bytes {
        let error = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the question is too large: at most {} bytes",
                app.config.max_question_bytes
            ),
        );
        return error_page(&app, lang, error);
    }
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
        log_not_shown: false,
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
            && text
                .get(10..)
                .is_some_and(|time| !time.contains(['+', '-', '[']));
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
    let Some(rulebook) = app.rulebooks.rulebooks.first() else {
        // A library's router with no rulebook: nothing to show but why.
        return respond(
            error.status(),
            lang,
            maud::html! { p { (error.message()) } },
        );
    };
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

/// `GET /check` (a reload, the back button, a bookmark of a check's
/// page): the page, for the same election and language.
pub(super) async fn to_page(Query(pairs): Query<Pairs>) -> Response {
    let mut to = String::from("/?");
    for key in ["lang", "rulebook"] {
        if let Some(value) = first(&pairs, key) {
            to.push_str(&format!("{key}={}&", view::urlencode(value)));
        }
    }
    axum::response::Redirect::to(to.trim_end_matches(['&', '?'])).into_response()
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
    let mut asked = asked_of(&pairs);
    let checked = match multipart {
        Ok(multipart) => receive_and_check(&app, rulebook, multipart, &mut asked).await,
        Err(rejection) => Err(ApiError::bad_request(format!(
            "send the form as multipart/form-data: {}",
            rejection.body_text()
        ))),
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

/// A pasted log larger than this is not put back in the form (the page
/// says so): a page that echoes 16 MiB is no page.
const ECHO_BYTES: usize = 256 * 1024;

/// The log received in an upload slot, within the time to send it, then
/// opened (gzip decompressed up to the body limit) and checked in a check
/// slot on a blocking thread, as `/v1/check` does: the upload slot is held
/// until the check slot is taken, and the body is moved, never copied.
async fn receive_and_check(
    app: &Arc<App>,
    rulebook: &Rulebook,
    multipart: Multipart,
    asked: &mut Asked,
) -> Result<Results, ApiError> {
    let upload = Arc::clone(&app.uploads)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(app.config.max_checks))?;
    let max = app.config.max_body_bytes;
    let sent = tokio::time::timeout(app.config.body_read_timeout, sent(multipart, max))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the log took longer than {} s to send",
                    app.config.body_read_timeout.as_secs()
                ),
            )
        })??;
    let Sent { log, file, input } = sent;
    asked.input = input.chars().take(40).collect();
    let body = if file.is_empty() {
        match std::str::from_utf8(&log) {
            Ok(text) if log.len() <= ECHO_BYTES => asked.log = text.to_owned(),
            _ => asked.log_not_shown = true,
        }
        log
    } else {
        file
    };
    let format = match input.as_str() {
        "" => None,
        name => Some(Format::from_name(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown input `{}`; one of: {}",
                crate::source::escape_unsafe(&asked.input),
                Format::ALL.map(|f| f.name()).join(", ")
            ))
        })?),
    };
    let how = publication::HowToOpen {
        asked: format,
        hint: None,
        max_decompressed: Some(max as u64),
    };
    let opened = publication::open("schedule", io::Cursor::new(body), how)
        .map_err(|e| ApiError::bad_request(format!("the log cannot be read: {e}")))?;
    let profile = app.rulebooks.profile(opened.format, None)?;
    let permit = Arc::clone(&app.checks)
        .try_acquire_owned()
        .map_err(|_| ApiError::busy(app.config.max_checks))?;
    drop(upload);
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
