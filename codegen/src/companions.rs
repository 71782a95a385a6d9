//! What a generated crate ships beside its `lib.rs`: a `README.md` and runnable examples, as
//! text (the caller writes them).

use serde_json::Value;

use crate::emit;
use crate::load::LoadedSpec;
use crate::render::RenderError;

/// What [`companions`] needs beyond the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanionOptions {
    /// The package name (`widgets-client`).
    pub crate_name: String,
    /// The `@generated …` line naming the spec and the command, without comment markers.
    pub header: String,
    /// Where the examples send requests unless `BASE_URL` says otherwise (a local mock server).
    pub example_base_url: String,
    /// Where to get a credential, said when `API_TOKEN` is not set (a command that prints one).
    pub token_hint: Option<String>,
}

/// The README and examples of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Companions {
    /// `README.md`.
    pub readme: String,
    /// Each example: its name (the file `examples/<name>.rs`) and its source.
    pub examples: Vec<(String, String)>,
}

/// The name of the example every crate with a callable operation gets.
pub const QUICKSTART: &str = "quickstart";

/// Generates the README and examples of the crate [`generate`](crate::generate) makes for `spec`
/// ([`Model::companions`](crate::Model::companions) of a model built for it alone).
///
/// # Errors
/// Only when an example's tokens do not form valid Rust, which is a bug of the generator.
pub fn companions(
    spec: &LoadedSpec,
    options: &CompanionOptions,
) -> Result<Companions, RenderError> {
    crate::Model::build(spec).companions(options)
}

pub(crate) fn from_model(
    spec: &LoadedSpec,
    built: &crate::BuiltModel,
    options: &CompanionOptions,
) -> Result<Companions, RenderError> {
    let raw = &spec.raw;
    let crate::BuiltModel {
        api,
        defs,
        operations,
        schemes,
        long_running,
        pagination,
        streams,
        callbacks,
        ..
    } = built;
    let text = |pointer: &str| raw.pointer(pointer).and_then(Value::as_str);
    let title = text("/info/title").unwrap_or("API");
    let default_base_url = text("/servers/0/url").filter(|url| {
        !url.contains('{') && (url.starts_with("http://") || url.starts_with("https://"))
    });
    let crate_ident = options.crate_name.replace('-', "_");

    let mut examples = Vec::new();
    let mut listed = Vec::new();
    if let Some(call) = emit::example_call(raw, api, operations, long_running, pagination) {
        let parts = emit::example_tokens(&emit::ExampleInput {
            crate_ident: &crate_ident,
            base_url: &options.example_base_url,
            token_hint: options.token_hint.as_deref(),
            call: &call,
            schemes,
            defs,
        });
        let print = |tokens| {
            syn::parse2::<syn::File>(tokens)
                .map(|file| prettyplease::unparse(&file))
                .map_err(|error| RenderError {
                    message: error.to_string(),
                })
        };
        let imports = print(parts.imports)?;
        let mut main = print(parts.main)?;
        for (index, value) in parts.examples.iter().enumerate() {
            main = fill_placeholder(&main, &emit::placeholder(index).to_string(), value);
        }
        let operation = call.operation;
        let needs_token = emit::example_scheme(&call, schemes).is_some();
        let command = format!(
            "{}cargo run -p {} --example {QUICKSTART}",
            if needs_token { "API_TOKEN=… " } else { "" },
            options.crate_name
        );
        let poll = long_running
            .iter()
            .find(|lr| Some(lr.and_wait_method.as_str()) == call.and_wait)
            .and_then(|lr| operations.get(lr.poll));
        let summary = match (call.and_wait, poll, call.stream) {
            (Some(method), Some(poll), _) => format!(
                "Calls `{method}` (`{} {}`, then `{} {}` until the work ends) with the spec's \
                 examples as arguments and prints the finished result",
                operation.http_method, operation.path, poll.http_method, poll.path
            ),
            (_, _, Some(method)) => format!(
                "Calls `{method}` (`{} {}`, page after page) with the spec's examples as \
                 arguments and prints the first {} items",
                operation.http_method,
                operation.path,
                emit::EXAMPLE_ITEMS
            ),
            _ => format!(
                "Calls `{}` (`{} {}`) with the spec's examples as arguments and prints the result",
                operation.method_name, operation.http_method, operation.path
            ),
        };
        let mut source = format!("// {}\n\n", options.header);
        source.push_str(&format!(
            "//! {title}: the client at work, in one call.\n//!\n//! {summary}. Requests go to \
             `BASE_URL`, by default `{}`",
            options.example_base_url
        ));
        if needs_token {
            source.push_str(", with the credential in `API_TOKEN`");
        }
        source.push_str(&format!(".\n//!\n//! ```sh\n//! {command}\n//! ```\n\n"));
        source.push_str(&imports);
        source.push('\n');
        source.push_str(&main);
        examples.push((QUICKSTART.to_owned(), source));
        listed.push(emit::ReadmeExample {
            name: QUICKSTART.to_owned(),
            summary,
            command,
        });
    }
    let readme = emit::readme(&emit::ReadmeInput {
        header: &options.header,
        crate_name: &options.crate_name,
        title,
        version: text("/info/version").unwrap_or_default(),
        description: text("/info/description"),
        default_base_url,
        operations,
        schemes,
        callbacks,
        long_running,
        pagination,
        streams,
        examples: &listed,
        example_base_url: &options.example_base_url,
        token_hint: options.token_hint.as_deref(),
        defs,
    });
    Ok(Companions { readme, examples })
}

/// Replaces `placeholder` by `value` as pretty JSON, indented like the line it stands on.
fn fill_placeholder(text: &str, placeholder: &str, value: &Value) -> String {
    let Some(at) = text.find(placeholder) else {
        return text.to_owned();
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let mut json = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut json, formatter);
    let json = match serde::Serialize::serialize(value, &mut serializer) {
        Ok(()) => String::from_utf8_lossy(&json).into_owned(),
        Err(_) => "null".to_owned(),
    };
    let json = json.replace('\n', &format!("\n{indent}"));
    format!("{}{json}{}", &text[..at], &text[at + placeholder.len()..])
}
