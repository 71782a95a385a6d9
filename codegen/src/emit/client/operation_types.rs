//! What each operation adds to `types`: its options struct, typed headers and response enums.

use proc_macro2::TokenStream;
use quote::quote;

use crate::api::StatusKey;
use crate::emit::docs::doc_attrs;
use crate::emit::ident;
use crate::emit::type_ref::{type_tokens, Scope};
use crate::model::HeaderField;
use crate::model::{ClientMethod, ResponseBody, ResponseCase, TypeDef};

/// What one operation adds to `types`: its options struct, typed headers and response enums.
pub(super) fn operation_types_tokens(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let mut items = Vec::new();
    let op_ref = format!(
        "[`Client::{}`](crate::Client::{})",
        operation.method_name, operation.method_name
    );
    if let Some((name, params)) = &operation.options {
        let name = ident(name);
        let doc = format!(" Optional parameters of {op_ref}.");
        let fields = params.iter().map(|param| {
            let field = ident(&param.name);
            let ty = type_tokens(&param.ty, defs, Scope::Types);
            let docs = doc_attrs(&param.doc);
            quote! { #docs pub #field: Option<#ty>, }
        });
        items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #name {
                #(#fields)*
            }
        });
    }
    if let Some((name, headers)) = &operation.responses.headers {
        let doc = format!(" Documented headers of the success responses of {op_ref}.");
        items.push(headers_struct(name, headers, &doc, defs));
    }
    if let Some((name, headers)) = &operation.responses.error_headers {
        let doc = format!(
            " Documented headers of the error responses of {op_ref}: every header one of them documents."
        );
        items.push(headers_struct(name, headers, &doc, defs));
    }
    if let Some(name) = &operation.responses.success_enum {
        items.push(response_enum(
            name,
            &operation.responses.success,
            &format!(" The success responses of {op_ref}."),
            true,
            defs,
        ));
    }
    if let Some(name) = &operation.responses.error_enum {
        items.push(response_enum(
            name,
            &operation.responses.errors,
            &format!(" The documented error responses of {op_ref}."),
            false,
            defs,
        ));
    }
    quote! { #(#items)* }
}

fn headers_struct(name: &str, headers: &[HeaderField], doc: &str, defs: &[TypeDef]) -> TokenStream {
    let name = ident(name);
    let fields = headers.iter().map(|header| {
        let field = ident(&header.name);
        let ty = type_tokens(&header.ty, defs, Scope::Types);
        let mut doc = header.doc.clone();
        let required = if header.required {
            ", required by the spec"
        } else {
            ""
        };
        // Responses document different sets; say which do when not all of them.
        let statuses = if header.in_every_response {
            String::new()
        } else {
            let statuses: Vec<String> = header.statuses.iter().map(ToString::to_string).collect();
            format!(" (status {})", statuses.join(", "))
        };
        doc.notes.push(format!(
            "`{}`{required}{statuses}; `None` when absent or unparsable.",
            header.wire_name,
        ));
        let docs = doc_attrs(&doc);
        quote! { #docs pub #field: Option<#ty>, }
    });
    let parses = headers.iter().map(|header| {
        let field = ident(&header.name);
        let wire = &header.wire_name;
        quote! { #field: callspec_runtime::parse_header(headers, #wire), }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl callspec_runtime::FromHeaders for #name {
            fn from_headers(headers: &reqwest::header::HeaderMap) -> Self {
                Self {
                    #(#parses)*
                }
            }
        }
    }
}

fn response_enum(
    name: &str,
    cases: &[ResponseCase],
    doc: &str,
    success: bool,
    defs: &[TypeDef],
) -> TokenStream {
    let name = ident(name);
    let variants = cases.iter().map(|case| {
        let variant = ident(&case.variant);
        let title = match case.status {
            StatusKey::Default if success => "Any 2XX status (the `default` response).".to_owned(),
            StatusKey::Default => "Any other status.".to_owned(),
            status => format!("Status {status}."),
        };
        let mut case_doc = case.doc.clone();
        case_doc.title = Some(title);
        let docs = doc_attrs(&case_doc);
        match &case.body {
            ResponseBody::Empty => quote! { #docs #variant, },
            body => {
                let ty = type_tokens(&body.ty(), defs, Scope::Types);
                quote! { #docs #variant(#ty), }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}
