use std::any::Any;
use std::fmt::Debug;
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

    /// The request id the server gave the response (`X-Request-ID`, `Request-Id`,
    /// `X-Correlation-ID`, `X-Amzn-RequestId`, … in any case), for logs and support tickets.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        crate::headers::request_id(&self.raw_headers)
    }

    /// The rate-limit state the response reports (`X-RateLimit-*` or the IETF `RateLimit-*`
    /// headers); `None` when it carries none.
    #[must_use]
    pub fn rate_limit(&self) -> Option<crate::RateLimit> {
        crate::RateLimit::from_headers(&self.raw_headers)
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

impl<T, H> ResponseValue<T, H>
where
    T: Any + Debug + Send + Sync,
    H: Any + Debug + Send + Sync,
{
    /// The same response with its body and typed headers behind [`AnyValue`], so that
    /// responses of every operation fit one type ([`Decoded`](crate::Decoded)).
    pub(crate) fn erased(self) -> ResponseValue<AnyValue, AnyValue> {
        ResponseValue {
            inner: AnyValue::new(self.inner),
            status: self.status,
            headers: AnyValue::new(self.headers),
            raw_headers: self.raw_headers,
        }
    }
}

impl ResponseValue<AnyValue, AnyValue> {
    /// The typed response back, when the body is a `T` and the typed headers an `H` (the
    /// `ResponseValue<T, H>` the operation's method returns); the response unchanged otherwise.
    ///
    /// # Errors
    /// `self`, unchanged, when the body is not a `T` or the headers are not an `H`.
    // Handing the response back whole is the point, as with `Box<dyn Any>::downcast`.
    #[allow(clippy::result_large_err)]
    pub fn downcast<T, H>(self) -> Result<ResponseValue<T, H>, Self>
    where
        T: Any + Debug + Send + Sync,
        H: Any + Debug + Send + Sync,
    {
        if !(self.inner.is::<T>() && self.headers.is::<H>()) {
            return Err(self);
        }
        let Self {
            inner,
            status,
            headers,
            raw_headers,
        } = self;
        let inner = match inner.downcast::<T>() {
            Ok(inner) => inner,
            Err(inner) => return Err(Self::new(inner, status, headers, raw_headers)),
        };
        match headers.downcast::<H>() {
            Ok(headers) => Ok(ResponseValue::new(inner, status, headers, raw_headers)),
            Err(headers) => Err(Self::new(
                AnyValue::new(inner),
                status,
                headers,
                raw_headers,
            )),
        }
    }
}

/// A value whose type only the generated client names (a response body, typed response
/// headers), so that one type can hold the responses of every operation. Its `Debug` output is
/// the value's own; [`downcast_ref`](Self::downcast_ref) and [`downcast`](Self::downcast) get the
/// typed value back.
pub struct AnyValue {
    value: Box<dyn Any + Send + Sync>,
    debug: fn(&(dyn Any + Send + Sync), &mut std::fmt::Formatter<'_>) -> std::fmt::Result,
    type_name: &'static str,
}

impl AnyValue {
    /// `value`, type-erased.
    #[must_use]
    pub fn new<T: Any + Debug + Send + Sync>(value: T) -> Self {
        Self {
            value: Box::new(value),
            debug: debug_as::<T>,
            type_name: std::any::type_name::<T>(),
        }
    }

    /// Whether the value is a `T`.
    #[must_use]
    pub fn is<T: Any>(&self) -> bool {
        self.value.is::<T>()
    }

    /// The value, when it is a `T`.
    #[must_use]
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }

    /// The value, when it is a `T`.
    ///
    /// # Errors
    /// `self`, unchanged, when the value is not a `T`.
    pub fn downcast<T: Any>(self) -> Result<T, Self> {
        let Self {
            value,
            debug,
            type_name,
        } = self;
        match value.downcast::<T>() {
            Ok(value) => Ok(*value),
            Err(value) => Err(Self {
                value,
                debug,
                type_name,
            }),
        }
    }

    /// The name of the value's type, as [`std::any::type_name`] gives it (for messages).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl Debug for AnyValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.debug)(self.value.as_ref(), f)
    }
}

fn debug_as<T: Any + Debug>(
    value: &(dyn Any + Send + Sync),
    f: &mut std::fmt::Formatter<'_>,
) -> std::fmt::Result {
    match value.downcast_ref::<T>() {
        Some(value) => value.fmt(f),
        None => f.write_str(std::any::type_name::<T>()),
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
///
/// A generated client decodes one with the same code its methods use: `responses::<operation>`
/// for one operation, `decode_response` by operation id. Build one with [`RawResponse::new`] to
/// decode a response received elsewhere (recorded, seen by a proxy, sent by a test).
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl RawResponse {
    /// A response from its parts, as received: `status`, every header, and the whole body
    /// (still encoded as the server sent it: JSON text, plain text or bytes).
    ///
    /// ```
    /// use callspec_runtime::reqwest::{header, StatusCode};
    /// use callspec_runtime::RawResponse;
    ///
    /// let mut headers = header::HeaderMap::new();
    /// headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    /// let response = RawResponse::new(StatusCode::NOT_FOUND, headers, r#"{"error":"gone"}"#);
    /// assert_eq!(response.status(), StatusCode::NOT_FOUND);
    /// assert_eq!(&response.body()[..], br#"{"error":"gone"}"#);
    /// ```
    #[must_use]
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<bytes::Bytes>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

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

    /// The request id the server gave the response (see [`ResponseValue::request_id`]).
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        crate::headers::request_id(&self.headers)
    }

    /// The rate-limit state the response reports (see [`ResponseValue::rate_limit`]).
    #[must_use]
    pub fn rate_limit(&self) -> Option<crate::RateLimit> {
        crate::RateLimit::from_headers(&self.headers)
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
