//! Requests planned from an operation's spec: valid ones (examples first, then varied by seed),
//! ones at the edges of what is valid, invalid ones (each breaking one constraint, checked against
//! the validator so that it really is invalid), and ones without or with wrong credentials.
//!
//! A request is planned as values (one per parameter, and the body) and encoded by the runtime's
//! encoders, as a generated client encodes its arguments: the suite sends what a client would
//! send. What no client would send (a malformed body, one of another media type) is a
//! [`Mutation`] of a correctly encoded request. Every value is checked with the project's
//! validator, as the server will read it back, before it is sent as valid or invalid, so a
//! request's purpose is never a guess.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use callspec_runtime::reqwest;
use callspec_runtime::{
    Credential, Credentials, MultipartBody, PathStyle, Query, QueryStyle, Secret,
};
use codegen::api::{Location, MediaKind, MediaType, Operation, Parameter, SchemeKind, Style};
use codegen::load::{follow, JsonPointer};
use serde_json::{json, Map, Value};

use super::config::SuiteConfig;
use crate::contract::Contract;
use crate::http::Request;
use crate::schema::Direction;
use crate::synth::{valid_value, Synthesizer};
use crate::wire::{extract, form_body, parse_cookies, parse_query, RequestParts};

/// What a planned request is for, and so what its answer must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Valid in every part: must not be refused as invalid.
    Valid,
    /// Valid, with a value at the edge of its constraints.
    Boundary,
    /// Breaks one constraint, named here: must be refused with a 4xx.
    Invalid(String),
    /// Valid but without credentials: must be refused with 401 (or 403).
    NoCredentials,
    /// Valid but with credentials the server cannot know: must be refused with 401 (or 403).
    BadCredentials,
}

#[derive(Debug, Clone)]
pub struct Planned {
    pub purpose: String,
    pub intent: Intent,
    pub request: Request,
}

/// The values of a request before they are encoded: one per parameter of the operation (by
/// index), and the body.
#[derive(Debug, Clone, Default)]
struct Values {
    parameters: Vec<Option<Value>>,
    body: Option<Value>,
}

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

/// Plans requests for one operation.
pub struct Planner<'a> {
    contract: &'a Contract,
    operation: &'a Operation,
    config: &'a SuiteConfig,
    seed: u64,
}

impl<'a> Planner<'a> {
    #[must_use]
    pub fn new(
        contract: &'a Contract,
        operation: &'a Operation,
        config: &'a SuiteConfig,
        seed: u64,
    ) -> Self {
        Self {
            contract,
            operation,
            config,
            seed,
        }
    }

    /// Up to `count` distinct valid requests, with the main token.
    #[must_use]
    pub fn valid(&self, count: usize) -> Vec<Planned> {
        let mut planned = Vec::new();
        let mut seen = BTreeSet::new();
        for variant in 0..count.max(1) as u64 {
            let Some(values) = self.valid_values(variant) else {
                continue;
            };
            let Some(call) = self.encode(&values, self.token()) else {
                continue;
            };
            if seen.insert(format!("{call:?}")) {
                planned.push(Planned {
                    purpose: if variant == 0 {
                        "valid request from the spec's examples".into()
                    } else {
                        format!("valid request, variant {variant}")
                    },
                    intent: Intent::Valid,
                    request: call,
                });
            }
        }
        // An optional body may be left out.
        if self.operation.body.as_ref().is_some_and(|b| !b.required) {
            if let Some(mut values) = self.valid_values(0) {
                values.body = None;
                if let Some(call) = self.encode(&values, self.token()) {
                    planned.push(Planned {
                        purpose: "valid request without its optional body".into(),
                        intent: Intent::Valid,
                        request: call,
                    });
                }
            }
        }
        planned
    }

    /// A valid request whose parameters named in `overrides` have the given values (a link's
    /// parameters, say), sent with `token` when given; `None` when no valid request can be made.
    #[must_use]
    pub fn valid_with(
        &self,
        overrides: &[(String, Value)],
        token: Option<&str>,
    ) -> Option<Request> {
        self.request(overrides, None, token)
    }

    /// Like [`valid_with`](Self::valid_with), with `body` (when given) as the body.
    #[must_use]
    pub fn request(
        &self,
        overrides: &[(String, Value)],
        body: Option<Value>,
        token: Option<&str>,
    ) -> Option<Request> {
        let mut values = self.valid_values(0)?;
        if body.is_some() {
            values.body = body;
        }
        for (name, value) in overrides {
            // A link may qualify a name with its location (`path.id`).
            let (location, bare) = match name.split_once('.') {
                Some((location, bare)) if Location::parse(location).is_some() => {
                    (Location::parse(location), bare)
                }
                _ => (None, name.as_str()),
            };
            if let Some(index) = self
                .operation
                .parameters
                .iter()
                .position(|p| p.name == bare && location.is_none_or(|l| l == p.location))
            {
                values.parameters[index] = Some(value.clone());
            }
        }
        self.encode(&values, token)
    }

    /// Valid requests whose parameters sit at the edges of their constraints (longest and
    /// shortest strings, smallest and largest numbers).
    #[must_use]
    pub fn boundary(&self) -> Vec<Planned> {
        let Some(base) = self.valid_values(0) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        for (index, parameter) in self.operation.parameters.iter().enumerate() {
            if self.config.parameters.contains_key(&parameter.name) {
                continue;
            }
            let (Some(at), Some(validator)) = (
                &parameter.schema,
                self.contract.parameter_validator(parameter),
            ) else {
                continue;
            };
            let Some(valid) = self.parameter_value(parameter, 0) else {
                continue;
            };
            for (edge, value) in edges(&self.contract.spec, at, &valid) {
                if value == valid || !validator.is_valid(&value) {
                    continue;
                }
                let mut values = base.clone();
                values.parameters[index] = Some(value);
                let Some(call) = self.encode(&values, self.token()) else {
                    continue;
                };
                planned.push(Planned {
                    purpose: format!(
                        "{} parameter `{}` at its {edge}",
                        parameter.location.as_str(),
                        parameter.name
                    ),
                    intent: Intent::Boundary,
                    request: call,
                });
            }
        }
        planned
    }

    /// Requests that each break one constraint of the spec, all else valid.
    #[must_use]
    pub fn invalid(&self) -> Vec<Planned> {
        let Some(base) = self.valid_values(0) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        let mut broken = BTreeSet::new();
        let token = self.token();
        for (index, parameter) in self.operation.parameters.iter().enumerate() {
            let Some(validator) = self.contract.parameter_validator(parameter) else {
                continue;
            };
            let location = parameter.location.as_str();
            if parameter.required && parameter.location != Location::Path {
                let mut values = base.clone();
                values.parameters[index] = None;
                if let Some(call) = self.encode(&values, token) {
                    planned.push(Planned {
                        purpose: format!(
                            "without the required {location} parameter `{}`",
                            parameter.name
                        ),
                        intent: Intent::Invalid(format!(
                            "{location} parameter `{}` is required",
                            parameter.name
                        )),
                        request: call,
                    });
                }
            }
            for value in [
                json!("!not valid!"),
                json!("x".repeat(300)),
                json!(""),
                json!(-1),
                json!(1e15),
            ] {
                // An empty path segment makes another path, not another value of this parameter.
                if parameter.location == Location::Path && value == json!("") {
                    continue;
                }
                let mut values = base.clone();
                values.parameters[index] = Some(value.clone());
                let Some(call) = self.encode(&values, token) else {
                    continue;
                };
                // What the server reads is text, typed by the schema: `-1` is a fine string, and
                // a value a server cannot read as this parameter is no value of it.
                let Some(received) = self.received(&call, parameter) else {
                    continue;
                };
                let Some(violation) = validator.validate(&received).into_iter().next() else {
                    continue;
                };
                if !broken.insert(format!("{}{}", parameter.name, violation.schema_path)) {
                    continue;
                }
                planned.push(Planned {
                    purpose: format!(
                        "{location} parameter `{}` = {}",
                        parameter.name,
                        short(&value)
                    ),
                    intent: Intent::Invalid(format!(
                        "{} (#{})",
                        violation.message, violation.schema_path
                    )),
                    request: call,
                });
            }
        }
        let Some(valid_call) = self.encode(&base, token) else {
            return planned;
        };
        if let (Some(media), Some(body)) = (self.body_media(), &base.body) {
            if media.kind == MediaKind::Json {
                planned.extend(self.invalid_bodies(&base, media, body, &mut broken));
                let malformed = Mutation::Body {
                    content_type: media.name.clone(),
                    bytes: b"{\"unterminated\": [".to_vec(),
                };
                planned.push(Planned {
                    purpose: "malformed JSON body".into(),
                    intent: Intent::Invalid("the body is not JSON".into()),
                    request: malformed.apply(valid_call.clone()),
                });
            }
            let documented: Vec<&str> = self
                .operation
                .body
                .iter()
                .flat_map(|b| b.content.iter().map(|m| m.name.as_str()))
                .collect();
            let takes_text = self
                .operation
                .body
                .iter()
                .flat_map(|b| &b.content)
                .any(|m| {
                    matches!(m.kind, MediaKind::Text | MediaKind::EventStream)
                        || m.name.contains('*')
                });
            if !takes_text {
                let text = Mutation::Body {
                    content_type: "text/plain".into(),
                    bytes: b"plain text".to_vec(),
                };
                planned.push(Planned {
                    purpose: "body sent as text/plain".into(),
                    intent: Intent::Invalid(format!(
                        "the body must be {}",
                        documented.join(" or ")
                    )),
                    request: text.apply(valid_call),
                });
            }
        }
        planned
    }

    /// A valid request without credentials, and one with credentials no server can know; empty
    /// when the operation allows anonymous requests.
    #[must_use]
    pub fn unauthenticated(&self) -> Vec<Planned> {
        if self.operation.security.allows_anonymous() {
            return Vec::new();
        }
        let Some(values) = self.valid_values(0) else {
            return Vec::new();
        };
        let bogus = format!(
            "invalid-token-{:016x}",
            self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        );
        let mut planned = Vec::new();
        if let Some(call) = self.encode(&values, None) {
            planned.push(Planned {
                purpose: "valid request without credentials".into(),
                intent: Intent::NoCredentials,
                request: call,
            });
        }
        if let Some(call) = self.encode(&values, Some(&bogus)) {
            planned.push(Planned {
                purpose: "valid request with an unknown token".into(),
                intent: Intent::BadCredentials,
                request: call,
            });
        }
        planned
    }

    fn token(&self) -> Option<&str> {
        self.config.token.as_ref().map(Secret::expose)
    }

    fn invalid_bodies(
        &self,
        base: &Values,
        media: &MediaType,
        body: &Value,
        broken: &mut BTreeSet<String>,
    ) -> Vec<Planned> {
        let Some(validator) = media
            .schema
            .as_ref()
            .and_then(|at| self.contract.validator(at, Direction::Request))
        else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        for (change, candidate) in mutations(body) {
            let Some(violation) = validator.validate(&candidate).into_iter().next() else {
                continue;
            };
            if !broken.insert(format!("body{}", violation.schema_path)) {
                continue;
            }
            let mut values = base.clone();
            values.body = Some(candidate);
            let Some(call) = self.encode(&values, self.token()) else {
                continue;
            };
            let at = if violation.instance_path.is_empty() {
                "(root)".to_owned()
            } else {
                violation.instance_path.clone()
            };
            planned.push(Planned {
                purpose: format!("invalid body: {change}"),
                intent: Intent::Invalid(format!(
                    "{at}: {} (#{})",
                    violation.message, violation.schema_path
                )),
                request: call,
            });
        }
        planned
    }

    /// Valid values for every parameter (optional ones in every other variant) and the body;
    /// `None` when a required one cannot be made.
    fn valid_values(&self, variant: u64) -> Option<Values> {
        let mut values = Values {
            parameters: vec![None; self.operation.parameters.len()],
            body: None,
        };
        for (index, parameter) in self.operation.parameters.iter().enumerate() {
            // Optional parameters come in every other variant.
            if !parameter.required && variant % 2 == 0 {
                continue;
            }
            match self.parameter_value(parameter, variant) {
                Some(value) => values.parameters[index] = Some(value),
                None if parameter.required => return None,
                None => {}
            }
        }
        let Some(body) = &self.operation.body else {
            return Some(values);
        };
        match self.valid_body(variant) {
            Some(value) => values.body = Some(value),
            // No valid body could be made up for this variant: no valid request either.
            None if body.required => return None,
            None => {}
        }
        Some(values)
    }

    fn parameter_value(&self, parameter: &Parameter, variant: u64) -> Option<Value> {
        if let Some(known) = self.config.parameters.get(&parameter.name) {
            return Some(Value::String(known.clone()));
        }
        let Some(at) = &parameter.schema else {
            // A template name the spec does not declare: any text is its value.
            return (!parameter.declared).then(|| json!("example"));
        };
        let validator = self.contract.parameter_validator(parameter)?;
        valid_value(
            &self.contract.spec,
            at,
            Direction::Request,
            self.seed.wrapping_add(variant * 7919),
            validator,
        )
    }

    /// The media type the body is sent as: the one a generated client sends.
    fn body_media(&self) -> Option<&'a MediaType> {
        self.operation.body.as_ref()?.preferred()
    }

    /// A valid body of the media type a client sends: made up from its schema where it has one
    /// (checked as the server will read it), else any text or bytes, which is what the spec
    /// allows.
    fn valid_body(&self, variant: u64) -> Option<Value> {
        let media = self.body_media()?;
        let Some(at) = &media.schema else {
            return Some(json!("example"));
        };
        let spec = &self.contract.spec;
        let validator = self.contract.validator(at, Direction::Request);
        let seed = self.seed.wrapping_add(variant * 104_729);
        // The spec's examples first, then made-up values with optional parts on and off.
        (0..=16).find_map(|attempt| {
            let value = Synthesizer::new(spec, seed.wrapping_add(attempt), Direction::Request)
                .prefer_examples(variant == 0 && attempt == 0)
                .include_optional(variant == 0 || variant % 2 == 1)
                .value(at);
            let Some(validator) = validator else {
                return Some(value);
            };
            let valid = match media.kind {
                // A form cannot carry every value (an empty list, say): check what arrives.
                MediaKind::Form => {
                    let bytes = callspec_runtime::form_urlencoded(&value, &form_encoding(media))
                        .ok()?
                        .into_bytes();
                    let kind = self.contract.value_kind(Some(at));
                    validator.is_valid(&form_body(&kind, &media.encoding, &bytes))
                }
                _ => validator.is_valid(&value),
            };
            valid.then_some(value)
        })
    }

    /// The request `values` make, encoded as a generated client encodes its arguments, with
    /// `token` as the credential of every scheme the operation's first alternative needs.
    fn encode(&self, values: &Values, token: Option<&str>) -> Option<Request> {
        let operation = self.operation;
        let parameters = operation.parameters.iter().zip(&values.parameters);
        let path = operation.path.expand(|name| {
            let (parameter, value) = operation
                .parameters
                .iter()
                .zip(&values.parameters)
                .find(|(p, _)| p.location == Location::Path && p.name == name)?;
            let style = match parameter.style {
                Style::Label => PathStyle::Label,
                Style::Matrix => PathStyle::Matrix,
                _ => PathStyle::Simple,
            };
            Some(callspec_runtime::path_param(
                name,
                value.as_ref()?,
                style,
                parameter.explode,
            ))
        })?;
        let method = reqwest::Method::from_bytes(operation.method.as_str().as_bytes()).ok()?;
        let mut request = builder().request(method, format!("http://placeholder{path}"));
        let mut query = Query::new();
        let mut cookies = callspec_runtime::Cookies::new();
        for (parameter, value) in parameters {
            let Some(value) = value else { continue };
            match parameter.location {
                Location::Path => {}
                Location::Query => query.push(
                    &parameter.name,
                    value,
                    query_style(parameter.style),
                    parameter.explode,
                ),
                Location::Header => {
                    if let Some(text) = callspec_runtime::header_param(value, parameter.explode) {
                        request = request.header(parameter.name.as_str(), text);
                    }
                }
                Location::Cookie => cookies.push(&parameter.name, value),
            }
        }
        if !query.is_empty() {
            request = request.query(query.pairs());
        }
        if let Some(cookie) = cookies.header() {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let mut multipart = None;
        if let (Some(media), Some(value)) = (self.body_media(), &values.body) {
            match self.encode_body(request, media, value)? {
                Encoded::Request(built) => request = built,
                Encoded::Multipart(built, content_type, bytes) => {
                    request = built;
                    multipart = Some((content_type, bytes));
                }
            }
        }
        if let Some(token) = token {
            let alternatives: Vec<Vec<&str>> = operation
                .security
                .alternatives
                .iter()
                .map(|a| a.iter().map(String::as_str).collect())
                .collect();
            let alternatives: Vec<&[&str]> = alternatives.iter().map(Vec::as_slice).collect();
            request = self.credentials(token).apply(request, &alternatives);
        }
        let mut call = Request::from_built(&request.build().ok()?);
        if let Some((content_type, bytes)) = multipart {
            call = Mutation::Body {
                content_type,
                bytes,
            }
            .apply(call);
        }
        Some(call)
    }

    fn encode_body(
        &self,
        request: reqwest::RequestBuilder,
        media: &MediaType,
        value: &Value,
    ) -> Option<Encoded> {
        let raw = |request: reqwest::RequestBuilder, bytes: Vec<u8>| {
            Some(Encoded::Request(
                request
                    .header(reqwest::header::CONTENT_TYPE, media.name.as_str())
                    .body(bytes),
            ))
        };
        match media.kind {
            MediaKind::Json => callspec_runtime::json_body::<(), ()>(request, &media.name, value)
                .ok()
                .map(Encoded::Request),
            MediaKind::Form => {
                callspec_runtime::form_body::<(), ()>(request, value, &form_encoding(media))
                    .ok()
                    .map(Encoded::Request)
            }
            MediaKind::Multipart => {
                let (content_type, bytes) = self.multipart(media, value)?;
                Some(Encoded::Multipart(request, content_type, bytes))
            }
            // One document per line: a list's items, or the one value.
            MediaKind::JsonLines => {
                let lines: String = match value {
                    Value::Array(items) => items.iter().map(|item| format!("{item}\n")).collect(),
                    other => format!("{other}\n"),
                };
                raw(request, lines.into_bytes())
            }
            MediaKind::Text | MediaKind::EventStream | MediaKind::Binary => {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                raw(request, text.into_bytes())
            }
        }
    }

    /// A multipart body of `value`'s properties, each part as a generated client makes it: a
    /// file for a `format: binary` property, a field for the rest (with the part's `encoding`
    /// content type), framed by the HTTP client's multipart writer.
    fn multipart(&self, media: &MediaType, value: &Value) -> Option<(String, Vec<u8>)> {
        use reqwest::multipart::Form;
        let spec = &self.contract.spec;
        let mut body = MultipartBody::new();
        for (name, item) in value.as_object().into_iter().flatten() {
            if item.is_null() {
                continue;
            }
            let content_type = media
                .encoding_of(name)
                .and_then(|e| e.content_type.as_deref())
                .and_then(codegen::api::media::concrete_media_type);
            let property = media
                .schema
                .as_ref()
                .and_then(|at| property_schema(spec, at, name));
            match (property.as_ref().map(|p| binary_shape(spec, p)), item) {
                (Some(Binary::File), Value::String(text)) => body.file(
                    name.clone(),
                    text.clone().into_bytes(),
                    content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream"),
                ),
                (Some(Binary::Files), Value::Array(files)) => {
                    for file in files {
                        let bytes = file.as_str().unwrap_or_default().as_bytes().to_vec();
                        body.file(
                            name.clone(),
                            bytes,
                            content_type
                                .as_deref()
                                .unwrap_or("application/octet-stream"),
                        );
                    }
                }
                _ => body.field(name.clone(), item, content_type.as_deref()),
            }
        }
        let form: Form = body.into_form().ok()?;
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let bytes = collect_now(form)?;
        Some((content_type, bytes))
    }

    /// Credentials holding `token` for every scheme of the spec (a basic scheme's password).
    fn credentials(&self, token: &str) -> Credentials {
        let mut credentials = Credentials::default();
        for scheme in &self.contract.api.schemes {
            let key = || Secret::new(token);
            let credential = match &scheme.kind {
                SchemeKind::Bearer => Credential::Bearer(key()),
                SchemeKind::Basic => Credential::Basic {
                    username: "user".into(),
                    password: key(),
                },
                SchemeKind::ApiKey { location, name } => match location {
                    Location::Query => Credential::ApiKeyQuery {
                        name: name.clone(),
                        key: key(),
                    },
                    Location::Cookie => Credential::ApiKeyCookie {
                        name: name.clone(),
                        key: key(),
                    },
                    Location::Header | Location::Path => Credential::ApiKeyHeader {
                        name: name.clone(),
                        key: key(),
                    },
                },
            };
            credentials.set(&scheme.key, credential);
        }
        credentials
    }

    /// The value of `parameter` as a server reads it from `call`: its text, typed by its schema,
    /// by the rules the mock reads requests with.
    fn received(&self, call: &Request, parameter: &Parameter) -> Option<Value> {
        let (path, query) = call
            .path
            .split_once('?')
            .map_or((call.path.as_str(), None), |(path, query)| {
                (path, Some(query))
            });
        let captured = self.operation.path.captures(path).unwrap_or_default();
        let query = parse_query(query);
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &call.headers {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::try_from(name.as_str()),
                reqwest::header::HeaderValue::try_from(value.as_str()),
            ) {
                headers.append(name, value);
            }
        }
        let cookies = parse_cookies(&headers);
        let parts = RequestParts {
            path: &captured,
            query: &query,
            headers: Some(&headers),
            cookies: &cookies,
        };
        let kind = self.contract.value_kind(parameter.schema.as_ref());
        extract(parameter, &kind, &parts)
    }
}

/// A body put on a request, or (multipart) the request and the body's bytes to put on it.
enum Encoded {
    Request(reqwest::RequestBuilder),
    Multipart(reqwest::RequestBuilder, String, Vec<u8>),
}

/// The client requests are built with (never sent with: the target sends them).
fn builder() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(reqwest::Client::new)
}

/// A form body's properties whose encoding is not the default, as a generated client passes
/// them to the runtime.
fn form_encoding(media: &MediaType) -> Vec<(&str, QueryStyle, bool)> {
    media
        .encoding
        .iter()
        .filter(|e| e.style != Style::Form || !e.explode)
        .map(|e| (e.property.as_str(), query_style(e.style), e.explode))
        .collect()
}

fn query_style(style: Style) -> QueryStyle {
    match style {
        Style::SpaceDelimited => QueryStyle::SpaceDelimited,
        Style::PipeDelimited => QueryStyle::PipeDelimited,
        Style::DeepObject => QueryStyle::DeepObject,
        Style::Form | Style::Simple | Style::Label | Style::Matrix => QueryStyle::Form,
    }
}

/// The bytes of a multipart form whose parts are all in memory: its stream is ready at once.
fn collect_now(form: reqwest::multipart::Form) -> Option<Vec<u8>> {
    use futures_util::{FutureExt as _, TryStreamExt as _};
    let chunks: Vec<callspec_runtime::bytes::Bytes> =
        form.into_stream().try_collect().now_or_never()?.ok()?;
    Some(chunks.concat())
}

/// How a multipart property is sent: as a file, several files, or a field.
enum Binary {
    File,
    Files,
    Field,
}

fn binary_shape(spec: &Value, at: &JsonPointer) -> Binary {
    let Ok((at, schema)) = follow(spec, at) else {
        return Binary::Field;
    };
    let is_binary = |schema: &Value| schema.get("format").and_then(Value::as_str) == Some("binary");
    if is_binary(schema) {
        return Binary::File;
    }
    let items = follow(spec, &at.join("items")).ok().map(|(_, items)| items);
    if schema.get("type").and_then(Value::as_str) == Some("array") && items.is_some_and(is_binary) {
        return Binary::Files;
    }
    Binary::Field
}

/// The schema of property `name` of the object schema at `at` (through `$ref` and `allOf`).
fn property_schema(spec: &Value, at: &JsonPointer, name: &str) -> Option<JsonPointer> {
    let (at, schema) = follow(spec, at).ok()?;
    if schema.get("properties").and_then(|p| p.get(name)).is_some() {
        return Some(at.join("properties").join(name));
    }
    let members = schema.get("allOf")?.as_array()?;
    (0..members.len())
        .find_map(|index| property_schema(spec, &at.join("allOf").join(index.to_string()), name))
}

fn short(value: &Value) -> String {
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

/// Values at the edges of the schema's constraints, derived from a valid value: strings padded
/// to their longest or cut to their shortest, numbers at their bounds.
fn edges(spec: &Value, at: &JsonPointer, valid: &Value) -> Vec<(&'static str, Value)> {
    let Ok((_, schema)) = follow(spec, at) else {
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
        }
        Value::Number(_) => {
            for (edge, keyword) in [("minimum", "minimum"), ("maximum", "maximum")] {
                if let Some(bound) = schema.get(keyword) {
                    found.push((edge, bound.clone()));
                }
            }
        }
        _ => {}
    }
    found
}

/// Values that differ from `valid` in one place: the root replaced, a property removed or of
/// another type, a string emptied, made huge or nonsensical, a number far out, an array emptied,
/// doubled or given an item of another type, an unexpected property added.
fn mutations(valid: &Value) -> Vec<(String, Value)> {
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

#[cfg(test)]
mod tests;
