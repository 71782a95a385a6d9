//! `cargo xtask bench-mock`: requests per second and latency percentiles of the embedded mock
//! for `GET /v1/analyses/{id}` and `POST /v1/sessions/{id}/analysis`, with a load generator on
//! loopback in the same process (its own runtime, sharing the machine's cores with the server).
//! Figures only: nothing here passes or fails.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use conformance::mock::{Fixtures, Mock, MockOptions};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;

use crate::paths::repo_root;

#[derive(clap::Args)]
pub struct BenchMockArgs {
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Measured seconds per endpoint (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Worker threads of the server's runtime and of the load generator's.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// The bench world, shared by `bench-mock` and `bench-client`: one organization whose credits
/// and rate limit never run out, and one session that analyzes.
pub(crate) const TOKEN: &str = "sk_bench";
pub(crate) const SESSION: &str = "sess_01HBENCH00000001";

pub(crate) fn fixtures() -> anyhow::Result<Fixtures> {
    let text = format!(
        r#"
[[organization]]
id = "org_bench"
name = "Bench"
tokens = ["{TOKEN}"]
credits = 100000000
rate_limit = {{ requests = 4000000000, window_seconds = 3600 }}

[[organization.session]]
id = "{SESSION}"
transcript = [
  {{ speaker = "agent", start = 0.0, end = 5.0, text = "Thank you for calling, this call may be recorded. How can I help you today?" }},
  {{ speaker = "customer", start = 5.5, end = 12.0, text = "I would like to check the status of my order and the delivery date, please." }},
  {{ speaker = "agent", start = 12.5, end = 19.0, text = "Of course. I will email you the tracking number and the new date today." }},
]
"#
    );
    Ok(Fixtures::parse("bench fixtures", &text)?)
}

struct Figures {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    latency: Histogram<u64>,
}

pub fn run(args: &BenchMockArgs) -> anyhow::Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; for real figures run `cargo run --release -p xtask -- bench-mock`"
        );
    }
    let spec = crate::spec_file::load(&repo_root().join("spec/kallglot.yaml"))?;
    let options = MockOptions {
        fixtures: fixtures()?,
        processing_delay: Duration::ZERO,
        ..MockOptions::default()
    };
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?;
    let running = server.block_on(Mock::new(spec, options).start("127.0.0.1:0"))?;
    let addr = running.addr();
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()?;
    let id = client.block_on(create_one(addr))?;
    println!(
        "embedded mock on {addr}: {} connections, {} s per endpoint, {} server and {} client threads",
        args.connections, args.seconds, args.threads, args.threads
    );
    println!("| endpoint | requests | failures | requests/s | p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let get = Endpoint {
        method: "GET",
        path: format!("/v1/analyses/{id}"),
        body: Bytes::new(),
    };
    let post = Endpoint {
        method: "POST",
        path: format!("/v1/sessions/{SESSION}/analysis"),
        body: Bytes::from_static(br#"{"include": ["summary", "sentiment"]}"#),
    };
    for endpoint in [get, post] {
        let figures = client.block_on(load(
            addr,
            Arc::new(endpoint.clone()),
            args.connections,
            Duration::from_secs(args.seconds),
        ))?;
        let ms = |q: f64| figures.latency.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "| {} {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
            endpoint.method,
            endpoint.path,
            figures.requests,
            figures.failures,
            figures.requests as f64 / figures.elapsed.as_secs_f64(),
            ms(0.5),
            ms(0.9),
            ms(0.99),
            figures.latency.max() as f64 / 1000.0
        );
    }
    server.block_on(running.stop());
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone)]
struct Endpoint {
    method: &'static str,
    path: String,
    body: Bytes,
}

async fn create_one(addr: std::net::SocketAddr) -> anyhow::Result<String> {
    let mut sender = connect(addr).await?;
    let endpoint = Endpoint {
        method: "POST",
        path: format!("/v1/sessions/{SESSION}/analysis"),
        body: Bytes::new(),
    };
    let (status, body) = send(&mut sender, &endpoint).await?;
    if status != 202 {
        bail!("creating the analysis to read answered {status}");
    }
    let value: serde_json::Value = serde_json::from_slice(&body)?;
    value["id"]
        .as_str()
        .map(str::to_owned)
        .context("the create answer has an id")
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: std::net::SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

async fn send(sender: &mut Sender, endpoint: &Endpoint) -> anyhow::Result<(u16, Bytes)> {
    let mut request = Request::builder()
        .method(endpoint.method)
        .uri(&endpoint.path)
        .header("host", "mock")
        .header("authorization", format!("Bearer {TOKEN}"));
    if !endpoint.body.is_empty() {
        request = request.header("content-type", "application/json");
    }
    let request = request.body(Full::new(endpoint.body.clone()))?;
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

async fn load(
    addr: std::net::SocketAddr,
    endpoint: Arc<Endpoint>,
    connections: usize,
    measured: Duration,
) -> anyhow::Result<Figures> {
    let warm_up = Duration::from_secs(1);
    let started = Instant::now();
    let measure_from = started + warm_up;
    let stop_at = measure_from + measured;
    let mut workers = Vec::new();
    for _ in 0..connections {
        let endpoint = Arc::clone(&endpoint);
        workers.push(tokio::spawn(async move {
            let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
            let (mut requests, mut failures) = (0_u64, 0_u64);
            let mut sender = connect(addr).await?;
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    break;
                }
                let outcome = send(&mut sender, &endpoint).await;
                let took = sent.elapsed();
                let ok = matches!(outcome, Ok((200 | 202, _)));
                if sent >= measure_from {
                    requests += 1;
                    if ok {
                        latency.record(took.as_micros().max(1) as u64)?;
                    } else {
                        failures += 1;
                    }
                }
                if outcome.is_err() {
                    sender = connect(addr).await?;
                }
            }
            anyhow::Ok((requests, failures, latency))
        }));
    }
    let mut figures = Figures {
        requests: 0,
        failures: 0,
        elapsed: measured,
        latency: Histogram::new_with_bounds(1, 60_000_000, 3)?,
    };
    for worker in workers {
        let (requests, failures, latency) = worker.await??;
        figures.requests += requests;
        figures.failures += failures;
        figures.latency.add(latency)?;
    }
    Ok(figures)
}
