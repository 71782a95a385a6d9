//! The references fixture gives every Reference Object site of OpenAPI 3.0.3 as a `$ref`; its
//! client must read, send and decode what each reference points to.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use callspec_runtime::reqwest;
use fixture_tests::references::types::{GetPetOptions, Pet, PetName, Status};
use fixture_tests::references::{responses, webhooks, Client, Error, RawResponse, WaitOptions};
use serde_json::json;

fn raw(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> RawResponse {
    let mut map = reqwest::header::HeaderMap::new();
    map.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_str(value),
        ) {
            map.insert(name, value);
        }
    }
    RawResponse::new(
        reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::OK),
        map,
        body.to_string(),
    )
}

fn pet_json() -> serde_json::Value {
    json!({"id": "p1", "name": "Rex", "status": "available", "friends": [{"id": "p2", "name": "Fido", "status": "pending"}]})
}

/// Responses (`$ref` to `components/responses`), their headers (`$ref` to
/// `components/headers`) and schemas (`$ref`s nested in properties and items) decode.
#[test]
fn a_referenced_response_decodes_with_its_referenced_headers_and_schemas() {
    let got = responses::get_pet(raw(200, &[("X-Rate-Remaining", "5")], &pet_json()));
    let Ok(value) = got else {
        panic!("a documented pet decodes: {got:?}");
    };
    assert_eq!(value.headers().rate_remaining, Some(5));
    assert_eq!(value.name.as_str(), "Rex");
    assert_eq!(value.status, Status::Available);
    let friends = value.friends.as_deref().unwrap_or_default();
    assert_eq!(friends.len(), 1);
    assert_eq!(friends[0].status, Status::Pending);
    // `PetName` (via `$ref`) keeps its `minLength`.
    let empty = responses::get_pet(raw(
        200,
        &[],
        &json!({"id": "p1", "name": "", "status": "pending"}),
    ));
    assert!(
        matches!(empty, Err(Error::InvalidResponsePayload { .. })),
        "{empty:?}"
    );
    // The `default` response is a `$ref` too.
    let problem = responses::get_pet(raw(500, &[], &json!({"message": "down"})));
    match problem {
        Err(Error::ErrorResponse(error)) => assert_eq!(error.message, "down"),
        other => panic!("the referenced default response is the error: {other:?}"),
    }
    let created = responses::create_pet(raw(201, &[("Location", "/pets/p1")], &pet_json()));
    match created {
        Ok(value) => assert_eq!(value.headers().location.as_deref(), Some("/pets/p1")),
        Err(error) => panic!("a created pet decodes: {error:?}"),
    }
}

/// A callback given as a `$ref` (in an operation, and one component naming another), whose path
/// item is a `$ref`, whose parameter and request body are `$ref`s, gets a parser.
#[test]
fn referenced_callbacks_parse_their_deliveries() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "content-type",
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    headers.insert("x-delivery", reqwest::header::HeaderValue::from_static("3"));
    let body = pet_json().to_string();
    for delivery in [
        webhooks::parse_on_replaced(&headers, body.as_bytes())
            .map(|d| (d.headers.delivery, d.payload)),
        webhooks::parse_on_created(&headers, body.as_bytes())
            .map(|d| (d.headers.delivery, d.payload)),
    ] {
        match delivery {
            Ok((delivery, pet)) => {
                assert_eq!(delivery, 3);
                assert_eq!(pet.id, "p1");
            }
            Err(error) => panic!("a documented delivery parses: {error}"),
        }
    }
    headers.remove("x-delivery");
    assert!(webhooks::parse_on_created(&headers, body.as_bytes()).is_err());
}

type Seen = Arc<Mutex<Vec<(Method, String, HeaderMap, String)>>>;

/// A path item `$ref` (its parameters, `$ref`s too, merged with the operation's), a request body
/// `$ref`, and a security scheme that is a `$ref` to another: the client sends what they say.
#[tokio::test]
async fn a_referenced_path_item_parameters_body_and_scheme_are_sent() {
    let seen: Seen = Arc::default();
    let recorder = seen.clone();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: String| {
            let recorder = recorder.clone();
            async move {
                let status = if method == Method::POST {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                if let Ok(mut seen) = recorder.lock() {
                    seen.push((method, uri.to_string(), headers, body));
                }
                (
                    status,
                    [
                        ("content-type", "application/json"),
                        ("x-rate-remaining", "9"),
                    ],
                    pet_json().to_string(),
                )
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::new(format!("http://{addr}")).with_api_key("k-123");

    let got = client
        .get_pet(
            "p1",
            GetPetOptions {
                verbose: Some(true),
            },
        )
        .await
        .expect("the pet");
    assert_eq!(got.headers().rate_remaining, Some(9));
    let pet = Pet {
        id: "p1".into(),
        name: PetName::new("Rex").expect("a valid name"),
        status: Status::Pending,
        friends: None,
    };
    client.replace_pet("p1", &pet).await.expect("replaced");
    // The long-running helper exists because the link it names is a `$ref` that resolves.
    let waited = client
        .create_pet_and_wait(
            &pet,
            WaitOptions::new()
                .interval(std::time::Duration::from_millis(10))
                .timeout(std::time::Duration::from_secs(5)),
        )
        .await;
    assert!(waited.is_ok(), "{waited:?}");

    let seen = seen.lock().expect("the record").clone();
    let (method, uri, headers, _) = &seen[0];
    assert_eq!(
        (method, uri.as_str()),
        (&Method::GET, "/pets/p1?verbose=true")
    );
    assert_eq!(
        headers.get("x-api-key").map(|v| v.as_bytes()),
        Some(&b"k-123"[..])
    );
    let (method, uri, headers, body) = &seen[1];
    assert_eq!((method, uri.as_str()), (&Method::PUT, "/pets/p1"));
    assert_eq!(
        headers.get("x-api-key").map(|v| v.as_bytes()),
        Some(&b"k-123"[..])
    );
    let sent: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(
        sent,
        json!({"id": "p1", "name": "Rex", "status": "pending"})
    );
    // The create, then its poll through the link's `$response.body#/id`.
    assert_eq!(seen[2].0, Method::POST);
    assert_eq!((&seen[3].0, seen[3].1.as_str()), (&Method::GET, "/pets/p1"));
}
