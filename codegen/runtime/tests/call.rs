//! [`Call`], the future generated methods return: what it sends, when, and what it yields.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use callspec_runtime::reqwest::{self, Method, StatusCode};
use callspec_runtime::{json_body, Call, Error, Operation, RawResponse, Transport};

mod support;
use support::{free_port, http, serve};

static CREATE: Operation = Operation::new("createThing", Method::POST, "/things");

/// What a generated `responses` function does, reduced to what these tests look at.
#[allow(clippy::result_large_err)]
fn decode(response: RawResponse) -> Result<StatusCode, Error<()>> {
    Ok(response.status())
}

fn assert_send<T: Send>(_: &T) {}

/// A struct that holds a call until it is wanted: possible because `Call` is a named type.
struct Pending<'a> {
    call: Call<'a, StatusCode, ()>,
}

#[tokio::test]
async fn a_call_sends_nothing_until_awaited_then_decodes_the_answer() {
    let (base, log) = serve(vec![http("201 Created", &[])]).await;
    let transport = Transport::new(reqwest::Client::new());
    let body = serde_json::json!({"name": "x"});
    let call = transport.call(
        &CREATE,
        json_body(
            transport.request(&CREATE, format!("{base}/things")),
            "application/json",
            &body,
        ),
        decode,
    );
    // The body was encoded when the call was made; dropping it now proves the call does not
    // borrow it.
    drop(body);
    assert_send(&call);
    let pending = Pending { call };
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(log.lock().unwrap().is_empty(), "sent before it was awaited");
    assert_eq!(pending.call.await.unwrap(), StatusCode::CREATED);
    let received = log.lock().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].0, "POST /things HTTP/1.1");
}

#[tokio::test]
async fn a_body_that_does_not_encode_is_the_call_s_error_and_nothing_is_sent() {
    let (base, log) = serve(vec![http("201 Created", &[])]).await;
    let transport = Transport::new(reqwest::Client::new());
    // JSON object keys must be strings: a map keyed by pairs does not serialize.
    let body: BTreeMap<(u8, u8), u8> = BTreeMap::from([((1, 2), 3)]);
    let request = json_body(
        transport.request(&CREATE, format!("{base}/things")),
        "application/json",
        &body,
    );
    let outcome = transport.call(&CREATE, request, decode).await;
    match outcome {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("key must be a string"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(log.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_a_communication_error() {
    let port = free_port();
    let transport = Transport::new(reqwest::Client::new())
        .with_retry_policy(callspec_runtime::RetryPolicy::none());
    let request = transport.request(&CREATE, format!("http://127.0.0.1:{port}/things"));
    let call = transport.call(&CREATE, Ok::<_, Error<()>>(request), decode);
    assert_eq!(
        format!("{call:?}"),
        r#"Call { operation: "createThing", state: "sending" }"#
    );
    match call.await {
        Err(Error::Communication(error)) => assert!(error.is_connect(), "{error}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
}
