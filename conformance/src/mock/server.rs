//! One request, start to finish: route, credentials, admission, body, parameters, the domain's
//! answer, and the headers every answer carries. Each refusal is written by the domain in the
//! spec's documented shape; nothing a client sends can make the mock answer 500 (unless a fault
//! asks for it).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use base64::Engine as _;
use serde_json::{Map, Value};

use super::domain::{Domain, Exchange, Principal};
use super::params::{extract, form_body, parse_cookies, parse_query, RequestParts};
use super::problem::Problem;
use super::reply::Reply;
use super::routes::RouteMatch;
use crate::api::{is_json, media_matches, Api, Location, MediaType, Operation, SecurityScheme};

/// What every request handler shares.
pub struct MockState {
    pub api: Api,
    pub domain: Box<dyn Domain>,
    requests: AtomicU64,
    boot: u64,
}

impl MockState {
    #[must_use]
    pub fn new(api: Api, domain: Box<dyn Domain>) -> Self {
        let boot = chrono::Utc::now().timestamp_millis().unsigned_abs() & 0xFFFF_FFFF;
        Self {
            api,
            domain,
            requests: AtomicU64::new(0),
            boot,
        }
    }

    fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("req_{:08X}{:08X}", self.boot, n & 0xFFFF_FFFF)
    }
}

/// The axum handler for every request.
pub async fn handle(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let head_only = request.method() == Method::HEAD;
    let request_id = state.next_request_id();
    let (operation, mut reply) = answer(&state, request, &request_id).await;
    finish(&state, operation, &mut reply, &request_id);
    reply.into_response(head_only)
}

async fn answer<'s>(
    state: &'s MockState,
    request: Request,
    request_id: &str,
) -> (Option<&'s Operation>, Reply) {
    let api = &state.api;
    let domain = state.domain.as_ref();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_ascii_uppercase();
    let (operation, path_parameters) = match api.routes.find(&method, parts.uri.path()) {
        RouteMatch::Found {
            operation,
            path_parameters,
        } => (&api.operations[operation], path_parameters),
        RouteMatch::MethodNotAllowed { allowed } => {
            let problem = Problem::new(
                405,
                "method_not_allowed",
                format!(
                    "{method} is not allowed here; allowed: {}.",
                    allowed.join(", ")
                ),
            )
            .with_header("Allow", allowed.join(", "));
            return (None, domain.render_problem(api, None, &problem, request_id));
        }
        RouteMatch::NotFound => {
            let problem = Problem::new(
                404,
                "not_found",
                format!("No operation at {method} {}.", parts.uri.path()),
            );
            return (None, domain.render_problem(api, None, &problem, request_id));
        }
    };
    let refuse = |problem: Problem| {
        (
            Some(operation),
            domain.render_problem(api, Some(operation), &problem, request_id),
        )
    };

    let query = parse_query(parts.uri.query());
    let cookies = parse_cookies(&parts.headers);
    let principal = match authenticate(api, domain, operation, &parts.headers, &query, &cookies) {
        Ok(principal) => principal,
        Err(problem) => return refuse(problem),
    };
    let admitted = match domain.admit(operation, &principal) {
        Ok(headers) => headers,
        Err(problem) => return refuse(problem),
    };
    let with_admission = |(operation, mut reply): (Option<&'s Operation>, Reply)| {
        for (name, value) in &admitted {
            if !reply.headers.contains_key(name) {
                reply.headers.insert(name, value.clone());
            }
        }
        (operation, reply)
    };

    let validation_status = operation.client_error_status(&[400, 422]).unwrap_or(400);
    let body = match read_body(operation, &parts.headers, body, domain.max_body_bytes()).await {
        Ok(body) => body,
        Err(problem) => return with_admission(refuse(problem)),
    };
    let request_parts = RequestParts {
        path: &path_parameters,
        query: &query,
        headers: Some(&parts.headers),
        cookies: &cookies,
    };
    let (path, query_values) = match parameters(api, operation, &request_parts, validation_status) {
        Ok(values) => values,
        Err(problem) => return with_admission(refuse(problem)),
    };
    if domain.validates_bodies() {
        if let Err(problem) = validate_body(api, operation, body.as_ref(), validation_status) {
            return with_admission(refuse(problem));
        }
    }
    let exchange = Exchange {
        api,
        operation,
        principal: &principal,
        path,
        query: query_values,
        headers: &parts.headers,
        body: body.map(|(_, value)| value),
        request_id,
    };
    with_admission((Some(operation), domain.respond(&exchange)))
}

fn authenticate(
    api: &Api,
    domain: &dyn Domain,
    operation: &Operation,
    headers: &HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Result<Principal, Problem> {
    let anonymous = operation.security.is_empty() || operation.security.iter().any(Vec::is_empty);
    for alternative in operation.security.iter().filter(|a| !a.is_empty()) {
        let secrets: Option<Vec<String>> = alternative
            .iter()
            .map(|scheme| secret(api.scheme(scheme)?, headers, query, cookies))
            .collect();
        if let Some(secrets) = secrets {
            return domain.authenticate(operation, &secrets);
        }
    }
    if anonymous {
        Ok(Principal::default())
    } else {
        // The domain decides what a request without credentials gets (a 401, normally).
        domain.authenticate(operation, &[])
    }
}

/// The secret a request presents for `scheme`, if it presents one.
fn secret(
    scheme: &SecurityScheme,
    headers: &HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Option<String> {
    let authorization = || headers.get(AUTHORIZATION)?.to_str().ok();
    let credentials = |prefix: &str| {
        let value = authorization()?;
        let (given, rest) = value.split_once(' ')?;
        given
            .eq_ignore_ascii_case(prefix)
            .then(|| rest.trim().to_owned())
    };
    match scheme {
        SecurityScheme::Bearer => credentials("Bearer").filter(|t| !t.is_empty()),
        SecurityScheme::Basic => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(credentials("Basic")?)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (_, password) = text.split_once(':')?;
            Some(password.to_owned())
        }
        SecurityScheme::ApiKey { location, name } => match location {
            Location::Header => headers.get(name.as_str())?.to_str().ok().map(str::to_owned),
            Location::Query => query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            Location::Cookie => cookies
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            Location::Path => None,
        },
        SecurityScheme::Unchecked => Some(String::new()),
    }
}

/// The body, read whole and parsed, with the media type it was sent as.
async fn read_body(
    operation: &Operation,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Option<(String, Value)>, Problem> {
    let declared_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let present = declared_length.is_some_and(|n| n > 0) || headers.contains_key(TRANSFER_ENCODING);
    let Some(documented) = &operation.body else {
        // A body the operation does not take is not looked at.
        return Ok(None);
    };
    if !present {
        return if documented.required {
            Err(body_required(operation))
        } else {
            Ok(None)
        };
    }
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(media) = documented
        .media_types
        .iter()
        .find(|media| media_matches(&media.name, content_type))
    else {
        let expected: Vec<&str> = documented
            .media_types
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        return Err(Problem::new(
            documented_or(operation, 415),
            "unsupported_media_type",
            format!(
                "Content-Type `{content_type}` is not accepted; send {}.",
                expected.join(" or ")
            ),
        ));
    };
    let too_large = || {
        Problem::new(
            documented_or(operation, 413),
            "payload_too_large",
            format!("The request body exceeds {limit} bytes."),
        )
    };
    if declared_length.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = to_bytes(body, limit).await.map_err(|_| too_large())?;
    if bytes.is_empty() {
        return if documented.required {
            Err(body_required(operation))
        } else {
            Ok(None)
        };
    }
    let value = parse_body(media, &bytes).map_err(|mut problem| {
        problem.status = operation.client_error_status(&[400, 422]).unwrap_or(400);
        problem
    })?;
    Ok(value.map(|value| (media.name.clone(), value)))
}

/// `status` when the operation documents it, else the operation's documented client error for
/// an invalid request (400 or 422), else `status` anyway: a refusal should use what the spec
/// lists where it can.
fn documented_or(operation: &Operation, status: u16) -> u16 {
    operation
        .client_error_status(&[status, 400, 422])
        .filter(|s| *s == status || operation.response_for(status).is_none())
        .unwrap_or(status)
}

fn body_required(operation: &Operation) -> Problem {
    let status = operation.client_error_status(&[400, 422]).unwrap_or(400);
    Problem::new(status, "invalid_request", "The request body is required.")
}

fn parse_body(media: &MediaType, bytes: &[u8]) -> Result<Option<Value>, Problem> {
    let essence = media.name.split(';').next().unwrap_or("").trim();
    if is_json(essence) {
        return serde_json::from_slice(bytes).map(Some).map_err(|err| {
            Problem::new(
                400,
                "invalid_request",
                format!(
                    "The body is not valid JSON: {} at line {}, column {}.",
                    describe_json_error(&err),
                    err.line(),
                    err.column()
                ),
            )
            .at("")
        });
    }
    if essence == "application/x-www-form-urlencoded" {
        return Ok(Some(form_body(&media.kind, bytes)));
    }
    // Multipart, binary and text bodies are accepted as they come: no schema describes their
    // bytes the way a JSON Schema describes JSON.
    Ok(None)
}

fn describe_json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    // serde_json appends " at line L column C"; the caller says where itself.
    text.split(" at line ").next().unwrap_or(&text).to_owned()
}

type ParameterValues = (Map<String, Value>, Map<String, Value>);

fn parameters(
    api: &Api,
    operation: &Operation,
    parts: &RequestParts<'_>,
    status: u16,
) -> Result<ParameterValues, Problem> {
    let mut path = Map::new();
    let mut query = Map::new();
    for parameter in &operation.parameters {
        let location = parameter.location.as_str();
        let Some(value) = extract(parameter, parts) else {
            if parameter.required {
                return Err(Problem::new(
                    status,
                    "invalid_request",
                    format!(
                        "The required {location} parameter `{}` is missing.",
                        parameter.name
                    ),
                ));
            }
            continue;
        };
        if let Some(site) = &parameter.schema {
            if let Ok(validator) = site.validator(&api.spec) {
                if let Some(violation) = validator.validate(&value).into_iter().next() {
                    let within = if violation.instance_path.is_empty() {
                        String::new()
                    } else {
                        format!(" at {}", violation.instance_path)
                    };
                    return Err(Problem::new(
                        status,
                        "invalid_request",
                        format!(
                            "The {location} parameter `{}`{within}: {}.",
                            parameter.name, violation.message
                        ),
                    ));
                }
            }
        }
        match parameter.location {
            Location::Path => {
                path.insert(parameter.name.clone(), value);
            }
            Location::Query => {
                query.insert(parameter.name.clone(), value);
            }
            Location::Header | Location::Cookie => {}
        }
    }
    Ok((path, query))
}

fn validate_body(
    api: &Api,
    operation: &Operation,
    body: Option<&(String, Value)>,
    status: u16,
) -> Result<(), Problem> {
    let (Some((media_name, value)), Some(documented)) = (body, &operation.body) else {
        return Ok(());
    };
    let Some(site) = documented
        .media_types
        .iter()
        .find(|media| &media.name == media_name)
        .and_then(|media| media.schema.as_ref())
    else {
        return Ok(());
    };
    let Ok(validator) = site.validator(&api.spec) else {
        return Ok(());
    };
    match validator.validate(value).into_iter().next() {
        None => Ok(()),
        Some(violation) => {
            let at = if violation.instance_path.is_empty() {
                "The body".to_owned()
            } else {
                format!("`{}`", violation.instance_path)
            };
            Err(Problem::new(
                status,
                "invalid_request",
                format!("{at}: {}.", violation.message),
            )
            .at(violation.instance_path))
        }
    }
}

/// The headers every reply carries: the request id, and each header the spec documents for the
/// reply's status that nothing set yet (from the spec's example). Then the domain's last look.
fn finish(state: &MockState, operation: Option<&Operation>, reply: &mut Reply, request_id: &str) {
    if !reply.headers.contains_key("x-request-id") {
        reply.set_header("X-Request-ID", request_id);
    }
    if let Some(response) = operation.and_then(|op| op.response_for(reply.status.as_u16())) {
        for header in &response.headers {
            if reply.headers.contains_key(header.name.as_str()) {
                continue;
            }
            if let Some(value) = &header.default_value {
                reply.set_header(&header.name, value);
            }
        }
    }
    state.domain.finish(operation, reply);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ValueKind;

    #[test]
    fn media_types_match_by_essence_and_range() {
        assert!(media_matches(
            "application/json",
            "application/json; charset=utf-8"
        ));
        assert!(media_matches("application/*", "application/json"));
        assert!(media_matches("*/*", "text/plain"));
        assert!(!media_matches("application/json", "text/plain"));
        assert!(!media_matches("application/json", ""));
    }

    #[test]
    fn form_bodies_are_typed_by_their_schema() {
        let kind = ValueKind::Object(vec![
            ("n".into(), ValueKind::Integer),
            ("tags".into(), ValueKind::Array(Box::new(ValueKind::String))),
        ]);
        assert_eq!(
            form_body(&kind, b"n=3&tags=a&tags=b&other=x"),
            serde_json::json!({"n": 3, "tags": ["a", "b"], "other": "x"})
        );
    }
}
