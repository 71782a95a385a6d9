//! `tenant_isolation`: what one organization created cannot be read with another organization's
//! token. Follows the same links as `link_availability`, with `--other-token`: any 2xx is a leak.

use super::link_availability::follow_links;
use super::{CheckInfo, Context};
use crate::suite::exchange::Exchange;

pub const INFO: CheckInfo = CheckInfo {
    name: "tenant_isolation",
    summary: "another organization's token cannot read what the first one created",
};

pub async fn run(context: &Context<'_>, exchanges: &[Exchange]) {
    let Some(other) = context
        .config
        .other_token
        .as_ref()
        .map(|t| t.expose().to_owned())
    else {
        for (_, operation) in context.contract.api.served() {
            if has_links(context, &operation.label) {
                context.ledger().skip(
                    INFO.name,
                    &operation.label,
                    "needs a second organization's token (--other-token)",
                );
            }
        }
        return;
    };
    follow_links(context, exchanges, Some(&other), INFO.name, |status| {
        !(200..300).contains(&status)
    })
    .await;
}

fn has_links(context: &Context<'_>, operation_id: &str) -> bool {
    context
        .contract
        .operation(operation_id)
        .is_some_and(|operation| operation.responses.iter().any(|r| !r.links.is_empty()))
}
