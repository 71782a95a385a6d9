//! `client_decodes`: the typed client generated from the spec reads every response the server
//! sent: a documented status decodes into the generated success or error type. It catches what
//! a JSON Schema check cannot see, a spec and its generated client drifting apart, and shows the
//! integrators' view of each response.
//!
//! The clients are the crates under `generated/`; the one used is the one that knows every
//! operation of the spec (none for a spec without a generated client here: the check skips).

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

/// The generated clients this build carries, by crate name.
#[cfg(feature = "typed-clients")]
const CLIENTS: [(&str, Decode); 2] = [
    ("kallglot-client", kallglot_client::decode_response),
    ("coaching-client", coaching_client::decode_response),
];

/// The client that knows every operation of the spec, if one does.
#[cfg(feature = "typed-clients")]
fn client_for(context: &Context<'_>) -> Option<(&'static str, Decode)> {
    let probe = || RawResponse::new(StatusCode::IM_A_TEAPOT, Default::default(), Vec::new());
    CLIENTS.into_iter().find(|(_, decode)| {
        context.contract.api.served().next().is_some()
            && context
                .contract
                .api
                .served()
                .all(|(_, operation)| decode(&operation.label, probe()).is_some())
    })
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
    let Some((crate_name, decode)) = client_for(context) else {
        for (_, operation) in context.contract.api.served() {
            context.ledger().skip(
                INFO.name,
                &operation.label,
                "no generated client of this spec in this build",
            );
        }
        return;
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
