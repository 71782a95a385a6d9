//! The conformance suite against the embedded mock: silent on the faultless mock whatever the
//! seed, and for each of the mock's faults, failing the check that names it.

mod support;

use std::sync::Arc;

use codegen::api::AnalysisNames;
use conformance::mock::{Fault, Faults, Fixtures, Mock, MockOptions};
use conformance::suite::checks::WHOLE_SPEC;
use conformance::suite::{run, Report, RunOptions, SuiteConfig, Verdict};
use serde_json::{json, Map, Value};
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

/// The checks of the analysis API, which run on the parts a spec declares with `x-analysis`.
const ANALYSIS_CHECKS: [&str; 3] = ["credit_accounting", "access_rules", "completed_results"];

/// One run of the suite against a fresh mock with `faults`.
async fn check_mock(spec: &Value, faults: Faults, seed: u64) -> Report {
    check_mock_named(spec, faults, seed, AnalysisNames::default()).await
}

/// One run of the suite against a fresh mock with `faults`, both told the analysis API's parts
/// by `names` (`[analysis.operations]`).
async fn check_mock_named(spec: &Value, faults: Faults, seed: u64, names: AnalysisNames) -> Report {
    let fixtures = Fixtures::default();
    let options = MockOptions {
        fixtures: fixtures.clone(),
        faults,
        analysis: names.clone(),
        ..MockOptions::default()
    };
    let spec = &support::loaded(spec);
    let mock = Mock::new(spec.clone(), options)
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let mut config = SuiteConfig::for_fixtures(&fixtures, &mock.base_url());
    config.analysis.operations = names;
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
    let spec = Arc::new(spec(SPEC).raw);
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
    let missed = missed_faults(spec(SPEC).raw, &Fault::ALL).await;
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

/// For each of `faults`, a run against the mock of `spec` with that fault; what each run that
/// did not fail the check naming its fault reported.
async fn missed_faults(spec: Value, faults: &[Fault]) -> Vec<String> {
    let spec = Arc::new(spec);
    // A few at a time: each run waits for analyses to finish, and timing must stay honest.
    let slots = Arc::new(Semaphore::new(5));
    let runs: Vec<_> = faults
        .iter()
        .map(|&fault| {
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
    missed
}

/// The curated spec with every operationId renamed (in the links that name them too), and its
/// session and analysis id parameters renamed (in the path templates and links too), the
/// `x-analysis` extensions kept: the same API as another spec of it might write it.
fn renamed_spec() -> Value {
    fn rename_ids(value: &mut Value, renamed: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, inner) in object.iter_mut() {
                    match inner {
                        Value::String(id) if key == "operationId" => {
                            let index = match renamed.iter().position(|old| old == id) {
                                Some(index) => index,
                                None => {
                                    renamed.push(id.clone());
                                    renamed.len() - 1
                                }
                            };
                            *id = format!("operation{index}");
                        }
                        _ => rename_ids(inner, renamed),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| rename_ids(item, renamed)),
            _ => {}
        }
    }
    let mut spec = spec(SPEC).raw;
    let mut renamed = Vec::new();
    rename_ids(&mut spec, &mut renamed);
    assert!(renamed.len() >= 3, "{renamed:?}");
    let parameters = &mut spec["components"]["parameters"];
    parameters["SessionId"]["name"] = json!("sid");
    parameters["AnalysisId"]["name"] = json!("ref");
    let paths: Map<String, Value> = spec["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(path, item)| {
            let path = path
                .replace("{session_id}", "{sid}")
                .replace("{id}", "{ref}");
            (path, item.clone())
        })
        .collect();
    spec["paths"] = Value::Object(paths);
    let link = spec
        .pointer_mut("/paths/~1v1~1sessions~1{sid}~1analysis/post/responses/202/links/GetAnalysis")
        .expect("the create's link");
    link["parameters"] = json!({"ref": "$response.body#/id"});
    for old in &renamed {
        assert!(
            !spec.to_string().contains(&format!("\"{old}\"")),
            "{old} is left"
        );
    }
    spec
}

/// Whether each analysis check passed, in `report`.
fn analysis_checks_passed(report: &Report) -> bool {
    ANALYSIS_CHECKS.iter().all(|check| {
        report
            .results
            .iter()
            .any(|r| r.check == *check && r.verdict == Verdict::Passed)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spec_naming_the_analysis_api_otherwise_is_served_and_checked_by_its_extensions() {
    let spec = renamed_spec();
    let report = check_mock(&spec, Faults::none(), 3).await;
    assert_eq!(report.failed(), 0, "{}", report.terminal());
    // No client was generated from this spec; every other input is given.
    let skipped: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.verdict == Verdict::Skipped)
        .map(|r| r.check)
        .collect();
    assert!(
        skipped.iter().all(|check| *check == "client_decodes"),
        "{}",
        report.terminal()
    );
    assert!(analysis_checks_passed(&report), "{}", report.terminal());
    // Every fault, those of the analysis checks among them.
    let missed = missed_faults(spec, &Fault::ALL).await;
    assert!(missed.is_empty(), "{}", missed.join("\n\n"));
}

/// The curated spec without its `x-analysis` extensions.
fn undeclared_spec() -> Value {
    let mut spec = spec(SPEC).raw;
    let mut stripped = 0;
    for pointer in [
        "/paths/~1v1~1sessions~1{session_id}~1analysis/post",
        "/paths/~1v1~1analyses~1{id}/get",
        "/components/parameters/SessionId",
    ] {
        let object = spec
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .expect("the object");
        stripped += usize::from(object.remove("x-analysis").is_some());
    }
    assert_eq!(stripped, 3);
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spec_without_x_analysis_skips_the_analysis_checks_and_fails_none() {
    let spec = undeclared_spec();
    let report = check_mock(&spec, Faults::none(), 3).await;
    for check in ANALYSIS_CHECKS {
        let results: Vec<_> = report.results.iter().filter(|r| r.check == check).collect();
        assert_eq!(results.len(), 1, "{check}: {}", report.terminal());
        let result = results[0];
        assert_eq!(
            (result.operation.as_str(), result.verdict),
            (WHOLE_SPEC, Verdict::Skipped)
        );
        assert_eq!(
            result.skipped.as_deref(),
            Some("the spec does not declare `x-analysis: create` on an operation (nor does `[analysis.operations] create` in --config name one)")
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parts_can_be_named_by_the_configuration_instead() {
    let spec = undeclared_spec();
    let names = AnalysisNames {
        create: Some("createAnalysis".into()),
        retrieve: Some("getAnalysis".into()),
        session: Some("session_id".into()),
    };
    let report = check_mock_named(&spec, Faults::none(), 4, names.clone()).await;
    assert_eq!(report.failed(), 0, "{}", report.terminal());
    assert!(analysis_checks_passed(&report), "{}", report.terminal());
    let charged = check_mock_named(&spec, Faults::only(Fault::CreditsNotCharged), 4, names).await;
    assert_eq!(
        charged.failed_checks(),
        ["credit_accounting"],
        "{}",
        charged.terminal()
    );
}

#[tokio::test]
async fn the_same_seed_sends_the_same_requests() {
    let spec = spec(SPEC).raw;
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
    let spec = spec(SPEC).raw;
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
