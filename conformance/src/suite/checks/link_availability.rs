//! `link_availability`: what a successful response links to (an OpenAPI `links` entry, such as
//! `GetAnalysis` from the 202 of a create) exists: following the link with the same credentials
//! answers 2xx. This is "create, then retrieve by the returned id" for any spec that documents
//! its links.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::links::{evaluate, links};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "link_availability",
    summary: "what a successful response links to exists: create, then retrieve by the returned id",
};

/// Successful responses followed per operation.
const FOLLOWED: usize = 2;

pub async fn run(context: &Context<'_>, exchanges: &[Exchange]) {
    follow_links(context, exchanges, context.token(), INFO.name, |status| {
        (200..300).contains(&status)
    })
    .await;
}

/// Follows the links of up to `FOLLOWED` successful responses per operation with `token`,
/// recording under `check` whether `accepted(status)` holds for the linked operation's answer.
pub async fn follow_links(
    context: &Context<'_>,
    exchanges: &[Exchange],
    token: Option<&str>,
    check: &'static str,
    accepted: impl Fn(u16) -> bool,
) {
    let main = context.token();
    for (_, operation) in context.contract.api.served() {
        let successes = exchanges.iter().filter(|e| {
            e.operation == operation.label
                && main.is_none_or(|token| e.carries(token))
                && e.response().is_some_and(|a| (200..300).contains(&a.status))
        });
        for exchange in successes.take(FOLLOWED) {
            let Some(answer) = exchange.response() else {
                continue;
            };
            for link in links(operation, answer.status) {
                let target = &context.contract.api.operations[link.target].label;
                let Some(planner) = context.planner(target) else {
                    continue;
                };
                let mut values = Vec::new();
                let mut missing = None;
                for (name, expression) in &link.parameters {
                    match evaluate(expression, operation, exchange) {
                        Some(value) => values.push((name.clone(), value)),
                        None => missing = Some((name.clone(), expression.to_string())),
                    }
                }
                if let Some((name, expression)) = missing {
                    context.ledger().fail(
                        Finding::new(
                            check,
                            &operation.label,
                            format!(
                                "link {}: {expression} (for `{name}`) has no value in the {} response",
                                link.name, answer.status
                            ),
                        )
                        .schema_path(link.pointer.to_string())
                        .seen_in(exchange),
                    );
                    continue;
                }
                let Some(call) = planner.valid_with(&values, token) else {
                    continue;
                };
                let purpose = format!("following link {} of a {} answer", link.name, answer.status);
                let followed = context.target.send(target, &purpose, call).await;
                let mut ledger = context.ledger();
                match followed.response() {
                    Some(linked) if accepted(linked.status) => {
                        ledger.examined(check, &operation.label)
                    }
                    Some(linked) => ledger.fail(
                        Finding::new(
                            check,
                            &operation.label,
                            format!(
                                "{target} answered {} {}",
                                linked.status,
                                linked.body_excerpt(160)
                            ),
                        )
                        .schema_path(link.pointer.to_string())
                        .seen_in(&followed),
                    ),
                    // No answer at all is not_a_server_error's finding.
                    None => {}
                }
            }
        }
    }
}
