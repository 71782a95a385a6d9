//! Each check on exchanges built by hand: what passes, what fails and what the finding says.
//! (The checks that send their own requests are tested against the mock, in
//! `tests/suite_against_mock.rs`.)

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Value};

use super::long_running_lifecycle::{Ending, Observation};
use super::*;
use crate::http::{Request, Response};
use crate::suite::config::{Limits, Secret};
use crate::suite::exchange::TransportError;
use crate::suite::outcome::{CheckResult, Verdict};

fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/{id}": {"get": {
            "operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "security": [{"bearer": []}],
            "responses": {
                "200": {
                    "description": "ok",
                    "headers": {"X-Count": {"required": true, "schema": {"type": "integer", "minimum": 0}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
                },
                "401": {"description": "who?"},
                "404": {"description": "no", "content": {"application/json": {"schema": {"type": "object"}}}}
            }
        }}},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Thing": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                    "finished_at": {"type": "string", "format": "date-time", "nullable": true}
                }
            }}
        }
    })
}

struct Fixture {
    contract: Contract,
    config: SuiteConfig,
    target: Target,
}

fn fixture() -> Fixture {
    Fixture {
        contract: Contract::new(crate::loaded(&spec())),
        config: SuiteConfig {
            token: Some(Secret::new("sk_main")),
            ..SuiteConfig::default()
        },
        target: Target::new("http://127.0.0.1:9", Limits::default()).unwrap(),
    }
}

fn exchange(id: usize, status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    Exchange {
        id,
        operation: "getThing".into(),
        purpose: "a test".into(),
        base_url: "http://127.0.0.1:9".into(),
        request: Request::new("GET", "/things/1").bearer("sk_main"),
        outcome: Ok(Response {
            status,
            headers: map,
            body: body.as_bytes().to_vec(),
        }),
        sent_at: Duration::from_millis(id as u64 * 10),
        done_at: Duration::from_millis(id as u64 * 10 + 5),
    }
}

const GOOD: &str = r#"{"id": "1", "status": "done"}"#;
const JSON: (&str, &str) = ("content-type", "application/json");

fn results(fixture: &Fixture, judge: impl Fn(&Context<'_>)) -> Vec<CheckResult> {
    let context = Context::new(&fixture.contract, &fixture.config, &fixture.target, 0, 1);
    judge(&context);
    let (ledger, _) = context.finish();
    ledger.results(&ALL.map(|c| c.name), &["getThing".into()])
}

fn verdict(results: &[CheckResult], check: &str) -> Option<Verdict> {
    results.iter().find(|r| r.check == check).map(|r| r.verdict)
}

fn first_message(results: &[CheckResult], check: &str) -> String {
    results
        .iter()
        .find(|r| r.check == check)
        .and_then(|r| r.findings.first())
        .map(|f| f.message.clone())
        .unwrap_or_default()
}

#[test]
fn response_checks_pass_a_conforming_answer() {
    let fixture = fixture();
    let found = results(&fixture, |context| {
        let good = exchange(0, 200, &[JSON, ("x-count", "3")], GOOD);
        not_a_server_error::check(context, &good);
        status_code_conformance::check(context, &good);
        content_type_conformance::check(context, &good);
        response_headers_conformance::check(context, &good);
        response_schema_conformance::check(context, &good);
    });
    assert!(
        found.iter().all(|r| r.verdict == Verdict::Passed),
        "{found:#?}"
    );
    assert_eq!(found.len(), 5);
}

#[test]
fn each_response_check_names_what_is_wrong() {
    let fixture = fixture();
    let found = results(&fixture, |context| {
        not_a_server_error::check(context, &exchange(0, 503, &[], "down"));
        let mut silent = exchange(1, 200, &[], "");
        silent.outcome = Err(TransportError::Timeout(Duration::from_millis(300)));
        not_a_server_error::check(context, &silent);
        status_code_conformance::check(context, &exchange(2, 418, &[], ""));
        content_type_conformance::check(
            context,
            &exchange(3, 200, &[("content-type", "text/html")], GOOD),
        );
        response_headers_conformance::check(
            context,
            &exchange(4, 200, &[JSON, ("x-count", "-1")], GOOD),
        );
        response_headers_conformance::check(context, &exchange(5, 200, &[JSON], GOOD));
        response_schema_conformance::check(
            context,
            &exchange(6, 200, &[JSON], r#"{"id": "1", "status": "lost"}"#),
        );
    });
    let server = results_for(&found, "not_a_server_error");
    assert_eq!(server.findings.len(), 2);
    assert!(server.findings[0].message.starts_with("answered 503"));
    assert_eq!(server.findings[1].message, "no response within 300ms");
    assert!(first_message(&found, "status_code_conformance")
        .contains("status 418 is not documented; documented: 200, 401, 404"));
    assert!(first_message(&found, "content_type_conformance").contains("text/html"));
    let headers = results_for(&found, "response_headers_conformance");
    assert!(
        headers.findings[0]
            .message
            .contains("X-Count: -1 is less than the minimum of 0"),
        "{headers:#?}"
    );
    assert_eq!(
        headers.findings[1].message,
        "200 lacks the required header X-Count"
    );
    let schema = results_for(&found, "response_schema_conformance");
    assert_eq!(schema.findings[0].instance_path.as_deref(), Some("/status"));
    assert_eq!(
        schema.findings[0].schema_path.as_deref(),
        Some("/components/schemas/Thing/properties/status/enum")
    );
}

/// `application/json-seq` (RFC 7464) starts each record with the record separator U+001E.
#[test]
fn a_json_seq_body_is_read_record_by_record() {
    let mut spec = spec();
    spec["paths"]["/things/{id}"]["get"]["responses"]["200"]["content"] = json!({
        "application/json-seq": {"schema": {"$ref": "#/components/schemas/Thing"}}
    });
    let fixture = Fixture {
        contract: Contract::new(crate::loaded(&spec)),
        ..fixture()
    };
    let seq = ("content-type", "application/json-seq");
    let good = format!("\u{1e}{GOOD}\n\u{1e}{{\"id\": \"2\", \"status\": \"queued\"}}\n");
    let bad = format!("\u{1e}{GOOD}\n\u{1e}{{\"id\": \"2\", \"status\": \"lost\"}}\n");
    let found = results(&fixture, |context| {
        response_schema_conformance::check(context, &exchange(0, 200, &[seq], &good));
    });
    assert_eq!(
        verdict(&found, "response_schema_conformance"),
        Some(Verdict::Passed),
        "{found:#?}"
    );
    let found = results(&fixture, |context| {
        response_schema_conformance::check(context, &exchange(0, 200, &[seq], &bad));
    });
    let schema = results_for(&found, "response_schema_conformance");
    assert_eq!(schema.findings.len(), 1, "{schema:#?}");
    assert_eq!(
        schema.findings[0].instance_path.as_deref(),
        Some("/1/status")
    );
}

fn results_for<'a>(results: &'a [CheckResult], check: &str) -> &'a CheckResult {
    results.iter().find(|r| r.check == check).unwrap()
}

#[test]
fn request_checks_judge_by_purpose() {
    let fixture = fixture();
    let found = results(&fixture, |context| {
        positive_data_acceptance::judge(context, &exchange(0, 404, &[], "{}"));
        positive_data_acceptance::judge(context, &exchange(1, 422, &[], "{}"));
        negative_data_rejection::judge(context, &exchange(2, 400, &[], "{}"), "`id` too long");
        negative_data_rejection::judge(context, &exchange(3, 200, &[], GOOD), "`id` too long");
        ignored_auth::judge(context, &exchange(4, 401, &[], ""));
        ignored_auth::judge(context, &exchange(5, 404, &[], "{}"));
    });
    assert_eq!(
        verdict(&found, "positive_data_acceptance"),
        Some(Verdict::Failed)
    );
    assert!(first_message(&found, "positive_data_acceptance")
        .starts_with("refused as invalid with 422"));
    assert_eq!(
        first_message(&found, "negative_data_rejection"),
        "accepted with 200, although `id` too long"
    );
    // 401 is documented: a 404 to a stranger says more than "authenticate first".
    assert_eq!(
        first_message(&found, "ignored_auth"),
        "answered 404 instead of 401"
    );
}

#[test]
fn remaining_requests_may_not_rise_within_a_window() {
    let fixture = fixture();
    let window = |id: usize, remaining: &str| {
        exchange(
            id,
            200,
            &[
                JSON,
                ("x-ratelimit-limit", "10"),
                ("x-ratelimit-remaining", remaining),
                ("x-ratelimit-reset", "100"),
            ],
            GOOD,
        )
    };
    let steady = results(&fixture, |context| {
        rate_limit_consistency::judge(context, &[window(0, "9"), window(1, "8"), window(2, "7")]);
    });
    assert_eq!(
        verdict(&steady, "rate_limit_consistency"),
        Some(Verdict::Passed)
    );
    let rising = results(&fixture, |context| {
        rate_limit_consistency::judge(context, &[window(0, "9"), window(1, "8"), window(2, "9")]);
    });
    assert!(first_message(&rising, "rate_limit_consistency").contains("rose from 8 to 9"));
    // Requests that overlapped may have been counted in either order: not a finding.
    let mut overlapping = [window(0, "8"), window(1, "9")];
    overlapping[0].done_at = Duration::from_millis(50);
    let unordered = results(&fixture, |context| {
        rate_limit_consistency::judge(context, &overlapping)
    });
    assert_ne!(
        verdict(&unordered, "rate_limit_consistency"),
        Some(Verdict::Failed)
    );
}

#[test]
fn ietf_rate_limit_fields_are_read_per_identity_and_must_count_down() {
    let fixture = fixture();
    // Seconds until the reset, counting down as the run goes: one window. An API key, not a
    // bearer token, tells whose requests they are.
    let sent = |id: usize, remaining: &str, reset: &str| {
        let mut exchange = exchange(
            id,
            200,
            &[
                JSON,
                ("ratelimit-limit", "10"),
                ("ratelimit-remaining", remaining),
                ("ratelimit-reset", reset),
            ],
            GOOD,
        );
        exchange.request = Request::new("GET", "/things/1").header("X-Api-Key", "sk_main");
        exchange
    };
    let counted = results(&fixture, |context| {
        rate_limit_consistency::judge(
            context,
            &[
                sent(0, "9", "30"),
                sent(1, "8", "30"),
                sent(2, "7", "29"),
                sent(3, "6", "29"),
                sent(4, "5", "29"),
            ],
        );
    });
    assert_eq!(
        verdict(&counted, "rate_limit_consistency"),
        Some(Verdict::Passed)
    );
    let stuck = results(&fixture, |context| {
        rate_limit_consistency::judge(
            context,
            &[
                sent(0, "9", "30"),
                sent(1, "9", "30"),
                sent(2, "9", "29"),
                sent(3, "9", "29"),
                sent(4, "9", "29"),
            ],
        );
    });
    assert!(
        first_message(&stuck, "rate_limit_consistency").contains("does not count them"),
        "{stuck:?}"
    );
    let over = results(&fixture, |context| {
        rate_limit_consistency::judge(context, &[sent(0, "11", "30")]);
    });
    assert!(first_message(&over, "rate_limit_consistency").contains("outside 0..="));
    // A new window may start higher.
    let renewed = results(&fixture, |context| {
        rate_limit_consistency::judge(context, &[sent(0, "1", "1"), sent(1, "9", "60")]);
    });
    assert_ne!(
        verdict(&renewed, "rate_limit_consistency"),
        Some(Verdict::Failed)
    );
}

fn observation(readings: &[&str], ending: Ending) -> Observation {
    Observation {
        operation: "getThing".into(),
        extension: codegen::api::LongRunning {
            pointer: codegen::load::JsonPointer::root(),
            poll: 0,
            link: Some("Self".into()),
            bindings: Vec::new(),
            status: "/status".into(),
            succeeded: vec!["done".into()],
            failed: vec!["failed".into()],
            interval_millis: 1_000,
            timeout_millis: 10_000,
        },
        start: exchange(0, 200, &[JSON], r#"{"id": "1", "status": "queued"}"#),
        readings: readings
            .iter()
            .enumerate()
            .map(|(i, s)| (exchange(i + 1, 200, &[JSON], GOOD), Some((*s).to_owned())))
            .collect(),
        ending,
        order: ["queued", "running", "done", "failed"]
            .map(str::to_owned)
            .to_vec(),
    }
}

#[test]
fn a_lifecycle_moves_forward_finishes_and_stays_finished() {
    let fixture = fixture();
    let judge = |o: Observation| {
        results(&fixture, move |context| {
            long_running_lifecycle::judge(context, &o)
        })
    };
    let good = judge(observation(
        &["running", "done", "done"],
        Ending::Terminal("done".into()),
    ));
    assert_eq!(
        verdict(&good, "long_running_lifecycle"),
        Some(Verdict::Passed)
    );
    let backwards = judge(observation(
        &["running", "queued", "done"],
        Ending::Terminal("done".into()),
    ));
    assert!(first_message(&backwards, "long_running_lifecycle")
        .contains("from `running` back to `queued`"));
    let undone = judge(observation(
        &["done", "running"],
        Ending::Terminal(String::new()),
    ));
    assert!(
        first_message(&undone, "long_running_lifecycle").contains("from `done` back to `running`")
    );
    let stuck = judge(observation(
        &["running"],
        Ending::TimedOut {
            waited: Duration::from_secs(3),
            last: Some("running".into()),
        },
    ));
    assert!(first_message(&stuck, "long_running_lifecycle")
        .starts_with("no terminal status (done, failed) within 3.0 s"));
    let lost = judge(observation(
        &[],
        Ending::Unfollowable("the start was answered 404".into()),
    ));
    assert_eq!(
        verdict(&lost, "long_running_lifecycle"),
        Some(Verdict::Skipped)
    );
}

#[cfg(feature = "typed-clients")]
#[test]
fn the_generated_client_must_read_every_documented_body() {
    let fixture = Fixture {
        contract: Contract::new(crate::loaded(&kallglot())),
        ..fixture()
    };
    let analysis = |id: usize, body: &str| Exchange {
        operation: "getAnalysis".into(),
        ..exchange(id, 200, &[JSON], body)
    };
    let found = results(&fixture, |context| {
        client_decodes::check_all(
            context,
            &[
                analysis(
                    0,
                    r#"{"id": "anl_1", "object": "analysis", "session_id": "sess_1", "status": "done"}"#,
                ),
                analysis(
                    1,
                    r#"{"id": "anl_1", "object": "analysis", "session_id": "sess_1", "status": "completed", "created_at": 12}"#,
                ),
                analysis(
                    2,
                    r#"{"id": "bad id", "object": "analysis", "session_id": "sess_1", "status": "queued"}"#,
                ),
            ],
        );
    });
    let result = found.iter().find(|r| r.operation == "getAnalysis").unwrap();
    // An enum value the client does not know still decodes (its Unknown variant).
    assert_eq!(result.examined, 1);
    let messages: Vec<&str> = result.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0]
            .starts_with("kallglot-client cannot read the 200 body: invalid type: integer `12`"),
        "{messages:?}"
    );
    assert!(messages[1].contains("invalid AnalysisId"), "{messages:?}");
}

#[test]
fn analysis_checks_say_which_part_the_spec_does_not_declare() {
    // No part at all: one skip per analysis check, for the spec as a whole.
    let bare = fixture();
    let found = results(&bare, |context| {
        completed_results::judge(context, &[]);
        assert!(context
            .analysis_create(credit_accounting::INFO.name, &[AnalysisRole::Create])
            .is_none());
    });
    let reason = "the spec does not declare `x-analysis: create` on an operation (nor does `[analysis.operations] create` in --config name one)";
    for check in ["completed_results", "credit_accounting"] {
        let result = results_for(&found, check);
        assert_eq!(result.operation, WHOLE_SPEC);
        assert_eq!(result.verdict, Verdict::Skipped);
        assert_eq!(result.skipped.as_deref(), Some(reason));
    }

    // A create without a session parameter or an `x-long-running`: skips on the create.
    let mut spec = spec();
    spec["paths"]["/things"] = json!({"post": {
        "operationId": "makeThing",
        "x-analysis": "create",
        "parameters": [{"name": "batch", "in": "query", "schema": {"type": "string"}}],
        "responses": {"202": {"description": "accepted"}}
    }});
    let with_create = Fixture {
        contract: Contract::new(crate::loaded(&spec)),
        ..fixture()
    };
    let found = results(&with_create, |context| {
        completed_results::judge(context, &[]);
        let needed = [AnalysisRole::Create, AnalysisRole::Session];
        assert!(context
            .analysis_create(access_rules::INFO.name, &needed)
            .is_none());
    });
    let access = results_for(&found, "access_rules");
    assert_eq!(
        (access.operation.as_str(), access.skipped.as_deref()),
        (
            "makeThing",
            Some("the spec does not declare `x-analysis: session` on a parameter of `makeThing` (nor does `[analysis.operations] session` in --config name one)")
        )
    );
    assert_eq!(
        results_for(&found, "completed_results").skipped.as_deref(),
        Some("the create operation has no `x-long-running` saying how to follow its analysis")
    );
}

#[cfg(feature = "typed-clients")]
fn kallglot() -> Value {
    codegen::load(
        "kallglot.yaml",
        include_str!("../../../../spec/kallglot.yaml"),
    )
    .unwrap()
    .raw
}

/// `client_decodes` on one `getAnalysis` answer with `body`, for `spec`.
#[cfg(feature = "typed-clients")]
fn decoded_by_the_client(spec: Value, body: &str) -> CheckResult {
    let fixture = Fixture {
        contract: Contract::new(crate::loaded(&spec)),
        ..fixture()
    };
    let answer = Exchange {
        operation: "getAnalysis".into(),
        ..exchange(0, 200, &[JSON], body)
    };
    let found = results(&fixture, |context| {
        client_decodes::check_all(context, std::slice::from_ref(&answer));
    });
    found
        .into_iter()
        .find(|r| r.check == "client_decodes" && r.operation == "getAnalysis")
        .unwrap()
}

#[cfg(feature = "typed-clients")]
#[test]
fn the_client_decodes_only_for_the_spec_it_was_generated_from() {
    let analysis =
        r#"{"id": "anl_1", "object": "analysis", "session_id": "sess_1", "status": "queued"}"#;
    assert_eq!(
        codegen::spec_digest(&kallglot()),
        kallglot_client::SPEC_DIGEST
    );
    assert_eq!(
        decoded_by_the_client(kallglot(), analysis).verdict,
        Verdict::Passed
    );

    // The same spec with one description changed is another spec.
    let mut edited = kallglot();
    edited["info"]["description"] = json!("Edited.");
    let digest = codegen::spec_digest(&edited);
    let result = decoded_by_the_client(edited, analysis);
    assert_eq!(result.verdict, Verdict::Skipped);
    assert_eq!(
        result.skipped,
        Some(format!(
            "no generated client of this spec in this build (spec digest {digest})"
        ))
    );

    // Another API that shares the operationId: its numeric id would fail the kallglot client's
    // `AnalysisId`, and must never be judged by it.
    let other = json!({
        "openapi": "3.0.3",
        "info": {"title": "other", "version": "1"},
        "paths": {"/analyses/{id}": {"get": {
            "operationId": "getAnalysis",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "integer"}}
            }}}}}
        }}}
    });
    let result = decoded_by_the_client(other, r#"{"id": 5}"#);
    assert_eq!(result.verdict, Verdict::Skipped, "{result:?}");
    assert!(result.findings.is_empty());
}
