//! Answers as JSON, errors included: `{"error": "…"}` with its status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::RETRY_AFTER_SECS;

/// A request that cannot be answered, answered as `{"error": "…"}`.
pub(super) struct ApiError {
    status: StatusCode,
    message: String,
    /// Seconds, for a 503.
    retry_after: Option<u64>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Every check slot is taken: try again shortly.
    pub(super) fn busy(slots: usize) -> Self {
        ApiError {
            retry_after: Some(RETRY_AFTER_SECS),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("busy: {slots} checks are running; try again shortly"),
            )
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub(super) fn status(&self) -> StatusCode {
        self.status
    }

    pub(super) fn message(&self) -> &str {
        &self.message
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

pub(super) fn error(status: StatusCode, message: &str) -> Response {
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
pub(super) fn json_from(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Response {
    let mut bytes = Vec::new();
    match write(&mut bytes) {
        Ok(()) => json_body(bytes).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
