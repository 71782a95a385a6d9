//! `status_code_conformance`: every status the server answers is documented for the operation
//! (exactly, by its range such as `4XX`, or by `default`).

use super::{answered, CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "status_code_conformance",
    summary: "every status is documented for its operation",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let Some((answer, operation)) = answered(context, exchange) else {
        return;
    };
    if operation.responses.is_empty() {
        return;
    }
    // A request sent to be refused may get the refusal HTTP prescribes (401 without
    // credentials, 415 for a media type…) even where the spec forgot to list it: that is the
    // spec's gap, not the server's fault.
    let refused_probe = context
        .probe(exchange.id)
        .is_some_and(|probe| probe.standard_refusal(answer.status));
    let mut ledger = context.ledger();
    if operation.response_for(answer.status).is_some() || refused_probe {
        ledger.examined(INFO.name, &exchange.operation);
        return;
    }
    let documented: Vec<String> = operation
        .responses
        .iter()
        .map(|r| r.status.to_string())
        .collect();
    let location = answer
        .header("location")
        .map(|l| format!(" (redirect to {l})"))
        .unwrap_or_default();
    ledger.fail(
        Finding::new(
            INFO.name,
            &exchange.operation,
            format!(
                "status {}{location} is not documented; documented: {}",
                answer.status,
                documented.join(", ")
            ),
        )
        .schema_path(operation.pointer.join("responses").to_string())
        .seen_in(exchange),
    );
}
