//! A spec read once into what the mock and the checks need per request: routes, parameters,
//! bodies, responses and security, each with the JSON pointer it came from.

use std::sync::OnceLock;

use codegen::load::{follow, JsonPointer};
use serde_json::Value;

use crate::mock::routes::RouteTable;
use crate::operations::operations;
use crate::schema::{Direction, SchemaError, SchemaValidator};
use crate::synth::Synthesizer;

/// A schema of the spec and its validator, compiled on first use: a spec of a thousand
/// operations starts at once, and only the schemas that requests reach are ever compiled.
#[derive(Debug)]
pub struct SchemaSite {
    pub at: JsonPointer,
    direction: Direction,
    compiled: OnceLock<Result<SchemaValidator, SchemaError>>,
}

impl SchemaSite {
    fn new(at: JsonPointer, direction: Direction) -> Self {
        Self {
            at,
            direction,
            compiled: OnceLock::new(),
        }
    }

    pub fn validator(&self, spec: &Value) -> Result<&SchemaValidator, &SchemaError> {
        self.compiled
            .get_or_init(|| SchemaValidator::new(spec, &self.at.to_string(), self.direction))
            .as_ref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// How a parameter's text is split and typed before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<ValueKind>),
    Object(Vec<(String, ValueKind)>),
    /// No `type` the mock can see: the text is kept as a string.
    Any,
}

#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    pub required: bool,
    pub style: String,
    pub explode: bool,
    pub kind: ValueKind,
    pub schema: Option<SchemaSite>,
}

#[derive(Debug)]
pub struct MediaType {
    pub name: String,
    /// How a form body's text values are typed.
    pub kind: ValueKind,
    pub schema: Option<SchemaSite>,
}

#[derive(Debug)]
pub struct RequestBody {
    pub required: bool,
    pub media_types: Vec<MediaType>,
}

#[derive(Debug)]
pub struct Header {
    pub name: String,
    pub required: bool,
    pub at: JsonPointer,
    pub schema_at: Option<JsonPointer>,
    pub schema: Option<SchemaSite>,
    /// What the mock sends when nothing else sets the header: the spec's example, or a value
    /// made up from the schema.
    pub default_value: Option<String>,
}

#[derive(Debug)]
pub struct Response {
    /// The key as the spec writes it: `200`, `2XX` or `default`.
    pub status: String,
    pub at: JsonPointer,
    pub headers: Vec<Header>,
    pub content: Vec<ResponseMedia>,
}

/// One media type of a response.
#[derive(Debug)]
pub struct ResponseMedia {
    pub name: String,
    /// The Media Type Object.
    pub at: JsonPointer,
    pub schema: Option<SchemaSite>,
}

impl Response {
    /// Whether this response documents `status`.
    #[must_use]
    pub fn covers(&self, status: u16) -> bool {
        let key = self.status.as_bytes();
        match key {
            [d, b'X' | b'x', b'X' | b'x'] if d.is_ascii_digit() => {
                u16::from(d - b'0') == status / 100
            }
            _ => self.status == status.to_string(),
        }
    }
}

/// Schemes an operation accepts: any one alternative, whose schemes must all be satisfied. An
/// empty alternative means anonymous requests are accepted.
pub type SecurityAlternatives = Vec<Vec<String>>;

#[derive(Debug)]
pub struct Operation {
    /// The operationId, or `METHOD path` when there is none.
    pub id: String,
    pub method: String,
    pub path: String,
    pub at: JsonPointer,
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub security: SecurityAlternatives,
    pub responses: Vec<Response>,
}

impl Operation {
    /// The response documented for `status`: the exact code, then its range, then `default`.
    #[must_use]
    pub fn response_for(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        self.responses
            .iter()
            .find(|r| r.status == exact)
            .or_else(|| {
                self.responses
                    .iter()
                    .find(|r| r.status != exact && r.covers(status))
            })
            .or_else(|| self.responses.iter().find(|r| r.status == "default"))
    }

    /// The status a successful request is answered with: the first documented 2xx, else the
    /// first documented 3xx (a redirect-only operation) or 1xx (a protocol upgrade), else 200
    /// (for `default`, or nothing).
    #[must_use]
    pub fn success_status(&self) -> u16 {
        let numeric = |range: std::ops::Range<u16>| {
            self.responses.iter().find_map(|response| {
                let code = response.status.parse::<u16>().ok()?;
                range.contains(&code).then_some(code)
            })
        };
        let two_xx = self
            .responses
            .iter()
            .position(|r| r.status.eq_ignore_ascii_case("2XX"));
        let exact = self.responses.iter().position(|r| {
            r.status
                .parse::<u16>()
                .is_ok_and(|c| (200..300).contains(&c))
        });
        match (exact, two_xx) {
            (Some(exact), Some(range)) if range < exact => 200,
            (None, Some(_)) => 200,
            _ => numeric(200..300)
                .or_else(|| numeric(300..400))
                .or_else(|| numeric(100..200))
                .unwrap_or(200),
        }
    }

    /// The first documented client-error status among `preferred`, then any documented 4xx.
    #[must_use]
    pub fn client_error_status(&self, preferred: &[u16]) -> Option<u16> {
        for &status in preferred {
            if self
                .responses
                .iter()
                .any(|r| r.status == status.to_string())
            {
                return Some(status);
            }
        }
        self.responses.iter().find_map(|r| {
            r.status
                .parse::<u16>()
                .ok()
                .filter(|code| (400..500).contains(code))
        })
    }
}

/// A security scheme of `components/securitySchemes`, as far as a server checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityScheme {
    Bearer,
    Basic,
    ApiKey {
        location: Location,
        name: String,
    },
    /// A kind the mock does not check (an unknown `type`): accepted as it comes.
    Unchecked,
}

/// Everything the mock knows of a spec.
#[derive(Debug)]
pub struct Api {
    pub spec: Value,
    pub operations: Vec<Operation>,
    pub routes: RouteTable,
    pub schemes: Vec<(String, SecurityScheme)>,
}

impl Api {
    /// Reads `spec` (a loaded OpenAPI 3.0 document). Path items or operations that cannot be
    /// followed are left out: the loader has reported them.
    #[must_use]
    pub fn new(spec: Value) -> Self {
        let global_security = security_of(spec.get("security")).unwrap_or_default();
        let mut built = Vec::new();
        let mut routes = RouteTable::default();
        for site in operations(&spec) {
            if site.callback_of.is_some() {
                continue;
            }
            let method = site.method.to_ascii_uppercase();
            let index = built.len();
            if !routes.add(&site.path, &method, index) {
                continue;
            }
            let id = site
                .operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{method} {}", site.path), str::to_owned);
            let mut parameters: Vec<Parameter> = Vec::new();
            for (holder_at, holder) in [
                (&site.path_item_at, site.path_item),
                (&site.at, site.operation),
            ] {
                let Some(Value::Array(list)) = holder.get("parameters") else {
                    continue;
                };
                for index in 0..list.len() {
                    let at = holder_at.join("parameters").join(index.to_string());
                    if let Some(parameter) = parameter(&spec, &at) {
                        // An operation's parameter overrides the path item's of the same name
                        // and location.
                        parameters.retain(|p| {
                            !(p.name == parameter.name && p.location == parameter.location)
                        });
                        parameters.push(parameter);
                    }
                }
            }
            let security = match site.operation.get("security") {
                Some(own) => security_of(Some(own)).unwrap_or_default(),
                None => global_security.clone(),
            };
            built.push(Operation {
                id,
                method,
                path: site.path.clone(),
                at: site.at.clone(),
                parameters,
                body: request_body(&spec, &site.at.join("requestBody")),
                security,
                responses: responses(&spec, &site.at.join("responses")),
            });
        }
        let schemes = security_schemes(&spec);
        Self {
            spec,
            operations: built,
            routes,
            schemes,
        }
    }

    #[must_use]
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    #[must_use]
    pub fn scheme(&self, name: &str) -> Option<&SecurityScheme> {
        self.schemes.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

fn security_of(value: Option<&Value>) -> Option<SecurityAlternatives> {
    let Value::Array(alternatives) = value? else {
        return None;
    };
    Some(
        alternatives
            .iter()
            .filter_map(Value::as_object)
            .map(|requirement| requirement.keys().cloned().collect())
            .collect(),
    )
}

fn security_schemes(spec: &Value) -> Vec<(String, SecurityScheme)> {
    let at = JsonPointer::root()
        .join("components")
        .join("securitySchemes");
    let Some(Value::Object(schemes)) = spec.pointer(&at.to_string()) else {
        return Vec::new();
    };
    schemes
        .keys()
        .filter_map(|name| {
            let (_, scheme) = follow(spec, &at.join(name.as_str())).ok()?;
            let kind = match scheme.get("type").and_then(Value::as_str) {
                Some("http") => match scheme
                    .get("scheme")
                    .and_then(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("basic") => SecurityScheme::Basic,
                    _ => SecurityScheme::Bearer,
                },
                Some("oauth2" | "openIdConnect") => SecurityScheme::Bearer,
                Some("apiKey") => {
                    let location = match scheme.get("in").and_then(Value::as_str) {
                        Some("query") => Location::Query,
                        Some("cookie") => Location::Cookie,
                        _ => Location::Header,
                    };
                    let name = scheme.get("name").and_then(Value::as_str)?.to_owned();
                    SecurityScheme::ApiKey { location, name }
                }
                _ => SecurityScheme::Unchecked,
            };
            Some((name.clone(), kind))
        })
        .collect()
}

/// Header names that are the HTTP layer's, never parameters.
const HTTP_OWNED: [&str; 7] = [
    "accept",
    "content-type",
    "authorization",
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
];

fn parameter(spec: &Value, at: &JsonPointer) -> Option<Parameter> {
    let (at, object) = follow(spec, at).ok()?;
    let name = object.get("name")?.as_str()?.to_owned();
    let location = match object.get("in")?.as_str()? {
        "path" => Location::Path,
        "query" => Location::Query,
        "header" => Location::Header,
        "cookie" => Location::Cookie,
        _ => return None,
    };
    // Headers the HTTP layer owns are not parameters: OpenAPI says to ignore Accept,
    // Content-Type and Authorization, and the framing headers are set by every HTTP client from
    // the request itself, whatever a spec says of them.
    if location == Location::Header && HTTP_OWNED.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    let style = object
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(match location {
            Location::Query | Location::Cookie => "form",
            Location::Path | Location::Header => "simple",
        })
        .to_owned();
    let explode = object
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let schema_at = if object.get("schema").is_some() {
        Some(at.join("schema"))
    } else {
        // `content` instead of `schema`: the value is a serialized document of that media type.
        object
            .get("content")
            .and_then(Value::as_object)
            .and_then(|content| content.keys().next())
            .map(|media| at.join("content").join(media.as_str()).join("schema"))
            .filter(|schema| spec.pointer(&schema.to_string()).is_some())
    };
    let kind = schema_at
        .as_ref()
        .map_or(ValueKind::Any, |schema| value_kind(spec, schema, 0));
    Some(Parameter {
        required: location == Location::Path
            || object
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        name,
        location,
        style,
        explode,
        kind,
        schema: schema_at.map(|at| SchemaSite::new(at, Direction::Request)),
    })
}

/// The shape of the schema at `at`, as far as parsing a parameter's text needs it.
fn value_kind(spec: &Value, at: &JsonPointer, depth: usize) -> ValueKind {
    if depth > 8 {
        return ValueKind::Any;
    }
    let Ok((at, schema)) = follow(spec, at) else {
        return ValueKind::Any;
    };
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => ValueKind::String,
        Some("integer") => ValueKind::Integer,
        Some("number") => ValueKind::Number,
        Some("boolean") => ValueKind::Boolean,
        Some("array") => ValueKind::Array(Box::new(value_kind(spec, &at.join("items"), depth + 1))),
        Some("object") => ValueKind::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .keys()
                        .map(|name| {
                            let kind = value_kind(
                                spec,
                                &at.join("properties").join(name.as_str()),
                                depth + 1,
                            );
                            (name.clone(), kind)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        ),
        _ => {
            // `allOf: [$ref]` and friends: the first member that says what it is.
            for keyword in ["allOf", "oneOf", "anyOf"] {
                if let Some(Value::Array(members)) = schema.get(keyword) {
                    for index in 0..members.len() {
                        let kind =
                            value_kind(spec, &at.join(keyword).join(index.to_string()), depth + 1);
                        if kind != ValueKind::Any {
                            return kind;
                        }
                    }
                }
            }
            ValueKind::Any
        }
    }
}

fn request_body(spec: &Value, at: &JsonPointer) -> Option<RequestBody> {
    let (at, body) = follow(spec, at).ok()?;
    let media_types = body
        .get("content")
        .and_then(Value::as_object)
        .map(|content| {
            content
                .iter()
                .map(|(name, media)| MediaType {
                    name: name.to_ascii_lowercase(),
                    kind: value_kind(
                        spec,
                        &at.join("content").join(name.as_str()).join("schema"),
                        0,
                    ),
                    schema: media.get("schema").map(|_| {
                        SchemaSite::new(
                            at.join("content").join(name.as_str()).join("schema"),
                            Direction::Request,
                        )
                    }),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(RequestBody {
        required: body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        media_types,
    })
}

fn responses(spec: &Value, at: &JsonPointer) -> Vec<Response> {
    let Some(Value::Object(entries)) = spec.pointer(&at.to_string()) else {
        return Vec::new();
    };
    entries
        .keys()
        .filter_map(|status| {
            let (response_at, response) = follow(spec, &at.join(status.as_str())).ok()?;
            let headers = response
                .get("headers")
                .and_then(Value::as_object)
                .map(|headers| {
                    headers
                        .keys()
                        .filter_map(|name| {
                            let (header_at, header) =
                                follow(spec, &response_at.join("headers").join(name.as_str()))
                                    .ok()?;
                            Some(Header {
                                name: name.clone(),
                                required: header
                                    .get("required")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false),
                                schema_at: header.get("schema").map(|_| header_at.join("schema")),
                                schema: header.get("schema").map(|_| {
                                    SchemaSite::new(header_at.join("schema"), Direction::Response)
                                }),
                                default_value: header_default(spec, &header_at, header),
                                at: header_at,
                            })
                        })
                        // Content-Type is described by `content`, never as a header.
                        .filter(|header| !header.name.eq_ignore_ascii_case("content-type"))
                        .collect()
                })
                .unwrap_or_default();
            let content = response
                .get("content")
                .and_then(Value::as_object)
                .map(|content| {
                    content
                        .iter()
                        .map(|(media, object)| {
                            let at = response_at.join("content").join(media.as_str());
                            ResponseMedia {
                                name: media.clone(),
                                schema: object.get("schema").map(|_| {
                                    SchemaSite::new(at.join("schema"), Direction::Response)
                                }),
                                at,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Response {
                status: status.clone(),
                at: response_at,
                headers,
                content,
            })
        })
        .collect()
}

fn header_default(spec: &Value, at: &JsonPointer, header: &Value) -> Option<String> {
    let example = header.get("example").cloned().or_else(|| {
        let examples = header.get("examples")?.as_object()?;
        let name = examples.keys().next()?;
        let (_, example) = follow(spec, &at.join("examples").join(name.as_str())).ok()?;
        example.get("value").cloned()
    });
    let value = match example {
        Some(value) => value,
        None => {
            header.get("schema")?;
            Synthesizer::new(spec, 0, Direction::Response).value(&at.join("schema"))
        }
    };
    Some(header_text(&value))
}

/// `application/json`, `application/problem+json` and the like.
#[must_use]
pub fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// Whether `given` (a `Content-Type` header) is the documented media type: by essence
/// (parameters such as `charset` ignored), with `*` ranges.
#[must_use]
pub fn media_matches(documented: &str, given: &str) -> bool {
    let essence = |text: &str| {
        text.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let (documented, given) = (essence(documented), essence(given));
    if given.is_empty() {
        return false;
    }
    documented == "*/*"
        || documented == given
        || documented
            .strip_suffix("/*")
            .is_some_and(|kind| given.split('/').next() == Some(kind))
}

/// A JSON value as a header carries it (OpenAPI's `simple` style).
#[must_use]
pub fn header_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(header_text).collect::<Vec<_>>().join(","),
        Value::Object(object) => object
            .iter()
            .flat_map(|(k, v)| [k.clone(), header_text(v)])
            .collect::<Vec<_>>()
            .join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> Api {
        Api::new(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "security": [{"key": []}],
            "paths": {
                "/items/{id}": {
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "get": {
                        "operationId": "getItem",
                        "parameters": [
                            {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                            {"$ref": "#/components/parameters/Trace"}
                        ],
                        "responses": {
                            "200": {"description": "ok", "headers": {"X-Rate": {"schema": {"type": "integer"}, "required": true}}},
                            "4XX": {"description": "client error"},
                            "default": {"description": "other"}
                        }
                    },
                    "delete": {"security": [], "responses": {"204": {"description": "gone"}}}
                }
            },
            "components": {
                "parameters": {"Trace": {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}},
                "securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "api_key"}}
            }
        }))
    }

    #[test]
    fn operations_carry_merged_parameters_and_security() {
        let api = api();
        let get = api.operation("getItem").unwrap();
        let names: Vec<_> = get
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location))
            .collect();
        assert_eq!(
            names,
            [
                ("id", Location::Path),
                ("tags", Location::Query),
                ("X-Trace", Location::Header)
            ]
        );
        assert_eq!(get.parameters[0].kind, ValueKind::Integer);
        assert_eq!(
            get.parameters[1].kind,
            ValueKind::Array(Box::new(ValueKind::String))
        );
        assert!(get.parameters[1].explode);
        assert_eq!(get.security, vec![vec!["key".to_owned()]]);
        let delete = api.operation("DELETE /items/{id}").unwrap();
        assert_eq!(delete.security, Vec::<Vec<String>>::new());
        assert_eq!(
            api.scheme("key"),
            Some(&SecurityScheme::ApiKey {
                location: Location::Query,
                name: "api_key".into()
            })
        );
    }

    #[test]
    fn responses_are_found_by_code_range_and_default() {
        let api = api();
        let get = api.operation("getItem").unwrap();
        assert_eq!(get.response_for(200).unwrap().status, "200");
        assert_eq!(get.response_for(404).unwrap().status, "4XX");
        assert_eq!(get.response_for(503).unwrap().status, "default");
        assert_eq!(get.success_status(), 200);
        assert_eq!(get.response_for(200).unwrap().headers[0].name, "X-Rate");
        assert_eq!(
            api.operation("DELETE /items/{id}")
                .unwrap()
                .success_status(),
            204
        );
    }
}
