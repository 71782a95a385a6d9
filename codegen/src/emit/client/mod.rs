//! The `Client` and, in `types`, what its methods take and return beyond schema types: options
//! structs, typed response headers, and response enums. This file holds the client's setup and
//! what every part shares (the types a method returns, how it takes an argument); [`method`],
//! [`responses`] and [`operation_types`] hold the rest.

use proc_macro2::TokenStream;
use quote::quote;

mod method;
mod operation_types;
mod responses;

pub(super) use method::{arguments, body_argument, method_doc, request_tokens, RequestTokens};

use method::method;
use operation_types::operation_types_tokens;
use responses::response_function;

use super::docs::doc_attrs;
use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::model::HeaderField;
use crate::model::{Builtin, ClientMethod, CredentialKind, CredentialSetter, TypeDef, TypeRef};
use crate::render::Unit;

pub(crate) struct ClientInput<'a> {
    pub title: &'a str,
    pub default_base_url: Option<&'a str>,
    pub operations: &'a [ClientMethod],
    pub schemes: &'a [CredentialSetter],
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
    let per_operation = |emit: fn(&ClientMethod, &[TypeDef]) -> TokenStream| {
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
            /// [`Client`] method, which the method calls once it has read the
            /// response whole. Call one to decode a response received some other way (recorded, or
            /// seen by a proxy): build it with [`RawResponse::new`](crate::RawResponse::new).
            ///
            /// A documented status whose body does not decode is
            /// [`Error::InvalidResponsePayload`], with serde's
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
fn client_setup(
    title: &str,
    operations: &[ClientMethod],
    schemes: &[CredentialSetter],
) -> TokenStream {
    // Without an operation that needs them, credentials would be dead weight.
    let uses_auth = operations
        .iter()
        .any(|operation| !operation.security.is_empty());
    let schemes: &[CredentialSetter] = if uses_auth { schemes } else { &[] };
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
        /// whose connection failed, are retried as the [`RetryPolicy`] says: [its
        /// default](RetryPolicy#the-default) unless [`with_retry_policy`](Self::with_retry_policy)
        /// sets another. Credentials never appear in its `Debug` output.
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
fn decode_response(operations: &[ClientMethod]) -> TokenStream {
    let docs = quote! {
        /// Decodes `response` as the operation known as `operation_id` documents it, with the code
        /// its method uses (the function of [`responses`] of the same name), and
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

fn scheme_method(scheme: &CredentialSetter) -> TokenStream {
    let name = ident(&scheme.method_name);
    let key = &scheme.key;
    let mut doc = scheme.doc.clone();
    let (params, credential, what) = match &scheme.kind {
        CredentialKind::Bearer => (
            quote! { token: impl Into<String> },
            quote! { callspec_runtime::Credential::Bearer(callspec_runtime::Secret::new(token)) },
            "a bearer token (`Authorization: Bearer <token>`)".to_owned(),
        ),
        CredentialKind::Basic => (
            quote! { username: impl Into<String>, password: impl Into<String> },
            quote! { callspec_runtime::Credential::Basic { username: username.into(), password: callspec_runtime::Secret::new(password) } },
            "HTTP basic credentials".to_owned(),
        ),
        CredentialKind::ApiKeyHeader(header) => (
            quote! { key: impl Into<String> },
            quote! { callspec_runtime::Credential::ApiKeyHeader { name: #header.to_owned(), key: callspec_runtime::Secret::new(key) } },
            format!("an API key sent in the `{header}` header"),
        ),
        CredentialKind::ApiKeyQuery(param) => (
            quote! { key: impl Into<String> },
            quote! { callspec_runtime::Credential::ApiKeyQuery { name: #param.to_owned(), key: callspec_runtime::Secret::new(key) } },
            format!("an API key sent as the `{param}` query parameter"),
        ),
        CredentialKind::ApiKeyCookie(cookie) => (
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

pub(super) fn success_type(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
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

pub(crate) fn error_type(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
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
pub(crate) fn headers_type(headers: Option<&(String, Vec<HeaderField>)>) -> TokenStream {
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
