//! `tenant_isolation`: what one identity created cannot be read, changed or deleted with another
//! identity's credential (`--other-token`): any 2xx is a leak. It follows the same links as
//! `link_availability`, and tries every item operation on each resource the paths describe
//! (see [`crate::suite::resources`]), after which the owner must still read it unchanged.

use super::created_resource_readable::differences;
use super::link_availability::follow_links;
use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "tenant_isolation",
    summary: "another identity cannot read, change or delete what the first one created",
};

pub async fn run(context: &Context<'_>, exchanges: &[Exchange]) {
    let Some(other) = context
        .config
        .other_token
        .as_ref()
        .map(|t| t.expose().to_owned())
    else {
        for (_, operation) in context.contract.api.served() {
            if has_links(context, &operation.label) {
                context.ledger().skip(
                    INFO.name,
                    &operation.label,
                    "needs a second organization's token (--other-token)",
                );
            }
        }
        return;
    };
    follow_links(context, exchanges, Some(&other), INFO.name, |status| {
        !(200..300).contains(&status)
    })
    .await;
}

fn has_links(context: &Context<'_>, operation_id: &str) -> bool {
    context
        .contract
        .operation(operation_id)
        .is_some_and(|operation| operation.responses.iter().any(|r| !r.links.is_empty()))
}

/// Judges the answer to another identity's request on a resource the main one created: any
/// 2xx is a leak.
pub fn judge_foreign(context: &Context<'_>, create: &str, exchange: &Exchange) {
    let Some(answer) = exchange.response() else {
        return;
    };
    let mut ledger = context.ledger();
    if (200..300).contains(&answer.status) {
        ledger.fail(
            Finding::new(
                INFO.name,
                create,
                format!(
                    "another identity's {} {} of what the first one created answered {} {}",
                    exchange.request.method,
                    exchange.operation,
                    answer.status,
                    answer.body_excerpt(160)
                ),
            )
            .seen_in(exchange),
        );
    } else {
        ledger.examined(INFO.name, create);
    }
}

/// Judges the owner's read (`read`) after another identity's refused attempts to change or
/// delete the resource: it must still be there, as the owner left it.
pub fn judge_untouched(
    context: &Context<'_>,
    create: &str,
    sent: Option<&serde_json::Value>,
    read: &Exchange,
) {
    let Some(answer) = read.response() else {
        return;
    };
    let problem = if (200..300).contains(&answer.status) {
        sent.and_then(|sent| differences(sent, &answer.body).into_iter().next())
            .map(|difference| format!("changed by them: {difference}"))
    } else {
        Some(format!(
            "gone for its owner: {} answered {}",
            read.operation, answer.status
        ))
    };
    let mut ledger = context.ledger();
    match problem {
        Some(problem) => ledger.fail(
            Finding::new(
                INFO.name,
                create,
                format!("after another identity's refused requests, the resource is {problem}"),
            )
            .seen_in(read),
        ),
        None => ledger.examined(INFO.name, create),
    }
}
