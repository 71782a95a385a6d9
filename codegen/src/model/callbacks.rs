//! Callbacks and top-level webhooks → [`Callback`]s: the requests the API sends to its users,
//! each with its documented header parameters and body typed from the [`TypeSpace`], for a
//! receiver to parse.

use serde_json::Value;

use super::operations::{header_field_names, header_type};
use super::types::{doc_of, TypeSpace};
use super::{Builtin, ClientMethod, Doc, TypeKind, TypeRef};
use crate::api::{self, Api, Location, MediaKind, Site};
use crate::naming::{pascal_case, snake_case, Namer};

/// One request the API sends: one method of one expression of a callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The callback's key (`onEvent`) or the webhook's name, as written.
    pub key: String,
    /// The runtime expression of the URL a callback is sent to (`{$request.body#/callbackUrl}`);
    /// for a top-level webhook, its name.
    pub expression: String,
    /// `POST`, …
    pub http_method: String,
    pub operation_id: Option<String>,
    /// The `Client` method of the operation that registers a callback; `None` for a top-level
    /// webhook, which the API sends to URLs registered some other way.
    pub owner: Option<String>,
    /// The `parse_…` function of the `webhooks` module.
    pub function_name: String,
    /// The struct of its documented headers, in the `webhooks` module; `None` when it has none.
    pub headers: Option<(String, Vec<CallbackHeader>)>,
    pub body: Option<CallbackBody>,
    /// Whether the callback operation lists a security requirement (which the spec then
    /// describes only as a scheme, not as a signature the receiver could check).
    pub has_security: bool,
    pub doc: Doc,
    /// JSON pointer of the callback's Operation Object.
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackHeader {
    pub name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackBody {
    pub ty: TypeRef,
    pub kind: CallbackBodyKind,
    /// Every media type the spec documents for it.
    pub media_types: Vec<String>,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackBodyKind {
    Json,
    Text,
    Bytes,
}

/// Every callback request of every operation the client calls, in document order, then every
/// top-level webhook request.
pub fn build_callbacks<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    api: &Api,
    operations: &[ClientMethod],
) -> Vec<Callback> {
    let mut callbacks = Vec::new();
    let mut functions = Namer::new();
    let mut structs = Namer::new();
    let lookup = |at: &crate::load::JsonPointer| at.resolve(spec);
    let owners = operations
        .iter()
        .map(|operation| (Some(operation.source), Some(&operation.method_name)))
        .chain([(None, None)]);
    for (source, owner) in owners {
        // The requests of each callback of the operation (or of each webhook), in document
        // order.
        let mut groups: Vec<(&str, Vec<&api::Operation>)> = Vec::new();
        for request in &api.operations {
            let name = match (&request.site, source) {
                (Site::Callback { owner, name }, Some(source)) if *owner == source => name,
                (Site::Webhook { name }, None) => name,
                _ => continue,
            };
            match groups.iter_mut().find(|(key, _)| key == name) {
                Some((_, requests)) => requests.push(request),
                None => groups.push((name, vec![request])),
            }
        }
        for (key, requests) in groups {
            let several = requests.len() > 1;
            for request in requests {
                let base = if several {
                    format!("{}_{}", snake_case(key, "callback"), request.method.key())
                } else {
                    snake_case(key, "callback")
                };
                let prefix = pascal_case(&base, "Callback");
                let headers = callback_headers(space, spec, request, &prefix)
                    .map(|fields| (structs.claim(&format!("{prefix}Headers")), fields));
                let body = callback_body(space, spec, request, &prefix);
                let raw = lookup(&request.pointer).unwrap_or(&Value::Null);
                let mut doc = doc_of(raw);
                if let Some(summary) = raw.get("summary").and_then(Value::as_str) {
                    doc.title = Some(summary.trim().to_owned());
                    if doc.description.as_deref() == Some(summary.trim()) {
                        doc.description = None;
                    }
                }
                callbacks.push(Callback {
                    key: key.to_owned(),
                    expression: request.path.text().to_owned(),
                    http_method: request.method.as_str().to_owned(),
                    operation_id: request.id.clone(),
                    owner: owner.cloned(),
                    function_name: functions.claim(&format!("parse_{base}")),
                    headers,
                    body,
                    has_security: request.security.alternatives.iter().any(|a| !a.is_empty()),
                    doc,
                    pointer: request.pointer.to_string(),
                });
            }
        }
    }
    callbacks
}

/// The header parameters of a callback request.
fn callback_headers<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    request: &api::Operation,
    prefix: &str,
) -> Option<Vec<CallbackHeader>> {
    let found: Vec<&api::Parameter> = request
        .parameters
        .iter()
        .filter(|p| p.location == Location::Header)
        .collect();
    if found.is_empty() {
        return None;
    }
    let wire_names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
    let names = header_field_names(&wire_names);
    let headers = found
        .iter()
        .zip(names)
        .map(|(param, name)| {
            let schema = param
                .schema
                .as_ref()
                .and_then(|at| Some((at, at.resolve(spec)?)));
            let ty = match schema {
                Some((at, schema)) => header_type(
                    space
                        .convert(
                            schema,
                            at,
                            &format!("{prefix}{}", pascal_case(&name, "Header")),
                        )
                        .ty,
                ),
                None => TypeRef::Builtin(Builtin::String),
            };
            let ty = header_text_type(space, ty);
            CallbackHeader {
                wire_name: param.name.clone(),
                name,
                ty,
                required: param.required,
                doc: param.pointer.resolve(spec).map(doc_of).unwrap_or_default(),
            }
        })
        .collect();
    Some(headers)
}

fn callback_body<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    request: &api::Operation,
    prefix: &str,
) -> Option<CallbackBody> {
    let body = request.body.as_ref()?;
    if body.content.is_empty() {
        return None;
    }
    let media_types: Vec<String> = body.content.iter().map(|m| m.name.clone()).collect();
    let (kind, ty) = match body.content.iter().find(|m| m.kind == MediaKind::Json) {
        Some(media) => {
            let schema = media
                .schema
                .as_ref()
                .and_then(|at| Some((at, at.resolve(spec)?)));
            let ty = match schema {
                Some((at, schema)) => {
                    let converted = space.convert(schema, at, &format!("{prefix}Payload"));
                    if converted.nullable {
                        converted.ty.option()
                    } else {
                        converted.ty
                    }
                }
                None => TypeRef::Builtin(Builtin::Json),
            };
            (CallbackBodyKind::Json, ty)
        }
        None if body
            .content
            .iter()
            .any(|m| matches!(m.kind, MediaKind::Text | MediaKind::EventStream)) =>
        {
            (CallbackBodyKind::Text, TypeRef::Builtin(Builtin::String))
        }
        None => (CallbackBodyKind::Bytes, TypeRef::Builtin(Builtin::Bytes)),
    };
    Some(CallbackBody {
        ty,
        kind,
        media_types,
        required: body.required,
    })
}

/// A header is parsed from its text (`FromStr`): string enums and checked strings keep their
/// type; any other named type is read as its scalar (its constraints unchecked) or as a string.
fn header_text_type(space: &TypeSpace<'_>, ty: TypeRef) -> TypeRef {
    let TypeRef::Named(index) = ty else {
        return ty;
    };
    let scalar = |inner: &TypeRef| match inner {
        TypeRef::Builtin(_) => header_type(inner.clone()),
        _ => TypeRef::Builtin(Builtin::String),
    };
    match space.defs.get(index).map(|def| &def.kind) {
        Some(TypeKind::Enum(_)) => ty,
        Some(TypeKind::Newtype(newtype))
            if newtype.inner == TypeRef::Builtin(Builtin::String)
                && !newtype.constraints.is_empty() =>
        {
            ty
        }
        Some(TypeKind::Newtype(newtype)) => scalar(&newtype.inner),
        Some(TypeKind::Alias(inner)) => scalar(inner),
        _ => TypeRef::Builtin(Builtin::String),
    }
}
