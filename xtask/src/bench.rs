//! `cargo xtask bench`: how long generation takes, per spec, as medians of several runs, and per
//! line by OpenAPI version (3.1 documents are rewritten into the 3.0 form while loading, which
//! their figure includes); and optionally how long `cargo check` of each generated crate takes
//! with its dependencies built.
//! Figures only: nothing here passes or fails.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::corpus::{corpus_specs, duplicates};
use crate::paths::repo_root;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Only specs whose path contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Timed runs per spec (after one warm-up).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also time `cargo check` of each generated crate (needs `cargo xtask corpus` to have built
    /// the dependencies in target/corpus first).
    #[arg(long)]
    check: bool,
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; for real figures run `cargo run --release -p xtask -- bench`"
        );
    }
    let runs = args.runs.max(1);
    println!("| spec | version | ops | schemas | lines | load ms | generate ms | µs per op | µs per line | check s |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Load and generation time per generated line, by version.
    let mut per_line: Vec<(codegen::OpenApiVersion, f64)> = Vec::new();
    let specs = corpus_specs()?;
    // A byte-identical copy would only time the same work twice.
    let copies = duplicates(&specs)?;
    for path in specs.iter().filter(|path| !copies.contains_key(*path)) {
        let shown = crate::paths::display(path);
        if args
            .filter
            .as_ref()
            .is_some_and(|filter| !shown.contains(filter.as_str()))
        {
            continue;
        }
        let text = std::fs::read_to_string(path)?;
        let header = "// bench".to_owned();
        let mut loads = Vec::new();
        let mut generations = Vec::new();
        let mut last = None;
        for run in 0..=runs {
            let started = Instant::now();
            let Ok(spec) = codegen::load(&shown, &text) else {
                break;
            };
            let loaded = started.elapsed();
            let started = Instant::now();
            let generated = codegen::generate(
                &spec,
                &codegen::GenerateOptions {
                    header: header.clone(),
                },
            )?;
            let generation = started.elapsed();
            if run > 0 {
                loads.push(loaded);
                generations.push(generation);
            }
            let schemas = spec
                .raw
                .pointer("/components/schemas")
                .and_then(|s| s.as_object())
                .map_or(0, |s| s.len());
            last = Some((generated, schemas, spec.version()));
        }
        let Some((generated, schemas, version)) = last else {
            println!("| {shown} | – | – | – | – | load failed | | | | |");
            continue;
        };
        let (load, generation) = (median(loads), median(generations));
        let per_op = if generated.operation_count == 0 {
            0.0
        } else {
            generation.as_secs_f64() * 1e6 / generated.operation_count as f64
        };
        let lines = generated.source.lines().count();
        let micros_per_line = (load + generation).as_secs_f64() * 1e6 / lines.max(1) as f64;
        per_line.push((version, micros_per_line));
        let check = if args.check {
            check_seconds(path)?.map_or("–".to_owned(), |s| format!("{s:.2}"))
        } else {
            String::new()
        };
        println!(
            "| {shown} | {} | {} | {schemas} | {lines} | {:.2} | {:.2} | {:.0} | {micros_per_line:.2} | {check} |",
            version_label(version),
            generated.operation_count,
            load.as_secs_f64() * 1000.0,
            generation.as_secs_f64() * 1000.0,
            per_op,
        );
    }
    println!();
    for version in [codegen::OpenApiVersion::V3_0, codegen::OpenApiVersion::V3_1] {
        let mut figures: Vec<f64> = per_line
            .iter()
            .filter(|(v, _)| *v == version)
            .map(|(_, micros)| *micros)
            .collect();
        if figures.is_empty() {
            continue;
        }
        figures.sort_by(f64::total_cmp);
        println!(
            "OpenAPI {}: median {:.2} µs per generated line (load and generate), over {} specs",
            version_label(version),
            figures[figures.len() / 2],
            figures.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn version_label(version: codegen::OpenApiVersion) -> &'static str {
    match version {
        codegen::OpenApiVersion::V3_0 => "3.0",
        codegen::OpenApiVersion::V3_1 => "3.1",
    }
}

/// Median of three `cargo check -p <crate>` runs of the corpus crate of `spec`, each after
/// touching its source so that only the crate itself is checked again.
fn check_seconds(spec: &std::path::Path) -> anyhow::Result<Option<f64>> {
    let work_dir = repo_root().join("target/corpus");
    let name = crate::corpus::crate_name_for(spec);
    let lib = work_dir.join("crates").join(&name).join("src/lib.rs");
    if !lib.exists() {
        return Ok(None);
    }
    let mut samples = Vec::new();
    for _ in 0..3 {
        let source = std::fs::read_to_string(&lib)?;
        std::fs::write(&lib, &source)?;
        let started = Instant::now();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--quiet", "-p", &name])
            .current_dir(&work_dir)
            .env("CARGO_TARGET_DIR", work_dir.join("target"))
            .env("CARGO_INCREMENTAL", "0")
            .status()
            .context("running cargo check")?;
        if !status.success() {
            return Ok(None);
        }
        samples.push(started.elapsed());
    }
    Ok(Some(median(samples).as_secs_f64()))
}
