//! Request bodies: each media type's encoding, with failures reported as
//! [`Error::InvalidRequest`] before anything is sent.

use reqwest::multipart::{Form, Part};
use reqwest::RequestBuilder;
use serde::Serialize;
use serde_json::Value;

use crate::encoding::{form_urlencoded, QueryStyle};
use crate::Error;

fn invalid<E, EH>(error: impl std::fmt::Display) -> Error<E, EH> {
    Error::InvalidRequest(error.to_string())
}

/// A JSON body of type `media_type` (`application/json`, `application/vnd.api+json`…).
///
/// # Errors
/// [`Error::InvalidRequest`] when `body` does not serialize.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn json_body<E, EH>(
    request: RequestBuilder,
    media_type: &str,
    body: &impl Serialize,
) -> Result<RequestBuilder, Error<E, EH>> {
    let bytes = serde_json::to_vec(body).map_err(invalid)?;
    Ok(request
        .header(reqwest::header::CONTENT_TYPE, media_type)
        .body(bytes))
}

/// A form body (`application/x-www-form-urlencoded`), each property encoded as `encoding` says
/// (see [`form_urlencoded`]).
///
/// # Errors
/// [`Error::InvalidRequest`] when `body` does not serialize.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn form_body<E, EH>(
    request: RequestBuilder,
    body: &impl Serialize,
    encoding: &[(&str, QueryStyle, bool)],
) -> Result<RequestBuilder, Error<E, EH>> {
    let text = form_urlencoded(body, encoding).map_err(invalid)?;
    Ok(request
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(text))
}

/// The text of a multipart field: strings (enums, identifiers, dates…) as they are, numbers and
/// booleans as JSON writes them, objects and arrays as JSON.
///
/// # Errors
/// [`Error::InvalidRequest`] when `value` does not serialize.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn part_text<E, EH>(value: &impl Serialize) -> Result<String, Error<E, EH>> {
    Ok(match serde_json::to_value(value).map_err(invalid)? {
        Value::String(text) => text,
        other => other.to_string(),
    })
}

/// A multipart field of type `content_type` (the spec's `encoding.contentType`), its text as
/// [`part_text`] makes it.
///
/// # Errors
/// [`Error::InvalidRequest`] when `value` does not serialize or `content_type` is no media type.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn text_part<E, EH>(value: &impl Serialize, content_type: &str) -> Result<Part, Error<E, EH>> {
    Part::text(part_text::<E, EH>(value)?)
        .mime_str(content_type)
        .map_err(invalid)
}

/// A file part: `bytes` named `file_name`, of type `content_type` (the spec's
/// `encoding.contentType`, else `application/octet-stream`). Servers commonly take a part
/// without a file name for a plain field, so one is always given.
///
/// # Errors
/// [`Error::InvalidRequest`] when `content_type` is no media type.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn file_part<E, EH>(
    bytes: Vec<u8>,
    file_name: &str,
    content_type: &str,
) -> Result<Part, Error<E, EH>> {
    Part::bytes(bytes)
        .file_name(file_name.to_owned())
        .mime_str(content_type)
        .map_err(invalid)
}

/// A multipart body with one text part per top-level property of `body`'s JSON form (see
/// [`part_text`]), for multipart bodies whose schema names no properties.
///
/// # Errors
/// [`Error::InvalidRequest`] when `body` does not serialize.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn json_form<E, EH>(body: &impl Serialize) -> Result<Form, Error<E, EH>> {
    let mut form = Form::new();
    if let Value::Object(map) = serde_json::to_value(body).map_err(invalid)? {
        for (name, value) in map {
            if !value.is_null() {
                let text = part_text::<E, EH>(&value)?;
                form = form.text(name, text);
            }
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "kebab-case")]
    enum Purpose {
        FineTune,
    }

    #[test]
    fn string_like_values_are_sent_as_plain_text() {
        let text = |value: &dyn erased::Value| value.text();
        assert_eq!(text(&Purpose::FineTune), "fine-tune");
        assert_eq!(text(&"plain"), "plain");
        assert_eq!(text(&42), "42");
        assert_eq!(text(&true), "true");
        assert_eq!(text(&json!({"a": [1]})), r#"{"a":[1]}"#);
        assert_eq!(text(&json!(["x", "y"])), r#"["x","y"]"#);
    }

    /// Lets the test list values of different types.
    mod erased {
        pub trait Value {
            fn text(&self) -> String;
        }
        impl<T: serde::Serialize> Value for T {
            fn text(&self) -> String {
                super::part_text::<(), ()>(self).unwrap()
            }
        }
    }

    /// What a request puts on the wire, read by a one-shot local server.
    async fn sent(request: RequestBuilder) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut received = Vec::new();
            let mut buffer = [0u8; 4096];
            // The multipart body ends with its closing boundary and a line break.
            while !String::from_utf8_lossy(&received).ends_with("--\r\n") {
                let n = stream.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buffer[..n]);
            }
            let answer = "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n";
            stream.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&received).into_owned()
        });
        let mut request = request.build().unwrap();
        *request.url_mut() = url.parse().unwrap();
        reqwest::Client::new().execute(request).await.unwrap();
        server.await.unwrap()
    }

    #[tokio::test]
    async fn file_parts_carry_a_file_name_and_their_content_type() {
        let form = Form::new()
            .part(
                "file",
                file_part::<(), ()>(b"PNG".to_vec(), "file", "image/png").unwrap(),
            )
            .part(
                "meta",
                text_part::<(), ()>(&json!({"k": 1}), "application/json").unwrap(),
            );
        let body = sent(reqwest::Client::new().post("http://x/").multipart(form)).await;
        assert!(
            body.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\nPNG"),
            "{body}"
        );
        assert!(
            body.contains("name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}"),
            "{body}"
        );
        assert!(file_part::<(), ()>(Vec::new(), "f", "not a type").is_err());
    }

    #[test]
    fn json_errors_are_invalid_requests() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let request = reqwest::Client::new().post("http://localhost/");
        let Err(error) = json_body::<(), ()>(request, "application/json", &map) else {
            panic!("a map with non-string keys has no JSON form");
        };
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }
}
