//! An HTTP request and an HTTP response as bytes on the wire, whole: what the suite sends and
//! receives, and what the mock answers. Both sides of an exchange use the same two types, so a
//! response the mock built and one the suite read are read by the same code.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use codegen::api::MediaKind;
use serde_json::Value;

/// A request, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent (percent-encoded), relative to the base URL.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    #[must_use]
    pub fn new(method: &str, path: impl Into<String>) -> Self {
        Self {
            method: method.to_owned(),
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A request as an HTTP client built it: its path and query relative to the host, its
    /// headers as they will be sent, its body when it is in memory.
    #[must_use]
    pub fn from_built(request: &reqwest::Request) -> Self {
        let url = request.url();
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        Self {
            method: request.method().as_str().to_owned(),
            path,
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body: request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(<[u8]>::to_vec),
        }
    }

    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    #[must_use]
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    #[must_use]
    pub fn json(self, value: &Value) -> Self {
        self.body("application/json", value.to_string().into_bytes())
    }

    #[must_use]
    pub fn body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.headers
            .push(("Content-Type".into(), content_type.to_owned()));
        self.body = Some(bytes);
        self
    }

    /// The value of header `name` (any case).
    #[must_use]
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response, whole (the suite reads it up to its size limit).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// A response without body.
    #[must_use]
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }

    #[must_use]
    pub fn json(status: u16, value: &Value) -> Self {
        Self::empty(status).with_body("application/json", value.to_string().into_bytes())
    }

    /// This response with `bytes` as its body, of type `content_type`.
    #[must_use]
    pub fn with_body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.set_header(CONTENT_TYPE.as_str(), content_type);
        self.body = bytes;
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

    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON, when it is JSON.
    #[must_use]
    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text, shortened for a report.
    #[must_use]
    pub fn body_excerpt(&self, limit: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        if text.chars().count() <= limit {
            text.into_owned()
        } else {
            let cut: String = text.chars().take(limit).collect();
            format!("{cut}… ({} bytes)", self.body.len())
        }
    }

    /// The response for axum to send; without its body for a `HEAD` request.
    #[must_use]
    pub fn into_axum(self, head_only: bool) -> axum::response::Response {
        let mut response = axum::response::Response::new(axum::body::Body::empty());
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let streaming = self
            .header(CONTENT_TYPE.as_str())
            .map(MediaKind::of)
            .is_some_and(|kind| matches!(kind, MediaKind::EventStream | MediaKind::JsonLines));
        *response.headers_mut() = self.headers;
        if head_only {
            return response;
        }
        *response.body_mut() = if streaming {
            // Record by record, as a server that produces them one at a time sends them: a
            // client that reads the body whole and one that reads it as it arrives both see it.
            let chunks = records(self.body).map(Ok::<_, std::convert::Infallible>);
            axum::body::Body::from_stream(futures_util::stream::iter(chunks))
        } else {
            axum::body::Body::from(self.body)
        };
        response
    }
}

/// A stream's body cut after each line break: each JSON line, and each line of an event.
fn records(body: Vec<u8>) -> impl Iterator<Item = Vec<u8>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for (index, byte) in body.iter().enumerate() {
        if *byte == b'\n' {
            chunks.push(body[start..=index].to_vec());
            start = index + 1;
        }
    }
    if start < body.len() {
        chunks.push(body[start..].to_vec());
    }
    chunks.into_iter()
}
