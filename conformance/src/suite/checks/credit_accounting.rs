//! `credit_accounting` (analysis API): every accepted create consumes exactly one credit and a
//! refused one none: across two accepted creates (with a refused one between them, when the run
//! knows a session without a transcript) `X-API-Credits-Remaining` falls by exactly one and
//! `X-API-Credits-Used` rises by exactly one.

use serde_json::json;

use super::{CheckInfo, Context, CREATE};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "credit_accounting",
    summary: "an accepted create consumes exactly one credit, a refused one none",
};

const REMAINING: &str = "x-api-credits-remaining";
const USED: &str = "x-api-credits-used";

pub async fn run(context: &Context<'_>) {
    let name = INFO.name;
    let (Some(token), Some(session)) =
        (context.token(), context.config.parameters.get("session_id"))
    else {
        context.ledger().skip(
            name,
            CREATE,
            "needs a token (--token) and a session with a transcript (--session-id)",
        );
        return;
    };
    let Some(planner) = context.planner(CREATE) else {
        return;
    };
    let create = |session: &str| {
        let session = [("session_id".to_owned(), json!(session))];
        planner.request(&session, Some(json!({"include": ["summary"]})), Some(token))
    };
    let (Some(first_call), Some(second_call)) = (create(session), create(session)) else {
        return;
    };
    let first = context
        .target
        .send(CREATE, "first of two accepted creates", first_call)
        .await;
    let refused = match context
        .config
        .analysis
        .no_transcript_session
        .as_deref()
        .and_then(create)
    {
        Some(call) => Some(
            context
                .target
                .send(CREATE, "a create refused between two accepted ones", call)
                .await,
        ),
        None => None,
    };
    let second = context
        .target
        .send(CREATE, "second of two accepted creates", second_call)
        .await;
    let (Some(before), Some(after)) = (balance(&first), balance(&second)) else {
        context.ledger().skip(
            name,
            CREATE,
            "the creates were not both accepted with credit headers",
        );
        return;
    };
    if refused
        .as_ref()
        .is_some_and(|r| r.response().is_some_and(|a| (200..300).contains(&a.status)))
    {
        context.ledger().skip(
            name,
            CREATE,
            "the create on the session without a transcript was accepted",
        );
        return;
    }
    let between = if refused.is_some() {
        " (a refused create between them)"
    } else {
        ""
    };
    let expected = [
        (
            "remaining",
            before.0,
            after.0,
            before.0.saturating_sub(1),
            "X-API-Credits-Remaining",
        ),
        (
            "used",
            before.1,
            after.1,
            before.1 + 1,
            "X-API-Credits-Used",
        ),
    ];
    let mut ledger = context.ledger();
    let mut good = true;
    for (what, was, is, should, header) in expected {
        if is != should {
            good = false;
            ledger.fail(
                Finding::new(
                    name,
                    CREATE,
                    format!("credits {what} went from {was} to {is} across two accepted creates{between}; expected {should}"),
                )
                .schema_path(format!("/components/headers/{header}"))
                .seen_in(&second),
            );
        }
    }
    if good {
        ledger.examined(name, CREATE);
    }
}

/// Credits remaining and used after an accepted create.
fn balance(exchange: &Exchange) -> Option<(u64, u64)> {
    let answer = exchange
        .response()
        .filter(|a| (200..300).contains(&a.status))?;
    Some((
        answer.header(REMAINING)?.parse().ok()?,
        answer.header(USED)?.parse().ok()?,
    ))
}
