//! The report as JSON, for tools: the run's parameters, every check result with its findings,
//! and the requests the findings refer to (as curl commands, with their answers).

use serde_json::{json, Value};

use super::Report;

pub fn render(report: &Report) -> String {
    let referenced: Vec<Value> = report
        .exchanges
        .iter()
        .filter(|exchange| {
            report
                .results
                .iter()
                .flat_map(|r| &r.findings)
                .any(|f| f.exchange == Some(exchange.id))
        })
        .map(|exchange| {
            let answer = match &exchange.outcome {
                Ok(answer) => json!({"status": answer.status, "body": answer.body_excerpt(2000)}),
                Err(error) => json!({"error": error.to_string()}),
            };
            json!({
                "id": exchange.id,
                "operation": exchange.operation,
                "purpose": exchange.purpose,
                "curl": exchange.curl(&report.redactor),
                "answer": answer,
            })
        })
        .collect();
    let document = json!({
        "base_url": report.base_url,
        "seed": report.seed,
        "max_examples": report.max_examples,
        "elapsed_seconds": report.elapsed.as_secs_f64(),
        "requests": report.exchanges.len(),
        "passed": report.passed(),
        "failed": report.failed(),
        "skipped": report.skipped(),
        "notes": report.notes,
        "results": report.results,
        "exchanges": referenced,
    });
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".into())
}
