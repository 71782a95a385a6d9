use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::headers::{request_id, RateLimit};
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
    /// A streaming method (`…_events`, `…_items`, `…_bytes`) got an answer that is not the
    /// stream it reads: a success in another media type (an API that streams only when the
    /// request asks for it answered with one JSON document, say), or a status the operation
    /// documents as a success but that carries no such stream. The body was read whole.
    UnexpectedContentType {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        /// The media types the method reads.
        expected: &'static [&'static str],
    },
    /// No status and headers arrived within the transport's timeout. Only streaming methods
    /// time out so, since their timeout ends when the stream begins; the others report the
    /// timeout of the whole exchange as [`Error::Communication`]. `is_timeout()` holds for both.
    TimedOut(std::time::Duration),
}

impl<E, EH> Error<E, EH> {
    /// The status of the response, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidRequest(_) | Error::TimedOut(_) => None,
            Error::Communication(error) => error.status(),
            Error::ErrorResponse(response) => Some(response.status()),
            Error::UnexpectedResponse { status, .. }
            | Error::InvalidResponsePayload { status, .. }
            | Error::UnexpectedContentType { status, .. } => Some(*status),
        }
    }

    /// The headers of the response, when there was one.
    #[must_use]
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::InvalidRequest(_) | Error::Communication(_) | Error::TimedOut(_) => None,
            Error::ErrorResponse(response) => Some(response.raw_headers()),
            Error::UnexpectedResponse { headers, .. }
            | Error::InvalidResponsePayload { headers, .. }
            | Error::UnexpectedContentType { headers, .. } => Some(headers),
        }
    }

    /// The request id the server gave the response (`X-Request-ID`, `Request-Id`,
    /// `X-Correlation-ID`, `X-Amzn-RequestId`, … in any case), for logs and support tickets;
    /// `None` without a response or such a header.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        request_id(self.headers()?)
    }

    /// The rate-limit state the response reports (`X-RateLimit-*` or the IETF `RateLimit-*`
    /// headers); `None` without a response or such headers.
    #[must_use]
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(self.headers()?)
    }

    /// Whether the request timed out (the client's or the request's timeout).
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Communication(error) => error.is_timeout(),
            Error::TimedOut(_) => true,
            _ => false,
        }
    }

    /// The raw body of a response that could not be given a type.
    #[must_use]
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::UnexpectedResponse { body, .. }
            | Error::InvalidResponsePayload { body, .. }
            | Error::UnexpectedContentType { body, .. } => Some(body),
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

/// A failure to send or to read a response: what a generated method's `?` makes of the
/// runtime's send path.
impl<E, EH> From<reqwest::Error> for Error<E, EH> {
    fn from(error: reqwest::Error) -> Self {
        Error::Communication(error)
    }
}

/// The message, then the request id when the response had one: `… (request id req_123)`.
impl<E: fmt::Debug, EH> fmt::Display for Error<E, EH> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_message(f)?;
        match self.request_id() {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

impl<E: fmt::Debug, EH> Error<E, EH> {
    fn fmt_message(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            Error::UnexpectedContentType {
                status,
                headers,
                expected,
                ..
            } => {
                let expected = expected.join(" or ");
                match crate::media_type::content_type(headers) {
                    Some(found) => write!(
                        f,
                        "response {status} is `{found}`, not the {expected} this method streams"
                    ),
                    None => write!(
                        f,
                        "response {status} has no content type; this method streams {expected}"
                    ),
                }
            }
            Error::TimedOut(after) => {
                write!(f, "no response within {after:?}")
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

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_request_id_and_rate_limit_come_with_the_error_and_its_message() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req_42"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        let error: Error = Error::unexpected(RawResponse::new(
            StatusCode::BAD_GATEWAY,
            headers.clone(),
            "upstream down",
        ));
        assert_eq!(error.request_id(), Some("req_42"));
        assert_eq!(
            error.rate_limit().and_then(|limit| limit.remaining),
            Some(0)
        );
        assert_eq!(
            error.to_string(),
            "unexpected response 502 Bad Gateway: upstream down (request id req_42)"
        );
        let documented: Error<&str> =
            Error::ErrorResponse(ResponseValue::new("gone", StatusCode::GONE, (), headers));
        assert!(documented.to_string().ends_with("(request id req_42)"));
        let without: Error = Error::InvalidRequest("bad header".into());
        assert_eq!(without.request_id(), None);
        assert_eq!(without.to_string(), "invalid request: bad header");
        assert!(!without.is_timeout());
    }
}
