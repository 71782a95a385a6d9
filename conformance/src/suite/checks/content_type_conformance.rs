//! `content_type_conformance`: a response whose status documents content carries a
//! `Content-Type` that is one of the documented media types.

use super::{answered, CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;
use codegen::api::media_matches;

pub const INFO: CheckInfo = CheckInfo {
    name: "content_type_conformance",
    summary: "Content-Type is one of the media types documented for the status",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    let Some(response) = operation.response_for(answer.status) else {
        return;
    };
    if response.content.is_empty() {
        return;
    }
    let given = answer.header("content-type").unwrap_or("");
    let mut ledger = context.ledger();
    if response
        .content
        .iter()
        .any(|media| media_matches(&media.name, given))
    {
        ledger.examined(INFO.name, &exchange.operation);
        return;
    }
    let documented: Vec<&str> = response.content.iter().map(|m| m.name.as_str()).collect();
    let given = if given.is_empty() {
        "no Content-Type"
    } else {
        given
    };
    ledger.fail(
        Finding::new(
            INFO.name,
            &exchange.operation,
            format!(
                "{} answered with {given}; documented: {}",
                answer.status,
                documented.join(", ")
            ),
        )
        .schema_path(response.pointer.join("content").to_string())
        .seen_in(exchange),
    );
}
