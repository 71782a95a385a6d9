//! `unknown_resource_not_found`: a retrieval (a GET with path parameters that documents 404) of an
//! identifier that is valid in form but exists nowhere answers 404, in the documented shape.

use super::{made_up_path, CheckInfo, Context};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "unknown_resource_not_found",
    summary: "an identifier valid in form but unknown gets the documented 404",
};

pub async fn run(context: &Context<'_>) {
    for operation in &context.api.operations {
        if operation.method != "GET"
            || operation
                .response_for(404)
                .is_none_or(|r| r.status != "404")
        {
            continue;
        }
        // Made-up values, never the configured ones: those exist.
        let values = made_up_path(context, operation);
        if values.is_empty() {
            continue;
        }
        let Some(call) = context
            .generator(&operation.id)
            .and_then(|g| g.valid_with(&values, context.token()))
        else {
            continue;
        };
        let exchange = context
            .target
            .send(
                &operation.id,
                "retrieving an identifier that exists nowhere",
                call,
            )
            .await;
        let Some(answer) = exchange.answer() else {
            continue;
        };
        let mut ledger = context.ledger();
        if answer.status == 404 {
            ledger.examined(INFO.name, &operation.id);
        } else if answer.status < 500 {
            ledger.fail(
                Finding::new(
                    INFO.name,
                    &operation.id,
                    format!("answered {} instead of 404", answer.status),
                )
                .schema_path(operation.at.join("responses").join("404").to_string())
                .seen_in(&exchange),
            );
        }
    }
}
