//! The `Client` and, in `types`, what its methods take and return beyond schema types: options
//! structs, typed response headers, and response enums.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::ident;
use super::types::{type_tokens, Scope};
use crate::api::{Location, StatusKey, Style};
use crate::model::{
    Body, BodyKind, Builtin, Doc, Operation, Param, Presence, ResponseBody, ResponseCase,
    SecurityScheme, SecuritySchemeKind, TypeDef, TypeKind, TypeRef,
};
use crate::model::{HeaderField, MultipartPart, PartKind};
use crate::render::Unit;

pub(crate) struct ClientInput<'a> {
    pub title: &'a str,
    pub default_base_url: Option<&'a str>,
    pub operations: &'a [Operation],
    pub schemes: &'a [SecurityScheme],
    pub defs: &'a [TypeDef],
}

/// The client, in units the renderer emits and formats one by one.
pub(crate) struct ClientParts<'a> {
    /// Items of the crate root: the default URL, the `Client` struct and its setup `impl`, and
    /// `decode_response`.
    pub top: Vec<Unit<'a>>,
    /// The attributes and head of the `impl` that holds one method per operation.
    pub operations_impl: TokenStream,
    pub methods: Vec<Unit<'a>>,
    /// The attributes and head of the `responses` module.
    pub responses_mod: TokenStream,
    /// Its items: the imports, then one function per operation that reads its response.
    pub responses: Vec<Unit<'a>>,
    /// What the operations add to `types`: options, headers, response enums.
    pub operation_types: Vec<Unit<'a>>,
}

/// The client (crate root) and the operation types (for the `types` module).
pub(crate) fn client_units<'a>(input: &ClientInput<'a>) -> ClientParts<'a> {
    let defs = input.defs;
    let operations = input.operations;
    let mut responses: Vec<Unit<'a>> = Vec::new();
    if !operations.is_empty() {
        responses.push(Box::new(|| {
            quote! {
                #[allow(unused_imports)]
                use super::{types, Error, RawResponse, ResponseValue};
            }
        }));
    }
    let per_operation = |emit: fn(&Operation, &[TypeDef]) -> TokenStream| {
        operations
            .iter()
            .map(move |operation| Box::new(move || emit(operation, defs)) as Unit<'a>)
    };
    let operation_types = per_operation(operation_types_tokens).collect();
    let methods = per_operation(method).collect();
    responses.extend(per_operation(response_function));
    let mut top: Vec<Unit<'a>> = Vec::new();
    if let Some(url) = input.default_base_url {
        top.push(Box::new(move || {
            quote! {
                /// The first server the spec lists.
                pub const DEFAULT_BASE_URL: &str = #url;
            }
        }));
    }
    let (title, schemes) = (input.title, input.schemes);
    top.push(Box::new(move || client_setup(title, operations, schemes)));
    top.push(Box::new(move || decode_response(operations)));
    ClientParts {
        top,
        operations_impl: quote! {
            #[allow(clippy::too_many_arguments, clippy::should_implement_trait, clippy::wrong_self_convention)]
            impl Client
        },
        methods,
        responses_mod: quote! {
            /// How each operation reads its response: one function per operation, named like its
            /// [`Client`](crate::Client) method, which the method calls once it has read the
            /// response whole. Call one to decode a response received some other way (recorded, or
            /// seen by a proxy): build it with [`RawResponse::new`](crate::RawResponse::new).
            ///
            /// A documented status whose body does not decode is
            /// [`Error::InvalidResponsePayload`](crate::Error::InvalidResponsePayload), with serde's
            /// message.
            // The error is what every operation returns; boxing it would not make it smaller.
            #[allow(clippy::result_large_err)]
            pub mod responses
        },
        responses,
        operation_types,
    }
}

/// The `Client` struct and its setup `impl`: constructors, accessors, and a `with_<scheme>`
/// method per security scheme.
fn client_setup(title: &str, operations: &[Operation], schemes: &[SecurityScheme]) -> TokenStream {
    // Without an operation that needs them, credentials would be dead weight.
    let uses_auth = operations
        .iter()
        .any(|operation| !operation.security.is_empty());
    let schemes: &[SecurityScheme] = if uses_auth { schemes } else { &[] };
    let scheme_methods = schemes.iter().map(scheme_method);
    let credentials_field =
        uses_auth.then(|| quote! { credentials: callspec_runtime::Credentials, });
    let credentials_init =
        uses_auth.then(|| quote! { credentials: callspec_runtime::Credentials::default(), });
    let client_doc = format!(" A client for the {title}.");
    let calls_doc = (!operations.is_empty()).then(|| {
        quote! {
            ///
            /// Each operation's method builds its request when called and returns a [`Call`]: a
            /// future that sends it when awaited, which borrows the client but not the arguments.
        }
    });
    quote! {
        #[doc = #client_doc]
        ///
        /// Cloning is cheap: clones share the connection pool. Requests refused with `429`, or
        /// whose connection failed, are retried as the [`RetryPolicy`] says (by default twice,
        /// honouring `Retry-After`; see [`with_retry_policy`](Self::with_retry_policy)).
        /// Credentials never appear in its `Debug` output.
        #calls_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            base_url: String,
            transport: callspec_runtime::Transport,
            #credentials_field
        }

        impl Client {
            /// A client for the API at `base_url`, with a default `reqwest::Client`.
            #[must_use]
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_client(base_url, reqwest::Client::new())
            }

            /// A client for the API at `base_url` that sends its requests with `client` (for
            /// timeouts, proxies, TLS settings or middleware of your own).
            #[must_use]
            pub fn with_client(base_url: impl Into<String>, client: reqwest::Client) -> Self {
                Self {
                    base_url: base_url.into().trim_end_matches('/').to_owned(),
                    transport: callspec_runtime::Transport::new(client),
                    #credentials_init
                }
            }

            /// The same client with `policy` for retries ([`RetryPolicy::none`] for none).
            #[must_use]
            pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.transport = self.transport.with_retry_policy(policy);
                self
            }

            /// The same client with each attempt of each request bounded by `timeout`; a
            /// request that takes longer fails with an error whose `is_timeout()` holds. For one
            /// request only: `client.clone().with_timeout(…).<operation>(…)`.
            #[must_use]
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.transport = self.transport.with_timeout(Some(timeout));
                self
            }

            /// The base URL requests go to.
            #[must_use]
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// The `reqwest::Client` requests are sent with.
            #[must_use]
            pub fn client(&self) -> &reqwest::Client {
                self.transport.client()
            }

            /// The retry policy.
            #[must_use]
            pub fn retry_policy(&self) -> &RetryPolicy {
                self.transport.retry_policy()
            }

            /// The timeout of each attempt, when [`with_timeout`](Self::with_timeout) set one.
            #[must_use]
            pub fn timeout(&self) -> Option<std::time::Duration> {
                self.transport.timeout()
            }

            #(#scheme_methods)*
        }
    }
}

/// `decode_response`: every operation's response function, by operation id, for tools.
fn decode_response(operations: &[Operation]) -> TokenStream {
    let docs = quote! {
        /// Decodes `response` as the operation known as `operation_id` documents it, with the code
        /// its method uses (the function of [`responses`](crate::responses) of the same name), and
        /// says how that went: decoded as the documented success or error type, a status the
        /// operation does not document, or a documented status whose body does not decode (with
        /// serde's message). `None` when no operation is known as `operation_id`.
        ///
        /// An operation is known by its `operationId`; one without, or whose `operationId` an
        /// earlier operation is already known by, by the name of its [`Client`] method (such as
        /// `get_pets_pet_id`). The doc of each function of `responses` says the name it is known
        /// by. Callbacks are not operations the client calls, and are not known.
    };
    if operations.is_empty() {
        return quote! {
            #docs
            #[must_use]
            pub fn decode_response(_operation_id: &str, _response: RawResponse) -> Option<Decoded> {
                None
            }
        };
    }
    let arms = operations.iter().map(|operation| {
        let key = &operation.decode_key;
        let name = ident(&operation.method_name);
        quote! { #key => Decoded::from_result(responses::#name(response)).ok(), }
    });
    quote! {
        #docs
        #[must_use]
        pub fn decode_response(operation_id: &str, response: RawResponse) -> Option<Decoded> {
            // A response function fails only with a response, so `ok()` drops nothing.
            match operation_id {
                #(#arms)*
                _ => None,
            }
        }
    }
}

/// The function of `responses` that reads a response to `operation`, as its method does.
fn response_function(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&operation.method_name);
    let success = success_type(operation, defs);
    let error = error_type(operation, defs);
    let headers = headers_type(operation.responses.headers.as_ref());
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let arms = response_arms(operation, defs);
    let method = &operation.method_name;
    let mut lines = vec![
        format!(
            " Reads a response to `{} {}` as",
            operation.http_method, operation.path
        ),
        format!(" [`Client::{method}`](crate::Client::{method}) does:"),
    ];
    lines.extend(statuses_doc(&operation.responses));
    lines.push(String::new());
    lines.push(format!(
        " [`decode_response`](crate::decode_response) knows the operation as `{:?}`.",
        operation.decode_key
    ));
    quote! {
        #(#[doc = #lines])*
        pub fn #name(response: RawResponse) -> Result<ResponseValue<#success #headers>, Error<#error #error_headers>> {
            #arms
        }
    }
}

/// One line per outcome: which statuses are a success, which a documented error, and what the
/// rest are.
fn statuses_doc(responses: &crate::model::Responses) -> Vec<String> {
    let list = |cases: &[ResponseCase], success: bool| {
        let mut cases: Vec<&ResponseCase> = cases.iter().collect();
        // As the match reads them: codes, then ranges, then `default`.
        cases.sort_by_key(|case| match case.status {
            StatusKey::Code(_) => 0,
            StatusKey::Range(_) => 1,
            StatusKey::Default => 2,
        });
        cases
            .iter()
            .map(|case| match case.status {
                StatusKey::Default if success => "any 2XX status (`default`)".to_owned(),
                StatusKey::Default => "any other status (`default`)".to_owned(),
                status => format!("`{}`", status_label(status)),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = Vec::new();
    if !responses.success.is_empty() {
        lines.push(format!(
            " - {}: the success value;",
            list(&responses.success, true)
        ));
    }
    if !responses.errors.is_empty() {
        lines.push(format!(
            " - {}: [`Error::ErrorResponse`](crate::Error::ErrorResponse);",
            list(&responses.errors, false)
        ));
    }
    if !responses
        .errors
        .iter()
        .any(|case| case.status == StatusKey::Default)
    {
        let rest = if lines.is_empty() {
            "every status (the operation documents none)"
        } else {
            "any other status"
        };
        lines.push(format!(
            " - {rest}: [`Error::UnexpectedResponse`](crate::Error::UnexpectedResponse);"
        ));
    }
    if let Some(last) = lines.last_mut() {
        last.pop();
        last.push('.');
    }
    lines
}

fn scheme_method(scheme: &SecurityScheme) -> TokenStream {
    let name = ident(&scheme.method_name);
    let key = &scheme.key;
    let mut doc = scheme.doc.clone();
    let (params, credential, what) = match &scheme.kind {
        SecuritySchemeKind::Bearer => (
            quote! { token: impl Into<String> },
            quote! { callspec_runtime::Credential::Bearer(callspec_runtime::Secret::new(token)) },
            "a bearer token (`Authorization: Bearer <token>`)".to_owned(),
        ),
        SecuritySchemeKind::Basic => (
            quote! { username: impl Into<String>, password: impl Into<String> },
            quote! { callspec_runtime::Credential::Basic { username: username.into(), password: callspec_runtime::Secret::new(password) } },
            "HTTP basic credentials".to_owned(),
        ),
        SecuritySchemeKind::ApiKeyHeader(header) => (
            quote! { key: impl Into<String> },
            quote! { callspec_runtime::Credential::ApiKeyHeader { name: #header.to_owned(), key: callspec_runtime::Secret::new(key) } },
            format!("an API key sent in the `{header}` header"),
        ),
        SecuritySchemeKind::ApiKeyQuery(param) => (
            quote! { key: impl Into<String> },
            quote! { callspec_runtime::Credential::ApiKeyQuery { name: #param.to_owned(), key: callspec_runtime::Secret::new(key) } },
            format!("an API key sent as the `{param}` query parameter"),
        ),
        SecuritySchemeKind::ApiKeyCookie(cookie) => (
            quote! { key: impl Into<String> },
            quote! { callspec_runtime::Credential::ApiKeyCookie { name: #cookie.to_owned(), key: callspec_runtime::Secret::new(key) } },
            format!("an API key sent in the `{cookie}` cookie"),
        ),
    };
    doc.title = Some(format!("Uses {what} for the `{key}` security scheme."));
    let docs = doc_attrs(&doc);
    quote! {
        #docs
        #[must_use]
        pub fn #name(mut self, #params) -> Self {
            self.credentials.set(#key, #credential);
            self
        }
    }
}

fn success_type(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
    match &operation.responses.success_enum {
        Some(name) => {
            let name = ident(name);
            quote! { types::#name }
        }
        None => match operation.responses.success.first() {
            Some(case) => type_tokens(&case.body.ty(), defs, Scope::Root),
            None => quote! { () },
        },
    }
}

fn error_type(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
    match &operation.responses.error_enum {
        Some(name) => {
            let name = ident(name);
            quote! { types::#name }
        }
        None => match operation.responses.errors.first() {
            Some(case) => type_tokens(&case.body.ty(), defs, Scope::Root),
            None => quote! { () },
        },
    }
}

/// `, types::XHeaders` when `headers` names a headers struct; nothing otherwise (the headers
/// parameter of `ResponseValue` and `Error` defaults to `()`).
fn headers_type(headers: Option<&(String, Vec<HeaderField>)>) -> TokenStream {
    match headers {
        Some((name, _)) => {
            let name = ident(name);
            quote! { , types::#name }
        }
        None => quote! {},
    }
}

/// Whether a method takes a parameter of type `ty` by value (cheap `Copy` values) rather than
/// by reference.
pub(crate) fn passed_by_value(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Builtin(
            Builtin::Bool
                | Builtin::I8
                | Builtin::I16
                | Builtin::I32
                | Builtin::I64
                | Builtin::U8
                | Builtin::U16
                | Builtin::U32
                | Builtin::U64
                | Builtin::F32
                | Builtin::F64
                | Builtin::Uuid
                | Builtin::Date
                | Builtin::DateTime
        )
    )
}

/// How a method takes a parameter of type `ty`: cheap values by value, strings as `&str`, the
/// rest by reference.
pub(super) fn argument_type(ty: &TypeRef, defs: &[TypeDef]) -> TokenStream {
    match ty {
        TypeRef::Builtin(Builtin::String) => quote! { &str },
        _ if passed_by_value(ty) => type_tokens(ty, defs, Scope::Root),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, defs, Scope::Root);
            quote! { &[#inner] }
        }
        _ => {
            let ty = type_tokens(ty, defs, Scope::Root);
            quote! { &#ty }
        }
    }
}

fn method(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&operation.method_name);
    let docs = doc_attrs(&method_doc(operation));
    let deprecated = operation.doc.deprecated.then(|| quote! { #[deprecated] });
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
    let success = success_type(operation, defs);
    let error = error_type(operation, defs);
    let headers = headers_type(operation.responses.headers.as_ref());
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let url = url_tokens(operation);
    let http_method = ident(&operation.http_method);
    let (key, path) = (&operation.decode_key, &operation.path);

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
        || all_params
            .iter()
            .any(|(p, _)| p.location == Location::Header);
    let binding = if changes_request {
        quote! { let mut request }
    } else {
        quote! { let request }
    };
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#arguments),*) -> Call<'_, ResponseValue<#success #headers>, #error #error_headers> {
            static OPERATION: callspec_runtime::Operation = callspec_runtime::Operation::new(#key, reqwest::Method::#http_method, #path);
            #url
            #binding = self.transport.request(&OPERATION, url);
            #query
            #(#headers_set)*
            #cookie_header
            #body_in_place
            #credentials
            #body_built
            self.transport.call(&OPERATION, #request, responses::#name)
        }
    }
}

fn method_doc(operation: &Operation) -> Doc {
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
        let place = match param.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        };
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
fn url_tokens(operation: &Operation) -> TokenStream {
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut template = String::from("{}");
    let mut segments = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        template.push_str(&escape(&rest[..start]));
        let name = &rest[start + 1..start + end];
        match operation
            .params
            .iter()
            .find(|p| p.location == Location::Path && p.wire_name == name)
        {
            Some(param) => {
                template.push_str(&format!("{{{}}}", ident(&param.name)));
                if !segments.iter().any(|(n, _)| *n == param.name) {
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
            }
            None => template.push_str(&escape(&rest[start..=start + end])),
        }
        rest = &rest[start + end + 1..];
    }
    template.push_str(&escape(rest));
    let segments = segments.iter().map(|(_, tokens)| tokens);
    quote! {
        #(#segments)*
        let url = format!(#template, self.base_url);
    }
}

pub(super) fn body_argument(body: &Body, defs: &[TypeDef]) -> TokenStream {
    let ty = match body.kind {
        BodyKind::Bytes => quote! { impl Into<reqwest::Body> },
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

fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusKey::Range(hundreds) => {
            let low = Literal::u16_unsuffixed(hundreds * 100);
            let high = Literal::u16_unsuffixed(hundreds * 100 + 99);
            quote! { #low..=#high }
        }
        StatusKey::Default => quote! { _ },
    }
}

/// The expression that reads a response as `case` documents it, and whether it is a `Result`.
/// `typed` names the body type, for when the context cannot infer it (a response enum).
fn decode(case: &ResponseCase, typed: Option<&[TypeDef]>) -> (TokenStream, bool) {
    match &case.body {
        ResponseBody::Empty => (quote! { ResponseValue::empty(response) }, false),
        ResponseBody::Json(ty) => match typed {
            Some(defs) => {
                let ty = type_tokens(ty, defs, Scope::Root);
                (
                    quote! { ResponseValue::<#ty, _>::from_json(response) },
                    true,
                )
            }
            None => (quote! { ResponseValue::from_json(response) }, true),
        },
        ResponseBody::Text => (quote! { ResponseValue::from_text(response) }, false),
        ResponseBody::Bytes => (quote! { ResponseValue::from_bytes(response) }, false),
    }
}

fn response_arms(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
    let responses = &operation.responses;
    let mut arms = Vec::new();
    // Exact codes first, then ranges, then `default`, as OpenAPI orders their precedence.
    let order = |case: &&ResponseCase| match case.status {
        StatusKey::Code(_) => 0,
        StatusKey::Range(_) => 1,
        StatusKey::Default => 2,
    };
    let mut successes: Vec<&ResponseCase> = responses.success.iter().collect();
    successes.sort_by_key(order);
    let mut errors: Vec<&ResponseCase> = responses.errors.iter().collect();
    errors.sort_by_key(order);
    for group in group_cases(&successes, responses.success_enum.is_none()) {
        let pattern = patterns(&group, true);
        let case = group[0];
        let (decode, is_result) = decode(case, responses.success_enum.as_ref().map(|_| defs));
        let mapping = responses.success_enum.as_ref().map(|name| {
            let name = ident(name);
            let variant = ident(&case.variant);
            if case.body == ResponseBody::Empty {
                quote! { |()| types::#name::#variant }
            } else {
                quote! { types::#name::#variant }
            }
        });
        let value = match (mapping, is_result) {
            (Some(mapping), true) => quote! { #decode.map(|value| value.map(#mapping)) },
            (Some(mapping), false) => quote! { Ok(#decode.map(#mapping)) },
            (None, true) => decode,
            (None, false) => quote! { Ok(#decode) },
        };
        arms.push((pattern, value));
    }
    let has_default = errors.iter().any(|case| case.status == StatusKey::Default);
    for group in group_cases(&errors, responses.error_enum.is_none()) {
        let pattern = patterns(&group, false);
        let case = group[0];
        let (decode, is_result) = decode(case, responses.error_enum.as_ref().map(|_| defs));
        let decoded = if is_result {
            quote! { #decode? }
        } else {
            decode
        };
        let value = match &responses.error_enum {
            Some(name) => {
                let name = ident(name);
                let variant = ident(&case.variant);
                if case.body == ResponseBody::Empty {
                    quote! { #decoded.map(|()| types::#name::#variant) }
                } else {
                    quote! { #decoded.map(types::#name::#variant) }
                }
            }
            None => decoded,
        };
        arms.push((pattern, quote! { Err(Error::ErrorResponse(#value)) }));
    }
    if !has_default {
        arms.push((quote! { _ }, quote! { Err(Error::unexpected(response)) }));
    }
    // An operation that documents nothing but `default` (or nothing at all) has one outcome.
    if let [(pattern, value)] = arms.as_slice() {
        if pattern.to_string() == "_" {
            return value.clone();
        }
    }
    let arms = arms
        .iter()
        .map(|(pattern, value)| quote! { #pattern => #value, });
    quote! {
        match response.status().as_u16() {
            #(#arms)*
        }
    }
}

/// Cases decoded the same way share one match arm (`400 | 404 => …`) when no enum tells them
/// apart. `default` comes last; it absorbs the group before it when they decode alike, since
/// two arms with one body read as a mistake.
fn group_cases<'c>(cases: &[&'c ResponseCase], merge: bool) -> Vec<Vec<&'c ResponseCase>> {
    let mut groups: Vec<Vec<&'c ResponseCase>> = Vec::new();
    for case in cases {
        // A code may join any earlier group of codes; a range or `default` only the last group,
        // so that it stays after every code it covers.
        let target = match case.status {
            StatusKey::Code(_) => groups.iter_mut().find(|group| {
                merge && matches!(group[0].status, StatusKey::Code(_)) && group[0].body == case.body
            }),
            _ => groups.last_mut().filter(|group| {
                merge
                    && group.iter().all(|c| c.status != StatusKey::Default)
                    && group[0].body == case.body
            }),
        };
        match target {
            Some(group) => group.push(case),
            None => groups.push(vec![case]),
        }
    }
    groups
}

/// The pattern of one arm. Among errors `default` is `_`; among successes (an operation that
/// lists no 2xx status) it stands for `200..=299`.
fn patterns(group: &[&ResponseCase], success: bool) -> TokenStream {
    let has_default = group.iter().any(|case| case.status == StatusKey::Default);
    if has_default && !success {
        return quote! { _ };
    }
    let status_of = |case: &ResponseCase| match case.status {
        StatusKey::Default => StatusKey::Range(2),
        status => status,
    };
    // A code that a range of the same arm covers adds nothing (and clippy says so).
    let covered = |code: u16| {
        group.iter().any(
            |case| matches!(status_of(case), StatusKey::Range(hundreds) if code / 100 == hundreds),
        )
    };
    let mut codes: Vec<u16> = group
        .iter()
        .filter_map(|case| match status_of(case) {
            StatusKey::Code(code) if !covered(code) => Some(code),
            _ => None,
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    // Three or more consecutive codes read (and lint) better as a range.
    let mut patterns: Vec<TokenStream> = Vec::new();
    let mut index = 0;
    while index < codes.len() {
        let mut end = index;
        while codes.get(end + 1) == Some(&(codes[end] + 1)) {
            end += 1;
        }
        if end - index >= 2 {
            let (low, high) = (
                Literal::u16_unsuffixed(codes[index]),
                Literal::u16_unsuffixed(codes[end]),
            );
            patterns.push(quote! { #low..=#high });
        } else {
            patterns.extend(
                codes[index..=end]
                    .iter()
                    .map(|code| status_pattern(StatusKey::Code(*code))),
            );
        }
        index = end + 1;
    }
    // Adjacent ranges (`4XX` and `5XX`) become one (`400..=599`).
    let mut hundreds: Vec<u16> = group
        .iter()
        .filter_map(|case| match status_of(case) {
            StatusKey::Range(h) => Some(h),
            _ => None,
        })
        .collect();
    hundreds.sort_unstable();
    hundreds.dedup();
    let mut index = 0;
    while index < hundreds.len() {
        let low = hundreds[index];
        let mut high = low;
        while hundreds.get(index + 1) == Some(&(high + 1)) {
            high += 1;
            index += 1;
        }
        let (low, high) = (
            Literal::u16_unsuffixed(low * 100),
            Literal::u16_unsuffixed(high * 100 + 99),
        );
        patterns.push(quote! { #low..=#high });
        index += 1;
    }
    quote! { #(#patterns)|* }
}

/// What one operation adds to `types`: its options struct, typed headers and response enums.
fn operation_types_tokens(operation: &Operation, defs: &[TypeDef]) -> TokenStream {
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
            let statuses: Vec<String> = header
                .statuses
                .iter()
                .map(|status| status_label(*status))
                .collect();
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

/// `404`, `4XX`, `default`: a status as the spec writes it.
fn status_label(status: StatusKey) -> String {
    match status {
        StatusKey::Code(code) => format!("{code}"),
        StatusKey::Range(hundreds) => format!("{hundreds}XX"),
        StatusKey::Default => "default".to_owned(),
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
            status => format!("Status {}.", status_label(status)),
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
