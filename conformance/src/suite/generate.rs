//! Requests made up from an operation's spec: valid ones (examples first, then varied by seed),
//! ones at the edges of what is valid, invalid ones (each breaking one constraint, checked against
//! the validator so that it really is invalid), and ones without or with wrong credentials.
//!
//! Every value is checked with the project's validator before it is sent as valid or invalid,
//! so a request's purpose is never a guess.

use std::collections::BTreeSet;

use base64::Engine as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use super::config::SuiteConfig;
use super::exchange::Call;
use crate::api::{
    header_text as text, Api, Location, Operation, Parameter, SecurityScheme, ValueKind,
};
use crate::mock::params::{extract, form_body, RequestParts};
use crate::schema::Direction;
use crate::synth::{valid_value, Synthesizer};

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a made-up request is for, and so what its answer must be.
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
    pub call: Call,
}

/// The parts of a request before they are written out.
#[derive(Debug, Clone, Default)]
struct Parts {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<(String, String)>,
    /// Media type and bytes.
    body: Option<(String, Vec<u8>)>,
}

pub struct Generator<'a> {
    api: &'a Api,
    operation: &'a Operation,
    config: &'a SuiteConfig,
    seed: u64,
}

impl<'a> Generator<'a> {
    #[must_use]
    pub fn new(api: &'a Api, operation: &'a Operation, config: &'a SuiteConfig, seed: u64) -> Self {
        Self {
            api,
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
            let Some(parts) = self.valid_parts(variant) else {
                continue;
            };
            let call = self.authorized(self.write(&parts));
            if seen.insert(format!("{call:?}")) {
                planned.push(Planned {
                    purpose: if variant == 0 {
                        "valid request from the spec's examples".into()
                    } else {
                        format!("valid request, variant {variant}")
                    },
                    intent: Intent::Valid,
                    call,
                });
            }
        }
        // An optional body may be left out.
        if self.operation.body.as_ref().is_some_and(|b| !b.required) {
            if let Some(mut parts) = self.valid_parts(0) {
                parts.body = None;
                planned.push(Planned {
                    purpose: "valid request without its optional body".into(),
                    intent: Intent::Valid,
                    call: self.authorized(self.write(&parts)),
                });
            }
        }
        planned
    }

    /// A valid request whose parameters named in `overrides` have the given values (a link's
    /// parameters, say), sent with `token` when given; `None` when no valid request can be made.
    #[must_use]
    pub fn valid_with(&self, overrides: &[(String, Value)], token: Option<&str>) -> Option<Call> {
        let mut parts = self.valid_parts(0)?;
        for (name, value) in overrides {
            // A link may qualify a name with its location (`path.id`).
            let (location, bare) = match name.split_once('.') {
                Some((location, bare))
                    if ["path", "query", "header", "cookie"].contains(&location) =>
                {
                    (Some(location), bare)
                }
                _ => (None, name.as_str()),
            };
            if let Some(parameter) = self
                .operation
                .parameters
                .iter()
                .find(|p| p.name == bare && location.is_none_or(|l| l == p.location.as_str()))
            {
                set_parameter(&mut parts, parameter, value);
            }
        }
        let call = self.write(&parts);
        Some(match token {
            Some(token) => self.authorized_with(call, token),
            None => call,
        })
    }

    /// Valid requests whose parameters sit at the edges of their constraints (longest and
    /// shortest strings, smallest and largest numbers).
    #[must_use]
    pub fn boundary(&self) -> Vec<Planned> {
        let Some(base) = self.valid_parts(0) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        for parameter in &self.operation.parameters {
            if self.config.parameters.contains_key(&parameter.name) {
                continue;
            }
            let Some(site) = &parameter.schema else {
                continue;
            };
            let Ok(validator) = site.validator(&self.api.spec) else {
                continue;
            };
            let Some(valid) = self.parameter_value(parameter, 0) else {
                continue;
            };
            for (edge, value) in edges(&self.api.spec, &site.at, &valid) {
                if value == valid || !validator.is_valid(&value) {
                    continue;
                }
                let mut parts = base.clone();
                set_parameter(&mut parts, parameter, &value);
                planned.push(Planned {
                    purpose: format!(
                        "{} parameter `{}` at its {edge}",
                        parameter.location.as_str(),
                        parameter.name
                    ),
                    intent: Intent::Boundary,
                    call: self.authorized(self.write(&parts)),
                });
            }
        }
        planned
    }

    /// Requests that each break one constraint of the spec, all else valid.
    #[must_use]
    pub fn invalid(&self) -> Vec<Planned> {
        let Some(base) = self.valid_parts(0) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        let mut broken = BTreeSet::new();
        for parameter in &self.operation.parameters {
            let Some(site) = &parameter.schema else {
                continue;
            };
            let Ok(validator) = site.validator(&self.api.spec) else {
                continue;
            };
            if parameter.required && parameter.location != Location::Path {
                let mut parts = base.clone();
                remove_parameter(&mut parts, parameter);
                planned.push(Planned {
                    purpose: format!(
                        "without the required {} parameter `{}`",
                        parameter.location.as_str(),
                        parameter.name
                    ),
                    intent: Intent::Invalid(format!(
                        "{} parameter `{}` is required",
                        parameter.location.as_str(),
                        parameter.name
                    )),
                    call: self.authorized(self.write(&parts)),
                });
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
                // What the server reads is text, typed by the schema: `-1` is a fine string, and
                // a value a server cannot read as this parameter is no value of it.
                let Some(received) = as_received(parameter, &value) else {
                    continue;
                };
                let Some(violation) = validator.validate(&received).into_iter().next() else {
                    continue;
                };
                if !broken.insert(format!("{}{}", parameter.name, violation.schema_path)) {
                    continue;
                }
                let mut parts = base.clone();
                set_parameter(&mut parts, parameter, &value);
                planned.push(Planned {
                    purpose: format!(
                        "{} parameter `{}` = {}",
                        parameter.location.as_str(),
                        parameter.name,
                        short(&value)
                    ),
                    intent: Intent::Invalid(format!(
                        "{} (#{})",
                        violation.message, violation.schema_path
                    )),
                    call: self.authorized(self.write(&parts)),
                });
            }
        }
        if let Some((media, body)) = self.valid_body(0) {
            if media.contains("json") {
                planned.extend(self.invalid_bodies(&base, &media, &body, &mut broken));
                let mut parts = base.clone();
                parts.body = Some((media.clone(), b"{\"unterminated\": [".to_vec()));
                planned.push(Planned {
                    purpose: "malformed JSON body".into(),
                    intent: Intent::Invalid("the body is not JSON".into()),
                    call: self.authorized(self.write(&parts)),
                });
            }
            let documented: Vec<&str> = self
                .operation
                .body
                .iter()
                .flat_map(|b| b.media_types.iter().map(|m| m.name.as_str()))
                .collect();
            if !documented
                .iter()
                .any(|m| m.starts_with("text/") || m.contains('*'))
            {
                let mut parts = base.clone();
                parts.body = Some(("text/plain".into(), b"plain text".to_vec()));
                planned.push(Planned {
                    purpose: "body sent as text/plain".into(),
                    intent: Intent::Invalid(format!(
                        "the body must be {}",
                        documented.join(" or ")
                    )),
                    call: self.authorized(self.write(&parts)),
                });
            }
        }
        planned
    }

    /// A valid request without credentials, and one with credentials no server can know; empty
    /// when the operation allows anonymous requests.
    #[must_use]
    pub fn unauthenticated(&self) -> Vec<Planned> {
        let security = &self.operation.security;
        if security.is_empty() || security.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        let Some(parts) = self.valid_parts(0) else {
            return Vec::new();
        };
        let call = self.write(&parts);
        let bogus = format!(
            "invalid-token-{:016x}",
            self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        );
        vec![
            Planned {
                purpose: "valid request without credentials".into(),
                intent: Intent::NoCredentials,
                call: call.clone(),
            },
            Planned {
                purpose: "valid request with an unknown token".into(),
                intent: Intent::BadCredentials,
                call: self.authorized_with(call, &bogus),
            },
        ]
    }

    fn invalid_bodies(
        &self,
        base: &Parts,
        media: &str,
        body: &Value,
        broken: &mut BTreeSet<String>,
    ) -> Vec<Planned> {
        let Some(validator) = self
            .operation
            .body
            .as_ref()
            .and_then(|b| b.media_types.iter().find(|m| m.name == media))
            .and_then(|m| m.schema.as_ref())
            .and_then(|site| site.validator(&self.api.spec).ok())
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
            let mut parts = base.clone();
            parts.body = Some((media.to_owned(), candidate.to_string().into_bytes()));
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
                call: self.authorized(self.write(&parts)),
            });
        }
        planned
    }

    fn valid_parts(&self, variant: u64) -> Option<Parts> {
        let mut parts = Parts::default();
        for parameter in &self.operation.parameters {
            let required = parameter.required || parameter.location == Location::Path;
            // Optional parameters come in every other variant.
            if !required && variant % 2 == 0 {
                continue;
            }
            match self.parameter_value(parameter, variant) {
                Some(value) => set_parameter(&mut parts, parameter, &value),
                None if required => return None,
                None => {}
            }
        }
        let Some(body) = &self.operation.body else {
            return Some(parts);
        };
        let structured = body
            .media_types
            .iter()
            .any(|m| m.name.contains("json") || m.name == "application/x-www-form-urlencoded");
        if let Some((media, value)) = self.valid_body(variant) {
            parts.body = Some((media.clone(), encode_body(&media, &value)));
        } else if structured && body.required {
            // No valid body could be made up for this variant: no valid request either.
            return None;
        } else if let Some(media) = body
            .media_types
            .iter()
            .find(|m| !m.name.contains('*'))
            .filter(|_| body.required && !structured)
        {
            // A body no schema describes as JSON (bytes, text, multipart): any bytes of its
            // media type are what the spec allows.
            parts.body = Some((media.name.clone(), b"example".to_vec()));
        }
        Some(parts)
    }

    fn parameter_value(&self, parameter: &Parameter, variant: u64) -> Option<Value> {
        if let Some(known) = self.config.parameters.get(&parameter.name) {
            return Some(Value::String(known.clone()));
        }
        let site = parameter.schema.as_ref()?;
        let validator = site.validator(&self.api.spec).ok()?;
        valid_value(
            &self.api.spec,
            &site.at,
            Direction::Request,
            self.seed.wrapping_add(variant * 7919),
            validator,
        )
    }

    /// A valid body of the operation's first JSON (or form) media type.
    fn valid_body(&self, variant: u64) -> Option<(String, Value)> {
        let body = self.operation.body.as_ref()?;
        let media = body
            .media_types
            .iter()
            .find(|m| m.name.contains("json"))
            .or_else(|| {
                body.media_types
                    .iter()
                    .find(|m| m.name == "application/x-www-form-urlencoded")
            })?;
        let site = media.schema.as_ref()?;
        let validator = site.validator(&self.api.spec).ok()?;
        let seed = self.seed.wrapping_add(variant * 104_729);
        let form = media.name == "application/x-www-form-urlencoded";
        // The spec's examples first, then made-up values with optional parts on and off; each
        // checked as the server will read it (a form cannot carry an empty array, say).
        let value = (0..=16).find_map(|attempt| {
            let value = Synthesizer::new(
                &self.api.spec,
                seed.wrapping_add(attempt),
                Direction::Request,
            )
            .prefer_examples(variant == 0 && attempt == 0)
            .include_optional(variant == 0 || variant % 2 == 1)
            .value(&site.at);
            let received = if form {
                form_body(&media.kind, &encode_body(&media.name, &value))
            } else {
                value.clone()
            };
            validator.is_valid(&received).then_some(value)
        })?;
        Some((media.name.clone(), value))
    }

    fn write(&self, parts: &Parts) -> Call {
        let mut path = self.operation.path.clone();
        for (name, value) in &parts.path {
            path = path.replace(
                &format!("{{{name}}}"),
                &utf8_percent_encode(value, SEGMENT).to_string(),
            );
        }
        if !parts.query.is_empty() {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &parts.query {
                query.append_pair(name, value);
            }
            path = format!("{path}?{}", query.finish());
        }
        let mut call = Call::new(&self.operation.method, path);
        for (name, value) in &parts.headers {
            call = call.header(name, value.clone());
        }
        if !parts.cookies.is_empty() {
            let cookie = parts
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={}", utf8_percent_encode(v, SEGMENT)))
                .collect::<Vec<_>>()
                .join("; ");
            call = call.header("Cookie", cookie);
        }
        if let Some((media, bytes)) = &parts.body {
            call = call.body(media, bytes.clone());
        }
        call
    }

    fn authorized(&self, call: Call) -> Call {
        match &self.config.token {
            Some(token) => self.authorized_with(call, token.expose()),
            None => call,
        }
    }

    /// `call` with `token` in the place the operation's first security alternative names.
    fn authorized_with(&self, mut call: Call, token: &str) -> Call {
        let Some(alternative) = self.operation.security.iter().find(|a| !a.is_empty()) else {
            return call;
        };
        for scheme in alternative {
            call = match self.api.scheme(scheme) {
                Some(SecurityScheme::Bearer) => call.bearer(token),
                Some(SecurityScheme::Basic) => {
                    let encoded =
                        base64::engine::general_purpose::STANDARD.encode(format!("user:{token}"));
                    call.header("Authorization", format!("Basic {encoded}"))
                }
                Some(SecurityScheme::ApiKey {
                    location: Location::Query,
                    name,
                }) => {
                    let separator = if call.path.contains('?') { '&' } else { '?' };
                    let pair = form_urlencoded::Serializer::new(String::new())
                        .append_pair(name, token)
                        .finish();
                    call.path = format!("{}{separator}{pair}", call.path);
                    call
                }
                Some(SecurityScheme::ApiKey {
                    location: Location::Cookie,
                    name,
                }) => call.header("Cookie", format!("{name}={token}")),
                Some(SecurityScheme::ApiKey { name, .. }) => call.header(name, token.to_owned()),
                _ => call,
            };
        }
        call
    }
}

/// `value` as a server reads it back from the request: its text, typed by the parameter's schema
/// (the mock's reading, which follows OpenAPI's styles).
fn as_received(parameter: &Parameter, value: &Value) -> Option<Value> {
    let raw = text(value);
    let pairs = [(parameter.name.clone(), raw.clone())];
    let mut headers = reqwest::header::HeaderMap::new();
    let parts = match parameter.location {
        Location::Path => RequestParts {
            path: &pairs,
            ..RequestParts::default()
        },
        Location::Query => RequestParts {
            query: &pairs,
            ..RequestParts::default()
        },
        Location::Cookie => RequestParts {
            cookies: &pairs,
            ..RequestParts::default()
        },
        Location::Header => {
            if let (Ok(name), Ok(header)) = (
                reqwest::header::HeaderName::try_from(parameter.name.as_str()),
                reqwest::header::HeaderValue::try_from(raw.as_str()),
            ) {
                headers.insert(name, header);
            }
            RequestParts {
                headers: Some(&headers),
                ..RequestParts::default()
            }
        }
    };
    extract(parameter, &parts)
}

fn set_parameter(parts: &mut Parts, parameter: &Parameter, value: &Value) {
    remove_parameter(parts, parameter);
    let name = parameter.name.clone();
    match parameter.location {
        Location::Path => parts.path.push((name, text(value))),
        Location::Header => parts.headers.push((name, text(value))),
        Location::Cookie => parts.cookies.push((name, text(value))),
        Location::Query => match value {
            Value::Array(items) if parameter.explode => {
                for item in items {
                    parts.query.push((name.clone(), text(item)));
                }
            }
            Value::Object(object) if parameter.style == "deepObject" => {
                for (key, item) in object {
                    parts.query.push((format!("{name}[{key}]"), text(item)));
                }
            }
            Value::Object(object) if parameter.explode => {
                for (key, item) in object {
                    parts.query.push((key.clone(), text(item)));
                }
            }
            other => parts.query.push((name, text(other))),
        },
    }
}

fn remove_parameter(parts: &mut Parts, parameter: &Parameter) {
    let name = &parameter.name;
    let list = match parameter.location {
        Location::Path => &mut parts.path,
        Location::Query => &mut parts.query,
        Location::Header => &mut parts.headers,
        Location::Cookie => &mut parts.cookies,
    };
    // An exploded object is sent as one query parameter per property.
    let exploded: Vec<&str> = match (&parameter.kind, parameter.location, parameter.explode) {
        (ValueKind::Object(properties), Location::Query, true) if parameter.style == "form" => {
            properties.iter().map(|(n, _)| n.as_str()).collect()
        }
        _ => Vec::new(),
    };
    list.retain(|(n, _)| {
        n != name && !n.starts_with(&format!("{name}[")) && !exploded.contains(&n.as_str())
    });
}

fn encode_body(media: &str, value: &Value) -> Vec<u8> {
    if media == "application/x-www-form-urlencoded" {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (key, field) in value.as_object().into_iter().flatten() {
            match field {
                Value::Array(items) => {
                    for item in items {
                        form.append_pair(key, &text(item));
                    }
                }
                other => {
                    form.append_pair(key, &text(other));
                }
            }
        }
        return form.finish().into_bytes();
    }
    value.to_string().into_bytes()
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
fn edges(
    spec: &Value,
    at: &codegen::load::JsonPointer,
    valid: &Value,
) -> Vec<(&'static str, Value)> {
    let Ok((_, schema)) = codegen::load::follow(spec, at) else {
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
mod tests {
    use super::*;

    #[test]
    fn mutations_change_one_place_each() {
        let valid = json!({"include": ["summary"], "profile": "default"});
        let found = mutations(&valid);
        let labels: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        assert!(labels.contains(&"(root): without `include`"), "{labels:?}");
        assert!(labels.contains(&"/include: a repeated item"));
        assert!(labels.contains(&"/include/0: a nonsensical string"));
        let (_, nonsense) = found
            .iter()
            .find(|(l, _)| l == "/include/0: a nonsensical string")
            .unwrap();
        assert_eq!(
            nonsense,
            &json!({"include": ["!not valid!"], "profile": "default"})
        );
    }

    #[test]
    fn edges_pad_and_cut_strings() {
        let spec = json!({"s": {"type": "string", "minLength": 5, "maxLength": 9}});
        let at = codegen::load::JsonPointer::parse("/s").unwrap();
        let found = edges(&spec, &at, &json!("anl_12"));
        assert_eq!(
            found,
            vec![
                ("maximum length", json!("anl_12222")),
                ("minimum length", json!("anl_1"))
            ]
        );
    }
}
