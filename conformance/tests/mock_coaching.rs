//! The UUID-based variant (`spec/coaching.yaml`), served by the generic mock: its examples are
//! records, one per status, found by id; everything else is refused as documented.

mod support;

use serde_json::json;
use support::*;

const SPEC: &str = "spec/coaching.yaml";

#[tokio::test]
async fn every_documented_status_has_a_record() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let records = [
        ("3c90c3cc-0d44-4b50-8888-8dd25736052a", "completed"),
        ("3c90c3cc-0d44-4b50-8888-8dd25736052d", "queued"),
        ("3c90c3cc-0d44-4b50-8888-8dd25736052e", "processing"),
        ("3c90c3cc-0d44-4b50-8888-8dd25736052f", "failed"),
        ("3c90c3cc-0d44-4b50-8888-8dd257360530", "cancelled"),
    ];
    for (id, status) in records {
        let answer = caller.get(ACME, id).await;
        assert_eq!(answer.status, 200, "{id}");
        assert_conforms(&spec, "fetchAnalysis", &answer);
        assert_eq!(answer.json()["id"], json!(id));
        assert_eq!(answer.json()["status"], json!(status));
    }
    let documented = &spec.raw["components"]["schemas"]["AnalysisStatus"]["enum"];
    assert_eq!(documented.as_array().map(Vec::len), Some(records.len()));
    mock.stop().await;
}

#[tokio::test]
async fn unknown_ids_bad_ids_and_bad_tokens_are_refused_as_documented() {
    let spec = spec(SPEC);
    let mock = start(SPEC, fast_options()).await;
    let caller = Caller::new(&mock);
    let unknown = caller
        .get(ACME, "00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(unknown.status, 404);
    assert_conforms(&spec, "fetchAnalysis", &unknown);
    assert_eq!(unknown.json()["statusCode"], json!(404));
    let malformed = caller.get(ACME, "not-a-uuid").await;
    assert_eq!(malformed.status, 400);
    assert_conforms(&spec, "fetchAnalysis", &malformed);
    assert!(malformed.json()["message"]
        .as_str()
        .unwrap()
        .contains("`id`"));
    for token in [None, Some("sk_test_nobody")] {
        let refused = caller
            .send(
                "GET",
                "/v1/analyses/3c90c3cc-0d44-4b50-8888-8dd25736052a",
                token,
                None,
                None,
            )
            .await;
        assert_eq!(refused.status, 401);
        assert_conforms(&spec, "fetchAnalysis", &refused);
    }
    mock.stop().await;
}

#[tokio::test]
async fn the_generated_client_decodes_every_record() {
    use coaching_client::Client;
    let mock = start(SPEC, fast_options()).await;
    let client = Client::new(mock.base_url()).with_bearer_auth(ACME);
    for id in [
        "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "3c90c3cc-0d44-4b50-8888-8dd25736052d",
        "3c90c3cc-0d44-4b50-8888-8dd25736052e",
        "3c90c3cc-0d44-4b50-8888-8dd25736052f",
        "3c90c3cc-0d44-4b50-8888-8dd257360530",
    ] {
        let uuid = id.parse().unwrap();
        let record = client.fetch_analysis(uuid).await.expect("decodes");
        assert_eq!(record.id, uuid);
    }
    mock.stop().await;
}
