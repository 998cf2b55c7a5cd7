//! What a request may carry: its query, a preflight question, a log; and
//! what is wrong with it when it cannot be read (a 400, or a 413).

use std::collections::BTreeMap;

use axum::extract::Query;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use serde::Deserialize;

use super::answer::ApiError;
use crate::preflight::{Part, Question, QuestionError};
use crate::publication::{self, Format, Publication};
use crate::rulebook::Rulebook;

/// `?rulebook=ID`: the query of `/v1/rules`, `/v1/check` and `/v1/preflight`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulebookQuery {
    pub(super) rulebook: Option<String>,
}

/// `?rulebook=ID&input=FORMAT&profile=NAME`: the query of `/v1/check`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckQuery {
    pub(super) rulebook: Option<String>,
    pub(super) input: Option<String>,
    pub(super) profile: Option<String>,
}

/// The input format a body's content type names, if it names one; any
/// other (`text/plain`, XML, none) leaves it to the body's first bytes.
pub(super) fn format_of_content_type(content_type: Option<&str>) -> Option<Format> {
    let essence = content_type?.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" => {
            Some(Format::Jsonl)
        }
        "text/csv" => Some(Format::Csv),
        "application/rss+xml" => Some(Format::Rss),
        "application/atom+xml" => Some(Format::Atom),
        _ => None,
    }
}

/// `?rulebook=ID&region=a,b`: the query of `/v1/calendar`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarQuery {
    pub(super) rulebook: Option<String>,
    pub(super) region: Option<String>,
}

/// The query, or a JSON 400 saying what is wrong with it (an unknown
/// parameter is refused rather than ignored: ignoring `?rulebook=` once
/// answered a French question under British law).
pub(super) fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(query)| query)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// A preflight request: the question's parts, or a whole log line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PreflightRequest {
    pub(super) rulebook: Option<String>,
    line: Option<String>,
    at: Option<String>,
    until: Option<String>,
    kind: Option<String>,
    channel: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    outlet: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

impl PreflightRequest {
    /// The publication asked about, read against the selected rulebook: a
    /// kind, channel or region it does not know is a 400 naming it.
    pub(super) fn publication(self, rulebook: &Rulebook) -> Result<Publication<'static>, ApiError> {
        let parts_given = self.at.is_some()
            || self.until.is_some()
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
                    until: self.until,
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
pub(super) fn question_rejected(rejection: &JsonRejection, limit: usize) -> ApiError {
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
                Part::Until => "until",
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

/// A body that could not be read: over the limit (without a
/// `Content-Length` that said so at once), or cut off.
pub(super) fn body_error(error: &axum::Error, limit: usize) -> ApiError {
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
