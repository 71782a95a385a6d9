//! `response_schema_conformance`: every JSON body matches the schema documented for its status
//! and media type, with OpenAPI 3.0 semantics (`nullable`, `readOnly`/`writeOnly`, formats,
//! `oneOf`/`allOf`/`anyOf` and discriminators, `additionalProperties`).

use super::{answered, CheckInfo, Context};
use codegen::api::MediaKind;

use crate::schema::Direction;
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "response_schema_conformance",
    summary: "JSON bodies match the schema documented for their status",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    let Some(response) = operation.response_for(answer.status) else {
        return;
    };
    let given = answer.header("content-type").unwrap_or("");
    // The media type the answer claims, else the first JSON one documented (a wrong Content-Type
    // is content_type_conformance's finding, not a reason to skip the body).
    let Some(media) = response
        .media_for(given)
        .filter(|m| matches!(m.kind, MediaKind::Json | MediaKind::JsonLines))
    else {
        return;
    };
    let Some(at) = &media.schema else { return };
    let Some(validator) = context.contract.validator(at, Direction::Response) else {
        return;
    };
    let mut ledger = context.ledger();
    // A JSON lines body is checked line by line, each line a value of the schema.
    let documents: Result<Vec<(String, serde_json::Value)>, (usize, serde_json::Error)> =
        match media.kind {
            MediaKind::JsonLines => String::from_utf8_lossy(&answer.body)
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(index, line)| {
                    serde_json::from_str(line)
                        .map(|value| (format!("/{index}"), value))
                        .map_err(|error| (index + 1, error))
                })
                .collect(),
            _ => serde_json::from_slice(&answer.body)
                .map(|value| vec![(String::new(), value)])
                .map_err(|error| (0, error)),
        };
    let documents = match documents {
        Ok(documents) => documents,
        Err((line, error)) => {
            let which = if line == 0 {
                "body".to_owned()
            } else {
                format!("body's line {line}")
            };
            ledger.fail(
                Finding::new(
                    INFO.name,
                    &exchange.operation,
                    format!(
                        "{} {which} is not JSON ({error}): {}",
                        answer.status,
                        answer.body_excerpt(120)
                    ),
                )
                .schema_path(at.to_string())
                .seen_in(exchange),
            );
            return;
        }
    };
    let violations: Vec<_> = documents
        .iter()
        .flat_map(|(line, body)| {
            validator
                .validate(body)
                .into_iter()
                .map(move |mut violation| {
                    violation.instance_path = format!("{line}{}", violation.instance_path);
                    violation
                })
        })
        .collect();
    if violations.is_empty() {
        ledger.examined(INFO.name, &exchange.operation);
    }
    for violation in violations {
        ledger.fail(
            Finding::new(
                INFO.name,
                &exchange.operation,
                format!("{} body: {}", answer.status, violation.message),
            )
            .schema_path(violation.schema_path)
            .instance_path(violation.instance_path)
            .seen_in(exchange),
        );
    }
}
