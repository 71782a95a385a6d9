//! `rate_limit_consistency`: the rate-limit headers (`X-RateLimit-*`, or the IETF draft's
//! `RateLimit-*`) tell the truth, per identity. `Remaining` lies within `0..=Limit`; within one
//! window (the same reset time), `Remaining` never rises between requests that did not overlap,
//! goes down over several requests one after another, and `Limit` does not change; and a token
//! that spends its window gets 429 by the request after the last one the limit allows.

use std::collections::BTreeMap;

use codegen::api::{Method, StatusKey};

use super::{made_up_path, CheckInfo, Context};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "rate_limit_consistency",
    summary: "rate-limit headers never rise within a window, and a spent window gets 429",
};

/// The rate-limit header families servers send: the `X-RateLimit-*` convention and the IETF
/// draft's `RateLimit-*` fields; a reset is seconds from now (IETF, or any small number) or a
/// Unix time.
const FAMILIES: [Family; 2] = [
    Family {
        limit: "x-ratelimit-limit",
        remaining: "x-ratelimit-remaining",
        reset: "x-ratelimit-reset",
        shown: "X-RateLimit",
    },
    Family {
        limit: "ratelimit-limit",
        remaining: "ratelimit-remaining",
        reset: "ratelimit-reset",
        shown: "RateLimit",
    },
];

struct Family {
    limit: &'static str,
    remaining: &'static str,
    reset: &'static str,
    shown: &'static str,
}

/// One response's reading of a family.
struct Reading<'e> {
    exchange: &'e Exchange,
    limit: Option<i64>,
    remaining: i64,
    /// When the window ends, in seconds since the run started (or Unix time).
    resets_at: Option<f64>,
}

/// The most requests sent to spend a window.
const MOST: u64 = 100;

/// Resets further apart than this are different windows (clocks tick while requests travel).
const SAME_WINDOW_SECONDS: f64 = 1.5;

/// Judges every exchange of the run: the headers of each identity, in the order sent.
pub fn judge(context: &Context<'_>, exchanges: &[Exchange]) {
    let identities: Vec<String> = context.config.secrets();
    for family in &FAMILIES {
        let mut by_identity: BTreeMap<&str, Vec<Reading<'_>>> = BTreeMap::new();
        for exchange in exchanges {
            let Some(identity) = identities.iter().find(|s| exchange.carries(s)) else {
                continue;
            };
            if let Some(reading) = read(family, exchange) {
                by_identity.entry(identity).or_default().push(reading);
            }
        }
        for readings in by_identity.values_mut() {
            readings.sort_by_key(|r| r.exchange.sent_at);
            judge_identity(context, family, readings);
        }
    }
}

fn read<'e>(family: &Family, exchange: &'e Exchange) -> Option<Reading<'e>> {
    let answer = exchange.response()?;
    let number = |header: &str| {
        answer
            .header(header)
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let remaining = number(family.remaining)?;
    let resets_at = number(family.reset).map(|reset| {
        // Seconds from now unless it can only be a Unix time.
        if reset < 1e9 {
            exchange.done_at.as_secs_f64() + reset
        } else {
            reset
        }
    });
    #[allow(clippy::cast_possible_truncation)]
    Some(Reading {
        exchange,
        limit: number(family.limit).map(|l| l as i64),
        remaining: remaining as i64,
        resets_at,
    })
}

fn judge_identity(context: &Context<'_>, family: &Family, readings: &[Reading<'_>]) {
    let name = INFO.name;
    let shown = family.shown;
    let fail = |reading: &Reading<'_>, message: String| {
        context.ledger().fail(
            Finding::new(name, &reading.exchange.operation, message).seen_in(reading.exchange),
        );
    };
    for reading in readings {
        if reading.remaining < 0 || reading.limit.is_some_and(|l| reading.remaining > l) {
            fail(
                reading,
                format!(
                    "{shown}-Remaining {} is outside 0..={shown}-Limit ({:?})",
                    reading.remaining, reading.limit
                ),
            );
        }
    }
    // Runs of successive requests in one window.
    let same_window = |a: &Reading<'_>, b: &Reading<'_>| match (a.resets_at, b.resets_at) {
        (Some(x), Some(y)) => (x - y).abs() <= SAME_WINDOW_SECONDS,
        _ => false,
    };
    let mut run_start = 0;
    for index in 1..=readings.len() {
        let ends = index == readings.len() || !same_window(&readings[index - 1], &readings[index]);
        if !ends {
            let (before, after) = (&readings[index - 1], &readings[index]);
            // Requests that overlapped may have been counted in either order.
            if before.exchange.done_at <= after.exchange.sent_at {
                context.ledger().examined(name, &after.exchange.operation);
                if after.remaining > before.remaining {
                    fail(
                        after,
                        format!(
                            "{shown}-Remaining rose from {} to {} within one window",
                            before.remaining, after.remaining
                        ),
                    );
                }
                if before.limit != after.limit {
                    fail(
                        after,
                        format!(
                            "{shown}-Limit changed from {:?} to {:?} within one window",
                            before.limit, after.limit
                        ),
                    );
                }
            }
            continue;
        }
        let window = &readings[run_start..index];
        run_start = index;
        let apart = window
            .windows(2)
            .filter(|pair| pair[0].exchange.done_at <= pair[1].exchange.sent_at)
            .count();
        let (Some(first), Some(last)) = (window.first(), window.last()) else {
            continue;
        };
        if apart >= COUNTED && first.remaining > 0 && last.remaining >= first.remaining {
            fail(
                last,
                format!(
                    "{shown}-Remaining stayed at {} over {} requests one after another in one window: it does not count them",
                    first.remaining,
                    window.len()
                ),
            );
        }
    }
}

/// Successive requests in one window after which `Remaining` must have gone down.
const COUNTED: usize = 4;

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
        if let Some(given) = FAMILIES
            .iter()
            .find_map(|family| answer.header(family.limit))
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
                        "{sent} requests in one window with a rate limit of {limit}, and no 429"
                    ),
                )
                .schema_path(operation.pointer.join("responses").join("429").to_string())
                .seen_in(&exchange),
            );
            return;
        }
    }
}
