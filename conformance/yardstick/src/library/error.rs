//! The library API's refusals: `{"error": {"code", "message"}}` as `application/json`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::response;

/// A refusal, before it is written.
#[derive(Debug)]
pub(crate) struct Refusal {
    status: StatusCode,
    /// One of the `Error` schema's codes (for documented statuses).
    code: &'static str,
    message: String,
}

impl Refusal {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        )
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("no {what}"))
    }

    pub(crate) fn response(self) -> Response {
        response::body(
            self.status,
            "application/json",
            &json!({"error": {"code": self.code, "message": self.message}}),
        )
    }
}
