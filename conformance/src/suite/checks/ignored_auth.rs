//! `ignored_auth`: an operation that requires credentials refuses a request without them, and one
//! with a token the server cannot know, with 401 (or 403). Where the spec documents 401 for the
//! operation, nothing else will do: not a 2xx, and not another refusal that tells a stranger
//! more than "authenticate first".

use codegen::api::StatusKey;

use super::{answered, CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "ignored_auth",
    summary: "requests without valid credentials are refused with 401",
};

pub fn judge(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    let documents_401 = operation
        .responses
        .iter()
        .any(|r| r.status == StatusKey::Code(401));
    let refused = matches!(answer.status, 401 | 403);
    let mut ledger = context.ledger();
    if refused || (!documents_401 && answer.status >= 400) || answer.status >= 500 {
        ledger.examined(INFO.name, &exchange.operation);
        return;
    }
    ledger.fail(
        Finding::new(
            INFO.name,
            &exchange.operation,
            format!("answered {} instead of 401", answer.status),
        )
        .schema_path(operation.pointer.join("security").to_string())
        .seen_in(exchange),
    );
}
