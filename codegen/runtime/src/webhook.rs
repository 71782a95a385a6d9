//! Receiving the requests an API sends (OpenAPI callbacks): what a generated `webhooks` module's
//! `parse_…` functions share. They check a delivery's content type, decode its documented
//! headers and its body, and say precisely what was wrong when something was.
//!
//! Parsing is not authentication: unless the spec documents a signature, anyone who can reach
//! the receiving endpoint can send a delivery that parses.

use std::fmt;
use std::str::FromStr;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::media_type::{content_type, essence};

/// A delivery, decoded: its body `T` and its documented headers `H`.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook<T, H = ()> {
    /// The body, typed by its schema.
    pub payload: T,
    /// The documented headers (request parameters `in: header`), typed by their schemas.
    pub headers: H,
}

/// Why a delivery does not read as the spec documents it. The message names the header, or
/// the place in the body (a JSON-pointer-like path), that is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Content-Type` is absent or not one the callback documents.
    ContentType {
        /// The media types the spec documents for the body.
        expected: Vec<&'static str>,
        /// What the request said, if anything.
        found: Option<String>,
    },
    /// A header the spec marks as required is absent.
    MissingHeader {
        /// The header's name, as the spec writes it.
        name: &'static str,
    },
    /// A header is present but does not parse as its schema says.
    InvalidHeader {
        name: &'static str,
        value: String,
        reason: String,
    },
    /// The spec requires a body and there is none.
    MissingBody,
    /// The body does not decode as the documented schema.
    InvalidBody {
        /// Where in the body decoding failed (`.` for the whole body, `status`,
        /// `results.summary`, `items[2]`).
        path: String,
        /// serde's message, with its line and column.
        message: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ContentType { expected, found } => {
                let expected = expected.join(" or ");
                match found {
                    Some(found) => {
                        write!(f, "content type `{found}` is not the documented {expected}")
                    }
                    None => write!(f, "no content type; the spec documents {expected}"),
                }
            }
            Self::MissingHeader { name } => write!(f, "required header `{name}` is missing"),
            Self::InvalidHeader {
                name,
                value,
                reason,
            } => write!(f, "header `{name}` ({value:?}) is invalid: {reason}"),
            Self::MissingBody => f.write_str("the body is empty; the spec requires one"),
            Self::InvalidBody { path, message } => {
                write!(f, "the body does not decode at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// Checks that the delivery's `Content-Type` is one of `expected` (compared without
/// parameters and case). An empty `expected` accepts anything.
///
/// # Errors
/// [`WebhookError::ContentType`] otherwise.
pub fn check_content_type(
    headers: &HeaderMap,
    expected: &[&'static str],
) -> Result<(), WebhookError> {
    if expected.is_empty() {
        return Ok(());
    }
    let found = content_type(headers);
    let matches = found.as_deref().is_some_and(|found| {
        let found = essence(found);
        expected.iter().any(|wanted| essence(wanted) == found)
    });
    if matches {
        Ok(())
    } else {
        Err(WebhookError::ContentType {
            expected: expected.to_vec(),
            found,
        })
    }
}

/// A header's text, if present (surrounding whitespace trimmed).
fn header_text(headers: &HeaderMap, name: &'static str) -> Result<Option<String>, WebhookError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(text) => Ok(Some(text.trim().to_owned())),
        Err(_) => Err(WebhookError::InvalidHeader {
            name,
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            reason: "not visible ASCII".to_owned(),
        }),
    }
}

/// A documented header that may be absent: `None` then, its value typed otherwise.
///
/// # Errors
/// [`WebhookError::InvalidHeader`] when it is present and does not parse.
pub fn optional_header<T>(
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<T>, WebhookError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let Some(text) = header_text(headers, name)? else {
        return Ok(None);
    };
    match text.parse() {
        Ok(value) => Ok(Some(value)),
        Err(error) => Err(WebhookError::InvalidHeader {
            name,
            value: text,
            reason: error.to_string(),
        }),
    }
}

/// A required header, typed.
///
/// # Errors
/// [`WebhookError::MissingHeader`] when it is absent, [`WebhookError::InvalidHeader`] when it
/// does not parse.
pub fn required_header<T>(headers: &HeaderMap, name: &'static str) -> Result<T, WebhookError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    optional_header(headers, name)?.ok_or(WebhookError::MissingHeader { name })
}

/// A JSON body, decoded as `T`.
///
/// # Errors
/// [`WebhookError::MissingBody`] for an empty body (when `T` is not an `Option`: an optional
/// body may be absent), [`WebhookError::InvalidBody`] with the path of the first value that
/// does not decode.
pub fn json_payload<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebhookError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice::<T>(b"null").map_err(|_| WebhookError::MissingBody);
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| WebhookError::InvalidBody {
        path: error.path().to_string(),
        message: error.inner().to_string(),
    })
}

/// A text body (`text/*`).
///
/// # Errors
/// [`WebhookError::InvalidBody`] when it is not UTF-8.
pub fn text_payload(body: &[u8]) -> Result<String, WebhookError> {
    String::from_utf8(body.to_vec()).map_err(|error| WebhookError::InvalidBody {
        path: ".".to_owned(),
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    #[test]
    fn content_type_is_compared_without_parameters_or_case() {
        let ok = headers(&[("content-type", "Application/JSON; charset=utf-8")]);
        assert_eq!(check_content_type(&ok, &["application/json"]), Ok(()));
        let wrong = headers(&[("content-type", "text/plain")]);
        assert_eq!(
            check_content_type(&wrong, &["application/json"])
                .expect_err("refused")
                .to_string(),
            "content type `text/plain` is not the documented application/json"
        );
        assert_eq!(
            check_content_type(&HeaderMap::new(), &["application/json"]),
            Err(WebhookError::ContentType {
                expected: vec!["application/json"],
                found: None
            })
        );
        let mut map = HeaderMap::new();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("anything/at-all"));
        assert_eq!(check_content_type(&map, &[]), Ok(()));
    }

    #[test]
    fn headers_are_typed_and_their_failures_named() {
        let map = headers(&[("x-attempt", " 3 "), ("x-bad", "three")]);
        assert_eq!(required_header::<i32>(&map, "X-Attempt"), Ok(3));
        assert_eq!(
            required_header::<i32>(&map, "X-Missing"),
            Err(WebhookError::MissingHeader { name: "X-Missing" })
        );
        assert_eq!(optional_header::<i32>(&map, "X-Missing"), Ok(None));
        assert_eq!(
            optional_header::<i32>(&map, "X-Bad"),
            Err(WebhookError::InvalidHeader {
                name: "X-Bad",
                value: "three".to_owned(),
                reason: "invalid digit found in string".to_owned()
            })
        );
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[allow(dead_code)]
    struct Payload {
        id: String,
        items: Vec<Item>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    #[test]
    fn a_body_that_does_not_decode_says_where() {
        let error =
            json_payload::<Payload>(br#"{"id": "a", "items": [{"count": 1}, {"count": "x"}]}"#)
                .expect_err("refused");
        let WebhookError::InvalidBody { path, message } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(path, "items[1].count");
        assert!(
            message.starts_with("invalid type: string \"x\""),
            "{message}"
        );
        assert_eq!(
            json_payload::<Payload>(b" "),
            Err(WebhookError::MissingBody)
        );
        assert_eq!(
            json_payload::<Option<Payload>>(b"").map(|p| p.is_none()),
            Ok(true)
        );
        assert!(text_payload(&[0xff]).is_err());
    }
}
