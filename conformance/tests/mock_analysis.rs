//! The mock's behaviour for the analysis API (`spec/kallglot.yaml`): access rules in order,
//! credits, rate limits, both request forms, the lifecycle, isolation, and that every answer
//! conforms to the spec it serves.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::*;

const SPEC: &str = "spec/kallglot.yaml";

async fn wait_until_finished(caller: &Caller, token: &str, id: &str) -> Answer {
    for _ in 0..100 {
        let answer = caller.get(token, id).await;
        let status = answer.json()["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if status == "completed" || status == "failed" {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("analysis {id} never finished");
}

#[tokio::test]
async fn a_create_is_accepted_with_every_documented_header_and_charges_one_credit() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let first = caller
        .create(
            ACME,
            SESSION,
            Some(json!({"profile": "default", "include": ["summary"]})),
        )
        .await;
    assert_eq!(first.status, 202);
    assert_conforms(&spec, "createAnalysis", &first);
    let body = first.json();
    assert_eq!(body["status"], json!("processing"));
    assert!(body["id"].as_str().unwrap().starts_with("anl_"));
    let second = caller.create(ACME, SESSION, None).await;
    assert_eq!(second.status, 202);
    assert_eq!(
        second.header_number("x-api-credits-remaining"),
        first.header_number("x-api-credits-remaining") - 1
    );
    assert_eq!(
        second.header_number("x-api-credits-used"),
        first.header_number("x-api-credits-used") + 1
    );
    assert_ne!(body["id"], second.json()["id"]);
    mock.stop().await;
}

#[tokio::test]
async fn the_earlier_request_form_is_answered_in_its_own_shape() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let answer = caller
        .create(
            ACME,
            SESSION,
            Some(json!({"analyses": ["sentiment", "action_items", "quality"], "language": "de"})),
        )
        .await;
    assert_eq!(answer.status, 202);
    assert_conforms(&spec, "createAnalysis", &answer);
    let body = answer.json();
    assert!(body["id"].as_str().unwrap().starts_with("ana_"));
    assert_eq!(body["status"], json!("queued"));
    assert_eq!(
        body["analyses"],
        json!(["sentiment", "action_items", "quality"])
    );
    assert_eq!(body["language"], json!("de"));
    assert!(body["estimated_completion"].is_string());
    let finished = wait_until_finished(&caller, ACME, body["id"].as_str().unwrap()).await;
    assert_conforms(&spec, "getAnalysis", &finished);
    let done = finished.json();
    assert_eq!(done["status"], json!("completed"));
    for field in ["sentiment", "action_items", "performance"] {
        assert!(
            done[field].is_object() || done[field].is_array(),
            "{field} in {done}"
        );
    }
    assert!(done.get("compliance").is_none(), "not requested: {done}");
    mock.stop().await;
}

#[tokio::test]
async fn an_analysis_moves_forward_and_carries_exactly_the_requested_components() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let created = caller
        .create(
            ACME,
            SESSION,
            Some(json!({"include": ["sentiment", "keywords"]})),
        )
        .await
        .json();
    let id = created["id"].as_str().unwrap().to_owned();
    let early = caller.get(ACME, &id).await;
    assert_conforms(&spec, "getAnalysis", &early);
    assert_eq!(early.json()["status"], json!("processing"));
    assert_eq!(early.json()["completed_at"], Value::Null);
    let finished = wait_until_finished(&caller, ACME, &id).await;
    assert_conforms(&spec, "getAnalysis", &finished);
    let body = finished.json();
    assert_eq!(body["status"], json!("completed"));
    assert!(body["completed_at"].is_string());
    assert!(body["sentiment"]["score"].is_number());
    assert!(body["keywords"].is_array() && body["topics"].is_array());
    assert!(body.get("compliance").is_none() && body.get("performance").is_none());
    // Finished is final: it reads the same afterwards.
    assert_eq!(caller.get(ACME, &id).await.json(), body);
    mock.stop().await;
}

#[tokio::test]
async fn a_transcript_too_short_ends_failed_with_its_reason() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let id = caller.create(ACME, SHORT_SESSION, None).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let finished = wait_until_finished(&caller, ACME, &id).await;
    assert_conforms(&spec, "getAnalysis", &finished);
    let body = finished.json();
    assert_eq!(body["status"], json!("failed"));
    assert_eq!(
        body["error"],
        json!("The transcript is too short to analyze.")
    );
    mock.stop().await;
}

#[tokio::test]
async fn access_rules_answer_their_documented_status_and_charge_nothing() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let cases = [
        (ACME, GLOBEX_SESSION, 404, "session_not_found"),
        (ACME, "sess_01HUNKNOWN000001", 404, "session_not_found"),
        (ACME, NO_TRANSCRIPT, 409, "transcript_unavailable"),
        (
            INACTIVE,
            "sess_01HINITECH000001",
            403,
            "subscription_inactive",
        ),
        (
            NO_CREDITS,
            "sess_01HUMBRELLA00001",
            402,
            "insufficient_credits",
        ),
    ];
    let before = caller
        .create(ACME, SESSION, None)
        .await
        .header_number("x-api-credits-remaining");
    for (token, session, status, code) in cases {
        let answer = caller.create(token, session, None).await;
        assert_eq!(
            (answer.status, answer.code()),
            (status, code.to_owned()),
            "{token} {session}"
        );
        assert_conforms(&spec, "createAnalysis", &answer);
        assert!(answer.json()["error"]["request_id"].as_str() == answer.header("x-request-id"));
    }
    let after = caller
        .create(ACME, SESSION, None)
        .await
        .header_number("x-api-credits-remaining");
    assert_eq!(after, before - 1, "only the accepted create is charged");
    mock.stop().await;
}

#[tokio::test]
async fn credentials_are_checked_first() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let path = format!("/v1/sessions/{NO_TRANSCRIPT}/analysis");
    for token in [None, Some("sk_test_unknown")] {
        let answer = caller
            .send(
                "POST",
                &path,
                token,
                Some("text/plain"),
                Some(b"{".to_vec()),
            )
            .await;
        assert_eq!(
            (answer.status, answer.code()),
            (401, "unauthorized".to_owned())
        );
        assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
        assert!(answer.header("x-ratelimit-limit").is_none());
        assert_conforms(&spec, "createAnalysis", &answer);
        let answer = caller
            .send("GET", "/v1/analyses/anl_x", token, None, None)
            .await;
        assert_eq!(answer.status, 401);
        assert_conforms(&spec, "getAnalysis", &answer);
    }
    mock.stop().await;
}

#[tokio::test]
async fn invalid_requests_get_400_naming_the_offending_field() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let cases = [
        (json!({"include": ["summary", "transcript"]}), "/include/1"),
        (json!({"include": []}), "/include"),
        (json!({"profile": 7}), "/profile"),
        (json!({"profile": "default", "analyses": ["summary"]}), ""),
        (
            json!({"analyses": ["sentiment"], "webhook_url": "not a url"}),
            "/webhook_url",
        ),
        (json!(["summary"]), ""),
    ];
    for (body, pointer) in cases {
        let answer = caller.create(ACME, SESSION, Some(body.clone())).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "invalid_request".to_owned()),
            "{body}"
        );
        assert_conforms(&spec, "createAnalysis", &answer);
        let error = &answer.json()["error"];
        assert_eq!(error["pointer"], json!(pointer), "{body}: {error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    let malformed = caller
        .send(
            "POST",
            &format!("/v1/sessions/{SESSION}/analysis"),
            Some(ACME),
            Some("application/json"),
            Some(b"{\"include\": [".to_vec()),
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (400, "invalid_request".to_owned())
    );
    assert!(malformed.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not valid JSON"));
    let bad_session = caller.create(ACME, "session-1", None).await;
    assert_eq!(bad_session.status, 400);
    assert!(bad_session.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("session_id"));
    let bad_id = caller.get(ACME, "xyz_1").await;
    assert_eq!(bad_id.status, 400);
    assert_conforms(&spec, "getAnalysis", &bad_id);
    mock.stop().await;
}

#[tokio::test]
async fn wrong_media_types_oversized_bodies_unknown_paths_and_methods_get_json_errors() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let path = format!("/v1/sessions/{SESSION}/analysis");
    let text = caller
        .send(
            "POST",
            &path,
            Some(ACME),
            Some("text/plain"),
            Some(b"hello".to_vec()),
        )
        .await;
    assert_eq!(
        (text.status, text.code()),
        (415, "unsupported_media_type".to_owned())
    );
    assert_conforms(&spec, "createAnalysis", &text);
    let huge = format!("{{\"profile\": \"{}\"}}", "x".repeat(70_000));
    let large = caller
        .send(
            "POST",
            &path,
            Some(ACME),
            Some("application/json"),
            Some(huge.into_bytes()),
        )
        .await;
    assert_eq!(
        (large.status, large.code()),
        (413, "payload_too_large".to_owned())
    );
    assert_conforms(&spec, "createAnalysis", &large);
    let unknown = caller
        .send("GET", "/v2/nothing", Some(ACME), None, None)
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (404, "not_found".to_owned())
    );
    let wrong_method = caller
        .send("DELETE", "/v1/analyses/anl_1", Some(ACME), None, None)
        .await;
    assert_eq!(
        (wrong_method.status, wrong_method.code()),
        (405, "method_not_allowed".to_owned())
    );
    assert_eq!(wrong_method.header("allow"), Some("GET"));
    assert!(wrong_method.header("x-request-id").is_some());
    mock.stop().await;
}

#[tokio::test]
async fn another_organization_sees_neither_the_analysis_nor_its_existence() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let id = caller.create(ACME, SESSION, None).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign = caller.get(GLOBEX, &id).await;
    let unknown = caller.get(GLOBEX, "anl_01HNOSUCHANALYSIS").await;
    assert_eq!(
        (foreign.status, foreign.code()),
        (404, "analysis_not_found".to_owned())
    );
    assert_conforms(&spec, "getAnalysis", &foreign);
    assert_eq!(
        (unknown.status, unknown.code()),
        (404, "analysis_not_found".to_owned())
    );
    assert_eq!(caller.get(ACME, &id).await.status, 200);
    mock.stop().await;
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_its_headers_and_never_raises_remaining() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let answer = caller.get(RATE_LIMITED, "anl_01HNOSUCHANALYSIS").await;
        assert_eq!(answer.status, 404);
        assert_eq!(answer.header_number("x-ratelimit-limit"), 3);
        remaining.push(answer.header_number("x-ratelimit-remaining"));
    }
    assert_eq!(remaining, [2, 1, 0]);
    let limited = caller
        .create(RATE_LIMITED, "sess_01HHOOLI00000001", None)
        .await;
    assert_eq!(
        (limited.status, limited.code()),
        (429, "rate_limited".to_owned())
    );
    assert_conforms(&spec, "createAnalysis", &limited);
    let retry_after = limited.header_number("retry-after");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.header_number("x-ratelimit-remaining"), 0);
    // Other tokens have windows of their own.
    assert_eq!(caller.get(ACME, "anl_01HNOSUCHANALYSIS").await.status, 404);
    mock.stop().await;
}

#[tokio::test]
async fn the_generated_client_reads_every_kind_of_answer() {
    use kallglot_client::types::{AnalysisId, AnalysisStatus, CreateAnalysisRequest, SessionId};
    use kallglot_client::{Client, Error};
    let mock = start(SPEC, fast_options()).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    let session = SessionId::new(SESSION).unwrap();
    let body: CreateAnalysisRequest =
        serde_json::from_value(json!({"include": ["summary"]})).unwrap();
    let created = client
        .create_analysis(&session, Some(&body))
        .await
        .expect("accepted");
    assert_eq!(created.status, AnalysisStatus::Processing);
    let id = created.id.clone();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let finished = client.get_analysis(&id).await.expect("found");
    assert_eq!(finished.status, AnalysisStatus::Completed);
    assert!(finished.summary.as_ref().is_some_and(|s| s.is_some()));
    match client
        .get_analysis(&AnalysisId::new("anl_01HNOSUCHANALYSIS").unwrap())
        .await
    {
        Err(Error::ErrorResponse(error)) => assert_eq!(error.status().as_u16(), 404),
        other => panic!("expected a documented 404, got {other:?}"),
    }
    let stranger = Client::new(mock.base_url()).with_bearer_auth("sk_test_nobody");
    assert!(matches!(
        stranger.get_analysis(&id).await,
        Err(Error::ErrorResponse(error)) if error.status().as_u16() == 401
    ));
    mock.stop().await;
}
