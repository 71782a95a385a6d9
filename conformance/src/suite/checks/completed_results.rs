//! `completed_results` (analysis API): a finished analysis carries what the spec promises: a
//! `completed_at` no earlier than `created_at`, and, when it completed, a non-null result for
//! every component the create request asked for (or, when it failed, its `error`).

use codegen::api::AnalysisRole;
use serde_json::Value;

use codegen::load::follow;

use super::long_running_lifecycle::{Ending, Observation};
use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "completed_results",
    summary: "a finished analysis has completed_at and a result for every requested component",
};

/// The field that carries each component of the current request form.
const COMPONENTS: [(&str, &str); 5] = [
    ("summary", "summary"),
    ("sentiment", "sentiment"),
    ("compliance", "compliance"),
    ("keywords", "keywords"),
    ("performance", "performance"),
];
/// The field that carries each analysis type of the earlier request form.
const LEGACY_TYPES: [(&str, &str); 6] = [
    ("sentiment", "sentiment"),
    ("topics", "topics"),
    ("summary", "summary"),
    ("action_items", "action_items"),
    ("quality", "performance"),
    ("compliance", "compliance"),
];

pub fn judge(context: &Context<'_>, observations: &[Observation]) {
    let name = INFO.name;
    let Some(operation) = context.analysis_create(name, &[AnalysisRole::Create]) else {
        return;
    };
    let label = operation.label.as_str();
    let Some(observation) = observations.iter().find(|o| o.operation == label) else {
        let reason = match &operation.long_running {
            None => {
                "the create operation has no `x-long-running` saying how to follow its analysis"
            }
            Some(Err(_)) => {
                "the create operation's `x-long-running` is malformed (the spec's warnings say how)"
            }
            Some(Ok(_)) => "no valid create request could be made up from the spec",
        };
        context.ledger().skip(name, label, reason);
        return;
    };
    let Ending::Terminal(_) = &observation.ending else {
        let reason = match &observation.ending {
            Ending::Unfollowable(reason) => reason.clone(),
            _ => "the analysis did not finish".to_owned(),
        };
        context.ledger().skip(name, label, reason);
        return;
    };
    // The first read that showed the end: what came after is the lifecycle check's business.
    let Some((last, _)) = observation.readings.iter().find(|(_, read)| {
        read.as_deref()
            .is_some_and(|s| observation.extension.is_terminal(s))
    }) else {
        return;
    };
    let Some(body) = last.response().and_then(|a| a.json_body()) else {
        return;
    };
    let status = body
        .pointer(&observation.extension.status)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let status = &status;
    let mut problems = Vec::new();
    let created = body
        .get("created_at")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match body.get("completed_at") {
        Some(Value::String(completed)) => {
            let order = created
                .as_deref()
                .zip(Some(completed.as_str()))
                .and_then(|(c, d)| {
                    Some(
                        chrono::DateTime::parse_from_rfc3339(d).ok()?
                            >= chrono::DateTime::parse_from_rfc3339(c).ok()?,
                    )
                });
            if order == Some(false) {
                problems.push(format!("`completed_at` {completed} is before `created_at`"));
            }
        }
        other => problems.push(format!(
            "`completed_at` is {} on a `{status}` analysis",
            other.map_or_else(|| "absent".to_owned(), Value::to_string)
        )),
    }
    if observation.extension.failed.iter().any(|f| f == status) {
        if body.get("error").is_none_or(Value::is_null) {
            problems.push(format!("a `{status}` analysis has no `error`"));
        }
    } else {
        let request: Value = observation
            .start
            .request
            .body
            .as_ref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        for field in requested_fields(&request) {
            if body.get(field).is_none_or(Value::is_null) {
                problems.push(format!(
                    "`{field}` was requested but is {}",
                    if body.get(field).is_some() {
                        "null"
                    } else {
                        "absent"
                    }
                ));
            }
        }
    }
    let schema = read_schema(context, observation, last);
    let mut ledger = context.ledger();
    if problems.is_empty() {
        ledger.examined(name, label);
    }
    for problem in problems {
        ledger.fail(
            Finding::new(name, label, format!("finished analysis: {problem}"))
                .schema_path(schema.clone())
                .exchange(last.id),
        );
    }
}

/// The schema the polled answer `read` is documented by (where its `$ref` leads), else the
/// polling operation.
fn read_schema(context: &Context<'_>, observation: &Observation, read: &Exchange) -> String {
    let poll = &context.contract.api.operations[observation.extension.poll];
    read.response()
        .and_then(|answer| {
            let media = poll
                .response_for(answer.status)?
                .media_for(answer.header("content-type").unwrap_or_default())?;
            let (at, _) = follow(context.contract.as_3_0(), media.schema.as_ref()?).ok()?;
            Some(at.to_string())
        })
        .unwrap_or_else(|| poll.pointer.to_string())
}

/// The result fields a create body asks for: `include` (every component when absent) or the
/// earlier form's `analyses`.
fn requested_fields(request: &Value) -> Vec<&'static str> {
    if let Some(Value::Array(types)) = request.get("analyses") {
        return LEGACY_TYPES
            .iter()
            .filter(|(kind, _)| types.iter().any(|t| t == kind))
            .map(|(_, field)| *field)
            .collect();
    }
    match request.get("include") {
        Some(Value::Array(components)) => COMPONENTS
            .iter()
            .filter(|(component, _)| components.iter().any(|c| c == component))
            .map(|(_, field)| *field)
            .collect(),
        _ => COMPONENTS.iter().map(|(_, field)| *field).collect(),
    }
}
