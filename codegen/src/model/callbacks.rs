//! Callbacks → [`Callback`]s: the requests the API sends to its users (webhooks), each with its
//! documented header parameters and body typed from the [`TypeSpace`], for a receiver to parse.

use serde_json::Value;

use super::operations::{header_field_names, header_type, is_json};
use super::types::{doc_of, TypeSpace};
use super::{Builtin, Doc, Operation, TypeKind, TypeRef};
use crate::load::{follow, JsonPointer, Warning};
use crate::naming::{pascal_case, snake_case, Namer};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One request the API sends: one method of one expression of a callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The callback's key (`onEvent`), as written.
    pub key: String,
    /// The runtime expression of the URL it is sent to (`{$request.body#/callbackUrl}`).
    pub expression: String,
    /// `POST`, …
    pub http_method: String,
    pub operation_id: Option<String>,
    /// The `Client` method of the operation that registers it.
    pub owner: String,
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

/// Every callback of every operation, in document order.
pub fn build_callbacks<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    operations: &[Operation],
) -> (Vec<Callback>, Vec<Warning>) {
    let mut callbacks = Vec::new();
    let mut warnings = Vec::new();
    let mut functions = Namer::new();
    let mut structs = Namer::new();
    for operation in operations {
        let Some(at) = JsonPointer::parse(&operation.pointer) else {
            continue;
        };
        let Some(declared) = spec
            .pointer(&at.to_string())
            .and_then(|op| op.get("callbacks"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for key in declared.keys() {
            let callback_at = at.join("callbacks").join(key.as_str());
            let Ok((callback_at, callback)) = follow(spec, &callback_at) else {
                warnings.push(Warning {
                    pointer: callback_at.to_string(),
                    message: "callback `$ref` does not resolve; no parser for it".to_owned(),
                });
                continue;
            };
            let Some(expressions) = callback.as_object() else {
                continue;
            };
            let mut requests = Vec::new();
            for expression in expressions.keys() {
                let item_at = callback_at.join(expression.as_str());
                let Ok((item_at, item)) = follow(spec, &item_at) else {
                    warnings.push(Warning {
                        pointer: item_at.to_string(),
                        message: "path item `$ref` does not resolve; no parser for it".to_owned(),
                    });
                    continue;
                };
                for method in METHODS {
                    if let Some(request) = item.get(method) {
                        requests.push((
                            expression,
                            item_at.clone(),
                            item,
                            item_at.join(method),
                            request,
                        ));
                    }
                }
            }
            let several = requests.len() > 1;
            for (expression, item_at, item, request_at, request) in requests {
                let base = if several {
                    format!(
                        "{}_{}",
                        snake_case(key, "callback"),
                        request_at.tokens().last().map_or("", String::as_str)
                    )
                } else {
                    snake_case(key, "callback")
                };
                let prefix = pascal_case(&base, "Callback");
                let headers =
                    callback_headers(space, spec, (&item_at, item), &request_at, request, &prefix)
                        .map(|fields| (structs.claim(&format!("{prefix}Headers")), fields));
                let body = callback_body(space, spec, &request_at, request, &prefix);
                let mut doc = doc_of(request);
                if let Some(summary) = request.get("summary").and_then(Value::as_str) {
                    doc.title = Some(summary.trim().to_owned());
                    if doc.description.as_deref() == Some(summary.trim()) {
                        doc.description = None;
                    }
                }
                let has_security = request
                    .get("security")
                    .and_then(Value::as_array)
                    .is_some_and(|list| {
                        list.iter()
                            .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
                    });
                callbacks.push(Callback {
                    key: key.clone(),
                    expression: expression.clone(),
                    http_method: request_at
                        .tokens()
                        .last()
                        .map(|m| m.to_uppercase())
                        .unwrap_or_default(),
                    operation_id: request
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    owner: operation.method_name.clone(),
                    function_name: functions.claim(&format!("parse_{base}")),
                    headers,
                    body,
                    has_security,
                    doc,
                    pointer: request_at.to_string(),
                });
            }
        }
    }
    (callbacks, warnings)
}

/// The header parameters of a callback operation (its path item's first, overridden by name).
fn callback_headers<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    (item_at, item): (&JsonPointer, &'a Value),
    request_at: &JsonPointer,
    request: &'a Value,
    prefix: &str,
) -> Option<Vec<CallbackHeader>> {
    let mut found: Vec<(JsonPointer, &'a Value)> = Vec::new();
    for (holder_at, holder) in [(item_at, item), (request_at, request)] {
        let count = holder
            .get("parameters")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            let Ok((param_at, param)) =
                follow(spec, &holder_at.join("parameters").join(index.to_string()))
            else {
                continue;
            };
            let wire = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if param.get("in").and_then(Value::as_str) != Some("header")
                || wire.is_empty()
                || ["accept", "content-type", "authorization"]
                    .contains(&wire.to_ascii_lowercase().as_str())
            {
                continue;
            }
            found.retain(|(_, p)| {
                p.get("name")
                    .and_then(Value::as_str)
                    .is_none_or(|n| !n.eq_ignore_ascii_case(wire))
            });
            found.push((param_at, param));
        }
    }
    if found.is_empty() {
        return None;
    }
    let wire_names: Vec<&str> = found
        .iter()
        .map(|(_, p)| p.get("name").and_then(Value::as_str).unwrap_or_default())
        .collect();
    let names = header_field_names(&wire_names);
    let headers = found
        .iter()
        .zip(names)
        .map(|((param_at, param), name)| {
            let ty = match param.get("schema") {
                Some(schema) => header_type(
                    space
                        .convert(
                            schema,
                            &param_at.join("schema"),
                            &format!("{prefix}{}", pascal_case(&name, "Header")),
                        )
                        .ty,
                ),
                None => TypeRef::Builtin(Builtin::String),
            };
            let ty = header_text_type(space, ty);
            CallbackHeader {
                wire_name: param
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                name,
                ty,
                required: param.get("required") == Some(&Value::Bool(true)),
                doc: doc_of(param),
            }
        })
        .collect();
    Some(headers)
}

fn callback_body<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    request_at: &JsonPointer,
    request: &'a Value,
    prefix: &str,
) -> Option<CallbackBody> {
    request.get("requestBody")?;
    let (body_at, body) = follow(spec, &request_at.join("requestBody")).ok()?;
    let content = body.get("content").and_then(Value::as_object)?;
    let media_types: Vec<String> = content.keys().cloned().collect();
    let (kind, ty) = match content.iter().find(|(media_type, _)| is_json(media_type)) {
        Some((media_type, entry)) => {
            let ty = match entry.get("schema") {
                Some(schema) => {
                    let converted = space.convert(
                        schema,
                        &body_at
                            .join("content")
                            .join(media_type.as_str())
                            .join("schema"),
                        &format!("{prefix}Payload"),
                    );
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
        None if content.keys().any(|m| m.starts_with("text/")) => {
            (CallbackBodyKind::Text, TypeRef::Builtin(Builtin::String))
        }
        None => (CallbackBodyKind::Bytes, TypeRef::Builtin(Builtin::Bytes)),
    };
    Some(CallbackBody {
        ty,
        kind,
        media_types,
        required: body.get("required") == Some(&Value::Bool(true)),
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
