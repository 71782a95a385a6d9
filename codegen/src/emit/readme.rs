//! The `README.md` of a generated crate: what it is, how to build a client, its operations,
//! its webhooks and its examples, in document order.

use std::fmt::Write as _;

use crate::model::{
    Callback, CallbackBodyKind, ClientMethod, CredentialKind, CredentialSetter, PageHelper,
    StreamKind, StreamMethod, TypeDef, TypeRef, WaitHelper,
};

/// An example the README lists.
pub(crate) struct ReadmeExample {
    pub name: String,
    pub summary: String,
    pub command: String,
}

pub(crate) struct ReadmeInput<'a> {
    /// The `@generated …` line, without comment markers.
    pub header: &'a str,
    pub crate_name: &'a str,
    pub title: &'a str,
    pub version: &'a str,
    pub description: Option<&'a str>,
    pub default_base_url: Option<&'a str>,
    pub operations: &'a [ClientMethod],
    pub schemes: &'a [CredentialSetter],
    pub callbacks: &'a [Callback],
    pub long_running: &'a [WaitHelper],
    pub pagination: &'a [PageHelper],
    pub streams: &'a [StreamMethod],
    pub examples: &'a [ReadmeExample],
    /// Where the examples send requests unless `BASE_URL` is set.
    pub example_base_url: &'a str,
    /// Where to get the credential they read from `API_TOKEN`.
    pub token_hint: Option<&'a str>,
    pub defs: &'a [TypeDef],
}

pub(crate) fn readme(input: &ReadmeInput<'_>) -> String {
    let mut out = String::new();
    let crate_ident = input.crate_name.replace('-', "_");
    let _ = writeln!(out, "<!-- {} -->\n", input.header);
    let _ = writeln!(out, "# {}\n", input.crate_name);
    let version = if input.version.is_empty() {
        String::new()
    } else {
        format!(" (version {})", input.version)
    };
    let _ = writeln!(
        out,
        "A typed async Rust client for the {}{version}, generated from its OpenAPI document.\n",
        input.title
    );
    if let Some(paragraph) = input.description.and_then(first_paragraph) {
        let _ = writeln!(out, "{paragraph}\n");
    }

    let _ = writeln!(out, "## The client\n");
    let (import, url) = match input.default_base_url {
        Some(_) => (
            format!("use {crate_ident}::{{Client, DEFAULT_BASE_URL}};"),
            "DEFAULT_BASE_URL".to_owned(),
        ),
        None => (
            format!("use {crate_ident}::Client;"),
            "\"https://api.example.com\"".to_owned(),
        ),
    };
    // The scheme the operations use first; else the first declared.
    let used = input
        .operations
        .iter()
        .flat_map(|operation| operation.security.iter().flatten())
        .find_map(|key| input.schemes.iter().find(|scheme| &scheme.key == key));
    let credential = used
        .or(input.schemes.first())
        .map(|scheme| match scheme.kind {
            CredentialKind::Basic => {
                format!("\n    .{}(\"username\", \"password\")", scheme.method_name)
            }
            _ => format!("\n    .{}(\"your token\")", scheme.method_name),
        });
    let _ = writeln!(
        out,
        "```rust\n{import}\n\nlet client = Client::new({url}){};\n```\n",
        credential.unwrap_or_default()
    );
    if let Some(url) = input.default_base_url {
        let _ = writeln!(
            out,
            "`DEFAULT_BASE_URL` is `{url}`, the first server the spec lists.\n"
        );
    }
    let _ = writeln!(
        out,
        "`Client::with_client(base_url, reqwest_client)` sends requests with a `reqwest::Client` of \
         your own (timeouts, proxies, TLS). Clones share one connection pool.\n"
    );
    if !input.schemes.is_empty() {
        let _ = writeln!(out, "| security scheme | method | sends |\n|---|---|---|");
        for scheme in input.schemes {
            let (arguments, sends) = match &scheme.kind {
                CredentialKind::Bearer => ("token", "`Authorization: Bearer <token>`".to_owned()),
                CredentialKind::Basic => {
                    ("username, password", "`Authorization: Basic …`".to_owned())
                }
                CredentialKind::ApiKeyHeader(name) => ("key", format!("the `{name}` header")),
                CredentialKind::ApiKeyQuery(name) => {
                    ("key", format!("the `{name}` query parameter"))
                }
                CredentialKind::ApiKeyCookie(name) => ("key", format!("the `{name}` cookie")),
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}({arguments})` | {sends} |",
                cell(&scheme.key),
                scheme.method_name
            );
        }
        out.push('\n');
    }

    if !input.operations.is_empty() {
        retries_paragraph(&mut out);
    }

    let _ = writeln!(out, "## Operations\n");
    if input.operations.is_empty() {
        let _ = writeln!(out, "The spec describes no operations.\n");
    } else {
        let _ = writeln!(
            out,
            "Each returns `Result<ResponseValue<T, H>, Error<E, EH>>`: the typed body, status and \
             documented headers, or the documented error. `responses::<method>` decodes a response \
             received some other way.\n"
        );
        let _ = writeln!(
            out,
            "| `Client` method | request | summary |\n|---|---|---|"
        );
        for operation in input.operations {
            let mut summary = cell(&summary(operation));
            if operation.doc.deprecated {
                summary = format!("{summary} (deprecated)").trim_start().to_owned();
            }
            let _ = writeln!(
                out,
                "| `{}` | `{} {}` | {summary} |",
                operation.method_name,
                operation.http_method,
                cell(operation.path.text()),
            );
        }
        out.push('\n');
    }

    if !input.long_running.is_empty() {
        long_running_section(&mut out, input);
    }

    if !input.pagination.is_empty() {
        pagination_section(&mut out, input);
    }

    if !input.streams.is_empty() {
        streaming_section(&mut out, input);
    }

    if !input.callbacks.is_empty() {
        let _ = writeln!(out, "## Webhooks\n");
        let _ = writeln!(
            out,
            "The API sends these requests to a URL you give it. In your endpoint's handler, \
             `webhooks::parse_…(&headers, &body)` checks the content type, types the documented \
             headers and decodes the body into a `Webhook {{ payload, headers }}`, or returns a \
             `WebhookError` naming the header or the place in the body that is wrong. The spec \
             documents no signature, so parsing checks shape, not origin.\n"
        );
        let _ = writeln!(
            out,
            "| function | request | after | payload |\n|---|---|---|---|"
        );
        for callback in input.callbacks {
            let payload = match &callback.body {
                None => "none".to_owned(),
                Some(body) => match body.kind {
                    CallbackBodyKind::Json => format!("`{}`", type_name(&body.ty, input.defs)),
                    CallbackBodyKind::Text => "`String`".to_owned(),
                    CallbackBodyKind::Bytes => "`Vec<u8>`".to_owned(),
                },
            };
            let after = match &callback.owner {
                Some(owner) => format!("`{owner}`"),
                None => "a subscription (webhook)".to_owned(),
            };
            let _ = writeln!(
                out,
                "| `webhooks::{}` | `{} {}` | {after} | {payload} |",
                callback.function_name,
                callback.http_method,
                cell(&callback.expression),
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Examples\n");
    if input.examples.is_empty() {
        let _ = writeln!(
            out,
            "None: no operation's required arguments all have examples in the spec.\n"
        );
    } else {
        let _ = writeln!(out, "| example | what it does | run |\n|---|---|---|");
        for example in input.examples {
            let _ = writeln!(
                out,
                "| `examples/{}.rs` | {} | `{}` |",
                example.name,
                cell(&example.summary),
                cell(&example.command)
            );
        }
        let _ = write!(
            out,
            "\nExamples send their requests to `BASE_URL` (default `{}`)",
            input.example_base_url
        );
        if input
            .examples
            .iter()
            .any(|e| e.command.starts_with("API_TOKEN"))
        {
            out.push_str(" with the credential in `API_TOKEN`");
            if let Some(hint) = input.token_hint {
                let _ = write!(out, " ({hint})");
            }
        }
        out.push_str(".\n");
    }
    // One trailing newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The first paragraph of a Markdown description, on one line.
/// What every generated client does for the caller: retries, timeouts, request ids, tracing.
fn retries_paragraph(out: &mut String) {
    let _ = writeln!(
        out,
        "Requests refused with `429`, and those whose connection failed, are retried as its \
         `RetryPolicy` says (its documentation gives the default; \
         `with_retry_policy(RetryPolicy::none())` turns retries off); a `503` is retried only for \
         idempotent methods. `with_timeout(duration)` bounds each attempt (on a clone, one call). \
         `request_id()` and `rate_limit()` read the usual headers of any response or error. The \
         `tracing` feature records a span per request. Credentials never appear in `Debug` output.\n"
    );
}

/// The helpers of the spec's `x-long-running` operations: what each starts, polls, and waits for.
fn long_running_section(out: &mut String, input: &ReadmeInput<'_>) {
    let _ = writeln!(out, "## Long-running work\n");
    let _ = writeln!(
        out,
        "These operations answer before their work is done. `<method>_and_wait` calls one and polls \
         until the work ends; `wait_for_…` waits for work started earlier. Both return the final \
         response, or a `WaitError` (`Failed` with the failed response, `TimedOut` with the last one \
         seen, or the call's own error). `WaitOptions` overrides the spec's interval and timeout. \
         Dropping the future stops polling.\n"
    );
    let _ = writeln!(
        out,
        "| starts | waits with | polls | done when | fails when | interval, timeout |\n|---|---|---|---|---|---|"
    );
    let values = |values: &[String]| {
        if values.is_empty() {
            "–".to_owned()
        } else {
            values
                .iter()
                .map(|value| format!("`{}`", cell(value)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let seconds = |millis: u64| {
        if millis % 1000 == 0 {
            format!("{} s", millis / 1000)
        } else {
            format!("{:.1} s", millis as f64 / 1000.0)
        }
    };
    for item in input.long_running {
        let (Some(start), Some(poll)) = (
            input.operations.get(item.start),
            input.operations.get(item.poll),
        ) else {
            continue;
        };
        let status = cell(&item.status);
        let _ = writeln!(
            out,
            "| `{}` | `{}`, `{}` | `{} {}` | `{status}` is {} | `{status}` is {} | {}, {} |",
            start.method_name,
            item.and_wait_method,
            item.wait_method,
            poll.http_method,
            cell(poll.path.text()),
            values(&item.succeeded),
            values(&item.failed),
            seconds(item.interval_millis),
            seconds(item.timeout_millis),
        );
    }
    out.push('\n');
}

/// The spec's paginated lists: each `…_stream` method, its `…_all` twin, and how it pages.
fn pagination_section(out: &mut String, input: &ReadmeInput<'_>) {
    let _ = writeln!(out, "## Paginated lists\n");
    let _ = writeln!(
        out,
        "These lists come in pages. `<method>_stream` returns a `Stream` of the items (`Pages`; \
         read it with the re-exported `StreamExt`) that requests one page at a time, only when its \
         items are needed, through the operation's own request (credentials, retries, timeout); \
         `<method>_all(…, limit)` collects at most `limit` items and requests no page beyond them. \
         An error ends the stream as its last item, and so does a server that would make the walk \
         go round in circles (a cursor or URL already followed). Dropping the stream sends nothing \
         more.\n"
    );
    let _ = writeln!(
        out,
        "| stream | collect | request | pages by |\n|---|---|---|---|"
    );
    for helper in input.pagination {
        let Some(operation) = input.operations.get(helper.operation) else {
            continue;
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | `{} {}` | {} |",
            helper.stream_method,
            helper.all_method,
            operation.http_method,
            cell(operation.path.text()),
            cell(&super::pagination::style_summary(helper, operation)),
        );
    }
    out.push('\n');
}

/// The responses read as they arrive: each `…_events`, `…_items` and `…_bytes` method and what
/// it yields.
fn streaming_section(out: &mut String, input: &ReadmeInput<'_>) {
    let _ = writeln!(out, "## Streamed responses\n");
    let _ = writeln!(
        out,
        "These methods send the same request as the operation's own method but read the answer as \
         it arrives: awaiting one gives the stream once the headers are in (the typed headers \
         beside it), and the stream's `next()` gives each event, item or chunk. An event or line \
         that does not decode is an error item and the stream goes on; a broken connection ends \
         it. An error status is read whole and is the operation's usual typed error. The client's \
         timeout bounds the wait for the headers only, never the stream. An event stream keeps \
         the last event id (`last_event_id()`) to send as `Last-Event-ID` when reconnecting.\n"
    );
    let _ = writeln!(
        out,
        "| method | request | yields | media types |\n|---|---|---|---|"
    );
    for stream in input.streams {
        let Some(operation) = input.operations.get(stream.operation) else {
            continue;
        };
        let yields = match &stream.kind {
            StreamKind::Events { data, .. } => {
                format!("events, data `{}`", type_name(data, input.defs))
            }
            StreamKind::Items { item } => format!("items `{}`", type_name(item, input.defs)),
            StreamKind::Bytes => "byte chunks".to_owned(),
        };
        let media: Vec<String> = stream
            .media_types
            .iter()
            .map(|m| format!("`{m}`"))
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | `{} {}` | {} | {} |",
            stream.method_name,
            operation.http_method,
            cell(operation.path.text()),
            cell(&yields),
            cell(&media.join(", ")),
        );
    }
    out.push('\n');
}

fn first_paragraph(text: &str) -> Option<String> {
    let paragraph = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())?
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    Some(paragraph)
}

/// Text fit for a table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// A type as the crate's users name it.
fn type_name(ty: &TypeRef, defs: &[TypeDef]) -> String {
    match ty {
        TypeRef::Named(index) => defs.get(*index).map_or_else(
            || "serde_json::Value".to_owned(),
            |def| format!("types::{}", def.name),
        ),
        TypeRef::Builtin(builtin) => super::type_ref::builtin_tokens(*builtin)
            .to_string()
            .replace(' ', ""),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_name(inner, defs)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_name(inner, defs)),
        TypeRef::Option(inner) => format!("Option<{}>", type_name(inner, defs)),
        TypeRef::Boxed(inner) => type_name(inner, defs),
    }
}

/// The operation's summary, else the first sentence of its description.
fn summary(operation: &ClientMethod) -> String {
    if let Some(title) = &operation.doc.title {
        return title.clone();
    }
    let Some(description) = operation
        .doc
        .description
        .as_deref()
        .and_then(first_paragraph)
    else {
        return String::new();
    };
    match description.find(". ") {
        Some(end) => description[..=end].to_owned(),
        None => description,
    }
}
