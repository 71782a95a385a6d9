//! `unknown_resource_not_found`: a retrieval (a GET with path parameters that documents 404) of an
//! identifier that is valid in form but exists nowhere answers 404, in the documented shape.

use serde_json::Value;

use super::{CheckInfo, Context};
use crate::api::Location;
use crate::schema::Direction;
use crate::suite::outcome::Finding;
use crate::synth::made_up_value;

pub const INFO: CheckInfo = CheckInfo {
    name: "unknown_resource_not_found",
    summary: "an identifier valid in form but unknown gets the documented 404",
};

pub async fn run(context: &Context<'_>) {
    let spec = &context.api.spec;
    for operation in &context.api.operations {
        if operation.method != "GET"
            || operation
                .response_for(404)
                .is_none_or(|r| r.status != "404")
        {
            continue;
        }
        // Made-up values, never the configured ones: those exist.
        let mut values: Vec<(String, Value)> = Vec::new();
        for parameter in operation
            .parameters
            .iter()
            .filter(|p| p.location == Location::Path)
        {
            let Some(site) = &parameter.schema else {
                continue;
            };
            let Ok(validator) = site.validator(spec) else {
                continue;
            };
            // Not the spec's example: that one may well name a resource that exists.
            let seed = context.seed.wrapping_add(0x5EED);
            if let Some(value) = made_up_value(spec, &site.at, Direction::Request, seed, validator)
            {
                values.push((parameter.name.clone(), value));
            }
        }
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
