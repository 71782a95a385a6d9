//! `access_rules` (analysis API): each access rule of the create operation yields its documented
//! status and error code: another organization's session 404 `session_not_found`, a session
//! without a transcript 409 `transcript_unavailable`, an inactive subscription 403
//! `subscription_inactive`, no credits left 402 `insufficient_credits`. A rule whose inputs the
//! run was not given is skipped.

use codegen::api::AnalysisRole;
use serde_json::json;

use super::{CheckInfo, Context};
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "access_rules",
    summary: "each access rule of a create yields its documented status and error code",
};

/// A rule: what it is, the token and session that break it, and the documented answer.
type Rule<'a> = (&'a str, Option<(String, String)>, u16, &'a str);

pub async fn run(context: &Context<'_>) {
    let name = INFO.name;
    let needed = [AnalysisRole::Create, AnalysisRole::Session];
    let (Some(operation), Some(parameter)) = (
        context.analysis_create(name, &needed),
        context.analysis.session(&context.contract.api),
    ) else {
        return;
    };
    let label = operation.label.as_str();
    let Some(planner) = context.planner(label) else {
        return;
    };
    let key = format!("{}.{}", parameter.location.as_str(), parameter.name);
    let fixtures = &context.config.analysis;
    let main = context.token().map(str::to_owned);
    let rules: [Rule<'_>; 4] = [
        (
            "another organization's session",
            main.clone()
                .zip(fixtures.other_organization_session.clone()),
            404,
            "session_not_found",
        ),
        (
            "a session without a transcript",
            main.zip(fixtures.no_transcript_session.clone()),
            409,
            "transcript_unavailable",
        ),
        (
            "an inactive subscription",
            fixtures
                .inactive_subscription
                .as_ref()
                .map(|p| (p.token.expose().to_owned(), p.session_id.clone())),
            403,
            "subscription_inactive",
        ),
        (
            "no credits left",
            fixtures
                .no_credits
                .as_ref()
                .map(|p| (p.token.expose().to_owned(), p.session_id.clone())),
            402,
            "insufficient_credits",
        ),
    ];
    let mut missing = Vec::new();
    for (rule, inputs, status, code) in rules {
        let Some((token, session)) = inputs else {
            missing.push(rule);
            continue;
        };
        let session = [(key.clone(), json!(session))];
        let Some(call) = planner.request(
            &session,
            Some(json!({"include": ["summary"]})),
            Some(&token),
        ) else {
            continue;
        };
        let exchange = context
            .target
            .send(label, &format!("a create for {rule}"), call)
            .await;
        let Some(answer) = exchange.response() else {
            continue;
        };
        let given = answer.json_body().and_then(|b| {
            b.pointer("/error/code")
                .and_then(|c| c.as_str())
                .map(str::to_owned)
        });
        let mut ledger = context.ledger();
        if answer.status == status && given.as_deref() == Some(code) {
            ledger.examined(name, label);
        } else {
            ledger.fail(
                Finding::new(
                    name,
                    label,
                    format!(
                        "a create for {rule} answered {} {}; the spec says {status} {code}",
                        answer.status,
                        given.unwrap_or_else(|| "(no error code)".into())
                    ),
                )
                .schema_path(
                    operation
                        .pointer
                        .join("responses")
                        .join(status.to_string())
                        .to_string(),
                )
                .seen_in(&exchange),
            );
        }
    }
    if !missing.is_empty() {
        let reason = format!(
            "no inputs for: {} (see [analysis] in --config)",
            missing.join(", ")
        );
        context.ledger().skip(name, label, reason);
    }
}
