//! `conditional_request`: a `GET` whose answer documents an `ETag`, and that documents `304` or an
//! `If-None-Match` parameter, answers a repeat carrying that tag with 304 Not Modified and no
//! body (RFC 9110 §13.1.2). Switched on by what the spec documents, on any spec.

use codegen::api::{Location, Method, Operation, StatusKey};

use super::{CheckInfo, Context};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "conditional_request",
    summary: "a GET repeated with If-None-Match and the ETag it answered with gets 304",
};

/// Whether the spec promises conditional reads on `operation`.
fn documented(operation: &Operation) -> bool {
    let etag = operation.responses.iter().any(|r| {
        r.status.is_2xx()
            && r.headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("etag"))
    });
    let not_modified = operation
        .responses
        .iter()
        .any(|r| r.status == StatusKey::Code(304));
    let if_none_match = operation
        .parameters
        .iter()
        .any(|p| p.location == Location::Header && p.name.eq_ignore_ascii_case("if-none-match"));
    operation.method == Method::Get && etag && (not_modified || if_none_match)
}

pub async fn run(context: &Context<'_>) {
    let name = INFO.name;
    for (_, operation) in context.contract.api.served() {
        if !documented(operation) {
            continue;
        }
        let label = &operation.label;
        let Some(planner) = context.planner(label) else {
            continue;
        };
        let Some(call) = planner.valid_with(&[], context.token()) else {
            context.ledger().skip(
                name,
                label,
                "no valid request could be made up from the spec",
            );
            continue;
        };
        let first = context
            .target
            .send(label, "a read whose ETag is sent back", call.clone())
            .await;
        let Some(answer) = first.response() else {
            continue;
        };
        if !(200..300).contains(&answer.status) {
            context.ledger().skip(
                name,
                label,
                format!("the read was answered {}, not 2xx", answer.status),
            );
            continue;
        }
        let Some(tag) = answer.header("etag").map(str::to_owned) else {
            // A missing documented header is response_headers_conformance's finding.
            continue;
        };
        let repeat = call.header("If-None-Match", tag.clone());
        let second = context
            .target
            .send(label, "the same read with If-None-Match", repeat)
            .await;
        let Some(answer) = second.response() else {
            continue;
        };
        let mut ledger = context.ledger();
        // The resource may have changed in between: a 2xx with another tag is fine.
        let changed = (200..300).contains(&answer.status) && answer.header("etag") != Some(&tag);
        if answer.status == 304 && answer.body.is_empty() || changed {
            ledger.examined(name, label);
        } else {
            let detail = if answer.status == 304 {
                format!("with a body of {} bytes", answer.body.len())
            } else {
                format!("{} {}", answer.status, answer.body_excerpt(120))
            };
            ledger.fail(
                Finding::new(
                    name,
                    label,
                    format!("If-None-Match: {tag} (the ETag it just sent) was answered {detail}, not 304 without a body"),
                )
                .seen_in(&second),
            );
        }
    }
}
