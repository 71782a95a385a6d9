//! `negative_data_rejection`: a request that breaks one constraint of the spec (a value of the
//! wrong type, outside its enum, range, length or pattern, a missing required part, an unexpected
//! property where none are allowed, malformed JSON, a media type not documented) is refused with
//! a 4xx, not accepted.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "negative_data_rejection",
    summary: "requests that break a constraint of the spec are refused with a 4xx",
};

/// `violation` is the constraint the request breaks, as the validator named it.
pub fn judge(context: &Context<'_>, exchange: &Exchange, violation: &str) {
    let Some(answer) = exchange.response() else {
        return;
    };
    let mut ledger = context.ledger();
    match answer.status {
        // A 5xx is not_a_server_error's; a 429 says nothing about the request's validity.
        429 | 500.. => {}
        400..=499 => ledger.examined(INFO.name, &exchange.operation),
        status => ledger.fail(
            Finding::new(
                INFO.name,
                &exchange.operation,
                format!("accepted with {status}, although {violation}"),
            )
            .seen_in(exchange),
        ),
    }
}
