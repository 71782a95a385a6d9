//! The generated client, the mock and the conformance suite read the agreement fixture
//! (`codegen/tests/fixtures/agreement.yaml`) alike. Each test takes one place where they once
//! disagreed and runs the client's view and the mock's or the suite's view of it side by side.

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri};
use callspec_runtime::reqwest;
use conformance::contract::Contract;
use conformance::mock::{Mock, MockOptions, RunningMock};
use conformance::suite::plan::Planner;
use conformance::suite::{run, CheckResult, RunOptions, Secret, SuiteConfig, Verdict};
use fixture_tests::agreement::{types, Client, Decoded, Error, RawResponse, WaitOptions};
use serde_json::{json, Value};

/// A token of the mock's default world.
const TOKEN: &str = "sk_test_acme";

fn spec() -> codegen::LoadedSpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/agreement.yaml");
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    codegen::load("agreement.yaml", &text).expect("the fixture loads")
}

async fn mock() -> RunningMock {
    Mock::new(spec(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts")
}

fn config(base_url: &str) -> SuiteConfig {
    SuiteConfig {
        base_url: Some(base_url.to_owned()),
        token: Some(Secret::new(TOKEN)),
        ..SuiteConfig::default()
    }
}

/// The suite's results for `check` on `operation`, run against the server at `base_url`.
async fn suite(base_url: &str) -> Vec<CheckResult> {
    let options = RunOptions {
        seed: 3,
        max_examples: 2,
        ..RunOptions::default()
    };
    run(&spec(), &config(base_url), &options)
        .await
        .expect("the server answers")
        .results
}

fn result<'r>(results: &'r [CheckResult], check: &str, operation: &str) -> &'r CheckResult {
    results
        .iter()
        .find(|r| r.check == check && r.operation == operation)
        .unwrap_or_else(|| panic!("no {check} result for {operation}: {results:#?}"))
}

/// A server that answers every request with `status`, `content_type` and `body`, and records
/// each request's path and query and headers.
async fn server(
    status: u16,
    content_type: &'static str,
    body: &'static str,
) -> (String, Arc<Mutex<Vec<(String, HeaderMap)>>>) {
    let seen: Arc<Mutex<Vec<(String, HeaderMap)>>> = Arc::default();
    let record = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let record = Arc::clone(&record);
        async move {
            let path = uri
                .path_and_query()
                .map_or_else(String::new, |p| p.as_str().to_owned());
            record.lock().expect("unpoisoned").push((path, headers));
            (
                StatusCode::from_u16(status).expect("a status"),
                [("content-type", content_type)],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// The path and query of the request the suite plans for `operation` with these `values`.
fn planned_path(operation: &str, values: &[(&str, Value)]) -> String {
    let contract = Contract::new(spec());
    let config = config("http://unused");
    let operation = contract
        .operation(operation)
        .expect("the suite knows the operation");
    let values: Vec<(String, Value)> = values
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    let planned = Planner::new(&contract, operation, &config, 0).valid_with(&values, Some(TOKEN));
    planned.expect("a valid request").path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_json_is_json_for_the_client_the_mock_and_the_suite() {
    let mock = mock().await;
    let client = Client::new(mock.base_url()).with_bearer(TOKEN);
    let greeting = client
        .get_greeting()
        .await
        .expect("the mock's greeting decodes");
    assert_eq!(greeting.into_inner(), "hello");
    mock.stop().await;
    // A `text/json` body off its schema is a finding; one on it is not.
    let (bad, _) = server(200, "text/json", "123").await;
    let results = suite(&bad).await;
    let check = result(&results, "response_schema_conformance", "getGreeting");
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
    let (good, _) = server(200, "text/json", "\"hi\"").await;
    let results = suite(&good).await;
    let check = result(&results, "response_schema_conformance", "getGreeting");
    assert_eq!(check.verdict, Verdict::Passed, "{check:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_the_http_layer_owns_are_nobodys_parameters() {
    // The client's method takes `X-Trace` alone (it would not compile with `Host`).
    let mock = mock().await;
    let client = Client::new(mock.base_url()).with_bearer(TOKEN);
    let answer = client.get_hosted("t-1").await.expect("the mock takes it");
    assert_eq!(answer.status(), 204);
    // The mock and the suite read the same single parameter, and check it.
    let contract = Contract::new(spec());
    let names: Vec<&str> = contract
        .operation("getHosted")
        .expect("read")
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["X-Trace"]);
    let refused = client.get_hosted("x-1").await;
    assert!(
        matches!(&refused, Err(error @ Error::UnexpectedResponse { .. }) if error.status().map(|s| s.as_u16()) == Some(400)),
        "{refused:?}"
    );
    mock.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemes_nobody_can_send_are_demanded_by_nobody() {
    let mock = mock().await;
    // No credentials at all: the client sends none for these, and the mock asks for none.
    let client = Client::new(mock.base_url());
    assert_eq!(client.get_undeclared().await.expect("taken").status(), 204);
    assert_eq!(client.get_digest().await.expect("taken").status(), 204);
    // The scheme the client can send is still demanded.
    let refused = client.get_greeting().await;
    assert!(
        matches!(&refused, Err(error @ Error::UnexpectedResponse { .. }) if error.status().map(|s| s.as_u16()) == Some(401)),
        "{refused:?}"
    );
    mock.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_running_work_is_followed_in_both_forms_or_by_nobody() {
    let mock = mock().await;
    let client = Client::new(mock.base_url()).with_bearer(TOKEN);
    let job = client
        .start_job_and_wait(WaitOptions::default())
        .await
        .expect("the job ends");
    assert_eq!(job.state, types::JobState::Done);
    let results = suite(&mock.base_url()).await;
    mock.stop().await;
    let followed = result(&results, "long_running_lifecycle", "startJob");
    assert_eq!(followed.verdict, Verdict::Passed, "{followed:#?}");
    assert!(followed.examined > 0, "{followed:#?}");
    // Without a timeout the client has no helper, and the suite says why it does not wait.
    let untimed = result(&results, "long_running_lifecycle", "startUntimed");
    assert_eq!(untimed.verdict, Verdict::Skipped, "{untimed:#?}");
    assert!(
        untimed
            .skipped
            .as_deref()
            .is_some_and(|reason| reason.contains("malformed")),
        "{untimed:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_go_out_alike_from_the_client_and_the_suite() {
    let (url, seen) = server(204, "text/plain", "").await;
    let client = Client::new(&url)
        .with_bearer(TOKEN)
        .with_retry_policy(fixture_tests::agreement::RetryPolicy::none());
    let _ = client
        .search(
            &[types::SearchTagsItem::A, types::SearchTagsItem::B],
            &[1.5, 2.0],
        )
        .await;
    let _ = client.get_shelves(&[1, 2]).await;
    let _ = client.get_twice("x1").await;
    let sent: Vec<String> = seen
        .lock()
        .expect("unpoisoned")
        .iter()
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(
        sent,
        [
            planned_path(
                "search",
                &[("tags", json!(["a", "b"])), ("near", json!([1.5, 2.0]))]
            ),
            planned_path("getShelves", &[("ids", json!([1, 2]))]),
            planned_path("getTwice", &[("id", json!("x1"))]),
        ]
    );
    assert_eq!(
        sent,
        [
            "/search?tags=a%7Cb&near=1.5+2.0",
            "/shelves/.1.2",
            "/twice/x1/again/x1"
        ]
    );
    // And the mock reads each as the valid request it is.
    let mock = mock().await;
    let client = Client::new(mock.base_url()).with_bearer(TOKEN);
    let found = client
        .search(
            &[types::SearchTagsItem::A, types::SearchTagsItem::C],
            &[1.5],
        )
        .await
        .expect("a valid search");
    assert_eq!(found.status(), 200);
    assert_eq!(
        client.get_shelves(&[1, 2]).await.expect("taken").status(),
        204
    );
    assert_eq!(client.get_twice("x1").await.expect("taken").status(), 204);
    let results = suite(&mock.base_url()).await;
    mock.stop().await;
    let accepted = result(&results, "positive_data_acceptance", "search");
    assert_eq!(accepted.verdict, Verdict::Passed, "{accepted:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_are_lines_for_the_mock_and_the_suite() {
    let mock = mock().await;
    let client = Client::new(mock.base_url()).with_bearer(TOKEN);
    let lines = client.get_lines().await.expect("lines");
    assert_eq!(lines.into_inner(), b"{\"n\":1}\n");
    let taken = client.post_lines("{\"n\":1}\n{\"n\":2}\n").await;
    assert_eq!(taken.expect("valid lines").status(), 204);
    let refused = client.post_lines("{\"n\":1}\n{\"n\":\"two\"}\n").await;
    assert!(
        matches!(&refused, Err(error @ Error::UnexpectedResponse { .. }) if error.status().map(|s| s.as_u16()) == Some(400)),
        "{refused:?}"
    );
    let results = suite(&mock.base_url()).await;
    mock.stop().await;
    let sent = result(&results, "positive_data_acceptance", "postLines");
    assert_eq!(sent.verdict, Verdict::Passed, "{sent:#?}");
    // A line off its schema is a finding.
    let (bad, _) = server(200, "application/x-ndjson", "{\"n\":1}\n{\"n\":\"x\"}\n").await;
    let results = suite(&bad).await;
    let check = result(&results, "response_schema_conformance", "getLines");
    assert_eq!(check.verdict, Verdict::Failed, "{check:#?}");
}

#[test]
fn status_keys_are_matched_by_one_rule() {
    let contract = Contract::new(spec());
    for operation in ["getStatuses", "getTypo", "getJob", "getGreeting"] {
        let read = contract.operation(operation).expect("read");
        for status in 100..=599 {
            let response = RawResponse::new(
                reqwest::StatusCode::from_u16(status).expect("a status"),
                HeaderMap::new(),
                Vec::new(),
            );
            let decoded = fixture_tests::agreement::decode_response(operation, response)
                .expect("the client knows the operation");
            let client_documents = !matches!(decoded, Decoded::UnexpectedResponse(_));
            assert_eq!(
                client_documents,
                read.response_for(status).is_some(),
                "{operation} {status}: {decoded:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_template_is_no_operation_anywhere() {
    let contract = Contract::new(spec());
    assert!(contract.operation("getBroken").is_none());
    let probe = RawResponse::new(reqwest::StatusCode::OK, HeaderMap::new(), Vec::new());
    assert!(fixture_tests::agreement::decode_response("getBroken", probe).is_none());
    let mock = mock().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/broken/%7Bid", mock.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(answer.status(), 404);
    mock.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_finds_nothing_wrong_with_the_mock() {
    let mock = mock().await;
    let results = suite(&mock.base_url()).await;
    mock.stop().await;
    let failed: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}
