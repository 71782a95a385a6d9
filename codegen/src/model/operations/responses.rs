//! An operation's responses as the client reads them: which statuses are a success and which an
//! error, the body type of each, the enums that tell them apart, and the typed headers of each
//! set.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{HeaderField, ResponseBody, ResponseCase, Responses};
use crate::api::{self, MediaKind, StatusKey};
use crate::model::types::{doc_of, TypeSpace};
use crate::model::{Builtin, TypeRef};
use crate::naming::{pascal_case, snake_case, Namer};

/// The response cases of `operation`, their types named after `prefix`.
pub(super) fn responses<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    operation: &api::Operation,
    prefix: &str,
) -> Responses {
    let mut success = Vec::new();
    let mut errors = Vec::new();
    let mut success_variants = Namer::new();
    let mut error_variants = Namer::new();
    let mut success_headers = HeaderSet::default();
    let mut error_headers = HeaderSet::default();
    // `default` stands for every status the operation does not list. Without a listed 2xx it
    // is also the success shape (a 2xx answer decodes with its body); otherwise it is only
    // the error shape.
    let lists_2xx = operation.responses.iter().any(|r| r.status.is_2xx());
    for response in &operation.responses {
        let status = response.status;
        let (is_success, is_error) = match status {
            StatusKey::Code(code) => (code < 400, code >= 400),
            StatusKey::Range(hundreds) => (hundreds < 4, hundreds >= 4),
            StatusKey::Default => (!lists_2xx, true),
        };
        let variant_base = status_variant(status);
        let hint = if is_success && success.is_empty() {
            format!("{prefix}Response")
        } else {
            format!("{prefix}{variant_base}Body")
        };
        let body = response_body(space, spec, response, &hint);
        let doc = lookup(spec, &response.pointer)
            .map(doc_of)
            .unwrap_or_default();
        if is_success {
            collect_headers(space, spec, response, prefix, &mut success_headers);
            success.push(ResponseCase {
                status,
                body: body.clone(),
                variant: success_variants.claim(&variant_base),
                doc: doc.clone(),
            });
        }
        if is_error {
            collect_headers(space, spec, response, prefix, &mut error_headers);
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
    let error_enum = (distinct(&errors) > 1).then(|| space.claim_name(&format!("{prefix}Error")));
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

/// The value at `pointer`.
fn lookup<'a>(spec: &'a Value, pointer: &crate::load::JsonPointer) -> Option<&'a Value> {
    pointer.resolve(spec)
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

/// Adds the headers `response` documents to `set` (the first definition of a name wins).
fn collect_headers<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    response: &api::Response,
    prefix: &str,
    set: &mut HeaderSet,
) {
    set.responses += 1;
    for header in &response.headers {
        if let Some(existing) = set
            .fields
            .iter_mut()
            .find(|h| h.wire_name.eq_ignore_ascii_case(&header.name))
        {
            if !existing.statuses.contains(&response.status) {
                existing.statuses.push(response.status);
            }
            existing.required &= header.required;
            continue;
        }
        let ty = match header
            .schema
            .as_ref()
            .and_then(|at| Some((at, lookup(spec, at)?)))
        {
            Some((at, schema)) => {
                let hint = format!("{prefix}{}", pascal_case(&header.name, "Header"));
                header_type(space.convert(schema, at, &hint).ty)
            }
            None => TypeRef::Builtin(Builtin::String),
        };
        set.fields.push(HeaderField {
            name: String::new(),
            wire_name: header.name.clone(),
            ty,
            required: header.required,
            statuses: vec![response.status],
            in_every_response: false,
            doc: lookup(spec, &header.pointer)
                .map(doc_of)
                .unwrap_or_default(),
        });
    }
}

/// The body a client reads: the first JSON media type, else text, else bytes.
fn response_body<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    response: &api::Response,
    hint: &str,
) -> ResponseBody {
    if response.content.is_empty() {
        return ResponseBody::Empty;
    }
    if let Some(media) = response.content.iter().find(|m| m.kind == MediaKind::Json) {
        return match media
            .schema
            .as_ref()
            .and_then(|at| Some((at, lookup(spec, at)?)))
        {
            Some((at, schema)) => {
                let converted = space.convert(schema, at, hint);
                ResponseBody::Json(if converted.nullable {
                    converted.ty.option()
                } else {
                    converted.ty
                })
            }
            None => ResponseBody::Json(TypeRef::Builtin(Builtin::Json)),
        };
    }
    // An event stream is text too, read whole until streams are typed.
    if response
        .content
        .iter()
        .any(|m| matches!(m.kind, MediaKind::Text | MediaKind::EventStream))
    {
        return ResponseBody::Text;
    }
    ResponseBody::Bytes
}

/// Header values are text: a typed header is a scalar, anything else stays a string.
pub(crate) fn header_type(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Builtin(
            Builtin::Json | Builtin::JsonObject | Builtin::Bytes | Builtin::Base64 | Builtin::Unit,
        ) => TypeRef::Builtin(Builtin::String),
        TypeRef::Builtin(_) | TypeRef::Named(_) => ty,
        _ => TypeRef::Builtin(Builtin::String),
    }
}

/// Field names for headers: `X-Request-ID` → `request_id`, since the `X-` prefix says nothing in
/// Rust; the prefix stays when dropping it would make two names alike (`X-Trace` beside `Trace`).
pub(crate) fn header_field_names(wire_names: &[&str]) -> Vec<String> {
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

/// A response case's variant name: `Ok`, `NotFound`, `ClientError`, `Status418`, …
fn status_variant(status: StatusKey) -> String {
    let name = match status {
        StatusKey::Default => "Default",
        StatusKey::Range(1) => "Informational",
        StatusKey::Range(2) => "Success",
        StatusKey::Range(3) => "Redirection",
        StatusKey::Range(4) => "ClientError",
        StatusKey::Range(5) => "ServerError",
        StatusKey::Code(code) => match code {
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
        StatusKey::Range(other) => return format!("Status{other}xx"),
    };
    name.to_owned()
}
