//! `client_decodes`: the typed client generated from the spec reads every response the server
//! sent: a documented status decodes into the generated success or error type. It catches what
//! a JSON Schema check cannot see, a spec and its generated client drifting apart, and shows the
//! integrators' view of each response.
//!
//! The clients are the crates under `generated/`; the one used is the one generated from this
//! very spec, whose `SPEC_DIGEST` is the digest of the spec the run holds. A spec that merely
//! shares operationIds with one of them (another API, or an edited copy) has none: the check
//! skips rather than judge its responses by types it does not describe.

#[cfg(feature = "typed-clients")]
use callspec_runtime::{reqwest::StatusCode, Decoded, RawResponse};

use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;
#[cfg(feature = "typed-clients")]
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "client_decodes",
    summary: "the generated typed client decodes every documented response",
};

/// A generated client's decoding entry point.
#[cfg(feature = "typed-clients")]
type Decode = fn(&str, RawResponse) -> Option<Decoded>;

/// The generated clients this build carries: crate name, the digest of the spec each was
/// generated from, and its decoder.
#[cfg(feature = "typed-clients")]
const CLIENTS: [(&str, &str, Decode); 2] = [
    (
        "kallglot-client",
        kallglot_client::SPEC_DIGEST,
        kallglot_client::decode_response,
    ),
    (
        "coaching-client",
        coaching_client::SPEC_DIGEST,
        coaching_client::decode_response,
    ),
];

/// The client generated from the run's spec, or the spec's digest when there is none.
#[cfg(feature = "typed-clients")]
fn client_for(context: &Context<'_>) -> Result<(&'static str, Decode), String> {
    let digest = codegen::spec_digest(&context.contract.spec.raw);
    CLIENTS
        .into_iter()
        .find(|(_, generated_from, _)| *generated_from == digest)
        .map(|(name, _, decode)| (name, decode))
        .ok_or(digest)
}

#[cfg(not(feature = "typed-clients"))]
pub fn check_all(context: &Context<'_>, _exchanges: &[Exchange]) {
    for (_, operation) in context.contract.api.served() {
        context.ledger().skip(
            INFO.name,
            &operation.label,
            "built without the generated clients (feature typed-clients)",
        );
    }
}

#[cfg(feature = "typed-clients")]
pub fn check_all(context: &Context<'_>, exchanges: &[Exchange]) {
    let (crate_name, decode) = match client_for(context) {
        Ok(client) => client,
        Err(digest) => {
            let reason =
                format!("no generated client of this spec in this build (spec digest {digest})");
            for (_, operation) in context.contract.api.served() {
                context
                    .ledger()
                    .skip(INFO.name, &operation.label, reason.clone());
            }
            return;
        }
    };
    for exchange in exchanges {
        let Some(answer) = exchange.response() else {
            continue;
        };
        let Ok(status) = StatusCode::from_u16(answer.status) else {
            continue;
        };
        let response = RawResponse::new(status, answer.headers.clone(), answer.body.clone());
        let mut ledger = context.ledger();
        match decode(&exchange.operation, response) {
            Some(Decoded::Success(_) | Decoded::ErrorResponse(_)) => {
                ledger.examined(INFO.name, &exchange.operation);
            }
            Some(Decoded::InvalidResponsePayload { error, .. }) => ledger.fail(
                Finding::new(
                    INFO.name,
                    &exchange.operation,
                    format!(
                        "{crate_name} cannot read the {} body: {error}",
                        answer.status
                    ),
                )
                .seen_in(exchange),
            ),
            // An undocumented status is status_code_conformance's finding.
            Some(_) | None => {}
        }
    }
}
