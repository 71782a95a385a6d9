//! Turns an OpenAPI 3.0 document into the source of a typed async Rust client.
//!
//! The pipeline is [`load`](mod@load) (text → checked document) → [`api`] (the one reading of its
//! operations, which the mock and the conformance suite share) → [`model`] (types and the
//! client's methods, with names; [`Model`] holds one spec's) → emit (tokens) → render (formatted
//! text); see `ARCHITECTURE.md` at the repository root. Nothing here reads or writes files: callers hand in text and receive text, so the same
//! library serves `cargo xtask`, tests and other tools.

pub mod api;
mod companions;
mod digest;
mod emit;
pub mod load;
pub mod manifest;
pub mod model;
pub mod naming;
mod render;

use std::borrow::Cow;
use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

pub use companions::{companions, CompanionOptions, Companions, QUICKSTART};
pub use digest::spec_digest;
pub use load::{load, LoadError, LoadedSpec, OpenApiVersion, Warning};
pub use manifest::{cargo_toml, Dependency, ManifestOptions};
pub use render::RenderError;

use model::{Builtin, TypeKind, TypeRef};

/// What [`generate`] needs beyond the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// The first line of the file, naming the spec and the command that wrote it.
    pub header: String,
}

/// A generated client: its source and what building it needs.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The whole `lib.rs`.
    pub source: String,
    /// Crates the source uses beyond serde, serde_json and the runtime.
    pub dependencies: BTreeSet<Dependency>,
    /// What the generator tolerated, each with its JSON pointer (the loader's included).
    pub warnings: Vec<Warning>,
    pub operation_count: usize,
    pub type_count: usize,
}

/// Generates the client crate's `lib.rs` for `spec` ([`Model::generate`] of a model built for
/// it alone).
///
/// # Errors
/// Only when the generated tokens do not form valid Rust, which is a bug of the generator.
pub fn generate(spec: &LoadedSpec, options: &GenerateOptions) -> Result<Generated, RenderError> {
    Model::build(spec).generate(options)
}

/// A spec read and modelled once: what its client, README and examples are all generated
/// from, so that they name every type and method alike and the work is done once.
pub struct Model<'s> {
    spec: Cow<'s, LoadedSpec>,
    built: BuiltModel,
}

impl<'s> Model<'s> {
    /// Reads `spec` and builds its model.
    #[must_use]
    pub fn build(spec: &'s LoadedSpec) -> Self {
        Self {
            built: build_model(spec.as_3_0(), &spec.warnings),
            spec: Cow::Borrowed(spec),
        }
    }

    /// Loads a spec from its text, as [`load()`](fn@load) does, and builds its model. The document's shape
    /// is checked on another thread while the model is built (the model builder reads any
    /// JSON), so a spec of the right shape costs about the larger of the two, not their sum.
    ///
    /// # Errors
    /// What [`load()`](fn@load) says of the text.
    pub fn load(source: &str, text: &str) -> Result<Model<'static>, LoadError> {
        let (raw, mut warnings) = load::parse_document(source, text)?;
        let as_3_0 = load::as_3_0(&raw, &mut warnings);
        let document = as_3_0.as_ref().unwrap_or(&raw);
        let (openapi, built) = std::thread::scope(|scope| {
            let shape = scope.spawn(|| load::check_shape(source, document));
            let built = build_model(document, &warnings);
            let openapi = shape.join().unwrap_or_else(|_| {
                Err(LoadError::Shape {
                    source_name: source.to_owned(),
                    pointer: String::new(),
                    message: "checking the document's shape failed".into(),
                })
            });
            (openapi, built)
        });
        let spec = LoadedSpec {
            source: source.to_owned(),
            raw,
            openapi: openapi?,
            warnings,
            as_3_0,
        };
        Ok(Model {
            spec: Cow::Owned(spec),
            built,
        })
    }

    /// The spec the model stands for.
    #[must_use]
    pub fn spec(&self) -> &LoadedSpec {
        &self.spec
    }

    /// What the generator tolerated, each with its JSON pointer (the loader's included).
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        &self.built.warnings
    }

    /// The client crate's `lib.rs`.
    ///
    /// # Errors
    /// Only when the generated tokens do not form valid Rust, which is a bug of the generator.
    pub fn generate(&self, options: &GenerateOptions) -> Result<Generated, RenderError> {
        generate_from(&self.spec, &self.built, options)
    }

    /// The crate's `README.md` and examples.
    ///
    /// # Errors
    /// Only when an example's tokens do not form valid Rust, which is a bug of the generator.
    pub fn companions(&self, options: &CompanionOptions) -> Result<Companions, RenderError> {
        companions::from_model(&self.spec, &self.built, options)
    }
}

fn generate_from(
    spec: &LoadedSpec,
    built: &BuiltModel,
    options: &GenerateOptions,
) -> Result<Generated, RenderError> {
    let raw = &spec.raw;
    let BuiltModel {
        defs,
        operations,
        schemes,
        long_running,
        streams,
        pagination,
        callbacks,
        warnings,
        ..
    } = built;

    let title = raw
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let version = raw
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let default_base_url = raw
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .filter(|url| {
            !url.contains('{') && (url.starts_with("http://") || url.starts_with("https://"))
        });
    let client = emit::client_units(&emit::ClientInput {
        title,
        default_base_url,
        operations,
        schemes,
        defs,
    });
    let waits = emit::long_running_units(long_running, operations, defs);
    let streaming = emit::streaming_units(streams, operations, defs);
    let pages = emit::pagination_units(pagination, operations, defs);
    let crate_doc = crate_doc(
        raw,
        title,
        version,
        emit::pagination_doc(pagination, operations),
    );
    let crate_attributes = quote! {
        #crate_doc
        // Descriptions are the spec's Markdown, kept verbatim; names follow the spec's.
        #![allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::doc_nested_refdefs,
            clippy::large_enum_variant,
            clippy::enum_variant_names,
            clippy::type_complexity
        )]
    };
    // The runtime types a user names, in one list; the wait, page and stream types only when a
    // method names them.
    let waits_exist = !waits.methods.is_empty();
    let pages_exist = !pages.methods.is_empty();
    let operations_exist = !client.methods.is_empty();
    let binary_bodies = operations.iter().any(|o| {
        matches!(
            o.body,
            Some(model::Body {
                kind: model::BodyKind::Bytes,
                ..
            })
        )
    });
    let stream_kinds =
        |wanted: fn(&model::StreamKind) -> bool| streams.iter().any(|s| wanted(&s.kind));
    let events = stream_kinds(|kind| matches!(kind, model::StreamKind::Events { .. }));
    let items = stream_kinds(|kind| matches!(kind, model::StreamKind::Items { .. }));
    let bytes = stream_kinds(|kind| matches!(kind, model::StreamKind::Bytes));
    let mut top: Vec<render::Unit<'_>> = vec![Box::new(move || {
        let binary_body = binary_bodies.then(|| quote! { BinaryBody, });
        let byte_stream = bytes.then(|| quote! { ByteStream, });
        let (collect, pages, stream_ext) = if pages_exist {
            (
                Some(quote! { Collect, }),
                Some(quote! { Pages, }),
                Some(quote! { StreamExt, }),
            )
        } else {
            (None, None, None)
        };
        let call = operations_exist.then(|| quote! { Call, });
        let event_types = events.then(|| quote! { Event, EventStream, });
        let item_stream = items.then(|| quote! { ItemStream, });
        let stream_error = (events || items || bytes).then(|| quote! { StreamError, });
        let wait_types = waits_exist.then(|| quote! { WaitError, WaitOptions, });
        quote! {
            use callspec_runtime::reqwest;
            pub use callspec_runtime::{
                AnyValue, #binary_body #byte_stream #call #collect Decoded, Error, #event_types
                #item_stream #pages RawResponse, ResponseValue, RetryPolicy, #stream_error #stream_ext
                #wait_types
            };
        }
    })];
    let digest = spec_digest(raw);
    top.push(Box::new(move || {
        quote! {
            /// The SHA-256 digest, in hexadecimal, of the spec document this client was generated
            /// from: the document as loaded (YAML or JSON alike), written as canonical JSON
            /// (object keys sorted, no whitespace), as `codegen::spec_digest` computes it.
            /// Whoever holds a spec can tell by it whether this client was generated from it.
            pub const SPEC_DIGEST: &str = #digest;
        }
    }));
    top.extend(client.top);
    let mut type_items: Vec<render::Unit<'_>> = vec![Box::new(|| {
        quote! {
            #[allow(unused_imports)]
            use callspec_runtime::reqwest;
            #[allow(unused_imports)]
            use serde::{Deserialize, Serialize};
        }
    })];
    type_items.extend(emit::type_units(defs));
    type_items.extend(client.operation_types);
    type_items.extend(waits.types);
    let mut blocks = vec![render::Block {
        head: client.operations_impl,
        items: client.methods,
    }];
    if !waits.methods.is_empty() {
        blocks.push(render::Block {
            head: waits.impl_head,
            items: waits.methods,
        });
    }
    if !pages.methods.is_empty() {
        blocks.push(render::Block {
            head: pages.impl_head,
            items: pages.methods,
        });
    }
    if !streaming.methods.is_empty() {
        blocks.push(render::Block {
            head: streaming.impl_head,
            items: streaming.methods,
        });
    }
    blocks.extend([
        render::Block {
            head: client.responses_mod,
            items: client.responses,
        },
        render::Block {
            head: quote! {
                /// The types of the spec's schemas, and of each operation's options, headers and responses.
                pub mod types
            },
            items: type_items,
        },
    ]);
    blocks.extend(emit::webhooks_block(callbacks, defs));
    let layout = render::Layout {
        crate_attributes,
        top,
        blocks,
    };
    let source = render::render(layout, &options.header)?;
    Ok(Generated {
        source,
        dependencies: dependencies(defs, operations, streams)
            .into_iter()
            .chain(callback_dependencies(callbacks))
            .collect(),
        warnings: warnings.clone(),
        operation_count: operations.len(),
        type_count: defs.len(),
    })
}

/// Everything emitted for a spec: its reading, types, operations, security schemes,
/// long-running and pagination helpers, streaming methods and callbacks, with the warnings met
/// on the way.
pub(crate) struct BuiltModel {
    pub api: api::Api,
    pub defs: Vec<model::TypeDef>,
    pub operations: Vec<model::ClientMethod>,
    pub schemes: Vec<model::CredentialSetter>,
    pub long_running: Vec<model::WaitHelper>,
    pub pagination: Vec<model::PageHelper>,
    /// The methods that read a success as a stream, beside the whole-body ones.
    pub streams: Vec<model::StreamMethod>,
    pub callbacks: Vec<model::Callback>,
    pub warnings: Vec<Warning>,
}

/// The one order in which the model is built: the type space names types as it meets them.
pub(crate) fn build_model(raw: &Value, load_warnings: &[Warning]) -> BuiltModel {
    let (api, reading_warnings) = api::Api::read(raw);
    let mut space = model::TypeSpace::new(raw, api.multipart_schemas(raw));
    let (operations, schemes, operation_warnings) = model::build_operations(&mut space, raw, &api);
    let mut warnings = load_warnings.to_vec();
    warnings.extend(reading_warnings);
    warnings.extend(std::mem::take(&mut space.warnings));
    warnings.extend(operation_warnings);
    let (long_running, long_running_warnings) =
        model::build_long_running(&api, &operations, &schemes, &mut space);
    warnings.extend(long_running_warnings);
    let (pagination, pagination_warnings) =
        model::build_pagination(&api, &operations, &schemes, &long_running, &space.defs);
    warnings.extend(pagination_warnings);
    let streams = model::build_streaming(
        &api,
        raw,
        &operations,
        &schemes,
        (&long_running, &pagination),
        &mut space,
    );
    let callbacks = model::build_callbacks(&mut space, raw, &api, &operations);
    // Schemas first met in a callback warn too.
    warnings.extend(std::mem::take(&mut space.warnings));
    let mut defs = std::mem::take(&mut space.defs);
    model::break_cycles(&mut defs);
    model::describe_undocumented(&mut defs, raw);
    model::apply_defaults(&mut defs);
    check_patterns(&mut defs, &mut warnings);
    BuiltModel {
        api,
        defs,
        operations,
        schemes,
        long_running,
        pagination,
        streams,
        callbacks,
        warnings,
    }
}

/// The crate's docs: the API's title, version and description, then what the generator adds
/// (`more`, a paragraph on the paginated lists).
fn crate_doc(raw: &Value, title: &str, version: &str, more: Option<String>) -> TokenStream {
    let mut text = format!("Client for the {title}");
    if !version.is_empty() {
        text.push_str(&format!(" (version {version})"));
    }
    text.push('.');
    // `summary` and `license.identifier` (an SPDX expression) are OpenAPI 3.1's.
    let info = |pointer: &str| {
        raw.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    };
    for paragraph in [info("/info/summary"), info("/info/description")]
        .into_iter()
        .flatten()
    {
        text.push_str("\n\n");
        text.push_str(paragraph);
    }
    if let Some(license) = info("/info/license/identifier") {
        text.push_str(&format!(
            "\n\nThe API is licensed under `{license}` (SPDX)."
        ));
    }
    if let Some(more) = more {
        text.push_str("\n\n");
        text.push_str(&more);
    }
    let lines = emit::doc_text_lines(&text);
    quote! { #( #![doc = #lines] )* }
}

/// Patterns are ECMA 262 in the spec and checked with the `regex` crate in the client; one it
/// cannot compile is dropped with a warning rather than failing every value.
///
/// The check is the client's own compile: `regex::Regex::new`, the call `emit::newtypes` writes,
/// with the same default limits (a pattern can parse and still exceed the compiled size limit,
/// `\w{10000}`), so a generated newtype never meets a pattern it cannot compile.
fn check_patterns(defs: &mut [model::TypeDef], warnings: &mut Vec<Warning>) {
    for def in defs {
        let TypeKind::Newtype(newtype) = &mut def.kind else {
            continue;
        };
        let Some(pattern) = &newtype.constraints.pattern else {
            continue;
        };
        if let Err(error) = regex::Regex::new(pattern) {
            let message = match error {
                regex::Error::CompiledTooBig(limit) => format!(
                    "pattern `{pattern}` exceeds the regex crate's compiled size limit ({limit} bytes); not checked by the client"
                ),
                _ => format!("pattern `{pattern}` is not supported by the regex crate; not checked by the client"),
            };
            warnings.push(Warning {
                pointer: format!("{}/pattern", def.origin),
                message,
            });
            newtype.constraints.pattern = None;
        }
    }
}

fn dependencies(
    defs: &[model::TypeDef],
    operations: &[model::ClientMethod],
    streams: &[model::StreamMethod],
) -> BTreeSet<Dependency> {
    let mut found = BTreeSet::new();
    let mut visit =
        |ty: &TypeRef| visit_builtins(ty, &mut |builtin| found.extend(builtin_dependency(builtin)));
    for def in defs {
        match &def.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| visit(&f.ty));
                if let Some(extra) = &s.extra {
                    visit(extra);
                }
            }
            TypeKind::Tagged(t) => t
                .variants
                .iter()
                .filter_map(|v| v.payload.ty())
                .for_each(&mut visit),
            TypeKind::Untagged(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
            TypeKind::Newtype(n) => visit(&n.inner),
            TypeKind::Alias(a) => visit(a),
            TypeKind::Enum(_) => {}
        }
    }
    for operation in operations {
        let options = operation
            .options
            .iter()
            .flat_map(|(_, params)| params.iter());
        operation
            .params
            .iter()
            .chain(options)
            .for_each(|p| visit(&p.ty));
        // A body whose schema is inline and not an object (a list of ids, a timestamp) names
        // its builtin here and nowhere else.
        if let Some(body) = &operation.body {
            visit(&body.ty);
        }
        for case in operation
            .responses
            .success
            .iter()
            .chain(&operation.responses.errors)
        {
            visit(&case.body.ty());
        }
        for (_, headers) in [
            &operation.responses.headers,
            &operation.responses.error_headers,
        ]
        .into_iter()
        .flatten()
        {
            headers.iter().for_each(|h| visit(&h.ty));
        }
    }
    for stream in streams {
        match &stream.kind {
            model::StreamKind::Events { data: ty, .. } | model::StreamKind::Items { item: ty } => {
                visit(ty);
            }
            model::StreamKind::Bytes => {}
        }
    }
    if defs
        .iter()
        .any(|def| matches!(&def.kind, TypeKind::Newtype(n) if n.constraints.pattern.is_some()))
    {
        found.insert(Dependency::Regex);
    }
    found
}

/// The crate a builtin type comes from, when it is not `std`'s.
fn builtin_dependency(builtin: Builtin) -> Option<Dependency> {
    match builtin {
        Builtin::DateTime | Builtin::Date => Some(Dependency::Chrono),
        Builtin::Uuid => Some(Dependency::Uuid),
        _ => None,
    }
}

fn visit_builtins(ty: &TypeRef, f: &mut dyn FnMut(Builtin)) {
    match ty {
        TypeRef::Builtin(builtin) => f(*builtin),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => visit_builtins(inner, f),
        TypeRef::Named(_) => {}
    }
}

/// What the `webhooks` module's header and body types need (schema types are in `defs`).
fn callback_dependencies(callbacks: &[model::Callback]) -> BTreeSet<Dependency> {
    let mut found = BTreeSet::new();
    let types = callbacks.iter().flat_map(|callback| {
        let headers = callback
            .headers
            .iter()
            .flat_map(|(_, fields)| fields.iter().map(|f| &f.ty));
        headers.chain(callback.body.iter().map(|body| &body.ty))
    });
    for ty in types {
        visit_builtins(ty, &mut |builtin| found.extend(builtin_dependency(builtin)));
    }
    found
}
