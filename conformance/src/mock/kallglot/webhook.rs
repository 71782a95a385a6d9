//! Delivery of the `analysisFinished` callback: the finished analysis is POSTed to the
//! `webhook_url` of its create request, and retried as the spec says (up to 5 retries, backoff
//! doubling from the first wait, each attempt with the same `X-Webhook-ID`).

use std::time::Duration;

use serde_json::Value;

/// Retries after the first attempt.
pub const MAX_RETRIES: u32 = 5;

#[derive(Debug, Clone)]
pub struct Delivery {
    pub url: String,
    pub webhook_id: String,
    pub body: Value,
}

/// Sends `delivery` until a receiver answers 2xx, waiting `backoff`, `2 × backoff`, … between
/// attempts; gives up after [`MAX_RETRIES`] retries. Returns the attempts made and whether one
/// was acknowledged.
pub async fn deliver(
    client: &reqwest::Client,
    delivery: &Delivery,
    backoff: Duration,
    timeout: Duration,
) -> (u32, bool) {
    let body = delivery.body.to_string();
    for attempt in 1..=MAX_RETRIES + 1 {
        let sent = client
            .post(&delivery.url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("X-Webhook-ID", &delivery.webhook_id)
            .header("X-Webhook-Attempt", attempt.to_string())
            .body(body.clone())
            .send()
            .await;
        if sent.is_ok_and(|response| response.status().is_success()) {
            return (attempt, true);
        }
        if attempt <= MAX_RETRIES {
            tokio::time::sleep(backoff.saturating_mul(1 << (attempt - 1))).await;
        }
    }
    (MAX_RETRIES + 1, false)
}
