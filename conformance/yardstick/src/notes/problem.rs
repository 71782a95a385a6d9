//! The notes API's refusals: problem details (RFC 9457) as `application/problem+json`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::fault::{Fault, Faults};
use crate::response;

/// A refusal with status `status`; `kind` names its problem type.
pub(crate) fn problem(
    faults: &Faults,
    status: StatusCode,
    kind: &str,
    detail: impl Into<String>,
) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let media_type = if faults.has(Fault::NoteProblemAsJson) {
        "application/json"
    } else {
        "application/problem+json"
    };
    response::body(
        status,
        media_type,
        &json!({
            "type": format!("https://notes.example/problems/{kind}"),
            "title": title,
            "status": status.as_u16(),
            "detail": detail.into(),
        }),
    )
}

pub(crate) fn unauthorized(faults: &Faults) -> Response {
    problem(
        faults,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "send a tenant's API key in X-Api-Key",
    )
}

pub(crate) fn not_found(faults: &Faults, id: &str) -> Response {
    problem(
        faults,
        StatusCode::NOT_FOUND,
        "not-found",
        format!("no note {id}"),
    )
}

pub(crate) fn bad_request(faults: &Faults, detail: impl Into<String>) -> Response {
    problem(faults, StatusCode::BAD_REQUEST, "bad-request", detail)
}

pub(crate) fn unsupported_media_type(faults: &Faults, accepted: &str) -> Response {
    problem(
        faults,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        format!("send the body as {accepted}"),
    )
}

pub(crate) fn unprocessable(faults: &Faults, detail: impl Into<String>) -> Response {
    problem(
        faults,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-note",
        detail,
    )
}
