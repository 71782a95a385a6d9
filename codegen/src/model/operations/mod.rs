//! The client's view of each operation of the spec's reading ([`crate::api`]): its method name,
//! its parameters, body, responses and headers typed from the [`TypeSpace`](super::TypeSpace),
//! and the security schemes with their setters. [`build`] makes them; [`responses`] owns the
//! response cases and their header sets.

mod build;
mod responses;

pub use build::build_operations;
pub(super) use build::RESERVED_METHODS;
pub(super) use responses::{header_field_names, header_type};

use super::{Builtin, Doc, TypeRef};
use crate::api::{Location, PathTemplate, StatusKey, Style};

/// What the client does for one operation of the spec: the method that calls it, with its
/// arguments, body, responses and headers typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientMethod {
    /// The index of the operation in the spec's reading.
    pub source: usize,
    pub method_name: String,
    /// The spec's `operationId`, as written.
    pub operation_id: Option<String>,
    /// The name the generated `decode_response` knows the operation by: its `operationId`, or
    /// its method name when it has none or an earlier operation is already known by it (that
    /// name numbered, should it be taken too).
    pub decode_key: String,
    /// `GET`, `POST`, …
    pub http_method: String,
    pub path: PathTemplate,
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
    pub location: Location,
    pub ty: TypeRef,
    pub required: bool,
    pub style: Style,
    pub explode: bool,
    pub doc: Doc,
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
    pub style: Style,
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
    pub status: StatusKey,
    pub body: ResponseBody,
    pub variant: String,
    pub doc: Doc,
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
    pub statuses: Vec<StatusKey>,
    /// Documented by every response of its set (success or error).
    pub in_every_response: bool,
    pub doc: Doc,
}

/// A supported security scheme as the client sets its credential: a `with_…` method.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialSetter {
    /// The key in `components/securitySchemes`.
    pub key: String,
    /// The `with_…` method that sets its credential.
    pub method_name: String,
    pub kind: CredentialKind,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    Bearer,
    Basic,
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}
