//! The generated kallglot client against a scripted local server: what it sends, and how it
//! reads each kind of answer; and the same reading applied to responses built by hand, through
//! `decode_response` and the per-operation functions of `responses`.

use kallglot_client::types::{self, AnalysisId, AnalysisStatus, ErrorCode, SessionId};
use kallglot_client::{
    decode_response, responses, Client, Decoded, Error, RawResponse, RetryPolicy,
};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves one request with `response` (a whole HTTP/1.1 response) and returns what it received.
async fn serve_once(response: String) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let handle = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).await.expect("readable");
            received.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&received);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        stream
            .write_all(response.as_bytes())
            .await
            .expect("writable");
        stream.shutdown().await.ok();
        String::from_utf8_lossy(&received).into_owned()
    });
    (base, handle)
}

fn http(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut text = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

#[tokio::test]
async fn create_sends_auth_and_body_and_reads_typed_headers() {
    let body = r#"{"id":"anl_01HDEF456789012","object":"analysis","session_id":"sess_01HXYZ123456789","status":"processing"}"#;
    let headers = [
        ("content-type", "application/json"),
        ("x-request-id", "req_1"),
        ("x-ratelimit-limit", "100"),
        ("x-ratelimit-remaining", "99"),
        ("x-ratelimit-reset", "1774523460"),
        ("x-api-credits-remaining", "249"),
        ("x-api-credits-used", "not-a-number"),
    ];
    let (base, server) = serve_once(http("202 Accepted", &headers, body)).await;
    let client = Client::new(base).with_bearer_auth("sk_test_secret");
    let request: kallglot_client::types::CreateAnalysisRequest =
        serde_json::from_value(serde_json::json!({"profile": "default", "include": ["summary"]}))
            .unwrap();
    let session = SessionId::new("sess_01HXYZ123456789").unwrap();
    let response = client
        .create_analysis(&session, Some(&request))
        .await
        .expect("accepted");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.status, AnalysisStatus::Processing);
    let typed = response.headers();
    assert_eq!(typed.request_id.as_deref(), Some("req_1"));
    assert_eq!(typed.rate_limit_remaining, Some(99));
    assert_eq!(typed.api_credits_remaining, Some(249));
    // A malformed documented header is `None`, not a failed call.
    assert_eq!(typed.api_credits_used, None);

    let sent = server.await.unwrap();
    assert!(
        sent.starts_with("POST /v1/sessions/sess_01HXYZ123456789/analysis HTTP/1.1\r\n"),
        "{sent}"
    );
    assert!(
        sent.to_ascii_lowercase()
            .contains("authorization: bearer sk_test_secret"),
        "{sent}"
    );
    assert!(
        sent.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{sent}"
    );
    assert!(
        sent.ends_with(r#"{"profile":"default","include":["summary"]}"#),
        "{sent}"
    );
}

#[tokio::test]
async fn a_documented_error_is_typed() {
    let body = r#"{"error":{"code":"analysis_not_found","message":"No analysis anl_1."}}"#;
    let (base, _server) = serve_once(http(
        "404 Not Found",
        &[("content-type", "application/json")],
        body,
    ))
    .await;
    let client = Client::new(base);
    let err = client
        .get_analysis(&AnalysisId::new("anl_1").unwrap())
        .await
        .expect_err("not found");
    let Error::ErrorResponse(response) = &err else {
        panic!("expected a documented error, got {err:?}")
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.error.code,
        kallglot_client::types::ErrorCode::AnalysisNotFound
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_call_outlives_its_arguments_and_can_be_spawned() {
    let body = r#"{"error":{"code":"analysis_not_found","message":"No analysis anl_2."}}"#;
    let (base, server) = serve_once(http(
        "404 Not Found",
        &[("content-type", "application/json")],
        body,
    ))
    .await;
    let client = Client::new(base);
    let call = {
        // The id is gone before the call is awaited: the call holds its request, not the id.
        let id = AnalysisId::new("anl_2").unwrap();
        client.get_analysis(&id)
    };
    let answer = tokio::spawn({
        let client = client.clone().with_retry_policy(RetryPolicy::none());
        async move {
            client
                .get_analysis(&AnalysisId::new("anl_3").unwrap())
                .await
        }
    });
    let err = call.await.expect_err("not found");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(server.await.unwrap().starts_with("GET /v1/analyses/anl_2 "));
    // The spawned call found no server left to answer it.
    let spawned = answer.await.unwrap().expect_err("no server");
    assert!(matches!(spawned, Error::Communication(_)), "{spawned:?}");
}

#[tokio::test]
async fn a_documented_error_has_its_headers_typed() {
    let body = r#"{"error":{"code":"rate_limited","message":"Slow down."}}"#;
    let headers = [
        ("content-type", "application/json"),
        ("x-request-id", "req_7"),
        ("retry-after", "12"),
        ("x-ratelimit-limit", "100"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-reset", "not-a-time"),
    ];
    let (base, _server) = serve_once(http("429 Too Many Requests", &headers, body)).await;
    // The answer as the caller sees it when the 429 is not retried.
    let client = Client::new(base).with_retry_policy(RetryPolicy::none());
    let err = client
        .get_analysis(&AnalysisId::new("anl_1").unwrap())
        .await
        .expect_err("rate limited");
    let Error::ErrorResponse(response) = &err else {
        panic!("expected a documented error, got {err:?}")
    };
    let typed = response.headers();
    assert_eq!(typed.request_id.as_deref(), Some("req_7"));
    assert_eq!(typed.retry_after, Some(12));
    assert_eq!(typed.rate_limit_limit, Some(100));
    assert_eq!(typed.rate_limit_remaining, Some(0));
    // Malformed or absent: `None`, and the error is still typed.
    assert_eq!(typed.rate_limit_reset, None);
    assert_eq!(typed.www_authenticate, None);
    // The same, read generically, for logs.
    assert_eq!(err.request_id(), Some("req_7"));
    assert!(err.to_string().ends_with("(request id req_7)"), "{err}");
    let limit = err.rate_limit().expect("rate-limit headers");
    assert_eq!(
        (limit.limit, limit.remaining, limit.reset),
        (Some(100), Some(0), None)
    );
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_body() {
    let (base, _server) = serve_once(http(
        "503 Service Unavailable",
        &[("x-request-id", "req_9")],
        "try later",
    ))
    .await;
    let client = Client::new(base).with_retry_policy(RetryPolicy::none());
    let err = client
        .get_analysis(&AnalysisId::new("anl_1").unwrap())
        .await
        .expect_err("503");
    let Error::UnexpectedResponse {
        status,
        headers,
        body,
    } = &err
    else {
        panic!("expected unexpected, got {err:?}")
    };
    assert_eq!(status.as_u16(), 503);
    assert_eq!(headers["x-request-id"], "req_9");
    assert_eq!(&body[..], b"try later");
}

#[tokio::test]
async fn an_undecodable_body_keeps_the_raw_bytes() {
    let (base, _server) = serve_once(http(
        "200 OK",
        &[("content-type", "application/json")],
        r#"{"id": 5}"#,
    ))
    .await;
    let client = Client::new(base);
    let err = client
        .get_analysis(&AnalysisId::new("anl_1").unwrap())
        .await
        .expect_err("bad body");
    let Error::InvalidResponsePayload { status, body, .. } = &err else {
        panic!("expected a payload error, got {err:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(&body[..], br#"{"id": 5}"#);
}

#[test]
fn the_token_stays_out_of_debug_output() {
    let client = Client::new("http://localhost").with_bearer_auth("sk_live_very_secret");
    let shown = format!("{client:?}");
    assert!(!shown.contains("sk_live_very_secret"), "{shown}");
    // Nor with retries, a timeout, and a reqwest client whose default headers hold a secret.
    let http = reqwest::Client::builder()
        .default_headers(HeaderMap::from_iter([(
            reqwest::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer sk_live_in_default_headers"),
        )]))
        .build()
        .expect("a client");
    let configured = Client::with_client("http://localhost", http)
        .with_bearer_auth("sk_live_very_secret")
        .with_retry_policy(RetryPolicy::default().with_max_retries(5).jitter_seed(9))
        .with_timeout(std::time::Duration::from_secs(4));
    for shown in [
        format!("{configured:?}"),
        format!("{configured:#?}"),
        format!("{:?}", configured.retry_policy()),
    ] {
        assert!(!shown.contains("sk_live_very_secret"), "{shown}");
        assert!(!shown.contains("sk_live_in_default_headers"), "{shown}");
    }
    let shown = format!("{configured:?}");
    assert!(
        shown.contains("max_retries: 5") && shown.contains("4s") && shown.contains("***"),
        "the settings show, the secret as ***: {shown}"
    );
}

const ANALYSIS: &str = r#"{"id":"anl_01HDEF456789012","object":"analysis","session_id":"sess_01HXYZ123456789","status":"processing"}"#;

/// A response as a recording or a proxy would hold it.
fn raw(status: u16, headers: &[(&'static str, &'static str)], body: &'static str) -> RawResponse {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let status = StatusCode::from_u16(status).expect("a status");
    RawResponse::new(status, map, body)
}

#[test]
fn decode_response_tells_each_kind_of_response_apart() {
    let json = ("content-type", "application/json");

    // An operation the spec does not have.
    assert!(decode_response("deleteAnalysis", raw(200, &[json], ANALYSIS)).is_none());
    // The key is the operationId, not the method name.
    assert!(decode_response("get_analysis", raw(200, &[json], ANALYSIS)).is_none());

    // A documented success: the body in the success type, the headers typed.
    let decoded = decode_response(
        "getAnalysis",
        raw(200, &[json, ("x-request-id", "req_1")], ANALYSIS),
    )
    .expect("a known operation");
    assert_eq!(decoded.status(), StatusCode::OK);
    let Decoded::Success(value) = decoded else {
        panic!("expected a success, got {decoded:?}")
    };
    let analysis = value
        .downcast_ref::<types::Analysis>()
        .expect("an Analysis");
    assert_eq!(analysis.status, AnalysisStatus::Processing);
    let headers = value
        .headers()
        .downcast_ref::<types::GetAnalysisHeaders>()
        .expect("the typed headers");
    assert_eq!(headers.request_id.as_deref(), Some("req_1"));
    // The typed value the method would have returned, whole.
    let typed = value
        .downcast::<types::Analysis, types::GetAnalysisHeaders>()
        .expect("the operation's types");
    assert_eq!(typed.id.as_str(), "anl_01HDEF456789012");

    // A documented error: the body in the error type, the error headers typed.
    let body = r#"{"error":{"code":"insufficient_credits","message":"No credits left."}}"#;
    let decoded = decode_response(
        "createAnalysis",
        raw(402, &[json, ("x-request-id", "req_2")], body),
    )
    .expect("a known operation");
    let Decoded::ErrorResponse(value) = &decoded else {
        panic!("expected a documented error, got {decoded:?}")
    };
    assert_eq!(value.status(), StatusCode::PAYMENT_REQUIRED);
    let error = value.downcast_ref::<types::Error>().expect("an Error");
    assert_eq!(error.error.code, ErrorCode::InsufficientCredits);
    let headers = value
        .headers()
        .downcast_ref::<types::CreateAnalysisErrorHeaders>()
        .expect("the typed error headers");
    assert_eq!(headers.request_id.as_deref(), Some("req_2"));

    // A status the operation does not document: nothing was decoded, and nothing failed.
    let decoded = decode_response("getAnalysis", raw(503, &[], "try later")).expect("known");
    let Decoded::UnexpectedResponse(response) = &decoded else {
        panic!("expected an undocumented status, got {decoded:?}")
    };
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(&response.body()[..], b"try later");

    // A documented status whose body does not decode: serde's message names the field.
    let missing_status =
        r#"{"id":"anl_01HDEF456789012","object":"analysis","session_id":"sess_01HXYZ123456789"}"#;
    let decoded = decode_response("getAnalysis", raw(200, &[json], missing_status)).expect("known");
    let Decoded::InvalidResponsePayload { response, error } = &decoded else {
        panic!("expected an undecodable body, got {decoded:?}")
    };
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body().as_ref(), missing_status.as_bytes());
    assert!(
        error.to_string().contains("missing field `status`"),
        "{error}"
    );

    // A documented error status whose body does not decode is a decoding failure too.
    let decoded =
        decode_response("getAnalysis", raw(404, &[json], r#"{"error":{}}"#)).expect("known");
    let Decoded::InvalidResponsePayload { error, .. } = &decoded else {
        panic!("expected an undecodable body, got {decoded:?}")
    };
    assert!(
        error.to_string().contains("missing field `code`"),
        "{error}"
    );
}

#[test]
fn a_response_function_reads_a_response_as_its_method_does() {
    let headers = [
        ("content-type", "application/json"),
        ("x-request-id", "req_3"),
        ("x-api-credits-remaining", "249"),
    ];
    let accepted = responses::create_analysis(raw(202, &headers, ANALYSIS)).expect("accepted");
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_eq!(accepted.status, AnalysisStatus::Processing);
    assert_eq!(accepted.headers().request_id.as_deref(), Some("req_3"));
    assert_eq!(accepted.headers().api_credits_remaining, Some(249));

    let body = r#"{"error":{"code":"analysis_not_found","message":"No analysis anl_1."}}"#;
    let err = responses::get_analysis(raw(404, &[], body)).expect_err("not found");
    let Error::ErrorResponse(response) = &err else {
        panic!("expected a documented error, got {err:?}")
    };
    assert_eq!(response.error.code, ErrorCode::AnalysisNotFound);

    // 202 is create's success status, not retrieve's.
    let err = responses::get_analysis(raw(202, &[], ANALYSIS)).expect_err("undocumented");
    assert!(
        matches!(&err, Error::UnexpectedResponse { status, .. } if status.as_u16() == 202),
        "{err:?}"
    );
}
