//! Behaviour beyond what a spec can say: who a token belongs to, rate limits, state kept across
//! requests. The generic mock asks its [`Domain`] at each step of a request; [`Generic`] answers
//! as any spec allows, and an API's own behaviour (the analysis API's, say) answers as that API
//! would.

use axum::http::HeaderMap;
use codegen::api::Operation;

use super::canned;
use super::fixtures::Fixtures;
use super::paging;
use super::problem::{self, Problem};
use super::valid_request::{Principal, ValidRequest};
use crate::contract::Contract;
use crate::http::Response;

/// What an API's behaviour adds to the generic mock. Every method has the generic answer as its
/// default.
pub trait Domain: Send + Sync + 'static {
    /// The name `cargo xtask mock` prints.
    fn name(&self) -> &'static str;

    /// The largest request body accepted (413 beyond).
    fn max_body_bytes(&self) -> usize {
        1 << 20
    }

    /// Checks the secrets the request presented for one of the operation's security
    /// alternatives (all of them present); refuses with 401 otherwise.
    fn authenticate(&self, operation: &Operation, secrets: &[String])
        -> Result<Principal, Problem>;

    /// Admits the request or refuses it (rate limits); the headers returned go on every response
    /// to the request from here on.
    fn admit(&self, _operation: &Operation, _principal: &Principal) -> Result<HeaderMap, Problem> {
        Ok(HeaderMap::new())
    }

    /// Whether request bodies are validated against their schemas.
    fn validates_bodies(&self) -> bool {
        true
    }

    /// The answer to a valid request; the generic answer is the spec's example for the first
    /// documented success status.
    fn respond(&self, request: &ValidRequest<'_>) -> Response {
        canned::reply(request)
    }

    /// A refusal, written as the spec documents it for that status.
    fn render_problem(
        &self,
        contract: &Contract,
        operation: Option<&Operation>,
        problem: &Problem,
        request_id: &str,
    ) -> Response {
        problem::render(contract, operation, problem, request_id)
    }

    /// The last look at every reply before it is sent.
    fn finish(&self, _operation: Option<&Operation>, _reply: &mut Response) {}
}

/// The behaviour any spec allows: tokens of the fixtures are accepted, answers are the spec's
/// examples, and a list that pages is served one page at a time.
#[derive(Debug)]
pub struct Generic {
    fixtures: Fixtures,
}

impl Generic {
    #[must_use]
    pub fn new(fixtures: Fixtures) -> Self {
        Self { fixtures }
    }
}

impl Domain for Generic {
    fn name(&self) -> &'static str {
        "generic"
    }

    fn authenticate(
        &self,
        _operation: &Operation,
        secrets: &[String],
    ) -> Result<Principal, Problem> {
        authenticate_with(&self.fixtures, secrets)
    }

    fn respond(&self, request: &ValidRequest<'_>) -> Response {
        paging::reply(request).unwrap_or_else(|| canned::reply(request))
    }
}

/// Accepts the secrets when every one is a token of the fixtures; the organization is the first
/// secret's.
pub fn authenticate_with(fixtures: &Fixtures, secrets: &[String]) -> Result<Principal, Problem> {
    if secrets.is_empty() {
        return Err(unauthorized("Missing credentials."));
    }
    let mut organization = None;
    for secret in secrets {
        match fixtures.organization_of_token(secret) {
            Some(found) => {
                organization.get_or_insert(found);
            }
            None => {
                return Err(unauthorized("The credentials are not valid."));
            }
        }
    }
    Ok(Principal {
        token: secrets.first().cloned(),
        organization,
    })
}

/// The 401 every domain sends for missing or unknown credentials.
#[must_use]
pub fn unauthorized(message: &str) -> Problem {
    Problem::new(401, "unauthorized", message).with_header("WWW-Authenticate", "Bearer")
}
