//! One method per operation: its arguments, the request it builds (URL, query, headers,
//! cookies, body, credentials) through the runtime's encoders, and its doc.

use proc_macro2::TokenStream;
use quote::quote;

use crate::api::{Location, Part, Style};
use crate::emit::docs::doc_attrs;
use crate::emit::ident;
use crate::emit::type_ref::{type_tokens, Scope};
use crate::model::{
    Body, BodyKind, ClientMethod, Doc, Param, Presence, TypeDef, TypeKind, TypeRef,
};
use crate::model::{MultipartPart, PartKind};

use super::{argument_type, error_type, headers_type, passed_by_value, success_type};

pub(super) fn method(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&operation.method_name);
    let docs = doc_attrs(&method_doc(operation));
    let deprecated = operation.doc.deprecated.then(|| quote! { #[deprecated] });
    let arguments = arguments(operation, defs);
    let success = success_type(operation, defs);
    let error = error_type(operation, defs);
    let headers = headers_type(operation.responses.headers.as_ref());
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let RequestTokens { build, request } = request_tokens(operation, defs, None);
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#arguments),*) -> Call<'_, ResponseValue<#success #headers>, #error #error_headers> {
            #build
            self.transport.call(&OPERATION, #request, responses::#name)
        }
    }
}

/// The arguments of an operation's method: path and required parameters, the body, options.
pub(crate) fn arguments(operation: &ClientMethod, defs: &[TypeDef]) -> Vec<TokenStream> {
    let mut arguments = Vec::new();
    for param in &operation.params {
        let param_name = ident(&param.name);
        let ty = argument_type(&param.ty, defs);
        arguments.push(quote! { #param_name: #ty });
    }
    if let Some(body) = &operation.body {
        arguments.push(body_argument(body, defs));
    }
    if let Some((options_name, _)) = &operation.options {
        let options_name = ident(options_name);
        arguments.push(quote! { options: types::#options_name });
    }
    arguments
}

/// The statements that build an operation's request, and the expression of the request they
/// leave for the transport (a `Result`, since a body may fail to encode).
pub(crate) struct RequestTokens {
    /// The `OPERATION` static, the URL, then the request with its query, headers, cookies,
    /// credentials and body.
    pub build: TokenStream,
    pub request: TokenStream,
}

/// How the method of `operation` builds its request; `extra_header` (statements that change
/// `request`) comes after the parameters' headers, for a method that sends one more.
pub(crate) fn request_tokens(
    operation: &ClientMethod,
    defs: &[TypeDef],
    extra_header: Option<TokenStream>,
) -> RequestTokens {
    let url = url_tokens(operation);
    let http_method = ident(&operation.http_method);
    let (key, path) = (&operation.decode_key, operation.path.text());

    // Arguments taken by reference are passed on as they are; the runtime borrows the rest.
    let all_params: Vec<(&Param, TokenStream)> = operation
        .params
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            if passed_by_value(&p.ty) {
                (p, quote! { &#n })
            } else {
                (p, quote! { #n })
            }
        })
        .chain(operation.options.iter().flat_map(|(_, params)| {
            params.iter().map(|p| {
                let n = ident(&p.name);
                (p, quote! { &options.#n })
            })
        }))
        .collect();
    let query_pushes: Vec<TokenStream> = all_params
        .iter()
        .filter(|(p, _)| p.location == Location::Query)
        .map(|(p, value)| {
            let wire = &p.wire_name;
            let style = query_style(p.style);
            let explode = p.explode;
            quote! { query.push(#wire, #value, #style, #explode); }
        })
        .collect();
    let query = (!query_pushes.is_empty()).then(|| {
        quote! {
            let mut query = callspec_runtime::Query::new();
            #(#query_pushes)*
            request = request.query(query.pairs());
        }
    });
    let headers_set = all_params
        .iter()
        .filter(|(p, _)| p.location == Location::Header)
        .map(|(p, value)| {
            let wire = &p.wire_name;
            let encoded = if p.explode {
                quote! { callspec_runtime::header_param(#value, true) }
            } else {
                quote! { callspec_runtime::header_value(#value) }
            };
            quote! {
                if let Some(value) = #encoded {
                    request = request.header(#wire, value);
                }
            }
        });
    let cookies: Vec<TokenStream> = all_params
        .iter()
        .filter(|(p, _)| p.location == Location::Cookie)
        .map(|(p, value)| {
            let wire = &p.wire_name;
            quote! { cookies.push(#wire, #value); }
        })
        .collect();
    let cookie_header = (!cookies.is_empty()).then(|| {
        quote! {
            let mut cookies = callspec_runtime::Cookies::new();
            #(#cookies)*
            if let Some(cookie) = cookies.header() {
                request = request.header(reqwest::header::COOKIE, cookie);
            }
        }
    });
    let body = operation.body.as_ref().map(|body| body_tokens(body, defs));
    let credentials = (!operation.security.is_empty()).then(|| {
        let alternatives = operation
            .security
            .iter()
            .map(|alternative| quote! { &[#(#alternative),*] });
        quote! { let request = self.credentials.apply(request, &[#(#alternatives),*]); }
    });
    // An infallible body changes the request in place, before the credentials rebind it; a
    // fallible one comes last, turning the request into the `Result` the call takes.
    let (body_in_place, body_built, request) = match body {
        None => (None, None, quote! { Ok(request) }),
        Some(BodyStep::Infallible(statements)) => (Some(statements), None, quote! { Ok(request) }),
        Some(BodyStep::Fallible(built)) => (
            None,
            Some(quote! { let request = #built; }),
            quote! { request },
        ),
    };
    let changes_request = query.is_some()
        || cookie_header.is_some()
        || body_in_place.is_some()
        || extra_header.is_some()
        || all_params
            .iter()
            .any(|(p, _)| p.location == Location::Header);
    let binding = if changes_request {
        quote! { let mut request }
    } else {
        quote! { let request }
    };
    RequestTokens {
        build: quote! {
            static OPERATION: callspec_runtime::Operation = callspec_runtime::Operation::new(#key, reqwest::Method::#http_method, #path);
            #url
            #binding = self.transport.request(&OPERATION, url);
            #query
            #(#headers_set)*
            #extra_header
            #cookie_header
            #body_in_place
            #credentials
            #body_built
        },
        request,
    }
}

pub(crate) fn method_doc(operation: &ClientMethod) -> Doc {
    let mut doc = operation.doc.clone();
    if doc.title.is_none() && doc.description.is_none() {
        doc.title = Some(format!("`{} {}`", operation.http_method, operation.path));
        doc.notes.retain(|note| !note.starts_with('`'));
    }
    let mut arguments = Vec::new();
    for param in operation
        .params
        .iter()
        .chain(operation.options.iter().flat_map(|(_, p)| p.iter()))
    {
        let summary = param
            .doc
            .description
            .as_deref()
            .map(|d| d.lines().next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let place = param.location.as_str();
        let prefix = if operation.params.contains(param) {
            String::new()
        } else {
            "options.".to_owned()
        };
        let line = format!(
            "- `{prefix}{}` ({place} `{}`){}{}",
            param.name,
            param.wire_name,
            if summary.is_empty() { "" } else { ": " },
            summary
        );
        arguments.push(line);
    }
    if let Some(body) = &operation.body {
        let summary = body
            .doc
            .description
            .as_deref()
            .and_then(|d| d.lines().next())
            .unwrap_or("the request body");
        arguments.push(format!("- `body` (`{}`): {summary}", body.media_type));
    }
    if !arguments.is_empty() {
        doc.notes
            .push(format!("Arguments:\n{}", arguments.join("\n")));
    }
    doc
}

/// The request URL: each path parameter percent-encoded into a local of its name, then
/// `format!("{}/pets/{pet_id}", self.base_url)`, which reads like the path it builds.
fn url_tokens(operation: &ClientMethod) -> TokenStream {
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::from("{}");
    let mut segments = Vec::new();
    for part in operation.path.parts() {
        let name = match part {
            Part::Literal(text) => {
                template.push_str(&escape(text));
                continue;
            }
            Part::Param(name) => name,
        };
        let Some(param) = operation
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.wire_name == *name)
        else {
            template.push_str(&escape(&format!("{{{name}}}")));
            continue;
        };
        template.push_str(&format!("{{{}}}", ident(&param.name)));
        if segments.iter().any(|(n, _)| *n == param.name) {
            continue;
        }
        let param_name = ident(&param.name);
        let value = if passed_by_value(&param.ty) {
            quote! { &#param_name }
        } else {
            quote! { #param_name }
        };
        let encoded = match (param.style, param.explode) {
            (Style::Simple, false) => {
                quote! { callspec_runtime::path_segment(#value) }
            }
            (style, explode) => {
                let wire = &param.wire_name;
                let style = match style {
                    Style::Label => quote! { callspec_runtime::PathStyle::Label },
                    Style::Matrix => quote! { callspec_runtime::PathStyle::Matrix },
                    _ => quote! { callspec_runtime::PathStyle::Simple },
                };
                quote! { callspec_runtime::path_param(#wire, #value, #style, #explode) }
            }
        };
        segments.push((param.name.clone(), quote! { let #param_name = #encoded; }));
    }
    let segments = segments.iter().map(|(_, tokens)| tokens);
    quote! {
        #(#segments)*
        let url = format!(#template, self.base_url);
    }
}

pub(crate) fn body_argument(body: &Body, defs: &[TypeDef]) -> TokenStream {
    let ty = match body.kind {
        BodyKind::Bytes => quote! { impl Into<BinaryBody> },
        BodyKind::Text => quote! { impl Into<String> },
        _ => {
            let ty = type_tokens(&body.ty, defs, Scope::Root);
            quote! { &#ty }
        }
    };
    if body.required || matches!(body.kind, BodyKind::Bytes | BodyKind::Text) {
        quote! { body: #ty }
    } else {
        quote! { body: Option<#ty> }
    }
}

/// How a method puts its body on the request: statements that cannot fail, or an expression
/// of `Result<RequestBuilder, Error<…>>` (encoding the body can fail) that the transport's
/// `call` receives as it is.
enum BodyStep {
    Infallible(TokenStream),
    Fallible(TokenStream),
}

fn body_tokens(body: &Body, defs: &[TypeDef]) -> BodyStep {
    let media_type = &body.media_type;
    let optional = !body.required && !matches!(body.kind, BodyKind::Bytes | BodyKind::Text);
    let built = match &body.kind {
        BodyKind::Json => quote! { callspec_runtime::json_body(request, #media_type, body) },
        BodyKind::Form(encoding) => {
            let entries = encoding.iter().map(|entry| {
                let property = &entry.property;
                let style = query_style(entry.style);
                let explode = entry.explode;
                quote! { (#property, #style, #explode) }
            });
            quote! { callspec_runtime::form_body(request, body, &[#(#entries),*]) }
        }
        BodyKind::Multipart(parts) => multipart_tokens(&body.ty, parts, defs),
        BodyKind::Bytes => {
            return BodyStep::Infallible(quote! {
                let body: BinaryBody = body.into();
                request = request.header(reqwest::header::CONTENT_TYPE, #media_type).body(body);
            })
        }
        BodyKind::Text => {
            return BodyStep::Infallible(quote! {
                let body: String = body.into();
                request = request.header(reqwest::header::CONTENT_TYPE, #media_type).body(body);
            })
        }
    };
    BodyStep::Fallible(if optional {
        quote! {
            match body {
                Some(body) => #built,
                None => Ok(request),
            }
        }
    } else {
        built
    })
}

fn query_style(style: Style) -> TokenStream {
    match style {
        // Only query styles reach here: the reading reads any other as `form`.
        Style::Form | Style::Matrix | Style::Label | Style::Simple => {
            quote! { callspec_runtime::QueryStyle::Form }
        }
        Style::SpaceDelimited => quote! { callspec_runtime::QueryStyle::SpaceDelimited },
        Style::PipeDelimited => quote! { callspec_runtime::QueryStyle::PipeDelimited },
        Style::DeepObject => quote! { callspec_runtime::QueryStyle::DeepObject },
    }
}

/// An expression of the request with its multipart body, as a `Result`: the parts are added in
/// turn, and the first that cannot be made is the error.
fn multipart_tokens(ty: &TypeRef, parts: &[MultipartPart], defs: &[TypeDef]) -> TokenStream {
    // Presence is read from the struct itself: defaults are settled after the operations.
    let fields = match ty {
        TypeRef::Named(index) => match &defs[*index].kind {
            TypeKind::Struct(body) => body.fields.as_slice(),
            _ => &[],
        },
        _ => &[],
    };
    if parts.is_empty() {
        return quote! {
            callspec_runtime::json_form(body).map(|form| request.multipart(form))
        };
    }
    let parts = parts.iter().map(|part| {
        let field = ident(&part.field);
        let wire = &part.wire_name;
        let file_type = part
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        let add = match (part.kind, &part.content_type) {
            (PartKind::File, _) => quote! { form.file(#wire, value.clone(), #file_type); },
            (PartKind::Files, _) => quote! {
                for file in value {
                    form.file(#wire, file.clone(), #file_type);
                }
            },
            (PartKind::Text | PartKind::Value, Some(content_type)) => {
                quote! { form.field(#wire, value, Some(#content_type)); }
            }
            (PartKind::Text | PartKind::Value, None) => quote! { form.field(#wire, value, None); },
        };
        let presence = fields
            .iter()
            .find(|f| f.name == part.field)
            .map_or(Presence::Optional, |f| f.presence);
        match presence {
            Presence::Required | Presence::Defaulted => {
                quote! { { let value = &body.#field; #add } }
            }
            Presence::RequiredNullable | Presence::Optional => {
                quote! { if let Some(value) = &body.#field { #add } }
            }
            Presence::OptionalNullable => {
                quote! { if let Some(Some(value)) = &body.#field { #add } }
            }
        }
    });
    quote! {
        {
            let mut form = callspec_runtime::MultipartBody::new();
            #(#parts)*
            form.attach(request)
        }
    }
}
