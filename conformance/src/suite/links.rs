//! Following links: the value a link's runtime expression (`$response.body#/id`,
//! `$request.path.session_id`, …) takes in an exchange, so that the target operation can be
//! called with it. The links themselves, and what their expressions mean, come from the reading
//! of the spec ([`codegen::api::link`]).

use codegen::api::{Expression, Link, Location, Operation};
use serde_json::Value;

use crate::suite::exchange::Exchange;

/// The links of `operation`'s response for `status`.
#[must_use]
pub fn links(operation: &Operation, status: u16) -> &[Link] {
    operation
        .response_for(status)
        .map_or(&[], |response| response.links.as_slice())
}

/// The value of a link parameter for the exchange that called `operation`; `None` when the
/// expression names something the exchange does not have. A value that is no expression is a
/// constant.
#[must_use]
pub fn evaluate(value: &Value, operation: &Operation, exchange: &Exchange) -> Option<Value> {
    let Value::String(text) = value else {
        return Some(value.clone());
    };
    if !text.starts_with('$') {
        return Some(value.clone());
    }
    let answer = exchange.response();
    let body_at = |bytes: &[u8], pointer: &str| -> Option<Value> {
        let body: Value = serde_json::from_slice(bytes).ok()?;
        body.pointer(pointer).cloned()
    };
    let (path, query) = exchange
        .request
        .path
        .split_once('?')
        .unwrap_or((exchange.request.path.as_str(), ""));
    match Expression::parse(text)? {
        Expression::ResponseBody(pointer) => body_at(&answer?.body, &pointer),
        Expression::ResponseHeader(name) => {
            answer?.header(&name).map(|v| Value::String(v.to_owned()))
        }
        Expression::RequestBody(pointer) => body_at(exchange.request.body.as_ref()?, &pointer),
        Expression::RequestParameter(Location::Path, name) => operation
            .path
            .captures(path)?
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, raw)| {
                let decoded = percent_encoding::percent_decode_str(&raw).decode_utf8_lossy();
                Value::String(decoded.into_owned())
            }),
        Expression::RequestParameter(Location::Query, name) => {
            form_urlencoded::parse(query.as_bytes())
                .find(|(n, _)| *n == name)
                .map(|(_, v)| Value::String(v.into_owned()))
        }
        Expression::RequestParameter(_, name) => exchange
            .request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| Value::String(v.clone())),
        Expression::StatusCode => answer.map(|a| Value::from(a.status)),
        Expression::Method => Some(Value::String(exchange.request.method.clone())),
        Expression::Url => Some(Value::String(format!(
            "{}{}",
            exchange.base_url, exchange.request.path
        ))),
    }
}
