//! What a run found, for people (a terminal summary), for CI (JUnit XML) and for tools (JSON).
//! Every text goes through the run's [`Redactor`]: no token appears in any of them.

mod json;
mod junit;
mod terminal;

use std::time::Duration;

use super::exchange::{Exchange, Redactor};
use super::outcome::{CheckResult, Verdict};
use super::RunOptions;

pub struct Report {
    pub base_url: String,
    pub seed: u64,
    pub max_examples: usize,
    pub results: Vec<CheckResult>,
    pub exchanges: Vec<Exchange>,
    pub elapsed: Duration,
    /// What the run inferred from the spec and created on the target.
    pub notes: Vec<String>,
    redactor: Redactor,
}

impl Report {
    #[must_use]
    pub fn new(
        base_url: &str,
        options: &RunOptions,
        results: Vec<CheckResult>,
        exchanges: Vec<Exchange>,
        elapsed: Duration,
        redactor: Redactor,
    ) -> Self {
        Self {
            base_url: base_url.to_owned(),
            seed: options.seed,
            max_examples: options.max_examples,
            results,
            exchanges,
            elapsed,
            notes: Vec::new(),
            redactor,
        }
    }

    #[must_use]
    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes = notes;
        self
    }

    fn count(&self, verdict: Verdict) -> usize {
        self.results.iter().filter(|r| r.verdict == verdict).count()
    }

    /// Check × operation pairs that failed.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.count(Verdict::Failed)
    }

    #[must_use]
    pub fn passed(&self) -> usize {
        self.count(Verdict::Passed)
    }

    #[must_use]
    pub fn skipped(&self) -> usize {
        self.count(Verdict::Skipped)
    }

    /// The names of the checks that failed on some operation.
    #[must_use]
    pub fn failed_checks(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed)
            .map(|r| r.check)
            .collect();
        names.dedup();
        names
    }

    fn exchange(&self, id: usize) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.id == id)
    }

    /// A readable summary for a terminal: operation × check, counts, time, then each failure
    /// with the request that shows it.
    #[must_use]
    pub fn terminal(&self) -> String {
        self.redactor.apply(&terminal::render(self))
    }

    /// JUnit XML: one test case per check and operation.
    #[must_use]
    pub fn junit(&self) -> String {
        self.redactor.apply(&junit::render(self))
    }

    /// The whole report as JSON.
    #[must_use]
    pub fn json(&self) -> String {
        self.redactor.apply(&json::render(self))
    }
}
