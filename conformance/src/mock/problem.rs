//! A request the mock refuses, and how the refusal is written when no domain behaviour writes it:
//! in the shape the spec documents for that status.
//!
//! A spec documents its error bodies but not which field carries the explanation, so the generic
//! writer starts from the documented example (or a made-up valid body) and fills the fields whose
//! names say what they hold (`message`, `detail`, `pointer`, `status`, `code`, …), one level deep.
//! The result is kept only if it still matches the documented schema; otherwise the example is
//! sent unchanged.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::http::Response;
use codegen::api::{MediaKind, Operation};

use crate::contract::Contract;
use crate::examples::examples_at;
use crate::schema::Direction;
use crate::synth::Synthesizer;

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    /// A short machine-readable reason (`invalid_request`, `unauthorized`, …).
    pub code: &'static str,
    pub message: String,
    /// The JSON pointer of the offending part of the request body.
    pub pointer: Option<String>,
    /// Headers the refusal carries (`WWW-Authenticate`, `Allow`, `Retry-After`, …).
    pub headers: Vec<(String, String)>,
}

impl Problem {
    #[must_use]
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            pointer: None,
            headers: Vec::new(),
        }
    }

    #[must_use]
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The reason phrase of the status ("Not Found").
    #[must_use]
    pub fn reason(&self) -> &'static str {
        StatusCode::from_u16(self.status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("Error")
    }
}

/// The refusal as the spec documents it for `operation` (or, outside any operation, as a small
/// JSON object with `code` and `message`).
#[must_use]
pub fn render(
    api: &Contract,
    operation: Option<&Operation>,
    problem: &Problem,
    request_id: &str,
) -> Response {
    let documented = operation
        .and_then(|op| op.response_for(problem.status))
        .and_then(|response| {
            response
                .content
                .iter()
                .find(|media| media.kind == MediaKind::Json)
        });
    let body = documented
        .and_then(|media| {
            let template = template(api, &media.pointer)?;
            let validator = api.validator(media.schema.as_ref()?, Direction::Response)?;
            let mut filled = template.clone();
            fill(&mut filled, problem, request_id, 0);
            let body = if validator.is_valid(&filled) {
                filled
            } else {
                template
            };
            Some((media.name.clone(), body))
        })
        .unwrap_or_else(|| {
            let mut body = json!({"code": problem.code, "message": problem.message});
            if let Some(pointer) = &problem.pointer {
                body["pointer"] = json!(pointer);
            }
            ("application/json".to_owned(), body)
        });
    let mut reply =
        Response::empty(problem.status).with_body(&body.0, body.1.to_string().into_bytes());
    for (name, value) in &problem.headers {
        reply.set_header(name, value);
    }
    reply
}

fn template(api: &Contract, media_at: &codegen::load::JsonPointer) -> Option<Value> {
    let spec = api.as_3_0();
    if let Some((_, example)) = examples_at(spec, media_at).first() {
        return Some((*example).clone());
    }
    media_at.resolve(spec)?.get("schema")?;
    Some(Synthesizer::new(spec, 0, Direction::Response).value(&media_at.join("schema")))
}

fn fill(value: &mut Value, problem: &Problem, request_id: &str, depth: usize) {
    let Value::Object(object) = value else {
        return;
    };
    let has_message = object.contains_key("message");
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        let Some(current) = object.get(&key) else {
            continue;
        };
        let replacement = match (key.to_ascii_lowercase().as_str(), current) {
            ("message" | "detail" | "description" | "msg", Value::String(_)) => {
                Some(json!(problem.message))
            }
            ("error", Value::String(_)) if has_message => Some(json!(problem.reason())),
            ("error", Value::String(_)) => Some(json!(problem.message)),
            ("title", Value::String(_)) => Some(json!(problem.reason())),
            ("code" | "type" | "reason", Value::String(_)) => Some(json!(problem.code)),
            ("pointer" | "field" | "path" | "parameter" | "param", Value::String(_)) => {
                problem.pointer.as_ref().map(|p| json!(p))
            }
            ("status" | "statuscode" | "status_code" | "code", Value::Number(_)) => {
                Some(json!(problem.status))
            }
            ("request_id" | "requestid", Value::String(_)) => Some(json!(request_id)),
            (_, Value::Object(_)) if depth == 0 => {
                if let Some(inner) = object.get_mut(&key) {
                    fill(inner, problem, request_id, depth + 1);
                }
                None
            }
            _ => None,
        };
        if let Some(replacement) = replacement {
            object.insert(key, replacement);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Contract {
        Contract::new(crate::loaded(&json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}": {"get": {
                "operationId": "getThing",
                "responses": {
                    "200": {"description": "ok"},
                    "400": {"description": "bad", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Fastify"},
                        "example": {"statusCode": 400, "error": "Bad Request", "message": "params/id must match format \"uuid\""}
                    }}},
                    "404": {"description": "missing", "content": {"application/problem+json": {
                        "schema": {"type": "object", "required": ["title", "status"], "properties": {
                            "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}
                        }}
                    }}}
                }
            }}},
            "components": {"schemas": {"Fastify": {
                "type": "object",
                "required": ["statusCode", "error", "message"],
                "properties": {"statusCode": {"type": "integer"}, "error": {"type": "string"}, "message": {"type": "string"}}
            }}}
        })))
    }

    #[test]
    fn a_documented_error_is_filled_in_its_documented_shape() {
        let api = api();
        let op = api.operation("getThing");
        let reply = render(
            &api,
            op,
            &Problem::new(400, "invalid_request", "path parameter `id`: not a uuid"),
            "req_1",
        );
        assert_eq!(reply.status, 400);
        assert_eq!(
            reply.json_body(),
            Some(
                json!({"statusCode": 400, "error": "Bad Request", "message": "path parameter `id`: not a uuid"})
            )
        );
    }

    #[test]
    fn a_schema_without_example_gets_a_made_up_body_filled_in() {
        let api = api();
        let reply = render(
            &api,
            api.operation("getThing"),
            &Problem::new(404, "not_found", "no thing 7"),
            "req_1",
        );
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let body = reply.json_body().unwrap();
        assert_eq!(body["status"], json!(404));
        assert_eq!(body["title"], json!("Not Found"));
        assert_eq!(body["detail"], json!("no thing 7"));
    }

    #[test]
    fn outside_any_operation_the_body_is_small_json() {
        let api = api();
        let reply = render(
            &api,
            None,
            &Problem::new(404, "not_found", "no route").at("/x"),
            "req_1",
        );
        assert_eq!(
            reply.json_body(),
            Some(json!({"code": "not_found", "message": "no route", "pointer": "/x"}))
        );
    }
}
