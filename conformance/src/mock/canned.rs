//! The generic answer to a valid request: the spec's example for the first documented success
//! status, as Prism answers (the media type's, else the `examples` a 3.1 schema lists).
//!
//! When the examples of a success response carry identifiers, they are served as records: a
//! request whose path parameter equals an example's top-level value (`id`, say) gets that
//! example, and an unknown identifier gets the documented 404. So a spec with one example per
//! state of a resource (queued, completed, failed…) is served as that many records, and a
//! retrieval documented with one example serves that one resource.

use codegen::load::JsonPointer;
use serde_json::Value;

use codegen::api::MediaKind;

use super::problem::{render, Problem};
use super::valid_request::ValidRequest;
use crate::examples::{examples_at, schema_examples};
use crate::http::Response;
use crate::schema::{Direction, SchemaValidator};
use crate::synth::{valid_value, Synthesizer};
use crate::wire::write_json_lines;

#[must_use]
pub fn reply(exchange: &ValidRequest<'_>) -> Response {
    let operation = exchange.operation;
    let status = operation.success_status();
    if status < 200 {
        let problem = Problem::new(
            501,
            "not_implemented",
            format!("The mock does not serve `{status}` answers such as protocol upgrades."),
        );
        return render(
            exchange.contract,
            Some(operation),
            &problem,
            exchange.request_id,
        );
    }
    let Some(response) = operation.response_for(status) else {
        return Response::empty(status);
    };
    let Some(media_type) = response
        .content
        .iter()
        .find(|media| media.kind == MediaKind::Json)
        .or_else(|| response.content.first())
    else {
        return Response::empty(status);
    };
    let spec = exchange.contract.as_3_0();
    let media = &media_type.name;
    let validator = media_type
        .schema
        .as_ref()
        .and_then(|at| exchange.contract.validator(at, Direction::Response));
    // The media type's examples, else those a 3.1 schema lists. An example that does not match
    // its own schema would make the mock break the spec it serves: such examples are passed over.
    let mut examples = examples_at(spec, &media_type.pointer);
    if let (true, Some(at)) = (examples.is_empty(), &media_type.schema) {
        examples = schema_examples(&exchange.contract.spec.raw, at);
    }
    let examples: Vec<(String, &Value)> = examples
        .into_iter()
        .filter(|(_, value)| validator.is_none_or(|v| v.is_valid(value)))
        .collect();
    let chosen = match pick_record(&examples, exchange) {
        Record::Found(value) => Some((*value).clone()),
        Record::Unknown(identifier) if operation.response_for(404).is_some() => {
            let problem = Problem::new(404, "not_found", format!("No record {identifier}."));
            return render(
                exchange.contract,
                Some(operation),
                &problem,
                exchange.request_id,
            );
        }
        Record::Unknown(_) | Record::NotRecords => {
            examples.first().map(|(_, value)| (*value).clone())
        }
    };
    let value = chosen.or_else(|| {
        let at = media_type.schema.as_ref()?;
        Some(made_up(spec, at, validator))
    });
    let content_type = if media.contains('*') {
        "application/json".to_owned()
    } else {
        media.clone()
    };
    let bytes = match (media_type.kind, value) {
        (_, None) => Vec::new(),
        (MediaKind::Json, Some(value)) => value.to_string().into_bytes(),
        (MediaKind::JsonLines, Some(value)) => write_json_lines(&value),
        (_, Some(Value::String(text))) => text.into_bytes(),
        (_, Some(value)) => value.to_string().into_bytes(),
    };
    Response::empty(status).with_body(&content_type, bytes)
}

/// A value for the schema at `at` that passes `validator`, when a few seeds make one.
fn made_up(spec: &Value, at: &JsonPointer, validator: Option<&SchemaValidator>) -> Value {
    let fallback = || Synthesizer::new(spec, 0, Direction::Response).value(at);
    match validator {
        Some(validator) => {
            valid_value(spec, at, Direction::Response, 0, validator).unwrap_or_else(fallback)
        }
        None => fallback(),
    }
}

enum Record<'a> {
    Found(&'a Value),
    /// The examples are records, and none has this identifier.
    Unknown(String),
    NotRecords,
}

fn pick_record<'a>(examples: &'a [(String, &'a Value)], exchange: &ValidRequest<'_>) -> Record<'a> {
    if examples.is_empty() {
        return Record::NotRecords;
    }
    for (name, value) in &exchange.path {
        let Some(wanted) = text(value) else { continue };
        // The examples are records of this parameter when each has it (or an `id`) at the top.
        let key = if examples.iter().all(|(_, e)| e.get(name).is_some()) {
            name.as_str()
        } else if examples.iter().all(|(_, e)| e.get("id").is_some()) {
            "id"
        } else {
            continue;
        };
        return examples
            .iter()
            .find(|(_, example)| {
                example.get(key).and_then(text).as_deref() == Some(wanted.as_str())
            })
            .map_or_else(
                || Record::Unknown(wanted.clone()),
                |(_, value)| Record::Found(value),
            );
    }
    Record::NotRecords
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
