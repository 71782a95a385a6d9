use reqwest::header::{HeaderValue, LINK};
use serde_json::json;

use super::*;

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

/// What the walk says after one page requested at `at`, with `body` and its `items`.
fn after(
    walk: &mut Walk,
    at: &str,
    headers: &HeaderMap,
    body: &Value,
    items: &[Value],
) -> Result<Option<Position>, String> {
    let at = url(at);
    walk.after(&Page {
        url: Some(&at),
        headers,
        body,
        items,
    })
}

fn items(count: usize) -> Vec<Value> {
    (0..count).map(|n| json!({"id": format!("i{n}")})).collect()
}

fn parameter(value: Value) -> Option<Position> {
    Some(Position::Parameter(value))
}

static BODY_CURSOR: Paging = Paging {
    items: "/data",
    page_size: Some("limit"),
    next: Next::Cursor {
        parameter: "cursor",
        from: CursorFrom::Body("/next"),
        has_more: None,
    },
};

#[test]
fn a_body_cursor_leads_on_until_it_is_absent_null_or_empty() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&BODY_CURSOR);
    let first = after(
        &mut walk,
        "http://h/w",
        &none,
        &json!({"next": "c2"}),
        &items(2),
    );
    assert_eq!(first, Ok(parameter(json!("c2"))));
    let second = after(
        &mut walk,
        "http://h/w?cursor=c2",
        &none,
        &json!({"next": "c3"}),
        &[],
    );
    assert_eq!(
        second,
        Ok(parameter(json!("c3"))),
        "an empty page with a cursor goes on"
    );
    for end in [json!({}), json!({"next": null}), json!({"next": ""})] {
        let mut walk = Walk::new(&BODY_CURSOR);
        assert_eq!(
            after(&mut walk, "http://h/w", &none, &end, &items(1)),
            Ok(None),
            "{end}"
        );
    }
}

#[test]
fn a_repeated_cursor_is_an_error_not_a_loop() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&BODY_CURSOR);
    let page = json!({"next": "c2"});
    assert!(after(&mut walk, "http://h/w", &none, &page, &items(1)).is_ok());
    // The server answers the cursor it was sent.
    let again = after(&mut walk, "http://h/w?cursor=c2", &none, &page, &items(1));
    assert!(
        matches!(&again, Err(message) if message.contains("repeats")),
        "{again:?}"
    );
    // Or goes back to an earlier one.
    let mut walk = Walk::new(&BODY_CURSOR);
    let _ = after(
        &mut walk,
        "http://h/w",
        &none,
        &json!({"next": "b"}),
        &items(1),
    );
    let _ = after(
        &mut walk,
        "http://h/w?cursor=b",
        &none,
        &json!({"next": "c"}),
        &items(1),
    );
    let back = after(
        &mut walk,
        "http://h/w?cursor=c",
        &none,
        &json!({"next": "b"}),
        &items(1),
    );
    assert!(back.is_err(), "{back:?}");
}

static LAST_ITEM: Paging = Paging {
    items: "/data",
    page_size: None,
    next: Next::Cursor {
        parameter: "starting_after",
        from: CursorFrom::LastItem("/id"),
        has_more: Some("/has_more"),
    },
};

#[test]
fn a_last_item_cursor_stops_when_has_more_is_false_or_the_page_is_empty() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&LAST_ITEM);
    let more = json!({"has_more": true});
    assert_eq!(
        after(&mut walk, "http://h/c", &none, &more, &items(3)),
        Ok(parameter(json!("i2")))
    );
    let done = json!({"has_more": false});
    assert_eq!(
        after(&mut walk, "http://h/c", &none, &done, &items(3)),
        Ok(None)
    );
    let no_flag = json!({});
    let mut walk = Walk::new(&LAST_ITEM);
    assert_eq!(
        after(&mut walk, "http://h/c", &none, &no_flag, &[]),
        Ok(None)
    );
    let broken = after(&mut Walk::new(&LAST_ITEM), "http://h/c", &none, &more, &[]);
    assert!(
        matches!(&broken, Err(message) if message.contains("gives no cursor")),
        "more pages promised, and no way to them: {broken:?}"
    );
}

static OFFSET: Paging = Paging {
    items: "/orders",
    page_size: Some("limit"),
    next: Next::Offset {
        parameter: "offset",
        total: Some("/total"),
    },
};

#[test]
fn offsets_count_the_items_seen_and_stop_at_the_total() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&OFFSET);
    let total = json!({"total": 5});
    assert_eq!(
        after(&mut walk, "http://h/o?limit=2", &none, &total, &items(2)),
        Ok(parameter(json!(2)))
    );
    let page2: Vec<Value> = (2..4).map(|n| json!({"id": n})).collect();
    assert_eq!(
        after(
            &mut walk,
            "http://h/o?offset=2&limit=2",
            &none,
            &total,
            &page2
        ),
        Ok(parameter(json!(4)))
    );
    assert_eq!(
        after(
            &mut walk,
            "http://h/o?offset=4&limit=2",
            &none,
            &total,
            &[json!({"id": 4})]
        ),
        Ok(None)
    );
    // A start the caller chose counts too.
    let mut walk = Walk::new(&OFFSET);
    assert_eq!(
        after(
            &mut walk,
            "http://h/o?offset=10&limit=2",
            &none,
            &json!({"total": 99}),
            &items(2)
        ),
        Ok(parameter(json!(12)))
    );
}

#[test]
fn without_a_total_a_short_page_is_the_last_and_a_capped_one_is_not() {
    let none = HeaderMap::new();
    let body = json!({});
    let mut walk = Walk::new(&OFFSET);
    assert_eq!(
        after(&mut walk, "http://h/o?limit=3", &none, &body, &items(2)),
        Ok(None)
    );
    let mut walk = Walk::new(&OFFSET);
    assert_eq!(
        after(&mut walk, "http://h/o", &none, &body, &items(2)),
        Ok(parameter(json!(2))),
        "no size asked: only an empty page ends"
    );
    assert_eq!(
        after(&mut walk, "http://h/o?offset=2", &none, &body, &[]),
        Ok(None)
    );
    // With a total, a page shorter than asked (a server-side maximum) goes on.
    let mut walk = Walk::new(&OFFSET);
    assert_eq!(
        after(
            &mut walk,
            "http://h/o?limit=50",
            &none,
            &json!({"total": 30}),
            &items(20)
        ),
        Ok(parameter(json!(20)))
    );
}

static PAGES: Paging = Paging {
    items: "/photos",
    page_size: Some("per_page"),
    next: Next::PageNumber {
        parameter: "page",
        first: 1,
        total_pages: Some("/total_pages"),
    },
};

#[test]
fn page_numbers_go_up_from_first_and_stop_at_total_pages_or_an_empty_page() {
    let none = HeaderMap::new();
    let three = json!({"total_pages": 3});
    let mut walk = Walk::new(&PAGES);
    let page = |n: u64| -> Vec<Value> { vec![json!({"id": n})] };
    assert_eq!(
        after(&mut walk, "http://h/p", &none, &three, &page(1)),
        Ok(parameter(json!(2)))
    );
    assert_eq!(
        after(&mut walk, "http://h/p?page=2", &none, &three, &page(2)),
        Ok(parameter(json!(3)))
    );
    assert_eq!(
        after(&mut walk, "http://h/p?page=3", &none, &three, &page(3)),
        Ok(None)
    );
    let mut walk = Walk::new(&PAGES);
    assert_eq!(
        after(&mut walk, "http://h/p?page=7", &none, &json!({}), &[]),
        Ok(None)
    );
}

#[test]
fn a_numbered_page_that_repeats_the_one_before_is_an_error() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&PAGES);
    let same = items(2);
    assert!(after(&mut walk, "http://h/p", &none, &json!({}), &same).is_ok());
    let again = after(&mut walk, "http://h/p?page=2", &none, &json!({}), &same);
    assert!(
        matches!(&again, Err(message) if message.contains("ignore `page`")),
        "{again:?}"
    );
}

static BODY_URL: Paging = Paging {
    items: "/events",
    page_size: None,
    next: Next::BodyUrl("/links/next"),
};

#[test]
fn a_next_url_is_resolved_against_the_page_url_and_ends_when_absent() {
    let none = HeaderMap::new();
    let mut walk = Walk::new(&BODY_URL);
    let relative = json!({"links": {"next": "/events?after=e2"}});
    assert_eq!(
        after(
            &mut walk,
            "http://h:8/api/events?since=x",
            &none,
            &relative,
            &items(1)
        ),
        Ok(Some(Position::Url(url("http://h:8/events?after=e2"))))
    );
    let query_only = json!({"links": {"next": "?after=e3"}});
    assert_eq!(
        after(
            &mut walk,
            "http://h:8/events?after=e2",
            &none,
            &query_only,
            &items(1)
        ),
        Ok(Some(Position::Url(url("http://h:8/events?after=e3"))))
    );
    for end in [
        json!({"links": {}}),
        json!({"links": {"next": null}}),
        json!({"links": {"next": ""}}),
    ] {
        let mut walk = Walk::new(&BODY_URL);
        assert_eq!(
            after(&mut walk, "http://h/events", &none, &end, &items(1)),
            Ok(None),
            "{end}"
        );
    }
}

#[test]
fn a_next_url_elsewhere_repeated_or_unreadable_is_an_error() {
    let none = HeaderMap::new();
    let cases = [
        (
            json!({"links": {"next": "https://elsewhere.example/events?p=2"}}),
            "another origin",
        ),
        (json!({"links": {"next": "http://h/events"}}), "repeats"),
        (json!({"links": {"next": "http://[::1"}}), "does not parse"),
        (json!({"links": {"next": 3}}), "is not a URL"),
    ];
    for (body, expected) in cases {
        let mut walk = Walk::new(&BODY_URL);
        let got = after(&mut walk, "http://h/events", &none, &body, &items(1));
        assert!(
            matches!(&got, Err(message) if message.contains(expected)),
            "{body}: {got:?}"
        );
    }
}

static LINK_HEADER: Paging = Paging {
    items: "",
    page_size: Some("per_page"),
    next: Next::LinkHeader,
};

#[test]
fn the_link_header_leads_on_until_it_has_no_next() {
    let mut headers = HeaderMap::new();
    headers.insert(
        LINK,
        HeaderValue::from_static(r#"</repos?page=2>; rel="next", </repos?page=5>; rel="last""#),
    );
    let mut walk = Walk::new(&LINK_HEADER);
    assert_eq!(
        after(
            &mut walk,
            "http://h/repos?per_page=2",
            &headers,
            &Value::Null,
            &items(2)
        ),
        Ok(Some(Position::Url(url("http://h/repos?page=2"))))
    );
    let repeated = after(
        &mut walk,
        "http://h/repos?page=2",
        &headers,
        &Value::Null,
        &items(2),
    );
    assert!(repeated.is_err(), "{repeated:?}");
    let mut last = HeaderMap::new();
    last.insert(
        LINK,
        HeaderValue::from_static(r#"</repos?page=1>; rel="first""#),
    );
    let mut walk = Walk::new(&LINK_HEADER);
    assert_eq!(
        after(&mut walk, "http://h/repos", &last, &Value::Null, &items(2)),
        Ok(None)
    );
}
