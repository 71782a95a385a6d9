//! The streaming methods of the streaming fixture (`codegen/tests/fixtures/streaming.yaml`)
//! against small servers in the test: events and items arrive one at a time, before the body
//! ends; error answers are the operation's typed errors; uploads from a stream and from a file
//! arrive whole, and are sent once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use callspec_runtime::reqwest::header::HeaderValue;
use fixture_tests::streaming::{types, BinaryBody, Client, Error, RetryPolicy, StreamError};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;

/// How long a test waits for what must come (a chunk the server has sent).
const PATIENCE: Duration = Duration::from_secs(10);

/// How long a test watches for what must not come yet.
const GLANCE: Duration = Duration::from_millis(150);

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A body the test writes chunk by chunk while the client reads it, and the end that writes.
fn live_body() -> (mpsc::UnboundedSender<&'static str>, Body) {
    let (sender, receiver) = mpsc::unbounded_channel::<&'static str>();
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let chunk = receiver.recv().await?;
        Some((
            Ok::<_, std::io::Error>(Bytes::from_static(chunk.as_bytes())),
            receiver,
        ))
    });
    (sender, Body::from_stream(chunks))
}

fn answer(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    (status, [("content-type", content_type)], body.into()).into_response()
}

fn problem(status: StatusCode, code: &str) -> Response {
    let body = serde_json::json!({"code": code, "message": "refused"}).to_string();
    answer(status, "application/json", body)
}

/// The headers of each request the server received.
type Seen = Arc<Mutex<Vec<HeaderMap>>>;

/// A header of the `index`th request received.
fn header(seen: &Seen, index: usize, name: &str) -> Option<String> {
    let seen = seen.lock().expect("unpoisoned");
    let value = seen.get(index)?.get(name)?;
    Some(value.to_str().expect("ASCII").to_owned())
}

#[tokio::test]
async fn events_arrive_one_at_a_time_with_their_type_id_and_retry() {
    let (sender, body) = live_body();
    let body = Arc::new(Mutex::new(Some(body)));
    let seen = Seen::default();
    let record = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/topics/{topic}/ticks",
        get(move |Path(topic): Path<String>, headers: HeaderMap| {
            record.lock().expect("unpoisoned").push(headers);
            let body = body.lock().expect("unpoisoned").take();
            async move {
                match body {
                    Some(body) if topic == "news" => (
                        [
                            ("content-type", "text/event-stream"),
                            ("x-stream-id", "stream-7"),
                        ],
                        body,
                    )
                        .into_response(),
                    _ => problem(StatusCode::NOT_FOUND, "no_topic"),
                }
            }
        }),
    );
    let client = Client::new(serve(app).await);

    let response = client
        .stream_ticks_events("news", types::StreamTicksOptions::default(), Some("41"))
        .await
        .expect("the stream begins");
    assert_eq!(response.headers().stream_id.as_deref(), Some("stream-7"));
    assert_eq!(header(&seen, 0, "last-event-id").as_deref(), Some("41"));
    assert_eq!(
        header(&seen, 0, "accept").as_deref(),
        Some("text/event-stream")
    );
    let mut events = response.into_inner();
    assert_eq!(events.last_event_id(), Some("41"));

    sender
        .send(": a comment, then the first event\n\nid: 42\nevent: tick\nretry: 3000\ndata: {\"n\": 1}\n\n")
        .expect("the server is reading");
    let first = tokio::time::timeout(PATIENCE, events.next())
        .await
        .expect("the first event arrives while the body goes on")
        .expect("an item")
        .expect("an event");
    assert_eq!(first.event, "tick");
    assert_eq!(first.id.as_deref(), Some("42"));
    assert_eq!(first.retry, Some(Duration::from_secs(3)));
    assert_eq!(first.data.n, 1);
    assert_eq!(events.last_event_id(), Some("42"));
    assert!(
        tokio::time::timeout(GLANCE, events.next()).await.is_err(),
        "nothing more has been sent"
    );

    // Half an event is not an event.
    sender
        .send("data: {\"n\": 2,")
        .expect("the server is reading");
    assert!(tokio::time::timeout(GLANCE, events.next()).await.is_err());
    sender
        .send(" \"note\": \"late\"}\n\n")
        .expect("the server is reading");
    let second = tokio::time::timeout(PATIENCE, events.next())
        .await
        .expect("the second event arrives")
        .expect("an item")
        .expect("an event");
    assert_eq!((second.event.as_str(), second.id), ("message", None));
    assert_eq!(second.data.note.as_deref(), Some("late"));
    assert_eq!(events.last_event_id(), Some("42"));
    assert_eq!(events.retry(), Some(Duration::from_secs(3)));

    drop(sender);
    let end = tokio::time::timeout(PATIENCE, events.next()).await;
    assert!(matches!(end, Ok(None)), "the stream ends with the body");

    let missing = client
        .stream_ticks_events("missing", types::StreamTicksOptions::default(), None)
        .await
        .expect_err("an unknown topic is refused");
    match missing {
        Error::ErrorResponse(response) => {
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
            assert_eq!(response.code, "no_topic");
        }
        other => panic!("not the documented error: {other:?}"),
    }
    assert_eq!(header(&seen, 1, "last-event-id"), None);
}

#[tokio::test]
async fn text_data_is_taken_as_it_is_and_a_declared_last_event_id_is_the_operation_s() {
    let seen = Seen::default();
    let record = Arc::clone(&seen);
    let app = axum::Router::new()
        .route(
            "/log",
            get(|| async {
                answer(
                    StatusCode::OK,
                    "text/event-stream; charset=utf-8",
                    "data: started\r\n\r\ndata: {not json}\ndata: second line\n\n",
                )
            }),
        )
        .route(
            "/notifications",
            get(move |headers: HeaderMap| {
                record.lock().expect("unpoisoned").push(headers);
                async { answer(StatusCode::OK, "text/event-stream", "id: n-4\ndata: hi\n\n") }
            }),
        );
    let client = Client::new(serve(app).await);

    let log: Vec<String> = client
        .tail_log_events(None)
        .await
        .expect("the stream begins")
        .into_inner()
        .map(|event| event.expect("text always decodes").data)
        .collect()
        .await;
    assert_eq!(log, ["started", "{not json}\nsecond line"]);

    let options = types::WatchNotificationsOptions {
        last_event_id: Some("n-3".to_owned()),
    };
    let mut notifications = client
        .watch_notifications_events(options)
        .await
        .expect("the stream begins")
        .into_inner();
    assert_eq!(header(&seen, 0, "last-event-id").as_deref(), Some("n-3"));
    assert_eq!(notifications.last_event_id(), Some("n-3"));
    let note = notifications.next().await.expect("an item").expect("text");
    assert_eq!(note.data, "hi");
    assert_eq!(notifications.last_event_id(), Some("n-4"));
}

#[tokio::test]
async fn an_operation_that_answers_json_or_events_has_both_methods() {
    let app = axum::Router::new().route(
        "/chat",
        axum::routing::post(|body: Bytes| async move {
            let request: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
            if request["prompt"] == "" {
                return problem(StatusCode::BAD_REQUEST, "empty_prompt");
            }
            if request["stream"] == true {
                let events = "data: {\"delta\": \"Hel\"}\n\ndata: {\"delta\": 5}\n\ndata: {\"delta\": \"lo\"}\n\ndata: [DONE]\n\n";
                return answer(StatusCode::OK, "text/event-stream", events);
            }
            answer(StatusCode::OK, "application/json", r#"{"text": "Hello"}"#)
        }),
    );
    let client = Client::new(serve(app).await);
    let request = |prompt: &str, stream: bool| types::ChatRequest {
        prompt: prompt.to_owned(),
        stream: Some(stream),
    };

    let whole = client
        .create_chat(&request("hi", false))
        .await
        .expect("a reply");
    assert_eq!(whole.text, "Hello");

    let items: Vec<_> = client
        .create_chat_events(&request("hi", true), None)
        .await
        .expect("the stream begins")
        .into_inner()
        .collect()
        .await;
    assert_eq!(items.len(), 4, "{items:?}");
    let deltas: Vec<&str> = items
        .iter()
        .filter_map(|item| item.as_ref().ok())
        .map(|event| event.data.delta.as_str())
        .collect();
    assert_eq!(deltas, ["Hel", "lo"]);
    for (index, data) in [(1, "{\"delta\": 5}"), (3, "[DONE]")] {
        match &items[index] {
            Err(
                error @ StreamError::Data {
                    event, data: got, ..
                },
            ) => {
                assert_eq!((event.as_str(), got.as_str()), ("message", data));
                assert!(!error.ends_stream());
            }
            other => panic!("not a data error: {other:?}"),
        }
    }

    let not_streamed = client
        .create_chat_events(&request("hi", false), None)
        .await
        .expect_err("a JSON answer is not an event stream");
    match &not_streamed {
        Error::UnexpectedContentType {
            status,
            body,
            expected,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(&body[..], br#"{"text": "Hello"}"#);
            assert_eq!(*expected, ["text/event-stream"]);
        }
        other => panic!("not a content type error: {other:?}"),
    }
    assert!(not_streamed
        .to_string()
        .contains("is `application/json`, not the text/event-stream"));

    let refused = client
        .create_chat_events(&request("", true), None)
        .await
        .expect_err("an empty prompt is refused");
    assert!(matches!(refused, Error::ErrorResponse(ref problem) if problem.code == "empty_prompt"));
}

#[tokio::test]
async fn json_lines_decode_as_they_arrive_and_a_bad_line_spoils_only_itself() {
    let (sender, body) = live_body();
    let body = Arc::new(Mutex::new(Some(body)));
    let app = axum::Router::new()
        .route(
            "/records",
            get(move || {
                let body = body.lock().expect("unpoisoned").take();
                async move {
                    match body {
                        Some(body) => answer(StatusCode::OK, "application/x-ndjson", body),
                        None => problem(StatusCode::INTERNAL_SERVER_ERROR, "exhausted"),
                    }
                }
            }),
        )
        .route(
            "/records/sequence",
            get(|| async {
                let texts =
                    "\u{1e}{\"id\": 1,\n  \"value\": \"a\"}\n\u{1e}{\"id\": 2, \"value\": \"b\"}\n";
                answer(StatusCode::OK, "application/json-seq", texts)
            }),
        );
    let client = Client::new(serve(app).await);

    let mut records = client
        .export_records_items()
        .await
        .expect("the stream begins")
        .into_inner();
    sender
        .send("{\"id\": 1, \"value\": \"a\"}\n{\"id\": 2, ")
        .expect("the server is reading");
    let first = tokio::time::timeout(PATIENCE, records.next())
        .await
        .expect("the first line arrives while the body goes on")
        .expect("an item")
        .expect("a record");
    assert_eq!((first.id, first.value.as_str()), (1, "a"));
    assert!(
        tokio::time::timeout(GLANCE, records.next()).await.is_err(),
        "the second line is not whole yet"
    );
    sender
        .send("\"value\": \"b\"}\r\n\r\nnot json\n{\"id\": 3, \"value\": \"c\"}")
        .expect("the server is reading");
    let second = tokio::time::timeout(PATIENCE, records.next())
        .await
        .expect("the second line arrives")
        .expect("an item")
        .expect("a record");
    assert_eq!((second.id, second.value.as_str()), (2, "b"));
    match records.next().await {
        Some(Err(error @ StreamError::Item { number: 4, .. })) => {
            assert!(!error.ends_stream());
            assert!(
                error.to_string().starts_with("item 4 did not decode"),
                "{error}"
            );
        }
        other => panic!("not the bad line: {other:?}"),
    }
    drop(sender);
    let last = records
        .next()
        .await
        .expect("the last line")
        .expect("a record");
    assert_eq!(last.id, 3);
    assert!(records.next().await.is_none());

    let refused = client
        .export_records_items()
        .await
        .expect_err("the `default` answer is the typed error");
    assert!(matches!(
        refused,
        Error::ErrorResponse(ref problem) if problem.status() == StatusCode::INTERNAL_SERVER_ERROR && problem.code == "exhausted"
    ));

    let sequence: Vec<i64> = client
        .export_record_sequence_items()
        .await
        .expect("the stream begins")
        .into_inner()
        .map(|record| record.expect("a record").id)
        .collect()
        .await;
    assert_eq!(sequence, [1, 2]);
}

/// The sum of `bytes`, modulo 2^32, as the fixture's `X-Checksum` says.
fn checksum(bytes: &[u8]) -> i64 {
    i64::from(
        bytes
            .iter()
            .fold(0u32, |sum, byte| sum.wrapping_add(u32::from(*byte))),
    )
}

/// 64 KiB that are not all alike.
fn payload() -> Vec<u8> {
    (0..65_536u32).map(|n| (n % 251) as u8).collect()
}

#[tokio::test]
async fn a_download_arrives_chunk_by_chunk() {
    let (sender, body) = live_body();
    let body = Arc::new(Mutex::new(Some(body)));
    let app = axum::Router::new().route(
        "/files/{file_id}",
        get(move |Path(file_id): Path<String>| {
            let body = body.lock().expect("unpoisoned").take();
            async move {
                match body {
                    Some(body) if file_id == "f1" => {
                        let mut response = answer(StatusCode::OK, "application/octet-stream", body);
                        let sum = HeaderValue::from(checksum(b"chunk one;chunk two"));
                        response.headers_mut().insert("x-checksum", sum);
                        response
                    }
                    _ => problem(StatusCode::NOT_FOUND, "no_file"),
                }
            }
        }),
    );
    let client = Client::new(serve(app).await);

    let response = client
        .download_file_bytes("f1")
        .await
        .expect("the download begins");
    let expected = response.headers().checksum;
    let mut chunks = response.into_inner();
    sender.send("chunk one;").expect("the server is reading");
    let first = tokio::time::timeout(PATIENCE, chunks.next())
        .await
        .expect("the first chunk arrives while the body goes on")
        .expect("a chunk")
        .expect("bytes");
    assert_eq!(&first[..], b"chunk one;");
    sender.send("chunk two").expect("the server is reading");
    drop(sender);
    let mut received = first.to_vec();
    while let Some(chunk) = chunks.next().await {
        received.extend_from_slice(&chunk.expect("bytes"));
    }
    assert_eq!(received, b"chunk one;chunk two");
    assert_eq!(expected, Some(checksum(&received)));

    let missing = client
        .download_file_bytes("f2")
        .await
        .expect_err("an unknown file is refused");
    assert!(matches!(missing, Error::ErrorResponse(ref problem) if problem.code == "no_file"));
}

/// A server that stores uploads (each answered with its size and checksum), or, with
/// `unavailable`, refuses each with a `503`; and how many requests it received.
async fn upload_server(unavailable: bool) -> (Client, Arc<Mutex<usize>>) {
    let count = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&count);
    let app = axum::Router::new().route(
        "/files/{file_id}",
        axum::routing::put(move |Path(file_id): Path<String>, body: Bytes| {
            *counted.lock().expect("unpoisoned") += 1;
            async move {
                if unavailable {
                    return problem(StatusCode::SERVICE_UNAVAILABLE, "busy");
                }
                let stored = serde_json::json!({
                    "id": file_id,
                    "size": body.len(),
                    "checksum": checksum(&body),
                });
                answer(StatusCode::CREATED, "application/json", stored.to_string())
            }
        }),
    );
    let fast = RetryPolicy::default().with_base_delay(Duration::from_millis(5));
    (Client::new(serve(app).await).with_retry_policy(fast), count)
}

#[tokio::test]
async fn uploads_from_a_stream_and_from_a_file_arrive_whole() {
    let (client, _) = upload_server(false).await;
    let payload = payload();

    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = payload
        .chunks(4096)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();
    let from_stream = BinaryBody::from_stream(futures_util::stream::iter(chunks));
    assert!(from_stream.is_streamed());
    let stored = client
        .upload_file("streamed", from_stream)
        .await
        .expect("stored");
    assert_eq!(stored.size, 65_536);
    assert_eq!(stored.checksum, checksum(&payload));

    let path = std::env::temp_dir().join(format!("callspec-upload-{}.bin", std::process::id()));
    std::fs::write(&path, &payload).expect("a temporary file");
    let file = tokio::fs::File::open(&path).await.expect("the file opens");
    let stored = client.upload_file("from-file", file).await;
    std::fs::remove_file(&path).ok();
    let stored = stored.expect("stored");
    assert_eq!((stored.id.as_str(), stored.size), ("from-file", 65_536));
    assert_eq!(stored.checksum, checksum(&payload));

    // Bytes in memory, as callers passed them before bodies could stream.
    let stored = client
        .upload_file("in-memory", payload.clone())
        .await
        .expect("stored");
    assert_eq!(stored.checksum, checksum(&payload));
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_and_one_in_memory_is_retried() {
    let (client, count) = upload_server(true).await;
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(b"once".to_vec())]);
    let refused = client
        .upload_file("f", BinaryBody::from_stream(chunks))
        .await
        .expect_err("the server is busy");
    assert!(matches!(refused, Error::ErrorResponse(ref problem) if problem.code == "busy"));
    assert_eq!(
        *count.lock().expect("unpoisoned"),
        1,
        "a stream is not sent again"
    );

    // PUT is idempotent: a body in memory is sent again, twice by default.
    let _ = client.upload_file("f", b"again".to_vec()).await;
    assert_eq!(*count.lock().expect("unpoisoned"), 4);
}

#[tokio::test]
async fn the_timeout_ends_when_the_stream_begins() {
    let (sender, body) = live_body();
    let body = Arc::new(Mutex::new(Some(body)));
    let app = axum::Router::new().route(
        "/log",
        get(move || {
            let body = body.lock().expect("unpoisoned").take();
            async move {
                match body {
                    Some(body) => answer(StatusCode::OK, "text/event-stream", body),
                    None => {
                        // Slower than the timeout to even begin.
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        answer(StatusCode::OK, "text/event-stream", "data: late\n\n")
                    }
                }
            }
        }),
    );
    let client = Client::new(serve(app).await)
        .with_retry_policy(RetryPolicy::none())
        .with_timeout(Duration::from_millis(300));

    let mut log = client
        .tail_log_events(None)
        .await
        .expect("the stream begins in time")
        .into_inner();
    for line in ["data: one\n\n", "data: two\n\n"] {
        // Each event comes later than the whole timeout after the stream began.
        tokio::time::sleep(Duration::from_millis(400)).await;
        sender.send(line).expect("the server is reading");
    }
    drop(sender);
    let lines: Vec<String> = (&mut log)
        .map(|event| event.expect("text").data)
        .collect()
        .await;
    assert_eq!(lines, ["one", "two"]);

    let late = client
        .tail_log_events(None)
        .await
        .expect_err("the stream does not begin in time");
    assert!(matches!(late, Error::TimedOut(after) if after == Duration::from_millis(300)));
    assert!(late.is_timeout());
}
