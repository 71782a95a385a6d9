use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::{RawResponse, ResponseValue};

/// Why an operation did not return its success value. `E` is the operation's documented error
/// body, `EH` the typed headers its error responses document (`()` when they document none).
///
/// New kinds of failure may be added, so a `match` needs a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = (), EH = ()> {
    /// The request could not be built (a body that does not serialize, a bad header value).
    InvalidRequest(String),
    /// The server could not be reached, or the connection failed before a response arrived.
    Communication(reqwest::Error),
    /// The server answered with a documented error status; the body decoded as documented, and
    /// the documented headers are typed (`headers()`).
    ErrorResponse(ResponseValue<E, EH>),
    /// The server answered with a status the spec does not document for this operation.
    UnexpectedResponse {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    /// The server answered with a documented status, but the body did not decode.
    InvalidResponsePayload {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        error: serde_json::Error,
    },
}

impl<E, EH> Error<E, EH> {
    /// The status of the response, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::Communication(error) => error.status(),
            Error::ErrorResponse(response) => Some(response.status()),
            Error::UnexpectedResponse { status, .. }
            | Error::InvalidResponsePayload { status, .. } => Some(*status),
        }
    }

    /// The headers of the response, when there was one.
    #[must_use]
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::InvalidRequest(_) | Error::Communication(_) => None,
            Error::ErrorResponse(response) => Some(response.raw_headers()),
            Error::UnexpectedResponse { headers, .. }
            | Error::InvalidResponsePayload { headers, .. } => Some(headers),
        }
    }

    /// The raw body of a response that could not be given a type.
    #[must_use]
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::UnexpectedResponse { body, .. } | Error::InvalidResponsePayload { body, .. } => {
                Some(body)
            }
            _ => None,
        }
    }

    /// An undocumented response, kept whole.
    #[must_use]
    pub fn unexpected(response: RawResponse) -> Self {
        let (status, headers, body) = response.into_parts();
        Error::UnexpectedResponse {
            status,
            headers,
            body,
        }
    }
}

impl<E: fmt::Debug, EH> fmt::Display for Error<E, EH> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Communication(error) => write!(f, "communication error: {error}"),
            Error::ErrorResponse(response) => {
                write!(
                    f,
                    "error response {}: {:?}",
                    response.status(),
                    response.as_ref()
                )
            }
            Error::UnexpectedResponse { status, body, .. } => {
                write!(
                    f,
                    "unexpected response {status}: {}",
                    String::from_utf8_lossy(body)
                )
            }
            Error::InvalidResponsePayload { status, error, .. } => {
                write!(f, "response {status} did not decode: {error}")
            }
        }
    }
}

impl<E: fmt::Debug, EH: fmt::Debug> std::error::Error for Error<E, EH> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Communication(error) => Some(error),
            Error::InvalidResponsePayload { error, .. } => Some(error),
            _ => None,
        }
    }
}
