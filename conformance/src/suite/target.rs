//! The server under test: sends [`Request`]s and records every [`Exchange`], within the run's
//! timeouts and size limits. Redirects are not followed: an undocumented 3xx is a finding, and a
//! redirect loop cannot make the suite hang.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::config::Limits;
use super::exchange::{Exchange, TransportError};
use crate::http::{Request, Response};

pub struct Target {
    base_url: String,
    client: reqwest::Client,
    limits: Limits,
    log: Mutex<Vec<Exchange>>,
    started: Instant,
    failures_in_a_row: AtomicUsize,
}

/// Requests that may fail in a row (no answer, a broken connection, a huge body) before the run
/// stops sending: a target that stopped answering costs seconds, not a timeout per request.
pub const GIVE_UP_AFTER: usize = 3;

/// A base URL the suite cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{url}` is not an http(s) URL: {reason}")]
pub struct BadUrl {
    pub url: String,
    pub reason: String,
}

impl Target {
    pub fn new(base_url: &str, limits: Limits) -> Result<Self, BadUrl> {
        let bad = |reason: &str| BadUrl {
            url: base_url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = reqwest::Url::parse(base_url).map_err(|err| bad(&err.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad("the scheme must be http or https"));
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(limits.request_timeout())
            .connect_timeout(limits.request_timeout())
            .build()
            .map_err(|err| bad(&err.to_string()))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client,
            limits,
            log: Mutex::new(Vec::new()),
            started: Instant::now(),
            failures_in_a_row: AtomicUsize::new(0),
        })
    }

    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `call` for `operation`, records the exchange, and returns it.
    pub async fn send(&self, operation: &str, purpose: &str, call: Request) -> Exchange {
        let sent_at = self.started.elapsed();
        let outcome = if self.failures_in_a_row.load(Ordering::Relaxed) >= GIVE_UP_AFTER {
            Err(TransportError::GaveUp(GIVE_UP_AFTER))
        } else {
            let outcome = self.perform(&call).await;
            if outcome.is_ok() {
                self.failures_in_a_row.store(0, Ordering::Relaxed);
            } else {
                self.failures_in_a_row.fetch_add(1, Ordering::Relaxed);
            }
            outcome
        };
        let done_at = self.started.elapsed();
        let mut log = self
            .log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let exchange = Exchange {
            id: log.len(),
            operation: operation.to_owned(),
            purpose: purpose.to_owned(),
            base_url: self.base_url.clone(),
            request: call,
            outcome,
            sent_at,
            done_at,
        };
        log.push(exchange.clone());
        exchange
    }

    async fn perform(&self, call: &Request) -> Result<Response, TransportError> {
        let method = reqwest::Method::from_bytes(call.method.as_bytes())
            .map_err(|err| TransportError::Connect(err.to_string()))?;
        let mut request = self
            .client
            .request(method, format!("{}{}", self.base_url, call.path));
        for (name, value) in &call.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &call.body {
            request = request.body(body.clone());
        }
        let timeout = self.limits.request_timeout();
        let classify = |err: reqwest::Error| {
            if err.is_timeout() {
                TransportError::Timeout(timeout)
            } else if err.is_connect() {
                TransportError::Connect(root_cause(&err))
            } else {
                TransportError::Broken(root_cause(&err))
            }
        };
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.limits.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(TransportError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// How many requests were sent so far.
    #[must_use]
    pub fn sent(&self) -> usize {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Every exchange so far, in the order their answers arrived.
    #[must_use]
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The innermost error's message: reqwest's outer ones say only "error sending request".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
