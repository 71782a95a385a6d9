//! The `analysisFinished` callback: delivered when an analysis created with a `webhook_url`
//! finishes, retried on failure with the same `X-Webhook-ID`, and shaped as the spec says.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{json, Value};
use support::*;

const SPEC: &str = "spec/kallglot.yaml";

#[derive(Default)]
struct Received {
    deliveries: Vec<(HeaderMap, Value)>,
}

/// A receiver that fails the first `failures` deliveries with 500.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Received>>) {
    let received = Arc::new(Mutex::new(Received::default()));
    let shared = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/hooks/analysis",
        post(move |headers: HeaderMap, body: String| {
            let shared = Arc::clone(&shared);
            async move {
                let mut received = shared.lock().expect("not poisoned");
                let value = serde_json::from_str(&body).unwrap_or(Value::Null);
                received.deliveries.push((headers, value));
                if received.deliveries.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    (serve_receiver(app, "/hooks/analysis").await, received)
}

async fn wait_for(received: &Arc<Mutex<Received>>, count: usize) -> Vec<(HeaderMap, Value)> {
    for _ in 0..200 {
        {
            let received = received.lock().expect("not poisoned");
            if received.deliveries.len() >= count {
                return received.deliveries.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {count} deliveries arrived");
}

#[tokio::test]
async fn a_finished_analysis_is_delivered_and_retried_with_the_same_id() {
    let spec = spec(SPEC);
    let (url, received) = receiver(2).await;
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let created = caller
        .create(
            ACME,
            SESSION,
            Some(json!({"analyses": ["summary", "sentiment"], "webhook_url": url})),
        )
        .await;
    assert_eq!(created.status, 202);
    let id = created.json()["id"].clone();
    let deliveries = wait_for(&received, 3).await;
    let validator = conformance::schema::SchemaValidator::new(
        &spec.raw,
        "/components/schemas/Analysis",
        conformance::schema::Direction::Request,
    )
    .unwrap();
    let webhook_ids: Vec<&str> = deliveries
        .iter()
        .map(|(headers, _)| headers["x-webhook-id"].to_str().unwrap())
        .collect();
    let attempts: Vec<&str> = deliveries
        .iter()
        .map(|(headers, _)| headers["x-webhook-attempt"].to_str().unwrap())
        .collect();
    assert_eq!(attempts, ["1", "2", "3"]);
    assert!(webhook_ids.iter().all(|w| *w == webhook_ids[0]));
    assert!(regex::Regex::new("^whk_[0-9A-Za-z]+$")
        .unwrap()
        .is_match(webhook_ids[0]));
    for (headers, body) in &deliveries {
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(body["id"], id);
        assert_eq!(body["status"], json!("completed"));
        assert_eq!(validator.validate(body), vec![], "{body}");
    }
    // Acknowledged: nothing more is sent.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(received.lock().unwrap().deliveries.len(), 3);
    // The delivered body is what retrieval returns.
    assert_eq!(
        &caller.get(ACME, id.as_str().unwrap()).await.json(),
        &deliveries[0].1
    );
    mock.stop().await;
}

#[tokio::test]
async fn delivery_gives_up_after_five_retries() {
    let (url, received) = receiver(usize::MAX).await;
    let mock = start(
        SPEC,
        conformance::mock::MockOptions {
            webhook_backoff: Duration::from_millis(10),
            ..fast_options()
        },
    )
    .await;
    let caller = Caller::new(&mock);
    let created = caller
        .create(
            ACME,
            SHORT_SESSION,
            Some(json!({"analyses": ["summary"], "webhook_url": url})),
        )
        .await;
    assert_eq!(created.status, 202);
    let deliveries = wait_for(&received, 6).await;
    assert_eq!(deliveries[0].1["status"], json!("failed"));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        received.lock().unwrap().deliveries.len(),
        6,
        "1 attempt + 5 retries"
    );
    mock.stop().await;
}
