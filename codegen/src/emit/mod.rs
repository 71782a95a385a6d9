//! The model → Rust tokens, one function per kind of item.

mod client;
mod docs;
mod types;

use proc_macro2::{Ident, Span, TokenStream};

pub(crate) use client::{client_tokens, ClientInput};
pub(crate) use docs::text_lines as doc_text_lines;
pub(crate) use types::types_tokens;

/// An identifier for a name the model produced; names are made valid by `naming`, and anything
/// else is a bug worth a readable fallback rather than a panic.
pub(crate) fn ident(name: &str) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        let cleaned: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Ident::new(&format!("x_{cleaned}"), Span::call_site())
    }
}

/// Tokens of a Rust type path written as text (`chrono::NaiveDate`).
pub(crate) fn path(text: &str) -> TokenStream {
    text.parse().unwrap_or_default()
}
