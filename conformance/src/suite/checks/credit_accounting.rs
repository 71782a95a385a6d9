//! `credit_accounting` (analysis API): every accepted create consumes exactly one credit and a
//! refused one none: across two accepted creates (with a refused one between them, when the run
//! knows a session without a transcript) `X-API-Credits-Remaining` falls by exactly one and
//! `X-API-Credits-Used` rises by exactly one. The create operation and its session parameter
//! are the ones the spec declares (`x-analysis`); the headers are the API's own names.

use codegen::api::{AnalysisRole, Operation};
use serde_json::json;

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "credit_accounting",
    summary: "an accepted create consumes exactly one credit, a refused one none",
};

const REMAINING: &str = "x-api-credits-remaining";
const USED: &str = "x-api-credits-used";

pub async fn run(context: &Context<'_>) {
    let name = INFO.name;
    let needed = [AnalysisRole::Create, AnalysisRole::Session];
    let (Some(operation), Some(parameter)) = (
        context.analysis_create(name, &needed),
        context.analysis.session(&context.contract.api),
    ) else {
        return;
    };
    let label = operation.label.as_str();
    let (Some(token), Some(session)) = (
        context.token(),
        context.config.parameters.get(&parameter.name),
    ) else {
        context.ledger().skip(
            name,
            label,
            "needs a token (--token) and a session with a transcript (--session-id)",
        );
        return;
    };
    let Some(planner) = context.planner(label) else {
        return;
    };
    let key = format!("{}.{}", parameter.location.as_str(), parameter.name);
    let create = |session: &str| {
        let session = [(key.clone(), json!(session))];
        planner.request(&session, Some(json!({"include": ["summary"]})), Some(token))
    };
    let (Some(first_call), Some(second_call)) = (create(session), create(session)) else {
        return;
    };
    let first = context
        .target
        .send(label, "first of two accepted creates", first_call)
        .await;
    let refused = match context
        .config
        .analysis
        .no_transcript_session
        .as_deref()
        .and_then(create)
    {
        Some(call) => Some(
            context
                .target
                .send(label, "a create refused between two accepted ones", call)
                .await,
        ),
        None => None,
    };
    let second = context
        .target
        .send(label, "second of two accepted creates", second_call)
        .await;
    let (Some(before), Some(after)) = (balance(&first), balance(&second)) else {
        context.ledger().skip(
            name,
            label,
            "the creates were not both accepted with credit headers",
        );
        return;
    };
    if refused
        .as_ref()
        .is_some_and(|r| r.response().is_some_and(|a| (200..300).contains(&a.status)))
    {
        context.ledger().skip(
            name,
            label,
            "the create on the session without a transcript was accepted",
        );
        return;
    }
    let between = if refused.is_some() {
        " (a refused create between them)"
    } else {
        ""
    };
    let expected = [
        (
            "remaining",
            before.0,
            after.0,
            before.0.saturating_sub(1),
            REMAINING,
        ),
        ("used", before.1, after.1, before.1 + 1, USED),
    ];
    let mut ledger = context.ledger();
    let mut good = true;
    for (what, was, is, should, header) in expected {
        if is != should {
            good = false;
            ledger.fail(
                Finding::new(
                    name,
                    label,
                    format!("credits {what} went from {was} to {is} across two accepted creates{between}; expected {should}"),
                )
                .schema_path(header_pointer(operation, &second, header))
                .seen_in(&second),
            );
        }
    }
    if good {
        ledger.examined(name, label);
    }
}

/// Where the spec documents `header` on the answer of `exchange`: the Header Object, else the
/// response.
fn header_pointer(operation: &Operation, exchange: &Exchange, header: &str) -> String {
    let status = exchange.response().map_or(0, |a| a.status);
    let Some(response) = operation.response_for(status) else {
        return operation.pointer.join("responses").to_string();
    };
    response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(header))
        .map_or(&response.pointer, |h| &h.pointer)
        .to_string()
}

/// Credits remaining and used after an accepted create.
fn balance(exchange: &Exchange) -> Option<(u64, u64)> {
    let answer = exchange
        .response()
        .filter(|a| (200..300).contains(&a.status))?;
    Some((
        answer.header(REMAINING)?.parse().ok()?,
        answer.header(USED)?.parse().ok()?,
    ))
}
