//! The suite against the generic mock serving real-world specs: the mock answers from the specs
//! alone, so any finding other than what a mock without state cannot know is a false positive of
//! the suite (or a mock bug), and fails this test.

mod support;

use conformance::mock::{Fixtures, Mock, MockOptions};
use conformance::suite::{run, RunOptions, SuiteConfig, Verdict};
use support::real_specs;

/// Committed under `tests/fixtures/real/`.
const COMMITTED: [&str; 3] = [
    "swagger_petstore3.yaml",
    "oxide_keeper.json",
    "xero_bankfeeds.yaml",
];

/// Read from the corpus when it is given (see `support::real_specs`).
const CORPUS: [&str; 3] = [
    "typesense.yml",
    "pagerduty_events_v2.json",
    "twilio_messaging_v1.json",
];

/// A mock without state says any identifier exists unless the spec's examples are records.
const STATELESS: &str = "unknown_resource_not_found";

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
            },
        )
        .await
        .expect("the mock is reachable");
        mock.stop().await;
        let failed: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed && r.check != STATELESS)
            .map(|r| r.check)
            .collect();
        if !failed.is_empty() {
            problems.push(format!("{name}: {failed:?}\n{}", report.terminal()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
