//! `response_headers_conformance`: every header documented as required for the status is present,
//! and every documented header that is present matches its schema (a number where the spec says
//! integer, within its bounds).

use codegen::load::{follow, JsonPointer};
use serde_json::{Number, Value};

use super::{answered, CheckInfo, Context};
use crate::schema::Direction;
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "response_headers_conformance",
    summary: "documented headers are present when required and match their schemas",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    let Some(response) = operation.response_for(answer.status) else {
        return;
    };
    if response.headers.is_empty() {
        return;
    }
    let spec = context.contract.as_3_0();
    let mut findings = Vec::new();
    for header in &response.headers {
        let Some(text) = answer.header(&header.name) else {
            if header.required {
                findings.push(
                    Finding::new(
                        INFO.name,
                        &exchange.operation,
                        format!(
                            "{} lacks the required header {}",
                            answer.status, header.name
                        ),
                    )
                    .schema_path(header.pointer.to_string()),
                );
            }
            continue;
        };
        let Some(schema_at) = &header.schema else {
            continue;
        };
        let Some(validator) = context.contract.validator(schema_at, Direction::Response) else {
            continue;
        };
        let value = typed(spec, schema_at, text);
        for violation in validator.validate(&value) {
            findings.push(
                Finding::new(
                    INFO.name,
                    &exchange.operation,
                    format!("header {}: {}", header.name, violation.message),
                )
                .schema_path(violation.schema_path),
            );
        }
    }
    let mut ledger = context.ledger();
    if findings.is_empty() {
        ledger.examined(INFO.name, &exchange.operation);
    }
    for finding in findings {
        ledger.fail(finding.seen_in(exchange));
    }
}

/// A header's text as the JSON value its schema describes (text that is not of the schema's type
/// stays a string, so that validation says what is wrong).
fn typed(spec: &Value, at: &JsonPointer, text: &str) -> Value {
    let kind = follow(spec, at).ok().and_then(|(_, schema)| {
        schema
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let parsed = match kind.as_deref() {
        Some("integer") => text
            .trim()
            .parse::<i64>()
            .ok()
            .map(|n| Value::Number(n.into())),
        Some("number") => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        Some("boolean") => match text.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}
