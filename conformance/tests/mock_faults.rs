//! Every fault of the mock shows: the same scripted session against a mock with one fault and
//! against a faultless mock gives different observations. (Whether the conformance suite names
//! the right check for each fault is the suite's own test.)

mod support;

use std::sync::LazyLock;
use std::time::Duration;

use conformance::mock::{Fault, Faults, MockOptions};
use regex::Regex;
use serde_json::{json, Value};
use support::*;

const SPEC: &str = "spec/kallglot.yaml";

/// What a client sees of an answer, with what differs from run to run (ids, times, request ids)
/// replaced by its shape.
fn observe(label: &str, answer: &Answer) -> String {
    let mut headers: Vec<String> = answer
        .headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            name.starts_with("x-") || name == "content-type" || name == "retry-after"
        })
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("<bytes>");
            let shown = match name.as_str() {
                "x-request-id" => "<request id>".to_owned(),
                "x-ratelimit-reset" | "retry-after" if value.parse::<i64>().is_ok() => {
                    "<seconds>".to_owned()
                }
                // Polling until finished spends a varying share of the window; only the
                // rate-limited token's steps are compared.
                "x-ratelimit-remaining"
                    if !label.starts_with("rate limited") && value.parse::<i64>().is_ok() =>
                {
                    "<n>".to_owned()
                }
                _ => value.to_owned(),
            };
            format!("{name}={shown}")
        })
        .collect();
    headers.sort();
    let body = serde_json::from_slice::<Value>(&answer.body)
        .map(|body| normalize(&body).to_string())
        .unwrap_or_else(|_| String::from_utf8_lossy(&answer.body).into_owned());
    format!("{label}: {} [{}] {body}", answer.status, headers.join(" "))
}

static ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^an[al]_[0-9A-Za-z]+$").expect("a regex"));
static TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}-\d\d-\d\dT").expect("a regex"));
static WAIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+ seconds").expect("a regex"));

fn normalize(value: &Value) -> Value {
    match value {
        Value::String(s) if ID.is_match(s) => json!(format!("<{} id>", &s[..3])),
        Value::String(s) if TIME.is_match(s) => json!("<time>"),
        Value::String(s) if s.starts_with("req_") => json!("<request id>"),
        Value::String(s) if s.starts_with("No analysis ") => json!("No analysis <id>."),
        Value::String(s) => json!(WAIT.replace_all(s, "<n> seconds")),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A session that touches every behaviour a fault can break.
async fn script(faults: Faults) -> Vec<String> {
    // Long enough that "early" is early even with two dozen mocks on two cores.
    let options = MockOptions {
        faults,
        processing_delay: Duration::from_millis(1000),
        ..fast_options()
    };
    let mock = start(SPEC, options).await;
    let caller = Caller::new(&mock);
    let mut seen = Vec::new();
    let created = caller
        .create(
            ACME,
            SESSION,
            Some(json!({"include": ["summary", "sentiment"]})),
        )
        .await;
    seen.push(observe("create", &created));
    let id = created.json_or_null()["id"]
        .as_str()
        .unwrap_or("anl_missing")
        .to_owned();
    let legacy = caller
        .create(ACME, SESSION, Some(json!({"analyses": ["summary"]})))
        .await;
    seen.push(observe("create legacy", &legacy));
    seen.push(observe("retrieve early", &caller.get(ACME, &id).await));
    // Finished, or (for a mock that never finishes) as good as.
    for _ in 0..60 {
        let status = caller.get(ACME, &id).await.json_or_null()["status"].clone();
        if status != json!("processing") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in 0..3 {
        seen.push(observe(
            &format!("retrieve finished {n}"),
            &caller.get(ACME, &id).await,
        ));
    }
    seen.push(observe(
        "retrieve as another organization",
        &caller.get(GLOBEX, &id).await,
    ));
    seen.push(observe(
        "retrieve unknown",
        &caller.get(ACME, "anl_01HNOSUCHANALYSIS").await,
    ));
    seen.push(observe(
        "retrieve longest id",
        &caller.get(ACME, &format!("anl_{}", "0".repeat(60))).await,
    ));
    seen.push(observe(
        "no token",
        &caller
            .send("GET", &format!("/v1/analyses/{id}"), None, None, None)
            .await,
    ));
    seen.push(observe(
        "invalid body",
        &caller
            .create(ACME, SESSION, Some(json!({"include": ["everything"]})))
            .await,
    ));
    seen.push(observe(
        "no transcript",
        &caller.create(ACME, NO_TRANSCRIPT, None).await,
    ));
    seen.push(observe(
        "after a rejection",
        &caller.create(ACME, SESSION, None).await,
    ));
    seen.push(observe(
        "no credits",
        &caller
            .create(NO_CREDITS, "sess_01HUMBRELLA00001", None)
            .await,
    ));
    for n in 0..4 {
        let answer = caller.get(RATE_LIMITED, "anl_01HNOSUCHANALYSIS").await;
        seen.push(observe(&format!("rate limited {n}"), &answer));
    }
    mock.stop().await;
    seen
}

trait JsonOrNull {
    fn json_or_null(&self) -> Value;
}

impl JsonOrNull for Answer {
    fn json_or_null(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_changes_what_a_client_sees() {
    // One mock per fault, all at once: each has its own port and state.
    let runs: Vec<_> = std::iter::once(Faults::none())
        .chain(std::iter::once(Faults::none()))
        .chain(Fault::ALL.into_iter().map(Faults::only))
        .map(|faults| tokio::spawn(script(faults)))
        .collect();
    let mut observed = Vec::new();
    for run in runs {
        observed.push(run.await.expect("the script completes"));
    }
    let baseline = &observed[0];
    assert_eq!(baseline, &observed[1], "the script is deterministic");
    let silent: Vec<&str> = Fault::ALL
        .iter()
        .zip(&observed[2..])
        .filter(|(_, seen)| *seen == baseline)
        .map(|(fault, _)| fault.name())
        .collect();
    assert!(
        silent.is_empty(),
        "faults with no visible effect: {silent:?}"
    );
}
