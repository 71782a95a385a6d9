//! What a schema's keywords say on their own: its type (inferred where `type` is missing), the
//! Rust builtin of a string, integer or number format, nullability, emptiness, and its docs.

use serde_json::{Map, Value};

use crate::model::{Builtin, Doc};

pub(super) fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t == "null"))
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_null))
}

/// Whether `null` is the only value the schema admits: an `enum` that lists nothing but `null`.
/// This is how a union member says "or null" in OpenAPI 3.0, where `type: "null"` does not
/// exist and `nullable: true` adds `null` only beside a `type` (`{type: object, nullable: true,
/// enum: [null]}`).
pub(super) fn admits_only_null(schema: &Value) -> bool {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null))
}

/// The schema's type, inferred from its keywords where `type` is missing.
pub(super) fn schema_type(object: &Map<String, Value>) -> Option<&str> {
    match object.get("type") {
        Some(Value::String(kind)) => Some(kind.as_str()),
        // A 3.1-style list: the first type that is not "null".
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null"),
        _ if object.contains_key("properties") || object.contains_key("additionalProperties") => {
            Some("object")
        }
        _ if object.contains_key("items") => Some("array"),
        _ => None,
    }
}

pub(super) fn schema_type_of(schema: &Value) -> Option<&str> {
    schema.as_object().and_then(schema_type)
}

pub(super) fn is_empty_schema(schema: &Value) -> bool {
    schema.as_object().is_some_and(|object| {
        object.keys().all(|key| {
            matches!(
                key.as_str(),
                "description" | "title" | "nullable" | "example"
            ) || key.starts_with("x-")
        })
    })
}

pub(super) fn string_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => Builtin::DateTime,
        Some("date") => Builtin::Date,
        Some("uuid") => Builtin::Uuid,
        Some("byte") => Builtin::Base64,
        // Raw bytes have no JSON form: inside JSON a `binary` string is text. Bodies and file
        // parts of multipart bodies, where bytes are what travels, are typed apart.
        _ => Builtin::String,
    }
}

pub(super) fn integer_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("int8") => Builtin::I8,
        Some("int16") => Builtin::I16,
        Some("int32") => Builtin::I32,
        Some("uint8") => Builtin::U8,
        Some("uint16") => Builtin::U16,
        Some("uint32") => Builtin::U32,
        Some("uint64" | "uint") => Builtin::U64,
        _ => Builtin::I64,
    }
}

pub(super) fn number_type(schema: &Value) -> Builtin {
    match schema.get("format").and_then(Value::as_str) {
        Some("float") => Builtin::F32,
        _ => Builtin::F64,
    }
}

/// Title, description, deprecation and format notes of a schema or any spec object.
pub(crate) fn doc_of(object: &Value) -> Doc {
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut notes = Vec::new();
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        if !matches!(
            format,
            "date-time"
                | "date"
                | "uuid"
                | "int32"
                | "int64"
                | "float"
                | "double"
                | "byte"
                | "binary"
        ) {
            notes.push(format!("Format: `{format}`."));
        }
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        if !values.iter().all(Value::is_string) {
            let listed: Vec<String> = values.iter().map(Value::to_string).collect();
            notes.push(format!("One of: {}.", listed.join(", ")));
        }
    }
    Doc {
        title: text("title"),
        description: text("description").or_else(|| text("summary")),
        deprecated: object.get("deprecated") == Some(&Value::Bool(true)),
        notes,
    }
}

/// A schema that only constrains (`required`, descriptions), as in `oneOf: [{required: [a]},
/// {required: [b]}]` beside `properties`: it adds no shape.
pub(super) fn is_constraint_only(schema: &Value) -> bool {
    schema.as_object().is_some_and(|object| {
        object.keys().all(|key| {
            matches!(
                key.as_str(),
                "required" | "description" | "title" | "not" | "minProperties" | "maxProperties"
            ) || key.starts_with("x-")
        })
    })
}
