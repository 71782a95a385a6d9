//! A spec as a contract a server must honour: the one reading of its operations
//! ([`codegen::api`]) and what checking requests and responses against it needs on top, each
//! schema's validator (compiled on first use, so a spec of a thousand operations starts at
//! once) and the shape its parameter text is typed by.
//!
//! A contract holds both forms of a loaded document: validators read the schemas as written
//! (`spec.raw`: JSON Schema 2020-12 in an OpenAPI 3.1 document), so nothing a schema says goes
//! unchecked; the reading, made-up values, parameter types and everything else that reads schema
//! keywords read the OpenAPI 3.0 form (`spec.as_3_0()`), as the generator does. Both keep every
//! schema at the same pointer, so a pointer of one names the same schema in the other.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use codegen::api::{Api, Header, Operation, Parameter, RouteMatch};
use codegen::load::{JsonPointer, Warning};
use codegen::LoadedSpec;
use serde_json::Value;

use crate::examples::examples_at;
use crate::schema::{Direction, SchemaValidator, Violation};
use crate::synth::Synthesizer;
use crate::wire::ValueKind;

/// A spec read once, with its schemas ready to check values.
#[derive(Debug)]
pub struct Contract {
    /// The document: `raw` for validation, `as_3_0()` for everything else (see the module).
    pub spec: LoadedSpec,
    pub api: Api,
    /// What the reading left out or could not read.
    pub warnings: Vec<Warning>,
    schemas: HashMap<JsonPointer, Schema>,
    headers: HashMap<JsonPointer, OnceLock<Option<String>>>,
    /// Whether a path key carries a literal query (see [`Contract::route`]).
    literal_queries: bool,
}

/// One schema the reading names, and what is derived from it on first use.
#[derive(Debug, Default)]
struct Schema {
    request: OnceLock<Option<SchemaValidator>>,
    response: OnceLock<Option<SchemaValidator>>,
    kind: OnceLock<ValueKind>,
}

impl Contract {
    /// Reads `spec` (a loaded OpenAPI 3.0 or 3.1 document).
    #[must_use]
    pub fn new(spec: LoadedSpec) -> Self {
        let (api, warnings) = Api::read(spec.as_3_0());
        let mut schemas = HashMap::new();
        let mut headers = HashMap::new();
        for operation in &api.operations {
            let parameters = operation.parameters.iter().map(|p| p.schema.as_ref());
            let bodies = operation
                .body
                .iter()
                .flat_map(|body| body.content.iter().map(|m| m.schema.as_ref()));
            let responses = operation.responses.iter().flat_map(|response| {
                let media = response.content.iter().map(|m| m.schema.as_ref());
                media.chain(response.headers.iter().map(|h| h.schema.as_ref()))
            });
            // A paged list's items are made up and checked one by one.
            let items = operation
                .pagination
                .iter()
                .flatten()
                .map(|pagination| pagination.item_schema.as_ref());
            for at in parameters
                .chain(bodies)
                .chain(responses)
                .chain(items)
                .flatten()
            {
                schemas.entry(at.clone()).or_insert_with(Schema::default);
            }
            for response in &operation.responses {
                for header in &response.headers {
                    headers
                        .entry(header.pointer.clone())
                        .or_insert_with(OnceLock::new);
                }
            }
        }
        let literal_queries = api
            .served()
            .any(|(_, operation)| operation.path.text().contains('?'));
        Self {
            spec,
            api,
            warnings,
            schemas,
            headers,
            literal_queries,
        }
    }

    /// The document with its schemas as OpenAPI 3.0 Schema Objects (the document itself for a
    /// 3.0 one): what everything but validation reads schemas from.
    #[must_use]
    pub fn as_3_0(&self) -> &Value {
        self.spec.as_3_0()
    }

    /// The validator of the schema at `at` for a message travelling in `direction`; `None`
    /// when the reading names no schema there or it does not compile.
    #[must_use]
    pub fn validator(&self, at: &JsonPointer, direction: Direction) -> Option<&SchemaValidator> {
        let schema = self.schemas.get(at)?;
        let cell = match direction {
            Direction::Request => &schema.request,
            Direction::Response => &schema.response,
        };
        cell.get_or_init(|| SchemaValidator::new(&self.spec.raw, &at.to_string(), direction).ok())
            .as_ref()
    }

    /// How the text of a value of the schema at `at` is typed (`Any` without a schema): worked
    /// out once per schema the reading names, since the mock asks for every parameter of every
    /// request.
    #[must_use]
    pub fn value_kind(&self, at: Option<&JsonPointer>) -> Cow<'_, ValueKind> {
        match at.and_then(|at| Some((at, self.schemas.get(at)?))) {
            Some((at, schema)) => Cow::Borrowed(
                schema
                    .kind
                    .get_or_init(|| ValueKind::of(self.as_3_0(), Some(at))),
            ),
            None => Cow::Owned(ValueKind::of(self.as_3_0(), at)),
        }
    }

    /// What is wrong with the documents of a JSON lines body against the schema at `at`: a
    /// list schema describes the lines together (each line one item), any other describes each
    /// line. Each violation's instance path starts with the line's index.
    #[must_use]
    pub fn json_lines_violations(
        &self,
        at: &JsonPointer,
        direction: Direction,
        lines: &[Value],
    ) -> Vec<Violation> {
        let Some(validator) = self.validator(at, direction) else {
            return Vec::new();
        };
        if matches!(*self.value_kind(Some(at)), ValueKind::Array(_)) {
            return validator.validate(&Value::Array(lines.to_vec()));
        }
        lines
            .iter()
            .enumerate()
            .flat_map(|(index, line)| {
                validator
                    .validate(line)
                    .into_iter()
                    .map(move |mut violation| {
                        violation.instance_path = format!("/{index}{}", violation.instance_path);
                        violation
                    })
            })
            .collect()
    }

    /// The validator of a parameter's schema (a request's).
    #[must_use]
    pub fn parameter_validator(&self, parameter: &Parameter) -> Option<&SchemaValidator> {
        self.validator(parameter.schema.as_ref()?, Direction::Request)
    }

    /// What a server sends for a documented header nothing else sets: the spec's example, else
    /// a value made up from its schema, as header text.
    #[must_use]
    pub fn header_example(&self, header: &Header) -> Option<String> {
        let make = || {
            let example = examples_at(self.as_3_0(), &header.pointer)
                .first()
                .map(|(_, value)| (*value).clone());
            let value = match example {
                Some(value) => value,
                None => Synthesizer::new(self.as_3_0(), 0, Direction::Response)
                    .value(header.schema.as_ref()?),
            };
            callspec_runtime::header_value(&value)
        };
        match self.headers.get(&header.pointer) {
            Some(cell) => cell.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// The schema of property `name` of the object schema at `at`, through `$ref` and `allOf`:
    /// the reading's answer, so the suite and the pagination reading never differ on it.
    #[must_use]
    pub fn property_schema(&self, at: &JsonPointer, name: &str) -> Option<JsonPointer> {
        codegen::api::pagination::property_schema(self.as_3_0(), at, name)
    }

    /// The operation a request's method, path and query (raw) address. A path key may carry a
    /// literal query (OpenAI's spec writes a variant of `POST /responses` as
    /// `/responses?beta=true`): a request whose query holds that pair addresses that operation,
    /// not the one at the bare path.
    #[must_use]
    pub fn route(&self, method: &str, path: &str, query: Option<&str>) -> RouteMatch {
        if self.literal_queries {
            for pair in query.into_iter().flat_map(|query| query.split('&')) {
                let found = self.api.route(method, &format!("{path}?{pair}"));
                if matches!(found, RouteMatch::Found { .. }) {
                    return found;
                }
            }
        }
        self.api.route(method, path)
    }

    /// The operation the API serves that is labelled `label`.
    #[must_use]
    pub fn operation(&self, label: &str) -> Option<&Operation> {
        self.api.operation(label)
    }
}
