//! How a list operation pages, read once: declared with our `x-pagination` extension,
//! recognised from Dropshot's `x-dropshot-pagination`, or guessed from the usual names. The
//! client turns the first two into `…_stream` and `…_all` methods; the mock pages what is
//! declared; the conformance suite walks all three.
//!
//! ```yaml
//! x-pagination:
//!   items: /data                  # JSON pointer of the item array in the success body ("" = the body)
//!   page-size: limit              # the query parameter that sets the page size (optional)
//!   # exactly one of:
//!   cursor:
//!     parameter: starting_after   # the query parameter the cursor goes in
//!     from: /next_cursor          # its value in the body (absent, null or "" = the end) …
//!     # from-last-item: /id       # … or in the last item of the page (Stripe's style)
//!     # has-more: /has_more       # a boolean in the body; false = the end (optional)
//!   offset: { parameter: offset, total: /total }          # total optional
//!   page: { parameter: page, first: 1, total-pages: /pages } # first defaults to 1
//!   next-url: /links/next         # the next page's URL in the body (absent or null = the end)
//!   link-header: true             # the `Link` header's rel="next" (absent = the end)
//! ```
//!
//! A declared extension is checked whole: anything wrong is a warning at its JSON pointer and
//! the operation's pagination is then [`Malformed`] (no helper). A guess is made only on a
//! `GET` without either extension, and never warns: it is the suite's, not the client's.

use serde_json::{Map, Value};

use super::media::MediaKind;
use super::parameter::Location;
use super::reader::Reader;
use super::{Malformed, Method, Operation};
use crate::load::{follow, JsonPointer};

/// Our extension's name.
pub const EXTENSION: &str = "x-pagination";
/// Dropshot's: `page_token` and `limit` in the query, `items` and `next_page` in the body.
pub const DROPSHOT: &str = "x-dropshot-pagination";

/// The keys `x-pagination` may hold (and `x-…` keys of its own).
const KEYS: [&str; 8] = [
    "items",
    "page-size",
    "cursor",
    "offset",
    "page",
    "next-url",
    "link-header",
    "description",
];
/// The keys that each name a way to reach the next page; exactly one is given.
const STYLES: [&str; 5] = ["cursor", "offset", "page", "next-url", "link-header"];

/// Where a reading of pagination comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `x-pagination`.
    Declared,
    /// `x-dropshot-pagination`.
    Dropshot,
    /// Nothing declared: the parameter and property names looked like a paginated list.
    Guessed,
}

/// How one operation's list is walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub origin: Origin,
    /// JSON pointer of the extension (of the operation, for a guess).
    pub pointer: JsonPointer,
    /// JSON pointer of the item array in the success body; empty when the body is the array.
    pub items: String,
    /// JSON pointer of the schema of one item, when the success schema says.
    pub item_schema: Option<JsonPointer>,
    /// The query parameter that sets the page size (index into the operation's parameters).
    pub page_size: Option<usize>,
    pub next: NextPage,
}

/// How the request for the next page is made from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// The query parameter `parameter` (index) takes a cursor from the page.
    Cursor {
        parameter: usize,
        from: CursorSource,
        /// A boolean in the body that is false on the last page.
        has_more: Option<String>,
        /// Later pages send only the path parameters, the cursor and the page size (Dropshot:
        /// the other query parameters describe the scan, which the cursor already carries).
        cursor_alone: bool,
    },
    /// The query parameter `parameter` (index) counts items from 0; the next is this one plus
    /// the items seen. A page shorter than the size asked for is the last, as is reaching
    /// `total` (a number in the body).
    Offset {
        parameter: usize,
        total: Option<String>,
    },
    /// The query parameter `parameter` (index) counts pages from `first`. An empty page, or
    /// reaching `total_pages` (a number in the body), is the end.
    PageNumber {
        parameter: usize,
        first: u64,
        total_pages: Option<String>,
    },
    /// The next page's URL, absolute or relative, is the string at this pointer of the body.
    BodyUrl(String),
    /// The next page's URL is the `Link` header's `rel="next"` (RFC 8288).
    LinkHeader,
}

/// Where a cursor is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorSource {
    /// At this pointer of the body; absent, `null` or `""` is the end.
    Body(String),
    /// At this pointer of the page's last item; an empty page is the end.
    LastItem(String),
}

/// The usual names, for a guess: query parameters that take a cursor, body properties that
/// give it, page-size parameters, and item arrays.
const CURSOR_PARAMETERS: [&str; 10] = [
    "cursor",
    "page_token",
    "pageToken",
    "next_token",
    "nextToken",
    "starting_after",
    "after",
    "continuation_token",
    "continuationToken",
    "marker",
];
const CURSOR_PROPERTIES: [&str; 9] = [
    "next_cursor",
    "nextCursor",
    "next_page_token",
    "nextPageToken",
    "next_token",
    "nextToken",
    "cursor",
    "next_page",
    "continuation_token",
];
const SIZE_PARAMETERS: [&str; 7] = [
    "limit",
    "per_page",
    "perPage",
    "page_size",
    "pageSize",
    "size",
    "max_results",
];
const ITEM_PROPERTIES: [&str; 6] = ["items", "data", "results", "entries", "records", "values"];

/// The schema of property `name` of the object schema at `at`, through `$ref` and `allOf`.
#[must_use]
pub fn property_schema(spec: &Value, at: &JsonPointer, name: &str) -> Option<JsonPointer> {
    let (at, schema) = follow(spec, at).ok()?;
    if schema.get("properties").and_then(|p| p.get(name)).is_some() {
        return Some(at.join("properties").join(name));
    }
    let members = schema.get("allOf")?.as_array()?;
    (0..members.len())
        .find_map(|index| property_schema(spec, &at.join("allOf").join(index.to_string()), name))
}

/// The schema a JSON pointer into an instance of the schema at `at` leads to, through
/// properties (`$ref` and `allOf` followed).
fn schema_along(spec: &Value, at: &JsonPointer, pointer: &str) -> Option<JsonPointer> {
    let pointer = JsonPointer::parse(pointer)?;
    pointer
        .tokens()
        .iter()
        .try_fold(at.clone(), |at, token| property_schema(spec, &at, token))
}

/// The schema of one item of the array schema at `at`.
fn item_schema(spec: &Value, at: &JsonPointer) -> Option<JsonPointer> {
    let (at, schema) = follow(spec, at).ok()?;
    schema.get("items").map(|_| at.join("items"))
}

/// A JSON pointer as the extension writes it: empty, or starting with `/`.
fn is_pointer(text: &str) -> bool {
    text.is_empty() || text.starts_with('/')
}

impl Reader<'_> {
    /// How `operation` pages: its `x-pagination`, its `x-dropshot-pagination`, or a guess.
    pub(super) fn pagination(
        &mut self,
        operation: &Operation,
    ) -> Option<Result<Pagination, Malformed>> {
        let declared = operation.pointer.join(EXTENSION);
        if let Some(extension) = declared.resolve(self.spec) {
            let mut check = Declaration {
                reader: self,
                operation,
                at: declared.clone(),
            };
            return Some(check.declared(extension).ok_or(Malformed));
        }
        let dropshot = operation.pointer.join(DROPSHOT);
        if dropshot.resolve(self.spec).is_some() {
            return Some(self.dropshot(operation, dropshot).ok_or(Malformed));
        }
        guess(self.spec, operation).map(Ok)
    }

    /// Dropshot's convention, recognised: anything missing is a warning and no helper.
    fn dropshot(&mut self, operation: &Operation, at: JsonPointer) -> Option<Pagination> {
        let query = |name: &str| {
            operation
                .parameters
                .iter()
                .position(|p| p.location == Location::Query && p.name == name)
        };
        let Some(token) = query("page_token") else {
            self.warn(
                &at,
                format!(
                    "`{DROPSHOT}` without a `page_token` query parameter; no pagination helper"
                ),
            );
            return None;
        };
        let body = success_schema(operation);
        let items = body
            .as_ref()
            .and_then(|body| property_schema(self.spec, body, "items"));
        let next = body
            .as_ref()
            .and_then(|body| property_schema(self.spec, body, "next_page"));
        let (Some(items), Some(_)) = (items, next) else {
            self.warn(
                &at,
                format!(
                    "`{DROPSHOT}`, but the success body has no `items` and `next_page`; no pagination helper"
                ),
            );
            return None;
        };
        Some(Pagination {
            origin: Origin::Dropshot,
            pointer: at,
            items: "/items".to_owned(),
            item_schema: item_schema(self.spec, &items),
            page_size: query("limit"),
            next: NextPage::Cursor {
                parameter: token,
                from: CursorSource::Body("/next_page".to_owned()),
                has_more: None,
                cursor_alone: true,
            },
        })
    }
}

/// The schema of the first 2xx response's JSON body.
fn success_schema(operation: &Operation) -> Option<JsonPointer> {
    operation
        .responses
        .iter()
        .filter(|r| r.status.is_2xx())
        .flat_map(|r| &r.content)
        .find(|m| m.kind == MediaKind::Json)
        .and_then(|m| m.schema.clone())
}

/// A guess from the usual names, for a `GET` that declares nothing.
fn guess(spec: &Value, operation: &Operation) -> Option<Pagination> {
    if operation.method != Method::Get {
        return None;
    }
    let query = |names: &[&str]| {
        operation
            .parameters
            .iter()
            .position(|p| p.location == Location::Query && names.contains(&p.name.as_str()))
    };
    let success = operation.responses.iter().find(|r| r.status.is_2xx())?;
    let schema = success
        .content
        .iter()
        .find_map(|m| m.schema.clone())
        .unwrap_or_else(JsonPointer::root);
    let property = |names: &[&str]| {
        names
            .iter()
            .find(|name| property_schema(spec, &schema, name).is_some())
            .map(|name| format!("/{name}"))
    };
    let next = if let (Some(parameter), Some(next)) =
        (query(&CURSOR_PARAMETERS), property(&CURSOR_PROPERTIES))
    {
        NextPage::Cursor {
            parameter,
            from: CursorSource::Body(next),
            has_more: None,
            cursor_alone: false,
        }
    } else if success
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("link"))
    {
        NextPage::LinkHeader
    } else if let Some(url) = body_url(spec, &schema) {
        NextPage::BodyUrl(url)
    } else {
        NextPage::PageNumber {
            parameter: query(&["page"])?,
            first: 1,
            total_pages: None,
        }
    };
    let items = property(&ITEM_PROPERTIES)
        .or_else(|| array_property(spec, &schema))
        .unwrap_or_default();
    let item_schema = schema_along(spec, &schema, &items).and_then(|at| item_schema(spec, &at));
    Some(Pagination {
        origin: Origin::Guessed,
        pointer: operation.pointer.clone(),
        items,
        item_schema,
        page_size: query(&SIZE_PARAMETERS),
        next,
    })
}

/// The pointer of the first property of the object schema at `at` (through `$ref` and `allOf`)
/// whose schema is an array: a page's items under a name of its own (`users`, `orders`).
fn array_property(spec: &Value, at: &JsonPointer) -> Option<String> {
    let (at, schema) = follow(spec, at).ok()?;
    let own = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(name, _)| {
            let at = at.join("properties").join(name.as_str());
            follow(spec, &at).is_ok_and(|(_, property)| {
                property.get("type") == Some(&Value::from("array"))
                    || property.get("items").is_some()
            })
        })
        .map(|(name, _)| format!("/{}", name.replace('~', "~0").replace('/', "~1")));
    own.or_else(|| {
        let members = schema.get("allOf")?.as_array()?;
        (0..members.len())
            .find_map(|index| array_property(spec, &at.join("allOf").join(index.to_string())))
    })
}

/// A next link's pointer in a body schema: `next`, `links.next` or `_links.next(.href)`.
fn body_url(spec: &Value, schema: &JsonPointer) -> Option<String> {
    for (outer, inner) in [
        ("next", None),
        ("links", Some("next")),
        ("_links", Some("next")),
    ] {
        let Some(at) = property_schema(spec, schema, outer) else {
            continue;
        };
        match inner {
            None => return Some(format!("/{outer}")),
            Some(inner) => {
                let Some(next) = property_schema(spec, &at, inner) else {
                    continue;
                };
                let href = property_schema(spec, &next, "href").is_some() || outer == "_links";
                let suffix = if href { "/href" } else { "" };
                return Some(format!("/{outer}/{inner}{suffix}"));
            }
        }
    }
    None
}

/// The checking of one declared `x-pagination`.
struct Declaration<'r, 'a> {
    reader: &'r mut Reader<'a>,
    operation: &'r Operation,
    at: JsonPointer,
}

impl Declaration<'_, '_> {
    fn warn(&mut self, at: &JsonPointer, message: impl Into<String>) {
        let message = format!("{}; no pagination helper", message.into());
        self.reader.warn(at, message);
    }

    fn declared(&mut self, extension: &Value) -> Option<Pagination> {
        let at = self.at.clone();
        let Value::Object(fields) = extension else {
            self.warn(&at, format!("`{EXTENSION}` is not an object"));
            return None;
        };
        let mut sound = true;
        for key in fields.keys() {
            if !KEYS.contains(&key.as_str()) && !key.starts_with("x-") {
                let expected = KEYS.join("`, `");
                self.warn(
                    &at.join(key.as_str()),
                    format!("unknown key `{key}` (expected `{expected}`)"),
                );
                sound = false;
            }
        }
        let styles: Vec<&str> = STYLES
            .into_iter()
            .filter(|style| fields.contains_key(*style))
            .collect();
        let style = match styles.as_slice() {
            [style] => *style,
            [] => {
                let expected = STYLES.join("`, `");
                self.warn(
                    &at,
                    format!("no way to the next page: give one of `{expected}`"),
                );
                return None;
            }
            several => {
                self.warn(
                    &at,
                    format!(
                        "`{}`: give only one way to the next page",
                        several.join("`, `")
                    ),
                );
                return None;
            }
        };
        let body = success_schema(self.operation);
        if body.is_none() {
            self.warn(&at, "the operation documents no JSON success body");
            sound = false;
        }
        let items = self.pointer_field((fields, &at), "items", true);
        let item_schema = match (&items, &body) {
            (Some(items), Some(body)) => {
                match schema_along(self.reader.spec, body, items)
                    .map(|array| (item_schema(self.reader.spec, &array), array))
                {
                    Some((Some(item), _)) => Some(item),
                    Some((None, _)) | None => {
                        self.warn(
                            &at.join("items"),
                            format!("`{items}` leads to no array in the success body's schema"),
                        );
                        sound = false;
                        None
                    }
                }
            }
            _ => None,
        };
        let page_size = match fields.get("page-size") {
            None => None,
            Some(name) => {
                let found = self.query_parameter(&at.join("page-size"), name);
                sound &= found.is_some();
                found
            }
        };
        let next = self.next_page(style, &fields[style], &at.join(style));
        match (sound, items, next) {
            (true, Some(items), Some(next)) => Some(Pagination {
                origin: Origin::Declared,
                pointer: at,
                items,
                item_schema,
                page_size,
                next,
            }),
            _ => None,
        }
    }

    fn next_page(&mut self, style: &str, value: &Value, at: &JsonPointer) -> Option<NextPage> {
        match style {
            "next-url" => match value.as_str() {
                Some(pointer) if pointer.starts_with('/') => {
                    Some(NextPage::BodyUrl(pointer.to_owned()))
                }
                _ => {
                    self.warn(at, "`next-url` is not a JSON pointer such as `/links/next`");
                    None
                }
            },
            "link-header" => {
                if value == &Value::Bool(true) {
                    Some(NextPage::LinkHeader)
                } else {
                    self.warn(at, "`link-header` is not `true`");
                    None
                }
            }
            _ => {
                let Value::Object(fields) = value else {
                    self.warn(at, format!("`{style}` is not an object"));
                    return None;
                };
                let allowed: &[&str] = match style {
                    "cursor" => &["parameter", "from", "from-last-item", "has-more"],
                    "offset" => &["parameter", "total"],
                    _ => &["parameter", "first", "total-pages"],
                };
                let mut sound = true;
                for key in fields.keys() {
                    if !allowed.contains(&key.as_str()) {
                        let expected = allowed.join("`, `");
                        self.warn(
                            &at.join(key.as_str()),
                            format!("unknown key `{key}` (expected `{expected}`)"),
                        );
                        sound = false;
                    }
                }
                let parameter = match fields.get("parameter") {
                    Some(name) => self.query_parameter(&at.join("parameter"), name),
                    None => {
                        self.warn(at, format!("`{style}` names no `parameter`"));
                        None
                    }
                };
                let next = match style {
                    "cursor" => self.cursor(fields, at, parameter?),
                    "offset" => Some(NextPage::Offset {
                        parameter: parameter?,
                        total: self.pointer_field((fields, at), "total", false),
                    }),
                    _ => {
                        let first = match fields.get("first") {
                            None => Some(1),
                            Some(first) => {
                                let first = first.as_u64();
                                if first.is_none() {
                                    self.warn(&at.join("first"), "`first` is not a whole number");
                                }
                                first
                            }
                        };
                        let total_pages = self.pointer_field((fields, at), "total-pages", false);
                        Some(NextPage::PageNumber {
                            parameter: parameter?,
                            first: first?,
                            total_pages,
                        })
                    }
                };
                next.filter(|_| sound)
            }
        }
    }

    fn cursor(
        &mut self,
        fields: &Map<String, Value>,
        at: &JsonPointer,
        parameter: usize,
    ) -> Option<NextPage> {
        let from = self.pointer_field((fields, at), "from", false);
        let last = self.pointer_field((fields, at), "from-last-item", false);
        let from = match (from, last) {
            (Some(from), None) => CursorSource::Body(from),
            (None, Some(last)) => CursorSource::LastItem(last),
            (Some(_), Some(_)) => {
                self.warn(at, "give `from` or `from-last-item`, not both");
                return None;
            }
            (None, None) => {
                if !fields.contains_key("from") && !fields.contains_key("from-last-item") {
                    self.warn(at, "`cursor` says neither `from` nor `from-last-item`");
                }
                return None;
            }
        };
        let has_more = self.pointer_field((fields, at), "has-more", false);
        if fields.contains_key("has-more") && has_more.is_none() {
            return None;
        }
        Some(NextPage::Cursor {
            parameter,
            from,
            has_more,
            cursor_alone: false,
        })
    }

    /// The JSON pointer in `fields[key]`; `None` with a warning when it is there but no pointer,
    /// or when it is `required` and missing.
    fn pointer_field(
        &mut self,
        (fields, fields_at): (&Map<String, Value>, &JsonPointer),
        key: &str,
        required: bool,
    ) -> Option<String> {
        let at = fields_at.join(key);
        match fields.get(key) {
            Some(Value::String(pointer)) if is_pointer(pointer) => Some(pointer.clone()),
            Some(_) => {
                self.warn(
                    &at,
                    format!("`{key}` is not a JSON pointer (empty, or starting with `/`)"),
                );
                None
            }
            None => {
                if required {
                    self.warn(fields_at, format!("`{key}` is missing"));
                }
                None
            }
        }
    }

    /// The index of the operation's query parameter named by `name`.
    fn query_parameter(&mut self, at: &JsonPointer, name: &Value) -> Option<usize> {
        let Some(name) = name.as_str() else {
            self.warn(at, "not a parameter name");
            return None;
        };
        let found = self
            .operation
            .parameters
            .iter()
            .position(|p| p.location == Location::Query && p.name == name);
        if found.is_none() {
            self.warn(at, format!("the operation has no query parameter `{name}`"));
        }
        found
    }
}

#[cfg(test)]
mod tests;
