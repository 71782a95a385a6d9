//! Lists that page and answers that stream: the generic mock serves both as the spec says (one
//! page at a time in each way of paging, events and JSON lines from examples or made up), the
//! suite is silent against it, and the suite catches servers written here to get them wrong.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use codegen::LoadedSpec;
use conformance::mock::{Fixtures, Mock, MockOptions};
use conformance::suite::{run, CheckResult, Report, RunOptions, SuiteConfig, Verdict};
use serde_json::{json, Value};
use support::{spec, Caller, STATELESS};

const PAGINATION: &str = "codegen/tests/fixtures/pagination.yaml";
const STREAMS: &str = "conformance/tests/fixtures/streams.yaml";

/// The paged operations of the pagination fixture (`listBroken`'s extension is malformed).
const PAGED: [&str; 8] = [
    "listWidgets",
    "listCharges",
    "listOrders",
    "listPhotos",
    "listEvents",
    "listRepos",
    "listProjects",
    "searchWidgets",
];

async fn suite(spec: &LoadedSpec, base_url: &str) -> Report {
    let config = SuiteConfig {
        analysis: Default::default(),
        ..SuiteConfig::for_fixtures(&Fixtures::default(), base_url)
    };
    let options = RunOptions {
        seed: 1,
        max_examples: 2,
        ..RunOptions::default()
    };
    run(spec, &config, &options)
        .await
        .expect("the server is reachable")
}

fn result<'r>(report: &'r Report, check: &str, operation: &str) -> &'r CheckResult {
    report
        .results
        .iter()
        .find(|r| r.check == check && r.operation == operation)
        .unwrap_or_else(|| panic!("{check} judged {operation}\n{}", report.terminal()))
}

/// Every check but those a mock without state cannot pass is silent; `must_pass` passed.
fn assert_silent(report: &Report, must_pass: &[(&str, &str)]) {
    let failed: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed && !STATELESS.contains(&r.check))
        .map(|r| format!("{} {}: {:?}", r.check, r.operation, r.findings))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}\n{}", report.terminal());
    for (check, operation) in must_pass {
        let found = result(report, check, operation);
        assert_eq!(
            found.verdict,
            Verdict::Passed,
            "{check} {operation}: {found:?}"
        );
    }
}

#[tokio::test]
async fn the_generic_mock_pages_each_way_to_the_end() {
    let spec = spec(PAGINATION);
    let mock = Mock::new(spec.clone(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let caller = Caller::new(&mock);
    let get = |path: String| {
        let caller = &caller;
        async move { caller.send("GET", &path, None, None, None).await }
    };

    // A cursor from the last item, with `has_more`: made-up charges with distinct ids.
    let mut ids = Vec::new();
    let mut path = "/charges?limit=2".to_owned();
    loop {
        let page = get(path.clone()).await;
        support::assert_conforms(&spec, "listCharges", &page);
        let body = page.json();
        let data = body["data"].as_array().expect("a list").clone();
        ids.extend(data.iter().map(|c| c["id"].clone()));
        if body["has_more"] == json!(false) {
            break;
        }
        let last = data.last().expect("a page with more has items")["id"].clone();
        path = format!(
            "/charges?limit=2&starting_after={}",
            last.as_str().expect("an id")
        );
        assert!(ids.len() < 20, "the list ends");
    }
    let distinct: std::collections::BTreeSet<String> = ids.iter().map(Value::to_string).collect();
    assert!(ids.len() >= 3 && distinct.len() == ids.len(), "{ids:?}");

    // Offsets count to `total`; page numbers to `total_pages`.
    let orders = get("/orders?limit=2&offset=2".into()).await;
    support::assert_conforms(&spec, "listOrders", &orders);
    let total = orders.json()["total"].as_u64().expect("a total");
    assert_eq!(orders.json()["orders"].as_array().map(Vec::len), Some(2));
    let last = get(format!("/orders?limit=2&offset={}", total - 1)).await;
    assert_eq!(last.json()["orders"].as_array().map(Vec::len), Some(1));
    let photos = get("/photos?per_page=2&page=1".into()).await;
    support::assert_conforms(&spec, "listPhotos", &photos);
    let pages = photos.json()["total_pages"].as_u64().expect("a page count");
    assert_eq!(pages, total.div_ceil(2));

    // A cursor in the body, absent or null on the last page.
    let mut path = "/widgets?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = get(path).await;
        support::assert_conforms(&spec, "listWidgets", &page);
        pages += 1;
        match page.json()["next_cursor"].as_str() {
            Some(cursor) => path = format!("/widgets?limit=3&cursor={cursor}"),
            None => break,
        }
        assert!(pages < 10, "the list ends");
    }
    assert!(pages >= 2, "{pages} pages");

    // The `Link` header's next page, on a body that is the list; none on the last page.
    let first = get("/repos?per_page=2".into()).await;
    support::assert_conforms(&spec, "listRepos", &first);
    let link = first.header("link").expect("a Link header").to_owned();
    assert!(link.contains("rel=\"next\""), "{link}");
    let next = link
        .split(',')
        .find(|l| l.contains("rel=\"next\""))
        .and_then(|l| l.split(['<', '>']).nth(1))
        .expect("a next target")
        .to_owned();
    let next_path = next
        .strip_prefix(&mock.base_url())
        .expect("a link to the mock")
        .to_owned();
    let mut path = next_path;
    for _ in 0..10 {
        let page = get(path.clone()).await;
        support::assert_conforms(&spec, "listRepos", &page);
        let Some(next) = page
            .header("link")
            .and_then(|l| l.split(',').find(|l| l.contains("rel=\"next\"")))
            .and_then(|l| l.split(['<', '>']).nth(1))
            .map(str::to_owned)
        else {
            mock.stop().await;
            return;
        };
        path = next.replace(&mock.base_url(), "");
    }
    panic!("the repositories never end");
}

#[tokio::test]
async fn the_generic_mock_streams_events_and_json_lines() {
    let spec = spec(STREAMS);
    let mock = Mock::new(spec, MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let caller = Caller::new(&mock);
    let get = |path: &'static str| caller.send("GET", path, None, None, None);

    let build = get("/builds/b1/events").await;
    assert_eq!(build.header("content-type"), Some("text/event-stream"));
    let text = String::from_utf8(build.body.clone()).expect("text");
    assert!(text.starts_with("id: 1\nevent: step\n"), "{text}");
    assert!(text.ends_with("\"finished\"}\n\n"), "{text:?}");

    let orders = conformance::event_stream::read([get("/orders/watch").await.body.as_slice()]);
    let data: Vec<Value> = orders
        .events
        .iter()
        .map(|e| serde_json::from_str(&e.data).expect("JSON data"))
        .collect();
    assert_eq!(data.len(), 3);
    assert_eq!(data[1], json!({"order": "ord_1", "state": "shipped"}));

    let ticks = conformance::event_stream::read([get("/ticks").await.body.as_slice()]);
    assert!(!ticks.cut && ticks.events.len() == 3, "{ticks:?}");
    assert!(ticks.events.iter().all(|e| !e.data.is_empty()));

    let logs = get("/logs/export").await;
    assert_eq!(logs.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        String::from_utf8_lossy(&logs.body),
        "{\"level\":\"info\",\"message\":\"started\"}\n{\"level\":\"warn\",\"message\":\"slow\"}\n"
    );
    let records = get("/records/export").await;
    let text = String::from_utf8_lossy(&records.body).into_owned();
    assert!(
        text.starts_with('\u{1e}') && text.matches('\u{1e}').count() == 3,
        "{text:?}"
    );

    // The client picks the stream by `Accept`; JSON otherwise.
    let prompt = json!({"prompt": "Hi"}).to_string().into_bytes();
    let whole = caller
        .send(
            "POST",
            "/completions",
            None,
            Some("application/json"),
            Some(prompt.clone()),
        )
        .await;
    assert_eq!(whole.header("content-type"), Some("application/json"));
    let streamed = caller
        .http
        .post(format!("{}/completions", caller.base))
        .header("content-type", "application/json")
        .header("accept", "text/event-stream")
        .body(prompt)
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        streamed
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let body = streamed.bytes().await.expect("a body");
    assert_eq!(
        &body[..],
        b"id: 1\ndata: {\"id\":\"cmpl_1\",\"text\":\"Hello\"}\n\n"
    );
    mock.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_is_silent_against_the_generic_mock_of_both_fixtures() {
    for (path, must_pass) in [
        (
            PAGINATION,
            PAGED
                .iter()
                .map(|op| ("pagination_consistent", *op))
                .collect::<Vec<_>>(),
        ),
        (
            STREAMS,
            [
                "followBuild",
                "watchOrders",
                "tailTicks",
                "exportLogs",
                "exportRecords",
            ]
            .iter()
            .map(|op| ("response_schema_conformance", *op))
            .collect(),
        ),
    ] {
        let spec = spec(path);
        let mock = Mock::new(spec.clone(), MockOptions::default())
            .start("127.0.0.1:0")
            .await
            .expect("the mock starts");
        let report = suite(&spec, &mock.base_url()).await;
        mock.stop().await;
        assert_silent(&report, &must_pass);
    }
}

/// A server of the streams fixture that gets each stream wrong in one way.
async fn wrong_streams(request: Request) -> Response {
    let sse = |body: &'static str| ([("content-type", "text/event-stream")], body).into_response();
    let path = request.uri().path();
    match path {
        // The second event's state is outside its enum, whichever build.
        _ if path.starts_with("/builds/") => sse(
            "id: 1\ndata: {\"step\": \"compile\", \"state\": \"started\"}\n\nid: 2\ndata: {\"step\": \"compile\", \"state\": \"exploded\"}\n\n",
        ),
        // The data of an event is not JSON.
        "/orders/watch" => sse("data: {\"order\": \"ord_1\", \"state\": \"paid\"}\n\ndata: paid\n\n"),
        // The last event is never dispatched.
        "/ticks" => sse("data: tick\n\ndata: tock\n"),
        // The second line is not JSON.
        "/logs/export" => (
            [("content-type", "application/x-ndjson")],
            "{\"level\": \"info\", \"message\": \"started\"}\n{\"level\": \"warn\", \n",
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve(app: axum::Router) -> String {
    support::serve_receiver(app, "").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_catches_each_wrong_stream() {
    let spec = spec(STREAMS);
    let base = serve(axum::Router::new().fallback(wrong_streams)).await;
    let report = suite(&spec, &base).await;
    let findings = |operation: &str| {
        let found = result(&report, "response_schema_conformance", operation);
        assert_eq!(found.verdict, Verdict::Failed, "{operation}: {found:?}");
        found.findings.clone()
    };
    let build = findings("followBuild");
    assert!(
        build[0].message.contains("event 1 (id 2)") && build[0].message.contains("exploded"),
        "{build:?}"
    );
    assert_eq!(build[0].instance_path.as_deref(), Some("/state"));
    assert_eq!(
        build[0].schema_path.as_deref(),
        Some("/components/schemas/BuildEvent/properties/state/enum")
    );
    let orders = findings("watchOrders");
    assert!(
        orders[0].message.contains("event 1: its data is not JSON"),
        "{orders:?}"
    );
    let ticks = findings("tailTicks");
    assert!(
        ticks[0].message.contains("ends inside event 1"),
        "{ticks:?}"
    );
    let logs = findings("exportLogs");
    assert!(logs[0].message.contains("line 2 is not JSON"), "{logs:?}");
}

/// How a paged server of the pagination fixture goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Each page starts with the last item of the page before.
    Repeat,
    /// The last page points back to the one before (and offsets and page numbers past the end
    /// answer the last page again while `total` says there is more).
    NeverEnds,
    /// Past the last item, empty pages that still say there is more, forever.
    EmptyForever,
}

/// The fixture's lists, seven items each, served one page at a time with `fault`.
#[derive(Debug)]
struct Lists {
    fault: Fault,
}

const ITEMS: usize = 7;

impl Lists {
    fn item(path: &str, n: usize) -> Value {
        match path {
            "/widgets" | "/widgets/search" => {
                json!({"id": format!("w{n}"), "name": format!("widget {n}")})
            }
            "/charges" => json!({"id": format!("ch_{n}"), "amount": 100 * n}),
            "/orders" => json!({"id": n, "item": "tea"}),
            "/photos" => json!({"id": n, "url": format!("https://img.example/{n}")}),
            "/events" => json!({"id": format!("ev{n}"), "kind": "created"}),
            "/repos" => json!({"id": n, "full_name": format!("acme/r{n}")}),
            _ => {
                json!({"id": format!("00000000-0000-4000-8000-00000000000{n}"), "name": format!("p{n}")})
            }
        }
    }

    fn answer(&self, request: &Request) -> Response {
        let path = request.uri().path().to_owned();
        let query: BTreeMap<String, String> =
            form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let number = |name: &str| query.get(name).and_then(|v| v.parse::<usize>().ok());
        let size = number("limit").or(number("per_page")).unwrap_or(2).max(1);
        let token = |name: &str| {
            query
                .get(name)
                .and_then(|v| {
                    v.trim_start_matches(|c: char| c.is_alphabetic())
                        .parse::<usize>()
                        .ok()
                })
                .unwrap_or(0)
        };
        let start = match path.as_str() {
            "/widgets" => token("cursor"),
            "/widgets/search" | "/projects" => token("page_token"),
            "/charges" => query
                .get("starting_after")
                .and_then(|id| id.strip_prefix("ch_")?.parse::<usize>().ok())
                // The item after the cursor; the faulty server starts at the cursor itself.
                .map_or(0, |n| {
                    if self.fault == Fault::Repeat {
                        n.saturating_sub(1)
                    } else {
                        n
                    }
                }),
            "/orders" => number("offset").unwrap_or(0),
            "/photos" => number("page").unwrap_or(1).saturating_sub(1) * size,
            "/events" | "/repos" => token("pos"),
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        // Offsets and page numbers go back one item; the other styles hand out a position one
        // short (below).
        let back_one = self.fault == Fault::Repeat
            && start > 0
            && matches!(path.as_str(), "/orders" | "/photos");
        let start = if back_one { start - 1 } else { start };
        let past_end = self.fault == Fault::NeverEnds
            && matches!(path.as_str(), "/orders" | "/photos")
            && start >= ITEMS;
        let start = if past_end {
            ITEMS - size.min(ITEMS)
        } else {
            start
        };
        let end = (start + size).min(ITEMS);
        let items: Vec<Value> = (start..end).map(|i| Lists::item(&path, i + 1)).collect();
        let more = end < ITEMS;
        // The next page's position: where this page ends (one short when repeating); at the
        // end, none, the previous page's again, or one further into nothing.
        let next = match (self.fault, more) {
            (Fault::Repeat, true) => Some(end - 1),
            (_, true) => Some(end),
            (Fault::Repeat, false) => None,
            (Fault::NeverEnds, false) => Some(start.saturating_sub(size)),
            (Fault::EmptyForever, false) => Some(end.max(start) + 1),
        };
        let mut headers = HeaderMap::new();
        let body = match path.as_str() {
            "/widgets" => json!({"data": items, "next_cursor": next.map(|n| format!("c{n}"))}),
            "/widgets/search" => match next {
                Some(n) => json!({"results": items, "next_page_token": format!("t{n}")}),
                None => json!({"results": items}),
            },
            "/projects" => json!({"items": items, "next_page": next.map(|n| format!("t{n}"))}),
            "/charges" => {
                let has_more = match self.fault {
                    Fault::Repeat => more,
                    Fault::NeverEnds | Fault::EmptyForever => true,
                };
                json!({"object": "list", "data": items, "has_more": has_more})
            }
            "/orders" => {
                let total = if self.fault == Fault::NeverEnds {
                    ITEMS * 10
                } else {
                    ITEMS
                };
                json!({"orders": items, "total": total})
            }
            "/photos" => {
                let pages = if self.fault == Fault::NeverEnds {
                    100
                } else {
                    ITEMS.div_ceil(size)
                };
                json!({"photos": items, "total_pages": pages})
            }
            "/events" => json!({
                "events": items,
                "links": {"next": next.map(|n| format!("/events?pos={n}"))}
            }),
            _ => {
                if let Some(n) = next {
                    let link = format!("</repos?pos={n}&per_page={size}>; rel=\"next\"");
                    if let Ok(value) = HeaderValue::from_str(&link) {
                        headers.insert("link", value);
                    }
                }
                json!(items)
            }
        };
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        (StatusCode::OK, headers, body.to_string()).into_response()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_catches_every_paging_fault_in_every_style() {
    let spec = spec(PAGINATION);
    let repeats = "shows again the item";
    let back = "points back to a page already shown";
    let empty = "are empty and still point to a next page";
    let has_more = "is empty but says `/has_more: true`";
    let expected: [(Fault, [(&str, &str); 8]); 3] = [
        (Fault::Repeat, PAGED.map(|operation| (operation, repeats))),
        (
            Fault::NeverEnds,
            [
                ("listWidgets", back),
                ("listCharges", has_more),
                ("listOrders", repeats),
                ("listPhotos", repeats),
                ("listEvents", back),
                ("listRepos", back),
                ("listProjects", back),
                ("searchWidgets", back),
            ],
        ),
        (
            Fault::EmptyForever,
            [
                ("listWidgets", empty),
                ("listCharges", has_more),
                ("listOrders", ""),
                ("listPhotos", ""),
                ("listEvents", empty),
                ("listRepos", empty),
                ("listProjects", empty),
                ("searchWidgets", empty),
            ],
        ),
    ];
    for (fault, cases) in expected {
        let lists = Arc::new(Lists { fault });
        let app = axum::Router::new().fallback(move |request: Request| {
            let lists = Arc::clone(&lists);
            async move { lists.answer(&request) }
        });
        let report = suite(&spec, &serve(app).await).await;
        for (operation, message) in cases {
            let found = result(&report, "pagination_consistent", operation);
            if message.is_empty() {
                // An empty page ends an offset or numbered list, whatever `total` says.
                assert_eq!(
                    found.verdict,
                    Verdict::Passed,
                    "{fault:?} {operation}: {found:?}"
                );
                continue;
            }
            assert_eq!(
                found.verdict,
                Verdict::Failed,
                "{fault:?} {operation}: {found:?}"
            );
            assert!(
                found.findings[0].message.contains(message),
                "{fault:?} {operation}: {:?}",
                found.findings
            );
        }
    }
}
