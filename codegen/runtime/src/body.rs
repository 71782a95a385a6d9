//! Request bodies: each media type's encoding, with failures reported as
//! [`Error::InvalidRequest`] before anything is sent.

use std::borrow::Cow;

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
fn part_text(value: &impl Serialize) -> Result<String, serde_json::Error> {
    Ok(match serde_json::to_value(value)? {
        Value::String(text) => text,
        other => other.to_string(),
    })
}

/// A multipart body built part by part, as a generated method builds it. A part that cannot be
/// made (a value that does not serialize, a content type that is no media type) is remembered,
/// later parts are skipped, and [`attach`](Self::attach) gives that first error instead of a
/// request.
#[derive(Debug, Default)]
pub struct MultipartBody {
    form: Form,
    error: Option<String>,
}

impl MultipartBody {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A file part: `bytes` named `name` (also its file name, since servers commonly take a
    /// part without one for a plain field), of type `content_type` (the spec's
    /// `encoding.contentType`, else `application/octet-stream`).
    pub fn file(&mut self, name: impl Into<Cow<'static, str>>, bytes: Vec<u8>, content_type: &str) {
        let name = name.into();
        let part = Part::bytes(bytes)
            .file_name(name.clone())
            .mime_str(content_type);
        self.add(name, part.map_err(|error| error.to_string()));
    }

    /// A field of `value`'s text (strings as they are, numbers and booleans as JSON writes them,
    /// objects and arrays as JSON), of type `content_type` when the spec sets one.
    pub fn field(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: &impl Serialize,
        content_type: Option<&str>,
    ) {
        let part = part_text(value)
            .map_err(|error| error.to_string())
            .and_then(|text| match content_type {
                Some(content_type) => Part::text(text)
                    .mime_str(content_type)
                    .map_err(|error| error.to_string()),
                None => Ok(Part::text(text)),
            });
        self.add(name.into(), part);
    }

    fn add(&mut self, name: Cow<'static, str>, part: Result<Part, String>) {
        if self.error.is_some() {
            return;
        }
        match part {
            Ok(part) => self.form = std::mem::take(&mut self.form).part(name, part),
            Err(error) => self.error = Some(format!("multipart part `{name}`: {error}")),
        }
    }

    /// The form the parts make, or the error of the first part that could not be made.
    ///
    /// # Errors
    /// The message naming that part.
    pub fn into_form(self) -> Result<Form, String> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.form),
        }
    }

    /// `request` with this body.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] naming the first part that could not be made.
    #[allow(clippy::result_large_err)] // the error every operation returns
    pub fn attach<E, EH>(self, request: RequestBuilder) -> Result<RequestBuilder, Error<E, EH>> {
        match self.error {
            Some(error) => Err(Error::InvalidRequest(error)),
            None => Ok(request.multipart(self.form)),
        }
    }
}

/// A multipart body with one text part per top-level property of `body`'s JSON form (see
/// [`MultipartBody::field`]), for multipart bodies whose schema names no properties.
///
/// # Errors
/// [`Error::InvalidRequest`] when `body` does not serialize.
#[allow(clippy::result_large_err)] // the error every operation returns
pub fn json_form<E, EH>(body: &impl Serialize) -> Result<Form, Error<E, EH>> {
    let mut form = Form::new();
    if let Value::Object(map) = serde_json::to_value(body).map_err(invalid)? {
        for (name, value) in map {
            if !value.is_null() {
                let text = part_text(&value).map_err(invalid)?;
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
                super::part_text(self).unwrap()
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
        let mut body = MultipartBody::new();
        body.file("file", b"PNG".to_vec(), "image/png");
        body.field("meta", &json!({"k": 1}), Some("application/json"));
        body.field("count", &3, None);
        let request = body
            .attach::<(), ()>(reqwest::Client::new().post("http://x/"))
            .unwrap();
        let body = sent(request).await;
        assert!(
            body.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\nPNG"),
            "{body}"
        );
        assert!(
            body.contains("name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}"),
            "{body}"
        );
        assert!(body.contains("name=\"count\"\r\n\r\n3\r\n"), "{body}");
    }

    #[test]
    fn the_first_part_that_cannot_be_made_is_the_body_s_error() {
        let mut body = MultipartBody::new();
        body.file("ok", Vec::new(), "image/png");
        body.file("bad", Vec::new(), "not a type");
        // Not sent, and not reported: the first error stands.
        body.field(
            "worse",
            &std::collections::BTreeMap::from([(vec![1u8], 1)]),
            None,
        );
        let request = reqwest::Client::new().post("http://x/");
        match body.attach::<(), ()>(request) {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.starts_with("multipart part `bad`: "), "{message}");
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        let mut body = MultipartBody::new();
        body.field(
            "worse",
            &std::collections::BTreeMap::from([(vec![1u8], 1)]),
            None,
        );
        let request = reqwest::Client::new().post("http://x/");
        match body.attach::<(), ()>(request) {
            Err(error) => assert_eq!(
                error.to_string(),
                "invalid request: multipart part `worse`: key must be a string"
            ),
            Ok(_) => panic!("a map with non-string keys has no JSON form"),
        }
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
