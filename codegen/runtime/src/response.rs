use std::ops::Deref;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;

/// Documented response headers, read from a response. Missing or malformed headers are `None`:
/// a client should not lose a successful result over a header.
pub trait FromHeaders: Sized {
    /// Reads the documented headers out of `headers`; never fails.
    fn from_headers(headers: &HeaderMap) -> Self;
}

impl FromHeaders for () {
    fn from_headers(_: &HeaderMap) -> Self {}
}

/// A decoded response: the body `T`, the status, the typed documented headers `H`, and every
/// header as received.
#[derive(Debug, Clone)]
pub struct ResponseValue<T, H = ()> {
    inner: T,
    status: StatusCode,
    headers: H,
    raw_headers: HeaderMap,
}

impl<T, H> ResponseValue<T, H> {
    /// A response from its parts; generated code builds them with `from_json` and its siblings.
    #[must_use]
    pub fn new(inner: T, status: StatusCode, headers: H, raw_headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
            raw_headers,
        }
    }

    /// The status the server answered with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers the spec documents for this response, typed.
    #[must_use]
    pub fn headers(&self) -> &H {
        &self.headers
    }

    /// Every header of the response.
    #[must_use]
    pub fn raw_headers(&self) -> &HeaderMap {
        &self.raw_headers
    }

    /// The body, without status and headers.
    #[must_use]
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The same response with its body transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U, H> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
            raw_headers: self.raw_headers,
        }
    }
}

impl<T, H> AsRef<T> for ResponseValue<T, H> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

impl<T, H> Deref for ResponseValue<T, H> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

/// A response read whole: status, headers and body. Reading first and decoding after keeps each
/// generated method down to two awaits, which keeps its future small and quick to compile.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl RawResponse {
    /// Reads the whole body of `response`.
    ///
    /// # Errors
    /// When the body cannot be read (the connection failed midway).
    pub async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Self {
            status,
            headers,
            body,
        })
    }

    /// The status the server answered with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header of the response.
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The whole body, not decoded.
    #[must_use]
    pub fn body(&self) -> &bytes::Bytes {
        &self.body
    }

    pub(crate) fn into_parts(self) -> (StatusCode, HeaderMap, bytes::Bytes) {
        (self.status, self.headers, self.body)
    }
}

impl<T: DeserializeOwned, H: FromHeaders> ResponseValue<T, H> {
    /// Decodes a JSON body.
    ///
    /// # Errors
    /// [`Error::InvalidResponsePayload`] when the body does not decode as `T`.
    // The error is what every operation returns; boxing it here would not make that smaller.
    #[allow(clippy::result_large_err)]
    pub fn from_json<E, EH>(response: RawResponse) -> Result<Self, Error<E, EH>> {
        let (status, headers, body) = response.into_parts();
        match serde_json::from_slice(&body) {
            Ok(inner) => Ok(Self::new(inner, status, H::from_headers(&headers), headers)),
            Err(error) => Err(Error::InvalidResponsePayload {
                status,
                headers,
                body,
                error,
            }),
        }
    }
}

impl<H: FromHeaders> ResponseValue<String, H> {
    /// A text body (invalid UTF-8 replaced).
    #[must_use]
    pub fn from_text(response: RawResponse) -> Self {
        let (status, headers, body) = response.into_parts();
        let text = String::from_utf8_lossy(&body).into_owned();
        Self::new(text, status, H::from_headers(&headers), headers)
    }
}

impl<H: FromHeaders> ResponseValue<Vec<u8>, H> {
    /// The body as bytes.
    #[must_use]
    pub fn from_bytes(response: RawResponse) -> Self {
        let (status, headers, body) = response.into_parts();
        Self::new(body.to_vec(), status, H::from_headers(&headers), headers)
    }
}

impl<H: FromHeaders> ResponseValue<(), H> {
    /// A response whose body, if any, carries nothing documented.
    #[must_use]
    pub fn empty(response: RawResponse) -> Self {
        let (status, headers, _) = response.into_parts();
        Self::new((), status, H::from_headers(&headers), headers)
    }
}

/// Parses a documented header; `None` when it is absent or does not parse.
#[must_use]
pub fn parse_header<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}
