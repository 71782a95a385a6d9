//! The send path against a scripted loopback server, on a paused tokio clock: which failures
//! are retried, how many times, and after exactly which waits.

// The scripted server's helpers panic on purpose: a test fails loudly.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use callspec_runtime::reqwest::{self, Method, StatusCode};
use callspec_runtime::{Operation, RetryPolicy, Transport};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::time::Instant;

mod support;
use support::{free_port, http, read_request, serve, Log};

static GET: Operation = Operation::new("getThing", Method::GET, "/things/{id}");
static POST: Operation = Operation::new("createThing", Method::POST, "/things");

fn too_many(retry_after: &str) -> String {
    http(
        "429 Too Many Requests",
        &[("retry-after", retry_after.to_owned())],
    )
}

fn ok() -> String {
    http("200 OK", &[("x-request-id", "req_ok".to_owned())])
}

fn exact(policy: RetryPolicy) -> Transport {
    Transport::new(reqwest::Client::new()).with_retry_policy(policy.jitter(false))
}

fn attempts(log: &Log) -> Vec<Duration> {
    log.lock().unwrap().iter().map(|(_, at)| *at).collect()
}

fn secs(seconds: &[u64]) -> Vec<Duration> {
    seconds.iter().copied().map(Duration::from_secs).collect()
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_waited_exactly_and_the_third_attempt_succeeds() {
    let (base, log) = serve(vec![too_many("7"), too_many("7"), ok()]).await;
    let transport = exact(RetryPolicy::default());
    let started = Instant::now();
    let response = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.request_id(), Some("req_ok"));
    assert_eq!(started.elapsed(), Duration::from_secs(14));
    assert_eq!(attempts(&log), secs(&[0, 7, 14]));
}

#[tokio::test(start_paused = true)]
async fn retries_stop_at_the_maximum_and_return_the_last_answer() {
    let (base, log) = serve(vec![too_many("1"), too_many("1"), too_many("1")]).await;
    let transport = exact(RetryPolicy::default().with_max_retries(2));
    let response = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempts(&log), secs(&[0, 1, 2]));
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_reset_in_unix_seconds_is_waited_for_on_the_shared_clock() {
    // The server's wall clock, like the client's, follows tokio's once read.
    let wall = SystemTime::now();
    let reset = wall.duration_since(UNIX_EPOCH).unwrap().as_secs() + 9;
    let expected = UNIX_EPOCH + Duration::from_secs(reset);
    let expected = expected.duration_since(wall).unwrap();
    let limited = http(
        "429 Too Many Requests",
        &[
            ("x-ratelimit-limit", "2".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset.to_string()),
        ],
    );
    let (base, log) = serve(vec![limited, ok()]).await;
    let transport = exact(RetryPolicy::default());
    let response = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let waited = attempts(&log)[1];
    // The client read its wall clock a moment after the test did, and waits whole seconds.
    assert_eq!(waited.subsec_nanos(), 0, "{waited:?}");
    assert!(
        waited + Duration::from_millis(50) >= expected
            && waited < expected + Duration::from_secs(1),
        "waited {waited:?}, reset in {expected:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_ietf_rate_limit_reset_delta_is_waited_exactly() {
    let limited = http(
        "429 Too Many Requests",
        &[("ratelimit", "limit=2, remaining=0, reset=5".to_owned())],
    );
    let (base, log) = serve(vec![limited, ok()]).await;
    let transport = exact(RetryPolicy::default());
    let response = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&log), secs(&[0, 5]));
}

#[tokio::test(start_paused = true)]
async fn a_post_is_not_retried_on_503_unless_the_caller_opts_in() {
    let unavailable = || http("503 Service Unavailable", &[]);
    let (base, log) = serve(vec![unavailable(), ok()]).await;
    let transport = exact(RetryPolicy::default().with_base_delay(Duration::from_secs(1)));
    let response = transport
        .send(
            &POST,
            transport
                .request(&POST, format!("{base}/things"))
                .body("{}"),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(attempts(&log).len(), 1);

    let (base, log) = serve(vec![unavailable(), ok()]).await;
    let opted_in = exact(
        RetryPolicy::default()
            .with_base_delay(Duration::from_secs(1))
            .retry_non_idempotent(true),
    );
    let response = opted_in
        .send(
            &POST,
            opted_in.request(&POST, format!("{base}/things")).body("{}"),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&log), secs(&[0, 1]));

    // An idempotency key makes that one request safe to send again.
    let (base, log) = serve(vec![unavailable(), ok()]).await;
    let keyed = transport
        .request(&POST, format!("{base}/things"))
        .header("Idempotency-Key", "k1")
        .body("{}");
    let response = transport.send(&POST, keyed).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&log), secs(&[0, 1]));
}

#[tokio::test(start_paused = true)]
async fn a_post_refused_with_429_is_retried() {
    let (base, log) = serve(vec![too_many("3"), ok()]).await;
    let transport = exact(RetryPolicy::default());
    let response = transport
        .send(
            &POST,
            transport
                .request(&POST, format!("{base}/things"))
                .body("{}"),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&log), secs(&[0, 3]));
}

#[tokio::test(start_paused = true)]
async fn a_wait_beyond_the_cap_is_not_retried_and_the_answer_comes_back_at_once() {
    let (base, log) = serve(vec![too_many("120"), ok()]).await;
    let transport = exact(RetryPolicy::default());
    let started = Instant::now();
    let response = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(attempts(&log).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_with_backoff_for_any_method() {
    // A port nobody listens on: every attempt is refused.
    let port = free_port();
    let transport = exact(RetryPolicy::default().with_base_delay(Duration::from_secs(1)));
    for operation in [&GET, &POST] {
        let started = Instant::now();
        let error = transport
            .send(
                operation,
                transport.request(operation, format!("http://127.0.0.1:{port}/things")),
            )
            .await
            .unwrap_err();
        assert!(error.is_connect(), "{error}");
        // Two retries, after 1 s and 2 s.
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_that_comes_up_is_reached_by_a_retry() {
    let port = free_port();
    let log: Log = Arc::default();
    let received = log.clone();
    let started = Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let (mut stream, _) = listener.accept().await.unwrap();
        let request = read_request(&mut stream).await;
        let line = request.lines().next().unwrap_or_default().to_owned();
        received.lock().unwrap().push((line, started.elapsed()));
        stream.write_all(ok().as_bytes()).await.unwrap();
        stream.shutdown().await.ok();
    });
    let transport = exact(RetryPolicy::default().with_base_delay(Duration::from_secs(1)));
    let response = transport
        .send(
            &POST,
            transport.request(&POST, format!("http://127.0.0.1:{port}/things")),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(attempts(&log), secs(&[1]));
}

#[tokio::test(start_paused = true)]
async fn a_streaming_body_is_sent_once() {
    let (base, log) = serve(vec![too_many("1"), ok()]).await;
    let transport = exact(RetryPolicy::default());
    let form = reqwest::multipart::Form::new().text("name", "value");
    let response = transport
        .send(
            &POST,
            transport
                .request(&POST, format!("{base}/things"))
                .multipart(form),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempts(&log).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_timeout_is_a_communication_error_that_says_so() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Accepts and reads, never answers.
    tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request(&mut stream).await;
            open.push(stream);
        }
    });
    let transport = Transport::new(reqwest::Client::new())
        .with_retry_policy(RetryPolicy::none())
        .with_timeout(Some(Duration::from_secs(5)));
    let started = Instant::now();
    let error = transport
        .send(&GET, transport.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    let error: callspec_runtime::Error = error.into();
    assert!(error.is_timeout());

    // Retried as a failure after sending: a GET twice more, after 1 s and 2 s.
    let retrying = transport.with_retry_policy(
        RetryPolicy::default()
            .with_base_delay(Duration::from_secs(1))
            .jitter(false),
    );
    let started = Instant::now();
    let error = retrying
        .send(&GET, retrying.request(&GET, format!("{base}/things/1")))
        .await
        .unwrap_err();
    assert!(error.is_timeout());
    assert_eq!(started.elapsed(), Duration::from_secs(5 + 1 + 5 + 2 + 5));
}

#[test]
fn the_transport_s_debug_output_names_its_settings_only() {
    let client = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                reqwest::header::HeaderValue::from_static("Bearer sk_live_default_header"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let transport = Transport::new(client)
        .with_retry_policy(RetryPolicy::default().jitter_seed(7))
        .with_timeout(Some(Duration::from_secs(3)));
    let shown = format!("{transport:?}");
    assert!(!shown.contains("sk_live_default_header"), "{shown}");
    assert!(
        shown.contains("max_retries: 2") && shown.contains("3s"),
        "{shown}"
    );
}

/// With the `tracing` feature: one span per call, and an event per retry.
#[cfg(feature = "tracing")]
mod spans {
    use std::collections::BTreeMap;
    use std::fmt::Debug;

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use super::*;

    type Fields = BTreeMap<String, String>;

    #[derive(Default)]
    struct Recorded {
        spans: Mutex<Vec<(String, Fields)>>,
        events: Mutex<Vec<Fields>>,
    }

    #[derive(Clone, Default)]
    struct Recorder(Arc<Recorded>);

    struct Fill<'a>(&'a mut Fields);

    impl Visit for Fill<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields::new();
            span.record(&mut Fill(&mut fields));
            let mut spans = self.0.spans.lock().unwrap();
            spans.push((span.metadata().name().to_owned(), fields));
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.0.spans.lock().unwrap();
            let index = usize::try_from(span.into_u64() - 1).unwrap();
            values.record(&mut Fill(&mut spans[index].1));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields::new();
            event.record(&mut Fill(&mut fields));
            self.0.events.lock().unwrap().push(fields);
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_is_one_span_and_each_retry_an_event_with_its_wait_and_reason() {
        let recorder = Recorder::default();
        let _default = tracing::subscriber::set_default(recorder.clone());
        let (base, _log) = serve(vec![too_many("2"), ok()]).await;
        let transport = exact(RetryPolicy::default());
        transport
            .send(&GET, transport.request(&GET, format!("{base}/things/1")))
            .await
            .unwrap();
        let spans = recorder.0.spans.lock().unwrap().clone();
        let ours: Vec<&Fields> = spans
            .iter()
            .filter(|(name, _)| name == "callspec.request")
            .map(|(_, fields)| fields)
            .collect();
        assert_eq!(ours.len(), 1, "{spans:?}");
        let expected: Fields = [
            ("operation", "getThing"),
            ("method", "GET"),
            ("path", "/things/{id}"),
            ("attempt", "2"),
            ("status", "200"),
            ("request_id", "req_ok"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(ours[0], &expected);
        let events = recorder.0.events.lock().unwrap().clone();
        let retries: Vec<&Fields> = events
            .iter()
            .filter(|fields| fields.get("message").map(String::as_str) == Some("retrying"))
            .collect();
        assert_eq!(retries.len(), 1, "{events:?}");
        assert_eq!(retries[0]["wait_ms"], "2000");
        assert_eq!(retries[0]["reason"], "429 Too Many Requests");
        assert_eq!(retries[0]["wait_from"], "Retry-After");
    }
}
