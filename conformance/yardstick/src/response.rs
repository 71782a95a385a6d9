//! Building an answer: a status, a body of a media type, and headers, without a framework
//! default slipping in (no `Content-Type` the handler did not choose).

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

/// `value` as the body, sent as `media_type`.
pub(crate) fn body(status: StatusCode, media_type: &str, value: &Value) -> Response {
    text(status, media_type, value.to_string())
}

/// `text` as the body, sent as `media_type`.
pub(crate) fn text(status: StatusCode, media_type: &str, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    set(&mut response, CONTENT_TYPE.as_str(), media_type);
    response
}

/// No body at all (204, 304).
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// Sets header `name` (replacing it); a value that is not header text is left out.
pub(crate) fn set(response: &mut Response, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        response.headers_mut().insert(name, value);
    }
}
