//! OpenAPI links: how a response leads to another operation (`GetAnalysis` from the 202 of a
//! create, with `id: $response.body#/id`), and the runtime expressions that fill the target's
//! parameters.

use codegen::load::{follow, local_ref_target, JsonPointer};
use serde_json::Value;

use crate::api::{Api, Operation};
use crate::mock::routes::PathTemplate;
use crate::suite::exchange::Exchange;

/// One link of a response.
#[derive(Debug, Clone)]
pub struct Link {
    pub name: String,
    pub at: JsonPointer,
    /// The operationId of the target.
    pub target: String,
    /// Parameter name and its runtime expression (or constant).
    pub parameters: Vec<(String, Value)>,
}

/// The links of `operation`'s response for `status`.
#[must_use]
pub fn links(api: &Api, operation: &Operation, status: u16) -> Vec<Link> {
    let Some(response) = operation.response_for(status) else {
        return Vec::new();
    };
    let Some(Value::Object(links)) = api.spec.pointer(&response.at.join("links").to_string())
    else {
        return Vec::new();
    };
    links
        .keys()
        .filter_map(|name| {
            let (at, link) =
                follow(&api.spec, &response.at.join("links").join(name.as_str())).ok()?;
            let target = match (link.get("operationId"), link.get("operationRef")) {
                (Some(Value::String(id)), _) => id.clone(),
                (_, Some(Value::String(reference))) => {
                    let pointer = local_ref_target(reference).ok()?;
                    api.operations
                        .iter()
                        .find(|op| op.at.to_string() == pointer)?
                        .id
                        .clone()
                }
                _ => return None,
            };
            let parameters = link
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            Some(Link {
                name: name.clone(),
                at,
                target,
                parameters,
            })
        })
        .collect()
}

/// The value of a link parameter for the exchange that followed `operation`; `None` when the
/// expression names something the exchange does not have.
#[must_use]
pub fn evaluate(expression: &Value, operation: &Operation, exchange: &Exchange) -> Option<Value> {
    let Value::String(text) = expression else {
        return Some(expression.clone());
    };
    let Some(rest) = text.strip_prefix('$') else {
        return Some(expression.clone());
    };
    let answer = exchange.answer();
    if let Some(pointer) = rest.strip_prefix("response.body") {
        let body: Value = serde_json::from_slice(&answer?.body).ok()?;
        return body
            .pointer(pointer.strip_prefix('#').unwrap_or(pointer))
            .cloned();
    }
    if let Some(name) = rest.strip_prefix("response.header.") {
        return answer?.header(name).map(|v| Value::String(v.to_owned()));
    }
    if let Some(pointer) = rest.strip_prefix("request.body") {
        let body: Value = serde_json::from_slice(exchange.call.body.as_ref()?).ok()?;
        return body
            .pointer(pointer.strip_prefix('#').unwrap_or(pointer))
            .cloned();
    }
    let path = exchange.call.path.split('?').next().unwrap_or("");
    if let Some(name) = rest.strip_prefix("request.path.") {
        let template = PathTemplate::compile(&operation.path)?;
        let found = template.captures(path)?;
        return found
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| Value::String(v));
    }
    if let Some(name) = rest.strip_prefix("request.query.") {
        let query = exchange.call.path.split_once('?').map_or("", |(_, q)| q);
        return form_urlencoded::parse(query.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| Value::String(v.into_owned()));
    }
    if rest == "statusCode" {
        return answer.map(|a| Value::from(a.status));
    }
    None
}
