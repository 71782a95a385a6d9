//! The committed clients' types decode every example of their spec, the seeds' included, and
//! encode it back to the same JSON.

use std::path::Path;

use conformance::examples::examples;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn spec(name: &str) -> codegen::LoadedSpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("spec is readable");
    codegen::load(name, &text).unwrap_or_else(|err| panic!("{err}"))
}

/// JSON equality where `138` and `138.0` are the same number, as JSON has one number type.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, a)| y.get(key).is_some_and(|b| same_json(a, b)))
        }
        _ => a == b,
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(at: &str, value: &Value) {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|err| panic!("{at}: does not decode: {err}"));
    let back = serde_json::to_value(&typed).expect("encodes");
    assert!(
        same_json(&back, value),
        "{at}: re-encoded differently:\n{back:#}\nwas\n{value:#}"
    );
}

/// The component schema an example's schema names, if it is a `$ref` to one.
fn component(spec: &Value, schema_pointer: &str) -> Option<String> {
    let reference = spec.pointer(schema_pointer)?.get("$ref")?.as_str()?;
    reference
        .strip_prefix("#/components/schemas/")
        .map(str::to_owned)
}

#[test]
fn kallglot_examples_round_trip() {
    use kallglot_client::types;
    let spec = spec("kallglot.yaml");
    let mut covered = Vec::new();
    for example in examples(&spec) {
        let Some(name) = component(&spec.raw, &example.schema) else {
            continue;
        };
        let at = format!("{} ({name})", example.at);
        match name.as_str() {
            "Analysis" => round_trip::<types::Analysis>(&at, example.value),
            "CreateAnalysisRequest" => {
                round_trip::<types::CreateAnalysisRequest>(&at, example.value)
            }
            "Error" => round_trip::<types::Error>(&at, example.value),
            "SessionId" => round_trip::<types::SessionId>(&at, example.value),
            "AnalysisId" => round_trip::<types::AnalysisId>(&at, example.value),
            other => panic!("{at}: no round trip for {other}; add it here"),
        }
        covered.push(name);
    }
    for name in [
        "Analysis",
        "CreateAnalysisRequest",
        "Error",
        "SessionId",
        "AnalysisId",
    ] {
        assert!(
            covered.iter().any(|c| c == name),
            "no example of {name} was checked"
        );
    }
    // Every response, request, error and parameter example of the spec.
    assert!(
        covered.len() >= 20,
        "only {} examples checked",
        covered.len()
    );
}

#[test]
fn coaching_examples_round_trip() {
    use coaching_client::types;
    let spec = spec("coaching.yaml");
    let mut checked = 0;
    for example in examples(&spec) {
        let Some(name) = component(&spec.raw, &example.schema) else {
            continue;
        };
        let at = format!("{} ({name})", example.at);
        match name.as_str() {
            "Analysis" => round_trip::<types::Analysis>(&at, example.value),
            "Error" => round_trip::<types::Error>(&at, example.value),
            other => panic!("{at}: no round trip for {other}; add it here"),
        }
        checked += 1;
    }
    // Five analyses (one per status) and three errors.
    assert_eq!(checked, 8);
}

#[test]
fn an_absent_property_reads_as_its_schema_default() {
    use kallglot_client::types::AnalysisRequest;
    let request: AnalysisRequest = serde_json::from_value(json!({})).unwrap();
    assert_eq!(request.profile, "default");
    // `Default` agrees with decoding `{}`.
    assert_eq!(request, AnalysisRequest::default());
}

#[test]
fn the_request_forms_decode_to_their_own_variant() {
    use kallglot_client::types::{AnalysisComponent, CreateAnalysisRequest, LegacyAnalysisType};
    let current: CreateAnalysisRequest =
        serde_json::from_value(json!({"profile": "default", "include": ["summary"]})).unwrap();
    let CreateAnalysisRequest::AnalysisRequest(current) = current else {
        panic!("current form decoded as {current:?}")
    };
    assert_eq!(current.include, Some(vec![AnalysisComponent::Summary]));
    let legacy: CreateAnalysisRequest =
        serde_json::from_value(json!({"analyses": ["quality"], "language": "en"})).unwrap();
    let CreateAnalysisRequest::LegacyAnalysisRequest(legacy) = legacy else {
        panic!("legacy form decoded as {legacy:?}")
    };
    assert_eq!(legacy.analyses, vec![LegacyAnalysisType::Quality]);
    // A mix of both forms matches neither.
    assert!(serde_json::from_value::<CreateAnalysisRequest>(
        json!({"profile": "x", "analyses": ["quality"]})
    )
    .is_err());
}

#[test]
fn unknown_enum_values_survive_a_round_trip() {
    use kallglot_client::types::AnalysisStatus;
    let status: AnalysisStatus = serde_json::from_value(json!("archived")).unwrap();
    assert_eq!(status, AnalysisStatus::Unknown("archived".into()));
    assert_eq!(serde_json::to_value(&status).unwrap(), json!("archived"));
    assert_eq!(
        "completed".parse::<AnalysisStatus>(),
        Ok(AnalysisStatus::Completed)
    );
    assert_eq!(AnalysisStatus::Complete.to_string(), "complete");
}

#[test]
fn absent_and_null_stay_apart() {
    use kallglot_client::types::Analysis;
    let base = json!({"id": "anl_1", "object": "analysis", "session_id": "sess_1", "status": "processing"});
    let absent: Analysis = serde_json::from_value(base.clone()).unwrap();
    assert_eq!(absent.completed_at, None);
    let mut with_null = base.clone();
    with_null["completed_at"] = Value::Null;
    let null: Analysis = serde_json::from_value(with_null.clone()).unwrap();
    assert_eq!(null.completed_at, Some(None));
    assert_eq!(serde_json::to_value(&absent).unwrap(), base);
    assert_eq!(serde_json::to_value(&null).unwrap(), with_null);
}

#[test]
fn constrained_identifiers_are_checked_when_built_and_decoded() {
    use kallglot_client::types::{Analysis, AnalysisId, SessionId};
    assert!(SessionId::new("sess_01HXYZ").is_ok());
    let err = SessionId::new("session-1").expect_err("wrong prefix");
    assert!(err.to_string().contains("^sess_[0-9A-Za-z]+$"), "{err}");
    assert!(AnalysisId::new("ana_1").is_ok() && AnalysisId::new("anl_1").is_ok());
    assert!(AnalysisId::new("abc_1").is_err());
    let bad =
        json!({"id": "nope", "object": "analysis", "session_id": "sess_1", "status": "queued"});
    let err = serde_json::from_value::<Analysis>(bad).expect_err("bad id");
    assert!(err.to_string().contains("AnalysisId"), "{err}");
}
