//! What the generic mock serves in a media type, whatever the shape of the answer (one document,
//! a page of a list, a stream): the examples it takes them from, the values it makes up where
//! there are none, and the `Content-Type` it says.

use codegen::api::MediaType;
use codegen::load::JsonPointer;
use serde_json::Value;

use super::valid_request::ValidRequest;
use crate::examples::{examples_at, schema_examples};
use crate::schema::{Direction, SchemaValidator};
use crate::synth::{valid_value, Synthesizer};

/// The `Content-Type` of an answer in `media_type`: a range (`*/*`) is answered with JSON.
pub(super) fn content_type(media_type: &MediaType) -> String {
    if media_type.name.contains('*') {
        "application/json".to_owned()
    } else {
        media_type.name.clone()
    }
}

/// The media type's examples, else those a 3.1 schema lists.
pub(super) fn served_examples<'c>(
    exchange: &ValidRequest<'c>,
    media_type: &MediaType,
) -> Vec<(String, &'c Value)> {
    let examples = examples_at(exchange.contract.as_3_0(), &media_type.pointer);
    match (&media_type.schema, examples.is_empty()) {
        (Some(at), true) => schema_examples(&exchange.contract.spec.raw, at),
        _ => examples,
    }
}

/// A value for the schema at `at` that passes `validator`, when a few seeds make one.
pub(super) fn made_up(
    spec: &Value,
    at: &JsonPointer,
    validator: Option<&SchemaValidator>,
) -> Value {
    let fallback = || Synthesizer::new(spec, 0, Direction::Response).value(at);
    match validator {
        Some(validator) => {
            valid_value(spec, at, Direction::Response, 0, validator).unwrap_or_else(fallback)
        }
        None => fallback(),
    }
}
