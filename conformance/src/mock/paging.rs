//! The generic mock's pages: a list operation whose pagination the reading found (declared,
//! recognised or guessed) is answered one page at a time, in the way it pages.
//!
//! The list is the items of the answer the mock would give whole (its example, or a value made
//! up), topped up with items made up from the item schema when it holds fewer than three, with
//! distinct identifiers where the items have one. It is the same on every request, since it
//! derives from the spec alone, so a client that follows the pages sees each item once and
//! reaches the end: the last page carries the end marker of its style (no cursor, `has_more:
//! false`, no next link). A page that would not match the documented schema is not served; the
//! whole answer is, as before.

use base64::Engine as _;
use codegen::api::{CursorSource, MediaKind, NextPage, Pagination};
use codegen::load::{follow, JsonPointer};
use serde_json::{Map, Value};

use super::canned::{document, success_media};
use super::served::content_type;
use super::valid_request::ValidRequest;
use crate::http::Response;
use crate::schema::Direction;
use crate::synth::made_up_value;

/// Items per page when the request does not say.
const DEFAULT_PAGE_SIZE: usize = 2;
/// Fewer example items than this, and the list is topped up to `MADE_UP_LIST`.
const FEW_ITEMS: usize = 3;
const MADE_UP_LIST: usize = 5;
/// How many seeds are tried for the made-up items.
const ATTEMPTS: u64 = 40;
/// The query parameter a next URL carries its position in, when the operation does not
/// document one of these names.
const URL_POSITION: [&str; 3] = ["cursor", "page_cursor", "mock_cursor"];
/// What every cursor the mock hands out starts with, so that one it did not hand out (a client's
/// made-up value) reads as the start of the list.
const CURSOR_PREFIX: &str = "mock:";

/// One page of the list `request` addresses, when its operation pages and a page can be served.
#[must_use]
pub fn reply(request: &ValidRequest<'_>) -> Option<Response> {
    let Some(Ok(pagination)) = &request.operation.pagination else {
        return None;
    };
    let (status, media_type) = success_media(request).ok()?;
    let media_type = media_type.filter(|m| m.kind == MediaKind::Json)?;
    let whole = document(request, media_type).ok()??;
    let list = List::new(request, pagination, &whole)?;
    let pager = Pager {
        request,
        pagination,
    };
    let page = pager.page(&list, whole)?;
    if let Some(validator) = media_type
        .schema
        .as_ref()
        .and_then(|at| request.contract.validator(at, Direction::Response))
    {
        if !validator.is_valid(&page.body) {
            return None;
        }
    }
    let mut reply = Response::empty(status).with_body(
        &content_type(media_type),
        page.body.to_string().into_bytes(),
    );
    if pager.sends_link_header(status) {
        reply.set_header("Link", page.link_header());
    }
    Some(reply)
}

/// Every item of the list, in order.
struct List {
    items: Vec<Value>,
}

impl List {
    fn new(request: &ValidRequest<'_>, pagination: &Pagination, whole: &Value) -> Option<Self> {
        let mut items = whole.pointer(&pagination.items)?.as_array()?.clone();
        if items.len() >= FEW_ITEMS {
            return Some(Self { items });
        }
        let Some(at) = &pagination.item_schema else {
            return Some(Self { items });
        };
        let contract = request.contract;
        let spec = contract.as_3_0();
        let Some(validator) = contract.validator(at, Direction::Response) else {
            return Some(Self { items });
        };
        let identifier = identifier_of(spec, at);
        let key = |item: &Value| match &identifier {
            Some(name) => item.get(name).map_or_else(String::new, Value::to_string),
            None => item.to_string(),
        };
        let mut keys: Vec<String> = items.iter().map(key).collect();
        for seed in 1..=ATTEMPTS {
            if items.len() >= MADE_UP_LIST {
                break;
            }
            let Some(item) = made_up_value(spec, at, Direction::Response, seed, validator) else {
                continue;
            };
            let item_key = key(&item);
            if !item_key.is_empty() && !keys.contains(&item_key) {
                keys.push(item_key);
                items.push(item);
            }
        }
        Some(Self { items })
    }
}

/// The property that tells items apart, when the item schema has one: `id`, else a name that
/// ends in `id` (`uuid`, `user_id`, `orderId`).
fn identifier_of(spec: &Value, at: &JsonPointer) -> Option<String> {
    let (_, schema) = follow(spec, at).ok()?;
    let properties = schema.get("properties")?.as_object()?;
    if properties.contains_key("id") {
        return Some("id".to_owned());
    }
    properties
        .keys()
        .find(|name| {
            let lower = name.to_ascii_lowercase();
            lower.ends_with("_id") || lower == "uuid" || name.ends_with("Id")
        })
        .cloned()
}

struct Pager<'r, 'a> {
    request: &'r ValidRequest<'a>,
    pagination: &'r Pagination,
}

/// One page, ready to send.
struct Page {
    body: Value,
    /// The next page's URL, for the `Link` header.
    next_url: Option<String>,
    /// This page's own URL.
    this_url: String,
}

impl Page {
    /// RFC 8288: the page itself (`self`), and the next one while there is one. The header is
    /// there on the last page too, so the spec's example never stands in for it.
    fn link_header(&self) -> String {
        let mut links = vec![format!("<{}>; rel=\"self\"", self.this_url)];
        if let Some(next) = &self.next_url {
            links.push(format!("<{next}>; rel=\"next\""));
        }
        links.join(", ")
    }
}

impl Pager<'_, '_> {
    /// Whether the answer carries a `Link` header: the style says so, or the response documents
    /// one (which would otherwise be filled in from the spec's example, a link to nowhere).
    fn sends_link_header(&self, status: u16) -> bool {
        self.pagination.next == NextPage::LinkHeader
            || self
                .request
                .operation
                .response_for(status)
                .is_some_and(|r| {
                    r.headers
                        .iter()
                        .any(|h| h.name.eq_ignore_ascii_case("link"))
                })
    }

    fn page(&self, list: &List, mut body: Value) -> Option<Page> {
        let size = self.page_size();
        let total = list.items.len();
        let start = self.start(list, size).min(total);
        let end = start.saturating_add(size).min(total);
        let more = end < total;
        let items = list.items[start..end].to_vec();
        if self.pagination.items.is_empty() {
            body = Value::Array(items);
        } else {
            *body.pointer_mut(&self.pagination.items)? = Value::Array(items);
        }
        let (position, position_value) = self.url_position(end);
        let next_url = more.then(|| self.url(Some((&position, &position_value))));
        let this_url = self.url(None);
        match &self.pagination.next {
            NextPage::Cursor { from, has_more, .. } => {
                if let Some(pointer) = has_more {
                    set(&mut body, pointer, Value::Bool(more))?;
                }
                if let CursorSource::Body(pointer) = from {
                    match more {
                        true => set(&mut body, pointer, self.cursor(end))?,
                        false => end_marker(self, &mut body, pointer)?,
                    }
                }
            }
            NextPage::Offset {
                total: Some(at), ..
            } => set(&mut body, at, Value::from(total))?,
            NextPage::PageNumber {
                total_pages: Some(at),
                ..
            } => set(&mut body, at, Value::from(total.div_ceil(size).max(1)))?,
            NextPage::BodyUrl(pointer) => match &next_url {
                Some(url) => set(&mut body, pointer, Value::String(url.clone()))?,
                None => end_marker(self, &mut body, pointer)?,
            },
            NextPage::Offset { .. } | NextPage::PageNumber { .. } | NextPage::LinkHeader => {}
        }
        Some(Page {
            body,
            next_url,
            this_url,
        })
    }

    /// The page size the request asks for (at least one), else the default.
    fn page_size(&self) -> usize {
        self.pagination
            .page_size
            .and_then(|index| self.query_number(index))
            .and_then(|size| usize::try_from(size).ok())
            .map_or(DEFAULT_PAGE_SIZE, |size| size.max(1))
    }

    /// Where the requested page starts in the list.
    fn start(&self, list: &List, size: usize) -> usize {
        // A next URL's position is the mock's own parameter, whatever the style.
        if let Some(start) = self.url_start() {
            return start;
        }
        match &self.pagination.next {
            NextPage::Cursor {
                parameter, from, ..
            } => {
                let Some(given) = self.query_value(*parameter) else {
                    return 0;
                };
                match from {
                    CursorSource::Body(_) => decode_cursor(&given).unwrap_or(0),
                    CursorSource::LastItem(pointer) => list
                        .items
                        .iter()
                        .position(|item| item.pointer(pointer).and_then(text) == text(&given))
                        .map_or(0, |index| index + 1),
                }
            }
            NextPage::Offset { parameter, .. } => self
                .query_number(*parameter)
                .and_then(|offset| usize::try_from(offset).ok())
                .unwrap_or(0),
            NextPage::PageNumber {
                parameter, first, ..
            } => self
                .query_number(*parameter)
                .map(|page| page.saturating_sub(*first))
                .and_then(|pages| usize::try_from(pages).ok())
                .map_or(0, |pages| pages.saturating_mul(size)),
            NextPage::BodyUrl(_) | NextPage::LinkHeader => 0,
        }
    }

    /// The value of query parameter `index`, when the request sent it.
    fn query_value(&self, index: usize) -> Option<Value> {
        let parameter = self.request.operation.parameters.get(index)?;
        self.request.query.get(&parameter.name).cloned()
    }

    /// The value of query parameter `index` as a whole number, however its schema types it.
    fn query_number(&self, index: usize) -> Option<u64> {
        match self.query_value(index)? {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// The cursor of the page starting at `start`: opaque text, or a number where the cursor
    /// parameter's schema takes only numbers.
    fn cursor(&self, start: usize) -> Value {
        let text = Value::String(encode_cursor(start));
        let NextPage::Cursor { parameter, .. } = &self.pagination.next else {
            return text;
        };
        let accepts = |value: &Value| {
            self.request
                .operation
                .parameters
                .get(*parameter)
                .and_then(|p| self.request.contract.parameter_validator(p))
                .is_none_or(|validator| validator.is_valid(value))
        };
        [text, Value::from(start)]
            .into_iter()
            .find(accepts)
            .unwrap_or_else(|| Value::String(encode_cursor(start)))
    }

    /// The query parameter a next URL carries its position in, and its value for `start`.
    fn url_position(&self, start: usize) -> (String, String) {
        let documented = |name: &str| {
            self.request
                .operation
                .parameters
                .iter()
                .any(|p| p.name == name)
        };
        let name = URL_POSITION
            .into_iter()
            .find(|name| !documented(name))
            .unwrap_or(URL_POSITION[2]);
        (name.to_owned(), encode_cursor(start))
    }

    /// The position a next URL of the mock's carries, when the request came from one.
    fn url_start(&self) -> Option<usize> {
        if !matches!(
            self.pagination.next,
            NextPage::BodyUrl(_) | NextPage::LinkHeader
        ) {
            return None;
        }
        let (name, _) = self.url_position(0);
        let query = self.request.raw_query?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| decode_cursor(&Value::String(value.into_owned())))
    }

    /// The URL of the request with `position` set (or as it is): absolute where the request
    /// names its host, so that a `format: uri` schema holds it, else from the path.
    fn url(&self, position: Option<(&str, &str)>) -> String {
        let request = self.request;
        let mut query = form_urlencoded::Serializer::new(String::new());
        let mut replaced = false;
        for (key, value) in form_urlencoded::parse(request.raw_query.unwrap_or("").as_bytes()) {
            match position {
                Some((name, position)) if key == name => {
                    if !replaced {
                        query.append_pair(name, position);
                        replaced = true;
                    }
                }
                _ => {
                    query.append_pair(&key, &value);
                }
            }
        }
        if let (Some((name, position)), false) = (position, replaced) {
            query.append_pair(name, position);
        }
        let query = query.finish();
        let path = if query.is_empty() {
            request.raw_path.to_owned()
        } else {
            format!("{}?{query}", request.raw_path)
        };
        let host = request
            .headers
            .get(axum::http::header::HOST)
            .and_then(|value| value.to_str().ok());
        match host {
            Some(host) => format!("http://{host}{path}"),
            None => path,
        }
    }
}

/// The last page's marker at `pointer`: `null`, else no property at all, else an empty string,
/// whichever the page's schema allows (checked on the whole page, afterwards).
fn end_marker(pager: &Pager<'_, '_>, body: &mut Value, pointer: &str) -> Option<()> {
    let contract = pager.request.contract;
    let validator = pager
        .request
        .operation
        .response_for(pager.request.operation.success_status())
        .and_then(|r| r.content.iter().find(|m| m.kind == MediaKind::Json))
        .and_then(|m| m.schema.as_ref())
        .and_then(|at| contract.validator(at, Direction::Response));
    let candidates: [Option<Value>; 3] = [Some(Value::Null), None, Some(Value::from(""))];
    for candidate in candidates {
        let mut tried = body.clone();
        match &candidate {
            Some(value) => set(&mut tried, pointer, value.clone())?,
            None => remove(&mut tried, pointer),
        }
        if validator.is_none_or(|v| v.is_valid(&tried)) {
            *body = tried;
            return Some(());
        }
    }
    set(body, pointer, Value::Null)
}

/// Sets the value at `pointer`, making the objects on the way; `None` where something other
/// than an object stands in the way.
fn set(body: &mut Value, pointer: &str, value: Value) -> Option<()> {
    let pointer = JsonPointer::parse(pointer)?;
    let Some((last, parents)) = pointer.tokens().split_last() else {
        *body = value;
        return Some(());
    };
    let mut at = body;
    for token in parents {
        let object = at.as_object_mut()?;
        at = object
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    at.as_object_mut()?.insert(last.clone(), value);
    Some(())
}

fn remove(body: &mut Value, pointer: &str) {
    let Some(pointer) = JsonPointer::parse(pointer) else {
        return;
    };
    let Some((last, parents)) = pointer.tokens().split_last() else {
        return;
    };
    let mut at = body;
    for token in parents {
        match at.get_mut(token.as_str()) {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Some(object) = at.as_object_mut() {
        object.remove(last.as_str());
    }
}

fn encode_cursor(start: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{start}"))
}

/// The position a cursor of the mock's names: its own opaque text, or a plain number.
fn decode_cursor(given: &Value) -> Option<usize> {
    match given {
        Value::Number(number) => number.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(text) => {
            if let Ok(number) = text.parse() {
                return Some(number);
            }
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text)
                .ok()?;
            String::from_utf8(bytes)
                .ok()?
                .strip_prefix(CURSOR_PREFIX)?
                .parse()
                .ok()
        }
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cursors_round_trip_and_strangers_start_the_list() {
        assert_eq!(decode_cursor(&json!(encode_cursor(4))), Some(4));
        assert_eq!(decode_cursor(&json!(7)), Some(7));
        assert_eq!(decode_cursor(&json!("made-up")), None);
    }

    #[test]
    fn values_are_set_and_removed_along_pointers() {
        let mut body = json!({"data": []});
        assert_eq!(set(&mut body, "/links/next", json!("u")), Some(()));
        assert_eq!(body, json!({"data": [], "links": {"next": "u"}}));
        remove(&mut body, "/links/next");
        assert_eq!(body, json!({"data": [], "links": {}}));
        assert_eq!(set(&mut body, "/data/x", json!(1)), None);
    }
}
