//! A scripted loopback HTTP server for the runtime's tests: it answers each connection with
//! the next scripted response and records what it received, and when.

// The helpers panic on purpose: a test fails loudly.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

/// What the server received: the request line, and when (virtual time since the test began).
pub type Log = Arc<Mutex<Vec<(String, Duration)>>>;

/// Answers one connection per scripted response, in order, then stops listening (so later
/// connections are refused).
pub async fn serve(script: Vec<String>) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let started = Instant::now();
    let received = log.clone();
    tokio::spawn(async move {
        for response in script {
            let (mut stream, _) = listener.accept().await.unwrap();
            let request = read_request(&mut stream).await;
            let line = request.lines().next().unwrap_or_default().to_owned();
            received.lock().unwrap().push((line, started.elapsed()));
            stream.write_all(response.as_bytes()).await.unwrap();
            stream.shutdown().await.ok();
        }
    });
    (base, log)
}

pub async fn read_request(stream: &mut tokio::net::TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap_or(0);
        received.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let complete = match length {
                Some(length) => received.len() >= end + 4 + length,
                None if head.contains("transfer-encoding: chunked") => text.ends_with("0\r\n\r\n"),
                None => true,
            };
            if complete {
                return text;
            }
        }
        if n == 0 {
            return text;
        }
    }
}

pub fn http(status: &str, headers: &[(&str, String)]) -> String {
    let mut text = format!("HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n{}");
    text
}

/// A loopback port that was free a moment ago, so nothing listens there (until a test does).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
