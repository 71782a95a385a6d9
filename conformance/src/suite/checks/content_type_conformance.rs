//! `content_type_conformance`: a response whose status documents content carries a
//! `Content-Type` that is one of the documented media types.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "content_type_conformance",
    summary: "Content-Type is one of the media types documented for the status",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let (Some(answer), Some(operation)) = (
        exchange.answer(),
        context.api.operation(&exchange.operation),
    ) else {
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
        .schema_path(response.at.join("content").to_string())
        .seen_in(exchange),
    );
}

/// Whether `given` (a Content-Type header) is the documented media type, by essence, with `*`
/// ranges.
#[must_use]
pub fn media_matches(documented: &str, given: &str) -> bool {
    let essence = |text: &str| {
        text.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let (documented, given) = (essence(documented), essence(given));
    if given.is_empty() {
        return false;
    }
    documented == "*/*"
        || documented == given
        || documented
            .strip_suffix("/*")
            .is_some_and(|kind| given.split('/').next() == Some(kind))
}
