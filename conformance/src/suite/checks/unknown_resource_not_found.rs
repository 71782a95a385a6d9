//! `unknown_resource_not_found`: a retrieval (a GET with path parameters that documents 404) of an
//! identifier that is valid in form but exists nowhere answers 404, in the documented shape.

use codegen::api::{Method, StatusKey};

use super::{made_up_path, CheckInfo, Context};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "unknown_resource_not_found",
    summary: "an identifier valid in form but unknown gets the documented 404",
};

pub async fn run(context: &Context<'_>) {
    for (_, operation) in context.contract.api.served() {
        if operation.method != Method::Get
            || operation
                .response_for(404)
                .is_none_or(|r| r.status != StatusKey::Code(404))
        {
            continue;
        }
        // Made-up values, never the configured ones: those exist.
        let values = made_up_path(context, operation);
        if values.is_empty() {
            continue;
        }
        let Some(call) = context
            .planner(&operation.label)
            .and_then(|planner| planner.valid_with(&values, context.token()))
        else {
            continue;
        };
        let exchange = context
            .target
            .send(
                &operation.label,
                "retrieving an identifier that exists nowhere",
                call,
            )
            .await;
        let Some(answer) = exchange.response() else {
            continue;
        };
        let mut ledger = context.ledger();
        if answer.status == 404 {
            ledger.examined(INFO.name, &operation.label);
        } else if answer.status < 500 {
            ledger.fail(
                Finding::new(
                    INFO.name,
                    &operation.label,
                    format!("answered {} instead of 404", answer.status),
                )
                .schema_path(operation.pointer.join("responses").join("404").to_string())
                .seen_in(&exchange),
            );
        }
    }
}
