//! Paginated lists ([`PageHelper`]) → a `…_stream` and an `…_all` method of the `Client` (in an
//! `impl` block of their own). The walk itself is `callspec_runtime::Pages`; these methods only
//! say how the list pages and how to request a page.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::client::{argument_type, body_argument, error_type, headers_type, passed_by_value};
use super::docs::prose_doc;
use super::ident;
use super::type_ref::{type_tokens, Scope};
use crate::api::{CursorSource, Origin};
use crate::model::{BodyKind, ClientMethod, PageHelper, PageNext, Param, Place, TypeDef};
use crate::model::{Builtin, TypeRef};
use crate::naming::Namer;
use crate::render::Unit;

/// What paginated lists add to the generated crate: the head of the `impl Client` block of the
/// helpers, and the helpers.
pub(crate) struct PaginationParts<'a> {
    pub impl_head: TokenStream,
    pub methods: Vec<Unit<'a>>,
}

pub(crate) fn pagination_units<'a>(
    helpers: &'a [PageHelper],
    operations: &'a [ClientMethod],
    defs: &'a [TypeDef],
) -> PaginationParts<'a> {
    let mut methods: Vec<Unit<'a>> = Vec::new();
    for helper in helpers {
        let operation = &operations[helper.operation];
        methods.push(Box::new(move || stream_method(helper, operation, defs)));
        methods.push(Box::new(move || all_method(helper, operation, defs)));
    }
    PaginationParts {
        impl_head: quote! {
            /// Paginated lists (the spec's `x-pagination`, or Dropshot's `x-dropshot-pagination`):
            /// their items, page after page.
            #[allow(clippy::too_many_arguments)]
            impl Client
        },
        methods,
    }
}

/// The parameter at `place` of `operation`.
fn param_at(operation: &ClientMethod, place: Place) -> Option<&Param> {
    match place {
        Place::Argument(index) => operation.params.get(index),
        Place::Option(index) => operation.options.as_ref()?.1.get(index),
    }
}

/// How the parameter at `place` is named in the method's docs: `cursor`, `options.cursor`.
fn spelled(operation: &ClientMethod, place: Place) -> String {
    match (place, param_at(operation, place)) {
        (Place::Argument(_), Some(param)) => format!("`{}`", param.name),
        (Place::Option(_), Some(param)) => format!("`options.{}`", param.name),
        (_, None) => "it".to_owned(),
    }
}

/// The wire name of the parameter at `place`.
fn wire(operation: &ClientMethod, place: Place) -> String {
    param_at(operation, place).map_or_else(String::new, |param| param.wire_name.clone())
}

/// `Pages<'_, Item, E, EH>`, as the stream method returns it.
fn pages_type(helper: &PageHelper, operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let item = type_tokens(&helper.item, defs, Scope::Root);
    let error = error_type(operation, defs);
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    quote! { Pages<'_, #item, #error #error_headers> }
}

/// The runtime's description of the list's paging, as a `static`.
fn paging_static(helper: &PageHelper, operation: &ClientMethod) -> TokenStream {
    let items = &helper.items;
    let optional = |pointer: &Option<String>| match pointer {
        Some(pointer) => quote! { Some(#pointer) },
        None => quote! { None },
    };
    let page_size = optional(&helper.page_size.map(|place| wire(operation, place)));
    let next = match &helper.next {
        PageNext::Cursor {
            parameter,
            from,
            has_more,
            ..
        } => {
            let parameter = wire(operation, *parameter);
            let from = match from {
                CursorSource::Body(pointer) => {
                    quote! { callspec_runtime::pages::CursorFrom::Body(#pointer) }
                }
                CursorSource::LastItem(pointer) => {
                    quote! { callspec_runtime::pages::CursorFrom::LastItem(#pointer) }
                }
            };
            let has_more = optional(has_more);
            quote! {
                callspec_runtime::pages::Next::Cursor {
                    parameter: #parameter,
                    from: #from,
                    has_more: #has_more,
                }
            }
        }
        PageNext::Offset { parameter, total } => {
            let parameter = wire(operation, *parameter);
            let total = optional(total);
            quote! { callspec_runtime::pages::Next::Offset { parameter: #parameter, total: #total } }
        }
        PageNext::PageNumber {
            parameter,
            first,
            total_pages,
        } => {
            let parameter = wire(operation, *parameter);
            let first = Literal::u64_unsuffixed(*first);
            let total_pages = optional(total_pages);
            quote! {
                callspec_runtime::pages::Next::PageNumber {
                    parameter: #parameter,
                    first: #first,
                    total_pages: #total_pages,
                }
            }
        }
        PageNext::BodyUrl(pointer) => quote! { callspec_runtime::pages::Next::BodyUrl(#pointer) },
        PageNext::LinkHeader => quote! { callspec_runtime::pages::Next::LinkHeader },
    };
    quote! {
        static PAGING: callspec_runtime::pages::Paging = callspec_runtime::pages::Paging {
            items: #items,
            page_size: #page_size,
            next: #next,
        };
    }
}

/// Whether a value of `ty` is `Copy`, so that it is used again without `clone()`.
fn is_copy(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Option(inner) => is_copy(inner),
        TypeRef::Builtin(Builtin::Unit) => true,
        _ => passed_by_value(ty),
    }
}

fn stream_method(helper: &PageHelper, operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&helper.stream_method);
    let declared = declared_arguments(helper, operation, defs);
    let returns = pages_type(helper, operation, defs);
    let paging = paging_static(helper, operation);
    let body = match helper.next.parameter() {
        Some(position) => by_parameter(helper, operation, position),
        None => by_url(operation),
    };
    let doc = prose_doc(&stream_doc(helper, operation, defs));
    let deprecated = operation
        .doc
        .deprecated
        .then(|| quote! { #[deprecated] #[allow(deprecated)] });
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#declared),*) -> #returns {
            #paging
            #body
        }
    }
}

fn all_method(helper: &PageHelper, operation: &ClientMethod, defs: &[TypeDef]) -> TokenStream {
    let name = ident(&helper.all_method);
    let stream = ident(&helper.stream_method);
    let declared = declared_arguments(helper, operation, defs);
    let passed = passed_arguments(helper, operation);
    let mut names = Namer::with_reserved(operation.params.iter().map(|p| p.name.as_str()));
    let limit = ident(&names.claim("limit"));
    let item = type_tokens(&helper.item, defs, Scope::Root);
    let error = error_type(operation, defs);
    let error_headers = headers_type(operation.responses.error_headers.as_ref());
    let doc =
        prose_doc(&format!(
        "The first `{limit}` items of [`{stream}`](Self::{stream}) at most, collected in order: \
         awaiting it gives `Result<Vec<{item_text}>, Error<…>>`. No page is requested once \
         `{limit}` items are in hand (none at all for 0), so a long list costs only the pages it \
         needs; the first error is returned instead of the items.",
        item_text = type_tokens(&helper.item, defs, Scope::Root).to_string().replace(' ', ""),
    ));
    let deprecated = operation
        .doc
        .deprecated
        .then(|| quote! { #[deprecated] #[allow(deprecated)] });
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#declared,)* #limit: usize) -> Collect<'_, #item, #error #error_headers> {
            self.#stream(#(#passed),*).collect_up_to(#limit)
        }
    }
}

/// The helpers' arguments: the operation's, without the parameter the walk sets.
fn declared_arguments(
    helper: &PageHelper,
    operation: &ClientMethod,
    defs: &[TypeDef],
) -> Vec<TokenStream> {
    let position = helper.next.parameter();
    let mut declared = Vec::new();
    for (index, param) in operation.params.iter().enumerate() {
        if position != Some(Place::Argument(index)) {
            let name = ident(&param.name);
            let ty = argument_type(&param.ty, defs);
            declared.push(quote! { #name: #ty });
        }
    }
    if let Some(body) = &operation.body {
        declared.push(body_argument(body, defs));
    }
    if let Some((options_name, _)) = &operation.options {
        let options_name = ident(options_name);
        declared.push(quote! { options: types::#options_name });
    }
    declared
}

/// The helpers' arguments as passed on, unchanged.
fn passed_arguments(helper: &PageHelper, operation: &ClientMethod) -> Vec<TokenStream> {
    let position = helper.next.parameter();
    let mut passed: Vec<TokenStream> = operation
        .params
        .iter()
        .enumerate()
        .filter(|(index, _)| position != Some(Place::Argument(*index)))
        .map(|(_, param)| {
            let name = ident(&param.name);
            quote! { #name }
        })
        .collect();
    if operation.body.is_some() {
        passed.push(quote! { body });
    }
    if operation.options.is_some() {
        passed.push(quote! { options });
    }
    passed
}

/// A walk that sets a query parameter: the first page as the caller asks for it, and a closure
/// that asks for the page at a position. The closure outlives the borrowed arguments, so it
/// holds copies of them.
fn by_parameter(helper: &PageHelper, operation: &ClientMethod, position: Place) -> TokenStream {
    let method = ident(&operation.method_name);
    // The model places every parameter a walk sets among the method's arguments.
    let position_name =
        param_at(operation, position).map_or_else(|| ident("position"), |p| ident(&p.name));
    let mut copies = Vec::new();
    let mut first = Vec::new();
    let mut later = Vec::new();
    for (index, param) in operation.params.iter().enumerate() {
        let name = ident(&param.name);
        if position == Place::Argument(index) {
            let start = match &helper.next {
                PageNext::PageNumber { first, .. } => Literal::u64_unsuffixed(*first),
                _ => Literal::u64_unsuffixed(0),
            };
            first.push(quote! { #start });
            later.push(quote! { #position_name });
        } else if passed_by_value(&param.ty) {
            first.push(quote! { #name });
            later.push(quote! { #name });
        } else {
            copies.push(quote! { let #name = #name.to_owned(); });
            first.push(quote! { &#name });
            later.push(quote! { &#name });
        }
    }
    if let Some(body) = &operation.body {
        let optional = !body.required && !matches!(body.kind, BodyKind::Bytes | BodyKind::Text);
        if optional {
            copies.push(quote! { let body = body.cloned(); });
            first.push(quote! { body.as_ref() });
            later.push(quote! { body.as_ref() });
        } else {
            copies.push(quote! { let body = body.to_owned(); });
            first.push(quote! { &body });
            later.push(quote! { &body });
        }
    }
    if let Some((options_name, fields)) = &operation.options {
        let options_name = ident(options_name);
        let cursor_alone = matches!(
            helper.next,
            PageNext::Cursor {
                cursor_alone: true,
                ..
            }
        );
        match position {
            Place::Argument(_) => {
                first.push(quote! { options.clone() });
                later.push(quote! { options.clone() });
            }
            // Later pages send the cursor and the page size; the cursor stands for the rest.
            Place::Option(_) if cursor_alone => {
                let mut set = vec![quote! { #position_name: Some(#position_name) }];
                if let Some(size) = helper.page_size.and_then(|place| match place {
                    Place::Option(_) => param_at(operation, place),
                    Place::Argument(_) => None,
                }) {
                    let size_name = ident(&size.name);
                    if is_copy(&size.ty) {
                        copies.push(quote! { let #size_name = options.#size_name; });
                        set.push(quote! { #size_name });
                    } else {
                        copies.push(quote! { let #size_name = options.#size_name.clone(); });
                        set.push(quote! { #size_name: #size_name.clone() });
                    }
                }
                let rest = (fields.len() > set.len()).then(|| quote! { ..Default::default() });
                first.push(quote! { options });
                later.push(quote! { types::#options_name { #(#set,)* #rest } });
            }
            Place::Option(_) if fields.len() == 1 => {
                first.push(quote! { options });
                later
                    .push(quote! { types::#options_name { #position_name: Some(#position_name) } });
            }
            Place::Option(_) => {
                first.push(quote! { options.clone() });
                later.push(quote! {
                    types::#options_name { #position_name: Some(#position_name), ..options.clone() }
                });
            }
        }
    }
    // A block keeps a struct literal beside the call when the printer breaks the line; a plain
    // call reads better without one.
    let next = quote! { self.#method(#(#later),*) };
    let next = match position {
        Place::Option(_) => quote! { { #next } },
        Place::Argument(_) => next,
    };
    quote! {
        #(#copies)*
        Pages::new(&PAGING, self.#method(#(#first),*), move |#position_name| #next)
    }
}

/// A walk that follows URLs: the first page as the caller asks for it, then each next URL with
/// the operation's method, credentials and response function.
fn by_url(operation: &ClientMethod) -> TokenStream {
    let method = ident(&operation.method_name);
    let first = operation
        .params
        .iter()
        .map(|param| ident(&param.name))
        .chain(operation.body.as_ref().map(|_| ident("body")))
        .chain(operation.options.as_ref().map(|_| ident("options")));
    let (key, path) = (&operation.decode_key, operation.path.text());
    let http_method = ident(&operation.http_method);
    let credentials = (!operation.security.is_empty()).then(|| {
        let alternatives = operation
            .security
            .iter()
            .map(|alternative| quote! { &[#(#alternative),*] });
        quote! { let request = self.credentials.apply(request, &[#(#alternatives),*]); }
    });
    quote! {
        static OPERATION: callspec_runtime::Operation = callspec_runtime::Operation::new(#key, reqwest::Method::#http_method, #path);
        Pages::by_url(&PAGING, self.#method(#(#first),*), move |url| {
            let request = self.transport.request(&OPERATION, url);
            #credentials
            self.transport.call(&OPERATION, Ok(request), responses::#method)
        })
    }
}

/// The item type as the docs name it: a link for a type of `types`.
fn item_in_docs(helper: &PageHelper, defs: &[TypeDef]) -> String {
    let written = type_tokens(&helper.item, defs, Scope::Root)
        .to_string()
        .replace(' ', "");
    match helper.item {
        TypeRef::Named(_) => format!("[`{written}`]"),
        _ => format!("`{written}`"),
    }
}

fn stream_doc(helper: &PageHelper, operation: &ClientMethod, defs: &[TypeDef]) -> String {
    let method = &operation.method_name;
    let mut text = format!(
        "Every item ({item}) of [`{method}`](Self::{method}), page after page: a stream that \
         requests a page only once the items of the page before are taken.",
        item = item_in_docs(helper, defs),
    );
    let source = match helper.origin {
        Origin::Dropshot => "Recognised from the spec's `x-dropshot-pagination`",
        Origin::Declared | Origin::Guessed => "From the spec's `x-pagination`",
    };
    let position = helper.next.parameter();
    let query = |place: Place| format!("the query parameter `{}`", wire(operation, place));
    let how = match &helper.next {
        PageNext::Cursor {
            parameter,
            from,
            has_more,
            cursor_alone,
        } => {
            let found = match from {
                CursorSource::Body(pointer) => format!("each page's `{pointer}`"),
                CursorSource::LastItem(pointer) => {
                    format!("the `{pointer}` of each page's last item")
                }
            };
            let last = match (from, has_more) {
                (CursorSource::Body(_), None) => {
                    "a page without one (absent, `null` or `\"\"`) is the last".to_owned()
                }
                (CursorSource::Body(_), Some(flag)) => format!(
                    "a page whose `{flag}` is `false`, or without a cursor (absent, `null` or \
                     `\"\"`), is the last"
                ),
                (CursorSource::LastItem(_), None) => "an empty page is the last".to_owned(),
                (CursorSource::LastItem(_), Some(flag)) => {
                    format!("a page whose `{flag}` is `false`, or an empty one, is the last")
                }
            };
            let mut how = format!(
                "{source}, a cursor: {found} goes into {} of the next request, and {last}.",
                query(*parameter)
            );
            if *cursor_alone {
                let sent = match helper.page_size {
                    Some(place) => format!(
                        "`{}` and `{}`",
                        wire(operation, *parameter),
                        wire(operation, place)
                    ),
                    None => format!("`{}`", wire(operation, *parameter)),
                };
                how.push_str(&format!(
                    " As Dropshot pages, the first request sends every argument and later ones \
                     only {sent} beside the path and required parameters: the cursor carries the \
                     rest of the scan."
                ));
            }
            how
        }
        PageNext::Offset { parameter, total } => {
            let short = helper.page_size.map(|place| {
                format!(
                    "one shorter than the page size `{}` asked for",
                    wire(operation, place)
                )
            });
            let last = match (total, short) {
                (Some(total), Some(short)) => format!(
                    "an empty page is the last, as is the one that reaches `{total}` (or, in a \
                     page without a total, {short})"
                ),
                (Some(total), None) => {
                    format!("an empty page is the last, as is the one that reaches `{total}`")
                }
                (None, Some(short)) => format!("an empty page is the last, as is {short}"),
                (None, None) => "an empty page is the last".to_owned(),
            };
            format!(
                "{source}, an offset: {} counts items from 0, each request asks for the offset \
                 after the items seen, and {last}.",
                query(*parameter)
            )
        }
        PageNext::PageNumber {
            parameter,
            first,
            total_pages,
        } => {
            let last = match total_pages {
                Some(total) => format!(
                    "an empty page is the last, as is the page numbered `{total}` counting from \
                     {first}"
                ),
                None => "an empty page is the last".to_owned(),
            };
            format!(
                "{source}, page numbers: {} numbers pages from {first}, each request asks for \
                 the next number, and {last}.",
                query(*parameter)
            )
        }
        PageNext::BodyUrl(pointer) => format!(
            "{source}, a next URL: each page's `{pointer}` is the URL of the next, resolved \
             against the page's own, and a page without one (absent, `null` or `\"\"`) is the \
             last."
        ),
        PageNext::LinkHeader => format!(
            "{source}, the `Link` header: each page's link with `rel=\"next\"` is the URL of the \
             next, resolved against the page's own, and a page without one is the last."
        ),
    };
    text.push_str("\n\n");
    text.push_str(&how);
    match position {
        Some(place @ Place::Option(_)) => text.push_str(&format!(
            " {}, when set, is where the walk starts.",
            spelled(operation, place)
        )),
        Some(Place::Argument(_)) => {
            let start = match &helper.next {
                PageNext::PageNumber { first, .. } => format!("page {first}"),
                _ => "offset 0".to_owned(),
            };
            text.push_str(&format!(" The walk starts at {start}."));
        }
        None => {}
    }
    if let Some(place) = helper.page_size {
        text.push_str(&format!(
            " {} sets the page size.",
            spelled(operation, place)
        ));
    }
    let stop = match &helper.next {
        PageNext::Cursor { .. } => "a cursor already followed",
        PageNext::Offset { .. } | PageNext::PageNumber { .. } => {
            "the same items as the page before"
        }
        PageNext::BodyUrl(_) | PageNext::LinkHeader => {
            "a next URL already followed, or one on another origin"
        }
    };
    text.push_str(&format!(
        "\n\nEach page is requested as [`{method}`](Self::{method}) requests it (credentials, \
         retries, timeout) and read by [`responses::{method}`]. An \
         error ends the stream as its last item; so does a page the walk cannot go on from, such \
         as one with {stop} ([`Error::InvalidResponsePayload`]), rather than a walk that never \
         ends. Dropping the stream sends nothing more."
    ));
    text
}

/// How a list pages, in a few words: `a cursor in \`cursor\``, `the \`Link\` header`.
pub(crate) fn style_summary(helper: &PageHelper, operation: &ClientMethod) -> String {
    let summary = match &helper.next {
        PageNext::Cursor { parameter, .. } => {
            format!("a cursor in `{}`", wire(operation, *parameter))
        }
        PageNext::Offset { parameter, .. } => {
            format!("an offset in `{}`", wire(operation, *parameter))
        }
        PageNext::PageNumber { parameter, .. } => {
            format!("a page number in `{}`", wire(operation, *parameter))
        }
        PageNext::BodyUrl(pointer) => format!("the next URL at `{pointer}`"),
        PageNext::LinkHeader => "the `Link` header".to_owned(),
    };
    match helper.origin {
        Origin::Dropshot => format!("{summary} (Dropshot)"),
        Origin::Declared | Origin::Guessed => summary,
    }
}

/// The crate docs' paragraph on paginated lists, linking each `…_stream` method; `None` without
/// any.
pub(crate) fn crate_doc_paragraph(
    helpers: &[PageHelper],
    operations: &[ClientMethod],
) -> Option<String> {
    if helpers.is_empty() {
        return None;
    }
    let mut text = "Lists that come in pages are walked for you: each method below returns a \
                    stream of the list's items ([`Pages`]) that requests the next page only when \
                    its items are needed, and has an `…_all` twin that collects at most so many \
                    items.\n"
        .to_owned();
    for helper in helpers {
        let operation = &operations[helper.operation];
        text.push_str(&format!(
            "\n- [`Client::{}`]: `{} {}`, by {}",
            helper.stream_method,
            operation.http_method,
            operation.path,
            style_summary(helper, operation)
        ));
    }
    Some(text)
}
