use serde_json::{json, Value};

use super::*;

fn spec() -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {"/things/{id}": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Thing"}
        }}}}}}},
        "components": {"schemas": {
            "Thing": {
                "type": "object",
                "required": ["id", "secret", "kind"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "readOnly": true},
                    "secret": {"type": "string", "writeOnly": true},
                    "kind": {"$ref": "#/components/schemas/Kind", "description": "siblings are ignored", "type": "integer"},
                    "note": {"type": "string", "nullable": true, "maxLength": 3},
                    "level": {"type": "string", "nullable": true, "enum": ["low", "high"]},
                    "count": {"type": "integer", "format": "int32", "minimum": 0},
                    "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                    "when": {"type": "string", "format": "date-time"},
                    "link": {"type": "string", "format": "uri"},
                    "parent": {"allOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": true},
                    "blob": {"type": "string", "format": "byte"}
                }
            },
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Either": {"oneOf": [
                {"type": "object", "required": ["x"], "additionalProperties": false, "properties": {"x": {"type": "string"}}},
                {"type": "object", "required": ["y"], "additionalProperties": false, "properties": {"y": {"type": "string"}}}
            ]}
        }}
    })
}

const THING: &str = "/components/schemas/Thing";

fn violations(schema: &str, direction: Direction, instance: Value) -> Vec<Violation> {
    SchemaValidator::new(&spec(), schema, direction)
        .expect("schema compiles")
        .validate(&instance)
}

fn only(schema: &str, instance: Value) -> Violation {
    let mut found = violations(schema, Direction::Response, instance);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one violation, got {found:#?}"
    );
    found.remove(0)
}

fn valid_thing() -> Value {
    json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "secret": "s", "kind": "a"})
}

fn with(field: &str, value: Value) -> Value {
    let mut thing = valid_thing();
    thing[field] = value;
    thing
}

#[test]
fn a_valid_instance_has_no_violation() {
    assert_eq!(
        violations(THING, Direction::Response, valid_thing()),
        vec![]
    );
}

#[test]
fn nullable_admits_null_and_nothing_else_extra() {
    assert_eq!(
        violations(THING, Direction::Response, with("note", Value::Null)),
        vec![]
    );
    assert_eq!(
        violations(THING, Direction::Response, with("level", Value::Null)),
        vec![]
    );
    let found = only(THING, with("note", json!(5)));
    assert_eq!(found.instance_path, "/note");
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/note/type"
    );
    let found = only(THING, with("note", json!("long")));
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/note/maxLength"
    );
    let found = only(THING, with("level", json!("mid")));
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/level/enum"
    );
}

#[test]
fn not_nullable_rejects_null() {
    let found = violations(THING, Direction::Response, with("kind", Value::Null));
    let paths: Vec<(&str, &str)> = found
        .iter()
        .map(|v| (v.instance_path.as_str(), v.schema_path.as_str()))
        .collect();
    assert_eq!(
        paths,
        vec![
            ("/kind", "/components/schemas/Kind/type"),
            ("/kind", "/components/schemas/Kind/enum")
        ]
    );
}

#[test]
fn ref_siblings_are_ignored() {
    // `kind` has `type: integer` beside its `$ref`; OpenAPI 3.0 ignores it.
    assert_eq!(
        violations(THING, Direction::Response, with("kind", json!("b"))),
        vec![]
    );
}

#[test]
fn a_nullable_composition_reports_the_inner_violation() {
    assert_eq!(
        violations(THING, Direction::Response, with("parent", Value::Null)),
        vec![]
    );
    let found = only(
        THING,
        with(
            "parent",
            json!({"id": "not-a-uuid", "secret": "s", "kind": "a"}),
        ),
    );
    assert_eq!(found.instance_path, "/parent/id");
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/id/format"
    );
}

#[test]
fn read_only_and_write_only_change_what_is_required() {
    let no_id = json!({"secret": "s", "kind": "a"});
    assert_eq!(violations(THING, Direction::Request, no_id.clone()), vec![]);
    let found = only(THING, no_id);
    assert_eq!(found.schema_path, "/components/schemas/Thing/required");
    assert!(found.message.contains("\"id\""), "{}", found.message);

    let no_secret = json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "kind": "a"});
    assert_eq!(
        violations(THING, Direction::Response, no_secret.clone()),
        vec![]
    );
    assert_eq!(violations(THING, Direction::Request, no_secret).len(), 1);
}

#[test]
fn boolean_exclusive_bounds_are_honoured() {
    assert_eq!(
        violations(THING, Direction::Response, with("ratio", json!(0.1))),
        vec![]
    );
    let found = only(THING, with("ratio", json!(0)));
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/ratio/exclusiveMinimum"
    );
}

#[test]
fn int32_bounds_are_reported_at_the_format() {
    assert_eq!(
        violations(
            THING,
            Direction::Response,
            with("count", json!(2_147_483_647))
        ),
        vec![]
    );
    let found = only(THING, with("count", json!(2_147_483_648_i64)));
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/count/format"
    );
    let found = only(THING, with("count", json!(-1)));
    assert_eq!(
        found.schema_path,
        "/components/schemas/Thing/properties/count/minimum"
    );
}

#[test]
fn formats_are_checked() {
    for (field, bad, good) in [
        (
            "id",
            json!("123"),
            json!("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
        ),
        ("when", json!("yesterday"), json!("2026-03-26T11:10:00Z")),
        ("link", json!("not a uri"), json!("https://example.com/a")),
        ("blob", json!("abc"), json!("YWJj")),
    ] {
        assert_eq!(
            violations(THING, Direction::Response, with(field, good)),
            vec![],
            "{field}"
        );
        let found = only(THING, with(field, bad));
        assert_eq!(
            found.schema_path,
            format!("{THING}/properties/{field}/format")
        );
    }
}

#[test]
fn schemas_at_pointers_with_escapes_compile() {
    let at = "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema";
    let found = only(at, with("kind", json!("c")));
    assert_eq!(found.schema_path, "/components/schemas/Kind/enum");
}

#[test]
fn one_of_failures_explain_each_branch() {
    let either = "/components/schemas/Either";
    assert_eq!(
        violations(either, Direction::Request, json!({"x": "1"})),
        vec![]
    );
    let found = only(either, json!({"x": "1", "y": "2"}));
    assert_eq!(found.schema_path, "/components/schemas/Either/oneOf");
    assert!(
        found.message.contains("0: ") && found.message.contains("1: "),
        "{}",
        found.message
    );
}

#[test]
fn large_instances_are_not_quoted_in_messages() {
    let long = "x".repeat(500);
    let found = only(THING, with("kind", json!(long)));
    assert!(!found.message.contains(&long), "{}", found.message);
    assert!(found.message.len() < 200, "{}", found.message);
}

#[test]
fn broken_schemas_are_errors_with_their_pointer() {
    let mut broken = spec();
    broken["components"]["schemas"]["Kind"]["pattern"] = json!("(unclosed");
    let err = SchemaValidator::new(&broken, THING, Direction::Response).expect_err("bad regex");
    assert!(err.pointer.starts_with("/components/schemas/Kind"), "{err}");
    let err = SchemaValidator::new(&spec(), "/components/schemas/Missing", Direction::Response)
        .expect_err("no schema");
    assert_eq!(err.pointer, "/components/schemas/Missing");
}

#[test]
fn a_one_of_failure_deep_in_one_branch_points_at_that_field() {
    let either = "/components/schemas/Either";
    let found = only(either, json!({"x": 5}));
    assert_eq!(found.instance_path, "/x");
    assert_eq!(
        found.schema_path,
        "/components/schemas/Either/oneOf/0/properties/x/type"
    );
    assert!(
        found.message.contains("closest `oneOf` branch"),
        "{}",
        found.message
    );
}

fn tagged_spec() -> Value {
    json!({
        "components": {"schemas": {
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
            },
            "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}}},
            "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["dog", "puppy"]}}},
            "Span": {"type": "string", "format": "duration"}
        }}
    })
}

#[test]
fn a_discriminator_selects_one_member_of_overlapping_ones() {
    let spec = tagged_spec();
    let pet = SchemaValidator::new(&spec, "/components/schemas/Pet", Direction::Response).unwrap();
    // Without the discriminator both members would match, and `oneOf` would fail.
    assert_eq!(pet.validate(&json!({"kind": "cat", "lives": 9})), vec![]);
    // No mapping names Dog: the tag values it declares itself select it.
    assert_eq!(pet.validate(&json!({"kind": "puppy"})), vec![]);
    let wrong = pet.validate(&json!({"kind": "cow"}));
    assert_eq!(wrong.len(), 1, "{wrong:#?}");
    assert_eq!(wrong[0].schema_path, "/components/schemas/Pet/oneOf");
    let inner = pet.validate(&json!({"kind": "cat", "lives": "nine"}));
    assert_eq!(inner[0].instance_path, "/lives");
}

#[test]
fn formats_openapi_does_not_define_are_not_checked() {
    let spec = tagged_spec();
    let span =
        SchemaValidator::new(&spec, "/components/schemas/Span", Direction::Response).unwrap();
    assert!(span.is_valid(&json!("1h30m")));
}
