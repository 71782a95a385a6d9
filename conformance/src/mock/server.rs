//! One request, start to finish: route, credentials, admission, body, parameters, the domain's
//! answer, and the headers every answer carries. Each refusal is written by the domain in the
//! spec's documented shape; nothing a client sends can make the mock answer 500 (unless a fault
//! asks for it).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::{HeaderMap, Method};
use base64::Engine as _;
use serde_json::{Map, Value};

use codegen::api::{Location, MediaKind, MediaType, Operation, RouteMatch, SchemeKind};

use super::domain::Domain;
use super::problem::Problem;
use super::valid_request::{Principal, ValidRequest};
use crate::contract::Contract;
use crate::http::Response;
use crate::schema::Direction;
use crate::wire::{extract, form_body, parse_cookies, parse_query, read_json_lines, RequestParts};

/// What every request handler shares.
pub struct MockState {
    pub contract: Contract,
    pub domain: Box<dyn Domain>,
    requests: AtomicU64,
    boot: u64,
    latency: std::time::Duration,
}

impl MockState {
    #[must_use]
    pub fn new(contract: Contract, domain: Box<dyn Domain>) -> Self {
        let boot = chrono::Utc::now().timestamp_millis().unsigned_abs() & 0xFFFF_FFFF;
        Self {
            contract,
            domain,
            requests: AtomicU64::new(0),
            boot,
            latency: std::time::Duration::ZERO,
        }
    }

    /// The same state, answering every request `latency` late.
    #[must_use]
    pub fn with_latency(mut self, latency: std::time::Duration) -> Self {
        self.latency = latency;
        self
    }

    fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("req_{:08X}{:08X}", self.boot, n & 0xFFFF_FFFF)
    }
}

/// The axum handler for every request.
pub async fn handle(
    State(state): State<Arc<MockState>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    if !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let head_only = request.method() == Method::HEAD;
    let request_id = state.next_request_id();
    let (operation, mut reply) = answer(&state, request, &request_id).await;
    finish(&state, operation, &mut reply, &request_id);
    reply.into_axum(head_only)
}

async fn answer<'s>(
    state: &'s MockState,
    request: axum::extract::Request,
    request_id: &str,
) -> (Option<&'s Operation>, Response) {
    let api = &state.contract;
    let domain = state.domain.as_ref();
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_ascii_uppercase();
    let (operation, path_parameters) = match api.route(&method, parts.uri.path(), parts.uri.query())
    {
        RouteMatch::Found {
            operation,
            path_parameters,
        } => (&api.api.operations[operation], path_parameters),
        RouteMatch::MethodNotAllowed { allowed } => {
            let allowed: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
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
    let with_admission = |(operation, mut reply): (Option<&'s Operation>, Response)| {
        for (name, value) in &admitted {
            if !reply.headers.contains_key(name) {
                reply.headers.insert(name, value.clone());
            }
        }
        (operation, reply)
    };

    let validation_status = operation.client_error_status(&[400, 422]).unwrap_or(400);
    let body = match read_body(
        api,
        operation,
        &parts.headers,
        body,
        domain.max_body_bytes(),
    )
    .await
    {
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
    let exchange = ValidRequest {
        contract: api,
        operation,
        principal: &principal,
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query(),
        path,
        query: query_values,
        headers: &parts.headers,
        body: body.map(|(_, value)| value),
        request_id,
    };
    with_admission((Some(operation), domain.respond(&exchange)))
}

fn authenticate(
    api: &Contract,
    domain: &dyn Domain,
    operation: &Operation,
    headers: &HeaderMap,
    query: &[(String, String)],
    cookies: &[(String, String)],
) -> Result<Principal, Problem> {
    let security = &operation.security;
    for alternative in security.alternatives.iter().filter(|a| !a.is_empty()) {
        let secrets: Option<Vec<String>> = alternative
            .iter()
            .map(|scheme| secret(&api.api.scheme(scheme)?.kind, headers, query, cookies))
            .collect();
        if let Some(secrets) = secrets {
            return domain.authenticate(operation, &secrets);
        }
    }
    if security.allows_anonymous() {
        Ok(Principal::default())
    } else {
        // The domain decides what a request without credentials gets (a 401, normally).
        domain.authenticate(operation, &[])
    }
}

/// The secret a request presents for `scheme`, if it presents one.
fn secret(
    scheme: &SchemeKind,
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
        SchemeKind::Bearer => credentials("Bearer").filter(|t| !t.is_empty()),
        SchemeKind::Basic => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(credentials("Basic")?)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (_, password) = text.split_once(':')?;
            Some(password.to_owned())
        }
        SchemeKind::ApiKey { location, name } => match location {
            Location::Header => headers.get(name.as_str())?.to_str().ok().map(str::to_owned),
            Location::Query => query
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone()),
            Location::Cookie => cookies.iter().find(|(n, _)| n == name).map(|(_, v)| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned()
            }),
            Location::Path => None,
        },
    }
}

/// The body, read whole and parsed, with the media type it was sent as.
async fn read_body(
    contract: &Contract,
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
    let Some(media) = documented.media_for(content_type) else {
        let expected: Vec<&str> = documented.content.iter().map(|m| m.name.as_str()).collect();
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
    let value = parse_body(contract, media, &bytes).map_err(|mut problem| {
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

fn parse_body(
    contract: &Contract,
    media: &MediaType,
    bytes: &[u8],
) -> Result<Option<Value>, Problem> {
    if media.kind == MediaKind::JsonLines {
        return json_lines(bytes).map(Some);
    }
    if media.kind == MediaKind::Json {
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
    if media.kind == MediaKind::Form {
        let kind = contract.value_kind(media.schema.as_ref());
        return Ok(Some(form_body(&kind, &media.encoding, bytes)));
    }
    // Multipart, binary, text and event-stream bodies are accepted as they come: no schema
    // describes their bytes the way a JSON Schema describes JSON.
    Ok(None)
}

/// A JSON lines body: one document per non-empty line, as a list.
fn json_lines(bytes: &[u8]) -> Result<Value, Problem> {
    read_json_lines(bytes).map(Value::Array).map_err(|wrong| {
        Problem::new(
            400,
            "invalid_request",
            format!(
                "Line {} of the body is not valid JSON: {}.",
                wrong.line,
                describe_json_error(&wrong.error)
            ),
        )
    })
}

fn describe_json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    // serde_json appends " at line L column C"; the caller says where itself.
    text.split(" at line ").next().unwrap_or(&text).to_owned()
}

type ParameterValues = (Map<String, Value>, Map<String, Value>);

fn parameters(
    api: &Contract,
    operation: &Operation,
    parts: &RequestParts<'_>,
    status: u16,
) -> Result<ParameterValues, Problem> {
    let mut path = Map::new();
    let mut query = Map::new();
    for parameter in &operation.parameters {
        let location = parameter.location.as_str();
        let kind = api.value_kind(parameter.schema.as_ref());
        let Some(value) = extract(parameter, &kind, parts) else {
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
        if let Some(validator) = api.parameter_validator(parameter) {
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
    api: &Contract,
    operation: &Operation,
    body: Option<&(String, Value)>,
    status: u16,
) -> Result<(), Problem> {
    let (Some((media_name, value)), Some(documented)) = (body, &operation.body) else {
        return Ok(());
    };
    let Some(media) = documented
        .content
        .iter()
        .find(|media| &media.name == media_name)
    else {
        return Ok(());
    };
    let Some(at) = &media.schema else {
        return Ok(());
    };
    let violation = match (media.kind, value) {
        (MediaKind::JsonLines, Value::Array(lines)) => api
            .json_lines_violations(at, Direction::Request, lines)
            .into_iter()
            .next(),
        _ => api
            .validator(at, Direction::Request)
            .and_then(|validator| validator.validate(value).into_iter().next()),
    };
    match violation {
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

/// Headers that frame the message on the wire: the HTTP layer writes them from the reply
/// itself, and a made-up value (a spec may document `Transfer-Encoding`) would break the reply.
const FRAMING_HEADERS: [&str; 8] = [
    "transfer-encoding",
    "content-length",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
];

/// The headers every reply carries: the request id, and each header the spec documents for the
/// reply's status that nothing set yet (from the spec's example), but those that frame the
/// message. Then the domain's last look.
fn finish(
    state: &MockState,
    operation: Option<&Operation>,
    reply: &mut Response,
    request_id: &str,
) {
    if !reply.headers.contains_key("x-request-id") {
        reply.set_header("X-Request-ID", request_id);
    }
    if let Some(response) = operation.and_then(|op| op.response_for(reply.status)) {
        for header in &response.headers {
            if reply.headers.contains_key(header.name.as_str())
                || FRAMING_HEADERS.contains(&header.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            if let Some(value) = state.contract.header_example(header) {
                reply.set_header(&header.name, value);
            }
        }
    }
    state.domain.finish(operation, reply);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_read_line_by_line() {
        assert_eq!(
            json_lines(b"{\"a\":1}\n\n  {\"a\":2}\n").ok(),
            Some(serde_json::json!([{"a": 1}, {"a": 2}]))
        );
        let problem = json_lines(b"{\"a\":1}\n{oops\n").err().map(|p| p.message);
        assert!(
            problem.as_deref().is_some_and(|m| m.starts_with("Line 2 ")),
            "{problem:?}"
        );
    }
}
