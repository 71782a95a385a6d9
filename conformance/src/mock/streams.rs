//! The generic answer in a streaming media type: `text/event-stream`, and JSON lines
//! (`application/x-ndjson`, `application/jsonl`, `application/json-seq`, …). A stream is a list
//! of records under the media type's schema, which describes each record (or, when it is an
//! array, the records together), as the suite reads them.
//!
//! From the spec's examples first: event-stream text (a string example) is sent as written,
//! ending with the blank line that dispatches its last event; a list example is one record per
//! item, any other example one record. Examples whose records break the schema are passed over.
//! Without a usable example, a few records are made up from the schema.

use codegen::api::{MediaKind, MediaType};
use serde_json::Value;

use super::served::{content_type, made_up, served_examples};
use super::valid_request::ValidRequest;
use crate::contract::Contract;
use crate::event_stream;
use crate::http::Response;
use crate::schema::Direction;
use crate::synth::made_up_value;
use crate::wire::{read_json_lines, ValueKind};

/// How many records a stream made up from its schema holds.
const MADE_UP_RECORDS: u64 = 3;

#[must_use]
pub fn reply(exchange: &ValidRequest<'_>, status: u16, media_type: &MediaType) -> Response {
    let contract = exchange.contract;
    let kind = contract.value_kind(media_type.schema.as_ref());
    let served = served_examples(exchange, media_type)
        .into_iter()
        .find_map(|(_, example)| body_of(contract, media_type, &kind, example));
    let bytes = served.unwrap_or_else(|| {
        let records = made_up_records(exchange, media_type, &kind);
        write(media_type, &kind, &records)
    });
    Response::empty(status).with_body(&content_type(media_type), bytes)
}

/// The body an example makes, when every record it holds meets the schema.
fn body_of(
    contract: &Contract,
    media_type: &MediaType,
    kind: &ValueKind,
    example: &Value,
) -> Option<Vec<u8>> {
    let text = match (example, kind) {
        // A string under a string schema is one record; otherwise it is the stream's text.
        (Value::String(text), kind) if *kind != ValueKind::String => Some(text),
        _ => None,
    };
    let (records, bytes) = match (text, media_type.kind) {
        (Some(text), MediaKind::EventStream) => {
            let bytes = event_stream::normalise(text);
            let read = event_stream::read([bytes.as_slice()]);
            if read.error.is_some() {
                return None;
            }
            let records = read
                .events
                .iter()
                .map(|event| event_stream::data_value(&event.data, kind).ok())
                .collect::<Option<Vec<_>>>()?;
            (records, bytes)
        }
        (Some(text), _) => {
            let records = read_json_lines(text.as_bytes()).ok()?;
            let bytes = write(media_type, kind, &records);
            (records, bytes)
        }
        (None, _) => {
            let records = records_of(example);
            let bytes = write(media_type, kind, &records);
            (records, bytes)
        }
    };
    let sound = media_type.schema.as_ref().is_none_or(|at| {
        contract
            .json_lines_violations(at, Direction::Response, &records)
            .is_empty()
    });
    (sound && !records.is_empty()).then_some(bytes)
}

/// The records a value stands for: a list's items (each one record, or under an array schema
/// the records together), else the value itself.
fn records_of(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

/// A few records made up from the schema: the items of a list made up for an array schema,
/// else values made up from seeds one after another, each checked.
fn made_up_records(
    exchange: &ValidRequest<'_>,
    media_type: &MediaType,
    kind: &ValueKind,
) -> Vec<Value> {
    let contract = exchange.contract;
    let Some(at) = &media_type.schema else {
        return (1..=MADE_UP_RECORDS)
            .map(|n| Value::String(format!("event {n}")))
            .collect();
    };
    let spec = contract.as_3_0();
    let validator = contract.validator(at, Direction::Response);
    if matches!(kind, ValueKind::Array(_)) {
        return records_of(&made_up(spec, at, validator));
    }
    (0..MADE_UP_RECORDS)
        .filter_map(|seed| match validator {
            Some(validator) => made_up_value(spec, at, Direction::Response, seed, validator),
            None => Some(made_up(spec, at, None)),
        })
        .collect()
}

/// `records` in the media type's framing.
fn write(media_type: &MediaType, kind: &ValueKind, records: &[Value]) -> Vec<u8> {
    if media_type.kind == MediaKind::EventStream {
        return event_stream::write(records, kind);
    }
    // RFC 7464: each JSON text sequence record starts with the record separator.
    let separator = if codegen::api::essence(&media_type.name) == "application/json-seq" {
        "\u{1e}"
    } else {
        ""
    };
    records
        .iter()
        .map(|record| format!("{separator}{record}\n"))
        .collect::<String>()
        .into_bytes()
}
