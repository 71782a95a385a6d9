//! The pagination fixture's client walks each of its lists against a small server of this file
//! that records every request: exactly the pages each style needs are asked for, the walk ends
//! at the style's end marker, and errors, retries, limits and a dropped stream behave.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use callspec_runtime::reqwest::Url;
use fixture_tests::pagination::types::{
    ListChargesOptions, ListEventsOptions, ListOrdersOptions, ListPhotosOptions,
    ListProjectsOptions, ListProjectsSortBy, ListReposOptions, ListWidgetsOptions,
};
use fixture_tests::pagination::{Client, Error, StreamExt};
use serde_json::{json, Value};

/// How many items each list holds.
const ITEMS: usize = 5;

/// How the server misbehaves, when it does.
#[derive(Debug, Clone, Copy, Default)]
struct Scenario {
    /// A request whose query is this gets a 400.
    fail: Option<&'static str>,
    /// `listWidgets` always gives this cursor.
    repeat_cursor: Option<&'static str>,
    /// The first request whose query is this gets a 429 (`Retry-After: 0`).
    throttle_once: Option<&'static str>,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Seen {
    /// Path and query.
    target: String,
    authorization: Option<String>,
    body: String,
}

/// A running server and every request it received, in order.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start(scenario: Scenario) -> Self {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let throttled = Arc::new(Mutex::new(false));
        let record = seen.clone();
        let app =
            axum::Router::new().fallback(move |headers: HeaderMap, uri: Uri, body: String| {
                let (record, throttled) = (record.clone(), throttled.clone());
                async move {
                    let query = uri.query().unwrap_or_default().to_owned();
                    if let Ok(mut seen) = record.lock() {
                        seen.push(Seen {
                            target: uri
                                .path_and_query()
                                .map_or_else(String::new, |pq| pq.to_string()),
                            authorization: headers
                                .get("authorization")
                                .and_then(|value| value.to_str().ok())
                                .map(str::to_owned),
                            body,
                        });
                    }
                    let host = headers
                        .get("host")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    if scenario.throttle_once == Some(query.as_str()) {
                        if let Ok(mut throttled) = throttled.lock() {
                            if !*throttled {
                                *throttled = true;
                                return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "0")], "")
                                    .into_response();
                            }
                        }
                    }
                    if scenario.fail == Some(query.as_str()) {
                        return json_response(
                            StatusCode::BAD_REQUEST,
                            &[],
                            &json!({"message": "broken page"}),
                        );
                    }
                    page(uri.path(), &parameters(&query), scenario)
                        .or_else(|| edge_page(uri.path(), &parameters(&query), &host))
                        .unwrap_or_else(|| {
                            json_response(
                                StatusCode::NOT_FOUND,
                                &[],
                                &json!({"message": "no such list"}),
                            )
                        })
                }
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{addr}"),
            seen,
        }
    }

    fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// The path and query of every request.
    fn seen(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .map(|seen| seen.target)
            .collect()
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
    }
}

fn parameters(query: &str) -> HashMap<String, String> {
    Url::parse(&format!("http://h/?{query}"))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

fn number(parameters: &HashMap<String, String>, name: &str, default: usize) -> usize {
    parameters
        .get(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn json_response(status: StatusCode, headers: &[(&'static str, String)], body: &Value) -> Response {
    let mut response = (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response();
    for (name, value) in headers {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(*name, value);
        }
    }
    response
}

/// The page each list of the pagination fixture answers, from the parameters of the request.
fn page(path: &str, query: &HashMap<String, String>, scenario: Scenario) -> Option<Response> {
    let size = number(query, "limit", 2);
    let ok = |body: Value| json_response(StatusCode::OK, &[], &body);
    let response = match path {
        "/widgets" => {
            let start = number(query, "cursor", 0);
            let end = (start + size).min(ITEMS);
            let data: Vec<Value> = (start..end)
                .map(|n| json!({"id": format!("w{n}"), "name": "widget"}))
                .collect();
            let next = match scenario.repeat_cursor {
                Some(cursor) => json!(cursor),
                None if end < ITEMS => json!(end.to_string()),
                None => Value::Null,
            };
            ok(json!({"data": data, "next_cursor": next}))
        }
        "/charges" => {
            let start = query
                .get("starting_after")
                .and_then(|id| id.strip_prefix("ch_")?.parse().ok())
                .unwrap_or(0);
            let end = (start + size).min(ITEMS);
            let data: Vec<Value> = (start + 1..=end)
                .map(|n| json!({"id": format!("ch_{n}"), "amount": n * 100}))
                .collect();
            ok(json!({"object": "list", "data": data, "has_more": end < ITEMS}))
        }
        "/orders" => {
            let start = number(query, "offset", 0);
            let end = (start + size).min(ITEMS);
            let orders: Vec<Value> = (start..end).map(|n| json!({"id": n})).collect();
            ok(json!({"orders": orders, "total": ITEMS}))
        }
        "/photos" => {
            let per_page = number(query, "per_page", 2);
            let page = number(query, "page", 1);
            let start = (page - 1) * per_page;
            let photos: Vec<Value> = (start..(start + per_page).min(ITEMS))
                .map(|n| json!({"id": n, "url": format!("/p/{n}.jpg")}))
                .collect();
            ok(json!({"photos": photos, "total_pages": ITEMS.div_ceil(per_page)}))
        }
        "/events" => {
            let start = number(query, "after", 0);
            let end = (start + 2).min(ITEMS);
            let events: Vec<Value> = (start..end)
                .map(|n| json!({"id": format!("e{n}"), "kind": "created"}))
                .collect();
            // A path relative to the page's URL, then a query alone, then no next page.
            let next = match start {
                0 => json!("events?after=2"),
                _ if end < ITEMS => json!(format!("?after={end}")),
                _ => Value::Null,
            };
            ok(json!({"events": events, "links": {"next": next}}))
        }
        "/repos" => {
            let per_page = number(query, "per_page", 2);
            let page = number(query, "page", 1);
            let start = (page - 1) * per_page;
            let repos: Vec<Value> = (start..(start + per_page).min(ITEMS))
                .map(|n| json!({"id": n, "full_name": format!("acme/r{n}")}))
                .collect();
            let last = ITEMS.div_ceil(per_page);
            let mut link = format!(r#"</repos?page=1&per_page={per_page}>; rel="first""#);
            if page < last {
                link.push_str(&format!(
                    r#", </repos?page={}&per_page={per_page}>; rel="next""#,
                    page + 1
                ));
            }
            json_response(StatusCode::OK, &[("link", link)], &json!(repos))
        }
        "/projects" => {
            let start = query
                .get("page_token")
                .and_then(|token| token.strip_prefix('t')?.parse().ok())
                .unwrap_or(0);
            let end = (start + size).min(ITEMS);
            let items: Vec<Value> = (start..end)
                .map(|n| {
                    json!({"id": format!("00000000-0000-4000-8000-00000000000{n}"), "name": format!("p{n}")})
                })
                .collect();
            let next = (end < ITEMS).then(|| format!("t{end}"));
            ok(json!({"items": items, "next_page": next}))
        }
        _ => return None,
    };
    Some(response)
}

/// The page each list of the pagination edges fixture answers.
fn edge_page(path: &str, query: &HashMap<String, String>, host: &str) -> Option<Response> {
    let ok = |body: Value| Some(json_response(StatusCode::OK, &[], &body));
    let size = number(query, "limit", 2);
    match path {
        "/teams/a%20b/members" if query.get("role").map(String::as_str) == Some("admin") => {
            let start = number(query, "page", 0) * 2;
            let members: Vec<Value> = (start..(start + 2).min(3))
                .map(|n| json!({"id": format!("m{n}")}))
                .collect();
            ok(json!({"members": members}))
        }
        "/audit" => {
            let start = number(query, "after", 0);
            let end = (start + size).min(ITEMS);
            let entries: Vec<String> = (start..end).map(|n| format!("a{n}")).collect();
            let next =
                (end < ITEMS).then(|| format!("http://{host}/audit?limit={size}&after={end}"));
            ok(json!({"entries": entries, "next": next}))
        }
        "/items/search" => {
            let start = number(query, "cursor", 0);
            let end = (start + 2).min(ITEMS);
            let results: Vec<Value> = (start..end)
                .map(|n| json!({"id": format!("i{n}")}))
                .collect();
            let cursor = (end < ITEMS).then(|| end.to_string());
            ok(json!({"results": results, "cursor": cursor}))
        }
        "/tags" => {
            let start = query
                .get("after")
                .and_then(|name| name.strip_prefix('t')?.parse::<usize>().ok())
                .map_or(0, |n| n + 1);
            let tags: Vec<Value> = (start..(start + 2).min(ITEMS))
                .map(|n| json!({"name": format!("t{n}")}))
                .collect();
            ok(json!(tags))
        }
        "/tokens" => {
            let start = query
                .get("page_token")
                .and_then(|token| token.parse().ok())
                .unwrap_or(0);
            let end = (start + size).min(ITEMS);
            let items: Vec<String> = (start..end).map(|n| format!("k{n}")).collect();
            ok(json!({"items": items, "next_page": (end < ITEMS).then(|| end.to_string())}))
        }
        _ => None,
    }
}

/// Every item of `stream`, errors included.
async fn drain<S: StreamExt + Unpin>(stream: S) -> Vec<S::Item> {
    stream.collect().await
}

fn ids<T, E: std::fmt::Debug>(items: Vec<Result<T, E>>, id: impl Fn(&T) -> String) -> Vec<String> {
    items
        .into_iter()
        .map(|item| match item {
            Ok(item) => id(&item),
            Err(error) => panic!("an item, not {error:?}"),
        })
        .collect()
}

#[tokio::test]
async fn a_body_cursor_is_followed_until_the_page_without_one() {
    let server = Server::start(Scenario::default()).await;
    let options = ListWidgetsOptions {
        limit: Some(2),
        color: Some("red".into()),
        ..Default::default()
    };
    let items = drain(server.client().list_widgets_stream(options)).await;
    assert_eq!(ids(items, |w| w.id.clone()), ["w0", "w1", "w2", "w3", "w4"]);
    assert_eq!(
        server.seen(),
        [
            "/widgets?limit=2&color=red",
            "/widgets?limit=2&cursor=2&color=red",
            "/widgets?limit=2&cursor=4&color=red",
        ]
    );
}

#[tokio::test]
async fn the_last_item_is_the_cursor_until_has_more_is_false() {
    let server = Server::start(Scenario::default()).await;
    let options = ListChargesOptions {
        limit: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_charges_stream(options)).await;
    assert_eq!(
        ids(items, |c| c.id.clone()),
        ["ch_1", "ch_2", "ch_3", "ch_4", "ch_5"]
    );
    assert_eq!(
        server.seen(),
        [
            "/charges?limit=2",
            "/charges?limit=2&starting_after=ch_2",
            "/charges?limit=2&starting_after=ch_4",
        ]
    );
}

#[tokio::test]
async fn offsets_count_the_items_seen_until_the_total() {
    let server = Server::start(Scenario::default()).await;
    let options = ListOrdersOptions {
        limit: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_orders_stream(options)).await;
    assert_eq!(ids(items, |o| o.id.to_string()), ["0", "1", "2", "3", "4"]);
    assert_eq!(
        server.seen(),
        [
            "/orders?limit=2",
            "/orders?offset=2&limit=2",
            "/orders?offset=4&limit=2",
        ]
    );
}

#[tokio::test]
async fn page_numbers_go_up_to_total_pages_and_a_start_is_kept() {
    let server = Server::start(Scenario::default()).await;
    let options = ListPhotosOptions {
        per_page: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_photos_stream(options)).await;
    assert_eq!(ids(items, |p| p.id.to_string()), ["0", "1", "2", "3", "4"]);
    let resumed = ListPhotosOptions {
        page: Some(2),
        per_page: Some(2),
    };
    let items = drain(server.client().list_photos_stream(resumed)).await;
    assert_eq!(ids(items, |p| p.id.to_string()), ["2", "3", "4"]);
    assert_eq!(
        server.seen(),
        [
            "/photos?per_page=2",
            "/photos?page=2&per_page=2",
            "/photos?page=3&per_page=2",
            "/photos?page=2&per_page=2",
            "/photos?page=3&per_page=2",
        ]
    );
}

#[tokio::test]
async fn a_next_url_in_the_body_is_resolved_against_the_page_that_gives_it() {
    let server = Server::start(Scenario::default()).await;
    let items = drain(
        server
            .client()
            .list_events_stream(ListEventsOptions::default()),
    )
    .await;
    assert_eq!(ids(items, |e| e.id.clone()), ["e0", "e1", "e2", "e3", "e4"]);
    assert_eq!(
        server.seen(),
        ["/events", "/events?after=2", "/events?after=4"]
    );
}

#[tokio::test]
async fn the_link_header_is_followed_until_it_has_no_next() {
    let server = Server::start(Scenario::default()).await;
    let options = ListReposOptions {
        per_page: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_repos_stream(options)).await;
    assert_eq!(
        ids(items, |r| r.full_name.clone()),
        ["acme/r0", "acme/r1", "acme/r2", "acme/r3", "acme/r4"]
    );
    assert_eq!(
        server.seen(),
        [
            "/repos?per_page=2",
            "/repos?page=2&per_page=2",
            "/repos?page=3&per_page=2",
        ]
    );
}

#[tokio::test]
async fn dropshot_pages_send_only_the_token_and_the_page_size_after_the_first() {
    let server = Server::start(Scenario::default()).await;
    let options = ListProjectsOptions {
        limit: Some(2),
        sort_by: Some(ListProjectsSortBy::NameAscending),
        ..Default::default()
    };
    let items = drain(server.client().list_projects_stream(options)).await;
    assert_eq!(
        ids(items, |p| p.name.clone()),
        ["p0", "p1", "p2", "p3", "p4"]
    );
    assert_eq!(
        server.seen(),
        [
            "/projects?limit=2&sort_by=name_ascending",
            "/projects?limit=2&page_token=t2",
            "/projects?limit=2&page_token=t4",
        ]
    );
}

#[tokio::test]
async fn an_error_on_page_three_is_the_third_item_and_the_last() {
    let server = Server::start(Scenario {
        fail: Some("limit=1&cursor=2"),
        ..Scenario::default()
    })
    .await;
    let options = ListWidgetsOptions {
        limit: Some(1),
        ..Default::default()
    };
    let items = drain(server.client().list_widgets_stream(options)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(matches!(&items[0], Ok(w) if w.id == "w0"), "{items:?}");
    assert!(matches!(&items[1], Ok(w) if w.id == "w1"), "{items:?}");
    match &items[2] {
        Err(Error::ErrorResponse(error)) => {
            assert_eq!(error.status().as_u16(), 400);
            assert_eq!(error.message, "broken page");
        }
        other => panic!("the documented error: {other:?}"),
    }
    assert_eq!(
        server.seen(),
        [
            "/widgets?limit=1",
            "/widgets?limit=1&cursor=1",
            "/widgets?limit=1&cursor=2",
        ]
    );
}

#[tokio::test]
async fn a_dropped_stream_asks_for_no_further_page() {
    let server = Server::start(Scenario::default()).await;
    let client = server.client();
    let options = ListWidgetsOptions {
        limit: Some(1),
        ..Default::default()
    };
    let mut stream = client.list_widgets_stream(options);
    let first = stream.next().await;
    assert!(matches!(&first, Some(Ok(w)) if w.id == "w0"), "{first:?}");
    drop(stream);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(server.seen(), ["/widgets?limit=1"]);
    // Nothing is sent before the stream is polled, either.
    let untouched = client.list_widgets_stream(ListWidgetsOptions::default());
    drop(untouched);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn all_stops_requesting_once_it_has_its_limit() {
    let server = Server::start(Scenario::default()).await;
    let client = server.client();
    let options = ListWidgetsOptions {
        limit: Some(2),
        ..Default::default()
    };
    let three = client.list_widgets_all(options.clone(), 3).await;
    let three = three.unwrap_or_else(|error| panic!("three widgets: {error}"));
    let three: Vec<&str> = three.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(three, ["w0", "w1", "w2"]);
    assert_eq!(
        server.seen(),
        ["/widgets?limit=2", "/widgets?limit=2&cursor=2"]
    );
    let none = client.list_widgets_all(options.clone(), 0).await;
    assert!(matches!(&none, Ok(items) if items.is_empty()), "{none:?}");
    assert_eq!(server.seen().len(), 2, "no request for no item");
    let every = client.list_widgets_all(options, 100).await;
    assert!(
        matches!(&every, Ok(items) if items.len() == ITEMS),
        "{every:?}"
    );
}

#[tokio::test]
async fn a_throttled_page_is_retried_as_the_policy_says() {
    let server = Server::start(Scenario {
        throttle_once: Some("offset=2&limit=2"),
        ..Scenario::default()
    })
    .await;
    let options = ListOrdersOptions {
        limit: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_orders_stream(options)).await;
    assert_eq!(ids(items, |o| o.id.to_string()), ["0", "1", "2", "3", "4"]);
    assert_eq!(
        server.seen(),
        [
            "/orders?limit=2",
            "/orders?offset=2&limit=2",
            "/orders?offset=2&limit=2",
            "/orders?offset=4&limit=2",
        ]
    );
    // Without retries, the 429 is the stream's last item.
    let server = Server::start(Scenario {
        throttle_once: Some("offset=2&limit=2"),
        ..Scenario::default()
    })
    .await;
    let client = server
        .client()
        .with_retry_policy(fixture_tests::pagination::RetryPolicy::none());
    let options = ListOrdersOptions {
        limit: Some(2),
        ..Default::default()
    };
    let items = drain(client.list_orders_stream(options)).await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        matches!(&items[2], Err(error) if error.status().map(|s| s.as_u16()) == Some(429)),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_walk_with_an_error() {
    let server = Server::start(Scenario {
        repeat_cursor: Some("again"),
        ..Scenario::default()
    })
    .await;
    let options = ListWidgetsOptions {
        limit: Some(2),
        ..Default::default()
    };
    let items = drain(server.client().list_widgets_stream(options)).await;
    assert_eq!(
        items.len(),
        5,
        "two pages of two, then the error: {items:?}"
    );
    assert!(items[..4].iter().all(Result::is_ok), "{items:?}");
    match &items[4] {
        Err(error @ Error::InvalidResponsePayload { .. }) => {
            assert!(error.to_string().contains("repeats"), "{error}");
        }
        other => panic!("the walk's error: {other:?}"),
    }
    assert_eq!(
        server.seen(),
        ["/widgets?limit=2", "/widgets?limit=2&cursor=again"]
    );
}

#[tokio::test]
async fn borrowed_arguments_go_with_every_page_and_a_required_page_number_starts_at_first() {
    use fixture_tests::pagination_edges::Client;
    let server = Server::start(Scenario::default()).await;
    let client = Client::new(&server.base);
    let items = drain(client.list_members_stream("a b", "admin")).await;
    assert_eq!(ids(items, |m| m.id.clone()), ["m0", "m1", "m2"]);
    // Without a total, the empty page is the end.
    assert_eq!(
        server.seen(),
        [
            "/teams/a%20b/members?page=0&role=admin",
            "/teams/a%20b/members?page=1&role=admin",
            "/teams/a%20b/members?page=2&role=admin",
        ]
    );
}

#[tokio::test]
async fn every_page_of_a_next_url_carries_the_credentials() {
    use fixture_tests::pagination_edges::types::ListAuditOptions;
    use fixture_tests::pagination_edges::Client;
    let server = Server::start(Scenario::default()).await;
    let client = Client::new(&server.base).with_token("s3cret");
    let options = ListAuditOptions { limit: Some(2) };
    let all = client.list_audit_all(options, 100).await;
    assert_eq!(
        all.unwrap_or_else(|error| panic!("the audit entries: {error}")),
        ["a0", "a1", "a2", "a3", "a4"]
    );
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|seen| seen.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/audit?limit=2",
            "/audit?limit=2&after=2",
            "/audit?limit=2&after=4"
        ]
    );
    assert!(
        requests
            .iter()
            .all(|seen| seen.authorization.as_deref() == Some("Bearer s3cret")),
        "{requests:?}"
    );
}

#[tokio::test]
#[allow(deprecated)]
async fn a_body_goes_with_every_page() {
    use fixture_tests::pagination_edges::types::{SearchItemsBody, SearchItemsOptions};
    use fixture_tests::pagination_edges::Client;
    let server = Server::start(Scenario::default()).await;
    let client = Client::new(&server.base);
    let body = SearchItemsBody {
        query: "bolts".into(),
    };
    let items = drain(client.search_items_stream(&body, SearchItemsOptions::default())).await;
    drop(body);
    assert_eq!(ids(items, |m| m.id.clone()), ["i0", "i1", "i2", "i3", "i4"]);
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|seen| seen.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/items/search",
            "/items/search?cursor=2",
            "/items/search?cursor=4"
        ]
    );
    assert!(
        requests
            .iter()
            .all(|seen| seen.body == r#"{"query":"bolts"}"#),
        "{requests:?}"
    );
}

#[tokio::test]
async fn a_last_item_cursor_without_has_more_ends_at_the_empty_page() {
    use fixture_tests::pagination_edges::types::ListTagsOptions;
    use fixture_tests::pagination_edges::Client;
    let server = Server::start(Scenario::default()).await;
    let client = Client::new(&server.base);
    let items = drain(client.list_tags_stream2(ListTagsOptions::default())).await;
    assert_eq!(
        ids(items, |t| t.name.clone()),
        ["t0", "t1", "t2", "t3", "t4"]
    );
    assert_eq!(
        server.seen(),
        [
            "/tags",
            "/tags?after=t1",
            "/tags?after=t3",
            "/tags?after=t4"
        ]
    );
}

#[tokio::test]
async fn dropshot_with_only_a_page_size_keeps_it_on_every_page() {
    use fixture_tests::pagination_edges::types::ListTokensOptions;
    use fixture_tests::pagination_edges::Client;
    let server = Server::start(Scenario::default()).await;
    let client = Client::new(&server.base);
    let options = ListTokensOptions {
        limit: Some(3),
        page_token: None,
    };
    let items = drain(client.list_tokens_stream(options)).await;
    assert_eq!(ids(items, Clone::clone), ["k0", "k1", "k2", "k3", "k4"]);
    assert_eq!(
        server.seen(),
        ["/tokens?limit=3", "/tokens?limit=3&page_token=3"]
    );
}
