//! A spec's schema and everything it references → one JSON Schema 2020-12 document.
//!
//! Each schema that is the target of a `$ref` becomes an entry of `$defs` keyed by its JSON
//! pointer in the spec, so a keyword's location in the translated document maps back to its
//! location in the spec by string manipulation alone.
//!
//! The schemas of an OpenAPI 3.0 document are translated from the 3.0 Schema Object: `nullable`,
//! boolean exclusive bounds, `$ref` siblings ignored. Every keyword keeps its relative position,
//! with one exception: a nullable schema that uses composition (`allOf`/`oneOf`/`anyOf`/`not`)
//! cannot just widen `type`, so it becomes `anyOf: [null, $ref to its non-null translation]`,
//! marked with [`NULLABLE_WRAPPER`]; the non-null translation is a `$defs` entry of its own, keyed
//! `!` + its pointer.
//!
//! The schemas of an OpenAPI 3.1 document already are JSON Schema 2020-12 and are kept as
//! written (`nullable` in one means nothing, as 3.1 says), apart from what collecting them into
//! one document needs and what OpenAPI itself adds to JSON Schema: see [`Translator::node_2020`].

use std::collections::BTreeSet;

use codegen::load::{local_ref_target, resolve, JsonPointer, OpenApiVersion};
use serde_json::{json, Map, Value};

use super::Direction;

/// Marks the `anyOf` that translation made out of `nullable: true`.
pub(crate) const NULLABLE_WRAPPER: &str = "x-callspec-nullable";
/// Lists the bounds translation added to an integer schema for its `format: int32`.
pub(crate) const ADDED_BOUNDS: &str = "x-callspec-added-bounds";
/// Marks a composition member that translation constrained by its parent's `discriminator`.
pub(crate) const DISCRIMINATED: &str = "x-callspec-discriminated";
/// Prefix of the `$defs` key of a nullable schema's non-null translation.
pub(crate) const NON_NULL_PREFIX: char = '!';

/// The translated document for the schema at `root` and everything it references.
pub(crate) struct Translated {
    pub document: Value,
}

pub(crate) fn translate(
    spec: &Value,
    root: &JsonPointer,
    direction: Direction,
) -> Result<Translated, TranslateError> {
    let mut translator = Translator {
        spec,
        json_schema: OpenApiVersion::of(spec).json_schema_dialect(),
        direction,
        pending: vec![root.to_string()],
        done: BTreeSet::new(),
        defs: Map::new(),
    };
    while let Some(key) = translator.pending.pop() {
        if !translator.done.insert(key.clone()) {
            continue;
        }
        let (pointer, non_null) = match key.strip_prefix(NON_NULL_PREFIX) {
            Some(pointer) => (pointer.to_owned(), true),
            None => (key.clone(), false),
        };
        let parsed = JsonPointer::parse(&pointer).ok_or_else(|| TranslateError {
            pointer: pointer.clone(),
            message: "not a JSON pointer".into(),
        })?;
        let node = spec.pointer(&pointer).ok_or_else(|| TranslateError {
            pointer: pointer.clone(),
            message: "no schema at this pointer".into(),
        })?;
        let translated = if translator.json_schema {
            translator.node_2020(node, &parsed)?
        } else {
            translator.node(node, &parsed, non_null)?
        };
        translator.defs.insert(key, translated);
    }
    let document = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": def_ref(&root.to_string()),
        "$defs": Value::Object(translator.defs),
    });
    Ok(Translated { document })
}

/// A schema that cannot be translated, with its pointer in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TranslateError {
    pub pointer: String,
    pub message: String,
}

/// `#/$defs/<key>` as a URI fragment: the key escaped as a pointer token, then percent-encoded.
pub(crate) fn def_ref(key: &str) -> String {
    let token = codegen::load::escape_token(key);
    format!(
        "#/$defs/{}",
        percent_encoding::utf8_percent_encode(&token, FRAGMENT)
    )
}

/// Characters that may not stand raw in a URI fragment (RFC 3986), plus `%` itself.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

struct Translator<'a> {
    spec: &'a Value,
    /// Whether the spec's schemas are JSON Schema 2020-12 (OpenAPI 3.1) rather than 3.0 ones.
    json_schema: bool,
    direction: Direction,
    pending: Vec<String>,
    done: BTreeSet<String>,
    defs: Map<String, Value>,
}

/// Keywords whose value is a schema.
const SCHEMA_VALUED: [&str; 3] = ["items", "not", "additionalProperties"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];
/// JSON Schema 2020-12 keywords whose value is a schema.
const SCHEMA_VALUED_2020: [&str; 11] = [
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];
/// JSON Schema 2020-12 keywords whose value is a list of schemas.
const SCHEMA_LISTS_2020: [&str; 4] = ["allOf", "oneOf", "anyOf", "prefixItems"];
/// JSON Schema 2020-12 keywords whose value is a map of schemas.
const SCHEMA_MAPS_2020: [&str; 3] = ["properties", "patternProperties", "dependentSchemas"];
/// OpenAPI 3.0 keywords that mean the same in JSON Schema 2020-12.
const UNCHANGED: [&str; 13] = [
    "multipleOf",
    "maximum",
    "minimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "format",
    "title",
];

impl Translator<'_> {
    fn node(
        &mut self,
        node: &Value,
        at: &JsonPointer,
        non_null: bool,
    ) -> Result<Value, TranslateError> {
        let Value::Object(schema) = node else {
            return match node {
                Value::Bool(_) => Ok(node.clone()),
                _ => Err(TranslateError {
                    pointer: at.to_string(),
                    message: format!("a schema must be an object, found {node}"),
                }),
            };
        };
        if let Some(reference) = schema.get("$ref") {
            // OpenAPI 3.0: siblings of `$ref` are ignored.
            let reference = reference.as_str().ok_or_else(|| TranslateError {
                pointer: at.join("$ref").to_string(),
                message: "`$ref` must be a string".into(),
            })?;
            let target = local_ref_target(reference).map_err(|err| TranslateError {
                pointer: at.join("$ref").to_string(),
                message: err.to_string(),
            })?;
            self.pending.push(target.clone());
            return Ok(json!({ "$ref": def_ref(&target) }));
        }
        let nullable = !non_null && schema.get("nullable") == Some(&Value::Bool(true));
        let composed =
            SCHEMA_LISTS.iter().any(|k| schema.contains_key(*k)) || schema.contains_key("not");
        if nullable && composed {
            let inner = format!("{NON_NULL_PREFIX}{at}");
            self.pending.push(inner.clone());
            return Ok(json!({
                "anyOf": [{ "type": "null" }, { "$ref": def_ref(&inner) }],
                NULLABLE_WRAPPER: true,
            }));
        }

        let mut out = Map::new();
        for keyword in UNCHANGED {
            if let Some(value) = schema.get(keyword) {
                out.insert(keyword.to_owned(), value.clone());
            }
        }
        if let Some(kind) = schema.get("type") {
            out.insert(
                "type".into(),
                if nullable {
                    json!([kind, "null"])
                } else {
                    kind.clone()
                },
            );
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            let mut values = values.clone();
            if nullable && !values.contains(&Value::Null) {
                values.push(Value::Null);
            }
            out.insert("enum".into(), Value::Array(values));
        }
        exclusive_bound(schema, &mut out, "exclusiveMinimum", "minimum");
        exclusive_bound(schema, &mut out, "exclusiveMaximum", "maximum");
        if schema.get("type") == Some(&json!("integer")) {
            int32_bounds(schema, &mut out);
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            let mut translated = Map::new();
            for (name, property) in properties {
                let property_at = at.join("properties").join(name.as_str());
                translated.insert(name.clone(), self.node(property, &property_at, false)?);
            }
            out.insert("properties".into(), Value::Object(translated));
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            out.insert("required".into(), self.required(schema, required));
        }
        for keyword in SCHEMA_VALUED {
            match schema.get(keyword) {
                Some(Value::Bool(allowed)) => {
                    out.insert(keyword.into(), Value::Bool(*allowed));
                }
                Some(child) => {
                    let child = self.node(child, &at.join(keyword), false)?;
                    out.insert(keyword.into(), child);
                }
                None => {}
            }
        }
        let tag = discriminator_property(node);
        for keyword in SCHEMA_LISTS {
            if let Some(Value::Array(members)) = schema.get(keyword) {
                let mut translated = Vec::with_capacity(members.len());
                for (index, member) in members.iter().enumerate() {
                    let member_at = at.join(keyword).join(index.to_string());
                    let mut member_schema = self.node(member, &member_at, false)?;
                    if let (Some(property), "oneOf" | "anyOf") = (tag, keyword) {
                        let values = discriminator_values(self.spec, node, member);
                        select_by_discriminator(&mut member_schema, property, values);
                    }
                    translated.push(member_schema);
                }
                out.insert(keyword.into(), Value::Array(translated));
            }
        }
        Ok(Value::Object(out))
    }

    /// A JSON Schema 2020-12 schema of an OpenAPI 3.1 document, as written but for:
    /// - every `$ref` (a JSON pointer into the spec, as everywhere in the project) becomes a
    ///   reference to the `$defs` entry of its target; `$defs` (and `definitions`) inside a
    ///   schema are left out, since only such references reach them; `$id` and `$schema` inside
    ///   a schema are left out too, since a new base URI would make the `$defs` references
    ///   resolve elsewhere;
    /// - `readOnly`/`writeOnly` still decide what `required` means by [`Direction`]: that is
    ///   OpenAPI's reading of the annotations, in 3.1 as in 3.0;
    /// - a `discriminator` still selects the member its tag names: OpenAPI 3.1 keeps the
    ///   keyword with its 3.0 meaning, and 3.1 specs overlap members as 3.0 ones do (each
    ///   declaring the tag a plain string), so without it valid instances fail `oneOf`;
    /// - `format: int32` still bounds an integer: OpenAPI 3.1's format registry defines it as a
    ///   signed 32-bit integer, formats are checked as assertions here in either version, and a
    ///   server with a 32-bit field refuses what the bounds leave out;
    /// - a boolean `exclusiveMinimum`/`exclusiveMaximum` is 3.0's form left in a 3.1 document
    ///   (2020-12 only has numbers there, and would refuse the whole schema): it is read as 3.0
    ///   meant it. `nullable`, another 3.0 leftover, is not: 2020-12 has a way to say null, and
    ///   in 3.1 the keyword means nothing.
    fn node_2020(&mut self, node: &Value, at: &JsonPointer) -> Result<Value, TranslateError> {
        let Value::Object(schema) = node else {
            return match node {
                Value::Bool(_) => Ok(node.clone()),
                _ => Err(TranslateError {
                    pointer: at.to_string(),
                    message: format!("a schema must be an object or a boolean, found {node}"),
                }),
            };
        };
        let mut out = Map::new();
        for (keyword, value) in schema {
            let keyword_at = || at.join(keyword.as_str());
            let translated = match keyword.as_str() {
                "$ref" => {
                    let reference = value.as_str().ok_or_else(|| TranslateError {
                        pointer: keyword_at().to_string(),
                        message: "`$ref` must be a string".into(),
                    })?;
                    let target = local_ref_target(reference).map_err(|err| TranslateError {
                        pointer: keyword_at().to_string(),
                        message: err.to_string(),
                    })?;
                    self.pending.push(target.clone());
                    Value::String(def_ref(&target))
                }
                "$defs" | "definitions" | "$id" | "$schema" | "$recursiveAnchor" => continue,
                "$recursiveRef" if !schema.contains_key("$ref") => {
                    // Draft 2019-09's recursion, left in a 3.1 document (2020-12 would ignore
                    // it, and a `oneOf` member that is this would admit anything): the nearest
                    // enclosing schema with `$recursiveAnchor: true`, as 2019-09 reads it.
                    let Some(target) = recursive_anchor(self.spec, at) else {
                        continue;
                    };
                    self.pending.push(target.clone());
                    out.insert("$ref".into(), Value::String(def_ref(&target)));
                    continue;
                }
                "required" => match value {
                    Value::Array(names) => self.required(schema, names),
                    _ => value.clone(),
                },
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
                keyword if SCHEMA_VALUED_2020.contains(&keyword) => {
                    self.node_2020(value, &keyword_at())?
                }
                keyword if SCHEMA_LISTS_2020.contains(&keyword) => match value {
                    Value::Array(members) => {
                        let mut translated = Vec::with_capacity(members.len());
                        for (index, member) in members.iter().enumerate() {
                            let member_at = keyword_at().join(index.to_string());
                            translated.push(self.node_2020(member, &member_at)?);
                        }
                        Value::Array(translated)
                    }
                    _ => value.clone(),
                },
                keyword if SCHEMA_MAPS_2020.contains(&keyword) => match value {
                    Value::Object(entries) => {
                        let mut translated = Map::new();
                        for (name, entry) in entries {
                            let entry_at = keyword_at().join(name.as_str());
                            translated.insert(name.clone(), self.node_2020(entry, &entry_at)?);
                        }
                        Value::Object(translated)
                    }
                    _ => value.clone(),
                },
                _ => value.clone(),
            };
            out.insert(keyword.clone(), translated);
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if schema.get(exclusive) == Some(&Value::Bool(true)) {
                if let Some(limit) = out.remove(bound) {
                    out.insert(exclusive.to_owned(), limit);
                }
            }
        }
        let integer = match schema.get("type") {
            Some(Value::String(kind)) => kind == "integer",
            Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "integer"),
            _ => false,
        };
        if integer {
            int32_bounds(schema, &mut out);
        }
        if let Some(property) = discriminator_property(node) {
            for keyword in ["oneOf", "anyOf"] {
                let (Some(Value::Array(members)), Some(Value::Array(translated))) =
                    (schema.get(keyword), out.get_mut(keyword))
                else {
                    continue;
                };
                for (member, member_schema) in members.iter().zip(translated.iter_mut()) {
                    let values = discriminator_values(self.spec, node, member);
                    select_by_discriminator(member_schema, property, values);
                }
            }
        }
        Ok(Value::Object(out))
    }

    /// A `required` list as the validator reads it: without the properties the direction does
    /// not require, and each name once (a real spec lists one twice, which JSON Schema forbids
    /// and would refuse the whole schema for, though the list means the same).
    fn required(&self, schema: &Map<String, Value>, names: &[Value]) -> Value {
        let mut kept: Vec<Value> = Vec::with_capacity(names.len());
        for name in names {
            if !kept.contains(name) && !self.excluded_from_required(schema, name) {
                kept.push(name.clone());
            }
        }
        Value::Array(kept)
    }

    /// `readOnly` properties are required only in responses, `writeOnly` ones only in requests.
    /// In 3.1 the flag may stand beside the property's `$ref` as well as at its target.
    fn excluded_from_required(&self, schema: &Map<String, Value>, name: &Value) -> bool {
        let Some(name) = name.as_str() else {
            return false;
        };
        let Some(property) = schema.get("properties").and_then(|p| p.get(name)) else {
            return false;
        };
        let flag = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        if self.json_schema && property.get(flag) == Some(&Value::Bool(true)) {
            return true;
        }
        let Ok(property) = resolve(self.spec, property) else {
            return false;
        };
        property.get(flag) == Some(&Value::Bool(true))
    }
}

/// The pointer of the nearest schema enclosing `at` (or `at` itself) that says
/// `$recursiveAnchor: true`.
fn recursive_anchor(spec: &Value, at: &JsonPointer) -> Option<String> {
    let tokens = at.tokens();
    (0..=tokens.len()).rev().find_map(|length| {
        let enclosing = tokens[..length]
            .iter()
            .fold(JsonPointer::root(), |pointer, token| {
                pointer.join(token.as_str())
            });
        let anchored = enclosing
            .resolve(spec)
            .and_then(|schema| schema.get("$recursiveAnchor"))
            == Some(&Value::Bool(true));
        anchored.then(|| enclosing.to_string())
    })
}

/// The bounds of `format: int32` on an integer schema, where the schema sets none of its own,
/// listed under [`ADDED_BOUNDS`] so that a violation names the `format`.
fn int32_bounds(schema: &Map<String, Value>, out: &mut Map<String, Value>) {
    if schema.get("format") != Some(&json!("int32")) {
        return;
    }
    let mut added = Vec::new();
    for (bound, limit) in [
        ("minimum", i64::from(i32::MIN)),
        ("maximum", i64::from(i32::MAX)),
    ] {
        if !out.contains_key(bound) && !out.contains_key(&exclusive_name(bound)) {
            out.insert(bound.to_owned(), json!(limit));
            added.push(json!(bound));
        }
    }
    if !added.is_empty() {
        out.insert(ADDED_BOUNDS.to_owned(), Value::Array(added));
    }
}

/// The property a schema's `discriminator` names, when it has one.
pub(crate) fn discriminator_property(schema: &Value) -> Option<&str> {
    schema.get("discriminator")?.get("propertyName")?.as_str()
}

/// The tag values that select `member` (a `$ref` member of `schema`'s `oneOf`/`anyOf`): the
/// mapping's keys that name it; without any, the schema's name, plus the values the member itself
/// allows for the tag property (specs often write `type: {enum: [track]}` and no mapping, and
/// servers send `track`).
pub(crate) fn discriminator_values(spec: &Value, schema: &Value, member: &Value) -> Vec<String> {
    let (Some(property), Some(reference)) = (
        discriminator_property(schema),
        member.get("$ref").and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let mapped: Vec<String> = schema
        .get("discriminator")
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object)
        .map(|mapping| {
            mapping
                .iter()
                .filter(|(_, target)| {
                    target.as_str() == Some(reference) || target.as_str() == Some(name)
                })
                .map(|(value, _)| value.clone())
                .collect()
        })
        .unwrap_or_default();
    if !mapped.is_empty() {
        return mapped;
    }
    let own: Vec<String> = resolve(spec, member)
        .ok()
        .and_then(|target| target.get("properties")?.get(property))
        .and_then(|tag| resolve(spec, tag).ok())
        .and_then(|tag| match tag.get("const") {
            // JSON Schema 2020-12 (OpenAPI 3.1) says one value with `const`.
            Some(value) => Some(vec![value.clone()]),
            None => tag.get("enum")?.as_array().cloned(),
        })
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut values = vec![name.to_owned()];
    values.extend(own.into_iter().filter(|v| v != name));
    values
}

/// OpenAPI's discriminator picks the one member whose tag the instance carries, even where the
/// members overlap (as they do when each declares the tag as a plain string). In JSON Schema that
/// is an extra condition on each `$ref` member: the tag property holds one of its values.
fn select_by_discriminator(translated: &mut Value, property: &str, values: Vec<String>) {
    if values.is_empty() {
        return;
    }
    if let Value::Object(object) = translated {
        if object.contains_key("properties") || object.contains_key("required") {
            // A 3.1 `$ref` member with object keywords beside it: the condition would replace
            // them, so the member stands as written.
            return;
        }
        object.insert("properties".into(), json!({ property: { "enum": values } }));
        object.insert("required".into(), json!([property]));
        object.insert(DISCRIMINATED.into(), Value::Bool(true));
    }
}

fn exclusive_name(bound: &str) -> String {
    format!("exclusive{}{}", bound[..1].to_uppercase(), &bound[1..])
}

/// OpenAPI 3.0's `exclusiveMinimum: true` qualifies `minimum`; 2020-12's carries the bound.
fn exclusive_bound(
    schema: &Map<String, Value>,
    out: &mut Map<String, Value>,
    exclusive: &str,
    bound: &str,
) {
    if schema.get(exclusive) == Some(&Value::Bool(true)) {
        if let Some(limit) = out.remove(bound) {
            out.insert(exclusive.to_owned(), limit);
        }
    }
}
