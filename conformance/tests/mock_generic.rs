//! The generic mock on real-world specs: every operation, sent a valid request made up from its
//! spec, is answered without a 5xx, with a documented status, and with a body that matches the
//! documented schema. (InfluxDB's spec is left out: its responses are `oneOf`s of members that
//! overlap without a discriminator, which made-up values rarely tell apart, and its own examples
//! break its `uri` formats.)

mod support;

use conformance::contract::Contract;
use conformance::mock::{Mock, MockOptions};
use conformance::schema::{Direction, SchemaValidator};
use conformance::suite::plan::Planner;
use conformance::suite::{Secret, SuiteConfig};
use serde_json::Value;
use support::{corpus_is_given, real_specs, ACME};

/// Committed under `tests/fixtures/real/`.
const COMMITTED: [&str; 6] = [
    "oai_petstore.yaml",
    "oai_petstore-expanded.yaml",
    "swagger_petstore3.yaml",
    "oxide_keeper.json",
    "oxide_buildomat.json",
    "xero_bankfeeds.yaml",
];

/// Read from the corpus when it is given (see `support::real_specs`), the four OpenAPI 3.1
/// descriptions among them.
const CORPUS: [&str; 11] = [
    "real/spotify_web_api_sonallux.yml",
    "real/oxide_nexus.json",
    "real/qdrant.json",
    "real/ory_kratos.json",
    "real/twilio_messaging_v1.json",
    "real/pagerduty_events_v2.json",
    "real/typesense.yml",
    "real-3.1/adyen_checkout_v71.json",
    "real-3.1/adyen_management_v3.yaml",
    "real-3.1/discord.json",
    "real-3.1/openai.yaml",
];

#[tokio::test]
async fn every_operation_of_real_specs_answers_a_valid_request_as_documented() {
    let mut checked = 0;
    for (name, spec) in real_specs(&COMMITTED, &CORPUS) {
        let contract = Contract::new(spec.clone());
        let mock = Mock::new(spec.clone(), MockOptions::default())
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let config = SuiteConfig {
            token: Some(Secret::new(ACME)),
            ..SuiteConfig::default()
        };
        for (index, operation) in contract.api.served() {
            // The request a generated client would send, with values made up from the spec.
            let planner = Planner::new(&contract, operation, &config, index as u64);
            let Some(planned) = planner.valid(1).into_iter().next() else {
                panic!("{name} {}: no valid request made up", operation.label);
            };
            let call = planned.request;
            let path = call.path.clone();
            let url = format!("{}{path}", mock.base_url());
            let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
            let mut request = http.request(method, url);
            for (name, value) in &call.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            if let Some(body) = call.body {
                request = request.body(body);
            }
            let response = request.send().await.expect("the mock answers");
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = response.bytes().await.unwrap();
            let context = format!(
                "{name} {} {path}: {status} {}",
                operation.label,
                String::from_utf8_lossy(&body)
            );

            if operation.success_status() < 200 {
                // Protocol upgrades (WebSockets) are not mocked; the mock says so with a 501.
                assert_eq!(status, 501, "{context}");
                continue;
            }
            assert!(status < 500, "{context}");
            if operation.responses.is_empty() {
                // Nothing documented, nothing to hold the answer to.
                checked += 1;
                continue;
            }
            let documented = operation.response_for(status);
            assert!(documented.is_some(), "undocumented status: {context}");
            // A HEAD answer has no body, whatever its content type says.
            if (200..300).contains(&status) && operation.method != codegen::api::Method::Head {
                let response = documented.unwrap();
                if let Some(media) = response
                    .content
                    .iter()
                    .find(|m| m.kind == codegen::api::MediaKind::Json)
                {
                    let schema_at = media.pointer.join("schema");
                    if spec.raw.pointer(&schema_at.to_string()).is_some()
                        && content_type.contains("json")
                    {
                        let validator = SchemaValidator::new(
                            &spec.raw,
                            &schema_at.to_string(),
                            Direction::Response,
                        )
                        .expect("the schema compiles");
                        let value: Value = serde_json::from_slice(&body)
                            .unwrap_or_else(|err| panic!("{context}: {err}"));
                        let violations = validator.validate(&value);
                        assert!(violations.is_empty(), "{context}\n{violations:#?}");
                    }
                }
            }
            checked += 1;
        }
        mock.stop().await;
    }
    // The committed specs have 60 operations; the corpus adds hundreds.
    let expected = if corpus_is_given() { 100 } else { 50 };
    assert!(checked > expected, "only {checked} operations checked");
}

/// A spec written the way OpenAI's is in two places: a response documents `Transfer-Encoding`,
/// and a variant of an operation stands at a path key with a literal query.
fn framing_and_variants() -> codegen::LoadedSpec {
    let answer = |example: Value| {
        serde_json::json!({"200": {
            "description": "ok",
            "headers": {"Transfer-Encoding": {"schema": {"type": "string"}, "description": "chunked"}},
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}}
        }})
    };
    support::loaded(&serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "variants", "version": "1"},
        "paths": {
            "/responses": {"post": {"operationId": "plain", "responses": answer(serde_json::json!({"variant": "plain"}))}},
            "/responses?beta=true": {"post": {
                "operationId": "beta",
                "parameters": [{"name": "X-Beta", "in": "header", "required": true, "schema": {"const": "v1"}}],
                "responses": answer(serde_json::json!({"variant": "beta"}))
            }}
        }
    }))
}

#[tokio::test]
async fn framing_headers_are_the_http_layer_s_and_literal_queries_pick_their_variant() {
    let mock = Mock::new(framing_and_variants(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let http = reqwest::Client::new();
    let send = |path: &str, beta: Option<&str>| {
        let mut request = http.post(format!("{}{path}", mock.base_url()));
        if let Some(beta) = beta {
            request = request.header("X-Beta", beta);
        }
        request.send()
    };
    // A made-up `Transfer-Encoding` would break the reply; the whole answer arrives.
    let plain = send("/responses", None).await.expect("a whole answer");
    assert_eq!(plain.status(), 200);
    let framing = plain
        .headers()
        .get("transfer-encoding")
        .and_then(|v| v.to_str().ok());
    assert!(matches!(framing, None | Some("chunked")), "{framing:?}");
    let body: Value = plain.json().await.expect("a JSON body");
    assert_eq!(body["variant"], "plain");
    // `?beta=true` addresses the variant, with its own parameters, among other query pairs.
    let beta = send("/responses?limit=1&beta=true", Some("v1"))
        .await
        .expect("an answer");
    assert_eq!(beta.status(), 200);
    let body: Value = beta.json().await.expect("a JSON body");
    assert_eq!(body["variant"], "beta");
    let refused = send("/responses?beta=true", Some("v2"))
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 400);
    mock.stop().await;
}
