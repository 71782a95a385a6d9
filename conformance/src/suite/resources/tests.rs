use serde_json::json;

use super::*;
use crate::http::{Request, Response};
use crate::suite::exchange::Exchange;

fn contract(paths: Value) -> Contract {
    Contract::new(crate::loaded(&json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
    })))
}

fn ok(description: &str) -> Value {
    json!({"description": description})
}

fn answered(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
    let mut map = callspec_runtime::reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            callspec_runtime::reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    Exchange {
        id: 0,
        operation: "create_note".into(),
        purpose: "test".into(),
        base_url: "http://h/api".into(),
        request: Request::new("POST", "/notes"),
        outcome: Ok(Response {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
        }),
        sent_at: std::time::Duration::ZERO,
        done_at: std::time::Duration::ZERO,
    }
}

#[test]
fn a_post_on_a_collection_and_operations_on_its_items_are_one_resource() {
    let contract = contract(json!({
        "/notes": {
            "get": {"operationId": "list_notes", "responses": {"200": ok("list")}},
            "post": {"operationId": "create_note", "responses": {"201": {"description": "made",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Note"}}}}}}
        },
        "/notes/{noteId}": {
            "parameters": [{"name": "noteId", "in": "path", "required": true,
                            "schema": {"type": "string", "pattern": "^note_[0-9]+$"}}],
            "get": {"operationId": "get_note", "responses": {"200": ok("one")}},
            "patch": {"operationId": "update_note", "responses": {"200": ok("changed")}},
            "delete": {"operationId": "delete_note", "responses": {"204": ok("gone")}}
        },
        "/notes/{noteId}/comments": {"parameters": [{"name": "noteId", "in": "path", "required": true,
            "schema": {"type": "string"}}],
            "get": {"operationId": "list_comments", "responses": {"200": ok("list")}}},
        "/tags": {"post": {"operationId": "create_tag", "responses": {"201": ok("made")}}}
    }));
    let mut spec = contract.spec.raw.clone();
    spec["components"] = json!({"schemas": {"Note": {"allOf": [{"type": "object",
        "properties": {"note_id": {"type": "string"}, "title": {"type": "string"}}}]}}});
    let contract = Contract::new(crate::loaded(&spec));
    let found = infer(&contract);
    assert_eq!(found.len(), 1, "{found:?}");
    let note = &found[0];
    assert_eq!(note.create, "create_note");
    assert_eq!(note.item.text(), "/notes/{noteId}");
    assert_eq!(note.read.as_deref(), Some("get_note"));
    assert_eq!(note.updates, ["update_note"]);
    assert_eq!(note.delete.as_deref(), Some("delete_note"));
    // `noteId` is read from the body's `note_id`, found through `$ref` and `allOf`.
    assert_eq!(note.id_from, IdSource::Body("/note_id".into()));
    assert_eq!(
        note.inference(),
        "create_note creates /notes/{noteId}: `noteId` from the body's `/note_id`"
    );

    // The identifier must be one the item parameter accepts.
    let good = answered(201, &[], r#"{"note_id": "note_7"}"#);
    assert_eq!(note.identifier(&contract, &good), Some(json!("note_7")));
    let refused = answered(201, &[], r#"{"note_id": "7"}"#);
    assert_eq!(note.identifier(&contract, &refused), None);
    // Without it in the body, the Location header (absolute, under the base path) says it.
    let located = answered(201, &[("location", "http://h/api/notes/note_9?x=1")], "{}");
    assert_eq!(note.identifier(&contract, &located), Some(json!("note_9")));
    // Not for a refused create.
    let failed = answered(400, &[("location", "/notes/note_9")], "{}");
    assert_eq!(note.identifier(&contract, &failed), None);

    // A learned identifier serves the item and everything under it, nothing else.
    let learned = Learned::default();
    learned.remember(&note.item, "noteId", json!("note_7"));
    let path = |text: &str| PathTemplate::parse(text).unwrap();
    assert_eq!(
        learned.for_path(&path("/notes/{noteId}/comments")),
        [("noteId".to_owned(), json!("note_7"))]
    );
    assert!(learned.for_path(&path("/notes")).is_empty());
    assert!(learned.for_path(&path("/notes/{noteId}x")).is_empty());
}

#[test]
fn a_declared_link_wins_and_numbers_fit_a_string_parameter() {
    let contract = contract(json!({
        "/books": {"post": {"operationId": "addBook", "responses": {"201": {"description": "made",
            "content": {"application/json": {"schema": {"type": "object",
                "properties": {"id": {"type": "integer"}, "isbn": {"type": "integer"}}}}},
            "links": {"self": {"operationId": "fetchBook",
                               "parameters": {"bookId": "$response.body#/isbn"}}}}}}},
        "/books/{bookId}": {"get": {"operationId": "fetchBook",
            "parameters": [{"name": "bookId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": ok("one")}}}
    }));
    let found = infer(&contract);
    assert_eq!(found.len(), 1);
    assert!(matches!(&found[0].id_from, IdSource::Link { name, .. } if name == "self"));
    let exchange = answered(201, &[], r#"{"id": 1, "isbn": 978}"#);
    assert_eq!(
        found[0].identifier(&contract, &exchange),
        Some(json!("978"))
    );
}
