//! The summary a person reads: a table of checks by operation, the totals, then every failure
//! with the spec keyword it breaks and the request (as curl) and answer that show it.

use std::fmt::Write as _;

use super::Report;
use crate::suite::checks::ALL;
use crate::suite::outcome::{CheckResult, Verdict};

/// The characters of a request body the terminal shows; the JSON report keeps it whole.
const BODY_SHOWN: usize = 300;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Conformance of {} (seed {}, up to {} valid requests per operation)\n",
        report.base_url, report.seed, report.max_examples
    );
    let mut operations: Vec<&str> = Vec::new();
    for result in &report.results {
        if !operations.contains(&result.operation.as_str()) {
            operations.push(&result.operation);
        }
    }
    let check_width = ALL.iter().map(|c| c.name.len()).max().unwrap_or(10) + 2;
    let cell_width = operations
        .iter()
        .map(|o| o.len())
        .max()
        .unwrap_or(8)
        .max(12)
        + 2;
    let _ = write!(out, "{:check_width$}", "");
    for operation in &operations {
        let _ = write!(out, "{operation:<cell_width$}");
    }
    out.push('\n');
    for check in ALL {
        let row: Vec<Option<&CheckResult>> = operations
            .iter()
            .map(|op| {
                report
                    .results
                    .iter()
                    .find(|r| r.check == check.name && r.operation == *op)
            })
            .collect();
        if row.iter().all(Option::is_none) {
            continue;
        }
        let _ = write!(out, "{:check_width$}", check.name);
        for cell in row {
            let text = match cell {
                None => "·".to_owned(),
                Some(r) => match r.verdict {
                    Verdict::Passed => format!("✓ {}", r.examined),
                    Verdict::Failed => format!("✗ {} failed", r.findings.len()),
                    Verdict::Skipped => "– skipped".to_owned(),
                },
            };
            let _ = write!(out, "{text:<cell_width$}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} skipped · {} requests in {:.2} s",
        report.passed(),
        report.failed(),
        report.skipped(),
        report.exchanges.len(),
        report.elapsed.as_secs_f64()
    );
    if !report.notes.is_empty() {
        out.push_str("\nLearned and created\n");
        for note in &report.notes {
            let _ = writeln!(out, "· {note}");
        }
    }
    let failures: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .collect();
    if !failures.is_empty() {
        out.push_str("\nFailures\n");
    }
    for result in failures {
        let _ = writeln!(out, "\n✗ {} · {}", result.check, result.operation);
        for finding in &result.findings {
            let _ = writeln!(out, "  {}", finding.message);
            if let Some(purpose) = &finding.purpose {
                let more = match finding.repeats {
                    0 => String::new(),
                    n => format!(" (and {n} more request{})", if n == 1 { "" } else { "s" }),
                };
                let _ = writeln!(out, "    seen in:  {purpose}{more}");
            }
            if let Some(pointer) = &finding.schema_path {
                let _ = writeln!(out, "    spec:     #{pointer}");
            }
            if let Some(pointer) = finding.instance_path.as_ref().filter(|p| !p.is_empty()) {
                let _ = writeln!(out, "    at:       {pointer}");
            }
            if let Some(exchange) = finding.exchange.and_then(|id| report.exchange(id)) {
                let _ = writeln!(
                    out,
                    "    request:  {}",
                    exchange.curl_with_body(&report.redactor, BODY_SHOWN)
                );
                match &exchange.outcome {
                    Ok(answer) => {
                        let _ = writeln!(
                            out,
                            "    answer:   {} {}",
                            answer.status,
                            answer.body_excerpt(300)
                        );
                    }
                    Err(error) => {
                        let _ = writeln!(out, "    answer:   none ({error})");
                    }
                }
            }
        }
    }
    let skips: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Skipped)
        .collect();
    if !skips.is_empty() {
        out.push_str("\nSkipped\n");
        for result in skips {
            let _ = writeln!(
                out,
                "– {} · {}: {}",
                result.check,
                result.operation,
                result.skipped.as_deref().unwrap_or("")
            );
        }
    }
    out
}
