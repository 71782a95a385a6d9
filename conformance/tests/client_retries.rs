//! The generated kallglot client against the embedded mock with a tiny rate limit (2 requests a
//! minute), on a paused tokio clock: it retries a 429 exactly as often as needed, after exactly
//! the wait the mock's headers ask for, and returns the 429 when that wait is beyond its cap.
//! A recording layer around the mock's router sees every attempt.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use conformance::mock::{Fixtures, Mock, MockOptions};
use kallglot_client::types::{AnalysisId, SessionId};
use kallglot_client::{Client, Error, RetryPolicy};
use tokio::time::Instant;

const TOKEN: &str = "sk_test_tiny";
const SESSION: &str = "sess_01HTINY00000001";

/// One attempt as the mock saw it: when (virtual time since the mock started), the method, the
/// status, and the `Retry-After` it answered with.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    at: Duration,
    method: String,
    status: u16,
    retry_after: Option<u64>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn fixtures() -> Fixtures {
    Fixtures::parse(
        "tiny rate limit",
        &format!(
            r#"
[[organization]]
id = "org_tiny"
name = "Tiny"
tokens = ["{TOKEN}"]
credits = 100
rate_limit = {{ requests = 2, window_seconds = 60 }}

[[organization.session]]
id = "{SESSION}"
transcript = [
  {{ speaker = "agent", start = 0.0, end = 5.0, text = "Thank you for calling, this call may be recorded. How can I help you today?" }},
  {{ speaker = "customer", start = 5.5, end = 12.0, text = "I would like to check the status of my order and the delivery date, please." }},
]
"#
        ),
    )
    .expect("the fixtures parse")
}

/// Serves the kallglot mock on a loopback port, recording every attempt, and the client
/// `client` makes for it (built before the mock, so its wall clock is read first). With
/// `drop_retry_after`, 429s go out without `Retry-After`, so that only `X-RateLimit-Reset`
/// (Unix seconds) says how long to wait.
async fn start(drop_retry_after: bool, client: impl FnOnce(String) -> Client) -> (Client, Log) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let client = client(base).with_bearer_auth(TOKEN);
    let options = MockOptions {
        fixtures: fixtures(),
        ..support::fast_options()
    };
    let mock = Mock::new(support::spec("spec/kallglot.yaml"), options);
    let log: Log = Arc::default();
    let seen = log.clone();
    let started = Instant::now();
    let record = move |request: Request, next: Next| {
        let seen = seen.clone();
        async move {
            let method = request.method().to_string();
            let mut response: Response = next.run(request).await;
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse().ok());
            if drop_retry_after {
                response.headers_mut().remove("retry-after");
            }
            seen.lock().expect("the log").push(Seen {
                at: started.elapsed(),
                method,
                status: response.status().as_u16(),
                retry_after,
            });
            response
        }
    };
    let router = mock.router().layer(axum::middleware::from_fn(record));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (client, log)
}

fn seen(log: &Log) -> Vec<(u64, &'static str, u16)> {
    log.lock()
        .expect("the log")
        .iter()
        .map(|s| {
            let method = if s.method == "POST" { "POST" } else { "GET" };
            (s.at.as_secs(), method, s.status)
        })
        .collect()
}

fn patient() -> RetryPolicy {
    // The mock's windows last a minute: allow waits that long.
    RetryPolicy::default().with_max_delay(Duration::from_secs(90))
}

/// Creates an analysis and reads it once: the window's two requests are spent, so the next
/// one is refused with 429. Returns the analysis's id.
async fn use_up_the_window(client: &Client) -> AnalysisId {
    let session = SessionId::new(SESSION).expect("a session id");
    let id = client
        .create_analysis(&session, None)
        .await
        .expect("created")
        .into_inner()
        .id;
    client.get_analysis(&id).await.expect("the window's second");
    id
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_after_the_mock_s_retry_after_for_gets_and_posts() {
    let (client, log) = start(false, |base| Client::new(base).with_retry_policy(patient())).await;
    let session = SessionId::new(SESSION).expect("a session id");
    let created = client
        .create_analysis(&session, None)
        .await
        .expect("created");
    let limit = created.rate_limit().expect("rate-limit headers");
    assert_eq!((limit.limit, limit.remaining), (Some(2), Some(1)));
    let id = created.into_inner().id;
    client.get_analysis(&id).await.expect("the window's second");

    // Over the limit: refused, then retried once the window turns, 60 s later.
    let started = Instant::now();
    let read = client.get_analysis(&id).await.expect("read after a wait");
    assert_eq!(started.elapsed(), Duration::from_secs(60));
    assert_eq!(read.rate_limit().and_then(|l| l.remaining), Some(1));
    assert!(read.request_id().is_some(), "the mock names every answer");

    // A create refused with 429 was not acted on: it is retried too.
    client
        .create_analysis(&session, None)
        .await
        .expect("the new window's second");
    let started = Instant::now();
    client
        .create_analysis(&session, None)
        .await
        .expect("created after a wait");
    assert_eq!(started.elapsed(), Duration::from_secs(60));

    assert_eq!(
        seen(&log),
        [
            (0, "POST", 202),
            (0, "GET", 200),
            (0, "GET", 429),
            (60, "GET", 200),
            (60, "POST", 202),
            (60, "POST", 429),
            (120, "POST", 202),
        ]
    );
    // Each retry waited exactly what the refusal asked for.
    let log = log.lock().expect("the log").clone();
    for pair in log.windows(2) {
        if pair[0].status == 429 {
            let asked = pair[0].retry_after.expect("a 429 says how long to wait");
            assert_eq!(pair[1].at - pair[0].at, Duration::from_secs(asked));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_the_policy_s_cap_returns_the_429_at_once() {
    // The default policy waits at most 30 s; the mock asks for 60.
    let (client, log) = start(false, Client::new).await;
    let id = use_up_the_window(&client).await;
    let started = Instant::now();
    let error = client.get_analysis(&id).await.expect_err("rate limited");
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    let Error::ErrorResponse(response) = &error else {
        panic!("a documented 429, got {error:?}");
    };
    assert_eq!(response.headers().retry_after, Some(60));
    let request_id = error.request_id().expect("a request id").to_owned();
    assert!(error.to_string().contains(&request_id), "{error}");
    assert_eq!(error.rate_limit().and_then(|l| l.remaining), Some(0));
    assert_eq!(seen(&log).len(), 3);
}

#[tokio::test(start_paused = true)]
async fn without_retry_after_the_reset_time_is_waited_for_on_the_shared_clock() {
    // The client reads the wall clock before the mock does, so its clock is not ahead of the
    // mock's; both then follow tokio's paused clock.
    let (client, log) = start(true, |base| Client::new(base).with_retry_policy(patient())).await;
    let id = use_up_the_window(&client).await;
    let started = Instant::now();
    client.get_analysis(&id).await.expect("read after a wait");
    let waited = started.elapsed();
    // The window opened within the second before the first request, and the wait is rounded
    // up to a whole second: 60 s, or 61 when the client's clock trails by part of a second.
    assert!(
        waited == Duration::from_secs(60) || waited == Duration::from_secs(61),
        "{waited:?}"
    );
    let statuses: Vec<u16> = seen(&log).iter().map(|s| s.2).collect();
    assert_eq!(statuses, [202, 200, 429, 200]);
}
