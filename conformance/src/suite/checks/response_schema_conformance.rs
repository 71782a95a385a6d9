//! `response_schema_conformance`: every JSON body (and every line of a JSON lines body) matches
//! the schema documented for its status and media type, with OpenAPI 3.0 semantics (`nullable`, `readOnly`/`writeOnly`, formats,
//! `oneOf`/`allOf`/`anyOf` and discriminators, `additionalProperties`).

use codegen::api::MediaKind;

use super::{answered, CheckInfo, Context};
use crate::schema::Direction;
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;
use crate::wire::read_json_lines;

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
    let not_json = |which: &str, error: &serde_json::Error| {
        context.ledger().fail(
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
    };
    let violations = match media.kind {
        // A JSON lines body is read line by line.
        MediaKind::JsonLines => match read_json_lines(&answer.body) {
            Ok(lines) => context
                .contract
                .json_lines_violations(at, Direction::Response, &lines),
            Err(wrong) => {
                not_json(&format!("body's line {}", wrong.line), &wrong.error);
                return;
            }
        },
        _ => match serde_json::from_slice(&answer.body) {
            Ok(body) => validator.validate(&body),
            Err(error) => {
                not_json("body", &error);
                return;
            }
        },
    };
    let mut ledger = context.ledger();
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
