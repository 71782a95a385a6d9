//! `response_schema_conformance`: every JSON body matches the schema documented for its status
//! and media type, with OpenAPI 3.0 semantics (`nullable`, `readOnly`/`writeOnly`, formats,
//! `oneOf`/`allOf`/`anyOf` and discriminators, `additionalProperties`).

use super::{answered, CheckInfo, Context};
use crate::api::{is_json, media_matches};
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
        .content
        .iter()
        .find(|m| is_json(&m.name) && media_matches(&m.name, given))
        .or_else(|| response.content.iter().find(|m| is_json(&m.name)))
    else {
        return;
    };
    let Some(site) = &media.schema else { return };
    let Ok(validator) = site.validator(&context.api.spec) else {
        return;
    };
    let mut ledger = context.ledger();
    let body = match serde_json::from_slice(&answer.body) {
        Ok(body) => body,
        Err(error) => {
            ledger.fail(
                Finding::new(
                    INFO.name,
                    &exchange.operation,
                    format!(
                        "{} body is not JSON ({error}): {}",
                        answer.status,
                        answer.body_excerpt(120)
                    ),
                )
                .schema_path(site.at.to_string())
                .seen_in(exchange),
            );
            return;
        }
    };
    let violations = validator.validate(&body);
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
