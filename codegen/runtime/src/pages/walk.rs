//! What the spec says about one list's paging ([`Paging`]), and the rules that read each page by
//! it: where the next page is, and where the walk ends.
//!
//! The rules read a page as the server sent it (its JSON, its headers) and the URL it was
//! requested with, which carries the position and page size asked for; so nothing but the
//! cursors and URLs already followed is remembered from page to page.

use std::collections::HashSet;

use reqwest::header::HeaderMap;
use reqwest::Url;
use serde_json::Value;

use super::link_header::next_link;

/// How one operation's list pages (its `x-pagination`, or Dropshot's `x-dropshot-pagination`):
/// a constant in each generated `…_stream` method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// JSON pointer (RFC 6901) of the item array in the success body; `""` when the body is the
    /// array.
    pub items: &'static str,
    /// The query parameter that sets the page size, when the operation has one.
    pub page_size: Option<&'static str>,
    pub next: Next,
}

/// How the request for the next page is made from a page, and what ends the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The query parameter `parameter` takes a cursor from the page. The end: `has_more` (a
    /// boolean in the body) is `false`, or there is no cursor (absent, `null` or `""`; for a
    /// cursor in the last item, an empty page).
    Cursor {
        parameter: &'static str,
        from: CursorFrom,
        has_more: Option<&'static str>,
    },
    /// The query parameter `parameter` counts items from 0. The end: an empty page, the offset
    /// reaching `total` (a number in the body) or, when the body gives no total, a page shorter
    /// than the page size asked for.
    Offset {
        parameter: &'static str,
        total: Option<&'static str>,
    },
    /// The query parameter `parameter` counts pages from `first`. The end: an empty page, or the
    /// page numbered `total_pages` (a number in the body) counting from `first`.
    PageNumber {
        parameter: &'static str,
        first: u64,
        total_pages: Option<&'static str>,
    },
    /// The next page's URL, absolute or relative to the page's, is the string at this pointer
    /// of the body. The end: none there (absent, `null` or `""`).
    BodyUrl(&'static str),
    /// The next page's URL is the target of the `Link` header's `rel="next"` (RFC 8288). The
    /// end: no such link.
    LinkHeader,
}

/// Where a cursor is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorFrom {
    /// At this pointer of the body.
    Body(&'static str),
    /// At this pointer of the page's last item (Stripe's `starting_after`).
    LastItem(&'static str),
}

/// Where the next page is: a value for the query parameter the style names, or a URL.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Position {
    Parameter(Value),
    Url(Url),
}

/// One page as the rules read it.
pub(crate) struct Page<'p> {
    /// The URL the page was requested with.
    pub url: Option<&'p Url>,
    pub headers: &'p HeaderMap,
    /// The body, its items taken out.
    pub body: &'p Value,
    pub items: &'p [Value],
}

/// The walk of one list: the rules of its [`Paging`], and what they remember.
pub(crate) struct Walk {
    paging: &'static Paging,
    /// The cursors (as their text) or URLs requested so far: one coming back means the server
    /// would answer the same pages again, for ever.
    followed: HashSet<String>,
    /// The items of the page before, for the numbered styles: the same items again mean the
    /// server ignores the parameter that numbers them.
    previous: Option<Vec<Value>>,
}

impl Walk {
    pub fn new(paging: &'static Paging) -> Self {
        Self {
            paging,
            followed: HashSet::new(),
            previous: None,
        }
    }

    pub fn paging(&self) -> &'static Paging {
        self.paging
    }

    /// Where the page after `page` is; `None` at the end. `Err` says why the walk cannot go on
    /// although the page does not say it is the last.
    pub fn after(&mut self, page: &Page<'_>) -> Result<Option<Position>, String> {
        match self.paging.next {
            Next::Cursor {
                parameter,
                from,
                has_more,
            } => self.cursor(page, parameter, from, has_more),
            Next::Offset { parameter, total } => {
                let count = page.items.len() as u64;
                if count == 0 {
                    return Ok(None);
                }
                self.not_the_same_page(page.items, parameter)?;
                let next = query_number(page.url, parameter)
                    .unwrap_or(0)
                    .saturating_add(count);
                // A total is the server's own count, so a page cut short by a server-side
                // maximum does not end the walk when there is one.
                let last = match number_at(page.body, total) {
                    Some(total) => next >= total,
                    None => self.page_size(page.url).is_some_and(|asked| count < asked),
                };
                Ok((!last).then(|| Position::Parameter(next.into())))
            }
            Next::PageNumber {
                parameter,
                first,
                total_pages,
            } => {
                if page.items.is_empty() {
                    return Ok(None);
                }
                self.not_the_same_page(page.items, parameter)?;
                let number = query_number(page.url, parameter).unwrap_or(first);
                let last = number_at(page.body, total_pages)
                    .is_some_and(|total| number.saturating_sub(first).saturating_add(1) >= total);
                Ok((!last).then(|| Position::Parameter(number.saturating_add(1).into())))
            }
            Next::BodyUrl(pointer) => {
                let next = match page.body.pointer(pointer) {
                    None | Some(Value::Null) => return Ok(None),
                    Some(Value::String(text)) if text.is_empty() => return Ok(None),
                    Some(Value::String(text)) => text.as_str(),
                    Some(_) => return Err(format!("`{pointer}` is not a URL")),
                };
                self.follow(page.url, next, &format!("`{pointer}`"))
            }
            Next::LinkHeader => match next_link(page.headers) {
                None => Ok(None),
                Some(next) => self.follow(page.url, &next, "the `Link` header's `rel=\"next\"`"),
            },
        }
    }

    fn cursor(
        &mut self,
        page: &Page<'_>,
        parameter: &str,
        from: CursorFrom,
        has_more: Option<&str>,
    ) -> Result<Option<Position>, String> {
        if let Some(sent) = query_value(page.url, parameter) {
            self.followed.insert(sent);
        }
        let more = has_more
            .and_then(|pointer| page.body.pointer(pointer))
            .and_then(Value::as_bool);
        if more == Some(false) {
            return Ok(None);
        }
        let (cursor, place) = match from {
            CursorFrom::Body(pointer) => (page.body.pointer(pointer), "the body"),
            CursorFrom::LastItem(pointer) => (
                page.items.last().and_then(|item| item.pointer(pointer)),
                "the last item",
            ),
        };
        let Some(cursor) = cursor.filter(|cursor| !is_blank(cursor)) else {
            return match (more, has_more) {
                (Some(true), Some(pointer)) => Err(format!(
                    "`{pointer}` is true, but {place} gives no cursor for the next page"
                )),
                _ => Ok(None),
            };
        };
        if !self.followed.insert(text_of(cursor)) {
            return Err(format!(
                "the cursor for `{parameter}` repeats one already followed: the server would \
                 answer the same pages again"
            ));
        }
        Ok(Some(Position::Parameter(cursor.clone())))
    }

    /// The next page's URL, resolved against the URL of the page that gives it.
    fn follow(
        &mut self,
        base: Option<&Url>,
        next: &str,
        given_by: &str,
    ) -> Result<Option<Position>, String> {
        if let Some(base) = base {
            self.followed.insert(base.to_string());
        }
        let url = match base {
            Some(base) => base.join(next),
            None => Url::parse(next),
        }
        .map_err(|error| format!("the next page's URL in {given_by} does not parse: {error}"))?;
        // The client's credentials go with the request; a server's answer must not send them
        // elsewhere.
        if base.is_some_and(|base| base.origin() != url.origin()) {
            return Err(format!(
                "the next page's URL in {given_by} leads to another origin ({}), where this \
                 client's credentials are not sent",
                url.origin().ascii_serialization()
            ));
        }
        if !self.followed.insert(url.to_string()) {
            return Err(format!(
                "the next page's URL in {given_by} repeats one already followed: the server \
                 would answer the same pages again"
            ));
        }
        Ok(Some(Position::Url(url)))
    }

    fn not_the_same_page(&mut self, items: &[Value], parameter: &str) -> Result<(), String> {
        if self.previous.as_deref() == Some(items) {
            return Err(format!(
                "the page holds the same items as the page before: the server seems to ignore \
                 `{parameter}`"
            ));
        }
        self.previous = Some(items.to_vec());
        Ok(())
    }

    /// The page size the request asked for, when it asked.
    fn page_size(&self, url: Option<&Url>) -> Option<u64> {
        self.paging
            .page_size
            .and_then(|parameter| query_number(url, parameter))
    }
}

/// `null` and `""` say "no cursor", as an absent one does.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

/// A cursor as it goes into the query: a string as is, anything else as its JSON text.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn number_at(body: &Value, pointer: Option<&str>) -> Option<u64> {
    body.pointer(pointer?)?.as_u64()
}

/// The value of query parameter `name` in `url`, decoded.
fn query_value(url: Option<&Url>, name: &str) -> Option<String> {
    url?.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn query_number(url: Option<&Url>, name: &str) -> Option<u64> {
    query_value(url, name)?.trim().parse().ok()
}

#[cfg(test)]
mod tests;
