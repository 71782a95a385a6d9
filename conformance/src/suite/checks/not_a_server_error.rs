//! `not_a_server_error`: every request, valid or not, gets a whole response, and never a 5xx.

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "not_a_server_error",
    summary: "every request gets a whole response within the limits, and never a 5xx",
};

pub fn check(context: &Context<'_>, exchange: &Exchange) {
    let name = INFO.name;
    let mut ledger = context.ledger();
    match &exchange.outcome {
        Err(error) => ledger
            .fail(Finding::new(name, &exchange.operation, error.to_string()).seen_in(exchange)),
        Ok(answer) if answer.status >= 500 => ledger.fail(
            Finding::new(
                name,
                &exchange.operation,
                format!("answered {} {}", answer.status, answer.body_excerpt(200)),
            )
            .seen_in(exchange),
        ),
        Ok(_) => ledger.examined(name, &exchange.operation),
    }
}
