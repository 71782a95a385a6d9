//! An OpenAPI 3.1 document's schemas (JSON Schema 2020-12) written as OpenAPI 3.0 Schema
//! Objects: the form the typed `openapiv3` view, the generator's type space and the value
//! synthesizer read. The schema validator reads the document as written instead, so nothing a
//! 3.1 schema says is lost to the checks; what the 3.0 form cannot say is lost only to the Rust
//! types, each time with a [`Warning`] at the keyword's pointer.
//!
//! Pointers are kept: every schema stays where it stands, so a `$ref` (also into `$defs`) and a
//! warning mean the same place in both forms. The rewrites:
//! - `type: [T, "null"]` → `type: T, nullable: true`; several types → `anyOf` of one member per
//!   type, each with the keywords that apply to it; `type: "null"` → `enum: [null]`;
//! - `const: v` → `enum: [v]`; `examples: [v, …]` → `example: v`;
//! - a numeric `exclusiveMinimum`/`exclusiveMaximum` → the bound and `true`;
//! - `$ref` beside `description`, `default`, `deprecated`, … → `allOf: [{$ref}]` beside them, the
//!   3.0 way of documenting a reference;
//! - `contentEncoding: base64` → `format: byte`; a `contentMediaType` that is not JSON or text →
//!   `format: binary`;
//! - `true` → `{}`, `false` → `{not: {}}`, except as `additionalProperties`, which takes both in
//!   3.0 too (and where `false` is what makes a closed object: `{not: {}}` would read as a map of
//!   values none of which can be);
//! - and, with a warning each, the keywords Rust types cannot hold: `prefixItems` (an array of
//!   JSON values), `patternProperties` (a map of the pattern's type when there is one pattern),
//!   `unevaluatedProperties` (read as `additionalProperties`), and `propertyNames`,
//!   `dependentRequired`, `dependentSchemas`, `if`/`then`/`else`, `not`, `contains`,
//!   `unevaluatedItems`, `$dynamicRef` (not expressed in the type).
//!
//! A document with `webhooks` and no `paths` gets empty `paths`; a `jsonSchemaDialect` other than
//! OpenAPI 3.1's own or JSON Schema 2020-12 is read as 2020-12, with a warning.

use serde_json::{json, Map, Value};

use super::error::Warning;
use super::pointer::JsonPointer;

/// The 3.0 form of a 3.1 document, and what it could not say.
pub(crate) fn downgrade(document: &Value) -> (Value, Vec<Warning>) {
    let mut copy = document.clone();
    let mut walker = Walker {
        path: Vec::new(),
        warnings: Vec::new(),
    };
    if let Some(dialect) = document.get("jsonSchemaDialect").and_then(Value::as_str) {
        if !KNOWN_DIALECTS.contains(&dialect.trim_end_matches('#')) {
            walker.path.push("jsonSchemaDialect".into());
            walker.warn_here(format!(
                "schemas are read as JSON Schema 2020-12 (the OpenAPI 3.1 dialect), not as `{dialect}`"
            ));
            walker.path.pop();
        }
    }
    if let Value::Object(top) = &mut copy {
        top.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        for (key, value) in top.iter_mut() {
            walker.path.push(key.clone());
            if key == "components" {
                walker.components(value);
            } else {
                walker.schemas_under(value);
            }
            walker.path.pop();
        }
    }
    (copy, walker.warnings)
}

/// The dialects schemas are read in: OpenAPI 3.1's default and the JSON Schema it extends.
const KNOWN_DIALECTS: [&str; 2] = [
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: [&str; 11] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of schemas.
const SCHEMA_MAP_KEYWORDS: [&str; 4] = [
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// What stays beside the members when a `type` list becomes an `anyOf`: what describes the
/// value as a whole rather than one of its types.
const ANNOTATIONS: [&str; 10] = [
    "title",
    "description",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
];

/// The keywords that only apply to instances of one type.
fn applies_to(keyword: &str) -> Option<&'static str> {
    Some(match keyword {
        "minLength" | "maxLength" | "pattern" | "contentEncoding" | "contentMediaType" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" | "contains" => "array",
        "properties"
        | "required"
        | "additionalProperties"
        | "patternProperties"
        | "propertyNames"
        | "minProperties"
        | "maxProperties"
        | "unevaluatedProperties"
        | "dependentRequired" => "object",
        _ => return None,
    })
}

struct Walker {
    /// Where the walk stands, as pointer tokens: a pointer is made only for a warning.
    path: Vec<String>,
    warnings: Vec<Warning>,
}

impl Walker {
    fn warn(&mut self, keyword: &str, message: String) {
        self.path.push(keyword.to_owned());
        self.warn_here(message);
        self.path.pop();
    }

    fn warn_here(&mut self, message: String) {
        self.warnings.push(Warning {
            pointer: JsonPointer::from_tokens(&self.path).to_string(),
            message,
        });
    }

    fn components(&mut self, components: &mut Value) {
        let Value::Object(components) = components else {
            return;
        };
        for (key, value) in components.iter_mut() {
            self.path.push(key.clone());
            if key == "schemas" {
                if let Value::Object(schemas) = value {
                    for (name, schema) in schemas.iter_mut() {
                        self.path.push(name.clone());
                        self.schema(schema);
                        self.path.pop();
                    }
                }
            } else {
                self.schemas_under(value);
            }
            self.path.pop();
        }
    }

    /// Every `schema` of the objects under `value` (parameters, headers, media types), found by
    /// walking everything but data (examples, defaults, extensions).
    fn schemas_under(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if matches!(key.as_str(), "example" | "examples" | "default")
                        || key.starts_with("x-")
                    {
                        continue;
                    }
                    self.path.push(key.clone());
                    if key == "schema" {
                        self.schema(child);
                    } else {
                        self.schemas_under(child);
                    }
                    self.path.pop();
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.path.push(index.to_string());
                    self.schemas_under(item);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }

    /// One schema and the schemas inside it.
    fn schema(&mut self, schema: &mut Value) {
        let object = match schema {
            Value::Bool(true) => {
                *schema = Value::Object(Map::new());
                return;
            }
            Value::Bool(false) => {
                *schema = json!({"not": {}});
                return;
            }
            Value::Object(object) => object,
            _ => return,
        };
        self.keywords(object);
        for keyword in SCHEMA_KEYWORDS {
            if let Some(child) = object.get_mut(keyword) {
                if keyword == "additionalProperties" && child.is_boolean() {
                    continue;
                }
                self.path.push(keyword.to_owned());
                self.schema(child);
                self.path.pop();
            }
        }
        for keyword in SCHEMA_LIST_KEYWORDS {
            if let Some(Value::Array(children)) = object.get_mut(keyword) {
                self.path.push(keyword.to_owned());
                for (index, child) in children.iter_mut().enumerate() {
                    self.path.push(index.to_string());
                    self.schema(child);
                    self.path.pop();
                }
                self.path.pop();
            }
        }
        for keyword in SCHEMA_MAP_KEYWORDS {
            if let Some(Value::Object(children)) = object.get_mut(keyword) {
                self.path.push(keyword.to_owned());
                for (name, child) in children.iter_mut() {
                    self.path.push(name.clone());
                    self.schema(child);
                    self.path.pop();
                }
                self.path.pop();
            }
        }
    }

    /// The rewrites of one schema object's own keywords (its subschemas are walked after).
    fn keywords(&mut self, object: &mut Map<String, Value>) {
        if object.contains_key("$ref") && object.keys().any(|key| documents_a_reference(key)) {
            let reference = object.remove("$ref").unwrap_or_default();
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
        if let Some(value) = object.remove("const") {
            object
                .entry("enum")
                .or_insert_with(|| Value::Array(vec![value]));
        }
        if let Some(Value::Array(examples)) = object.remove("examples") {
            if let Some(first) = examples.into_iter().next() {
                object.entry("example").or_insert(first);
            }
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(limit @ Value::Number(_)) = object.get(exclusive).cloned() {
                object.insert(bound.into(), limit);
                object.insert(exclusive.into(), Value::Bool(true));
            }
        }
        self.types(object);
        self.content(object);
        self.fallbacks(object);
    }

    /// `type` lists and `type: "null"`.
    fn types(&mut self, object: &mut Map<String, Value>) {
        let kinds: Vec<String> = match object.get("type") {
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(kind)) if kind == "null" => vec![kind.clone()],
            _ => return,
        };
        object.remove("type");
        let nullable = kinds.iter().any(|kind| kind == "null");
        let mut others: Vec<String> = kinds.into_iter().filter(|kind| kind != "null").collect();
        // `integer` is a `number`: a list that names both means `number`.
        if others.iter().any(|kind| kind == "number") {
            others.retain(|kind| kind != "integer");
        }
        match others.as_slice() {
            [] => {
                object
                    .entry("enum")
                    .or_insert_with(|| Value::Array(vec![Value::Null]));
            }
            [kind] => {
                object.insert("type".into(), Value::String(kind.clone()));
            }
            // An `enum` or a composition already says which values there are.
            _ if ["enum", "oneOf", "anyOf"]
                .iter()
                .any(|k| object.contains_key(*k)) => {}
            _ => {
                let members = others
                    .iter()
                    .map(|kind| {
                        let mut member = Map::new();
                        member.insert("type".into(), Value::String(kind.clone()));
                        for (keyword, value) in object.iter() {
                            let applies = applies_to(keyword);
                            if applies == Some(kind.as_str())
                                || (applies == Some("number") && kind == "integer")
                                || (keyword == "format" && kind != "boolean")
                            {
                                member.insert(keyword.clone(), value.clone());
                            }
                        }
                        Value::Object(member)
                    })
                    .collect();
                object.retain(|keyword, _| {
                    ANNOTATIONS.contains(&keyword.as_str())
                        || keyword.starts_with("x-")
                        || !(applies_to(keyword).is_some() || keyword == "format")
                });
                object.insert("anyOf".into(), Value::Array(members));
            }
        }
        if nullable {
            object.insert("nullable".into(), Value::Bool(true));
        }
    }

    /// `contentEncoding` and `contentMediaType` as the 3.0 formats.
    fn content(&mut self, object: &mut Map<String, Value>) {
        if object.contains_key("format") {
            return;
        }
        let encoding = object.get("contentEncoding").and_then(Value::as_str);
        let media = object.get("contentMediaType").and_then(Value::as_str);
        let format = match (encoding, media) {
            (Some(encoding), _) if encoding.eq_ignore_ascii_case("base64") => "byte",
            (None, Some(media)) if !(media.contains("json") || media.starts_with("text/")) => {
                "binary"
            }
            _ => return,
        };
        object.insert("format".into(), Value::String(format.into()));
    }

    /// The keywords no Rust type holds: the closest type, and a warning.
    fn fallbacks(&mut self, object: &mut Map<String, Value>) {
        if object.contains_key("prefixItems") {
            if !object.contains_key("items") || object.get("items") == Some(&Value::Bool(false)) {
                object.insert("items".into(), Value::Object(Map::new()));
            }
            self.warn(
                "prefixItems",
                "a tuple (`prefixItems`) is typed as an array of serde_json::Value".into(),
            );
        }
        if let Some(Value::Object(patterns)) = object.get("patternProperties") {
            let message = if object.contains_key("additionalProperties") {
                "`patternProperties` beside `additionalProperties`: the keys the patterns match are typed by `additionalProperties`"
            } else if let [pattern] = patterns.values().collect::<Vec<_>>().as_slice() {
                let pattern = (*pattern).clone();
                object.insert("additionalProperties".into(), pattern);
                "`patternProperties` is typed as a map of its one schema; the key pattern is not checked"
            } else {
                object.insert("additionalProperties".into(), Value::Object(Map::new()));
                "`patternProperties` with several patterns is typed as a map of serde_json::Value"
            };
            self.warn("patternProperties", message.into());
        }
        if let Some(unevaluated) = object.get("unevaluatedProperties").cloned() {
            if !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), unevaluated);
            }
            self.warn(
                "unevaluatedProperties",
                "`unevaluatedProperties` is typed as `additionalProperties` would be".into(),
            );
        }
        for keyword in [
            "propertyNames",
            "dependentRequired",
            "dependentSchemas",
            "if",
            "not",
            "contains",
            "unevaluatedItems",
        ] {
            if object.contains_key(keyword) {
                self.warn(
                    keyword,
                    format!("`{keyword}` is not expressed in the Rust type; the type stands as the other keywords say"),
                );
            }
        }
        if object.contains_key("$dynamicRef") {
            object.remove("$dynamicRef");
            self.warn(
                "$dynamicRef",
                "`$dynamicRef` is not followed; typed as serde_json::Value".into(),
            );
        }
    }
}

/// Whether a keyword beside `$ref` says something 3.0 would ignore there (2020-12 reads it).
fn documents_a_reference(keyword: &str) -> bool {
    !(matches!(
        keyword,
        "$ref" | "summary" | "$comment" | "$id" | "$schema" | "$anchor"
    ) || keyword.starts_with("x-"))
}

#[cfg(test)]
mod tests;
