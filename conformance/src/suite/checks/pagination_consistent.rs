//! `pagination_consistent`: a paginated list, walked page by page, ends and shows no item twice.
//! Switched on by what the spec documents on a `GET`: a cursor (a query parameter such as
//! `cursor`, `page_token` or `starting_after`, fed from a body property such as `next_cursor`),
//! a next link in the body (`next`, `links.next`, `_links.next.href`), a `Link` header, or a
//! page number (`page`). The page size is set small, where the spec names one, so that the
//! resources the run created fill several pages.

use std::collections::BTreeSet;

use codegen::api::{Location, Method, Operation, RouteMatch};
use codegen::load::JsonPointer;
use serde_json::Value;

use super::{CheckInfo, Context};
use crate::contract::Contract;
use crate::http::Request;
use crate::suite::exchange::Exchange;
use crate::suite::outcome::Finding;

pub const INFO: CheckInfo = CheckInfo {
    name: "pagination_consistent",
    summary: "a paginated list ends, never returns to a page it showed, and shows no item twice",
};

/// The most pages walked; a list may be longer than that, which is no finding.
const MOST_PAGES: usize = 20;

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
const SIZE_PARAMETERS: [&str; 6] = [
    "limit",
    "per_page",
    "perPage",
    "page_size",
    "pageSize",
    "size",
];
const ITEM_PROPERTIES: [&str; 6] = ["items", "data", "results", "entries", "records", "values"];

/// How an operation pages, as its spec says.
#[derive(Debug, Clone, PartialEq)]
enum Paging {
    /// The query parameter `parameter` takes the body's value at `next`.
    Cursor { parameter: String, next: String },
    /// The next page's URL is in the body at this pointer.
    NextLink(String),
    /// The next page's URL is the `Link` header's `rel="next"`.
    LinkHeader,
    /// The query parameter counts pages from 1.
    PageNumber(String),
}

fn paging(contract: &Contract, operation: &Operation) -> Option<Paging> {
    if operation.method != Method::Get {
        return None;
    }
    let query = |names: &[&str]| {
        operation
            .parameters
            .iter()
            .find(|p| p.location == Location::Query && names.contains(&p.name.as_str()))
            .map(|p| p.name.clone())
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
            .find(|name| contract.property_schema(&schema, name).is_some())
            .map(|name| format!("/{name}"))
    };
    if let (Some(parameter), Some(next)) = (query(&CURSOR_PARAMETERS), property(&CURSOR_PROPERTIES))
    {
        return Some(Paging::Cursor { parameter, next });
    }
    if success
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("link"))
    {
        return Some(Paging::LinkHeader);
    }
    for (outer, inner) in [
        ("next", None),
        ("links", Some("next")),
        ("_links", Some("next")),
    ] {
        let Some(at) = contract.property_schema(&schema, outer) else {
            continue;
        };
        match inner {
            None => return Some(Paging::NextLink(format!("/{outer}"))),
            Some(inner) if contract.property_schema(&at, inner).is_some() => {
                let href = contract
                    .property_schema(&at.join("properties").join(inner), "href")
                    .is_some()
                    || outer == "_links";
                let suffix = if href { "/href" } else { "" };
                return Some(Paging::NextLink(format!("/{outer}/{inner}{suffix}")));
            }
            Some(_) => {}
        }
    }
    query(&["page"]).map(Paging::PageNumber)
}

pub async fn run(context: &Context<'_>) {
    for (_, operation) in context.contract.api.served() {
        if let Some(paging) = paging(context.contract, operation) {
            walk(context, operation, &paging).await;
        }
    }
}

async fn walk(context: &Context<'_>, operation: &Operation, paging: &Paging) {
    let name = INFO.name;
    let label = &operation.label;
    let Some(planner) = context.planner(label) else {
        return;
    };
    // Small pages, so that a few items make several.
    let size: Vec<(String, Value)> = operation
        .parameters
        .iter()
        .filter(|p| p.location == Location::Query && SIZE_PARAMETERS.contains(&p.name.as_str()))
        .filter_map(|p| {
            let validator = context.contract.parameter_validator(p)?;
            [1, 2, 5, 10]
                .into_iter()
                .map(Value::from)
                .find(|v| validator.is_valid(v))
                .map(|v| (format!("query.{}", p.name), v))
        })
        .collect();
    let Some(first) = planner.valid_with(&size, context.token()) else {
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
    let mut page_number = 1u64;
    let mut empty_in_a_row = 0;
    let mut previous_page: Option<Vec<Value>> = None;
    let asked = size.first().and_then(|(_, v)| v.as_u64());
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
        let items = items(&body);
        // A server may answer a page number past the end with the last page again: the end,
        // not a repeat.
        if matches!(paging, Paging::PageNumber(_)) && previous_page.as_deref() == Some(items) {
            context.ledger().examined(name, label);
            return;
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
        let next = match paging {
            Paging::Cursor { parameter, next } => {
                match body.pointer(next).filter(|v| !v.is_null() && *v != "") {
                    Some(cursor) if !items.is_empty() => {
                        let mut values = size.clone();
                        values.push((format!("query.{parameter}"), cursor.clone()));
                        planner.valid_with(&values, context.token())
                    }
                    _ => None,
                }
            }
            Paging::NextLink(pointer) => body
                .pointer(pointer)
                .and_then(Value::as_str)
                .and_then(|url| follow(context, &call, url)),
            Paging::LinkHeader => answer
                .header("link")
                .and_then(next_link)
                .and_then(|url| follow(context, &call, &url)),
            Paging::PageNumber(parameter) => {
                page_number += 1;
                // Fewer items than the page size asked for: the last page.
                let short = asked.is_some_and(|size| (items.len() as u64) < size);
                if items.is_empty() || short {
                    None
                } else {
                    let mut values = size.clone();
                    values.push((format!("query.{parameter}"), Value::from(page_number)));
                    planner.valid_with(&values, context.token())
                }
            }
        };
        previous_page = Some(items.to_vec());
        let Some(next) = next else {
            context.ledger().examined(name, label);
            return;
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

/// The items of a page: the body if it is an array, else its first array property among the
/// usual names (or any).
fn items(body: &Value) -> &[Value] {
    match body {
        Value::Array(items) => items,
        Value::Object(fields) => ITEM_PROPERTIES
            .iter()
            .find_map(|name| fields.get(*name).and_then(Value::as_array))
            .or_else(|| fields.values().find_map(Value::as_array))
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
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
