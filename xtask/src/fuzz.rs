//! `cargo xtask fuzz`: the bounded, deterministic fuzz pass CI runs. Mutants of real specs (the
//! committed ones, and the shared corpus's small ones when it is beside the clone) go through
//! the same entry points as the cargo-fuzz targets under `fuzz/`; any panic or hang fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

use crate::paths::{display, repo_root};

#[derive(clap::Args)]
pub struct FuzzArgs {
    /// Mutants to run.
    #[arg(long, default_value_t = 3000)]
    cases: usize,
    /// Seed of the mutations; the same seed runs the same mutants.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many seconds, whatever is left.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Further specs to mutate (default: `../shared/corpus/real` when present).
    #[arg(long)]
    corpus: Option<PathBuf>,
}

/// Seed specs larger than this are left out: a mutant of a huge spec costs seconds, and the
/// pass wants many.
const LARGEST_SEED: u64 = 60_000;

pub fn run(args: &FuzzArgs) -> anyhow::Result<ExitCode> {
    let root = repo_root();
    let mut dirs = vec![
        root.join("spec"),
        root.join("codegen/tests/fixtures"),
        root.join("conformance/tests/fixtures/real"),
        root.join("conformance/yardstick/specs"),
    ];
    match &args.corpus {
        Some(dir) => dirs.push(dir.clone()),
        None => {
            let shared = root.join("../shared/corpus/real");
            if shared.is_dir() {
                dirs.push(shared);
            } else {
                println!(
                    "no ../shared/corpus/real beside the clone: mutating the committed specs only"
                );
            }
        }
    }
    let mut seeds = Vec::new();
    for dir in &dirs {
        seeds.extend(read_specs(dir)?);
    }
    println!(
        "fuzzing: {} mutants of {} specs, seed {}, at most {} s",
        args.cases,
        seeds.len(),
        args.seed,
        args.seconds
    );
    let report = fuzz_harness::bounded_pass(
        &seeds,
        args.cases,
        args.seed,
        Duration::from_secs(args.seconds),
    );
    println!(
        "{} executions in {:.1} s{}; {} panics, {} slower than {:?}",
        report.executions,
        report.elapsed.as_secs_f64(),
        if report.cut_short {
            " (time budget reached)"
        } else {
            ""
        },
        report.panics.len(),
        report.slow.len(),
        fuzz_harness::SLOW
    );
    for panic in &report.panics {
        println!("panic: {panic}");
    }
    for slow in &report.slow {
        println!("slow: {} took {:.1} s", slow.case, slow.took.as_secs_f64());
    }
    Ok(if report.panics.is_empty() && report.slow.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The specs of `dir` that load and are small enough, as documents.
fn read_specs(dir: &Path) -> anyhow::Result<Vec<(String, Value)>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", display(dir)))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        })
        .collect();
    paths.sort();
    for path in paths {
        let size = std::fs::metadata(&path)
            .map(|m| m.len())
            .unwrap_or(u64::MAX);
        if size > LARGEST_SEED {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", display(&path)))?;
        if let Ok(loaded) = codegen::load(&display(&path), &text) {
            found.push((display(&path), loaded.raw));
        }
    }
    Ok(found)
}
