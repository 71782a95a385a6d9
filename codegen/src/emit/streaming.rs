//! Streamed responses ([`StreamMethod`]) → the `…_events`, `…_items` and `…_bytes` methods of
//! the `Client`, in an `impl` block of their own. Each builds its request as the operation's
//! whole-body method does and hands it to the runtime's `Transport::events`, `items` or
//! `bytes`, with the operation's `responses` function to read an error answer.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::{
    arguments, error_type, headers_type, method_doc, request_tokens, RequestTokens,
};
use super::docs::{doc_attrs, paragraph_break, prose_doc};
use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::api::media::essence;
use crate::model::{ClientMethod, StreamKind, StreamMethod, TypeDef, TypeRef};
use crate::render::Unit;

/// What streamed responses add to the generated crate.
pub(crate) struct StreamingParts<'a> {
    /// The head of the `impl Client` block of the streaming methods, and the methods.
    pub impl_head: TokenStream,
    pub methods: Vec<Unit<'a>>,
}

pub(crate) fn streaming_units<'a>(
    streams: &'a [StreamMethod],
    operations: &'a [ClientMethod],
    defs: &'a [TypeDef],
) -> StreamingParts<'a> {
    StreamingParts {
        impl_head: quote! {
            /// Streamed responses: methods that read an operation's success as it arrives (server-sent
            /// events, JSON lines, bytes), beside the methods that read it whole. Each call ends when
            /// the stream begins; the stream ends when the server closes the body.
            #[allow(clippy::too_many_arguments)]
            impl Client
        },
        methods: streams
            .iter()
            .map(|stream| Box::new(move || stream_method(stream, operations, defs)) as Unit<'a>)
            .collect(),
    }
}

/// A type as the crate root names it (`types::Chunk`, `Vec<String>`), for docs.
fn root_type_text(ty: &TypeRef, defs: &[TypeDef]) -> String {
    type_tokens(ty, defs, Scope::Root)
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}

fn stream_method(
    stream: &StreamMethod,
    operations: &[ClientMethod],
    defs: &[TypeDef],
) -> TokenStream {
    let operation = &operations[stream.operation];
    let name = ident(&stream.method_name);
    let whole = ident(&operation.method_name);
    let mut arguments = arguments(operation, defs);
    let last_event_id = stream.last_event_id.as_deref().map(|argument| {
        let argument = ident(argument);
        arguments.push(quote! { #argument: Option<&str> });
        quote! {
            if let Some(#argument) = #argument {
                request = request.header("last-event-id", #argument);
            }
        }
    });
    let RequestTokens { build, request } = request_tokens(operation, defs, last_event_id);
    let headers = headers_type(operation.responses.headers.as_ref());
    let error = error_type(operation, defs);
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let media = &stream.media_types;
    let (value, call) = match &stream.kind {
        StreamKind::Events { data, text } => {
            let data = type_tokens(data, defs, Scope::Root);
            let format = if *text {
                quote! { callspec_runtime::EventData::Text }
            } else {
                quote! { callspec_runtime::EventData::Json }
            };
            (
                quote! { EventStream<#data> },
                quote! { self.transport.events(&OPERATION, #request, #format, responses::#whole) },
            )
        }
        StreamKind::Items { item } => {
            let item = type_tokens(item, defs, Scope::Root);
            (
                quote! { ItemStream<#item> },
                quote! { self.transport.items(&OPERATION, #request, &[#(#media),*], responses::#whole) },
            )
        }
        StreamKind::Bytes => (
            quote! { ByteStream },
            quote! { self.transport.bytes(&OPERATION, #request, &[#(#media),*], responses::#whole) },
        ),
    };
    let spec_docs = doc_attrs(&spec_doc(stream, operation));
    let separator = paragraph_break(&spec_docs);
    let stream_docs = prose_doc(&stream_doc(stream, operation, defs));
    let deprecated = operation.doc.deprecated.then(|| quote! { #[deprecated] });
    quote! {
        #spec_docs
        #separator
        #stream_docs
        #deprecated
        pub fn #name(&self, #(#arguments),*) -> Call<'_, ResponseValue<#value #headers>, #error #error_headers> {
            #build
            #call
        }
    }
}

/// The operation's docs, as its whole-body method has them, with the `Last-Event-ID` argument
/// among the arguments.
fn spec_doc(stream: &StreamMethod, operation: &ClientMethod) -> crate::model::Doc {
    let mut doc = method_doc(operation);
    if let Some(argument) = &stream.last_event_id {
        let line =
            format!("- `{argument}` (header `Last-Event-ID`): resume after the event of this id");
        match doc
            .notes
            .iter_mut()
            .find(|note| note.starts_with("Arguments:"))
        {
            Some(arguments) => {
                arguments.push('\n');
                arguments.push_str(&line);
            }
            None => doc.notes.push(format!("Arguments:\n{line}")),
        }
    }
    doc
}

/// How the docs name the argument of a `Last-Event-ID` header the operation declares itself.
fn declared_last_event_id(operation: &ClientMethod) -> String {
    let is_it =
        |param: &&crate::model::Param| param.wire_name.eq_ignore_ascii_case("last-event-id");
    match operation.params.iter().find(is_it) {
        Some(param) => format!(" as `{}`", param.name),
        None => operation
            .options
            .iter()
            .flat_map(|(_, params)| params.iter())
            .find(is_it)
            .map_or_else(String::new, |param| format!(" as `options.{}`", param.name)),
    }
}

/// What the method adds to the operation: what the stream yields and how it ends.
fn stream_doc(stream: &StreamMethod, operation: &ClientMethod, defs: &[TypeDef]) -> String {
    let whole = &operation.method_name;
    let media = stream
        .media_types
        .iter()
        .map(|media| format!("`{media}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let yields = match &stream.kind {
        StreamKind::Events { data, text } => {
            let decoded = if *text {
                format!("taken as text (`{}`)", root_type_text(data, defs))
            } else {
                format!("decoded as JSON into `{}`", root_type_text(data, defs))
            };
            format!(
                "Reads the {media} answer as it arrives, where [`{whole}`](Self::{whole}) reads it whole: the call ends when the stream begins, with an [`EventStream`] of [`Event`]s, each with its `event` type, `id`, `retry` and `data` {decoded}. An event whose data does not decode is an `Err` ([`StreamError::Data`]) that names it, and the stream goes on. The stream ends when the server closes it, or after one `Err` when the connection fails; reconnecting is the caller's (with [`EventStream::last_event_id`]{resume})."
                ,
                resume = match &stream.last_event_id {
                    Some(argument) => format!(" as `{argument}`"),
                    None => declared_last_event_id(operation),
                }
            )
        }
        StreamKind::Items { item } => {
            let sequence = stream
                .media_types
                .iter()
                .all(|media| essence(media) == "application/json-seq");
            let unit = if sequence { "text" } else { "line" };
            format!(
                "Reads the {media} answer item by item as it arrives, where [`{whole}`](Self::{whole}) reads it whole: the call ends when the body begins, with an [`ItemStream`] whose items are `{}`, each decoded as soon as its {unit} has arrived. A {unit} that does not decode is an `Err` ([`StreamError::Item`]) with its number, and the stream goes on. The stream ends with the body, or after one `Err` when the connection fails.",
                root_type_text(item, defs)
            )
        }
        StreamKind::Bytes => format!(
            "Reads the {media} answer chunk by chunk as it arrives, where [`{whole}`](Self::{whole}) reads it whole: the call ends when the body begins, with a [`ByteStream`] of its chunks. The stream ends with the body, or after one `Err` when the connection fails."
        ),
    };
    format!(
        "{yields}\n\nAn error status is the [`Error`] that [`{whole}`](Self::{whole}) returns; a success in another media type is [`Error::UnexpectedContentType`]. The client's timeout ends when the stream begins, so it never cuts the stream."
    )
}
