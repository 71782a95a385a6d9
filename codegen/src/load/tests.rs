use serde_json::json;

use super::*;

const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn loads_yaml_and_json_alike() {
    let yaml = load("a.yaml", MINIMAL).expect("minimal YAML loads");
    let json_text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
    let json = load("a.json", json_text).expect("minimal JSON loads");
    assert_eq!(yaml.raw, json.raw);
    assert_eq!(yaml.openapi.info.title, "t");
    assert_eq!(yaml.at("/info/version"), Some(&json!("1")));
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let err = load("broken.yaml", "openapi: 3.0.3\ninfo: [unclosed\n").expect_err("must fail");
    let LoadError::Syntax { line, column, .. } = &err else {
        panic!("expected a syntax error, got {err:?}");
    };
    assert_eq!(*line, Some(3));
    assert!(column.is_some());
    assert!(err.to_string().starts_with("broken.yaml:3:"), "{err}");
}

#[test]
fn wrong_shape_names_the_json_pointer() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: 5}}\n";
    let err = load("s.yaml", text).expect_err("description must be a string");
    let LoadError::Shape { pointer, .. } = &err else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/paths/~1a/get/responses/200/description");
    assert!(err.to_string().contains("expected a string"), "{err}");
}

#[test]
fn shape_errors_inside_schemas_are_narrowed_to_the_keyword() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string, maxLength: many}\n";
    let err = load("s.yaml", text).expect_err("maxLength must be a number");
    let LoadError::Shape { pointer, .. } = &err else {
        panic!("expected a shape error, got {err:?}");
    };
    assert_eq!(pointer, "/components/schemas/Pet/properties/name/maxLength");
}

#[test]
fn other_versions_are_refused_with_the_version_pointer() {
    let err = load("s.yaml", "openapi: 3.2.0\ninfo: {title: t, version: '1'}\n").expect_err("3.2");
    assert!(
        err.to_string()
            .contains("s.yaml#/openapi: OpenAPI 3.2.0 is not supported"),
        "{err}"
    );
    let err = load("s.yaml", "swagger: '2.0'\n").expect_err("2.0");
    assert!(err.to_string().contains("#/swagger"), "{err}");
    let err = load("s.yaml", "- a list\n").expect_err("not a mapping");
    assert!(err.to_string().contains("mapping"), "{err}");
}

#[test]
fn refs_resolve_through_chains_and_percent_encoding() {
    let doc = json!({
        "components": {"schemas": {
            "Pet Food": {"type": "string"},
            "Alias": {"$ref": "#/components/schemas/Pet%20Food"},
            "a/b": {"type": "integer"}
        }}
    });
    let alias = json!({"$ref": "#/components/schemas/Alias"});
    assert_eq!(resolve(&doc, &alias), Ok(&json!({"type": "string"})));
    let slash = json!({"$ref": "#/components/schemas/a~1b"});
    assert_eq!(resolve(&doc, &slash), Ok(&json!({"type": "integer"})));
    assert!(unresolved_refs(&doc).is_empty());
}

#[test]
fn unresolved_refs_are_reported_where_they_stand() {
    let doc = json!({
        "a": {"$ref": "#/nowhere"},
        "b": {"$ref": "other.yaml#/x"},
        "c": {"$ref": "#/d"},
        "d": {"$ref": "#/c"},
        "e": {"example": {"$ref": "#/not-a-ref"}, "examples": {"one": {"value": {"$ref": "#/data"}}}},
        "x-ext": {"$ref": "#/ignored"}
    });
    let mut found: Vec<(String, ResolveError)> = unresolved_refs(&doc)
        .into_iter()
        .map(|u| (u.at, u.error))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        vec![
            ("/a".into(), ResolveError::Dangling("#/nowhere".into())),
            ("/b".into(), ResolveError::External("other.yaml#/x".into())),
            ("/c".into(), ResolveError::Cycle("#/d".into())),
            ("/d".into(), ResolveError::Cycle("#/c".into())),
        ]
    );
}

#[test]
fn pointers_escape_and_parse_round_trip() {
    let pointer = JsonPointer::root()
        .join("paths")
        .join("/v1/{id}")
        .join("a~b");
    assert_eq!(pointer.to_string(), "/paths/~1v1~1{id}/a~0b");
    assert_eq!(JsonPointer::parse(&pointer.to_string()), Some(pointer));
    assert_eq!(JsonPointer::parse(""), Some(JsonPointer::root()));
    assert_eq!(JsonPointer::parse("no-slash"), None);
}

#[test]
fn integer_bounds_beyond_64_bits_are_clamped_with_a_warning() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Seed:\n      type: integer\n      minimum: -9223372036854776000\n      maximum: 10.0\n      example: 1.5\n";
    let spec = load("s.yaml", text).expect("loads after repair");
    assert_eq!(
        spec.at("/components/schemas/Seed/minimum"),
        Some(&json!(i64::MIN))
    );
    assert_eq!(
        spec.at("/components/schemas/Seed/maximum"),
        Some(&json!(10))
    );
    assert_eq!(
        spec.at("/components/schemas/Seed/example"),
        Some(&json!(1.5))
    );
    let pointers: Vec<&str> = spec.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/components/schemas/Seed/minimum",
            "/components/schemas/Seed/maximum"
        ]
    );
}

#[test]
fn unquoted_numeric_keys_and_merge_keys_are_read() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\nx-base: &base {type: string}\ncomponents:\n  schemas:\n    S:\n      <<: *base\n      maxLength: 3\n";
    let spec = load("s.yaml", text).expect("loads");
    assert!(spec.at("/paths/~1a/get/responses/200").is_some());
    // The repair is said, with where it was made.
    assert_eq!(
        spec.warnings,
        [Warning {
            pointer: "/paths/~1a/get/responses/200".into(),
            message: "mapping key 200 is not a string; read as the text \"200\"".into(),
        }]
    );
    assert_eq!(
        spec.at("/components/schemas/S"),
        Some(&json!({"type": "string", "maxLength": 3}))
    );
}
