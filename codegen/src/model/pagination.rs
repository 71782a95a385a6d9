//! Paginated lists: an operation's pagination, as the reading typed it
//! ([`crate::api::pagination`]), → a [`PageHelper`], which the client emits as a `…_stream`
//! method (every item, page after page) and an `…_all` method (at most so many items, collected).
//!
//! Only what the spec declares (`x-pagination`) or what Dropshot's `x-dropshot-pagination`
//! says gets helpers; a guess from the usual names never does (it is the conformance suite's).
//! Here the reading gains what the client needs: the methods' names, the item type, and where
//! each parameter the walk sets stands among the method's arguments.

use super::operations::RESERVED_METHODS;
use super::{BodyKind, Builtin, ClientMethod, CredentialSetter, Param, ResponseBody, TypeDef};
use super::{TypeKind, TypeRef, WaitHelper};
use crate::api::{self, Api, CursorSource, NextPage, Origin};
use crate::load::{JsonPointer, Warning};
use crate::naming::Namer;

/// The helpers of one paginated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHelper {
    /// The operation (index into the client's operations).
    pub operation: usize,
    /// `…_stream`: the items, page after page.
    pub stream_method: String,
    /// `…_all`: at most so many items, collected.
    pub all_method: String,
    /// Declared or recognised (never guessed).
    pub origin: Origin,
    /// The type of one item.
    pub item: TypeRef,
    /// JSON pointer of the item array in the success body; empty when the body is the array.
    pub items: String,
    /// The parameter that sets the page size.
    pub page_size: Option<Place>,
    pub next: PageNext,
    /// JSON pointer of the extension.
    pub pointer: String,
}

/// Where a parameter of the operation stands among its method's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// An argument of its own (index into the method's `params`).
    Argument(usize),
    /// A field of the options struct (index into its parameters).
    Option(usize),
}

/// How the next page is asked for, in the client's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageNext {
    Cursor {
        parameter: Place,
        from: CursorSource,
        has_more: Option<String>,
        /// Later pages send only the path parameters, the required ones, the cursor and the
        /// page size (Dropshot).
        cursor_alone: bool,
    },
    Offset {
        parameter: Place,
        total: Option<String>,
    },
    PageNumber {
        parameter: Place,
        first: u64,
        total_pages: Option<String>,
    },
    BodyUrl(String),
    LinkHeader,
}

impl PageNext {
    /// The parameter a position goes in; `None` for the styles that follow a URL.
    #[must_use]
    pub fn parameter(&self) -> Option<Place> {
        match self {
            PageNext::Cursor { parameter, .. }
            | PageNext::Offset { parameter, .. }
            | PageNext::PageNumber { parameter, .. } => Some(*parameter),
            PageNext::BodyUrl(_) | PageNext::LinkHeader => None,
        }
    }
}

/// Every operation whose list pages by `x-pagination` or `x-dropshot-pagination`, with the
/// names its helpers take, and a warning for each the client cannot walk.
pub fn build_pagination(
    api: &Api,
    operations: &[ClientMethod],
    schemes: &[CredentialSetter],
    long_running: &[WaitHelper],
    defs: &[TypeDef],
) -> (Vec<PageHelper>, Vec<Warning>) {
    let mut warnings = Vec::new();
    let mut found = Vec::new();
    // The helpers share the one namespace of `Client` methods.
    let mut methods = Namer::with_reserved(RESERVED_METHODS);
    let taken = schemes
        .iter()
        .map(|s| &s.method_name)
        .chain(operations.iter().map(|o| &o.method_name))
        .chain(
            long_running
                .iter()
                .flat_map(|lr| [&lr.wait_method, &lr.and_wait_method]),
        );
    for name in taken {
        methods.claim(name);
    }
    for (index, operation) in operations.iter().enumerate() {
        let Some(Ok(read)) = &api.operations[operation.source].pagination else {
            // A malformed extension has its warning from the reading.
            continue;
        };
        if read.origin == Origin::Guessed {
            continue;
        }
        match client_view(api, operation, read, defs) {
            Ok((item, page_size, next)) => found.push(PageHelper {
                operation: index,
                stream_method: methods.claim(&format!("{}_stream", operation.method_name)),
                all_method: methods.claim(&format!("{}_all", operation.method_name)),
                origin: read.origin,
                item,
                items: read.items.clone(),
                page_size,
                next,
                pointer: read.pointer.to_string(),
            }),
            Err(reason) => warnings.push(Warning {
                pointer: read.pointer.to_string(),
                message: format!(
                    "{reason}; no `{name}_stream` or `{name}_all` method is generated for this operation",
                    name = operation.method_name
                ),
            }),
        }
    }
    (found, warnings)
}

/// The reading's pagination in the client's terms: the item type, and the parameters the walk
/// sets by their place among the method's arguments. `Err` says why the client cannot walk it.
fn client_view(
    api: &Api,
    operation: &ClientMethod,
    read: &api::Pagination,
    defs: &[TypeDef],
) -> Result<(TypeRef, Option<Place>, PageNext), String> {
    let page = match (
        &operation.responses.success_enum,
        operation.responses.success.as_slice(),
    ) {
        (None, [first, rest @ ..])
            if matches!(first.body, ResponseBody::Json(_))
                && rest.iter().all(|case| case.body == first.body) =>
        {
            first.body.ty()
        }
        _ => return Err("the operation does not answer one JSON body type on success".into()),
    };
    if let Some(body) = &operation.body {
        if matches!(body.kind, BodyKind::Bytes | BodyKind::Text) {
            return Err("its body is raw bytes or text, which a walk cannot send twice".into());
        }
    }
    let item = item_type(&page, &read.items, defs).ok_or_else(|| {
        format!(
            "`{}` leads to no array of the success body's type",
            read.items
        )
    })?;
    let reading = &api.operations[operation.source];
    let place = |index: usize| -> Result<Place, String> {
        let parameter = &reading.parameters[index];
        let same = |p: &Param| p.wire_name == parameter.name && p.location == parameter.location;
        if let Some(at) = operation.params.iter().position(same) {
            return Ok(Place::Argument(at));
        }
        operation
            .options
            .iter()
            .find_map(|(_, params)| params.iter().position(same))
            .map(Place::Option)
            .ok_or_else(|| format!("`{}` is no argument of the method", parameter.name))
    };
    let page_size = read.page_size.map(place).transpose()?;
    // A required position has no value before the first page, unless it is a number the
    // style starts from.
    let numbered = |index: usize| -> Result<Place, String> {
        let at = place(index)?;
        if let Place::Argument(argument) = at {
            if !is_integer(&operation.params[argument].ty) {
                return Err(format!(
                    "`{}` is required and not an integer, so the first page has no value for it",
                    operation.params[argument].wire_name
                ));
            }
        }
        Ok(at)
    };
    let next = match &read.next {
        NextPage::Cursor {
            parameter,
            from,
            has_more,
            cursor_alone,
        } => {
            let at = place(*parameter)?;
            if let Place::Argument(argument) = at {
                return Err(format!(
                    "the cursor parameter `{}` is required, so the first page cannot be asked for without one",
                    operation.params[argument].wire_name
                ));
            }
            PageNext::Cursor {
                parameter: at,
                from: from.clone(),
                has_more: has_more.clone(),
                cursor_alone: *cursor_alone,
            }
        }
        NextPage::Offset { parameter, total } => PageNext::Offset {
            parameter: numbered(*parameter)?,
            total: total.clone(),
        },
        NextPage::PageNumber {
            parameter,
            first,
            total_pages,
        } => PageNext::PageNumber {
            parameter: numbered(*parameter)?,
            first: *first,
            total_pages: total_pages.clone(),
        },
        NextPage::BodyUrl(pointer) => PageNext::BodyUrl(pointer.clone()),
        NextPage::LinkHeader => PageNext::LinkHeader,
    };
    Ok((item, page_size, next))
}

/// The type of one element of the array `pointer` leads to in a value of type `page`, through
/// struct fields by their wire names.
fn item_type(page: &TypeRef, pointer: &str, defs: &[TypeDef]) -> Option<TypeRef> {
    let pointer = JsonPointer::parse(pointer)?;
    let array = pointer
        .tokens()
        .iter()
        .try_fold(page.clone(), |ty, token| {
            let TypeKind::Struct(fields) = &defs.get(named(&ty, defs)?)?.kind else {
                return None;
            };
            let field = fields.fields.iter().find(|f| f.wire_name == *token)?;
            Some(field.ty.clone())
        })?;
    match unwrapped(&array, defs) {
        TypeRef::Vec(item) => Some((**item).clone()),
        _ => None,
    }
}

/// `ty` without the `Option`s, boxes and aliases around it.
fn unwrapped<'t>(mut ty: &'t TypeRef, defs: &'t [TypeDef]) -> &'t TypeRef {
    // Bounded, so that aliases naming each other cannot keep it going.
    for _ in 0..=defs.len() {
        ty = match ty {
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => inner,
            TypeRef::Named(index) => match defs.get(*index).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => target,
                _ => return ty,
            },
            _ => return ty,
        };
    }
    ty
}

/// The index of the named type `ty` stands for, through `Option`s, boxes and aliases.
fn named(ty: &TypeRef, defs: &[TypeDef]) -> Option<usize> {
    match unwrapped(ty, defs) {
        TypeRef::Named(index) => Some(*index),
        _ => None,
    }
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Builtin(
            Builtin::I8
                | Builtin::I16
                | Builtin::I32
                | Builtin::I64
                | Builtin::U8
                | Builtin::U16
                | Builtin::U32
                | Builtin::U64
        )
    )
}
