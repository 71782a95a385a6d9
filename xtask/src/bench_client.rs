//! `cargo xtask bench-client`: what the generated client costs over a hand-written reqwest call,
//! on `GET /v1/analyses/{id}` against the embedded mock on loopback. Both decode into the same
//! generated `Analysis` type, so the difference is the generated method's own work (URL,
//! credentials, status dispatch, typed headers). Figures only: nothing here passes or fails.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use conformance::mock::{Mock, MockOptions};
use kallglot_client::types::{Analysis, AnalysisId, SessionId};
use kallglot_client::Client;

use crate::bench_mock::{self, SESSION, TOKEN};
use crate::paths::repo_root;

#[derive(clap::Args)]
pub struct BenchClientArgs {
    /// Requests per batch; batches alternate between the two clients.
    #[arg(long, default_value_t = 2000)]
    batch: usize,
    /// Batches per client.
    #[arg(long, default_value_t = 9)]
    batches: usize,
}

pub fn run(args: &BenchClientArgs) -> anyhow::Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; for real figures run `cargo run --release -p xtask -- bench-client`"
        );
    }
    let spec = crate::spec_file::load(&repo_root().join("spec/kallglot.yaml"))?;
    let fixtures = bench_mock::fixtures()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let options = MockOptions {
            fixtures,
            processing_delay: Duration::ZERO,
            ..MockOptions::default()
        };
        let mock = Mock::new(spec, options).start("127.0.0.1:0").await?;
        let base = mock.base_url();
        let http = reqwest::Client::new();
        let generated = Client::with_client(base.clone(), http.clone()).with_bearer_auth(TOKEN);
        let created = generated
            .create_analysis(&SessionId::new(SESSION)?, None)
            .await
            .context("creating the analysis to read")?;
        let id: AnalysisId = created.into_inner().id;
        let url = format!("{base}/v1/analyses/{id}");
        let mut by_generated = Vec::new();
        let mut by_hand = Vec::new();
        // One warm-up batch each, then alternating batches, so drift hits both alike.
        for round in 0..=args.batches {
            let started = Instant::now();
            for _ in 0..args.batch {
                let analysis = generated.get_analysis(&id).await?;
                std::hint::black_box(analysis);
            }
            let generated_batch = started.elapsed();
            let started = Instant::now();
            for _ in 0..args.batch {
                let response = http.get(&url).bearer_auth(TOKEN).send().await?;
                if !response.status().is_success() {
                    bail!("the hand-written call got {}", response.status());
                }
                let bytes = response.bytes().await?;
                let analysis: Analysis = serde_json::from_slice(&bytes)?;
                std::hint::black_box(analysis);
            }
            let hand_batch = started.elapsed();
            if round > 0 {
                by_generated.push(generated_batch);
                by_hand.push(hand_batch);
            }
        }
        mock.stop().await;
        let per_request = |batch: Duration| batch.as_secs_f64() * 1e6 / args.batch as f64;
        let ratios: Vec<f64> = by_generated
            .iter()
            .zip(&by_hand)
            .map(|(g, h)| g.as_secs_f64() / h.as_secs_f64())
            .collect();
        println!(
            "GET /v1/analyses/{{id}} on loopback, {} batches of {} requests each way",
            args.batches, args.batch
        );
        println!("| client | median µs per request |");
        println!("|---|---:|");
        println!(
            "| generated `get_analysis` | {:.1} |",
            per_request(median(by_generated))
        );
        println!(
            "| hand-written reqwest + serde | {:.1} |",
            per_request(median(by_hand))
        );
        println!(
            "median ratio generated / hand-written, batch by batch: {:.3} (min {:.3}, max {:.3})",
            median_f64(ratios.clone()),
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            ratios.iter().copied().fold(0.0, f64::max)
        );
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn median_f64(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
