//! The curated specs under `spec/` are sound, and carry the seeds' examples.

use std::path::{Path, PathBuf};

use conformance::examples::examples;
use conformance::schema::{Direction, SchemaValidator};
use conformance::soundness::check;
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives in the repository")
        .to_path_buf()
}

fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("spec"))
        .expect("spec/ exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "json")
        })
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> codegen::LoadedSpec {
    let text = std::fs::read_to_string(path).expect("spec is readable");
    codegen::load(&path.display().to_string(), &text).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn both_curated_specs_are_present() {
    let names: Vec<String> = spec_files()
        .iter()
        .map(|p| {
            p.file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["coaching.yaml", "kallglot.yaml"]);
}

#[test]
fn every_spec_loads_and_is_sound() {
    for path in spec_files() {
        let spec = load(&path);
        let problems = check(&spec);
        assert!(
            problems.is_empty(),
            "{} has {} problem(s):\n{}",
            path.display(),
            problems.len(),
            problems
                .iter()
                .map(|p| format!("  {p}\n"))
                .collect::<String>()
        );
    }
}

/// The mock serves documented examples, and readers learn from them: every documented
/// response body, request body and callback body shows at least one.
#[test]
fn every_documented_body_has_an_example() {
    for path in spec_files() {
        let spec = load(&path);
        let shown: Vec<String> = examples(&spec).into_iter().map(|e| e.schema).collect();
        let (api, _) = codegen::api::Api::read(spec.as_3_0());
        let mut bodies = Vec::new();
        for operation in &api.operations {
            let requests = operation.body.iter().flat_map(|body| &body.content);
            let responses = operation.responses.iter().flat_map(|r| &r.content);
            for media in requests.chain(responses) {
                bodies.push(media.pointer.join("schema").to_string());
            }
        }
        assert!(!bodies.is_empty(), "{} documents no body", path.display());
        for body in bodies {
            assert!(
                shown.contains(&body),
                "{}: no example for #{body}",
                path.display()
            );
        }
    }
}

#[test]
fn a_broken_example_is_reported_with_both_pointers() {
    let mut spec = load(&repo_root().join("spec/kallglot.yaml"));
    spec.raw["components"]["examples"]["CompletedAnalysis"]["value"]["performance"]["score"] =
        1.5.into();
    let problems = check(&spec);
    // The example is used twice: by the GET response and by the webhook's request body.
    assert_eq!(problems.len(), 2, "{problems:#?}");
    for problem in &problems {
        assert_eq!(
            problem.pointer,
            "/components/examples/CompletedAnalysis/value"
        );
        assert!(
            problem.message.contains("/performance/score: 1.5"),
            "{problem}"
        );
        assert!(
            problem
                .message
                .contains("#/components/schemas/PerformanceResult/properties/score/maximum"),
            "{problem}"
        );
    }
}

/// CURATION.md S1: the nullable fields that refer to another schema accept `null`, and still
/// refuse what is neither `null` nor the referenced schema, with the error inside that schema.
#[test]
fn nullable_references_accept_null_and_nothing_else() {
    let spec = load(&repo_root().join("spec/kallglot.yaml")).raw;
    let validator = |schema: &str| {
        SchemaValidator::new(
            &spec,
            &format!("/components/schemas/{schema}"),
            Direction::Response,
        )
        .unwrap_or_else(|err| panic!("{err}"))
    };
    let analysis = validator("Analysis");
    let detailed = spec["components"]["examples"]["DetailedAnalysis"]["value"].clone();
    assert_eq!(analysis.validate(&detailed), []);
    for field in ["sentiment", "compliance", "performance"] {
        let mut instance = detailed.clone();
        instance[field] = Value::Null;
        assert_eq!(analysis.validate(&instance), [], "{field}: null");
        for wrong in [
            serde_json::json!(5),
            serde_json::json!("x"),
            serde_json::json!([]),
        ] {
            instance[field] = wrong.clone();
            assert!(!analysis.is_valid(&instance), "{field}: {wrong}");
        }
    }
    let mut instance = detailed.clone();
    instance["performance"]["score"] = 1.5.into();
    let violations = analysis.validate(&instance);
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert_eq!(violations[0].instance_path, "/performance/score");
    assert_eq!(
        violations[0].schema_path,
        "/components/schemas/PerformanceResult/properties/score/maximum"
    );

    let action_item = validator("ActionItem");
    for (assignee, valid) in [
        (Value::Null, true),
        (serde_json::json!("agent"), true),
        (serde_json::json!("customer"), true),
        (serde_json::json!("manager"), false),
        (serde_json::json!({}), false),
    ] {
        let instance = serde_json::json!({"description": "Call back.", "assignee": assignee});
        assert_eq!(
            action_item.is_valid(&instance),
            valid,
            "assignee: {assignee}"
        );
    }
}

/// CURATION.md S13: an error example of an operation without a request body points into no body
/// (the mock writes its refusals from these examples).
#[test]
fn no_error_example_points_into_a_body_the_operation_does_not_have() {
    for path in spec_files() {
        let spec = load(&path);
        let (api, _) = codegen::api::Api::read(&spec.raw);
        for operation in api.operations.iter().filter(|o| o.body.is_none()) {
            for media in operation.responses.iter().flat_map(|r| &r.content) {
                let at = media.pointer.clone();
                for (name, example) in conformance::examples::examples_at(&spec.raw, &at) {
                    assert!(
                        example.pointer("/error/pointer").is_none()
                            && example.get("pointer").is_none(),
                        "{}: {} example {name} at #{at} names a body field: {example}",
                        path.display(),
                        operation.label,
                    );
                }
            }
        }
    }
}

/// JSON documents quoted in a seed page: blocks that open with a line holding only `{`, and curl
/// `-d` bodies.
fn seed_json(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        if block.is_none() && line == "{" {
            block = Some(String::new());
        }
        if let Some(current) = block.as_mut() {
            current.push_str(line);
            current.push('\n');
            if let Ok(value) = serde_json::from_str::<Value>(current) {
                found.push(value);
                block = None;
            }
        }
    }
    for body in text.split("-d '").skip(1) {
        let body = body.split('\'').next().unwrap_or_default();
        found.push(
            serde_json::from_str(body).unwrap_or_else(|err| panic!("curl body {body}: {err}")),
        );
    }
    found
}

/// The one seed example CURATION.md leaves out: its values are placeholders (`"<string>"` for
/// URLs and timestamps) and it lacks the required `status`.
fn is_placeholder_example(value: &Value) -> bool {
    value.get("recording_url") == Some(&Value::String("<string>".into()))
}

#[test]
fn every_seed_example_is_a_spec_example() {
    let seeds = repo_root().join("spec/sources");
    let mut seed_files: Vec<PathBuf> = std::fs::read_dir(&seeds)
        .unwrap_or_else(|err| panic!("{} cannot be read: {err}", seeds.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .collect();
    seed_files.sort();
    let specs: Vec<codegen::LoadedSpec> = spec_files().iter().map(|p| load(p)).collect();
    let mut checked = 0;
    let mut left_out = 0;
    for seed in seed_files {
        let text = std::fs::read_to_string(&seed).expect("seed is readable");
        for value in seed_json(&text) {
            if is_placeholder_example(&value) {
                left_out += 1;
                continue;
            }
            let present = specs
                .iter()
                .any(|spec| examples(spec).iter().any(|example| *example.value == value));
            assert!(
                present,
                "{}: this example is in no spec:\n{value:#}",
                seed.display()
            );
            checked += 1;
        }
    }
    // 000: the response, twice; 001 and 002: the request and the response, twice each.
    assert_eq!(checked, 10);
    // 003: its placeholder response.
    assert_eq!(left_out, 1);
}
