//! The generated `webhooks` module of the kallglot client, end to end: an analysis created with
//! the client (deprecated request form, with a `webhook_url`) is delivered by the embedded mock
//! to a local receiver, which reads the delivery with `webhooks::parse_analysis_finished`. Then
//! what that function says about deliveries that are not as documented.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::post;
use kallglot_client::types::{Analysis, AnalysisStatus, CreateAnalysisRequest, SessionId};
use kallglot_client::webhooks::{
    parse_analysis_finished, AnalysisFinishedHeaders, Webhook, WebhookError,
};
use kallglot_client::Client;
use serde_json::json;
use support::*;

const SPEC: &str = "spec/kallglot.yaml";

type Parsed = Result<Webhook<Analysis, AnalysisFinishedHeaders>, WebhookError>;

/// What the receiver got: the raw delivery, and what the generated parser made of it.
#[derive(Default)]
struct Received {
    deliveries: Vec<(HeaderMap, Bytes, Parsed)>,
}

/// A receiver that parses each delivery with the generated function and acknowledges it with
/// 204, or answers 400 with the parser's message when it does not parse.
async fn receiver() -> (String, Arc<Mutex<Received>>) {
    let received = Arc::new(Mutex::new(Received::default()));
    let shared = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hooks/analysis",
        post(move |headers: HeaderMap, body: Bytes| {
            let shared = Arc::clone(&shared);
            async move {
                let parsed = parse_analysis_finished(&headers, &body);
                let answer = match &parsed {
                    Ok(_) => (StatusCode::NO_CONTENT, String::new()),
                    Err(error) => (StatusCode::BAD_REQUEST, error.to_string()),
                };
                shared
                    .lock()
                    .expect("not poisoned")
                    .deliveries
                    .push((headers, body, parsed));
                answer
            }
        }),
    );
    (serve_receiver(app, "/hooks/analysis").await, received)
}

/// One real delivery of the mock: created through the generated client, parsed by the receiver.
async fn one_delivery() -> (String, HeaderMap, Bytes, Parsed) {
    let (url, received) = receiver().await;
    let mock = start(SPEC, fast_options()).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let body: CreateAnalysisRequest = serde_json::from_value(json!({
        "analyses": ["summary", "sentiment"],
        "language": "en",
        "webhook_url": url,
    }))
    .expect("the deprecated request form");
    let session = SessionId::new(SESSION).expect("a session id");
    let created = client
        .create_analysis(&session, Some(&body))
        .await
        .expect("the analysis is created");
    let id = created.into_inner().id.to_string();
    let mut delivery = None;
    for _ in 0..200 {
        if let Some(first) = received.lock().expect("not poisoned").deliveries.pop() {
            delivery = Some(first);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    mock.stop().await;
    let (headers, body, parsed) = delivery.expect("the webhook is delivered");
    (id, headers, body, parsed)
}

#[tokio::test]
async fn a_delivered_webhook_parses_into_the_typed_payload_and_headers() {
    let (id, headers, _, parsed) = one_delivery().await;
    let Webhook {
        payload,
        headers: typed,
    } = parsed.expect("the delivery parses");
    assert_eq!(payload.id.to_string(), id);
    assert_eq!(payload.status, AnalysisStatus::Completed);
    assert_eq!(payload.session_id.to_string(), SESSION);
    assert_eq!(typed.webhook_attempt, 1);
    assert_eq!(
        Some(typed.webhook_id.as_str()),
        headers.get("x-webhook-id").and_then(|v| v.to_str().ok())
    );
    assert!(
        regex::Regex::new("^whk_[0-9A-Za-z]+$")
            .expect("a pattern")
            .is_match(&typed.webhook_id),
        "{typed:?}"
    );
}

#[tokio::test]
async fn deliveries_that_are_not_as_documented_are_refused_with_the_reason() {
    let (_, headers, body, parsed) = one_delivery().await;
    assert!(parsed.is_ok(), "{parsed:?}");

    let mut missing = headers.clone();
    missing.remove("x-webhook-attempt");
    let error = parse_analysis_finished(&missing, &body).expect_err("refused");
    assert_eq!(
        error,
        WebhookError::MissingHeader {
            name: "X-Webhook-Attempt"
        }
    );
    assert_eq!(
        error.to_string(),
        "required header `X-Webhook-Attempt` is missing"
    );

    let mut invalid = headers.clone();
    invalid.insert("x-webhook-attempt", HeaderValue::from_static("first"));
    assert_eq!(
        parse_analysis_finished(&invalid, &body).expect_err("refused"),
        WebhookError::InvalidHeader {
            name: "X-Webhook-Attempt",
            value: "first".to_owned(),
            reason: "invalid digit found in string".to_owned(),
        }
    );

    let mut text = headers.clone();
    text.insert("content-type", HeaderValue::from_static("text/plain"));
    let error = parse_analysis_finished(&text, &body).expect_err("refused");
    assert_eq!(
        error,
        WebhookError::ContentType {
            expected: vec!["application/json"],
            found: Some("text/plain".to_owned()),
        }
    );
    assert_eq!(
        error.to_string(),
        "content type `text/plain` is not the documented application/json"
    );
    let mut charset = headers.clone();
    charset.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    assert!(parse_analysis_finished(&charset, &body).is_ok());

    let mut value: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    value["session_id"] = json!("not a session id");
    let bad = serde_json::to_vec(&value).expect("serializable");
    let error = parse_analysis_finished(&headers, &bad).expect_err("refused");
    let WebhookError::InvalidBody { path, message } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(path, "session_id");
    assert!(
        message.starts_with(
            "invalid SessionId: must match the pattern `^sess_[0-9A-Za-z]+$` at line 1 column "
        ),
        "{message}"
    );

    let error = parse_analysis_finished(&headers, b"{\"id\": ").expect_err("refused");
    let WebhookError::InvalidBody { path, message } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(path, "id");
    assert_eq!(message, "EOF while parsing a value at line 1 column 7");

    assert_eq!(
        parse_analysis_finished(&headers, b"").expect_err("refused"),
        WebhookError::MissingBody
    );
}
