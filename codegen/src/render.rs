//! Tokens → formatted source text, with the `@generated` header.
//!
//! The file is formatted unit by unit (each type, each client method) rather than as one
//! `syn::File`: parsing is most of the cost of generation, units parse independently on every
//! core, and joining them is where the blank lines between items come from.

use proc_macro2::TokenStream;
use quote::quote;

/// Why tokens could not become a file: the generator produced invalid Rust, which is a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("generated code does not parse ({message}); please report this with the spec")]
pub struct RenderError {
    pub message: String,
}

/// A block with a head (`impl Client`, `pub mod types`) and items formatted one by one.
pub(crate) struct Block {
    pub head: TokenStream,
    pub items: Vec<TokenStream>,
}

/// The whole file: crate attributes, top-level items, then blocks.
pub(crate) struct Layout {
    pub crate_attributes: TokenStream,
    pub top: Vec<TokenStream>,
    pub blocks: Vec<Block>,
}

/// Where a unit stands, which decides how it is wrapped for parsing and indented.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nesting {
    Top,
    Impl,
    Mod,
}

pub(crate) fn render(layout: Layout, header: &str) -> Result<String, RenderError> {
    let mut jobs: Vec<(Nesting, String)> = Vec::new();
    let Layout {
        crate_attributes,
        top,
        blocks,
    } = layout;
    jobs.extend(top.into_iter().map(|unit| (Nesting::Top, unit.to_string())));
    let mut block_heads = Vec::new();
    for block in &blocks {
        let head = &block.head;
        block_heads.push(quote! { #head {} }.to_string());
        // `impl` as a token of the head itself, not a word of its doc attributes.
        let is_impl =
            block.head.clone().into_iter().any(
                |token| matches!(token, proc_macro2::TokenTree::Ident(ident) if ident == "impl"),
            );
        let nesting = if is_impl { Nesting::Impl } else { Nesting::Mod };
        jobs.extend(block.items.iter().map(|unit| (nesting, unit.to_string())));
    }
    let formatted = format_all(&jobs)?;

    let mut out = format!("{header}\n\n");
    let attributes: syn::File = syn::parse2(crate_attributes).map_err(render_error)?;
    out.push_str(&prettyplease::unparse(&attributes));
    let mut next = formatted.into_iter();
    for _ in 0..jobs
        .iter()
        .filter(|(n, _)| matches!(n, Nesting::Top))
        .count()
    {
        for item in next.next().unwrap_or_default() {
            out.push('\n');
            out.push_str(&item);
        }
    }
    for (block, head) in blocks.iter().zip(block_heads) {
        let head: syn::File = syn::parse_file(&head).map_err(render_error)?;
        let head = prettyplease::unparse(&head);
        // `head {}` → `head {`, then the items, then `}`.
        out.push('\n');
        out.push_str(head.trim_end().trim_end_matches("{}").trim_end());
        out.push_str(" {\n");
        let mut first = true;
        for _ in 0..block.items.len() {
            for item in next.next().unwrap_or_default() {
                if !first {
                    out.push('\n');
                }
                first = false;
                out.push_str(&item);
            }
        }
        out.push_str("}\n");
    }
    Ok(out)
}

fn render_error(err: syn::Error) -> RenderError {
    RenderError {
        message: err.to_string(),
    }
}

/// Formats every unit, on as many threads as there are cores, keeping their order. Each thread
/// parses its units in one go (parsing is most of the cost) and prints them item by item.
fn format_all(jobs: &[(Nesting, String)]) -> Result<Vec<Vec<String>>, RenderError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    // Contiguous runs of one nesting, cut into chunks of similar size, so that concatenating the
    // chunks' results keeps the order.
    let total: usize = jobs.iter().map(|(_, text)| text.len()).sum();
    let share = total / threads + 1;
    let mut chunks: Vec<&[(Nesting, String)]> = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for index in 0..jobs.len() {
        size += jobs[index].1.len();
        let nesting_changes = jobs
            .get(index + 1)
            .is_some_and(|next| next.0 != jobs[index].0);
        if size >= share || nesting_changes || index + 1 == jobs.len() {
            chunks.push(&jobs[start..=index]);
            start = index + 1;
            size = 0;
        }
    }
    let results: Vec<Result<Vec<Vec<String>>, RenderError>> = if threads == 1 {
        chunks.iter().map(|chunk| format_chunk(chunk)).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .iter()
                .map(|chunk| scope.spawn(move || format_chunk(chunk)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        Err(RenderError {
                            message: "a formatting thread panicked".into(),
                        })
                    })
                })
                .collect()
        })
    };
    let mut all = Vec::with_capacity(jobs.len());
    for result in results {
        all.extend(result?);
    }
    Ok(all)
}

/// Ends each unit in a chunk, so that the parsed items can be told apart by unit.
const UNIT_END: &str = "__unit_end! {}";

/// Units of one nesting → the formatted text of each unit's items (indented for its nesting).
fn format_chunk(chunk: &[(Nesting, String)]) -> Result<Vec<Vec<String>>, RenderError> {
    let Some((nesting, _)) = chunk.first() else {
        return Ok(Vec::new());
    };
    let mut source = String::new();
    for (_, text) in chunk {
        source.push_str(text);
        source.push(' ');
        source.push_str(UNIT_END);
        source.push(' ');
    }
    let is_end = |path: &syn::Path| path.is_ident("__unit_end");
    let mut units: Vec<Vec<String>> = Vec::with_capacity(chunk.len());
    let mut current = Vec::new();
    match nesting {
        Nesting::Top => {
            for item in syn::parse_file(&source).map_err(render_error)?.items {
                if matches!(&item, syn::Item::Macro(m) if is_end(&m.mac.path)) {
                    units.push(std::mem::take(&mut current));
                } else {
                    current.push(unparse_item(item)?);
                }
            }
        }
        Nesting::Mod => {
            let file = syn::parse_file(&format!("mod m {{ {source} }}")).map_err(render_error)?;
            let Some(syn::Item::Mod(mut module)) = file.items.into_iter().next() else {
                return Err(RenderError {
                    message: "a module unit did not parse as a module".into(),
                });
            };
            let Some((brace, items)) = module.content.take() else {
                return Ok(Vec::new());
            };
            for item in items {
                if matches!(&item, syn::Item::Macro(m) if is_end(&m.mac.path)) {
                    units.push(std::mem::take(&mut current));
                } else {
                    let mut single = module.clone();
                    single.content = Some((brace, vec![item]));
                    current.push(inner_lines(&unparse_item(syn::Item::Mod(single))?));
                }
            }
        }
        Nesting::Impl => {
            let file = syn::parse_file(&format!("impl M {{ {source} }}")).map_err(render_error)?;
            let Some(syn::Item::Impl(mut block)) = file.items.into_iter().next() else {
                return Err(RenderError {
                    message: "an impl unit did not parse as an impl".into(),
                });
            };
            for item in std::mem::take(&mut block.items) {
                if matches!(&item, syn::ImplItem::Macro(m) if is_end(&m.mac.path)) {
                    units.push(std::mem::take(&mut current));
                } else {
                    let mut single = block.clone();
                    single.items = vec![item];
                    current.push(inner_lines(&unparse_item(syn::Item::Impl(single))?));
                }
            }
        }
    }
    Ok(units)
}

/// The lines between a wrapper's first and last line (`mod m {` … `}`).
fn inner_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let inner = lines
        .get(1..lines.len().saturating_sub(1))
        .unwrap_or_default();
    let mut out = inner.join("\n");
    out.push('\n');
    out
}

/// `item` alone, formatted as a file.
fn unparse_item(item: syn::Item) -> Result<String, RenderError> {
    let mut file = syn::parse_file("").map_err(render_error)?;
    file.items = vec![item];
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// What a `{` line opens, as far as blank lines go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// A module or impl: its items are separated by blank lines.
    Items,
    /// Anything else (function bodies, struct fields, expressions): left as printed.
    Other,
}

/// prettyplease prints items back to back; hand-written code separates them with a blank line.
/// Adds one between consecutive items of the file, of modules and of impls.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut blocks: Vec<Scope> = Vec::new();
    let mut previous_ended_item = false;
    let mut in_inner_attribute = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let in_item_list = blocks.last().is_none_or(|scope| *scope == Scope::Items);
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
                Scope::Items
            } else {
                Scope::Other
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
