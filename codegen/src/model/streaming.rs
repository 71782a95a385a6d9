//! Streamed responses: each operation whose success documents `text/event-stream`, JSON lines
//! (or a JSON text sequence) or a binary body → a [`StreamMethod`] per kind, which the client
//! emits beside its whole-body method as `…_events`, `…_items` or `…_bytes`.
//!
//! Here the stream gains what the client needs: the method's name, claimed beside the other
//! methods, the type each event's data or each item decodes as, and the media types read.

use serde_json::Value;

use super::operations::RESERVED_METHODS;
use super::types::TypeSpace;
use super::{Builtin, ClientMethod, CredentialSetter, PageHelper, TypeKind, TypeRef, WaitHelper};
use crate::api::{self, Api, Location, MediaKind, StatusKey};
use crate::load::{follow, JsonPointer};
use crate::naming::{pascal_case, Namer};

/// A method that reads one operation's success as a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamMethod {
    /// The operation (index into the operations).
    pub operation: usize,
    pub method_name: String,
    pub kind: StreamKind,
    /// The media types of that kind its successes document, as written, each once.
    pub media_types: Vec<String>,
    /// The argument that sends `Last-Event-ID` (event streams only, and only when the
    /// operation does not declare that header itself).
    pub last_event_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StreamKind {
    /// `text/event-stream`: each event's `data` a `data`, decoded as JSON unless `text`.
    Events { data: TypeRef, text: bool },
    /// JSON lines or a JSON text sequence, each item an `item`.
    Items { item: TypeRef },
    /// A binary body, chunk by chunk.
    Bytes,
}

impl StreamKind {
    /// What the method's name adds to the operation's.
    #[must_use]
    pub fn suffix(&self) -> &'static str {
        match self {
            StreamKind::Events { .. } => "events",
            StreamKind::Items { .. } => "items",
            StreamKind::Bytes => "bytes",
        }
    }
}

/// The media kinds read as streams, in the order their methods follow an operation's.
const STREAMED: [MediaKind; 3] = [
    MediaKind::EventStream,
    MediaKind::JsonLines,
    MediaKind::Binary,
];

/// Every streaming method of the client, in the operations' order, named after the methods
/// and helpers (long-running and pagination) already claimed.
pub fn build_streaming<'a>(
    api: &Api,
    spec: &'a Value,
    operations: &[ClientMethod],
    schemes: &[CredentialSetter],
    (waits, pages): (&[WaitHelper], &[PageHelper]),
    space: &mut TypeSpace<'a>,
) -> Vec<StreamMethod> {
    // The methods share the one namespace of `Client` methods.
    let mut methods = Namer::with_reserved(RESERVED_METHODS);
    let claimed = schemes
        .iter()
        .map(|s| &s.method_name)
        .chain(operations.iter().map(|o| &o.method_name))
        .chain(
            waits
                .iter()
                .flat_map(|w| [&w.wait_method, &w.and_wait_method]),
        )
        .chain(pages.iter().flat_map(|p| [&p.stream_method, &p.all_method]));
    for name in claimed {
        methods.claim(name);
    }
    let mut found = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        let read = &api.operations[operation.source];
        let prefix = pascal_case(&operation.method_name, "ClientMethod");
        for kind in STREAMED {
            let media: Vec<&api::MediaType> = successes(read)
                .flat_map(|response| &response.content)
                .filter(|media| media.kind == kind)
                .collect();
            if media.is_empty() {
                continue;
            }
            let mut media_types: Vec<String> = Vec::new();
            for media in &media {
                if !media_types.contains(&media.name) {
                    media_types.push(media.name.clone());
                }
            }
            let schema = media.iter().find_map(|media| {
                let at = media.schema.as_ref()?;
                Some((at, at.resolve(spec)?))
            });
            let kind = match kind {
                MediaKind::EventStream => event_kind(space, spec, schema, &prefix),
                MediaKind::JsonLines => StreamKind::Items {
                    item: item_type(space, schema, &prefix),
                },
                _ => StreamKind::Bytes,
            };
            let method_name =
                methods.claim(&format!("{}_{}", operation.method_name, kind.suffix()));
            let last_event_id = matches!(kind, StreamKind::Events { .. })
                .then(|| last_event_id_argument(read, operation))
                .flatten();
            found.push(StreamMethod {
                operation: index,
                method_name,
                kind,
                media_types,
                last_event_id,
            });
        }
    }
    found
}

/// The responses a streaming method reads: the `2xx` ones, else `default` (which then stands
/// for success, as in the whole-body method).
fn successes(operation: &api::Operation) -> impl Iterator<Item = &api::Response> {
    let lists_2xx = operation.responses.iter().any(|r| r.status.is_2xx());
    operation.responses.iter().filter(move |response| {
        response.status.is_2xx() || (!lists_2xx && response.status == StatusKey::Default)
    })
}

/// An event's data type: the schema's, read as text when the schema is a string (or there is
/// none), as JSON otherwise.
fn event_kind<'a>(
    space: &mut TypeSpace<'a>,
    spec: &'a Value,
    schema: Option<(&JsonPointer, &'a Value)>,
    prefix: &str,
) -> StreamKind {
    let Some((at, value)) = schema else {
        return StreamKind::Events {
            data: TypeRef::Builtin(Builtin::String),
            text: true,
        };
    };
    let text = follow(spec, at)
        .is_ok_and(|(_, resolved)| resolved.get("type").and_then(Value::as_str) == Some("string"));
    let converted = space.convert(value, at, &format!("{prefix}Event"));
    let data = match converted.ty {
        // Event data is text: bytes of it are its text.
        TypeRef::Builtin(Builtin::Bytes | Builtin::Base64) => TypeRef::Builtin(Builtin::String),
        ty if converted.nullable && !text => ty.option(),
        ty => ty,
    };
    StreamKind::Events { data, text }
}

/// An item's type: the schema's, or its items' when it describes the lines together as a
/// list (as the conformance suite reads it).
fn item_type<'a>(
    space: &mut TypeSpace<'a>,
    schema: Option<(&JsonPointer, &'a Value)>,
    prefix: &str,
) -> TypeRef {
    let Some((at, value)) = schema else {
        return TypeRef::Builtin(Builtin::Json);
    };
    let converted = space.convert(value, at, &format!("{prefix}Item"));
    let listed = match &converted.ty {
        TypeRef::Vec(item) => Some(item.as_ref().clone()),
        TypeRef::Named(index) => match space.defs.get(*index).map(|def| &def.kind) {
            Some(TypeKind::Alias(TypeRef::Vec(item))) => Some(item.as_ref().clone()),
            _ => None,
        },
        _ => None,
    };
    match listed {
        Some(item) => item,
        None if converted.nullable => converted.ty.option(),
        None => converted.ty,
    }
}

/// The name of the argument that sends `Last-Event-ID`: none when the operation declares the
/// header (its own argument sends it), else one no argument or local of the method takes.
fn last_event_id_argument(read: &api::Operation, operation: &ClientMethod) -> Option<String> {
    let declared = read.parameters.iter().any(|parameter| {
        parameter.location == Location::Header
            && parameter.name.eq_ignore_ascii_case("last-event-id")
    });
    if declared {
        return None;
    }
    let mut names = Namer::with_reserved([
        "body", "options", "url", "request", "query", "response", "cookies", "form", "value",
    ]);
    for param in &operation.params {
        names.claim(&param.name);
    }
    Some(names.claim("last_event_id"))
}
