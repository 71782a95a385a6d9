//! `rate_limit_consistency`: the `X-RateLimit-*` headers tell the truth. Within one window (the
//! same `X-RateLimit-Reset`), `X-RateLimit-Remaining` never rises between requests that did not
//! overlap, and `X-RateLimit-Limit` does not change; and a token that spends its window gets 429
//! by the request after the last one the limit allows.

use std::collections::BTreeMap;

use codegen::api::{Method, StatusKey};

use super::{made_up_path, CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "rate_limit_consistency",
    summary: "rate-limit headers never rise within a window, and a spent window gets 429",
};

const LIMIT: &str = "x-ratelimit-limit";
const REMAINING: &str = "x-ratelimit-remaining";
const RESET: &str = "x-ratelimit-reset";
/// The most requests sent to spend a window.
const MOST: u64 = 100;

/// Judges every exchange of the run (the headers of each token, in the order sent).
pub fn judge(context: &Context<'_>, exchanges: &[Exchange]) {
    let name = INFO.name;
    let mut by_token: BTreeMap<&str, Vec<&Exchange>> = BTreeMap::new();
    for exchange in exchanges {
        if let (Some(token), Some(answer)) = (exchange.bearer(), exchange.response()) {
            if answer.header(REMAINING).is_some() {
                by_token.entry(token).or_default().push(exchange);
            }
        }
    }
    for list in by_token.values_mut() {
        list.sort_by_key(|e| e.sent_at);
        for pair in list.windows(2) {
            let [before, after] = pair else { continue };
            // Requests that overlapped may have been counted in either order.
            if before.done_at > after.sent_at {
                continue;
            }
            let (Some(a), Some(b)) = (before.response(), after.response()) else {
                continue;
            };
            let number = |answer: &crate::http::Response, header: &str| {
                answer
                    .header(header)
                    .and_then(|v| v.trim().parse::<i64>().ok())
            };
            if a.header(RESET) != b.header(RESET) || a.header(RESET).is_none() {
                continue;
            }
            let mut ledger = context.ledger();
            ledger.examined(name, &after.operation);
            if let (Some(x), Some(y)) = (number(a, REMAINING), number(b, REMAINING)) {
                if y > x {
                    ledger.fail(
                        Finding::new(
                            name,
                            &after.operation,
                            format!("X-RateLimit-Remaining rose from {x} to {y} within one window (same X-RateLimit-Reset)"),
                        )
                        .schema_path("/components/headers/X-RateLimit-Remaining")
                        .exchange(after.id),
                    );
                }
            }
            if number(a, LIMIT) != number(b, LIMIT) {
                ledger.fail(
                    Finding::new(
                        name,
                        &after.operation,
                        format!(
                            "X-RateLimit-Limit changed from {:?} to {:?} within one window",
                            a.header(LIMIT),
                            b.header(LIMIT)
                        ),
                    )
                    .exchange(after.id),
                );
            }
        }
    }
}

/// Spends the window of the rate-limited token (`[analysis] rate_limited_token`) on a cheap
/// retrieval, and expects a 429 by the request after the limit.
pub async fn spend_a_window(context: &Context<'_>) {
    let name = INFO.name;
    let Some((_, operation)) = context.contract.api.served().find(|(_, op)| {
        op.method == Method::Get
            && op
                .responses
                .iter()
                .any(|r| r.status == StatusKey::Code(429))
    }) else {
        return;
    };
    let Some(token) = context
        .config
        .analysis
        .rate_limited_token
        .as_ref()
        .map(|t| t.expose().to_owned())
    else {
        context.ledger().skip(
            name,
            &operation.label,
            "needs a token with a small rate limit ([analysis] rate_limited_token) to see a 429",
        );
        return;
    };
    let values = made_up_path(context, operation);
    let Some(call) = context
        .planner(&operation.label)
        .and_then(|planner| planner.valid_with(&values, Some(&token)))
    else {
        return;
    };
    let mut limit = MOST;
    let mut sent = 0;
    while sent <= limit {
        sent += 1;
        let exchange = context
            .target
            .send(
                &operation.label,
                "spending the rate-limited token's window",
                call.clone(),
            )
            .await;
        let Some(answer) = exchange.response() else {
            return;
        };
        if answer.status == 429 {
            context.ledger().examined(name, &operation.label);
            return;
        }
        if let Some(given) = answer
            .header(LIMIT)
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            limit = given.min(MOST);
        }
        if sent > limit {
            context.ledger().fail(
                Finding::new(
                    name,
                    &operation.label,
                    format!(
                        "{sent} requests in one window with X-RateLimit-Limit {limit}, and no 429"
                    ),
                )
                .schema_path(operation.pointer.join("responses").join("429").to_string())
                .seen_in(&exchange),
            );
            return;
        }
    }
}
