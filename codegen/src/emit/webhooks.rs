//! The `webhooks` module: per callback request, a struct of its documented headers and a
//! `parse_…` function that reads a delivery into a typed `Webhook`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::model::{Callback, CallbackBodyKind, CallbackHeader, Doc, TypeDef, TypeRef};
use crate::render::{Block, Unit};

/// The `webhooks` block, or `None` when the spec has no callbacks.
pub(crate) fn webhooks_block<'a>(
    callbacks: &'a [Callback],
    defs: &'a [TypeDef],
) -> Option<Block<'a>> {
    if callbacks.is_empty() {
        return None;
    }
    // A callback with neither headers nor a body reads nothing through `webhook`.
    let reads = callbacks
        .iter()
        .any(|c| c.headers.as_ref().is_some_and(|(_, f)| !f.is_empty()) || c.body.is_some());
    let mut items: Vec<Unit<'a>> = vec![Box::new(move || {
        let webhook = reads.then(|| quote! { , webhook });
        quote! {
            #[allow(unused_imports)]
            use super::types;

            use callspec_runtime::{reqwest::header::HeaderMap #webhook};

            pub use callspec_runtime::{Webhook, WebhookError};
        }
    })];
    for callback in callbacks {
        items.push(Box::new(move || callback_tokens(callback, defs)));
    }
    Some(Block {
        head: quote! {
            /// Receiving the requests the API sends (the spec's callbacks, often called
            /// webhooks): one `parse_…` function per request, for the handler of the endpoint
            /// that receives it. It checks the content type, reads the documented headers into a
            /// typed struct and decodes the body, or says which header is missing or invalid, or
            /// where the body does not decode ([`WebhookError`](crate::webhooks::WebhookError)).
            ///
            /// The spec documents no signature for these requests, so nothing here can tell a
            /// genuine delivery from a forged one: these functions check shape, not origin.
            /// Treat a parsed payload as a hint and, where it matters, read the resource back
            /// from the API.
            pub mod webhooks
        },
        items,
    })
}

fn callback_tokens(callback: &Callback, defs: &[TypeDef]) -> TokenStream {
    let function = ident(&callback.function_name);
    let headers_struct = callback
        .headers
        .as_ref()
        .map(|(name, fields)| headers_struct(callback, name, fields, defs));
    let headers_type = match &callback.headers {
        Some((name, _)) => {
            let name = ident(name);
            quote! { #name }
        }
        None => quote! { () },
    };
    let read_headers = match &callback.headers {
        Some((name, fields)) => {
            let name = ident(name);
            let reads = fields.iter().map(|field| {
                let field_name = ident(&field.name);
                let wire = &field.wire_name;
                if field.required {
                    quote! { #field_name: webhook::required_header(headers, #wire)?, }
                } else {
                    quote! { #field_name: webhook::optional_header(headers, #wire)?, }
                }
            });
            quote! { let headers = #name { #(#reads)* }; }
        }
        None => quote! {},
    };
    let headers_field = match &callback.headers {
        Some(_) => quote! { headers },
        None => quote! { headers: () },
    };
    let media_types: Vec<&str> = callback
        .body
        .as_ref()
        .map(|body| body.media_types.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let body_required = callback.body.as_ref().is_some_and(|body| body.required);
    let check_content_type = (!media_types.is_empty()).then(|| {
        let check = quote! { webhook::check_content_type(headers, &[#(#media_types),*])?; };
        if body_required {
            check
        } else {
            // An optional body may be absent, and with it its content type.
            quote! {
                if !body.is_empty() {
                    #check
                }
            }
        }
    });
    let (payload_type, read_payload) = match &callback.body {
        None => (quote! { () }, quote! {}),
        Some(body) => match body.kind {
            CallbackBodyKind::Json => {
                let ty = if body.required {
                    body.ty.clone()
                } else {
                    body.ty.clone().option()
                };
                (
                    type_tokens(&ty, defs, Scope::Root),
                    quote! { let payload = webhook::json_payload(body)?; },
                )
            }
            CallbackBodyKind::Text => (
                quote! { String },
                quote! { let payload = webhook::text_payload(body)?; },
            ),
            CallbackBodyKind::Bytes => {
                (quote! { Vec<u8> }, quote! { let payload = body.to_vec(); })
            }
        },
    };
    let payload_field = match &callback.body {
        Some(_) => quote! { payload },
        None => quote! { payload: () },
    };
    let docs = doc_attrs(&function_doc(callback));
    let unused_body = callback.body.is_none().then(|| quote! { let _ = body; });
    let unused_headers =
        (callback.headers.is_none() && media_types.is_empty()).then(|| quote! { let _ = headers; });
    quote! {
        #headers_struct

        #docs
        pub fn #function(headers: &HeaderMap, body: &[u8]) -> Result<Webhook<#payload_type, #headers_type>, WebhookError> {
            #unused_headers
            #unused_body
            #check_content_type
            #read_headers
            #read_payload
            Ok(Webhook { #payload_field, #headers_field })
        }
    }
}

fn function_doc(callback: &Callback) -> Doc {
    let mut doc = callback.doc.clone();
    let operation = callback
        .operation_id
        .as_ref()
        .map(|id| format!(", operation `{id}`"))
        .unwrap_or_default();
    let sent = match &callback.owner {
        Some(owner) => format!(
            "Sent as `{} {}` (callback `{}`{operation}) after [`Client::{owner}`](crate::Client::{owner}).",
            callback.http_method, callback.expression, callback.key
        ),
        None => format!(
            "Sent as `{}` to the URLs subscribed to it (webhook `{}`{operation}).",
            callback.http_method, callback.key
        ),
    };
    doc.notes.push(sent);
    let mut steps = Vec::new();
    if let Some(body) = &callback.body {
        let listed: Vec<String> = body.media_types.iter().map(|m| format!("`{m}`")).collect();
        let when = if body.required {
            ""
        } else {
            " (when there is a body)"
        };
        steps.push(format!(
            "checks that the content type is {}{when}",
            listed.join(" or ")
        ));
    }
    if let Some((_, fields)) = &callback.headers {
        let listed: Vec<String> = fields
            .iter()
            .map(|f| {
                let required = if f.required { "" } else { " (optional)" };
                format!("`{}`{required}", f.wire_name)
            })
            .collect();
        steps.push(format!("reads the headers {}", listed.join(", ")));
    }
    match &callback.body {
        Some(body) if body.kind == CallbackBodyKind::Json && body.required => {
            steps.push("decodes the JSON body".to_owned());
        }
        Some(body) if body.kind == CallbackBodyKind::Json => {
            steps.push("decodes the JSON body (`None` when empty)".to_owned());
        }
        Some(body) if body.kind == CallbackBodyKind::Text => {
            steps.push("reads the text body".to_owned());
        }
        Some(_) => steps.push("keeps the body as bytes".to_owned()),
        None => {}
    }
    if !steps.is_empty() {
        let mut text = steps.join(", ");
        if let Some(first) = text.get(..1) {
            text = format!("{}{}", first.to_uppercase(), &text[1..]);
        }
        doc.notes.push(format!("{text}."));
    }
    if callback.has_security {
        doc.notes.push("The spec lists a security requirement for this request; checking the credentials it carries is left to the receiver.".to_owned());
    }
    doc.notes.push("# Errors\n[`WebhookError`] naming the content type, the header, or the place in the body that is not as documented.".to_owned());
    doc
}

fn headers_struct(
    callback: &Callback,
    name: &str,
    fields: &[CallbackHeader],
    defs: &[TypeDef],
) -> TokenStream {
    let name = ident(name);
    let function = &callback.function_name;
    let struct_doc = format!(" Documented headers of a request [`{function}`] reads.");
    let fields = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty: TypeRef = if field.required {
            field.ty.clone()
        } else {
            field.ty.clone().option()
        };
        let ty = type_tokens(&ty, defs, Scope::Root);
        let mut doc = field.doc.clone();
        let required = if field.required {
            "required"
        } else {
            "optional"
        };
        doc.notes
            .push(format!("`{}`, {required}.", field.wire_name));
        let docs = doc_attrs(&doc);
        quote! { #docs pub #field_name: #ty, }
    });
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    }
}
