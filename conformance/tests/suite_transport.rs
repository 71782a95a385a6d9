//! The suite against servers that misbehave below HTTP's semantics: never answering, closing the
//! connection, sending malformed or gigantic bodies, redirecting in a loop. Each is a failure
//! with a clear reason, within the configured timeouts; the run never hangs.

mod support;

use std::time::{Duration, Instant};

use conformance::suite::{run, Limits, Report, RunOptions, SuiteConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
enum Misbehaviour {
    NeverAnswers,
    ClosesTheConnection,
    MalformedJson,
    GiganticBody,
    EndlessBody,
    RedirectLoop,
}

async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return Some(text);
            }
        }
    }
}

async fn serve(misbehaviour: Misbehaviour) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                while let Some(request) = read_request(&mut stream).await {
                    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let reply = match misbehaviour {
                        Misbehaviour::NeverAnswers => {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            return;
                        }
                        Misbehaviour::ClosesTheConnection => return,
                        Misbehaviour::MalformedJson => {
                            let body = "{\"id\": \"anl_1\", \"status\": ";
                            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
                        }
                        Misbehaviour::GiganticBody => {
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500000000\r\n\r\n[".to_owned()
                        }
                        Misbehaviour::EndlessBody => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                            if stream.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536));
                            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
                            return;
                        }
                        Misbehaviour::RedirectLoop => {
                            format!("HTTP/1.1 302 Found\r\nlocation: {path}\r\ncontent-length: 0\r\n\r\n")
                        }
                    };
                    if stream.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}

async fn check(misbehaviour: Misbehaviour) -> (Report, Duration) {
    let spec = support::spec("spec/kallglot.yaml");
    let base = serve(misbehaviour).await;
    let config = SuiteConfig {
        base_url: Some(base),
        limits: Limits {
            request_timeout_ms: 300,
            max_response_bytes: 1 << 20,
            finish_timeout_ms: 2_000,
        },
        ..SuiteConfig::for_fixtures(&Default::default(), "")
    };
    let started = Instant::now();
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        run(&spec, &config, &RunOptions::default()),
    )
    .await
    .expect("the run ends on its own")
    .expect("the target is reachable");
    (report, started.elapsed())
}

fn messages(report: &Report, check: &str) -> String {
    report
        .results
        .iter()
        .filter(|r| r.check == check)
        .flat_map(|r| r.findings.iter().map(|f| f.message.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_server_that_never_answers_fails_within_the_timeouts() {
    let (report, took) = check(Misbehaviour::NeverAnswers).await;
    let found = messages(&report, "not_a_server_error");
    assert!(found.contains("no response within 300ms"), "{found}");
    assert!(found.contains("the run stopped sending"), "{found}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn a_server_that_closes_the_connection_fails_with_the_reason() {
    let (report, _) = check(Misbehaviour::ClosesTheConnection).await;
    let found = messages(&report, "not_a_server_error");
    assert!(
        found.contains("the connection failed before a whole response arrived"),
        "{found}"
    );
}

#[tokio::test]
async fn a_malformed_body_is_named_as_not_json() {
    let (report, _) = check(Misbehaviour::MalformedJson).await;
    let found = messages(&report, "response_schema_conformance");
    assert!(found.contains("body is not JSON"), "{found}");
}

#[tokio::test]
async fn gigantic_and_endless_bodies_stop_at_the_size_limit() {
    for misbehaviour in [Misbehaviour::GiganticBody, Misbehaviour::EndlessBody] {
        let (report, took) = check(misbehaviour).await;
        let found = messages(&report, "not_a_server_error");
        assert!(
            found.contains("larger than the limit of 1048576 bytes"),
            "{found}"
        );
        assert!(took < Duration::from_secs(20), "{took:?}");
    }
}

#[tokio::test]
async fn a_redirect_loop_is_an_undocumented_status_not_a_hang() {
    let (report, _) = check(Misbehaviour::RedirectLoop).await;
    let found = messages(&report, "status_code_conformance");
    assert!(found.contains("status 302 (redirect to /"), "{found}");
}
