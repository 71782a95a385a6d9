//! `deleted_resource_gone`: after a `DELETE` the server accepted, the resource reads as 404 (or
//! 410 Gone). Switched on by a resource the paths describe with a `DELETE` and a `GET` on its
//! item path.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "deleted_resource_gone",
    summary: "a resource whose DELETE was accepted reads as 404 or 410 afterwards",
};

/// Judges the read (`read`) after `deleted` was answered with a 2xx.
pub fn judge(context: &Context<'_>, deleted: &Exchange, read: &Exchange) {
    let Some(answer) = read.response() else {
        return;
    };
    let mut ledger = context.ledger();
    if matches!(answer.status, 404 | 410) {
        ledger.examined(INFO.name, &deleted.operation);
        return;
    }
    let status = deleted.response().map_or(0, |a| a.status);
    ledger.fail(
        Finding::new(
            INFO.name,
            &deleted.operation,
            format!(
                "deleted with {status} (exchange {}), but {} still answers {} {}",
                deleted.id,
                read.operation,
                answer.status,
                answer.body_excerpt(160)
            ),
        )
        .seen_in(read),
    );
}
