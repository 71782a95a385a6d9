//! What the mock answers: a status, headers and an optional body, built by the generic parts and
//! the domain behaviours alike, and turned into an HTTP response at the very end.

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Option<ReplyBody>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplyBody {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    #[must_use]
    pub fn empty(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: None,
        }
    }

    #[must_use]
    pub fn json(status: u16, value: &Value) -> Self {
        Self::empty(status).with_body("application/json", value.to_string().into_bytes())
    }

    #[must_use]
    pub fn with_body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.body = Some(ReplyBody {
            content_type: content_type.to_owned(),
            bytes,
        });
        self
    }

    /// Sets a header; a name or value that HTTP cannot carry is skipped (the values here come
    /// from the spec's examples or from numbers).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.set_header(name, value);
        self
    }

    pub fn set_header(&mut self, name: &str, value: impl AsRef<str>) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name),
            HeaderValue::try_from(value.as_ref()),
        ) {
            self.headers.insert(name, value);
        }
    }

    /// The body as JSON, when it is JSON.
    #[must_use]
    pub fn json_body(&self) -> Option<Value> {
        let body = self.body.as_ref()?;
        serde_json::from_slice(&body.bytes).ok()
    }

    pub fn into_response(self, head_only: bool) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        if let Some(body) = self.body {
            if let Ok(value) = HeaderValue::try_from(body.content_type) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            if !head_only {
                *response.body_mut() = Body::from(body.bytes);
            }
        }
        response
    }
}
