//! Every example a spec carries, with the schema it must match.
//!
//! Examples stand on schemas (`example`; in OpenAPI 3.1, JSON Schema's `examples` list too),
//! parameters, headers and media types (`example` or `examples`, the latter possibly `$ref`s into
//! `components/examples`). Each is paired with the JSON pointer of its schema and the direction
//! its message travels, so it can be validated with [`crate::schema::SchemaValidator`] and served
//! by the mock.

use std::collections::BTreeSet;

use codegen::api::{Api, Site};
use codegen::load::{follow, JsonPointer};
use codegen::LoadedSpec;
use serde_json::Value;

use crate::schema::Direction;

/// One example and the schema it illustrates.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecExample<'a> {
    /// JSON pointer of the example value in the spec (inside `components/examples` when the
    /// example was a `$ref`).
    pub at: String,
    /// Where the example is used, when that differs from `at` (the `$ref`'s position).
    pub used_at: String,
    pub value: &'a Value,
    /// JSON pointer of the schema the example must match.
    pub schema: String,
    pub direction: Direction,
}

/// Every example of `spec`, each once per schema it is used with, in document order. Pointers
/// and values are those of the document as written (`spec.raw`), which is what examples are
/// validated against.
#[must_use]
pub fn examples(spec: &LoadedSpec) -> Vec<SpecExample<'_>> {
    let mut finder = Finder {
        spec: &spec.raw,
        json_schema: spec.version().json_schema_dialect(),
        found: Vec::new(),
        seen: BTreeSet::new(),
    };
    let (api, _) = Api::read(spec.as_3_0());
    for operation in &api.operations {
        // Callbacks and webhooks are sent by the server and answered by the client.
        let (request, response) = match operation.site {
            Site::Paths => (Direction::Request, Direction::Response),
            Site::Callback { .. } | Site::Webhook { .. } => {
                (Direction::Response, Direction::Request)
            }
        };
        for parameter in operation.parameters.iter().filter(|p| p.declared) {
            finder.parameter(&parameter.pointer, request);
        }
        if let Some(body) = &operation.body {
            finder.body(&body.pointer, request);
        }
        for documented in &operation.responses {
            finder.response(&documented.pointer, response);
        }
    }
    // Components used nowhere still carry examples worth checking.
    let components = JsonPointer::root().join("components");
    for section in [
        "parameters",
        "requestBodies",
        "responses",
        "headers",
        "schemas",
    ] {
        let section_at = components.join(section);
        let Some(Value::Object(entries)) = section_at.resolve(&spec.raw) else {
            continue;
        };
        for name in entries.keys() {
            let at = section_at.join(name.as_str());
            match section {
                "parameters" => finder.parameter(&at, Direction::Request),
                "headers" => finder.parameter(&at, Direction::Response),
                "requestBodies" => finder.body(&at, Direction::Request),
                "responses" => finder.response(&at, Direction::Response),
                _ => finder.schema_tree(&at, Direction::Response),
            }
        }
    }
    finder.found
}

/// The examples of the Parameter, Header or Media Type Object at `at`: its `example` first, then
/// the `value` of each of its `examples` (a `$ref` followed to where it leads) in order; an
/// entry without a `value` is passed over. What the mock serves and sends is picked from these.
#[must_use]
pub fn examples_at<'a>(spec: &'a Value, at: &JsonPointer) -> Vec<(String, &'a Value)> {
    let Some(holder) = at.resolve(spec) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(example) = holder.get("example") {
        found.push(("example".to_owned(), example));
    }
    if let Some(Value::Object(named)) = holder.get("examples") {
        for name in named.keys() {
            let entry = at.join("examples").join(name.as_str());
            if let Ok((_, example)) = follow(spec, &entry) {
                if let Some(value) = example.get("value") {
                    found.push((name.clone(), value));
                }
            }
        }
    }
    found
}

/// The examples a schema of an OpenAPI 3.1 document lists (JSON Schema's `examples`), beside its
/// `$ref` or else where the `$ref`s lead, each named by its index; none in a 3.0 document, whose
/// schemas carry one `example`, the first value made up from them. `spec` is the document as
/// written.
#[must_use]
pub fn schema_examples<'a>(spec: &'a Value, at: &JsonPointer) -> Vec<(String, &'a Value)> {
    if !codegen::OpenApiVersion::of(spec).json_schema_dialect() {
        return Vec::new();
    }
    let listed = |schema: &'a Value| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .filter(|listed| !listed.is_empty())
            .map(|listed| {
                listed
                    .iter()
                    .enumerate()
                    .map(|(index, value)| (format!("examples/{index}"), value))
                    .collect::<Vec<_>>()
            })
    };
    at.resolve(spec)
        .and_then(listed)
        .or_else(|| follow(spec, at).ok().and_then(|(_, schema)| listed(schema)))
        .unwrap_or_default()
}

struct Finder<'a> {
    spec: &'a Value,
    /// Whether schemas are JSON Schema 2020-12 (OpenAPI 3.1).
    json_schema: bool,
    found: Vec<SpecExample<'a>>,
    seen: BTreeSet<(String, String)>,
}

impl<'a> Finder<'a> {
    fn follow(&self, at: &JsonPointer) -> Option<(JsonPointer, &'a Value)> {
        follow(self.spec, at).ok()
    }

    /// A Parameter or Header Object: `schema` with `example`/`examples`, or `content`.
    fn parameter(&mut self, at: &JsonPointer, direction: Direction) {
        let Some((at, parameter)) = self.follow(at) else {
            return;
        };
        if parameter.get("schema").is_some() {
            self.illustrated(&at, parameter, &at.join("schema"), direction);
            self.schema_tree(&at.join("schema"), direction);
        }
        self.content(&at, parameter, direction);
    }

    fn body(&mut self, at: &JsonPointer, direction: Direction) {
        let Some((at, body)) = self.follow(at) else {
            return;
        };
        self.content(&at, body, direction);
    }

    fn response(&mut self, at: &JsonPointer, direction: Direction) {
        let Some((at, response)) = self.follow(at) else {
            return;
        };
        if let Some(Value::Object(headers)) = response.get("headers") {
            for name in headers.keys() {
                self.parameter(&at.join("headers").join(name.as_str()), direction);
            }
        }
        self.content(&at, response, direction);
    }

    fn content(&mut self, at: &JsonPointer, holder: &Value, direction: Direction) {
        let Some(Value::Object(content)) = holder.get("content") else {
            return;
        };
        for (media_type, entry) in content {
            let media_at = at.join("content").join(media_type.as_str());
            if entry.get("schema").is_some() {
                self.illustrated(&media_at, entry, &media_at.join("schema"), direction);
                self.schema_tree(&media_at.join("schema"), direction);
            }
        }
    }

    /// The `example` and `examples` of a parameter, header or media type.
    fn illustrated(
        &mut self,
        at: &JsonPointer,
        holder: &Value,
        schema: &JsonPointer,
        direction: Direction,
    ) {
        if holder.get("example").is_some() {
            let example_at = at.join("example");
            self.push(&example_at, &example_at, schema, direction);
        }
        let Some(Value::Object(examples)) = holder.get("examples") else {
            return;
        };
        for name in examples.keys() {
            let used_at = at.join("examples").join(name.as_str());
            let Some((example_at, example)) = self.follow(&used_at) else {
                continue;
            };
            if example.get("value").is_some() {
                self.push(&example_at.join("value"), &used_at, schema, direction);
            }
        }
    }

    /// Schema-level `example`s of the schema at `at` and of its inline subschemas.
    fn schema_tree(&mut self, at: &JsonPointer, direction: Direction) {
        let Some(schema) = at.resolve(self.spec) else {
            return;
        };
        if !self.json_schema && schema.get("$ref").is_some() {
            // Siblings of a 3.0 `$ref` are ignored; the target is walked where it stands.
            return;
        }
        if schema.get("example").is_some() {
            let example_at = at.join("example");
            self.push(&example_at, &example_at, at, direction);
        }
        // JSON Schema 2020-12 lists examples (3.1 still allows the single `example`); the
        // examples beside a `$ref` illustrate the whole.
        if let (true, Some(Value::Array(listed))) = (self.json_schema, schema.get("examples")) {
            for index in 0..listed.len() {
                let example_at = at.join("examples").join(index.to_string());
                self.push(&example_at, &example_at, at, direction);
            }
        }
        let (valued, lists, maps): (&[&str], &[&str], &[&str]) = if self.json_schema {
            (
                &[
                    "items",
                    "additionalProperties",
                    "unevaluatedProperties",
                    "contains",
                    "not",
                    "if",
                    "then",
                    "else",
                ],
                &["allOf", "oneOf", "anyOf", "prefixItems"],
                &[
                    "properties",
                    "patternProperties",
                    "$defs",
                    "dependentSchemas",
                ],
            )
        } else {
            (
                &["items", "additionalProperties", "not"],
                &["allOf", "oneOf", "anyOf"],
                &["properties"],
            )
        };
        for keyword in maps {
            if let Some(Value::Object(entries)) = schema.get(*keyword) {
                for name in entries.keys() {
                    self.schema_tree(&at.join(*keyword).join(name.as_str()), direction);
                }
            }
        }
        for keyword in valued {
            if schema.get(*keyword).is_some_and(Value::is_object) {
                self.schema_tree(&at.join(*keyword), direction);
            }
        }
        for keyword in lists {
            if let Some(Value::Array(members)) = schema.get(*keyword) {
                for index in 0..members.len() {
                    self.schema_tree(&at.join(*keyword).join(index.to_string()), direction);
                }
            }
        }
    }

    fn push(
        &mut self,
        at: &JsonPointer,
        used_at: &JsonPointer,
        schema: &JsonPointer,
        direction: Direction,
    ) {
        let Some(value) = at.resolve(self.spec) else {
            return;
        };
        if !self.seen.insert((at.to_string(), schema.to_string())) {
            return;
        }
        self.found.push(SpecExample {
            at: at.to_string(),
            used_at: used_at.to_string(),
            value,
            schema: schema.to_string(),
            direction,
        });
    }
}
