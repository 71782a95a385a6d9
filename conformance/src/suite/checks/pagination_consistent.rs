//! `pagination_consistent`: a paginated list, walked page by page, ends and shows no item twice.
//! Switched on by the reading's `pagination` of an operation: declared (`x-pagination`),
//! recognised (`x-dropshot-pagination`) or guessed from the usual names; a malformed declaration
//! is the reading's warning, not walked. Every way to the next page is followed: a cursor from
//! the body or from the last item (with its `has_more` flag), an offset (up to `total`), a page
//! number (up to `total_pages`), a next URL in the body and the `Link` header's `rel="next"`.
//! The page size is set small, where the spec names its parameter, so that the resources the
//! run created fill several pages.

use std::collections::BTreeSet;

use codegen::api::{CursorSource, Method, NextPage, Operation, Origin, Pagination, RouteMatch};
use serde_json::Value;

use super::{CheckInfo, Context};
use crate::contract::Contract;
use crate::http::{Request, Response};
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;
use crate::suite::plan::Planner;

pub const INFO: CheckInfo = CheckInfo {
    name: "pagination_consistent",
    summary: "a paginated list ends, never returns to a page it showed, and shows no item twice",
};

/// The most pages walked; a list may be longer than that, which is no finding.
const MOST_PAGES: usize = 20;

pub async fn run(context: &Context<'_>) {
    for (_, operation) in context.contract.api.served() {
        let Some(Ok(pagination)) = &operation.pagination else {
            continue;
        };
        // A guess is only ever made on a `GET`; what a spec declares on another method (a
        // search by `POST`) is its word that reading pages changes nothing.
        if pagination.origin == Origin::Guessed && operation.method != Method::Get {
            continue;
        }
        walk(context, operation, pagination).await;
    }
}

/// One walk: the pages seen so far and where the next one starts.
struct Walk<'a> {
    context: &'a Context<'a>,
    operation: &'a Operation,
    planner: Planner<'a>,
    /// The page size asked for, as its query parameter override.
    size: Vec<(String, Value)>,
    /// Items counted from the start of the list, for offsets.
    offset: u64,
    /// The number of the page last asked for, and of the first page.
    page_number: u64,
    first_page: u64,
}

/// What a page says of the next one.
enum Next {
    /// The list ends here.
    End,
    /// The request for the next page.
    Page(Request),
    /// A page that says the list goes on but gives no way to the rest.
    Broken(String),
}

async fn walk(context: &Context<'_>, operation: &Operation, pagination: &Pagination) {
    let name = INFO.name;
    let label = &operation.label;
    let Some(planner) = context.planner(label) else {
        return;
    };
    // Small pages, so that a few items make several.
    let size: Vec<(String, Value)> = pagination
        .page_size
        .and_then(|index| operation.parameters.get(index))
        .and_then(|p| {
            let validator = context.contract.parameter_validator(p)?;
            [1, 2, 5, 10]
                .into_iter()
                .map(Value::from)
                .find(|v| validator.is_valid(v))
                .map(|v| (format!("query.{}", p.name), v))
        })
        .into_iter()
        .collect();
    let asked = size.first().and_then(|(_, v)| v.as_u64());
    let mut state = Walk {
        context,
        operation,
        planner,
        size,
        offset: 0,
        page_number: 0,
        first_page: 0,
    };
    let Some(first) = state.first(pagination) else {
        context.ledger().skip(
            name,
            label,
            "no valid request could be made up from the spec",
        );
        return;
    };
    let mut call = first;
    let mut seen_items: BTreeSet<String> = BTreeSet::new();
    let mut seen_pages: BTreeSet<String> = BTreeSet::new();
    let mut empty_in_a_row = 0;
    let mut previous_page: Option<Vec<Value>> = None;
    for page in 1..=MOST_PAGES {
        seen_pages.insert(call.path.clone());
        let purpose = format!("page {page} of the list");
        let exchange = context.target.send(label, &purpose, call.clone()).await;
        let Some(answer) = exchange.response() else {
            return;
        };
        if !(200..300).contains(&answer.status) {
            if page == 1 {
                let reason = format!("the first page was answered {}", answer.status);
                context.ledger().skip(name, label, &reason);
            }
            return;
        }
        let body = answer.json_body().unwrap_or(Value::Null);
        let items = items(&body, &pagination.items);
        // A server may answer a page number past the end with the last page again: the end,
        // not a repeat, unless the page count it gives says there are more pages.
        if let NextPage::PageNumber { total_pages, .. } = &pagination.next {
            let more = total_pages
                .as_deref()
                .and_then(|at| body.pointer(at))
                .and_then(Value::as_u64)
                .is_some_and(|pages| state.page_number < state.first_page.saturating_add(pages));
            if !more && previous_page.as_deref() == Some(items) {
                context.ledger().examined(name, label);
                return;
            }
        }
        for item in items {
            let key = item
                .get("id")
                .map_or_else(|| item.to_string(), Value::to_string);
            if !seen_items.insert(key.clone()) {
                return fail(
                    context,
                    label,
                    &exchange,
                    format!("page {page} shows again the item {key} an earlier page showed"),
                );
            }
        }
        let next = state.next(pagination, &call, answer, &body, items, asked);
        previous_page = Some(items.to_vec());
        let next = match next {
            Next::End => {
                context.ledger().examined(name, label);
                return;
            }
            Next::Broken(why) => {
                return fail(context, label, &exchange, format!("page {page} {why}"));
            }
            Next::Page(next) => next,
        };
        if !pages_this_list(context.contract, operation, &next) {
            // Judged here rather than sent: its answer would be held to this operation's
            // statuses, though it addresses another or none.
            return fail(
                context,
                label,
                &exchange,
                format!(
                    "page {page}'s next link ({}) addresses no page of this list",
                    next.path
                ),
            );
        }
        // An empty page may precede a last one (a scan that found nothing this time); two in a
        // row that still point further say the list does not end.
        if items.is_empty() {
            empty_in_a_row += 1;
            if empty_in_a_row >= 2 {
                return fail(
                    context,
                    label,
                    &exchange,
                    format!("pages {} and {page} are empty and still point to a next page: the list never ends", page - 1),
                );
            }
        } else {
            empty_in_a_row = 0;
        }
        if seen_pages.contains(&next.path) {
            return fail(
                context,
                label,
                &exchange,
                format!(
                    "page {page} points back to a page already shown ({}): the list never ends",
                    next.path
                ),
            );
        }
        call = next;
    }
    // Longer than the walk: no finding.
    context.ledger().examined(name, label);
}

impl Walk<'_> {
    /// The request for the first page: the page size, and the first page number where pages
    /// are numbered (the server's default may be another).
    fn first(&mut self, pagination: &Pagination) -> Option<Request> {
        let mut values = self.size.clone();
        if let NextPage::PageNumber {
            parameter, first, ..
        } = &pagination.next
        {
            self.page_number = *first;
            self.first_page = *first;
            let accepted = self.operation.parameters.get(*parameter).filter(|p| {
                self.context
                    .contract
                    .parameter_validator(p)
                    .is_some_and(|v| v.is_valid(&Value::from(*first)))
            });
            if let Some(parameter) = accepted {
                values.push((format!("query.{}", parameter.name), Value::from(*first)));
            }
        }
        self.planner.valid_with(&values, self.context.token())
    }

    /// The request for the page after this one, as the list's way of paging says.
    fn next(
        &mut self,
        pagination: &Pagination,
        call: &Request,
        answer: &Response,
        body: &Value,
        items: &[Value],
        asked: Option<u64>,
    ) -> Next {
        let operation = self.operation;
        let parameter_name = |index: usize| {
            operation
                .parameters
                .get(index)
                .map(|p| format!("query.{}", p.name))
        };
        let seen = items.len() as u64;
        // Fewer items than the page size asked for: the last page, where nothing says more.
        let short = asked.is_some_and(|size| seen < size);
        let flag = |pointer: &Option<String>| {
            pointer
                .as_deref()
                .and_then(|p| body.pointer(p))
                .and_then(Value::as_bool)
        };
        let number = |pointer: &Option<String>| {
            pointer
                .as_deref()
                .and_then(|p| body.pointer(p))
                .and_then(Value::as_u64)
        };
        match &pagination.next {
            NextPage::Cursor {
                parameter,
                from,
                has_more,
                ..
            } => {
                let more = flag(has_more);
                if more == Some(false) {
                    return Next::End;
                }
                let has_more = has_more.as_deref().unwrap_or_default();
                let cursor = match from {
                    CursorSource::Body(pointer) => {
                        match body.pointer(pointer).filter(|v| !v.is_null() && *v != "") {
                            Some(cursor) => cursor.clone(),
                            None if more == Some(true) => {
                                return Next::Broken(format!(
                                    "says `{has_more}: true` but gives no cursor at `{pointer}`: the rest of the list cannot be asked for"
                                ))
                            }
                            None => return Next::End,
                        }
                    }
                    CursorSource::LastItem(pointer) => {
                        let Some(last) = items.last() else {
                            return if more == Some(true) {
                                Next::Broken(format!(
                                    "is empty but says `{has_more}: true`: no item to continue after"
                                ))
                            } else {
                                Next::End
                            };
                        };
                        match last.pointer(pointer).filter(|v| !v.is_null()) {
                            Some(cursor) => cursor.clone(),
                            None => {
                                return Next::Broken(format!(
                                    "ends with an item without `{pointer}`, the cursor of the next page"
                                ))
                            }
                        }
                    }
                };
                let Some(name) = parameter_name(*parameter) else {
                    return Next::End;
                };
                let mut values = self.size.clone();
                values.push((name, cursor));
                self.request(&values)
            }
            NextPage::Offset { parameter, total } => {
                self.offset += seen;
                let ended = match number(total) {
                    Some(total) => self.offset >= total,
                    None => short,
                };
                if seen == 0 || ended {
                    return Next::End;
                }
                let Some(name) = parameter_name(*parameter) else {
                    return Next::End;
                };
                let mut values = self.size.clone();
                values.push((name, Value::from(self.offset)));
                self.request(&values)
            }
            NextPage::PageNumber {
                parameter,
                first,
                total_pages,
            } => {
                let ended = match number(total_pages) {
                    Some(pages) => self.page_number + 1 >= first.saturating_add(pages),
                    None => short,
                };
                if seen == 0 || ended {
                    return Next::End;
                }
                self.page_number += 1;
                let Some(name) = parameter_name(*parameter) else {
                    return Next::End;
                };
                let mut values = self.size.clone();
                values.push((name, Value::from(self.page_number)));
                self.request(&values)
            }
            NextPage::BodyUrl(pointer) => match body
                .pointer(pointer)
                .and_then(Value::as_str)
                .filter(|url| !url.is_empty())
            {
                Some(url) => self.follow(call, url),
                None => Next::End,
            },
            NextPage::LinkHeader => match answer.header("link").and_then(next_link) {
                Some(url) => self.follow(call, &url),
                None => Next::End,
            },
        }
    }

    /// A valid request with these values; none (the end of the walk) when no valid request
    /// can be made up.
    fn request(&self, values: &[(String, Value)]) -> Next {
        self.planner
            .valid_with(values, self.context.token())
            .map_or(Next::End, Next::Page)
    }

    /// The request for the page at `url`; one on another server ends the walk.
    fn follow(&self, call: &Request, url: &str) -> Next {
        follow(self.context, call, url).map_or(Next::End, Next::Page)
    }
}

fn fail(context: &Context<'_>, label: &str, exchange: &Exchange, message: String) {
    context
        .ledger()
        .fail(Finding::new(INFO.name, label, message).seen_in(exchange));
}

/// Whether `next` (a followed link) addresses `operation` again, as the next page of a list must.
fn pages_this_list(contract: &Contract, operation: &Operation, next: &Request) -> bool {
    let (path, query) = next
        .path
        .split_once('?')
        .map_or((next.path.as_str(), None), |(path, query)| {
            (path, Some(query))
        });
    match contract.route(operation.method.as_str(), path, query) {
        RouteMatch::Found {
            operation: found, ..
        } => contract
            .api
            .operations
            .get(found)
            .is_some_and(|found| found.label == operation.label),
        _ => false,
    }
}

/// The items of a page: the array at the reading's pointer (the body itself for `""`).
fn items<'b>(body: &'b Value, pointer: &str) -> &'b [Value] {
    body.pointer(pointer)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The URL of `rel="next"` in a `Link` header (RFC 8288).
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (target, params) = link.trim().split_once(';')?;
        let next = params.split(';').any(|param| {
            let param = param.trim().replace(' ', "");
            param.eq_ignore_ascii_case("rel=\"next\"") || param.eq_ignore_ascii_case("rel=next")
        });
        next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

/// The request for the page at `url` (absolute, or relative to the server): the same request
/// with the path and query the URL gives, relative to the base URL.
fn follow(context: &Context<'_>, call: &Request, url: &str) -> Option<Request> {
    let base = reqwest::Url::parse(context.target.base_url()).ok()?;
    let target = base.join(url).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let path = target.path().strip_prefix(prefix).unwrap_or(target.path());
    let mut next = call.clone();
    next.path = match target.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn the_next_link_is_found_among_others() {
        let header = r#"<https://api.example.com/books?page=1>; rel="first", <https://api.example.com/books?page=3>; rel="next""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.example.com/books?page=3")
        );
        assert_eq!(next_link(r#"</b?page=2>; rel="prev""#), None);
    }
}
