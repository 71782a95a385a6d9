//! The mock under concurrency and at shutdown: no analysis lost, no credit charged twice or
//! spent beyond the balance, and a stop that lets requests under way finish.

mod support;

use std::collections::HashSet;

use conformance::mock::{Fixtures, Mock, MockOptions};
use support::*;

const SPEC: &str = "spec/kallglot.yaml";

/// One organization with `credits` credits and a rate limit far above the test's load.
fn fixtures(credits: u64) -> Fixtures {
    let text = format!(
        r#"
[[organization]]
id = "org_load"
name = "Load"
tokens = ["sk_test_load"]
credits = {credits}
rate_limit = {{ requests = 100000, window_seconds = 60 }}

[[organization.session]]
id = "sess_01HLOAD00000001"
transcript = [
  {{ speaker = "agent", start = 0.0, end = 5.0, text = "Thank you for calling, this call may be recorded. How can I help you today?" }},
  {{ speaker = "customer", start = 5.5, end = 12.0, text = "I would like to check the status of my order and the delivery date please." }},
]
"#
    );
    Fixtures::parse("load.toml", &text).expect("valid fixtures")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_creates_lose_nothing_and_charge_each_credit_once() {
    let options = MockOptions {
        fixtures: fixtures(600),
        ..fast_options()
    };
    let mock = Mock::new(spec(SPEC), options)
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let base = mock.base_url();
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let response = http
                .post(format!("{base}/v1/sessions/sess_01HLOAD00000001/analysis"))
                .bearer_auth("sk_test_load")
                .send()
                .await
                .expect("the mock answers");
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json_or_null().await;
            (status, body)
        }));
    }
    let mut accepted = Vec::new();
    let mut refused = 0;
    for task in tasks {
        let (status, body) = task.await.expect("the task completes");
        match status {
            202 => accepted.push(body["id"].as_str().expect("an id").to_owned()),
            402 => refused += 1,
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert_eq!((accepted.len(), refused), (600, 400));
    let unique: HashSet<&String> = accepted.iter().collect();
    assert_eq!(
        unique.len(),
        600,
        "every accepted create has its own analysis"
    );
    let caller = Caller::new(&mock);
    for id in accepted.iter().step_by(25) {
        assert_eq!(
            caller.get("sk_test_load", id).await.status,
            200,
            "{id} is kept"
        );
    }
    mock.stop().await;
}

#[tokio::test]
async fn stopping_finishes_the_request_under_way_and_frees_the_port() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = start(SPEC, fast_options()).await;
    let addr = mock.addr();
    let body = br#"{"include": ["summary"]}"#;
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let head = format!(
        "POST /v1/sessions/{SESSION}/analysis HTTP/1.1\r\nhost: mock\r\nauthorization: Bearer {ACME}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("writes");
    stream.write_all(&body[..5]).await.expect("writes");
    // The request is under way (its body half sent) when the mock is told to stop.
    let stopping = tokio::spawn(mock.stop());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        !stopping.is_finished(),
        "the mock waits for the request under way"
    );
    stream.write_all(&body[5..]).await.expect("writes");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("reads");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    stopping.await.expect("the mock stops");
    tokio::net::TcpListener::bind(addr)
        .await
        .expect("the port is released");
}

trait JsonOrNull {
    async fn json_or_null(self) -> serde_json::Value;
}

impl JsonOrNull for reqwest::Response {
    async fn json_or_null(self) -> serde_json::Value {
        let bytes = self.bytes().await.unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
    }
}

#[tokio::test]
async fn an_added_latency_delays_every_answer_and_overlapping_requests_share_it() {
    let latency = std::time::Duration::from_millis(200);
    let mock = start(
        SPEC,
        MockOptions {
            latency,
            ..fast_options()
        },
    )
    .await;
    let base = mock.base_url();
    let http = reqwest::Client::new();
    let started = std::time::Instant::now();
    let get = || {
        http.get(format!("{base}/v1/analysis/ana_unknown"))
            .bearer_auth(ACME)
            .send()
    };
    let (a, b) = tokio::join!(get(), get());
    let elapsed = started.elapsed();
    assert_eq!(a.expect("answers").status(), 404);
    assert_eq!(b.expect("answers").status(), 404);
    // Late, but in parallel: a latency, not a queue.
    assert!(elapsed >= latency, "{elapsed:?}");
    assert!(elapsed < latency * 2, "{elapsed:?}");
    mock.stop().await;
}
