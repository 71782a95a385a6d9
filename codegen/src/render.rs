//! Tokens → formatted source text, with the `@generated` header.

use proc_macro2::TokenStream;

/// Why tokens could not become a file: the generator produced invalid Rust, which is a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("generated code does not parse ({message}); please report this with the spec")]
pub struct RenderError {
    pub message: String,
}

pub(crate) fn render(tokens: TokenStream, header: &str) -> Result<String, RenderError> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| RenderError {
        message: err.to_string(),
    })?;
    let body = space_items(&prettyplease::unparse(&file));
    Ok(format!("{header}\n\n{body}"))
}

/// What a `{` line opens, as far as blank lines go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A module or impl: its items are separated by blank lines.
    Items,
    /// Anything else (function bodies, struct fields, expressions): left as printed.
    Other,
}

/// prettyplease prints items back to back; hand-written code separates them with a blank line.
/// Adds one between consecutive items of the file, of modules and of impls.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut blocks: Vec<Block> = Vec::new();
    let mut previous_ended_item = false;
    let mut in_inner_attribute = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let in_item_list = blocks.last().is_none_or(|block| *block == Block::Items);
        if in_item_list && previous_ended_item && !trimmed.starts_with('}') && !trimmed.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        if trimmed.starts_with("#![") {
            in_inner_attribute = true;
        }
        let closes = trimmed.starts_with('}');
        if closes {
            blocks.pop();
        }
        if trimmed.ends_with('{') {
            let opens_items = trimmed.starts_with("impl ")
                || trimmed.starts_with("impl<")
                || trimmed.starts_with("pub mod ")
                || trimmed.starts_with("mod ");
            blocks.push(if opens_items {
                Block::Items
            } else {
                Block::Other
            });
        }
        let ends_inner_attribute = in_inner_attribute
            && (trimmed == ")]" || trimmed.ends_with(")]") || trimmed.ends_with(']'));
        if ends_inner_attribute {
            in_inner_attribute = false;
        }
        previous_ended_item = (closes && !trimmed.ends_with('{'))
            || (trimmed.ends_with(';') && !trimmed.starts_with("//"))
            || ends_inner_attribute;
        // A `;` inside a function body ends a statement, not an item; the list check above
        // keeps those lines as they are.
    }
    out
}
