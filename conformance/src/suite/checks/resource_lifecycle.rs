//! The life of one resource of each kind the spec's paths describe (see
//! [`crate::suite::resources`]): created, read back, tried by another identity, updated, read
//! again, deleted, read once more. Its exchanges are judged by `created_resource_readable`,
//! `tenant_isolation`, `update_persists` and `deleted_resource_gone`; a step that cannot happen
//! (no identifier in the create's answer, no second identity, an update refused) skips the
//! checks that need it, with the reason.
//!
//! Before the rest of the run, [`seed`] creates one resource of each kind, so that requests to
//! item paths name something that exists instead of a made-up identifier.

use serde_json::Value;

use super::{
    created_resource_readable, deleted_resource_gone, tenant_isolation, update_persists, Context,
};
use crate::suite::exchange::Exchange;
use crate::suite::plan::Planner;
use crate::suite::resources::Resource;

/// Creates one resource of each kind and remembers its identifier for every later request.
pub async fn seed(context: &Context<'_>) {
    for resource in &context.resources {
        context.note(format!("inferred: {}", resource.inference()));
        let Some(created) = create(
            context,
            resource,
            "a resource for the rest of the run",
            &[0, 1, 2],
        )
        .await
        else {
            continue;
        };
        if let Some(id) = created.id {
            context.note(format!(
                "created {} = {id} ({}, exchange {}), used by later requests",
                resource.parameter, resource.create, created.exchange.id
            ));
            context
                .learned
                .remember(&resource.item, &resource.parameter, id);
        }
    }
}

/// Plays each resource's life.
pub async fn run(context: &Context<'_>) {
    use futures_util::StreamExt as _;
    // Each life is a sequence; different resources' lives do not depend on each other.
    futures_util::stream::iter(&context.resources)
        .for_each_concurrent(context.concurrency, |resource| life(context, resource))
        .await;
}

struct Created {
    exchange: Exchange,
    sent: Option<Value>,
    id: Option<Value>,
}

/// Creates a resource with the bodies of `variants` in turn until one is accepted: a server may
/// refuse a second resource like the first (a unique name taken), so the spec's example is not
/// always enough.
async fn create(
    context: &Context<'_>,
    resource: &Resource,
    purpose: &str,
    variants: &[u64],
) -> Option<Created> {
    let planner = context.planner(&resource.create)?;
    let mut last = None;
    let mut tried = std::collections::BTreeSet::new();
    for variant in variants {
        let sent = planner.body(*variant);
        if !tried.insert(format!("{sent:?}")) {
            continue;
        }
        let Some(call) = planner.request(&[], sent.clone(), context.token()) else {
            continue;
        };
        let exchange = context.target.send(&resource.create, purpose, call).await;
        let id = resource.identifier(context.contract, &exchange);
        let refused = exchange
            .response()
            .is_some_and(|a| matches!(a.status, 400 | 409 | 422));
        last = Some(Created { exchange, sent, id });
        if !refused {
            break;
        }
    }
    last
}

/// Sends `operation` on the item `id` with `token` (and `body`).
async fn on_item(
    context: &Context<'_>,
    resource: &Resource,
    operation: &str,
    id: &Value,
    body: Option<Value>,
    token: Option<&str>,
    purpose: &str,
) -> Option<Exchange> {
    let planner = context.planner(operation)?;
    let name = format!("path.{}", resource.parameter);
    let call = planner.request(&[(name, id.clone())], body, token)?;
    Some(context.target.send(operation, purpose, call).await)
}

async fn life(context: &Context<'_>, resource: &Resource) {
    let checks = [
        created_resource_readable::INFO.name,
        tenant_isolation::INFO.name,
        update_persists::INFO.name,
        deleted_resource_gone::INFO.name,
    ];
    let skip_all = |reason: &str| {
        for check in checks {
            context.ledger().skip(check, &resource.create, reason);
        }
    };
    let Some(created) = create(
        context,
        resource,
        "a resource to follow through its life",
        &[1, 2, 3, 0],
    )
    .await
    else {
        return skip_all("no valid create request could be made up from the spec");
    };
    let status = created.exchange.response().map(|a| a.status);
    if !status.is_some_and(|s| (200..300).contains(&s)) {
        let answer = status.map_or("no answer".to_owned(), |s| format!("{s}"));
        return skip_all(&format!("the create was answered {answer}, not 2xx"));
    }
    let Some(id) = created.id.clone() else {
        return skip_all(&format!(
            "the create's answer gives no `{}` the spec accepts ({})",
            resource.parameter,
            resource.inference()
        ));
    };
    let sent = created.sent.as_ref();
    let main = context.token();
    let read = |purpose: &'static str| {
        let id = id.clone();
        async move {
            match &resource.read {
                Some(read) => on_item(context, resource, read, &id, None, main, purpose).await,
                None => None,
            }
        }
    };

    match read("reading back what was created").await {
        Some(readback) => created_resource_readable::judge(
            context,
            &resource.create,
            &created.exchange,
            sent,
            &readback,
        ),
        None => context.ledger().skip(
            created_resource_readable::INFO.name,
            &resource.create,
            format!("no GET on {}", resource.item),
        ),
    }

    isolation(context, resource, &id, sent).await;

    for update in &resource.updates {
        let body = context
            .planner(update)
            .and_then(|p| changing_body(&p, created.sent.as_ref()));
        let Some(body_sent) = body.clone() else {
            context.ledger().skip(
                update_persists::INFO.name,
                update,
                "no valid body could be made up from the spec",
            );
            continue;
        };
        let purpose = "updating what was created";
        let Some(updated) = on_item(context, resource, update, &id, body, main, purpose).await
        else {
            continue;
        };
        let status = updated.response().map_or(0, |a| a.status);
        if !(200..300).contains(&status) {
            context.ledger().skip(
                update_persists::INFO.name,
                update,
                format!("the update was answered {status}, not 2xx"),
            );
            continue;
        }
        match read("reading back what was updated").await {
            Some(readback) => update_persists::judge(context, &updated, &body_sent, &readback),
            None => context.ledger().skip(
                update_persists::INFO.name,
                update,
                format!("no GET on {}", resource.item),
            ),
        }
    }

    let Some(delete) = &resource.delete else {
        return;
    };
    let purpose = "deleting what was created";
    let Some(deleted) = on_item(context, resource, delete, &id, None, main, purpose).await else {
        return;
    };
    let status = deleted.response().map_or(0, |a| a.status);
    if !(200..300).contains(&status) {
        context.ledger().skip(
            deleted_resource_gone::INFO.name,
            delete,
            format!("the delete was answered {status}, not 2xx"),
        );
        return;
    }
    context.note(format!(
        "created {} = {id} ({}) and deleted it",
        resource.parameter, resource.create
    ));
    match read("reading what was deleted").await {
        Some(readback) => deleted_resource_gone::judge(context, &deleted, &readback),
        None => context.ledger().skip(
            deleted_resource_gone::INFO.name,
            delete,
            format!("no GET on {}", resource.item),
        ),
    }
}

/// A valid update body that changes something the create sent (else an update that stores
/// nothing would read back the same), or any valid one.
fn changing_body(planner: &Planner<'_>, created: Option<&Value>) -> Option<Value> {
    let bodies: Vec<Value> = (0..4).filter_map(|variant| planner.body(variant)).collect();
    let created = created.and_then(|c| serde_json::to_vec(c).ok());
    let changes = |body: &Value| {
        created
            .as_ref()
            .is_none_or(|created| !created_resource_readable::differences(body, created).is_empty())
    };
    bodies
        .iter()
        .find(|body| changes(body))
        .or_else(|| bodies.first())
        .cloned()
}

/// Another identity tries every item operation; the owner then reads the resource, which must
/// be there as it was.
async fn isolation(context: &Context<'_>, resource: &Resource, id: &Value, sent: Option<&Value>) {
    let create = &resource.create;
    let Some(other) = context.config.other_token.as_ref().map(|t| t.expose()) else {
        context.ledger().skip(
            tenant_isolation::INFO.name,
            create,
            "needs a second identity's credential (--other-token)",
        );
        return;
    };
    let item_operations = resource
        .read
        .iter()
        .chain(&resource.updates)
        .chain(&resource.delete);
    let mut tried = false;
    for operation in item_operations {
        let anonymous = context
            .contract
            .operation(operation)
            .is_some_and(|o| o.security.allows_anonymous());
        if anonymous {
            continue;
        }
        let body = context
            .planner(operation)
            .and_then(|p| p.body(1).or_else(|| p.body(0)));
        let purpose = "another identity on what the first one created";
        if let Some(exchange) =
            on_item(context, resource, operation, id, body, Some(other), purpose).await
        {
            tenant_isolation::judge_foreign(context, create, &exchange);
            tried = true;
        }
    }
    if !tried {
        return;
    }
    if let Some(read) = &resource.read {
        let purpose = "the owner reading after another identity's attempts";
        if let Some(readback) =
            on_item(context, resource, read, id, None, context.token(), purpose).await
        {
            tenant_isolation::judge_untouched(context, create, sent, &readback);
        }
    }
}
