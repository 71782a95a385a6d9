//! The model → Rust tokens, one function per kind of item.

mod client;
mod docs;
mod example;
mod long_running;
mod newtypes;
mod pagination;
mod readme;
mod streaming;
mod type_ref;
mod types;
mod unions;
mod webhooks;

use proc_macro2::{Ident, Span};

pub(crate) use client::{client_units, ClientInput};
pub(crate) use docs::text_lines as doc_text_lines;
pub(crate) use example::{
    example_call, example_scheme, example_tokens, placeholder, ExampleInput, EXAMPLE_ITEMS,
};
pub(crate) use long_running::long_running_units;
pub(crate) use pagination::{crate_doc_paragraph as pagination_doc, pagination_units};
pub(crate) use readme::{readme, ReadmeExample, ReadmeInput};
pub(crate) use streaming::streaming_units;
pub(crate) use types::type_units;
pub(crate) use webhooks::webhooks_block;

/// An identifier for a name the model produced; names are made valid by `naming`, and anything
/// else is a bug worth a readable fallback rather than a panic.
pub(crate) fn ident(name: &str) -> Ident {
    if is_plain_ident(name) {
        Ident::new(name, Span::call_site())
    } else {
        let cleaned: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Ident::new(&format!("x_{cleaned}"), Span::call_site())
    }
}

/// Whether `name` is a plain identifier: ASCII letters, digits and `_`, not starting with a
/// digit, not a keyword.
fn is_plain_ident(name: &str) -> bool {
    const RESERVED: [&str; 52] = [
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
        "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "_",
    ];
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
}
