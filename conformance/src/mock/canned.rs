//! The generic answer to a valid request: the spec's example for the first documented success
//! status, as Prism answers (the media type's, else the `examples` a 3.1 schema lists).
//!
//! When the examples of a success response carry identifiers, they are served as records: a
//! request whose path parameter equals an example's top-level value (`id`, say) gets that
//! example, and an unknown identifier gets the documented 404. So a spec with one example per
//! state of a resource (queued, completed, failed…) is served as that many records, and a
//! retrieval documented with one example serves that one resource.

use axum::http::header::ACCEPT;
use codegen::api::{essence, MediaKind, MediaType};
use serde_json::Value;

use super::problem::{render, Problem};
use super::served::{content_type, made_up, served_examples};
use super::streams;
use super::valid_request::ValidRequest;
use crate::http::Response;
use crate::schema::Direction;

#[must_use]
pub fn reply(exchange: &ValidRequest<'_>) -> Response {
    let (status, media_type) = match success_media(exchange) {
        Ok((status, Some(media_type))) => (status, media_type),
        Ok((status, None)) => return Response::empty(status),
        Err(refusal) => return *refusal,
    };
    if matches!(
        media_type.kind,
        MediaKind::EventStream | MediaKind::JsonLines
    ) {
        return streams::reply(exchange, status, media_type);
    }
    let value = match document(exchange, media_type) {
        Ok(value) => value,
        Err(refusal) => return *refusal,
    };
    let bytes = match (media_type.kind, value) {
        (_, None) => Vec::new(),
        (MediaKind::Json, Some(value)) => value.to_string().into_bytes(),
        (_, Some(Value::String(text))) => text.into_bytes(),
        (_, Some(value)) => value.to_string().into_bytes(),
    };
    Response::empty(status).with_body(&content_type(media_type), bytes)
}

/// The status of a successful answer and the media type it is written in (none when the
/// status documents no content); a refusal where the mock serves no success.
pub(super) fn success_media<'o>(
    exchange: &ValidRequest<'o>,
) -> Result<(u16, Option<&'o MediaType>), Box<Response>> {
    let operation = exchange.operation;
    let status = operation.success_status();
    if status < 200 {
        let problem = Problem::new(
            501,
            "not_implemented",
            format!("The mock does not serve `{status}` answers such as protocol upgrades."),
        );
        return Err(Box::new(render(
            exchange.contract,
            Some(operation),
            &problem,
            exchange.request_id,
        )));
    }
    let Some(response) = operation.response_for(status) else {
        return Ok((status, None));
    };
    Ok((status, preferred(&response.content, exchange)))
}

/// The media type a client asked for by name in `Accept` (a stream, say, where JSON is
/// documented too), else the first JSON one, else the first.
fn preferred<'m>(content: &'m [MediaType], exchange: &ValidRequest<'_>) -> Option<&'m MediaType> {
    let accepted = exchange
        .headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(essence)
        .filter(|wanted| !wanted.contains('*'));
    let asked = accepted
        .into_iter()
        .find_map(|wanted| content.iter().find(|media| essence(&media.name) == wanted));
    asked
        .or_else(|| content.iter().find(|media| media.kind == MediaKind::Json))
        .or_else(|| content.first())
}

/// The one document the answer carries in `media_type`: the record a path parameter names,
/// else the first example, else a value made up from the schema; the documented 404 for an
/// unknown record.
pub(super) fn document(
    exchange: &ValidRequest<'_>,
    media_type: &MediaType,
) -> Result<Option<Value>, Box<Response>> {
    let operation = exchange.operation;
    let validator = media_type
        .schema
        .as_ref()
        .and_then(|at| exchange.contract.validator(at, Direction::Response));
    // An example that does not match its own schema would make the mock break the spec it
    // serves: such examples are passed over.
    let examples = served_examples(exchange, media_type);
    let examples: Vec<(String, &Value)> = examples
        .into_iter()
        .filter(|(_, value)| validator.is_none_or(|v| v.is_valid(value)))
        .collect();
    let chosen = match pick_record(&examples, exchange) {
        Record::Found(value) => Some((*value).clone()),
        Record::Unknown(identifier) if operation.response_for(404).is_some() => {
            let problem = Problem::new(404, "not_found", format!("No record {identifier}."));
            return Err(Box::new(render(
                exchange.contract,
                Some(operation),
                &problem,
                exchange.request_id,
            )));
        }
        Record::Unknown(_) | Record::NotRecords => {
            examples.first().map(|(_, value)| (*value).clone())
        }
    };
    Ok(chosen.or_else(|| {
        let at = media_type.schema.as_ref()?;
        Some(made_up(exchange.contract.as_3_0(), at, validator))
    }))
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
