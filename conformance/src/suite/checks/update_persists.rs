//! `update_persists`: a `PUT` or `PATCH` the server accepted is what a later read returns.
//! Switched on by a resource the paths describe with an update on its item path.

use serde_json::Value;

use super::created_resource_readable::differences;
use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "update_persists",
    summary: "an accepted PUT or PATCH is what the resource reads back as afterwards",
};

/// Judges the read (`read`) after `updated` sent `sent` and was answered with a 2xx.
pub fn judge(context: &Context<'_>, updated: &Exchange, sent: &Value, read: &Exchange) {
    let Some(answer) = read.response() else {
        return;
    };
    let update = &updated.operation;
    let status = updated.response().map_or(0, |a| a.status);
    let problem = if (200..300).contains(&answer.status) {
        differences(sent, &answer.body)
            .into_iter()
            .next()
            .map(|difference| format!("{} reads otherwise: {difference}", read.operation))
    } else {
        Some(format!(
            "{} answered {} {}",
            read.operation,
            answer.status,
            answer.body_excerpt(160)
        ))
    };
    let mut ledger = context.ledger();
    match problem {
        Some(problem) => ledger.fail(
            Finding::new(
                INFO.name,
                update,
                format!(
                    "accepted with {status} (exchange {}), then {problem}",
                    updated.id
                ),
            )
            .seen_in(read),
        ),
        None => ledger.examined(INFO.name, update),
    }
}
