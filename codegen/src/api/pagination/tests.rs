use serde_json::{json, Value};

use super::*;
use crate::api::Api;

/// A one-operation document: `GET /things` with `parameters`, answering `body` as JSON, and
/// `extensions` on the operation.
fn list(parameters: &[&str], body: Value, extensions: Value) -> Value {
    let parameters: Vec<Value> = parameters
        .iter()
        .map(|name| json!({"name": name, "in": "query", "schema": {"type": "string"}}))
        .collect();
    let mut operation = json!({
        "operationId": "listThings",
        "parameters": parameters,
        "responses": {"200": {
            "description": "a page",
            "content": {"application/json": {"schema": body}},
        }},
    });
    if let (Some(operation), Value::Object(extensions)) = (operation.as_object_mut(), extensions) {
        operation.extend(extensions);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"get": operation}},
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
        }},
    })
}

fn page(extra: Value) -> Value {
    let mut body = json!({"type": "object", "properties": {
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
    }});
    if let (Some(properties), Value::Object(extra)) = (body["properties"].as_object_mut(), extra) {
        properties.extend(extra);
    }
    body
}

fn read(spec: &Value) -> (Option<Result<Pagination, Malformed>>, Vec<String>) {
    let (api, warnings) = Api::read(spec);
    let warnings = warnings
        .iter()
        .map(|w| format!("{}: {}", w.pointer, w.message))
        .collect();
    (api.operations[0].pagination.clone(), warnings)
}

fn declared(spec: &Value) -> Pagination {
    match read(spec) {
        (Some(Ok(pagination)), warnings) if warnings.is_empty() => pagination,
        other => panic!("{other:?}"),
    }
}

const AT: &str = "/paths/~1things/get/x-pagination";

#[test]
fn every_declared_style_is_read() {
    let cases = [
        (
            json!({"cursor": {"parameter": "after", "from": "/next_cursor"}}),
            NextPage::Cursor {
                parameter: 1,
                from: CursorSource::Body("/next_cursor".into()),
                has_more: None,
                cursor_alone: false,
            },
        ),
        (
            json!({"cursor": {"parameter": "after", "from-last-item": "/id", "has-more": "/has_more"}}),
            NextPage::Cursor {
                parameter: 1,
                from: CursorSource::LastItem("/id".into()),
                has_more: Some("/has_more".into()),
                cursor_alone: false,
            },
        ),
        (
            json!({"offset": {"parameter": "offset", "total": "/total"}}),
            NextPage::Offset {
                parameter: 2,
                total: Some("/total".into()),
            },
        ),
        (
            json!({"page": {"parameter": "page", "first": 0}}),
            NextPage::PageNumber {
                parameter: 3,
                first: 0,
                total_pages: None,
            },
        ),
        (
            json!({"next-url": "/links/next"}),
            NextPage::BodyUrl("/links/next".into()),
        ),
        (json!({"link-header": true}), NextPage::LinkHeader),
    ];
    for (style, expected) in cases {
        let mut extension = json!({"items": "/data", "page-size": "limit"});
        if let (Some(extension), Value::Object(style)) = (extension.as_object_mut(), style) {
            extension.extend(style);
        }
        let spec = list(
            &["limit", "after", "offset", "page"],
            page(json!({})),
            json!({"x-pagination": extension}),
        );
        let pagination = declared(&spec);
        assert_eq!(pagination.origin, Origin::Declared);
        assert_eq!(pagination.items, "/data");
        assert_eq!(pagination.page_size, Some(0));
        assert_eq!(
            pagination.item_schema.map(|p| p.to_string()).as_deref(),
            Some("/paths/~1things/get/responses/200/content/application~1json/schema/properties/data/items")
        );
        assert_eq!(pagination.next, expected);
    }
}

#[test]
fn a_body_that_is_the_array_has_an_empty_items_pointer() {
    let body = json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}});
    let spec = list(
        &[],
        body,
        json!({"x-pagination": {"items": "", "link-header": true}}),
    );
    let pagination = declared(&spec);
    assert_eq!(pagination.items, "");
    assert!(pagination.item_schema.is_some());
}

#[test]
fn a_malformed_extension_warns_at_its_pointer_and_gets_no_helper() {
    let cases = [
        (
            json!("yes"),
            format!("{AT}: `x-pagination` is not an object"),
        ),
        (
            json!({"items": "/data"}),
            format!("{AT}: no way to the next page"),
        ),
        (
            json!({"items": "/data", "link-header": true, "next-url": "/next"}),
            format!("{AT}: `next-url`, `link-header`: give only one"),
        ),
        (
            json!({"link-header": true}),
            format!("{AT}: `items` is missing"),
        ),
        (
            json!({"items": "data", "link-header": true}),
            format!("{AT}/items: `items` is not a JSON pointer"),
        ),
        (
            json!({"items": "/missing", "link-header": true}),
            format!("{AT}/items: `/missing` leads to no array"),
        ),
        (
            json!({"items": "/data", "cursor": {"parameter": "nope", "from": "/next"}}),
            format!("{AT}/cursor/parameter: the operation has no query parameter `nope`"),
        ),
        (
            json!({"items": "/data", "cursor": {"parameter": "after"}}),
            format!("{AT}/cursor: `cursor` says neither `from` nor `from-last-item`"),
        ),
        (
            json!({"items": "/data", "cursor": {"parameter": "after", "from": "/a", "from-last-item": "/id"}}),
            format!("{AT}/cursor: give `from` or `from-last-item`, not both"),
        ),
        (
            json!({"items": "/data", "page": {"parameter": "page", "first": -1}}),
            format!("{AT}/page/first: `first` is not a whole number"),
        ),
        (
            json!({"items": "/data", "offset": {"parameter": "after", "sum": "/t"}}),
            format!("{AT}/offset/sum: unknown key `sum`"),
        ),
        (
            json!({"items": "/data", "link-header": true, "pages": 3}),
            format!("{AT}/pages: unknown key `pages`"),
        ),
        (
            json!({"items": "/data", "link-header": "yes"}),
            format!("{AT}/link-header: `link-header` is not `true`"),
        ),
        (
            json!({"items": "/data", "page-size": "size", "link-header": true}),
            format!("{AT}/page-size: the operation has no query parameter `size`"),
        ),
    ];
    for (extension, expected) in cases {
        let spec = list(
            &["after", "page"],
            page(json!({})),
            json!({"x-pagination": extension}),
        );
        let (pagination, warnings) = read(&spec);
        assert_eq!(pagination, Some(Err(Malformed)), "{extension}");
        assert!(
            warnings.iter().any(|w| w.starts_with(&expected)),
            "{extension}: {warnings:?}"
        );
        assert!(
            warnings.iter().all(|w| w.ends_with("no pagination helper")),
            "{warnings:?}"
        );
    }
}

#[test]
fn dropshot_pagination_is_recognised() {
    let body = json!({"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
        "next_page": {"type": "string", "nullable": true},
    }});
    let spec = list(
        &["limit", "page_token", "sort_by"],
        body,
        json!({"x-dropshot-pagination": {"required": []}}),
    );
    let (Some(Ok(pagination)), warnings) = read(&spec) else {
        panic!("{:?}", read(&spec));
    };
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(pagination.origin, Origin::Dropshot);
    assert_eq!(pagination.items, "/items");
    assert_eq!(pagination.page_size, Some(0));
    assert_eq!(
        pagination.next,
        NextPage::Cursor {
            parameter: 1,
            from: CursorSource::Body("/next_page".into()),
            has_more: None,
            cursor_alone: true,
        }
    );
}

#[test]
fn dropshot_pagination_without_its_shape_warns() {
    let spec = list(
        &["limit"],
        page(json!({})),
        json!({"x-dropshot-pagination": true}),
    );
    let (pagination, warnings) = read(&spec);
    assert_eq!(pagination, Some(Err(Malformed)));
    assert_eq!(
        warnings,
        ["/paths/~1things/get/x-dropshot-pagination: `x-dropshot-pagination` without a `page_token` query parameter; no pagination helper"]
    );
}

#[test]
fn usual_names_are_a_silent_guess() {
    let spec = list(
        &["per_page", "cursor"],
        page(json!({"next_cursor": {"type": "string"}})),
        json!({}),
    );
    let (Some(Ok(pagination)), warnings) = read(&spec) else {
        panic!("{:?}", read(&spec));
    };
    assert!(warnings.is_empty());
    assert_eq!(pagination.origin, Origin::Guessed);
    assert_eq!(pagination.items, "/data");
    assert_eq!(pagination.page_size, Some(0));
    assert!(matches!(
        pagination.next,
        NextPage::Cursor { parameter: 1, .. }
    ));

    let links = list(
        &[],
        page(json!({"_links": {"type": "object", "properties": {"next": {"type": "object"}}}})),
        json!({}),
    );
    let (Some(Ok(pagination)), _) = read(&links) else {
        panic!("{:?}", read(&links));
    };
    assert_eq!(
        pagination.next,
        NextPage::BodyUrl("/_links/next/href".into())
    );

    let nothing = list(&["q"], page(json!({})), json!({}));
    assert_eq!(read(&nothing).0, None);
}

/// A guessed list whose item array has a name of its own is found by its schema.
#[test]
fn a_guessed_list_finds_its_items_under_any_name() {
    let body = json!({"type": "object", "properties": {
        "total": {"type": "integer"},
        "users": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
    }});
    let spec = list(&["page"], body, json!({}));
    let (Some(Ok(pagination)), _) = read(&spec) else {
        panic!("{:?}", read(&spec));
    };
    assert_eq!(pagination.items, "/users");
    assert_eq!(
        pagination.item_schema.map(|p| p.to_string()).as_deref(),
        Some("/paths/~1things/get/responses/200/content/application~1json/schema/properties/users/items")
    );
}
