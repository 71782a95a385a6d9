//! What the suite sends that no client would: a [`Mutation`] of a correctly encoded request (the
//! one place the suite departs from the runtime's encoders), bodies changed in one place each,
//! and parameter values at the edges of their constraints.

use codegen::load::{follow, JsonPointer};
use serde_json::{json, Map, Value};

use crate::http::Request;

/// What a client never sends, made of a correctly encoded request: the one place the suite
/// departs from the runtime's encoders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The body replaced by `bytes`, sent as `content_type`.
    Body {
        content_type: String,
        bytes: Vec<u8>,
    },
}

impl Mutation {
    #[must_use]
    pub fn apply(&self, mut call: Request) -> Request {
        match self {
            Mutation::Body {
                content_type,
                bytes,
            } => {
                call.headers
                    .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
                call.headers
                    .push(("content-type".to_owned(), content_type.clone()));
                call.body = Some(bytes.clone());
                call
            }
        }
    }
}

/// Values that differ from `valid` in one place: the root replaced, a property removed or of
/// another type, a string emptied, made huge or nonsensical, a number far out, an array emptied,
/// doubled or given an item of another type, an unexpected property added.
pub(super) fn mutations(valid: &Value) -> Vec<(String, Value)> {
    let mut found = vec![
        ("an array instead of the body".to_owned(), json!([])),
        ("a string instead of the body".to_owned(), json!("text")),
        ("null instead of the body".to_owned(), Value::Null),
    ];
    mutate_at(valid, "", valid, &mut found, 0);
    found
}

fn mutate_at(
    root: &Value,
    pointer: &str,
    here: &Value,
    found: &mut Vec<(String, Value)>,
    depth: usize,
) {
    if depth > 3 {
        return;
    }
    let mut replace = |label: String, value: Value| {
        let mut changed = root.clone();
        if let Some(slot) = changed.pointer_mut(pointer) {
            *slot = value;
            found.push((label, changed));
        }
    };
    let at = if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    };
    match here {
        Value::Object(object) => {
            let mut extra = object.clone();
            extra.insert("unexpected_property".into(), json!(true));
            replace(
                format!("{at}: an unexpected property"),
                Value::Object(extra),
            );
            for key in object.keys() {
                let mut without: Map<String, Value> = object.clone();
                without.remove(key);
                replace(format!("{at}: without `{key}`"), Value::Object(without));
            }
            if depth > 0 {
                replace(
                    format!("{at}: a string instead of an object"),
                    json!("text"),
                );
            }
            for (key, value) in object {
                let token = key.replace('~', "~0").replace('/', "~1");
                mutate_at(root, &format!("{pointer}/{token}"), value, found, depth + 1);
            }
        }
        Value::Array(items) => {
            replace(format!("{at}: an empty array"), json!([]));
            replace(format!("{at}: an object instead of an array"), json!({}));
            if let Some(first) = items.first() {
                let mut doubled = items.clone();
                doubled.push(first.clone());
                replace(format!("{at}: a repeated item"), Value::Array(doubled));
                mutate_at(root, &format!("{pointer}/0"), first, found, depth + 1);
            }
        }
        Value::String(_) => {
            replace(format!("{at}: a number instead of a string"), json!(12345));
            replace(format!("{at}: an empty string"), json!(""));
            replace(format!("{at}: a nonsensical string"), json!("!not valid!"));
            replace(
                format!("{at}: a 5,000-character string"),
                json!("x".repeat(5000)),
            );
        }
        Value::Number(number) => {
            replace(format!("{at}: a string instead of a number"), json!("12"));
            replace(format!("{at}: a huge number"), json!(1e12));
            replace(format!("{at}: a hugely negative number"), json!(-1e12));
            if number.is_i64() || number.is_u64() {
                replace(format!("{at}: a fraction"), json!(0.5));
            }
        }
        Value::Bool(_) => replace(
            format!("{at}: a string instead of a boolean"),
            json!("true"),
        ),
        Value::Null => replace(format!("{at}: a string instead of null"), json!("text")),
    }
}

/// Values at the edges of the schema's constraints, derived from a valid value: strings padded
/// to their longest or cut to their shortest, numbers at their bounds.
/// Characters in unconstrained text a server must store and return as they are.
const UNUSUAL_TEXT: &str = "Zoë ☃ 漢字 😀 \"quoted\" <b>&amp;</b> 'x' \\ \t end";
/// The length of the long unconstrained text: longer than a column of 255 or 1000.
const LONG_TEXT: usize = 1_500;
/// Past `i32::MAX`: a server that stores an integer in 32 bits fails here.
const LARGE_NUMBER: i64 = 3_000_000_000;

pub(super) fn edges(spec: &Value, at: &JsonPointer, valid: &Value) -> Vec<(&'static str, Value)> {
    let Some(schema) = constraints(spec, at) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    match valid {
        Value::String(text) => {
            let length = text.chars().count();
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                let max = usize::try_from(max).unwrap_or(usize::MAX).min(10_000);
                if let Some(last) = text.chars().last() {
                    if max > length {
                        let padded: String = text
                            .chars()
                            .chain(std::iter::repeat_n(last, max - length))
                            .collect();
                        found.push(("maximum length", Value::String(padded)));
                    }
                }
            }
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                let min = usize::try_from(min).unwrap_or(0);
                if min < length {
                    found.push((
                        "minimum length",
                        Value::String(text.chars().take(min).collect()),
                    ));
                }
            }
            // Free text: what a server's storage or templates may trip on (the caller keeps
            // only what the schema accepts).
            let free = ["pattern", "format", "enum"]
                .iter()
                .all(|keyword| schema.get(*keyword).is_none());
            if free {
                found.push(("longest plain text", Value::String("x".repeat(LONG_TEXT))));
                found.push(("non-ASCII text", Value::String(UNUSUAL_TEXT.to_owned())));
            }
        }
        Value::Number(_) => {
            for edge in ["minimum", "maximum"] {
                if let Some(value) = at_bound(&schema, edge) {
                    found.push((edge, value));
                }
            }
            if schema.get("enum").is_none() {
                if schema.get("maximum").is_none() {
                    // `int32` bounds the value as surely as a `maximum` does.
                    let large = match schema.get("format").and_then(Value::as_str) {
                        Some("int32") => i64::from(i32::MAX),
                        _ => LARGE_NUMBER,
                    };
                    found.push(("large value", Value::from(large)));
                }
                if schema.get("minimum").is_none() {
                    found.push(("negative value", Value::from(-1)));
                }
                found.push(("zero", Value::from(0)));
            }
        }
        _ => {}
    }
    found
}

/// Values just past the bounds of the schema at `at` (one over `maximum`, one under `minimum`,
/// one character more than `maxLength` or fewer than `minLength`), made from `valid`: where a
/// server that checks its bounds carelessly lets a value through.
pub(super) fn just_outside(spec: &Value, at: &JsonPointer, valid: &Value) -> Vec<Value> {
    let Some(schema) = constraints(spec, at) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let step = if integer { 1.0 } else { 0.5 };
    let number = |n: f64| {
        #[allow(clippy::cast_possible_truncation)]
        if integer && n.fract() == 0.0 && n.abs() < 9e15 {
            Value::from(n as i64)
        } else {
            Value::from(n)
        }
    };
    // An exclusive bound is itself the first value outside.
    for (bound, outward) in [("maximum", step), ("minimum", -step)] {
        let Some(limit) = schema.get(bound) else {
            continue;
        };
        if exclusive(&schema, bound) {
            found.push(limit.clone());
        } else if let Some(limit) = limit.as_f64() {
            found.push(number(limit + outward));
        }
    }
    if let Value::String(text) = valid {
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            let max = usize::try_from(max).unwrap_or(usize::MAX);
            if max < 10_000 {
                let last = text.chars().last().unwrap_or('x');
                let length = text.chars().count();
                let padded: String = text
                    .chars()
                    .chain(std::iter::repeat_n(last, (max + 1).saturating_sub(length)))
                    .collect();
                found.push(Value::String(padded));
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            let min = usize::try_from(min).unwrap_or(0);
            if min > 0 {
                found.push(Value::String(text.chars().take(min - 1).collect()));
            }
        }
    }
    found
}

/// How deep `allOf` members are looked into for [`constraints`].
const MAX_ALL_OF_DEPTH: usize = 8;

/// The keywords that constrain values of the schema at `at`: its own, and where it has none of
/// a kind, those of its `allOf` members (first member first). A `$ref` beside a `description` or
/// a `default`, which OpenAPI 3.0 specs write as `allOf: [{$ref}]` and the 3.0 form of a 3.1
/// document always does, bounds the value as surely as its target does. A bound keeps its own
/// `exclusive…` flag, from the same schema.
fn constraints(spec: &Value, at: &JsonPointer) -> Option<Value> {
    fn gather(spec: &Value, at: &JsonPointer, depth: usize, into: &mut Map<String, Value>) {
        let Ok((at, Value::Object(schema))) = follow(spec, at) else {
            return;
        };
        for (keyword, value) in schema {
            let flag = match keyword.as_str() {
                "exclusiveMinimum" | "exclusiveMaximum" | "allOf" => continue,
                "minimum" => Some("exclusiveMinimum"),
                "maximum" => Some("exclusiveMaximum"),
                _ => None,
            };
            if into.contains_key(keyword) {
                continue;
            }
            into.insert(keyword.clone(), value.clone());
            if let Some((flag, excluded)) = flag.and_then(|flag| Some((flag, schema.get(flag)?))) {
                into.insert(flag.to_owned(), excluded.clone());
            }
        }
        if depth >= MAX_ALL_OF_DEPTH {
            return;
        }
        let members = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..members {
            gather(
                spec,
                &at.join("allOf").join(index.to_string()),
                depth + 1,
                into,
            );
        }
    }
    follow(spec, at).ok()?;
    let mut found = Map::new();
    gather(spec, at, 0, &mut found);
    Some(Value::Object(found))
}

/// Whether the schema's `minimum` or `maximum` excludes itself (OpenAPI 3.0's boolean
/// `exclusiveMinimum`/`exclusiveMaximum`, also the 3.0 form of a 3.1 numeric one).
fn exclusive(schema: &Value, bound: &str) -> bool {
    let flag = if bound == "minimum" {
        "exclusiveMinimum"
    } else {
        "exclusiveMaximum"
    };
    schema.get(flag) == Some(&Value::Bool(true))
}

/// The value at the schema's `minimum` or `maximum`: the bound, or, when it is exclusive, the
/// integer next to it inside (a number has none; none is sent).
fn at_bound(schema: &Value, bound: &str) -> Option<Value> {
    let limit = schema.get(bound)?;
    if !exclusive(schema, bound) {
        return Some(limit.clone());
    }
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return None;
    }
    let inward = if bound == "minimum" { 1 } else { -1 };
    limit
        .as_i64()
        .and_then(|limit| limit.checked_add(inward))
        .map(Value::from)
}

pub(super) fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!(
            "{}… ({} characters)",
            text.chars().take(20).collect::<String>(),
            text.len()
        )
    } else {
        text
    }
}
