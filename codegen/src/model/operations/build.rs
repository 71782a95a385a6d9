//! Operations of the reading → [`ClientMethod`]s: method names, parameters in the order methods take
//! them, bodies typed by the media type the client sends, and security schemes with setters.

use serde_json::Value;

use super::responses::responses;
use super::{
    Body, BodyKind, ClientMethod, CredentialKind, CredentialSetter, FormEncoding, MultipartPart,
    Param, PartKind,
};
use crate::api::{self, media::concrete_media_type, Api, Location, MediaKind, SchemeKind};
use crate::load::{JsonPointer, Warning};
use crate::model::types::{doc_of, TypeSpace};
use crate::model::{Builtin, TypeKind, TypeRef};
use crate::naming::{pascal_case, snake_case, Namer};

/// Method names the generated `Client` defines itself, which operations and credential setters
/// must not take.
pub(crate) const RESERVED_METHODS: [&str; 8] = [
    "new",
    "with_client",
    "base_url",
    "client",
    "with_retry_policy",
    "with_timeout",
    "retry_policy",
    "timeout",
];

/// Every operation the API serves, and the security schemes they use.
pub fn build_operations<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    api: &Api,
) -> (Vec<ClientMethod>, Vec<CredentialSetter>, Vec<Warning>) {
    let mut builder = Builder {
        spec,
        warnings: Vec::new(),
        methods: Namer::with_reserved(RESERVED_METHODS),
    };
    let schemes = builder.security_schemes(api);
    let mut operations = Vec::new();
    for (index, operation) in api.served() {
        operations.push(builder.operation(space, index, operation));
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

    fn lookup(&self, at: &JsonPointer) -> Option<&'a Value> {
        at.resolve(self.spec)
    }

    /// The key of each operation in `decode_response`, in document order: its `operationId`,
    /// else its method name (unique among methods, but it may spell another's `operationId`).
    fn decode_keys(&mut self, operations: &mut [ClientMethod]) {
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

    fn security_schemes(&mut self, api: &Api) -> Vec<CredentialSetter> {
        api.schemes
            .iter()
            .map(|scheme| {
                let kind = match &scheme.kind {
                    SchemeKind::Bearer => CredentialKind::Bearer,
                    SchemeKind::Basic => CredentialKind::Basic,
                    SchemeKind::ApiKey { location, name } => match location {
                        Location::Query => CredentialKind::ApiKeyQuery(name.clone()),
                        Location::Cookie => CredentialKind::ApiKeyCookie(name.clone()),
                        Location::Header | Location::Path => {
                            CredentialKind::ApiKeyHeader(name.clone())
                        }
                    },
                };
                // Setters share the one namespace of `Client` methods with the constructors and
                // the operations, so that none can shadow another.
                let method_name = self.methods.claim(&format!(
                    "with_{}",
                    snake_case(&scheme.key, "auth").trim_end_matches('_')
                ));
                CredentialSetter {
                    key: scheme.key.clone(),
                    method_name,
                    kind,
                    doc: self.lookup(&scheme.pointer).map(doc_of).unwrap_or_default(),
                }
            })
            .collect()
    }

    fn operation(
        &mut self,
        space: &mut TypeSpace<'a>,
        source: usize,
        operation: &api::Operation,
    ) -> ClientMethod {
        let at = &operation.pointer;
        let path = operation.path.text();
        let wanted = match &operation.id {
            Some(id) => snake_case(id, "operation"),
            None => synthesized_name(operation.method.key(), path),
        };
        let method_name = self.methods.claim(&wanted);
        if operation.id.is_none() {
            self.warn(
                at,
                format!("no operationId; the method is named `{method_name}`, and `decode_response` knows the operation by that name"),
            );
        }
        let type_prefix = pascal_case(&method_name, "ClientMethod");
        let raw = self.lookup(at).unwrap_or(&Value::Null);
        let mut doc = doc_of(raw);
        if let Some(summary) = raw.get("summary").and_then(Value::as_str) {
            doc.title = Some(summary.trim().to_owned());
            if doc.description.as_deref() == Some(summary.trim()) {
                doc.description = None;
            }
        }
        doc.notes.push(format!("`{} {}`", operation.method, path));

        let mut params = Vec::new();
        let mut optional = Vec::new();
        // The method's own locals and arguments are taken: a parameter must not shadow them.
        let mut field_names = Namer::with_reserved([
            "body", "options", "url", "request", "query", "response", "cookies", "form", "value",
        ]);
        for parameter in &operation.parameters {
            let param = self.param(space, parameter, &type_prefix, &mut field_names);
            if param.required || param.location == Location::Path {
                params.push(param);
            } else {
                optional.push(param);
            }
        }
        // Path parameters first, in template order.
        let mut ordered = Vec::new();
        for name in operation.path.names() {
            if let Some(index) = params
                .iter()
                .position(|p| p.location == Location::Path && p.wire_name == name)
            {
                ordered.push(params.remove(index));
            }
        }
        ordered.extend(params);
        let options = (!optional.is_empty())
            .then(|| (space.claim_name(&format!("{type_prefix}Options")), optional));

        let body = operation
            .body
            .as_ref()
            .and_then(|body| self.body(space, at, body, &type_prefix));
        let responses = responses(space, self.spec, operation, &type_prefix);
        ClientMethod {
            source,
            method_name,
            operation_id: operation.id.clone(),
            // Settled once every operation is known.
            decode_key: String::new(),
            http_method: operation.method.as_str().to_owned(),
            path: operation.path.clone(),
            doc,
            params: ordered,
            options,
            body,
            responses,
            security: operation.security.alternatives.clone(),
            pointer: at.to_string(),
        }
    }

    fn param(
        &mut self,
        space: &mut TypeSpace<'a>,
        parameter: &api::Parameter,
        prefix: &str,
        names: &mut Namer,
    ) -> Param {
        let hint = format!("{prefix}{}", pascal_case(&parameter.name, "Param"));
        let ty = match parameter
            .schema
            .as_ref()
            .and_then(|at| Some((at, self.lookup(at)?)))
        {
            Some((at, schema)) => space.convert(schema, at, &hint).ty,
            None => TypeRef::Builtin(Builtin::String),
        };
        let raw = parameter
            .declared
            .then(|| self.lookup(&parameter.pointer))
            .flatten();
        let mut doc = raw.map(doc_of).unwrap_or_default();
        if let Some(default) = raw.and_then(|p| p.pointer("/schema/default")) {
            doc.notes
                .push(format!("Defaults to `{default}` when absent."));
        }
        Param {
            name: names.claim(&snake_case(&parameter.name, "param")),
            wire_name: parameter.name.clone(),
            location: parameter.location,
            ty,
            required: parameter.required,
            style: parameter.style,
            explode: parameter.explode,
            doc,
        }
    }

    fn body(
        &mut self,
        space: &mut TypeSpace<'a>,
        at: &JsonPointer,
        body: &api::RequestBody,
        prefix: &str,
    ) -> Option<Body> {
        let media = body.preferred()?;
        if body.content.len() > 1 {
            let others: Vec<&str> = body
                .content
                .iter()
                .map(|m| m.name.as_str())
                .filter(|m| *m != media.name)
                .collect();
            self.warn(
                &at.join("requestBody"),
                format!(
                    "request body offers several media types; the client sends `{}` (not {})",
                    media.name,
                    others.join(", ")
                ),
            );
        }
        let schema = media
            .schema
            .as_ref()
            .and_then(|at| Some((at, self.lookup(at)?)));
        let ty = match (media.kind, schema) {
            (MediaKind::Binary | MediaKind::JsonLines, _) => TypeRef::Builtin(Builtin::Bytes),
            (MediaKind::Text | MediaKind::EventStream, _) => TypeRef::Builtin(Builtin::String),
            (_, Some((at, schema))) => {
                let converted = space.convert(schema, at, &format!("{prefix}Body"));
                if converted.nullable {
                    converted.ty.option()
                } else {
                    converted.ty
                }
            }
            (_, None) => TypeRef::Builtin(Builtin::Json),
        };
        let kind = match media.kind {
            MediaKind::Json => BodyKind::Json,
            MediaKind::Form => BodyKind::Form(
                media
                    .encoding
                    .iter()
                    .filter(|e| e.style != api::Style::Form || !e.explode)
                    .map(|e| FormEncoding {
                        property: e.property.clone(),
                        style: e.style,
                        explode: e.explode,
                    })
                    .collect(),
            ),
            MediaKind::Multipart => BodyKind::Multipart(multipart_parts(space, &ty, media)),
            MediaKind::Text | MediaKind::EventStream => BodyKind::Text,
            MediaKind::Binary | MediaKind::JsonLines => BodyKind::Bytes,
        };
        Some(Body {
            ty,
            kind,
            media_type: media.name.clone(),
            required: body.required,
            doc: self.lookup(&body.pointer).map(doc_of).unwrap_or_default(),
        })
    }
}

/// The parts of a multipart body, one per field of its struct; none when the body is not a
/// struct (it is then sent field by field from its JSON form).
fn multipart_parts(
    space: &TypeSpace<'_>,
    ty: &TypeRef,
    media: &api::MediaType,
) -> Vec<MultipartPart> {
    let TypeRef::Named(index) = ty else {
        return Vec::new();
    };
    let Some(TypeKind::Struct(def)) = space.defs.get(*index).map(|d| &d.kind) else {
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
                content_type: media
                    .encoding_of(&field.wire_name)
                    .and_then(|e| e.content_type.as_deref())
                    .and_then(concrete_media_type),
            }
        })
        .collect()
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
