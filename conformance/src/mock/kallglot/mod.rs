//! The analysis API's behaviour (`spec/kallglot.yaml`): organizations and their tokens, credits
//! and subscriptions from the fixtures; the access rules of the create operation in the
//! documented order; analyses that finish after a delay with results derived from the session's
//! transcript; isolation between organizations; rate limits; webhooks.
//!
//! It is chosen for any spec that declares the analysis API's create and retrieve operations and
//! the create's session parameter (`x-analysis`, or names a suite configuration gives), whatever
//! their operationIds and parameter names; everything a spec describes (routes, validation,
//! documented headers) stays with the generic mock.

mod clock;
mod rate_limit;
mod record;
mod results;
mod webhook;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Value};

use self::clock::Clock;
use self::rate_limit::RateLimiter;
use self::record::{AnalysisRecord, RequestForm, Stage, COMPONENTS};
use self::results::analyze;
use self::webhook::{deliver, Delivery};
use super::domain::{authenticate_with, unauthorized, Domain};
use super::faults::{Fault, Faults};
use super::fixtures::{Fixtures, Subscription};
use super::problem::Problem;
use super::valid_request::{Principal, ValidRequest};
use super::MockOptions;
use crate::http::Response;
use codegen::api::{AnalysisRole, AnalysisRoles, Api, Location, Operation};
use codegen::load::JsonPointer;

use crate::contract::Contract;

/// Where the analysis API's parts are in the spec served: this behaviour needs all three.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The create and retrieve operations, by the JSON pointer of their Operation Objects.
    create: JsonPointer,
    retrieve: JsonPointer,
    /// The create's parameter that names the session.
    session: (Location, String),
    /// The retrieve's path parameter that carries the analysis id.
    analysis_id: String,
}

impl Binding {
    /// The parts `roles` gives, when it gives every one.
    #[must_use]
    pub fn of(api: &Api, roles: &AnalysisRoles) -> Option<Binding> {
        if roles.missing(&AnalysisRole::ALL).is_some() {
            return None;
        }
        let session = roles.session(api)?;
        Some(Binding {
            create: roles.create(api)?.pointer.clone(),
            retrieve: roles.retrieve(api)?.pointer.clone(),
            session: (session.location, session.name.clone()),
            analysis_id: roles.analysis_id(api)?.name.clone(),
        })
    }
}

/// The documented body limit (`PayloadTooLarge`).
const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct Kallglot {
    binding: Binding,
    fixtures: Fixtures,
    faults: Faults,
    delay: Duration,
    webhook_backoff: Duration,
    webhook_timeout: Duration,
    clock: Clock,
    store: Arc<Mutex<Store>>,
    http: reqwest::Client,
}

#[derive(Debug)]
struct Store {
    /// Credits left and used, per organization of the fixtures.
    balances: Vec<(u64, u64)>,
    analyses: HashMap<String, AnalysisRecord>,
    created: u64,
    limiter: RateLimiter,
}

impl Kallglot {
    #[must_use]
    pub fn new(options: &MockOptions, binding: Binding) -> Self {
        let balances = options
            .fixtures
            .organizations
            .iter()
            .map(|org| (org.credits, org.credits_used))
            .collect();
        Self {
            binding,
            fixtures: options.fixtures.clone(),
            faults: options.faults.clone(),
            delay: options.processing_delay,
            webhook_backoff: options.webhook_backoff,
            webhook_timeout: options.webhook_timeout,
            clock: Clock::start(),
            store: Arc::new(Mutex::new(Store {
                balances,
                analyses: HashMap::new(),
                created: 0,
                limiter: RateLimiter::default(),
            })),
            http: reqwest::Client::new(),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-updated: every update is
        // a few assignments after all checks.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn create(&self, exchange: &ValidRequest<'_>) -> Response {
        if exchange.body.is_none() && self.faults.has(Fault::BodyRequired) {
            return self.problem(
                exchange,
                Problem::new(400, "invalid_request", "The request body is required."),
            );
        }
        let session_id = self.session_of(exchange).unwrap_or_default();
        let session_id = session_id.as_str();
        let Some(org_index) = exchange.principal.organization else {
            return self.problem(exchange, unauthorized("Missing credentials."));
        };
        let organization = &self.fixtures.organizations[org_index];
        let session = organization.sessions.iter().find(|s| s.id == session_id);
        // The analysis itself is worked out before the store is locked, so that concurrent
        // creates wait only for the bookkeeping.
        let now = self.clock.instant();
        let created_at = self.clock.at(now);
        let outcome = session
            .and_then(|s| s.transcript.as_ref())
            .map(|transcript| {
                analyze(transcript, &self.fixtures.analysis, created_at.date_naive())
            });
        let mut store = self.store();
        let rejection = match session {
            None => Some(Problem::new(
                404,
                "session_not_found",
                format!("No session {session_id} in this organization."),
            )),
            Some(session) if session.transcript.is_none() => Some(Problem::new(
                409,
                "transcript_unavailable",
                format!("Session {session_id} has no transcript to analyze."),
            )),
            Some(_) if organization.subscription == Subscription::Inactive => Some(Problem::new(
                403,
                "subscription_inactive",
                "The organization subscription is not active.",
            )),
            Some(_) if store.balances[org_index].0 == 0 => {
                Some(if self.faults.has(Fault::WrongAccessRuleStatus) {
                    Problem::new(
                        403,
                        "subscription_inactive",
                        "The organization subscription is not active.",
                    )
                } else {
                    Problem::new(
                        402,
                        "insufficient_credits",
                        "The organization has no API credits remaining.",
                    )
                })
            }
            Some(_) => None,
        };
        if let Some(problem) = rejection {
            if self.faults.has(Fault::ChargeOnRejection) {
                let balance = &mut store.balances[org_index];
                balance.0 = balance.0.saturating_sub(1);
                balance.1 += 1;
            }
            drop(store);
            return self.problem(exchange, problem);
        }
        let Some(outcome) = outcome else {
            drop(store);
            return self.problem(
                exchange,
                Problem::new(409, "transcript_unavailable", "No transcript."),
            );
        };
        let form = request_form(exchange.body.as_ref());
        let profile = exchange
            .body
            .as_ref()
            .and_then(|b| b.get("profile"))
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_owned();
        store.created += 1;
        let legacy = matches!(form, RequestForm::Legacy { .. });
        let id = analysis_id(store.created, legacy, &self.faults);
        let record = AnalysisRecord {
            id: id.clone(),
            organization: org_index,
            session_id: session_id.to_owned(),
            call_id: session.and_then(|s| s.call_id.clone()),
            profile,
            form: form.clone(),
            created: now,
            created_at,
            outcome,
            terminal_reads: 0,
        };
        let view = record.view(
            record.stage(now, self.delay, &self.faults),
            self.delay,
            &self.faults,
        );
        store.analyses.insert(id.clone(), record);
        if !self.faults.has(Fault::CreditsNotCharged) {
            let balance = &mut store.balances[org_index];
            balance.0 -= 1;
            balance.1 += 1;
        }
        let (remaining, used) = store.balances[org_index];
        drop(store);
        if let RequestForm::Legacy {
            webhook_url: Some(url),
            ..
        } = &form
        {
            self.schedule_webhook(&id, url);
        }
        let status = if self.faults.has(Fault::UndocumentedStatus) {
            201
        } else {
            202
        };
        Response::json(status, &view)
            .with_header("X-API-Credits-Remaining", remaining.to_string())
            .with_header("X-API-Credits-Used", used.to_string())
    }

    /// The session a create names, as its session parameter carries it.
    fn session_of(&self, exchange: &ValidRequest<'_>) -> Option<String> {
        let (location, name) = &self.binding.session;
        let text = |value: &Value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        match location {
            Location::Path => exchange.path.get(name).map(text),
            Location::Query => exchange.query.get(name).map(text),
            Location::Header => exchange
                .headers
                .get(name.as_str())
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            // The reading never makes a cookie the session.
            Location::Cookie => None,
        }
    }

    fn retrieve(&self, exchange: &ValidRequest<'_>) -> Response {
        let id = exchange
            .path
            .get(&self.binding.analysis_id)
            .and_then(Value::as_str)
            .unwrap_or("");
        if self.faults.has(Fault::ServerErrorOnEdgeInput) && id.len() == 64 {
            return Response::json(500, &json!({"error": {"message": "index out of range"}}));
        }
        let mut store = self.store();
        let visible = store.analyses.get_mut(id).filter(|record| {
            Some(record.organization) == exchange.principal.organization
                || self.faults.has(Fault::LeakOtherOrganization)
        });
        let Some(record) = visible else {
            drop(store);
            if self.faults.has(Fault::UnknownIdNot404) {
                return self.problem(
                    exchange,
                    Problem::new(400, "invalid_request", format!("Bad analysis id {id}.")),
                );
            }
            return self.problem(
                exchange,
                Problem::new(404, "analysis_not_found", format!("No analysis {id}.")),
            );
        };
        let mut stage = record.stage(self.clock.instant(), self.delay, &self.faults);
        if stage == Stage::Finished && self.faults.has(Fault::LifecycleBackwards) {
            record.terminal_reads += 1;
            if record.terminal_reads % 2 == 0 {
                stage = Stage::Processing;
            }
        }
        let view = record.view(stage, self.delay, &self.faults);
        Response::json(200, &view)
    }

    fn schedule_webhook(&self, id: &str, url: &str) {
        let store = Arc::clone(&self.store);
        let (delay, backoff, timeout, faults) = (
            self.delay,
            self.webhook_backoff,
            self.webhook_timeout,
            self.faults.clone(),
        );
        let http = self.http.clone();
        let (id, url) = (id.to_owned(), url.to_owned());
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let body = {
                let store = store.lock().unwrap_or_else(PoisonError::into_inner);
                let Some(record) = store.analyses.get(&id) else {
                    return;
                };
                record.view(Stage::Finished, delay, &faults)
            };
            let suffix = id.split_once('_').map_or(id.as_str(), |(_, rest)| rest);
            let delivery = Delivery {
                url,
                webhook_id: format!("whk_{suffix}"),
                body,
            };
            deliver(&http, &delivery, backoff, timeout).await;
        });
    }

    fn problem(&self, exchange: &ValidRequest<'_>, problem: Problem) -> Response {
        self.render_problem(
            exchange.contract,
            Some(exchange.operation),
            &problem,
            exchange.request_id,
        )
    }
}

/// The request form a (valid) body is in; an absent or empty body is the current form with its
/// defaults.
fn request_form(body: Option<&Value>) -> RequestForm {
    let strings = |value: Option<&Value>| -> Option<Vec<String>> {
        Some(
            value?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        )
    };
    match body {
        Some(body) if body.get("analyses").is_some() => RequestForm::Legacy {
            analyses: strings(body.get("analyses")).unwrap_or_default(),
            language: body
                .get("language")
                .and_then(Value::as_str)
                .unwrap_or("en")
                .to_owned(),
            webhook_url: body
                .get("webhook_url")
                .and_then(Value::as_str)
                .map(str::to_owned),
        },
        _ => RequestForm::Current {
            include: strings(body.and_then(|b| b.get("include")))
                .unwrap_or_else(|| COMPONENTS.iter().map(|c| (*c).to_owned()).collect()),
        },
    }
}

/// `anl_` (or, for the earlier request form, `ana_`) and 16 characters of Crockford base32: the
/// shape of the spec's examples.
fn analysis_id(sequence: u64, legacy: bool, faults: &Faults) -> String {
    if faults.has(Fault::InvalidIdFormat) {
        return format!("analysis-{sequence}");
    }
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    // Spread consecutive numbers over the id space, reversibly, so ids look unrelated.
    let mut mixed = sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66_D1CE_4E5B;
    let mut suffix = [b'0'; 13];
    for slot in suffix.iter_mut().rev() {
        *slot = ALPHABET[(mixed & 31) as usize];
        mixed >>= 5;
    }
    let prefix = if legacy { "ana" } else { "anl" };
    format!("{prefix}_01H{}", String::from_utf8_lossy(&suffix))
}

impl Domain for Kallglot {
    fn name(&self) -> &'static str {
        "analysis"
    }

    fn max_body_bytes(&self) -> usize {
        MAX_BODY_BYTES
    }

    fn authenticate(
        &self,
        _operation: &Operation,
        secrets: &[String],
    ) -> Result<Principal, Problem> {
        let checked = if secrets.is_empty() {
            Err(unauthorized("Missing or invalid API key."))
        } else {
            authenticate_with(&self.fixtures, secrets)
                .map_err(|_| unauthorized("Missing or invalid API key."))
        };
        match checked {
            Err(_)
                if self.faults.has(Fault::SkipAuth) && !self.fixtures.organizations.is_empty() =>
            {
                Ok(Principal {
                    token: self.fixtures.organizations[0].tokens.first().cloned(),
                    organization: Some(0),
                })
            }
            other => other,
        }
    }

    fn admit(&self, _operation: &Operation, principal: &Principal) -> Result<HeaderMap, Problem> {
        let (Some(token), Some(org)) = (&principal.token, principal.organization) else {
            return Ok(HeaderMap::new());
        };
        let limit = self.fixtures.organizations[org].rate_limit;
        let now = self.clock.now().timestamp();
        let window = self.store().limiter.hit(token, limit, now);
        let mut remaining = window.remaining;
        if self.faults.has(Fault::RateLimitRemainingRises) && (limit.requests - remaining) % 2 == 0
        {
            remaining = (remaining + 2).min(limit.requests);
        }
        let headers = [
            ("x-ratelimit-limit", window.limit.to_string()),
            ("x-ratelimit-remaining", remaining.to_string()),
            ("x-ratelimit-reset", window.reset.to_string()),
        ];
        if window.exceeded && !self.faults.has(Fault::RateLimitIgnored) {
            let mut problem = Problem::new(
                429,
                "rate_limited",
                format!(
                    "Rate limit of {} requests per {} seconds exceeded; retry in {} seconds.",
                    limit.requests,
                    limit.window_seconds,
                    window.retry_after(now)
                ),
            );
            for (name, value) in headers {
                problem = problem.with_header(name, value);
            }
            problem = problem.with_header("retry-after", window.retry_after(now).to_string());
            return Err(problem);
        }
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            if let Ok(value) = HeaderValue::try_from(value) {
                map.insert(HeaderName::from_static(name), value);
            }
        }
        Ok(map)
    }

    fn validates_bodies(&self) -> bool {
        !self.faults.has(Fault::AcceptInvalidBody)
    }

    fn respond(&self, exchange: &ValidRequest<'_>) -> Response {
        let at = &exchange.operation.pointer;
        if *at == self.binding.create {
            self.create(exchange)
        } else if *at == self.binding.retrieve {
            self.retrieve(exchange)
        } else {
            super::canned::reply(exchange)
        }
    }

    fn render_problem(
        &self,
        _contract: &Contract,
        _operation: Option<&Operation>,
        problem: &Problem,
        request_id: &str,
    ) -> Response {
        let body = if problem.status == 404 && self.faults.has(Fault::ErrorBodyMismatch) {
            json!({"message": problem.message})
        } else {
            let mut detail = json!({
                "code": problem.code,
                "message": problem.message,
            });
            if let Some(pointer) = &problem.pointer {
                detail["pointer"] = json!(pointer);
            }
            detail["request_id"] = json!(request_id);
            json!({"error": detail})
        };
        let mut reply = Response::json(problem.status, &body);
        for (name, value) in &problem.headers {
            reply.set_header(name, value);
        }
        reply
    }

    fn finish(&self, _operation: Option<&Operation>, reply: &mut Response) {
        if reply.status == 429 && self.faults.has(Fault::MissingRetryAfter) {
            reply.headers.remove("retry-after");
        }
        if self.faults.has(Fault::WrongContentType) && reply.headers.contains_key(CONTENT_TYPE) {
            reply.set_header(CONTENT_TYPE.as_str(), "text/plain");
        }
        if (200..300).contains(&reply.status) {
            if self.faults.has(Fault::MissingHeader) {
                reply.headers.remove("x-ratelimit-remaining");
            }
            if self.faults.has(Fault::MalformedHeader) {
                let reset = reply
                    .headers
                    .get("x-ratelimit-reset")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<i64>().ok())
                    .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0));
                if let Some(reset) = reset {
                    reply.set_header(
                        "X-RateLimit-Reset",
                        reset.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_documented_pattern_and_differ() {
        let pattern = regex::Regex::new("^an[al]_[0-9A-Za-z]+$").unwrap();
        let ids: Vec<String> = (1..=100)
            .map(|n| analysis_id(n, n % 2 == 0, &Faults::none()))
            .collect();
        for id in &ids {
            assert!(pattern.is_match(id) && id.len() <= 64, "{id}");
        }
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert!(ids[1].starts_with("ana_") && ids[0].starts_with("anl_"));
    }

    #[test]
    fn bodies_map_to_their_request_form() {
        assert_eq!(
            request_form(None),
            RequestForm::Current {
                include: COMPONENTS.iter().map(|c| (*c).to_owned()).collect()
            }
        );
        assert_eq!(
            request_form(Some(&json!({"include": ["summary"]}))),
            RequestForm::Current {
                include: vec!["summary".into()]
            }
        );
        assert_eq!(
            request_form(Some(
                &json!({"analyses": ["quality"], "webhook_url": "http://x/y"})
            )),
            RequestForm::Legacy {
                analyses: vec!["quality".into()],
                language: "en".into(),
                webhook_url: Some("http://x/y".into())
            }
        );
    }
}
