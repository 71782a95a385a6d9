//! `positive_data_acceptance`: a request that is valid in every part (checked against the spec
//! before it is sent) is not refused as invalid (400, 413, 415 or 422). Business refusals such as
//! 404 for an unknown id remain allowed.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "positive_data_acceptance",
    summary: "valid requests, including values at the edges of their constraints, are not refused as invalid",
};

/// Statuses that say "your request is malformed".
const INVALID: [u16; 4] = [400, 413, 415, 422];

pub fn judge(context: &Context<'_>, exchange: &Exchange) {
    let Some(answer) = exchange.response() else {
        return;
    };
    let mut ledger = context.ledger();
    if INVALID.contains(&answer.status) {
        ledger.fail(
            Finding::new(
                INFO.name,
                &exchange.operation,
                format!(
                    "refused as invalid with {} {}",
                    answer.status,
                    answer.body_excerpt(200)
                ),
            )
            .seen_in(exchange),
        );
    } else {
        ledger.examined(INFO.name, &exchange.operation);
    }
}
