//! The bounded pass: a fixed number of mutants of the given specs, each through every entry
//! point, with the same seed giving the same mutants. A panic or a case slower than
//! [`SLOW`] is a finding.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A case that takes longer than this is reported as a hang.
pub const SLOW: Duration = Duration::from_secs(10);

/// What a pass did and found.
#[derive(Debug, Default)]
pub struct PassReport {
    /// Cases run (each through load, generate and validate).
    pub executions: usize,
    /// Each panic: the case and its message.
    pub panics: Vec<String>,
    pub slow: Vec<Slow>,
    pub elapsed: Duration,
    /// Whether the time budget ended the pass before every case ran.
    pub cut_short: bool,
}

#[derive(Debug)]
pub struct Slow {
    pub case: String,
    pub took: Duration,
}

/// Runs `cases` mutants of `seeds` (name, document) through every entry point, stopping at
/// `budget`.
#[must_use]
pub fn bounded_pass(
    seeds: &[(String, Value)],
    cases: usize,
    seed: u64,
    budget: Duration,
) -> PassReport {
    let mut report = PassReport::default();
    if seeds.is_empty() {
        return report;
    }
    let message = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&message);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        *sink.lock().unwrap_or_else(PoisonError::into_inner) = info.to_string();
    }));
    let started = Instant::now();
    for case in 0..cases {
        if started.elapsed() > budget {
            report.cut_short = true;
            break;
        }
        let (name, document) = &seeds[case % seeds.len()];
        let input = bytes(seed, case as u64, 512);
        let label = format!("{name} #{case} (seed {seed})");
        let began = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_case(document, &input)));
        let took = began.elapsed();
        report.executions += 1;
        if outcome.is_err() {
            let text = message
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            report.panics.push(format!("{label}: {text}"));
        }
        if took > SLOW {
            report.slow.push(Slow { case: label, took });
        }
    }
    panic::set_hook(previous);
    report.elapsed = started.elapsed();
    report
}

/// One mutant through every entry point: its text (also cut and with a byte changed) to the
/// loader, the document to the generator, its schemas to the validator.
pub fn run_case(document: &Value, input: &[u8]) {
    let mutant = crate::mutate(document, input);
    let text = mutant.to_string();
    crate::load(&text);
    let cut = input
        .first()
        .map_or(0, |b| usize::from(*b) * text.len() / 256);
    if let Some(prefix) = text.get(..cut) {
        crate::load(prefix);
    }
    crate::generate(&mutant);
    let instance = mutant
        .pointer("/components/examples")
        .cloned()
        .unwrap_or(Value::Null);
    crate::validate(&mutant, &instance);
    crate::validate(&mutant, &mutant);
}

/// `count` bytes from a splitmix64 stream of (`seed`, `case`): deterministic, well spread.
fn bytes(seed: u64, case: u64, count: usize) -> Vec<u8> {
    let mut state = seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(count);
    out
}
