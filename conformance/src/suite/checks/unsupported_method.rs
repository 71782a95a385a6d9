//! `unsupported_method`: a method the spec does not document on a path it does is answered 405
//! Method Not Allowed, with the `Allow` header RFC 9110 §15.5.6 requires. On every spec: a
//! server that answers an undocumented method otherwise does something its spec does not say.

use std::collections::BTreeMap;

use codegen::api::{Method, Operation};

use super::{CheckInfo, Context};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "unsupported_method",
    summary: "a method the spec does not document on a path is answered 405 with Allow",
};

/// The methods tried where the spec does not document them, at most [`TRIED`] per path.
const CANDIDATES: [Method; 5] = [
    Method::Patch,
    Method::Delete,
    Method::Put,
    Method::Post,
    Method::Get,
];
const TRIED: usize = 2;

pub async fn run(context: &Context<'_>) {
    let name = INFO.name;
    let mut by_path: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for (_, operation) in context.contract.api.served() {
        by_path
            .entry(operation.path.text())
            .or_default()
            .push(operation);
    }
    for operations in by_path.values() {
        // The request of a documented operation, GET's first, with its method changed.
        let Some(model) = operations
            .iter()
            .find(|o| o.method == Method::Get)
            .or_else(|| operations.first())
        else {
            continue;
        };
        let Some(call) = context
            .planner(&model.label)
            .and_then(|p| p.valid_with(&[], context.token()))
        else {
            continue;
        };
        let documented = |method: Method| operations.iter().any(|o| o.method == method);
        let untried = CANDIDATES.into_iter().filter(|m| !documented(*m));
        for method in untried.take(TRIED) {
            let mut request = call.clone();
            request.method = method.as_str().to_ascii_uppercase();
            if method == Method::Get || method == Method::Delete {
                request.body = None;
                request
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
            }
            let purpose = format!("{} (not documented on this path)", request.method);
            let exchange = context.target.send(&model.label, &purpose, request).await;
            context.mark_probe(exchange.id, super::Probe::UnsupportedMethod);
            let Some(answer) = exchange.response() else {
                continue;
            };
            let problem = match answer.status {
                405 if answer.header("allow").is_none() => {
                    Some("answered 405 without the Allow header".to_owned())
                }
                405 => None,
                status => Some(format!(
                    "answered {status} {}, not 405",
                    answer.body_excerpt(120)
                )),
            };
            let mut ledger = context.ledger();
            match problem {
                Some(problem) => ledger.fail(
                    Finding::new(
                        name,
                        &model.label,
                        format!(
                            "{} {}, which the spec does not document, {problem}",
                            exchange.request.method, model.path
                        ),
                    )
                    .seen_in(&exchange),
                ),
                None => ledger.examined(name, &model.label),
            }
        }
    }
}
