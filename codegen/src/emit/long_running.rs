//! Long-running operations ([`WaitHelper`]) → a `wait_for_…` and an `…_and_wait` method of the
//! `Client` (in an `impl` block of their own), and their error types in `types`. The polling
//! loop is `callspec_runtime::wait_until`; these methods only say what to poll and with what.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::client::{argument_type, body_argument, passed_by_value};
use super::docs::prose_doc;
use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::model::{ClientMethod, TypeDef, WaitHelper, WaitSource};
use crate::naming::Namer;
use crate::render::Unit;

/// What long-running operations add to the generated crate.
pub(crate) struct LongRunningParts<'a> {
    /// The head of the `impl Client` block of the helpers, and the helpers.
    pub impl_head: TokenStream,
    pub methods: Vec<Unit<'a>>,
    /// The error type aliases, for `types`.
    pub types: Vec<Unit<'a>>,
}

pub(crate) fn long_running_units<'a>(
    items: &'a [WaitHelper],
    operations: &'a [ClientMethod],
    defs: &'a [TypeDef],
) -> LongRunningParts<'a> {
    let mut methods: Vec<Unit<'a>> = Vec::new();
    let mut types: Vec<Unit<'a>> = Vec::new();
    for item in items {
        if !item.shares_wait {
            methods.push(Box::new(move || wait_method(item, operations, defs)));
            types.push(Box::new(move || wait_error(item, operations, defs)));
        }
        methods.push(Box::new(move || and_wait_method(item, operations, defs)));
        types.push(Box::new(move || and_wait_error(item, operations, defs)));
    }
    LongRunningParts {
        impl_head: quote! {
            /// Long-running operations (the spec's `x-long-running`): wait until their work ends.
            #[allow(clippy::too_many_arguments, clippy::result_large_err)]
            impl Client
        },
        methods,
        types,
    }
}

/// `2 s`, `1.5 s`, `500 ms`.
fn duration_text(millis: u64) -> String {
    if millis < 1000 {
        format!("{millis} ms")
    } else if millis % 1000 == 0 {
        format!("{} s", millis / 1000)
    } else {
        format!("{} s", millis as f64 / 1000.0)
    }
}

fn duration_tokens(millis: u64) -> TokenStream {
    if millis % 1000 == 0 {
        let secs = Literal::u64_unsuffixed(millis / 1000);
        quote! { std::time::Duration::from_secs(#secs) }
    } else {
        let millis = Literal::u64_unsuffixed(millis);
        quote! { std::time::Duration::from_millis(#millis) }
    }
}

/// `` `a` `` , `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn alternatives(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The polled value and its headers, as the method returns them.
fn polled_value(poll: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let value = poll_body(poll, defs, Scope::Root);
    match &poll.responses.headers {
        Some((name, _)) => {
            let name = ident(name);
            quote! { ResponseValue<#value, types::#name> }
        }
        None => quote! { ResponseValue<#value> },
    }
}

fn poll_body(poll: &ClientMethod, defs: &[TypeDef], scope: Scope) -> TokenStream {
    match poll.responses.success.first() {
        Some(case) => type_tokens(&case.body.ty(), defs, scope),
        None => quote! { () },
    }
}

/// Inside `types`: a headers struct by name, or `()`.
fn headers_in_types(headers: Option<&(String, Vec<crate::model::HeaderField>)>) -> TokenStream {
    match headers {
        Some((name, _)) => {
            let name = ident(name);
            quote! { #name }
        }
        None => quote! { () },
    }
}

/// Inside `types`: an operation's error body type.
fn error_in_types(operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    match (
        &operation.responses.error_enum,
        operation.responses.errors.first(),
    ) {
        (Some(name), _) => {
            let name = ident(name);
            quote! { #name }
        }
        (None, Some(case)) => type_tokens(&case.body.ty(), defs, Scope::Types),
        (None, None) => quote! { () },
    }
}

/// `T, H, E, EH` of the polling operation, inside `types`.
/// Trailing `()`s are left out (the parameters' default) unless `keep_all`.
fn wait_error_params(poll: &ClientMethod, defs: &[TypeDef], keep_all: bool) -> TokenStream {
    let mut params = vec![
        poll_body(poll, defs, Scope::Types),
        headers_in_types(poll.responses.headers.as_ref()),
        error_in_types(poll, defs),
        headers_in_types(poll.responses.error_headers.as_ref()),
    ];
    let unit = quote! { () }.to_string();
    while !keep_all && params.len() > 1 && params.last().is_some_and(|p| p.to_string() == unit) {
        params.pop();
    }
    quote! { #(#params),* }
}

fn wait_error(item: &WaitHelper, operations: &[ClientMethod], defs: &[TypeDef]) -> TokenStream {
    let poll = &operations[item.poll];
    let name = ident(&item.wait_error);
    let params = wait_error_params(poll, defs, false);
    let doc = prose_doc(&format!(
        "Why [`Client::{method}`](crate::Client::{method}) did not return a value in a succeeded state.",
        method = item.wait_method
    ));
    quote! {
        #doc
        pub type #name = callspec_runtime::WaitError<#params>;
    }
}

fn and_wait_error(item: &WaitHelper, operations: &[ClientMethod], defs: &[TypeDef]) -> TokenStream {
    let (start, poll) = (&operations[item.start], &operations[item.poll]);
    let name = ident(&item.and_wait_error);
    let params = wait_error_params(poll, defs, true);
    let start_error = error_in_types(start, defs);
    let start_error_headers = headers_in_types(start.responses.error_headers.as_ref());
    let doc = prose_doc(&format!(
        "Why [`Client::{method}`](crate::Client::{method}) did not return a value in a succeeded state ([`WaitError::Create`](crate::WaitError::Create) carries the error of [`Client::{start}`](crate::Client::{start})).",
        method = item.and_wait_method,
        start = start.method_name,
    ));
    quote! {
        #doc
        pub type #name = callspec_runtime::WaitError<#params, callspec_runtime::Error<#start_error, #start_error_headers>>;
    }
}

/// What the docs of both methods say about the wait itself.
fn wait_terms(item: &WaitHelper, start: &ClientMethod, after_start: bool) -> String {
    let first_poll = if after_start {
        "Polls one interval after the call's response"
    } else {
        "Polls at once"
    };
    let cap = item.interval_millis.saturating_mul(4);
    let mut text = format!(
        "{first_poll}, then every {}, growing by half each time up to {} (longer when a poll response asks for it with `Retry-After`), and gives up after {}. `options` overrides these defaults, which come from the `x-long-running` of `{} {}`.",
        duration_text(item.interval_millis),
        duration_text(cap),
        duration_text(item.timeout_millis),
        start.http_method,
        start.path,
    );
    if after_start {
        text.push_str(" The timeout counts from the call's response.");
    }
    text.push_str("\n\nCancellation-safe: dropping the future stops polling (a poll request in flight is dropped with it); nothing runs in the background.");
    if after_start {
        text.push_str(" Work the call has started goes on on the server.");
    }
    text
}

/// The outcomes of a wait, as a list; `more` are added before its end.
fn outcomes(item: &WaitHelper, poll: &ClientMethod, more: &[&str]) -> String {
    let mut lines = vec![format!(
        "- `{}` reads {}: that response;",
        item.status,
        alternatives(&item.succeeded)
    )];
    if !item.failed.is_empty() {
        lines.push(format!(
            "- `{}` reads {}: [`WaitError::Failed`], with that response;",
            item.status,
            alternatives(&item.failed)
        ));
    }
    lines.push("- no terminal value before the timeout: [`WaitError::TimedOut`], with the last response seen;".to_owned());
    lines.push(format!(
        "- a poll fails: [`WaitError::Poll`], with the error of [`{}`](Self::{});",
        poll.method_name, poll.method_name
    ));
    lines.extend(more.iter().map(|line| (*line).to_owned()));
    if let Some(last) = lines.last_mut() {
        last.pop();
        last.push('.');
    }
    lines.push(String::new());
    lines.push(format!(
        "Any other value of `{}` (or none) keeps polling.",
        item.status
    ));
    lines.join("\n")
}

fn wait_method(item: &WaitHelper, operations: &[ClientMethod], defs: &[TypeDef]) -> TokenStream {
    let (start, poll) = (&operations[item.start], &operations[item.poll]);
    let name = ident(&item.wait_method);
    let poll_name = ident(&poll.method_name);
    let mut names = Namer::with_reserved(poll.params.iter().map(|p| p.name.as_str()));
    names.claim("options");
    let mut arguments = Vec::new();
    let mut passed = Vec::new();
    for param in &poll.params {
        let param_name = ident(&param.name);
        let ty = argument_type(&param.ty, defs);
        arguments.push(quote! { #param_name: #ty });
        passed.push(quote! { #param_name });
    }
    if let Some((options_name, _)) = &poll.options {
        let options_name = ident(options_name);
        let poll_options = ident(&names.claim("poll_options"));
        arguments.push(quote! { #poll_options: types::#options_name });
        passed.push(quote! { #poll_options.clone() });
    }
    let value = polled_value(poll, defs);
    let error = ident(&item.wait_error);
    let doc = prose_doc(&format!(
        "Waits until the work started by [`{start}`](Self::{start}) ends: polls [`{poll}`](Self::{poll}) (`{method} {path}`) until `{status}` reads a terminal value.\n\n{outcomes}\n\n{terms}",
        start = start.method_name,
        poll = poll.method_name,
        method = poll.http_method,
        path = poll.path,
        status = item.status,
        outcomes = outcomes(item, poll, &[]),
        terms = wait_terms(item, start, false),
    ));
    let status = &item.status;
    let succeeded = &item.succeeded;
    let failed = &item.failed;
    let interval = duration_tokens(item.interval_millis);
    let timeout = duration_tokens(item.timeout_millis);
    quote! {
        #doc
        pub async fn #name(&self, #(#arguments,)* options: WaitOptions) -> Result<#value, types::#error> {
            const POLLING: callspec_runtime::Polling = callspec_runtime::Polling {
                status: #status,
                succeeded: &[#(#succeeded),*],
                failed: &[#(#failed),*],
                interval: #interval,
                timeout: #timeout,
            };
            callspec_runtime::wait_until(&POLLING, options, || self.#poll_name(#(#passed),*)).await
        }
    }
}

fn and_wait_method(
    item: &WaitHelper,
    operations: &[ClientMethod],
    defs: &[TypeDef],
) -> TokenStream {
    let (start, poll) = (&operations[item.start], &operations[item.poll]);
    let name = ident(&item.and_wait_method);
    let start_name = ident(&start.method_name);
    let wait_name = ident(&item.wait_method);
    // The method's arguments and locals: the start operation's arguments keep their names.
    let mut names = Namer::with_reserved(
        start
            .params
            .iter()
            .map(|p| p.name.as_str())
            .chain(["body", "options", "created"]),
    );
    let mut arguments = Vec::new();
    let mut start_args = Vec::new();
    for param in &start.params {
        let param_name = ident(&param.name);
        let ty = argument_type(&param.ty, defs);
        arguments.push(quote! { #param_name: #ty });
        start_args.push(quote! { #param_name });
    }
    if let Some(body) = &start.body {
        arguments.push(body_argument(body, defs));
        start_args.push(quote! { body });
    }
    if let Some((options_name, _)) = &start.options {
        let options_name = ident(options_name);
        let request_options = ident(&names.claim("request_options"));
        arguments.push(quote! { #request_options: types::#options_name });
        start_args.push(quote! { #request_options });
    }
    let mut takes = Vec::new();
    let mut wait_args = Vec::new();
    let mut described = Vec::new();
    for binding in &item.bindings {
        let Some(param) = poll.params.get(binding.param) else {
            continue;
        };
        described.push(format!(
            "`{}` from `{}`",
            param.wire_name, binding.expression
        ));
        let expression = &binding.expression;
        let ty = type_tokens(&param.ty, defs, Scope::Root);
        let (source, direct) = match &binding.source {
            WaitSource::ResponseBody(_) => (quote! { &*created }, None),
            WaitSource::RequestParam(index) => match start.params.get(*index) {
                Some(from) if from.ty == param.ty => (quote! {}, Some(ident(&from.name))),
                Some(from) => {
                    let from_name = ident(&from.name);
                    if passed_by_value(&from.ty) {
                        (quote! { &#from_name }, None)
                    } else {
                        (quote! { #from_name }, None)
                    }
                }
                None => continue,
            },
        };
        if let Some(direct) = direct {
            wait_args.push(quote! { #direct });
            continue;
        }
        let local = ident(&names.claim(&param.name));
        takes.push(quote! {
            let #local: #ty = callspec_runtime::link_value(#source, #expression)?;
        });
        if passed_by_value(&param.ty) {
            wait_args.push(quote! { #local });
        } else {
            wait_args.push(quote! { &#local });
        }
    }
    if poll.options.is_some() {
        wait_args.push(quote! { Default::default() });
    }
    let reads_body = item
        .bindings
        .iter()
        .any(|binding| matches!(binding.source, WaitSource::ResponseBody(_)));
    let create = quote! { self.#start_name(#(#start_args),*).await.map_err(WaitError::Create)? };
    let create = if reads_body {
        quote! { let created = #create; }
    } else {
        quote! { #create; }
    };
    let value = polled_value(poll, defs);
    let error = ident(&item.and_wait_error);
    let link = item
        .link
        .as_ref()
        .map(|link| format!(" (the response's link `{link}`)"))
        .unwrap_or_default();
    let optional_note = if poll.options.is_some() {
        format!(
            " The optional parameters of `{}` are left at their defaults.",
            poll.method_name
        )
    } else {
        String::new()
    };
    let mut more = vec!["- the call fails: [`WaitError::Create`], and nothing is polled;"];
    if !takes.is_empty() {
        more.push("- a value the polling operation needs is not in the call's response or does not convert: [`WaitError::Link`];");
    }
    let doc = prose_doc(&format!(
        "Calls [`{start}`](Self::{start}), then waits until the work it started ends, as [`{wait}`](Self::{wait}) does: polls [`{poll}`](Self::{poll}) (`{method} {path}`) with {bindings}{link}.{optional_note}\n\n{outcomes}\n\n{terms}",
        start = start.method_name,
        wait = item.wait_method,
        poll = poll.method_name,
        method = poll.http_method,
        path = poll.path,
        bindings = described.join(", "),
        outcomes = outcomes(item, poll, &more),
        terms = wait_terms(item, start, true),
    ));
    quote! {
        #doc
        pub async fn #name(&self, #(#arguments,)* options: WaitOptions) -> Result<#value, types::#error> {
            #create
            #(#takes)*
            self.#wait_name(#(#wait_args,)* options.after_start()).await.map_err(WaitError::after_create)
        }
    }
}
