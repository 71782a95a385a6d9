//! A request that passed the generic steps (routing, credentials, admission, parameters and
//! body against their schemas), as a domain behaviour receives it, and who sent it.

use axum::http::HeaderMap;
use codegen::api::Operation;
use serde_json::{Map, Value};

use crate::contract::Contract;

/// Who sent a request, once the credentials checked out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    /// The token (API key, bearer token or password) that was accepted; `None` for anonymous
    /// requests to operations that allow them.
    pub token: Option<String>,
    /// The fixtures' organization of that token.
    pub organization: Option<usize>,
}

/// A request that passed routing, authentication and validation.
#[derive(Debug)]
pub struct ValidRequest<'a> {
    pub contract: &'a Contract,
    pub operation: &'a Operation,
    pub principal: &'a Principal,
    /// The request's path and query as sent (percent-encoded), for links back to it.
    pub raw_path: &'a str,
    pub raw_query: Option<&'a str>,
    /// Parameters by name, typed as their schemas say.
    pub path: Map<String, Value>,
    pub query: Map<String, Value>,
    pub headers: &'a HeaderMap,
    /// The body, parsed when it is JSON or a form.
    pub body: Option<Value>,
    pub request_id: &'a str,
}
