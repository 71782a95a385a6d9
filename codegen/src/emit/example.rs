//! A runnable example of a generated crate (`examples/quickstart.rs`): one call, with the spec's
//! examples as arguments, against the server at `BASE_URL`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::api::{self, Api};
use crate::model::{
    Body, BodyKind, ClientMethod, CredentialKind, CredentialSetter, PageHelper, Param, Place,
    TypeDef, TypeRef, WaitHelper,
};

/// The call an example makes: an operation and, from the spec's examples, a value for each of
/// its arguments (and its body, when it has an example).
pub(crate) struct ExampleCall<'a> {
    pub operation: &'a ClientMethod,
    pub arguments: Vec<Value>,
    pub body: Option<Value>,
    /// The operation's `…_and_wait` method, when it starts long-running work (`x-long-running`):
    /// the example then calls that, and shows the finished result.
    pub and_wait: Option<&'a str>,
    /// The operation's `…_stream` method, when its list pages (`x-pagination`): the example then
    /// walks it, and shows the first items.
    pub stream: Option<&'a str>,
}

/// How many items an example that walks a list prints.
pub(crate) const EXAMPLE_ITEMS: usize = 10;

/// Which operation the example calls: the first one, deprecated ones last, whose required
/// arguments all have an example in the spec; one that starts long-running work comes first,
/// called through its `…_and_wait` method, since the finished result is what a newcomer wants
/// to see, then one whose list pages, walked through its `…_stream` method, which shows what a
/// hand-written loop over pages would otherwise do. This is the one place that decides.
pub(crate) fn example_call<'a>(
    spec: &Value,
    api: &Api,
    operations: &'a [ClientMethod],
    long_running: &'a [WaitHelper],
    pagination: &'a [PageHelper],
) -> Option<ExampleCall<'a>> {
    let and_wait = |index: usize| {
        long_running
            .iter()
            .find(|lr| lr.start == index)
            .map(|lr| lr.and_wait_method.as_str())
    };
    // A stream whose position is an argument of its own takes other arguments than the
    // operation; the example's values are the operation's.
    let stream = |index: usize| {
        pagination
            .iter()
            .find(|p| {
                p.operation == index && !matches!(p.next.parameter(), Some(Place::Argument(_)))
            })
            .map(|p| p.stream_method.as_str())
    };
    let indexed = operations.iter().enumerate();
    let starts = indexed
        .clone()
        .filter(|(i, op)| !op.doc.deprecated && and_wait(*i).is_some());
    let lists = indexed
        .clone()
        .filter(|(i, op)| !op.doc.deprecated && and_wait(*i).is_none() && stream(*i).is_some());
    let current = indexed
        .clone()
        .filter(|(i, op)| !op.doc.deprecated && and_wait(*i).is_none() && stream(*i).is_none());
    let deprecated = indexed.filter(|(_, op)| op.doc.deprecated);
    starts
        .chain(lists)
        .chain(current)
        .chain(deprecated)
        .find_map(|(index, operation)| {
            let read = &api.operations[operation.source];
            let arguments = operation
                .params
                .iter()
                .map(|param| {
                    let parameter = read.parameter(param.location, &param.wire_name)?;
                    let value = parameter
                        .declared
                        .then(|| parameter.pointer.resolve(spec))??;
                    parameter_example(spec, value)
                })
                .collect::<Option<Vec<Value>>>()?;
            let body = match &operation.body {
                Some(body) => {
                    // Bytes and text bodies are arguments of their own, never `Option`s.
                    let needed =
                        body.required || matches!(body.kind, BodyKind::Bytes | BodyKind::Text);
                    let usable = matches!(
                        body.kind,
                        BodyKind::Json | BodyKind::Form(_) | BodyKind::Text
                    );
                    match body_example(spec, read, body) {
                        Some(example) if usable => Some(example),
                        _ if needed => return None,
                        _ => None,
                    }
                }
                None => None,
            };
            let and_wait = and_wait(index);
            Some(ExampleCall {
                operation,
                arguments,
                body,
                and_wait,
                stream: stream(index).filter(|_| and_wait.is_none()),
            })
        })
}

/// `example`, else the first of `examples` (its `value`), else the schema's `example`.
fn example_of(spec: &Value, holder: &Value) -> Option<Value> {
    if let Some(example) = holder.get("example") {
        return Some(example.clone());
    }
    if let Some(examples) = holder.get("examples").and_then(Value::as_object) {
        for example in examples.values() {
            let example = resolve(spec, example);
            if let Some(value) = example.get("value") {
                return Some(value.clone());
            }
        }
    }
    let schema = resolve(spec, holder.get("schema")?);
    schema.get("example").cloned()
}

fn parameter_example(spec: &Value, param: &Value) -> Option<Value> {
    example_of(spec, param).or_else(|| {
        let content = param.get("content").and_then(Value::as_object)?;
        content.values().find_map(|entry| example_of(spec, entry))
    })
}

fn body_example(spec: &Value, operation: &api::Operation, body: &Body) -> Option<Value> {
    let media = operation
        .body
        .as_ref()?
        .content
        .iter()
        .find(|media| media.name == body.media_type)?;
    example_of(spec, media.pointer.resolve(spec)?)
}

/// A `$ref` followed (through chains), or the value itself.
fn resolve<'s>(spec: &'s Value, value: &'s Value) -> &'s Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| spec.pointer(pointer))
        else {
            break;
        };
        current = target;
    }
    current
}

pub(crate) struct ExampleInput<'a> {
    pub crate_ident: &'a str,
    pub base_url: &'a str,
    pub token_hint: Option<&'a str>,
    pub call: &'a ExampleCall<'a>,
    pub schemes: &'a [CredentialSetter],
    pub defs: &'a [TypeDef],
}

/// The scheme whose credential the example sets: the first of the call's first requirement.
pub(crate) fn example_scheme<'a>(
    call: &ExampleCall<'_>,
    schemes: &'a [CredentialSetter],
) -> Option<&'a CredentialSetter> {
    let key = call
        .operation
        .security
        .iter()
        .find_map(|alternative| alternative.first())?;
    schemes.iter().find(|scheme| &scheme.key == key)
}

/// The example's source, as tokens; its crate doc is added as text by the caller.
pub(crate) fn example_tokens(input: &ExampleInput<'_>) -> ExampleTokens {
    let call = input.call;
    let operation = call.operation;
    let defs = input.defs;
    let crate_ident = ident(input.crate_ident);
    let method_name = call
        .and_wait
        .or(call.stream)
        .unwrap_or(&operation.method_name);
    let method = ident(method_name);
    let base_url = input.base_url;
    let scheme = example_scheme(call, input.schemes);
    let (check_token, set_credentials) = match scheme {
        None => (None, quote! { let client = Client::new(base_url); }),
        Some(scheme) => {
            let hint = match input.token_hint {
                Some(hint) => format!(" ({})", escape_braces(hint)),
                None => String::new(),
            };
            let missing = format!(
                "API_TOKEN is not set: give a credential the server at {{base_url}} accepts{hint}"
            );
            let setter = ident(&scheme.method_name);
            let set = match scheme.kind {
                CredentialKind::Basic => quote! {
                    let (username, password) = token.split_once(':').unwrap_or((token.as_str(), ""));
                    let client = Client::new(base_url).#setter(username, password);
                },
                _ => quote! { let client = Client::new(base_url).#setter(token); },
            };
            (
                Some(quote! {
                    let Ok(token) = std::env::var("API_TOKEN") else {
                        eprintln!(#missing);
                        std::process::exit(2);
                    };
                }),
                set,
            )
        }
    };
    let uses_types = operation.params.iter().any(|p| mentions_types(&p.ty))
        || operation
            .body
            .as_ref()
            .is_some_and(|b| call.body.is_some() && mentions_types(&b.ty));
    let types_import = uses_types.then(|| quote! { use #crate_ident::types; });
    let mut lets = Vec::new();
    let mut arguments = Vec::new();
    let mut examples = Vec::new();
    for (param, value) in operation.params.iter().zip(&call.arguments) {
        let name = ident(&param.name);
        let ty = type_tokens(&param.ty, defs, Scope::Root);
        let json = placeholder(examples.len());
        examples.push(value.clone());
        lets.push(quote! { let #name: #ty = serde_json::from_value(serde_json::json!(#json))?; });
        arguments.push(if passed_by_value(param) {
            quote! { #name }
        } else {
            quote! { &#name }
        });
    }
    if let Some(body) = &operation.body {
        match (&call.body, &body.kind) {
            (Some(value), BodyKind::Text) => {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                lets.push(quote! { let body = #text; });
                arguments.push(quote! { body });
            }
            (Some(value), _) => {
                let ty = type_tokens(&body.ty, defs, Scope::Root);
                let json = placeholder(examples.len());
                examples.push(value.clone());
                lets.push(
                    quote! { let body: #ty = serde_json::from_value(serde_json::json!(#json))?; },
                );
                arguments.push(if body.required {
                    quote! { &body }
                } else {
                    quote! { Some(&body) }
                });
            }
            (None, _) => arguments.push(quote! { None }),
        }
    }
    if operation.options.is_some() {
        arguments.push(quote! { Default::default() });
    }
    let wait_import = call.and_wait.map(|_| {
        arguments.push(quote! { WaitOptions::new() });
        quote! { use #crate_ident::WaitOptions; }
    });
    // The runtime finds the request id under any of its usual names, whichever response the
    // call ends with (the polled one, for a wait).
    let print_request_id = quote! {
        if let Some(request_id) = response.request_id() {
            println!("request id: {request_id}");
        }
    };
    let status_line = format!("{method_name} → {{}}");
    let deprecated = operation
        .doc
        .deprecated
        .then(|| quote! { #[allow(deprecated)] });
    let shown = proc_macro2::Literal::usize_unsuffixed(EXAMPLE_ITEMS);
    let (client_import, call_and_print) = match call.stream {
        // A stream is taken item by item; dropping it after the last one printed asks for no
        // further page.
        Some(_) => (
            quote! { use #crate_ident::{Client, StreamExt}; },
            quote! {
                #deprecated
                let mut items = client.#method(#(#arguments),*).take(#shown);
                while let Some(item) = items.next().await {
                    let item = item?;
                    println!("{item:#?}");
                }
            },
        ),
        None => (
            quote! { use #crate_ident::Client; },
            quote! {
                #deprecated
                let response = client.#method(#(#arguments),*).await?;
                println!(#status_line, response.status());
                #print_request_id
                println!("{:#?}", response.into_inner());
            },
        ),
    };
    let imports = quote! {
        #client_import
        #wait_import
        #types_import
    };
    let main = quote! {
        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            let base_url = std::env::var("BASE_URL").unwrap_or_else(|_| #base_url.to_owned());
            #check_token
            #set_credentials
            #(#lets)*
            #call_and_print
            Ok(())
        }
    };
    ExampleTokens {
        imports,
        main,
        examples,
    }
}

/// The example in parts: its imports and `main` (printed apart, with a blank line between),
/// and the JSON values that replace the placeholders `main` holds (`json!` prints poorly).
pub(crate) struct ExampleTokens {
    pub imports: TokenStream,
    pub main: TokenStream,
    pub examples: Vec<Value>,
}

/// The identifier standing for the `index`th example value until the text is printed.
pub(crate) fn placeholder(index: usize) -> proc_macro2::Ident {
    ident(&format!("__example_{index}__"))
}

/// Whether a type is written with the `types` module (a generated type, or one holding one).
fn mentions_types(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Builtin(_) => false,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => mentions_types(inner),
    }
}

fn passed_by_value(param: &Param) -> bool {
    super::client::passed_by_value(&param.ty)
}

/// Text made safe inside a format string.
fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}
