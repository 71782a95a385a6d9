use codegen::load::JsonPointer;
use serde_json::json;

use super::*;
use crate::suite::config::Secret;

fn contract(paths: Value) -> Contract {
    Contract::new(crate::loaded(&json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"key": []}],
        "paths": paths,
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}
    })))
}

fn config() -> SuiteConfig {
    SuiteConfig {
        token: Some(Secret::new("sk_main")),
        ..SuiteConfig::default()
    }
}

fn first_valid(contract: &Contract, label: &str) -> Request {
    let config = config();
    let operation = contract.operation(label).expect("the operation exists");
    let planned = Planner::new(contract, operation, &config, 0).valid(1);
    planned.into_iter().next().expect("a valid request").request
}

fn header<'c>(request: &'c Request, name: &str) -> Option<&'c str> {
    request.header_value(name)
}

#[test]
fn parameters_are_encoded_as_a_generated_client_encodes_them() {
    let contract = contract(json!({"/items/{ids}": {"get": {
        "operationId": "list",
        "parameters": [
            {"name": "ids", "in": "path", "required": true, "style": "label", "explode": true,
             "schema": {"type": "array", "items": {"type": "integer"}, "example": [1, 2]}},
            {"name": "tags", "in": "query", "required": true, "style": "pipeDelimited", "explode": false,
             "schema": {"type": "array", "items": {"type": "string"}, "example": ["a b", "c"]}},
            {"name": "around", "in": "query", "required": true, "style": "spaceDelimited", "explode": false,
             "schema": {"type": "array", "items": {"type": "number"}, "example": [1.5, 2]}},
            {"name": "X-Filter", "in": "header", "required": true, "explode": true,
             "schema": {"type": "object", "properties": {"R": {"type": "integer"}}, "example": {"R": 1}}},
            {"name": "session", "in": "cookie", "required": true,
             "schema": {"type": "string", "example": "a;b"}}
        ],
        "responses": {"200": {"description": "ok"}}
    }}}));
    let call = first_valid(&contract, "list");
    assert_eq!(call.path, "/items/.1.2?tags=a+b%7Cc&around=1.5+2");
    assert_eq!(header(&call, "x-filter"), Some("R=1"));
    assert_eq!(header(&call, "cookie"), Some("session=a%3Bb"));
    assert_eq!(header(&call, "x-key"), Some("sk_main"));
    // And a server reads back what was meant.
    let operation = contract.operation("list").unwrap();
    let config = config();
    let planner = Planner::new(&contract, operation, &config, 0);
    let read: Vec<Option<Value>> = operation
        .parameters
        .iter()
        .map(|parameter| planner.received(&call, parameter))
        .collect();
    assert_eq!(
        read,
        [
            Some(json!([1, 2])),
            Some(json!(["a b", "c"])),
            Some(json!([1.5, 2.0])),
            Some(json!({"R": 1})),
            Some(json!("a;b")),
        ]
    );
}

#[test]
fn bodies_are_encoded_by_their_media_type() {
    let contract = contract(json!({
        "/upload": {"post": {
            "operationId": "upload",
            "requestBody": {"required": true, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file", "meta"], "properties": {
                    "file": {"type": "string", "format": "binary", "example": "PNG"},
                    "meta": {"type": "object", "example": {"k": 1}}
                }},
                "encoding": {"file": {"contentType": "image/png"}}
            }}},
            "responses": {"204": {"description": "ok"}}
        }},
        "/lines": {"post": {
            "operationId": "lines",
            "requestBody": {"required": true, "content": {"application/x-ndjson": {
                "schema": {"type": "array", "items": {"type": "object"}, "example": [{"a": 1}, {"a": 2}]}
            }}},
            "responses": {"204": {"description": "ok"}}
        }}
    }));
    let upload = first_valid(&contract, "upload");
    let content_type = header(&upload, "content-type")
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(upload.body.as_deref().unwrap_or_default()).into_owned();
    assert!(
        body.contains("name=\"file\"; filename=\"file\"\r\nContent-Type: image/png\r\n\r\nPNG"),
        "{body}"
    );
    assert!(body.contains("name=\"meta\"\r\n\r\n{\"k\":1}"), "{body}");
    let lines = first_valid(&contract, "lines");
    assert_eq!(lines.body.as_deref(), Some(&b"{\"a\":1}\n{\"a\":2}\n"[..]));
    assert_eq!(header(&lines, "content-type"), Some("application/x-ndjson"));
}

#[test]
fn what_no_client_sends_is_a_mutation_of_a_request_it_would_send() {
    let contract = contract(json!({"/things/{id}": {"put": {
        "operationId": "put",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "example": "t1"}}],
        "requestBody": {"required": true, "content": {"application/json": {
            "schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "example": {"name": "x"}
        }}},
        "responses": {"204": {"description": "ok"}}
    }}}));
    let config = config();
    let operation = contract.operation("put").unwrap();
    let planner = Planner::new(&contract, operation, &config, 0);
    let valid = planner.valid(1).remove(0).request;
    let invalid = planner.invalid();
    let malformed = invalid
        .iter()
        .find(|p| p.purpose == "malformed JSON body")
        .expect("a malformed body");
    assert_eq!(malformed.request.path, valid.path);
    assert_eq!(header(&malformed.request, "x-key"), Some("sk_main"));
    assert_eq!(
        malformed.request.body.as_deref(),
        Some(&b"{\"unterminated\": ["[..])
    );
    let text = invalid
        .iter()
        .find(|p| p.purpose == "body sent as text/plain")
        .expect("a text body");
    assert_eq!(header(&text.request, "content-type"), Some("text/plain"));
    let unauthenticated = planner.unauthenticated();
    assert_eq!(unauthenticated.len(), 2);
    assert_eq!(header(&unauthenticated[0].request, "x-key"), None);
    assert!(header(&unauthenticated[1].request, "x-key")
        .is_some_and(|k| k.starts_with("invalid-token-")));
}

#[test]
fn mutations_change_one_place_each() {
    let valid = json!({"include": ["summary"], "profile": "default"});
    let found = mutations(&valid);
    let labels: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
    assert!(labels.contains(&"(root): without `include`"), "{labels:?}");
    assert!(labels.contains(&"/include: a repeated item"));
    assert!(labels.contains(&"/include/0: a nonsensical string"));
    let (_, nonsense) = found
        .iter()
        .find(|(l, _)| l == "/include/0: a nonsensical string")
        .unwrap();
    assert_eq!(
        nonsense,
        &json!({"include": ["!not valid!"], "profile": "default"})
    );
}

#[test]
fn edges_pad_and_cut_strings() {
    let spec = json!({"s": {"type": "string", "minLength": 5, "maxLength": 9}});
    let at = JsonPointer::parse("/s").unwrap();
    let found = edges(&spec, &at, &json!("anl_12"));
    // Free text also gets long and non-ASCII values; the planner keeps those the schema
    // accepts (here neither: longer than 9, and 40 characters).
    let names: Vec<&str> = found.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "maximum length",
            "minimum length",
            "longest plain text",
            "non-ASCII text"
        ]
    );
    assert_eq!(found[0].1, json!("anl_12222"));
    assert_eq!(found[1].1, json!("anl_1"));
    let numbers = json!({"n": {"type": "integer", "minimum": 1}});
    let found = edges(&numbers, &JsonPointer::parse("/n").unwrap(), &json!(5));
    assert_eq!(
        found,
        vec![
            ("minimum", json!(1)),
            ("large value", json!(3_000_000_000_i64)),
            ("zero", json!(0))
        ]
    );
}

#[test]
fn exclusive_bounds_have_their_edges_inside_and_their_first_value_outside_at_the_bound() {
    let integer = json!({"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true,
                               "maximum": 10, "exclusiveMaximum": true}});
    let at = JsonPointer::parse("/n").unwrap();
    assert_eq!(
        edges(&integer, &at, &json!(5)),
        vec![
            ("minimum", json!(1)),
            ("maximum", json!(9)),
            ("zero", json!(0))
        ]
    );
    assert_eq!(
        just_outside(&integer, &at, &json!(5)),
        [json!(10), json!(0)]
    );
    // No number is next to an exclusive bound: none is sent as "at" it.
    let number = json!({"n": {"type": "number", "maximum": 600, "exclusiveMaximum": true}});
    assert_eq!(
        edges(&number, &at, &json!(5.5)),
        vec![("negative value", json!(-1)), ("zero", json!(0))]
    );
    assert_eq!(just_outside(&number, &at, &json!(5.5)), [json!(600)]);
}

#[test]
fn the_edges_of_a_reference_documented_with_all_of_are_its_targets() {
    let spec = json!({
        "Title": {"type": "string", "minLength": 2, "maxLength": 6, "pattern": "^[a-c]+$"},
        "Year": {"type": "integer", "maximum": 2100},
        "title": {"allOf": [{"$ref": "#/Title"}], "default": "abc"},
        "year": {"allOf": [{"$ref": "#/Year"}], "minimum": 1450, "description": "When."}
    });
    let title = JsonPointer::parse("/title").unwrap();
    assert_eq!(
        edges(&spec, &title, &json!("abc")),
        vec![
            ("maximum length", json!("abcccc")),
            ("minimum length", json!("ab"))
        ]
    );
    assert_eq!(
        just_outside(&spec, &title, &json!("abc")),
        [json!("abccccc"), json!("a")]
    );
    let year = JsonPointer::parse("/year").unwrap();
    assert_eq!(
        edges(&spec, &year, &json!(1997)),
        vec![
            ("minimum", json!(1450)),
            ("maximum", json!(2100)),
            ("zero", json!(0))
        ]
    );
}

#[test]
fn a_3_1_spec_s_exclusive_bounds_and_documented_references_get_their_edges() {
    let contract = Contract::new(crate::loaded(&json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/books/{bookId}": {"put": {
            "operationId": "replace",
            "parameters": [{"name": "bookId", "in": "path", "required": true,
                            "schema": {"type": "integer", "minimum": 1,
                                       "exclusiveMaximum": 9_007_199_254_740_992_i64}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["title"],
                "properties": {"title": {"$ref": "#/components/schemas/Title",
                                         "description": "What the book is called."}}}}}},
            "responses": {"200": {"description": "replaced"}}
        }}},
        "components": {"schemas": {"Title": {"type": "string", "minLength": 1, "maxLength": 300}}}
    })));
    let config = config();
    let operation = contract.operation("replace").unwrap();
    let planner = Planner::new(&contract, operation, &config, 0);
    let boundary = planner.boundary();
    let at_maximum = boundary
        .iter()
        .find(|p| p.purpose == "path parameter `bookId` at its maximum")
        .expect("the largest id below 2^53 is sent");
    assert_eq!(at_maximum.request.path, "/books/9007199254740991");
    assert!(
        boundary
            .iter()
            .any(|p| p.purpose == "body property `title` at its maximum length"),
        "{:?}",
        boundary.iter().map(|p| &p.purpose).collect::<Vec<_>>()
    );
    let invalid = planner.invalid();
    assert!(
        invalid
            .iter()
            .any(|p| p.request.path == "/books/9007199254740992"),
        "{:?}",
        invalid.iter().map(|p| &p.request.path).collect::<Vec<_>>()
    );
}

#[test]
fn body_properties_are_sent_at_their_edges_when_the_body_stays_valid() {
    let contract = contract(json!({"/notes": {"post": {
        "operationId": "create",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["title"],
            "properties": {"title": {"type": "string", "maxLength": 2000, "example": "hi"},
                           "code": {"type": "string", "pattern": "^[a-z]+$", "example": "ab"}}}}}},
        "responses": {"201": {"description": "made"}}
    }}}));
    let config = config();
    let operation = contract.operation("create").unwrap();
    let planned = Planner::new(&contract, operation, &config, 0).boundary();
    let purposes: Vec<&str> = planned.iter().map(|p| p.purpose.as_str()).collect();
    assert!(
        purposes.contains(&"body property `title` at its longest plain text"),
        "{purposes:?}"
    );
    assert!(
        purposes.contains(&"body property `title` at its non-ASCII text"),
        "{purposes:?}"
    );
    // A pattern makes text not free.
    assert!(
        !purposes.iter().any(|p| p.contains("`code`")),
        "{purposes:?}"
    );
}

#[test]
fn the_spec_examples_are_used_in_their_order_of_trust_and_only_when_valid() {
    let contract = Contract::new(crate::loaded(&json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/{thingId}": {"post": {
            "operationId": "make",
            "parameters": [
                {"name": "thingId", "in": "path", "required": true,
                 "schema": {"type": "string", "pattern": "^t_[0-9]+$", "example": "t_9"},
                 "examples": {
                     "wrong": {"value": "nope"},
                     "known": {"$ref": "#/components/examples/KnownThing"}
                 }},
                {"name": "verbose", "in": "query", "required": true,
                 "schema": {"type": "boolean", "default": true}, "example": false}
            ],
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"type": "object", "required": ["n"],
                           "properties": {"n": {"type": "integer", "example": 5}}},
                "examples": {"bad": {"value": {"n": "x"}}, "good": {"value": {"n": 7}}}
            }}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"examples": {"KnownThing": {"value": "t_1"}}}
    })));
    let call = first_valid(&contract, "make");
    // The parameter's example beats its schema's; an example its schema refuses is passed over.
    assert_eq!(call.path, "/things/t_1?verbose=false");
    // The media type's example beats the schema's `example`.
    assert_eq!(call.body.as_deref(), Some(br#"{"n":7}"#.as_slice()));
}

#[test]
fn configured_values_win_per_operation_before_every_operation() {
    let contract = contract(json!({
        "/a/{id}": {"get": {"operationId": "a", "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "example": "from_spec"}
        ], "responses": {"200": {"description": "ok"}}}},
        "/b/{id}": {"get": {"operationId": "b", "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
        ], "responses": {"200": {"description": "ok"}}}}
    }));
    let mut config = config();
    config.parameters.insert("id".into(), "everywhere".into());
    config.parameters.insert("b.id".into(), "only_b".into());
    let plan = |label: &str| {
        let operation = contract.operation(label).unwrap();
        Planner::new(&contract, operation, &config, 0).valid(1)[0]
            .request
            .path
            .clone()
    };
    assert_eq!(plan("a"), "/a/everywhere");
    assert_eq!(plan("b"), "/b/only_b");
}

#[test]
fn every_scheme_kind_gets_the_identity_s_credential() {
    let spec = |scheme: Value| {
        Contract::new(crate::loaded(&json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "security": [{"s": []}],
            "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}},
            "components": {"securitySchemes": {"s": scheme}}
        })))
    };
    let send = |contract: &Contract, config: &SuiteConfig, token: &str| {
        let operation = contract.operation("x").unwrap();
        Planner::new(contract, operation, config, 0)
            .valid_with(&[], Some(token))
            .unwrap()
    };
    let mut config = config();
    config.other_token = Some(Secret::new("sk_other"));
    let bearer = spec(json!({"type": "http", "scheme": "bearer"}));
    assert_eq!(
        header(&send(&bearer, &config, "sk_main"), "authorization"),
        Some("Bearer sk_main")
    );
    let query = spec(json!({"type": "apiKey", "in": "query", "name": "api_key"}));
    assert_eq!(
        send(&query, &config, "sk_other").path,
        "/x?api_key=sk_other"
    );
    let cookie = spec(json!({"type": "apiKey", "in": "cookie", "name": "sid"}));
    assert_eq!(
        header(&send(&cookie, &config, "sk_main"), "cookie"),
        Some("sid=sk_main")
    );
    let basic = spec(json!({"type": "http", "scheme": "basic"}));
    // `user:password` in the token, or the username from `[auth]`.
    assert_eq!(
        header(&send(&basic, &config, "ann:pw"), "authorization"),
        Some("Basic YW5uOnB3")
    );
    config.auth.insert(
        "s".into(),
        crate::suite::SchemeAuth {
            username: Some("bob".into()),
            other_username: Some("eve".into()),
            other_token: Some(Secret::new("pw2")),
            ..Default::default()
        },
    );
    assert_eq!(
        header(&send(&basic, &config, "sk_main"), "authorization"),
        Some("Basic Ym9iOnNrX21haW4=")
    );
    assert_eq!(
        header(&send(&basic, &config, "sk_other"), "authorization"),
        Some("Basic ZXZlOnB3Mg==")
    );
}
