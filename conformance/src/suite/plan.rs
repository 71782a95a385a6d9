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

use callspec_runtime::Secret;
use codegen::api::{Location, MediaKind, MediaType, Method, Operation, Parameter};
use serde_json::{json, Value};

mod encode;
mod mutation;

pub use mutation::Mutation;

use encode::form_encoding;
use mutation::{edges, just_outside, mutations, short};

use super::config::SuiteConfig;
use crate::contract::Contract;
use crate::examples::examples_at;
use crate::http::Request;
use crate::schema::{Direction, SchemaValidator};
use crate::synth::{valid_value, Synthesizer};
use crate::wire::form_body;
use codegen::load::JsonPointer;

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

/// Plans requests for one operation.
pub struct Planner<'a> {
    contract: &'a Contract,
    operation: &'a Operation,
    config: &'a SuiteConfig,
    seed: u64,
    /// Path parameters whose values the server handed out earlier in the run.
    learned: Vec<(String, Value)>,
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
            learned: Vec::new(),
        }
    }

    /// The same planner, with path parameters the server handed out (valid requests use them
    /// after configured values, before the spec's examples).
    #[must_use]
    pub fn with_learned(mut self, learned: Vec<(String, Value)>) -> Self {
        self.learned = learned;
        self
    }

    /// A valid body for request `variant` (the spec's examples first), when the operation has
    /// a body and one can be made.
    #[must_use]
    pub fn body(&self, variant: u64) -> Option<Value> {
        self.operation.body.as_ref()?;
        self.valid_body(variant)
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

    /// Valid requests whose parameters, or the top-level properties of a JSON body, sit at the
    /// edges of their constraints (longest and shortest strings, smallest and largest
    /// numbers) or, unconstrained, take values servers trip on (long or non-ASCII text, large
    /// and negative numbers).
    #[must_use]
    pub fn boundary(&self) -> Vec<Planned> {
        let Some(base) = self.valid_values(0) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        for (index, parameter) in self.operation.parameters.iter().enumerate() {
            // A configured value is the user's word; a learned one still has edges worth sending.
            if self.configured(parameter).is_some() {
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
            // A header carries visible ASCII only (RFC 9110 §5.5): other text is no value of it.
            let ascii_only = matches!(parameter.location, Location::Header | Location::Cookie);
            for (edge, value) in edges(self.contract.as_3_0(), at, &valid) {
                let non_ascii = value.as_str().is_some_and(|text| !text.is_ascii());
                if value == valid || !validator.is_valid(&value) || (ascii_only && non_ascii) {
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
        planned.extend(self.boundary_bodies(&base));
        planned
    }

    /// A JSON body with one top-level property at an edge per request, each checked whole.
    fn boundary_bodies(&self, base: &Values) -> Vec<Planned> {
        let (Some(media), Some(Value::Object(body))) = (self.body_media(), &base.body) else {
            return Vec::new();
        };
        let Some(at) = media
            .schema
            .as_ref()
            .filter(|_| media.kind == MediaKind::Json)
        else {
            return Vec::new();
        };
        let Some(validator) = self.contract.validator(at, Direction::Request) else {
            return Vec::new();
        };
        let mut planned = Vec::new();
        for (name, valid) in body {
            let Some(property) = self.contract.property_schema(at, name) else {
                continue;
            };
            for (edge, value) in edges(self.contract.as_3_0(), &property, valid) {
                if value == *valid {
                    continue;
                }
                let mut changed = body.clone();
                changed.insert(name.clone(), value);
                let changed = Value::Object(changed);
                if !validator.is_valid(&changed) {
                    continue;
                }
                let mut values = base.clone();
                values.body = Some(changed);
                let Some(call) = self.encode(&values, self.token()) else {
                    continue;
                };
                planned.push(Planned {
                    purpose: format!("body property `{name}` at its {edge}"),
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
            let near = match (&parameter.schema, self.parameter_value(parameter, 0)) {
                (Some(at), Some(valid)) => just_outside(self.contract.as_3_0(), at, &valid),
                _ => Vec::new(),
            };
            let far = [
                json!("!not valid!"),
                json!("x".repeat(300)),
                json!(""),
                json!(-1),
                json!(1e15),
            ];
            for value in near.into_iter().chain(far) {
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

    /// A valid value of `parameter` for request `variant`: the configured one, else the
    /// spec's examples in their order of trust (the parameter's, then its schema's), one per
    /// variant while they last, else one made up from the schema. Every value from the spec is
    /// checked first: an example can be wrong.
    fn parameter_value(&self, parameter: &Parameter, variant: u64) -> Option<Value> {
        if let Some(known) = self.configured(parameter) {
            return Some(Value::String(known.to_owned()));
        }
        if let Some(learned) = self.learned(parameter) {
            return Some(learned.clone());
        }
        let Some(at) = &parameter.schema else {
            // A template name the spec does not declare: any text is its value.
            return (!parameter.declared).then(|| json!("example"));
        };
        let validator = self.contract.parameter_validator(parameter)?;
        // A parameter given by `content` may have its examples on that media type.
        let spec = self.contract.as_3_0();
        let mut given = examples_at(spec, &parameter.pointer);
        if let Some(media_type) = &parameter.media_type {
            let media_at = parameter.pointer.join("content").join(media_type.as_str());
            given.extend(examples_at(spec, &media_at));
        }
        let given: Vec<&Value> = given
            .into_iter()
            .map(|(_, value)| value)
            .filter(|value| validator.is_valid(value))
            .collect();
        if let Some(example) = usize::try_from(variant).ok().and_then(|v| given.get(v)) {
            return Some((*example).clone());
        }
        valid_value(
            self.contract.as_3_0(),
            at,
            Direction::Request,
            self.seed.wrapping_add(variant * 7919),
            validator,
        )
    }

    /// The value the server handed out for path parameter `parameter`.
    fn learned(&self, parameter: &Parameter) -> Option<&Value> {
        // What the run created is used by every later request; a delete would take it from
        // them (the resources' lives delete their own).
        if parameter.location != Location::Path || self.operation.method == Method::Delete {
            return None;
        }
        self.learned
            .iter()
            .find(|(name, _)| *name == parameter.name)
            .map(|(_, value)| value)
    }

    /// The value the run was given for `parameter` (`--param`, `[parameters]`).
    fn configured(&self, parameter: &Parameter) -> Option<&'a str> {
        self.config
            .parameter(&self.operation.label, &parameter.name)
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
        let spec = self.contract.as_3_0();
        let validator = self.contract.validator(at, Direction::Request);
        let valid = |value: &Value| self.body_is_valid(media, at, validator, value);
        // The media type's own examples are the spec's best word on a body: one per variant
        // while they last.
        let given: Vec<&Value> = examples_at(spec, &media.pointer)
            .into_iter()
            .map(|(_, value)| value)
            .filter(|value| valid(value))
            .collect();
        if let Some(example) = usize::try_from(variant).ok().and_then(|v| given.get(v)) {
            return Some((*example).clone());
        }
        let seed = self.seed.wrapping_add(variant * 104_729);
        // The schema's examples next, then made-up values with optional parts on and off.
        (0..=16).find_map(|attempt| {
            let value = Synthesizer::new(spec, seed.wrapping_add(attempt), Direction::Request)
                .prefer_examples(variant == 0 && attempt == 0)
                .include_optional(variant == 0 || variant % 2 == 1)
                .value(at);
            valid(&value).then_some(value)
        })
    }

    /// Whether `value` is a valid body of `media` (schema at `at`) as the server reads it.
    fn body_is_valid(
        &self,
        media: &MediaType,
        at: &JsonPointer,
        validator: Option<&SchemaValidator>,
        value: &Value,
    ) -> bool {
        let Some(validator) = validator else {
            return true;
        };
        match media.kind {
            // A form cannot carry every value (an empty list, say): check what arrives.
            MediaKind::Form => {
                let Ok(text) = callspec_runtime::form_urlencoded(value, &form_encoding(media))
                else {
                    return false;
                };
                let kind = self.contract.value_kind(Some(at));
                validator.is_valid(&form_body(&kind, &media.encoding, text.as_bytes()))
            }
            _ => validator.is_valid(value),
        }
    }
}

#[cfg(test)]
mod tests;
