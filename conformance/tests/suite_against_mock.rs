//! The conformance suite against the embedded mock: silent on the faultless mock whatever the
//! seed, and for each of the mock's faults, failing the check that names it.

mod support;

use std::sync::Arc;

use conformance::mock::{Fault, Faults, Fixtures, Mock, MockOptions};
use conformance::suite::{run, Report, RunOptions, SuiteConfig, Verdict};
use serde_json::Value;
use support::spec;
use tokio::sync::Semaphore;

const SPEC: &str = "spec/kallglot.yaml";

/// The check that must fail for each fault. A new fault without a line here does not compile.
fn detected_by(fault: Fault) -> &'static str {
    match fault {
        Fault::MissingRequiredField
        | Fault::WrongType
        | Fault::NullInNonNullable
        | Fault::UnknownEnumValue
        | Fault::InvalidIdFormat
        | Fault::ErrorBodyMismatch => "response_schema_conformance",
        Fault::UndocumentedStatus => "status_code_conformance",
        Fault::MissingHeader | Fault::MalformedHeader | Fault::MissingRetryAfter => {
            "response_headers_conformance"
        }
        Fault::WrongContentType => "content_type_conformance",
        Fault::ServerErrorOnEdgeInput => "not_a_server_error",
        Fault::AcceptInvalidBody => "negative_data_rejection",
        Fault::SkipAuth => "ignored_auth",
        Fault::LeakOtherOrganization => "tenant_isolation",
        Fault::LifecycleBackwards | Fault::NeverCompletes => "long_running_lifecycle",
        Fault::CreditsNotCharged | Fault::ChargeOnRejection => "credit_accounting",
        Fault::RateLimitRemainingRises | Fault::RateLimitIgnored => "rate_limit_consistency",
        Fault::WrongAccessRuleStatus => "access_rules",
        Fault::MissingRequestedComponent | Fault::CompletedWithoutTimestamp => "completed_results",
        Fault::UnknownIdNot404 => "unknown_resource_not_found",
        Fault::BodyRequired => "positive_data_acceptance",
    }
}

/// One run of the suite against a fresh mock with `faults`.
async fn check_mock(spec: &Value, faults: Faults, seed: u64) -> Report {
    let fixtures = Fixtures::default();
    let options = MockOptions {
        fixtures: fixtures.clone(),
        faults,
        ..MockOptions::default()
    };
    let mock = Mock::new(spec.clone(), options)
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let mut config = SuiteConfig::for_fixtures(&fixtures, &mock.base_url());
    // Analyses finish after 300 ms; on a busy machine, allow ten times that.
    config.limits.finish_timeout_ms = 3_000;
    let report = run(
        spec,
        &config,
        &RunOptions {
            seed,
            max_examples: 3,
            ..RunOptions::default()
        },
    )
    .await
    .expect("the mock is reachable");
    mock.stop().await;
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faultless_mock_passes_every_check_for_ten_seeds() {
    let spec = Arc::new(spec(SPEC));
    let runs: Vec<_> = (1..=10)
        .map(|seed| {
            let spec = Arc::clone(&spec);
            tokio::spawn(async move { (seed, check_mock(&spec, Faults::none(), seed).await) })
        })
        .collect();
    for run in runs {
        let (seed, report) = run.await.expect("the run completes");
        assert_eq!(report.failed(), 0, "seed {seed}:\n{}", report.terminal());
        assert_eq!(
            report.skipped(),
            0,
            "seed {seed}: every input is given\n{}",
            report.terminal()
        );
        assert!(report.passed() >= 20, "seed {seed}:\n{}", report.terminal());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_fails_the_check_that_names_it() {
    let spec = Arc::new(spec(SPEC));
    // A few at a time: each run waits for analyses to finish, and timing must stay honest.
    let slots = Arc::new(Semaphore::new(5));
    let runs: Vec<_> = Fault::ALL
        .into_iter()
        .map(|fault| {
            let (spec, slots) = (Arc::clone(&spec), Arc::clone(&slots));
            tokio::spawn(async move {
                let _slot = slots.acquire().await.expect("open");
                (fault, check_mock(&spec, Faults::only(fault), 1).await)
            })
        })
        .collect();
    let mut missed = Vec::new();
    for run in runs {
        let (fault, report) = run.await.expect("the run completes");
        let expected = detected_by(fault);
        if !report.failed_checks().contains(&expected) {
            missed.push(format!(
                "{fault}: expected {expected} to fail\n{}",
                report.terminal()
            ));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

#[tokio::test]
async fn the_same_seed_sends_the_same_requests() {
    let spec = spec(SPEC);
    let requests = |report: &Report| {
        let mut sent: Vec<String> = report
            .exchanges
            .iter()
            .map(|e| {
                format!(
                    "{} {} {:?}",
                    e.request.method, e.request.path, e.request.body
                )
            })
            .collect();
        sent.sort();
        sent
    };
    let first = check_mock(&spec, Faults::none(), 42).await;
    let again = check_mock(&spec, Faults::none(), 42).await;
    let other = check_mock(&spec, Faults::none(), 43).await;
    assert_eq!(requests(&first), requests(&again));
    assert_ne!(requests(&first), requests(&other));
}

#[tokio::test]
async fn reports_name_the_request_and_the_spec_keyword_and_never_a_token() {
    let spec = spec(SPEC);
    let report = check_mock(&spec, Faults::only(Fault::MissingRequiredField), 5).await;
    let failed = report
        .results
        .iter()
        .find(|r| r.check == "response_schema_conformance" && r.verdict == Verdict::Failed)
        .expect("the schema check failed");
    let finding = &failed.findings[0];
    assert_eq!(
        finding.schema_path.as_deref(),
        Some("/components/schemas/Analysis/required")
    );
    let terminal = report.terminal();
    assert!(terminal.contains("curl -X POST"), "{terminal}");
    assert!(terminal.contains("Bearer ***"), "{terminal}");
    let junit = report.junit();
    assert!(
        junit.contains("<testsuite name=\"createAnalysis\""),
        "{junit}"
    );
    assert!(junit.contains("<failure"), "{junit}");
    let json: Value = serde_json::from_str(&report.json()).expect("the JSON report parses");
    assert_eq!(json["failed"].as_u64(), Some(report.failed() as u64));
    for text in [terminal, junit, report.json()] {
        for token in Fixtures::default().tokens() {
            assert!(!text.contains(token), "{token} leaked");
        }
    }
}

#[tokio::test]
async fn a_target_that_is_not_there_is_a_connection_error() {
    let spec = spec(SPEC);
    // A port that was just free.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let config = SuiteConfig {
        base_url: Some(format!("http://127.0.0.1:{port}")),
        ..SuiteConfig::default()
    };
    let error = run(&spec, &config, &RunOptions::default())
        .await
        .err()
        .expect("no server, no report");
    assert!(error.to_string().starts_with("cannot reach"), "{error}");
}
