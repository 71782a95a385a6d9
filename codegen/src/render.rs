//! Tokens → formatted source text, with the `@generated` header.
//!
//! The file is formatted unit by unit (each type, each client method) rather than as one
//! `syn::File`: emitting, parsing and printing are most of the cost of generation, units go
//! through all three independently on every core, and joining them is where the blank lines
//! between items come from.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Marks a doc comment held aside (see [`doc_comment`]); no doc text holds it.
const DOC_MARK: char = '\u{1}';

thread_local! {
    /// The doc comments of the unit this thread is emitting, when it is emitting one: each
    /// comment's lines.
    static DOC_COMMENTS: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// The `#[doc]` attributes of a `///` comment of `lines`. Inside a unit they are one attribute
/// with a short marker, and [`format_unit`] puts the lines back once the unit is printed: a doc
/// comment is opaque to formatting (prettyplease prints `///` and the text, line by line), and
/// writing every line out as an escaped literal, parsing it back and printing it was a tenth of
/// generation. A comment with a line prettyplease would print another way (one that starts with
/// `/`, holds a line break, or ends in spaces) stays literal attributes.
pub(crate) fn doc_comment(lines: Vec<String>) -> TokenStream {
    let plain = lines.iter().all(|line| {
        !line.starts_with('/') && !line.contains(['\n', '\r', DOC_MARK]) && !line.ends_with(' ')
    });
    let collecting = DOC_COMMENTS.with(|comments| comments.borrow().is_some());
    if lines.is_empty() || !plain || !collecting {
        return quote! { #( #[doc = #lines] )* };
    }
    let index = DOC_COMMENTS.with(|comments| {
        let mut comments = comments.borrow_mut();
        let comments = comments.get_or_insert_with(Vec::new);
        comments.push(lines);
        comments.len() - 1
    });
    let marker = Literal::string(&format!("{DOC_MARK}{index}"));
    quote! { #[doc = #marker] }
}

/// `unit`'s tokens, and the doc comments its markers stand for.
fn emit_unit(unit: &Unit<'_>) -> (TokenStream, Vec<Vec<String>>) {
    DOC_COMMENTS.with(|comments| *comments.borrow_mut() = Some(Vec::new()));
    let tokens = unit();
    let comments = DOC_COMMENTS.with(|comments| comments.borrow_mut().take().unwrap_or_default());
    (tokens, comments)
}

/// `text` with each doc marker replaced by its comment's lines, each after the `///` and
/// indentation the marker's line has.
fn restore_doc_comments(text: &str, comments: &[Vec<String>]) -> String {
    if comments.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while let Some(at) = rest.find(DOC_MARK) {
        out.push_str(&rest[..at]);
        let prefix_start = out.rfind('\n').map_or(0, |newline| newline + 1);
        let prefix = out[prefix_start..].to_owned();
        let after = &rest[at + DOC_MARK.len_utf8()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        match after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|i| comments.get(i))
        {
            Some(lines) => {
                for (index, line) in lines.iter().enumerate() {
                    if index > 0 {
                        out.push('\n');
                        out.push_str(&prefix);
                    }
                    out.push_str(line);
                }
            }
            None => out.push(DOC_MARK),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Why tokens could not become a file: the generator produced invalid Rust, which is a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("generated code does not parse ({message}); please report this with the spec")]
pub struct RenderError {
    pub message: String,
}

/// One unit of the file (an item, or an item and its impls): a function that emits its tokens,
/// called by the thread that formats it, since token trees cannot cross threads.
pub(crate) type Unit<'a> = Box<dyn Fn() -> TokenStream + Sync + 'a>;

/// A block with a head (`impl Client`, `pub mod types`) and items formatted one by one.
pub(crate) struct Block<'a> {
    pub head: TokenStream,
    pub items: Vec<Unit<'a>>,
}

/// The whole file: crate attributes, top-level items, then blocks.
pub(crate) struct Layout<'a> {
    pub crate_attributes: TokenStream,
    pub top: Vec<Unit<'a>>,
    pub blocks: Vec<Block<'a>>,
}

/// Where a unit stands, which decides how it is wrapped for parsing and indented.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nesting {
    Top,
    Impl,
    Mod,
}

pub(crate) fn render(layout: Layout<'_>, header: &str) -> Result<String, RenderError> {
    let mut jobs: Vec<(Nesting, &Unit<'_>)> = Vec::new();
    let Layout {
        crate_attributes,
        top,
        blocks,
    } = &layout;
    jobs.extend(top.iter().map(|unit| (Nesting::Top, unit)));
    let mut block_heads = Vec::new();
    for block in blocks {
        let head = &block.head;
        block_heads.push(quote! { #head {} }.to_string());
        // `impl` as a token of the head itself, not a word of its doc attributes.
        let is_impl =
            block.head.clone().into_iter().any(
                |token| matches!(token, proc_macro2::TokenTree::Ident(ident) if ident == "impl"),
            );
        let nesting = if is_impl { Nesting::Impl } else { Nesting::Mod };
        jobs.extend(block.items.iter().map(|unit| (nesting, unit)));
    }
    let formatted = format_all(&jobs)?;

    let mut out = format!("{header}\n\n");
    let attributes: syn::File = syn::parse2(crate_attributes.clone()).map_err(render_error)?;
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

/// Formats every unit, on as many threads as there are cores (the calling one included),
/// keeping their order. Units are handed out one at a time, so that threads finish together
/// however unevenly the work is spread over the file; each unit is parsed on its own, which keeps
/// syn's buffers small enough to be reused rather than grown.
fn format_all(jobs: &[(Nesting, &Unit<'_>)]) -> Result<Vec<Vec<String>>, RenderError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || -> Result<Vec<(usize, Vec<String>)>, RenderError> {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((nesting, unit)) = jobs.get(index) else {
                return Ok(done);
            };
            let (tokens, doc_comments) = emit_unit(unit);
            done.push((index, format_unit(*nesting, tokens, &doc_comments)?));
        }
    };
    let mut results = vec![Vec::new(); jobs.len()];
    let mut store = |batch: Result<Vec<(usize, Vec<String>)>, RenderError>| {
        for (index, unit) in batch? {
            results[index] = unit;
        }
        Ok::<_, RenderError>(())
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        store(work())?;
        for helper in helpers {
            store(helper.join().unwrap_or_else(|_| {
                Err(RenderError {
                    message: "a formatting thread panicked".into(),
                })
            }))?;
        }
        Ok::<_, RenderError>(())
    })?;
    Ok(results)
}

/// One unit's tokens → the formatted text of each of its items (indented for its nesting).
fn format_unit(
    nesting: Nesting,
    tokens: TokenStream,
    doc_comments: &[Vec<String>],
) -> Result<Vec<String>, RenderError> {
    let unparse_item = |item| unparse_item(item, doc_comments);
    match nesting {
        Nesting::Top => syn::parse2::<syn::File>(tokens)
            .map_err(render_error)?
            .items
            .into_iter()
            .map(unparse_item)
            .collect(),
        Nesting::Mod => {
            let items = syn::parse2::<syn::File>(tokens)
                .map_err(render_error)?
                .items;
            // Printed inside a module, so that lines break as they will in the file.
            let mut module: syn::ItemMod = syn::parse_str("mod m {}").map_err(render_error)?;
            items
                .into_iter()
                .map(|item| {
                    if let Some((_, content)) = &mut module.content {
                        *content = vec![item];
                    }
                    Ok(inner_lines(&unparse_item(syn::Item::Mod(module.clone()))?))
                })
                .collect()
        }
        Nesting::Impl => {
            let mut block: syn::ItemImpl =
                syn::parse2(quote! { impl M { #tokens } }).map_err(render_error)?;
            std::mem::take(&mut block.items)
                .into_iter()
                .map(|item| {
                    block.items = vec![item];
                    Ok(inner_lines(&unparse_item(syn::Item::Impl(block.clone()))?))
                })
                .collect()
        }
    }
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

/// `item` alone, formatted as a file, with its doc comments back in place.
fn unparse_item(item: syn::Item, doc_comments: &[Vec<String>]) -> Result<String, RenderError> {
    let file = syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![item],
    };
    let printed = restore_doc_comments(&prettyplease::unparse(&file), doc_comments);
    Ok(space_items(&printed))
}

/// What a `{` line opens, as far as blank lines go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opened {
    /// A module or impl: its items are separated by blank lines.
    Items,
    /// Anything else (function bodies, struct fields, expressions): left as printed.
    Other,
}

/// prettyplease prints items back to back; hand-written code separates them with a blank line.
/// Adds one between consecutive items of the file, of modules and of impls.
fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut blocks: Vec<Opened> = Vec::new();
    let mut previous_ended_item = false;
    let mut in_inner_attribute = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let in_item_list = blocks.last().is_none_or(|scope| *scope == Opened::Items);
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
                Opened::Items
            } else {
                Opened::Other
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
