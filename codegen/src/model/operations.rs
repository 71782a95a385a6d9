//! Operations → [`Operation`]s: method names, parameters, bodies, responses and security, each
//! with its types taken from the [`TypeSpace`].

use std::collections::BTreeSet;

use serde_json::Value;

use super::types::{doc_of, TypeSpace};
use super::{Builtin, Doc, TypeRef};
use crate::load::{follow, JsonPointer, Warning};
use crate::naming::{pascal_case, snake_case, Namer};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Method names the generated `Client` defines itself, which operations and credential setters
/// must not take.
pub(super) const RESERVED_METHODS: [&str; 8] = [
    "new",
    "with_client",
    "base_url",
    "client",
    "with_retry_policy",
    "with_timeout",
    "retry_policy",
    "timeout",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub method_name: String,
    /// The spec's `operationId`, as written.
    pub operation_id: Option<String>,
    /// The name the generated `decode_response` knows the operation by: its `operationId`, or
    /// its method name when it has none or an earlier operation is already known by it (that
    /// name numbered, should it be taken too).
    pub decode_key: String,
    /// `GET`, `POST`, …
    pub http_method: String,
    pub path: String,
    pub doc: Doc,
    /// Parameters in the order the method takes them: path, then required query/header/cookie.
    pub params: Vec<Param>,
    /// Optional query/header/cookie parameters, gathered in one struct with this name.
    pub options: Option<(String, Vec<Param>)>,
    pub body: Option<Body>,
    pub responses: Responses,
    /// Alternatives, each a set of scheme names that must all be applied; empty: no auth.
    pub security: Vec<Vec<String>>,
    /// JSON pointer of the Operation Object.
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub style: QueryStyle,
    pub explode: bool,
    pub doc: Doc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: TypeRef,
    pub kind: BodyKind,
    pub media_type: String,
    pub required: bool,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    Json,
    /// `application/x-www-form-urlencoded`, with the properties whose `encoding` is not the
    /// default (`style: form`, `explode: true`).
    Form(Vec<FormEncoding>),
    Multipart(Vec<MultipartPart>),
    Bytes,
    Text,
}

/// How one property of a form body is encoded (its Encoding Object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormEncoding {
    pub property: String,
    pub style: QueryStyle,
    pub explode: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    pub field: String,
    pub wire_name: String,
    pub kind: PartKind,
    /// The spec's `encoding.<part>.contentType` (the first, when it lists several).
    pub content_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// Bytes (`format: binary`).
    File,
    /// Several files under one name.
    Files,
    /// A string, sent as is.
    Text,
    /// Anything else: string-like values as their text, objects and arrays as JSON.
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Responses {
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
    /// The success value: one body type, or an enum (named here) with a variant per case.
    pub success_enum: Option<String>,
    pub error_enum: Option<String>,
    /// Typed documented headers of the success responses.
    pub headers: Option<(String, Vec<HeaderField>)>,
    /// Typed documented headers of the error responses: every header any of them documents.
    pub error_headers: Option<(String, Vec<HeaderField>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    pub status: StatusMatch,
    pub body: ResponseBody,
    pub variant: String,
    pub doc: Doc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResponseBody {
    Empty,
    Json(TypeRef),
    Text,
    Bytes,
}

impl ResponseBody {
    #[must_use]
    pub fn ty(&self) -> TypeRef {
        match self {
            ResponseBody::Empty => TypeRef::Builtin(Builtin::Unit),
            ResponseBody::Json(ty) => ty.clone(),
            ResponseBody::Text => TypeRef::Builtin(Builtin::String),
            ResponseBody::Bytes => TypeRef::Builtin(Builtin::Bytes),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderField {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    /// Required by every response that documents it.
    pub required: bool,
    /// The statuses whose responses document it.
    pub statuses: Vec<StatusMatch>,
    /// Documented by every response of its set (success or error).
    pub in_every_response: bool,
    pub doc: Doc,
}

/// The headers documented by one set of responses (the successes, or the errors).
#[derive(Default)]
struct HeaderSet {
    fields: Vec<HeaderField>,
    responses: usize,
}

impl HeaderSet {
    /// The fields, named, or `None` when no response of the set documents a header.
    fn into_fields(mut self) -> Option<Vec<HeaderField>> {
        if self.fields.is_empty() {
            return None;
        }
        let wire_names: Vec<&str> = self.fields.iter().map(|h| h.wire_name.as_str()).collect();
        let names = header_field_names(&wire_names);
        for (field, name) in self.fields.iter_mut().zip(names) {
            field.name = name;
            field.in_every_response = field.statuses.len() >= self.responses;
        }
        Some(self.fields)
    }
}

/// Field names for headers: `X-Request-ID` → `request_id`, since the `X-` prefix says nothing in
/// Rust; the prefix stays when dropping it would make two names alike (`X-Trace` beside `Trace`).
pub(super) fn header_field_names(wire_names: &[&str]) -> Vec<String> {
    let full: Vec<String> = wire_names
        .iter()
        .map(|wire| snake_case(wire, "header"))
        .collect();
    let short: Vec<Option<String>> = wire_names
        .iter()
        .map(|wire| {
            let rest = wire
                .get(..2)
                .filter(|head| head.eq_ignore_ascii_case("x-"))
                .map(|_| &wire[2..])?;
            let name = snake_case(rest, "");
            (!name.is_empty()).then_some(name)
        })
        .collect();
    let mut namer = Namer::new();
    (0..wire_names.len())
        .map(|index| {
            let wanted = match &short[index] {
                Some(name)
                    if !full.contains(name)
                        && short
                            .iter()
                            .enumerate()
                            .all(|(other, s)| other == index || s.as_ref() != Some(name)) =>
                {
                    name
                }
                _ => &full[index],
            };
            namer.claim(wanted)
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The key in `components/securitySchemes`.
    pub key: String,
    /// The `with_…` method that sets its credential.
    pub method_name: String,
    pub kind: SecuritySchemeKind,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecuritySchemeKind {
    Bearer,
    Basic,
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}

/// Every operation of the spec, and the security schemes they use.
pub fn build_operations<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
) -> (Vec<Operation>, Vec<SecurityScheme>, Vec<Warning>) {
    let mut builder = Builder {
        spec,
        warnings: Vec::new(),
        methods: Namer::with_reserved(RESERVED_METHODS),
    };
    let schemes = builder.security_schemes();
    let mut operations = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for path in paths.keys() {
            let at = JsonPointer::root().join("paths").join(path.as_str());
            let Ok((item_at, item)) = follow(spec, &at) else {
                builder.warn(
                    &at,
                    "path item `$ref` does not resolve; its operations are left out",
                );
                continue;
            };
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    let op =
                        builder.operation(space, path, method, &item_at, item, operation, &schemes);
                    operations.push(op);
                }
            }
        }
    }
    builder.decode_keys(&mut operations);
    (operations, schemes, builder.warnings)
}

struct Builder<'a> {
    spec: &'a Value,
    warnings: Vec<Warning>,
    methods: Namer,
}

impl<'a> Builder<'a> {
    fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_string(),
            message: message.into(),
        });
    }

    /// The key of each operation in `decode_response`, in document order: its `operationId`,
    /// else its method name (unique among methods, but it may spell another's `operationId`).
    fn decode_keys(&mut self, operations: &mut [Operation]) {
        let mut keys = Namer::new();
        for operation in operations {
            let wanted = operation
                .operation_id
                .as_deref()
                .unwrap_or(&operation.method_name);
            let key = if keys.is_taken(wanted) {
                keys.claim(&operation.method_name)
            } else {
                keys.claim(wanted)
            };
            if key != wanted {
                self.warnings.push(Warning {
                    pointer: operation.pointer.clone(),
                    message: format!("`decode_response` already knows an earlier operation as `{wanted}`; it knows this one as `{key}`"),
                });
            }
            operation.decode_key = key;
        }
    }

    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let mut schemes = Vec::new();
        let Some(declared) = self
            .spec
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
        else {
            return schemes;
        };
        for key in declared.keys() {
            let at = JsonPointer::root()
                .join("components")
                .join("securitySchemes")
                .join(key.as_str());
            let Ok((_, scheme)) = follow(self.spec, &at) else {
                continue;
            };
            let text = |k: &str| {
                scheme
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let kind = match text("type").as_str() {
                "http" => match text("scheme").to_ascii_lowercase().as_str() {
                    "bearer" => SecuritySchemeKind::Bearer,
                    "basic" => SecuritySchemeKind::Basic,
                    other => {
                        self.warn(&at, format!("HTTP scheme `{other}` is not supported; requests that need it are sent without it"));
                        continue;
                    }
                },
                "apiKey" => match text("in").as_str() {
                    "header" => SecuritySchemeKind::ApiKeyHeader(text("name")),
                    "query" => SecuritySchemeKind::ApiKeyQuery(text("name")),
                    "cookie" => SecuritySchemeKind::ApiKeyCookie(text("name")),
                    other => {
                        self.warn(&at, format!("API key location `{other}` is not supported"));
                        continue;
                    }
                },
                // The token of an OAuth 2 or OpenID Connect flow is sent as a bearer token.
                "oauth2" | "openIdConnect" => SecuritySchemeKind::Bearer,
                other => {
                    self.warn(
                        &at,
                        format!("security scheme type `{other}` is not supported"),
                    );
                    continue;
                }
            };
            // Setters share the one namespace of `Client` methods with the constructors and
            // the operations, so that none can shadow another.
            let method_name = self.methods.claim(&format!(
                "with_{}",
                snake_case(key, "auth").trim_end_matches('_')
            ));
            schemes.push(SecurityScheme {
                key: key.clone(),
                method_name,
                kind,
                doc: doc_of(scheme),
            });
        }
        schemes
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        space: &mut TypeSpace<'a>,
        path: &str,
        method: &str,
        item_at: &JsonPointer,
        item: &'a Value,
        operation: &'a Value,
        schemes: &[SecurityScheme],
    ) -> Operation {
        let at = item_at.join(method);
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let wanted = match &operation_id {
            Some(id) => snake_case(id, "operation"),
            None => synthesized_name(method, path),
        };
        let method_name = self.methods.claim(&wanted);
        if operation_id.is_none() {
            self.warn(
                &at,
                format!("no operationId; the method is named `{method_name}`, and `decode_response` knows the operation by that name"),
            );
        }
        let type_prefix = pascal_case(&method_name, "Operation");
        let mut doc = doc_of(operation);
        if let Some(summary) = operation.get("summary").and_then(Value::as_str) {
            doc.title = Some(summary.trim().to_owned());
            if doc.description.as_deref() == Some(summary.trim()) {
                doc.description = None;
            }
        }
        doc.notes
            .push(format!("`{} {}`", method.to_uppercase(), path));

        let mut params = Vec::new();
        let mut optional = Vec::new();
        // The method's own locals and arguments are taken: a parameter must not shadow them.
        let mut field_names = Namer::with_reserved([
            "body", "options", "url", "request", "query", "response", "cookies", "form", "value",
        ]);
        for (param_at, param) in self.parameters(item_at, item, &at, operation) {
            let Some(param) = self.param(space, &param_at, param, &type_prefix, &mut field_names)
            else {
                continue;
            };
            if param.required || param.location == ParamLocation::Path {
                params.push(param);
            } else {
                optional.push(param);
            }
        }
        // Path parameters first, in template order; a templated name nobody declared is a string.
        let mut ordered = Vec::new();
        for name in template_names(path) {
            match params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == name)
            {
                Some(index) => ordered.push(params.remove(index)),
                None => {
                    self.warn(
                        &at,
                        format!("path parameter `{name}` is not declared; taken as a string"),
                    );
                    ordered.push(Param {
                        name: field_names.claim(&snake_case(&name, "param")),
                        wire_name: name,
                        location: ParamLocation::Path,
                        ty: TypeRef::Builtin(Builtin::String),
                        required: true,
                        style: QueryStyle::Form,
                        explode: false,
                        doc: Doc::default(),
                    });
                }
            }
        }
        for stray in params.iter().filter(|p| p.location == ParamLocation::Path) {
            self.warn(
                &at,
                format!(
                    "path parameter `{}` is not in the template {path}; left out",
                    stray.wire_name
                ),
            );
        }
        params.retain(|p| p.location != ParamLocation::Path);
        ordered.extend(params);
        let options = (!optional.is_empty())
            .then(|| (space.claim_name(&format!("{type_prefix}Options")), optional));

        let body = match operation.get("requestBody") {
            Some(_) => self.body(space, &at.join("requestBody"), &type_prefix),
            None => None,
        };
        let responses = self.responses(space, &at, operation, &type_prefix);
        let security = self.security(operation, schemes);
        Operation {
            method_name,
            operation_id,
            // Settled once every operation is known.
            decode_key: String::new(),
            http_method: method.to_uppercase(),
            path: path.to_owned(),
            doc,
            params: ordered,
            options,
            body,
            responses,
            security,
            pointer: at.to_string(),
        }
    }

    /// Path-item parameters overridden by operation parameters of the same name and location.
    fn parameters(
        &mut self,
        item_at: &JsonPointer,
        item: &'a Value,
        at: &JsonPointer,
        operation: &'a Value,
    ) -> Vec<(JsonPointer, &'a Value)> {
        let mut found: Vec<(JsonPointer, &'a Value)> = Vec::new();
        for (holder_at, holder) in [(item_at, item), (at, operation)] {
            let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
                continue;
            };
            for index in 0..list.len() {
                let param_at = holder_at.join("parameters").join(index.to_string());
                let Ok((resolved_at, param)) = follow(self.spec, &param_at) else {
                    self.warn(&param_at, "parameter `$ref` does not resolve; left out");
                    continue;
                };
                let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                found.retain(|(_, existing)| key(existing) != key(param));
                found.push((resolved_at, param));
            }
        }
        found
    }

    fn param(
        &mut self,
        space: &mut TypeSpace<'a>,
        at: &JsonPointer,
        param: &'a Value,
        prefix: &str,
        names: &mut Namer,
    ) -> Option<Param> {
        let wire_name = param.get("name").and_then(Value::as_str)?.to_owned();
        let location = match param.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("cookie") => ParamLocation::Cookie,
            other => {
                self.warn(
                    at,
                    format!("parameter location {other:?} is not supported; left out"),
                );
                return None;
            }
        };
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&wire_name.to_ascii_lowercase().as_str())
        {
            // OpenAPI: these are described by content negotiation and security, not parameters.
            return None;
        }
        let hint = format!("{prefix}{}", pascal_case(&wire_name, "Param"));
        let ty = match (
            param.get("schema"),
            param.get("content").and_then(Value::as_object),
        ) {
            (Some(schema), _) => {
                let converted = space.convert(schema, &at.join("schema"), &hint);
                converted.ty
            }
            (None, Some(content)) => match content.iter().next() {
                Some((media_type, entry)) => match entry.get("schema") {
                    Some(schema) => {
                        space
                            .convert(
                                schema,
                                &at.join("content").join(media_type.as_str()).join("schema"),
                                &hint,
                            )
                            .ty
                    }
                    None => TypeRef::Builtin(Builtin::String),
                },
                None => TypeRef::Builtin(Builtin::String),
            },
            (None, None) => TypeRef::Builtin(Builtin::String),
        };
        let style = match param.get("style").and_then(Value::as_str) {
            Some("spaceDelimited") => QueryStyle::SpaceDelimited,
            Some("pipeDelimited") => QueryStyle::PipeDelimited,
            Some("deepObject") => QueryStyle::DeepObject,
            _ => QueryStyle::Form,
        };
        let explode = param.get("explode").and_then(Value::as_bool).unwrap_or(
            matches!(location, ParamLocation::Query | ParamLocation::Cookie)
                && style == QueryStyle::Form,
        );
        let mut doc = doc_of(param);
        if param.get("schema").and_then(|s| s.get("default")).is_some() {
            if let Some(default) = param.pointer("/schema/default") {
                doc.notes
                    .push(format!("Defaults to `{default}` when absent."));
            }
        }
        Some(Param {
            name: names.claim(&snake_case(&wire_name, "param")),
            wire_name,
            location,
            ty,
            required: param.get("required") == Some(&Value::Bool(true)),
            style,
            explode,
            doc,
        })
    }

    fn body(&mut self, space: &mut TypeSpace<'a>, at: &JsonPointer, prefix: &str) -> Option<Body> {
        let Ok((body_at, body)) = follow(self.spec, at) else {
            self.warn(at, "request body `$ref` does not resolve; left out");
            return None;
        };
        let content = body.get("content").and_then(Value::as_object)?;
        let (media_type, entry) = preferred_request_media_type(content)?;
        if content.len() > 1 {
            let others: Vec<&str> = content
                .keys()
                .map(String::as_str)
                .filter(|m| *m != media_type)
                .collect();
            self.warn(at, format!("request body offers several media types; the client sends `{media_type}` (not {})", others.join(", ")));
        }
        let schema_at = body_at.join("content").join(media_type).join("schema");
        let schema = entry.get("schema");
        let kind = body_kind(media_type);
        let ty = match (&kind, schema) {
            (BodyKind::Bytes, _) => TypeRef::Builtin(Builtin::Bytes),
            (BodyKind::Text, _) => TypeRef::Builtin(Builtin::String),
            (_, Some(schema)) => {
                let converted = space.convert(schema, &schema_at, &format!("{prefix}Body"));
                if converted.nullable {
                    converted.ty.option()
                } else {
                    converted.ty
                }
            }
            (_, None) => TypeRef::Builtin(Builtin::Json),
        };
        let encoding = entry.get("encoding").and_then(Value::as_object);
        let kind = match kind {
            BodyKind::Multipart(_) => {
                BodyKind::Multipart(Self::multipart_parts(space, &ty, encoding))
            }
            BodyKind::Form(_) => BodyKind::Form(form_encoding(encoding)),
            other => other,
        };
        Some(Body {
            ty,
            kind,
            media_type: media_type.to_owned(),
            required: body.get("required") == Some(&Value::Bool(true)),
            doc: doc_of(body),
        })
    }

    /// The parts of a multipart body, one per field of its struct; none when the body is not a
    /// struct (it is then sent field by field from its JSON form).
    fn multipart_parts(
        space: &TypeSpace<'_>,
        ty: &TypeRef,
        encoding: Option<&serde_json::Map<String, Value>>,
    ) -> Vec<MultipartPart> {
        let TypeRef::Named(index) = ty else {
            return Vec::new();
        };
        let Some(super::TypeKind::Struct(def)) = space.defs.get(*index).map(|d| &d.kind) else {
            return Vec::new();
        };
        def.fields
            .iter()
            .map(|field| {
                let unboxed = match &field.ty {
                    TypeRef::Boxed(inner) => inner.as_ref(),
                    other => other,
                };
                let kind = match unboxed {
                    TypeRef::Builtin(Builtin::Bytes) => PartKind::File,
                    TypeRef::Vec(inner) if **inner == TypeRef::Builtin(Builtin::Bytes) => {
                        PartKind::Files
                    }
                    TypeRef::Builtin(Builtin::String) => PartKind::Text,
                    _ => PartKind::Value,
                };
                MultipartPart {
                    field: field.name.clone(),
                    wire_name: field.wire_name.clone(),
                    kind,
                    content_type: encoding
                        .and_then(|e| e.get(&field.wire_name))
                        .and_then(|e| e.get("contentType"))
                        .and_then(Value::as_str)
                        .and_then(first_media_type),
                }
            })
            .collect()
    }

    fn responses(
        &mut self,
        space: &mut TypeSpace<'a>,
        at: &JsonPointer,
        operation: &'a Value,
        prefix: &str,
    ) -> Responses {
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut success_variants = Namer::new();
        let mut error_variants = Namer::new();
        let mut success_headers = HeaderSet::default();
        let mut error_headers = HeaderSet::default();
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            return Responses {
                success,
                errors,
                success_enum: None,
                error_enum: None,
                headers: None,
                error_headers: None,
            };
        };
        let mut entries = Vec::new();
        for key in responses.keys() {
            let response_at = at.join("responses").join(key.as_str());
            let Some(status) = parse_status(key) else {
                self.warn(
                    &response_at,
                    format!("`{key}` is not a status code; response left out"),
                );
                continue;
            };
            let Ok((resolved_at, response)) = follow(self.spec, &response_at) else {
                self.warn(&response_at, "response `$ref` does not resolve; left out");
                continue;
            };
            entries.push((status, resolved_at, response));
        }
        // `default` stands for every status the operation does not list. Without a listed 2xx it
        // is also the success shape (a 2xx answer decodes with its body); otherwise it is only
        // the error shape.
        let lists_2xx = entries.iter().any(|(status, _, _)| {
            matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Range(2))
        });
        for (status, resolved_at, response) in entries {
            let (is_success, is_error) = match status {
                StatusMatch::Code(code) => (code < 400, code >= 400),
                StatusMatch::Range(hundreds) => (hundreds < 4, hundreds >= 4),
                StatusMatch::Default => (!lists_2xx, true),
            };
            let variant_base = status_variant(status);
            let hint = if is_success && success.is_empty() {
                format!("{prefix}Response")
            } else {
                format!("{prefix}{variant_base}Body")
            };
            let body = self.response_body(space, &resolved_at, response, &hint);
            let doc = doc_of(response);
            if is_success {
                self.collect_headers(
                    space,
                    &resolved_at,
                    response,
                    status,
                    prefix,
                    &mut success_headers,
                );
                success.push(ResponseCase {
                    status,
                    body: body.clone(),
                    variant: success_variants.claim(&variant_base),
                    doc: doc.clone(),
                });
            }
            if is_error {
                self.collect_headers(
                    space,
                    &resolved_at,
                    response,
                    status,
                    prefix,
                    &mut error_headers,
                );
                errors.push(ResponseCase {
                    status,
                    body,
                    variant: error_variants.claim(&variant_base),
                    doc,
                });
            }
        }
        let distinct =
            |cases: &[ResponseCase]| cases.iter().map(|c| &c.body).collect::<BTreeSet<_>>().len();
        let success_enum =
            (distinct(&success) > 1).then(|| space.claim_name(&format!("{prefix}Response")));
        let error_enum =
            (distinct(&errors) > 1).then(|| space.claim_name(&format!("{prefix}Error")));
        let headers = success_headers
            .into_fields()
            .map(|fields| (space.claim_name(&format!("{prefix}Headers")), fields));
        let error_headers = error_headers
            .into_fields()
            .map(|fields| (space.claim_name(&format!("{prefix}ErrorHeaders")), fields));
        Responses {
            success,
            errors,
            success_enum,
            error_enum,
            headers,
            error_headers,
        }
    }

    /// Adds the headers `response` documents to `set` (the first definition of a name wins).
    fn collect_headers(
        &mut self,
        space: &mut TypeSpace<'a>,
        response_at: &JsonPointer,
        response: &'a Value,
        status: StatusMatch,
        prefix: &str,
        set: &mut HeaderSet,
    ) {
        set.responses += 1;
        let Some(declared) = response.get("headers").and_then(Value::as_object) else {
            return;
        };
        for name in declared.keys() {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let header_at = response_at.join("headers").join(name.as_str());
            let Ok((header_at, header)) = follow(self.spec, &header_at) else {
                self.warn(&header_at, "header `$ref` does not resolve; left out");
                continue;
            };
            let required = header.get("required") == Some(&Value::Bool(true));
            if let Some(existing) = set
                .fields
                .iter_mut()
                .find(|h| h.wire_name.eq_ignore_ascii_case(name))
            {
                if !existing.statuses.contains(&status) {
                    existing.statuses.push(status);
                }
                existing.required &= required;
                continue;
            }
            let ty = match header.get("schema") {
                Some(schema) => {
                    let ty = space
                        .convert(
                            schema,
                            &header_at.join("schema"),
                            &format!("{prefix}{}", pascal_case(name, "Header")),
                        )
                        .ty;
                    header_type(ty)
                }
                None => TypeRef::Builtin(Builtin::String),
            };
            set.fields.push(HeaderField {
                name: String::new(),
                wire_name: name.clone(),
                ty,
                required,
                statuses: vec![status],
                in_every_response: false,
                doc: doc_of(header),
            });
        }
    }

    fn response_body(
        &mut self,
        space: &mut TypeSpace<'a>,
        at: &JsonPointer,
        response: &'a Value,
        hint: &str,
    ) -> ResponseBody {
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return ResponseBody::Empty;
        };
        if content.is_empty() {
            return ResponseBody::Empty;
        }
        if let Some((media_type, entry)) = content.iter().find(|(m, _)| is_json(m)) {
            return match entry.get("schema") {
                Some(schema) => {
                    let converted = space.convert(
                        schema,
                        &at.join("content").join(media_type.as_str()).join("schema"),
                        hint,
                    );
                    ResponseBody::Json(if converted.nullable {
                        converted.ty.option()
                    } else {
                        converted.ty
                    })
                }
                None => ResponseBody::Json(TypeRef::Builtin(Builtin::Json)),
            };
        }
        if content.keys().any(|m| m.starts_with("text/")) {
            return ResponseBody::Text;
        }
        ResponseBody::Bytes
    }

    fn security(&self, operation: &Value, schemes: &[SecurityScheme]) -> Vec<Vec<String>> {
        let requirements = operation
            .get("security")
            .or_else(|| self.spec.get("security"));
        let Some(Value::Array(requirements)) = requirements else {
            return Vec::new();
        };
        requirements
            .iter()
            .filter_map(Value::as_object)
            .map(|requirement| {
                requirement
                    .keys()
                    .filter(|key| schemes.iter().any(|s| &s.key == *key))
                    .cloned()
                    .collect()
            })
            .collect()
    }
}

/// Header values are text: a typed header is a scalar, anything else stays a string.
pub(super) fn header_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Builtin(
            Builtin::Json | Builtin::JsonObject | Builtin::Bytes | Builtin::Base64 | Builtin::Unit,
        ) => TypeRef::Builtin(Builtin::String),
        TypeRef::Builtin(_) | TypeRef::Named(_) => ty,
        _ => TypeRef::Builtin(Builtin::String),
    }
}

/// The pointers of the schemas of the multipart request bodies the client sends (the schema
/// under the media type, and the component it refers to), so that the type space can tell
/// their file parts from text before any schema is converted.
pub(crate) fn multipart_roots(spec: &Value) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return roots;
    };
    for path in paths.keys() {
        let item_at = JsonPointer::root().join("paths").join(path.as_str());
        let Ok((item_at, item)) = follow(spec, &item_at) else {
            continue;
        };
        for method in METHODS {
            if item
                .get(method)
                .and_then(|op| op.get("requestBody"))
                .is_none()
            {
                continue;
            }
            let body_at = item_at.join(method).join("requestBody");
            let Ok((body_at, body)) = follow(spec, &body_at) else {
                continue;
            };
            let Some(content) = body.get("content").and_then(Value::as_object) else {
                continue;
            };
            let Some((media_type, _)) = preferred_request_media_type(content) else {
                continue;
            };
            if !matches!(body_kind(media_type), BodyKind::Multipart(_)) {
                continue;
            }
            let schema_at = body_at.join("content").join(media_type).join("schema");
            if let Ok((target, _)) = follow(spec, &schema_at) {
                roots.insert(target.to_string());
            }
            roots.insert(schema_at.to_string());
        }
    }
    roots
}

/// The entries of a form body's `encoding` that differ from `style: form, explode: true`.
fn form_encoding(encoding: Option<&serde_json::Map<String, Value>>) -> Vec<FormEncoding> {
    let Some(encoding) = encoding else {
        return Vec::new();
    };
    encoding
        .iter()
        .filter_map(|(property, entry)| {
            let style = match entry.get("style").and_then(Value::as_str) {
                Some("spaceDelimited") => QueryStyle::SpaceDelimited,
                Some("pipeDelimited") => QueryStyle::PipeDelimited,
                Some("deepObject") => QueryStyle::DeepObject,
                _ => QueryStyle::Form,
            };
            let explode = entry
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == QueryStyle::Form);
            (style != QueryStyle::Form || !explode).then(|| FormEncoding {
                property: property.clone(),
                style,
                explode,
            })
        })
        .collect()
}

/// `image/png, image/jpeg` → `image/png`; `None` for text that is not a concrete
/// `type/subtype` (`image/*`), so the client never sends a content type that fails to parse.
fn first_media_type(listed: &str) -> Option<String> {
    let essence = listed.split([',', ';']).next()?.trim();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    let (kind, subtype) = essence.split_once('/')?;
    (token(kind) && token(subtype)).then(|| essence.to_owned())
}

/// `Application/JSON; charset=utf-8` → `application/json`.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json"
        || essence.ends_with("+json")
        || essence.ends_with("/json")
        || essence == "*/*"
}

fn body_kind(media_type: &str) -> BodyKind {
    let essence = essence(media_type);
    if is_json(&essence) {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form(Vec::new())
    } else if essence.starts_with("multipart/") {
        BodyKind::Multipart(Vec::new())
    } else if essence.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

fn preferred_request_media_type(
    content: &serde_json::Map<String, Value>,
) -> Option<(&str, &Value)> {
    let rank = |media_type: &str| match body_kind(media_type) {
        BodyKind::Json if media_type.starts_with("application/json") => 0,
        BodyKind::Json => 1,
        BodyKind::Form(_) => 2,
        BodyKind::Multipart(_) => 3,
        BodyKind::Bytes if media_type == "application/octet-stream" => 4,
        BodyKind::Text => 5,
        BodyKind::Bytes => 6,
    };
    content
        .iter()
        .min_by_key(|(media_type, _)| rank(media_type))
        .map(|(media_type, entry)| (media_type.as_str(), entry))
}

fn parse_status(key: &str) -> Option<StatusMatch> {
    if key == "default" {
        return Some(StatusMatch::Default);
    }
    let bytes = key.as_bytes();
    if bytes.len() == 3 && bytes[0].is_ascii_digit() && key[1..].eq_ignore_ascii_case("xx") {
        return Some(StatusMatch::Range(u16::from(bytes[0] - b'0')));
    }
    key.parse::<u16>()
        .ok()
        .filter(|code| (100..=599).contains(code))
        .map(StatusMatch::Code)
}

fn status_variant(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Default => "Default",
        StatusMatch::Range(1) => "Informational",
        StatusMatch::Range(2) => "Success",
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            code => return format!("Status{code}"),
        },
        StatusMatch::Range(other) => return format!("Status{other}xx"),
    };
    name.to_owned()
}

/// The parameter names of a path template, each once, in order (a name may appear twice).
fn template_names(path: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
    {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

/// `GET /users/{userId}/posts` → `get_users_user_id_posts`; `GET /` → `get_root`.
fn synthesized_name(method: &str, path: &str) -> String {
    let rest = snake_case(path, "");
    if rest.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", rest.trim_end_matches('_'))
    }
}
