use std::ops::Deref;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::Error;

/// Documented response headers, read from a response. Missing or malformed headers are `None`:
/// a client should not lose a successful result over a header.
pub trait FromHeaders: Sized {
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
    #[must_use]
    pub fn new(inner: T, status: StatusCode, headers: H, raw_headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
            raw_headers,
        }
    }

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

async fn read<E>(
    response: reqwest::Response,
) -> Result<(StatusCode, HeaderMap, bytes::Bytes), Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::Communication)?;
    Ok((status, headers, body))
}

impl<T: DeserializeOwned, H: FromHeaders> ResponseValue<T, H> {
    /// Decodes a JSON body.
    ///
    /// # Errors
    /// [`Error::Communication`] when the body cannot be read, [`Error::InvalidResponsePayload`]
    /// when it does not decode as `T`.
    pub async fn from_json<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let (status, headers, body) = read(response).await?;
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
    /// Reads a text body.
    ///
    /// # Errors
    /// [`Error::Communication`] when the body cannot be read.
    pub async fn from_text<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let (status, headers, body) = read(response).await?;
        let text = String::from_utf8_lossy(&body).into_owned();
        Ok(Self::new(text, status, H::from_headers(&headers), headers))
    }
}

impl<H: FromHeaders> ResponseValue<Vec<u8>, H> {
    /// Reads a body as bytes.
    ///
    /// # Errors
    /// [`Error::Communication`] when the body cannot be read.
    pub async fn from_bytes<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let (status, headers, body) = read(response).await?;
        Ok(Self::new(
            body.to_vec(),
            status,
            H::from_headers(&headers),
            headers,
        ))
    }
}

impl<H: FromHeaders> ResponseValue<(), H> {
    /// A response whose body, if any, carries nothing documented.
    #[must_use]
    pub fn empty(response: &reqwest::Response) -> Self {
        let headers = response.headers().clone();
        Self::new((), response.status(), H::from_headers(&headers), headers)
    }
}

/// Parses a documented header; `None` when it is absent or does not parse.
#[must_use]
pub fn parse_header<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}
