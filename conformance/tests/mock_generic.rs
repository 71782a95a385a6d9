//! The generic mock on real-world specs of the shared corpus: every operation, sent a valid
//! request made up from its spec, is answered without a 5xx, with a documented status, and with
//! a body that matches the documented schema. (InfluxDB's spec is left out: its responses are
//! `oneOf`s of members that overlap without a discriminator, which made-up values rarely tell
//! apart, and its own examples break its `uri` formats.)

mod support;

use std::path::Path;

use codegen::load::JsonPointer;
use conformance::api::{Api, Location, SecurityScheme};
use conformance::mock::{Mock, MockOptions};
use conformance::schema::{Direction, SchemaValidator};
use conformance::synth::{valid_value, Synthesizer};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::Value;
use support::ACME;

const SPECS: [&str; 13] = [
    "real/spotify_web_api_sonallux.yml",
    "real/oxide_nexus.json",
    "real/qdrant.json",
    "real/ory_kratos.json",
    "real/twilio_messaging_v1.json",
    "real/oai_petstore.yaml",
    "real/oai_petstore-expanded.yaml",
    "real/swagger_petstore3.yaml",
    "real/oxide_keeper.json",
    "real/oxide_buildomat.json",
    "real/pagerduty_events_v2.json",
    "real/xero_bankfeeds.yaml",
    "real/typesense.yml",
];

fn corpus_spec(name: &str) -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(codegen::load(name, &text).expect("corpus specs load").raw)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn every_operation_of_corpus_specs_answers_a_valid_request_as_documented() {
    let mut checked = 0;
    for name in SPECS {
        let Some(spec) = corpus_spec(name) else {
            panic!("../shared/corpus/{name} must sit beside the repository");
        };
        let api = Api::new(spec.clone());
        let mock = Mock::new(spec.clone(), MockOptions::default())
            .start("127.0.0.1:0")
            .await
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        for (index, operation) in api.operations.iter().enumerate() {
            let mut synth = Synthesizer::new(&spec, index as u64, Direction::Request);
            let mut path = operation.path.clone();
            let mut query = Vec::new();
            let mut headers = Vec::new();
            for parameter in &operation.parameters {
                let Some(site) = &parameter.schema else {
                    continue;
                };
                if !parameter.required && parameter.location != Location::Path {
                    continue;
                }
                let value = text(&synth.value(&site.at));
                match parameter.location {
                    Location::Path => {
                        let encoded = utf8_percent_encode(&value, NON_ALPHANUMERIC).to_string();
                        path = path.replace(&format!("{{{}}}", parameter.name), &encoded);
                    }
                    Location::Query => query.push((parameter.name.clone(), value)),
                    Location::Header => headers.push((parameter.name.clone(), value)),
                    Location::Cookie => {
                        headers.push(("Cookie".into(), format!("{}={value}", parameter.name)))
                    }
                }
            }
            let url = format!("{}{path}", mock.base_url());
            let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
            let mut request = http.request(method, url).query(&query);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            if let Some(alternative) = operation.security.first() {
                for scheme in alternative {
                    request = match api.scheme(scheme) {
                        Some(SecurityScheme::Bearer) => request.bearer_auth(ACME),
                        Some(SecurityScheme::Basic) => request.basic_auth("user", Some(ACME)),
                        Some(SecurityScheme::ApiKey {
                            location: Location::Query,
                            name,
                        }) => request.query(&[(name.as_str(), ACME)]),
                        Some(SecurityScheme::ApiKey {
                            location: Location::Cookie,
                            name,
                        }) => request.header("Cookie", format!("{name}={ACME}")),
                        Some(SecurityScheme::ApiKey { name, .. }) => {
                            request.header(name.as_str(), ACME)
                        }
                        _ => request,
                    };
                }
            }
            if let Some(body) = &operation.body {
                let json = body.media_types.iter().find(|m| m.name.contains("json"));
                match (json, body.media_types.first()) {
                    (Some(media), _) => {
                        let value = media.schema.as_ref().map_or(Value::Null, |site| {
                            let validator = site.validator(&spec).expect("the schema compiles");
                            valid_value(
                                &spec,
                                &site.at,
                                Direction::Request,
                                index as u64,
                                validator,
                            )
                            .unwrap_or_else(|| {
                                let attempt = synth.value(&site.at);
                                panic!(
                                    "{name} {}: no valid body made up; {attempt} fails {:#?}",
                                    operation.id,
                                    validator.validate(&attempt)
                                )
                            })
                        });
                        request = request
                            .header("Content-Type", media.name.as_str())
                            .body(value.to_string());
                    }
                    (None, Some(media)) if media.name == "application/x-www-form-urlencoded" => {
                        let value = media.schema.as_ref().map_or(Value::Null, |site| {
                            let validator = site.validator(&spec).expect("the schema compiles");
                            valid_value(
                                &spec,
                                &site.at,
                                Direction::Request,
                                index as u64,
                                validator,
                            )
                            .expect("a valid form can be made up")
                        });
                        let mut form = form_urlencoded::Serializer::new(String::new());
                        for (key, field) in value.as_object().into_iter().flatten() {
                            match field {
                                Value::Array(items) => {
                                    for item in items {
                                        form.append_pair(key, &text(item));
                                    }
                                }
                                other => {
                                    form.append_pair(key, &text(other));
                                }
                            }
                        }
                        request = request
                            .header("Content-Type", media.name.as_str())
                            .body(form.finish());
                    }
                    (None, Some(media)) if !media.name.contains('*') => {
                        request = request
                            .header("Content-Type", media.name.as_str())
                            .body(b"some bytes".to_vec());
                    }
                    (None, _) => {
                        request = request
                            .header("Content-Type", "application/octet-stream")
                            .body("x")
                    }
                }
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
                operation.id,
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
            if (200..300).contains(&status) {
                let response = documented.unwrap();
                if let Some(media) = response.content.iter().find(|m| m.name.contains("json")) {
                    let schema_at: JsonPointer = media.at.join("schema");
                    if spec.pointer(&schema_at.to_string()).is_some()
                        && content_type.contains("json")
                    {
                        let validator = SchemaValidator::new(
                            &spec,
                            &schema_at.to_string(),
                            Direction::Response,
                        )
                        .expect("the schema compiles");
                        let value: Value = serde_json::from_slice(&body).expect("a JSON body");
                        let violations = validator.validate(&value);
                        assert!(violations.is_empty(), "{context}\n{violations:#?}");
                    }
                }
            }
            checked += 1;
        }
        mock.stop().await;
    }
    assert!(checked > 100, "only {checked} operations checked");
}
