//! The suite against the generic mock serving real-world specs: the mock answers from the specs
//! alone, so any finding other than what a mock without state cannot know is a false positive of
//! the suite (or a mock bug), and fails this test.

mod support;

use conformance::mock::{Fixtures, Mock, MockOptions};
use conformance::suite::{run, RunOptions, SuiteConfig, Verdict};
use support::{real_specs, STATELESS};

/// Committed under `tests/fixtures/real/`.
const COMMITTED: [&str; 3] = [
    "swagger_petstore3.yaml",
    "oxide_keeper.json",
    "xero_bankfeeds.yaml",
];

/// Read from the corpus when it is given (see `support::real_specs`), the four OpenAPI 3.1
/// descriptions among them: their schemas are validated as the JSON Schema 2020-12 they are.
const CORPUS: [&str; 7] = [
    "real/typesense.yml",
    "real/pagerduty_events_v2.json",
    "real/twilio_messaging_v1.json",
    "real-3.1/adyen_checkout_v71.json",
    "real-3.1/adyen_management_v3.yaml",
    "real-3.1/discord.json",
    "real-3.1/openai.yaml",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_finds_nothing_wrong_with_a_mock_that_answers_as_the_spec_says() {
    let mut problems = Vec::new();
    for (name, spec) in real_specs(&COMMITTED, &CORPUS) {
        let fixtures = Fixtures::default();
        let mock = Mock::new(spec.clone(), MockOptions::default())
            .start("127.0.0.1:0")
            .await
            .expect("the mock starts");
        let config = SuiteConfig {
            analysis: Default::default(),
            ..SuiteConfig::for_fixtures(&fixtures, &mock.base_url())
        };
        let report = run(
            &spec,
            &config,
            &RunOptions {
                seed: 7,
                max_examples: 2,
                ..RunOptions::default()
            },
        )
        .await
        .expect("the mock is reachable");
        mock.stop().await;
        // What the run covered, for `--nocapture`: a silent suite that walked nothing says little.
        let walked: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.check == "pagination_consistent" && r.verdict == Verdict::Passed)
            .map(|r| r.operation.as_str())
            .collect();
        eprintln!(
            "{name}: {} requests, lists walked: {walked:?}",
            report.exchanges.len()
        );
        let failed: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed && !STATELESS.contains(&r.check))
            .map(|r| r.check)
            .collect();
        if !failed.is_empty() {
            problems.push(format!("{name}: {failed:?}\n{}", report.terminal()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// `x-long-running` allows terminal values that are booleans or numbers (`succeeded: [true]`):
/// a server that reports `done: true` has finished its work.
#[tokio::test]
async fn a_boolean_terminal_status_ends_the_lifecycle() {
    let job = |done: bool| serde_json::json!({"id": "job_1", "done": done});
    let spec = support::loaded(&serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "jobs", "version": "1"},
        "paths": {
            "/jobs": {"post": {
                "operationId": "startJob",
                "x-long-running": {
                    "operationId": "getJob",
                    "parameters": {"id": "$response.body#/id"},
                    "status": "/done",
                    "succeeded": [true],
                    "poll-interval-seconds": 1,
                    "timeout-seconds": 2
                },
                "responses": {"202": {"description": "started", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Job"},
                    "example": job(false)
                }}}}
            }},
            "/jobs/{id}": {"get": {
                "operationId": "getJob",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the job", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Job"},
                        "example": job(true)
                    }}},
                    "404": {"description": "no such job"}
                }
            }}
        },
        "components": {"schemas": {"Job": {
            "type": "object",
            "required": ["id", "done"],
            "properties": {"id": {"type": "string"}, "done": {"type": "boolean"}}
        }}}
    }));
    let mock = Mock::new(spec.clone(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let config = SuiteConfig {
        base_url: Some(mock.base_url()),
        ..SuiteConfig::default()
    };
    let report = run(&spec, &config, &RunOptions::default())
        .await
        .expect("the mock is reachable");
    mock.stop().await;
    let lifecycle = report
        .results
        .iter()
        .find(|r| r.check == "long_running_lifecycle" && r.operation == "startJob")
        .expect("the lifecycle was judged");
    assert_eq!(lifecycle.verdict, Verdict::Passed, "{}", report.terminal());
}

/// A next link that leads off the list (a made-up `href`, say) is the list's fault: the request
/// it names is not sent as a page of the list, whose documented statuses it would be held to.
/// The generic mock pages this list correctly, so a server written here answers with the spec's
/// example, link and all, as a mock without paging once did.
#[tokio::test]
async fn a_next_link_off_the_list_is_a_pagination_finding_not_a_status_one() {
    let spec = support::loaded(&serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "pages", "version": "1"},
        "paths": {"/users": {"get": {
            "operationId": "listUsers",
            "responses": {"200": {"description": "a page", "content": {"application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "data": {"type": "array", "items": {"type": "object"}},
                        "_links": {"type": "object", "properties": {
                            "next": {"type": "object", "properties": {"href": {"type": "string"}}}
                        }}
                    }
                },
                "example": {"data": [{"id": 1}], "_links": {"next": {"href": "qtnzwzhd"}}}
            }}}}
        }}}
    }));
    let example = spec.raw["paths"]["/users"]["get"]["responses"]["200"]["content"]
        ["application/json"]["example"]
        .to_string();
    let app = axum::Router::new().fallback(move || {
        let example = example.clone();
        async move { ([("content-type", "application/json")], example) }
    });
    let config = SuiteConfig {
        base_url: Some(support::serve_receiver(app, "").await),
        ..SuiteConfig::default()
    };
    let report = run(&spec, &config, &RunOptions::default())
        .await
        .expect("the server is reachable");
    let verdict = |check: &str| {
        report
            .results
            .iter()
            .find(|r| r.check == check && r.operation == "listUsers")
            .unwrap_or_else(|| panic!("{check} was judged"))
    };
    let paging = verdict("pagination_consistent");
    assert_eq!(paging.verdict, Verdict::Failed, "{}", report.terminal());
    assert!(
        paging.findings[0]
            .message
            .contains("next link (/qtnzwzhd) addresses no page of this list"),
        "{:?}",
        paging.findings
    );
    assert_eq!(
        verdict("status_code_conformance").verdict,
        Verdict::Passed,
        "{}",
        report.terminal()
    );
}
