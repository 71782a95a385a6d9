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

/// An OpenAPI 3.1 document: its schemas are JSON Schema 2020-12.
fn spec_3_1() -> Value {
    json!({
        "openapi": "3.1.0",
        "components": {"schemas": {
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "name": {"type": ["string", "null"], "maxLength": 3}
                }
            },
            "Closed": {
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "properties": {"extra": {"type": ["integer", "string"]}},
                "unevaluatedProperties": false
            },
            "Pair": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"$ref": "#/components/schemas/Outer/$defs/Label"}],
                "items": false
            },
            "Outer": {
                "$id": "https://example.com/outer",
                "type": "object",
                "$defs": {
                    "Label": {"type": "string", "minLength": 1},
                    "Labels": {"type": "array", "items": {"$ref": "#/components/schemas/Outer/$defs/Label"}}
                },
                "properties": {"labels": {"$ref": "#/components/schemas/Outer/$defs/Labels"}}
            },
            "Shape": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Circle"},
                    {"$ref": "#/components/schemas/Square"}
                ],
                "discriminator": {"propertyName": "kind"}
            },
            "Circle": {
                "type": "object",
                "required": ["kind", "radius"],
                "properties": {"kind": {"const": "circle"}, "radius": {"type": "number", "exclusiveMinimum": 0}}
            },
            "Square": {
                "type": "object",
                "required": ["kind", "side"],
                "properties": {"kind": {"const": "square"}, "side": {"type": "integer", "format": "int32"}}
            },
            "Card": {
                "type": "object",
                "properties": {
                    "number": {"type": "string"},
                    "cvc": {"type": "string"},
                    "kind": {"$ref": "#/components/schemas/Kind", "description": "a sibling that documents"},
                    "short": {"$ref": "#/components/schemas/Kind", "maxLength": 1},
                    "legacy": {"type": "string", "nullable": true},
                    "old": {"type": "number", "minimum": 1, "exclusiveMinimum": true},
                    "never": false,
                    "anything": true
                },
                "dependentRequired": {"number": ["cvc"]},
                "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
                "then": {"required": ["number"]},
                "else": {"properties": {"number": false}}
            },
            "Kind": {"type": "string", "enum": ["x", "yy"]},
            "Secret": {"type": "string", "writeOnly": true},
            "Login": {
                "type": "object",
                "required": ["user", "password"],
                "properties": {
                    "user": {"type": "string"},
                    "password": {"$ref": "#/components/schemas/Secret"}
                }
            },
            "Session": {
                "type": "object",
                "required": ["token"],
                "properties": {"token": {"$ref": "#/components/schemas/Kind", "readOnly": true}}
            }
        }}
    })
}

fn check_3_1(schema: &str, direction: Direction, instance: Value) -> Vec<Violation> {
    SchemaValidator::new(
        &spec_3_1(),
        &format!("/components/schemas/{schema}"),
        direction,
    )
    .expect("the schema compiles")
    .validate(&instance)
}

/// The spec pointers of the violations of `instance`, against a 3.1 schema, in a response.
fn failed_3_1(schema: &str, instance: Value) -> Vec<String> {
    check_3_1(schema, Direction::Response, instance)
        .into_iter()
        .map(|v| v.schema_path)
        .collect()
}

#[test]
fn a_3_1_type_list_admits_null_and_nullable_means_nothing() {
    assert!(failed_3_1("Base", json!({"id": "a", "name": null})).is_empty());
    assert!(failed_3_1("Base", json!({"id": "a", "name": "abc"})).is_empty());
    assert_eq!(
        failed_3_1("Base", json!({"id": "a", "name": 3})),
        ["/components/schemas/Base/properties/name/type"]
    );
    // `nullable` is not a keyword of JSON Schema: in a 3.1 document `null` is a string's type
    // error, as 3.1 says.
    assert_eq!(
        failed_3_1("Card", json!({"legacy": null})),
        ["/components/schemas/Card/properties/legacy/type"]
    );
    // Absent is not null: an optional property may be left out.
    assert!(failed_3_1("Base", json!({"id": "a"})).is_empty());
}

#[test]
fn a_3_1_type_list_of_several_types_takes_each() {
    for good in [json!(7), json!("seven")] {
        assert!(failed_3_1("Closed", json!({"id": "a", "extra": good})).is_empty());
    }
    for bad in [json!(7.5), json!(true), json!(null)] {
        assert_eq!(
            failed_3_1("Closed", json!({"id": "a", "extra": bad})),
            ["/components/schemas/Closed/properties/extra/type"]
        );
    }
}

#[test]
fn unevaluated_properties_see_through_all_of_and_ref() {
    // `id` and `name` are evaluated by the `$ref` inside `allOf`, `extra` by the schema itself.
    assert!(failed_3_1("Closed", json!({"id": "a", "name": "b", "extra": 1})).is_empty());
    assert_eq!(
        failed_3_1("Closed", json!({"id": "a", "other": 1})),
        ["/components/schemas/Closed/unevaluatedProperties"]
    );
    // A violation inside the referenced schema names that schema; and, as 2020-12 says, a
    // failed `allOf` evaluates nothing, so `name` is unevaluated as well.
    assert_eq!(
        failed_3_1("Closed", json!({"name": "b"})),
        [
            "/components/schemas/Base/required",
            "/components/schemas/Closed/unevaluatedProperties"
        ]
    );
}

#[test]
fn prefix_items_and_refs_into_nested_defs_are_followed() {
    assert!(failed_3_1("Pair", json!([1, "a"])).is_empty());
    assert_eq!(
        failed_3_1("Pair", json!(["a", "b"])),
        ["/components/schemas/Pair/prefixItems/0/type"]
    );
    assert_eq!(
        failed_3_1("Pair", json!([1, ""])),
        ["/components/schemas/Outer/$defs/Label/minLength"]
    );
    assert_eq!(
        failed_3_1("Pair", json!([1, "a", 2])),
        ["/components/schemas/Pair/items"]
    );
    // A `$ref` inside `$defs` of a schema with its own `$id` still names the spec's pointer.
    assert!(failed_3_1("Outer", json!({"labels": ["a", "b"]})).is_empty());
    assert_eq!(
        failed_3_1("Outer", json!({"labels": ["a", ""]})),
        ["/components/schemas/Outer/$defs/Label/minLength"]
    );
}

#[test]
fn const_tags_select_a_one_of_member() {
    assert!(failed_3_1("Shape", json!({"kind": "circle", "radius": 2})).is_empty());
    assert!(failed_3_1("Shape", json!({"kind": "square", "side": 2})).is_empty());
    // The tag names the member meant, and the message says why that member fails.
    let found = check_3_1(
        "Shape",
        Direction::Response,
        json!({"kind": "circle", "radius": 0}),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].instance_path, "/radius");
    assert_eq!(
        found[0].schema_path,
        "/components/schemas/Circle/properties/radius/exclusiveMinimum"
    );
    assert_eq!(
        failed_3_1("Shape", json!({"kind": "triangle", "side": 2})),
        ["/components/schemas/Shape/oneOf"]
    );
    // `format: int32` bounds an integer in 3.1 too.
    assert_eq!(
        failed_3_1(
            "Shape",
            json!({"kind": "square", "side": 2_147_483_648_i64})
        ),
        ["/components/schemas/Square/properties/side/format"]
    );
}

#[test]
fn ref_siblings_apply_in_3_1() {
    assert!(failed_3_1("Card", json!({"kind": "yy", "short": "x"})).is_empty());
    assert_eq!(
        failed_3_1("Card", json!({"short": "yy"})),
        ["/components/schemas/Card/properties/short/maxLength"]
    );
    assert_eq!(
        failed_3_1("Card", json!({"short": "z"})),
        ["/components/schemas/Kind/enum"]
    );
}

#[test]
fn dependent_required_if_then_else_and_boolean_schemas_hold() {
    assert!(failed_3_1("Card", json!({"kind": "x", "number": "4111", "cvc": "1"})).is_empty());
    assert_eq!(
        failed_3_1("Card", json!({"kind": "x", "number": "4111"})),
        ["/components/schemas/Card/dependentRequired"]
    );
    assert_eq!(
        failed_3_1("Card", json!({"kind": "x"})),
        ["/components/schemas/Card/then/required"]
    );
    assert_eq!(
        failed_3_1("Card", json!({"kind": "yy", "number": "1", "cvc": "1"})),
        ["/components/schemas/Card/else/properties/number"]
    );
    assert!(failed_3_1("Card", json!({"anything": [1, {"a": null}]})).is_empty());
    assert_eq!(
        failed_3_1("Card", json!({"never": 1})),
        ["/components/schemas/Card/properties/never"]
    );
}

#[test]
fn a_boolean_exclusive_bound_left_in_a_3_1_document_is_read_as_3_0_meant_it() {
    assert!(failed_3_1("Card", json!({"old": 1.5})).is_empty());
    assert_eq!(
        failed_3_1("Card", json!({"old": 1})),
        ["/components/schemas/Card/properties/old/exclusiveMinimum"]
    );
}

#[test]
fn read_only_and_write_only_follow_the_direction_in_3_1_too() {
    // `id` is readOnly: a request may leave it out, a response may not.
    assert!(check_3_1("Base", Direction::Request, json!({})).is_empty());
    assert_eq!(
        failed_3_1("Base", json!({})),
        ["/components/schemas/Base/required"]
    );
    // writeOnly at the `$ref`'s target, readOnly beside the `$ref`.
    assert!(failed_3_1("Login", json!({"user": "u"})).is_empty());
    assert_eq!(
        check_3_1("Login", Direction::Request, json!({"user": "u"})).len(),
        1
    );
    assert!(check_3_1("Session", Direction::Request, json!({})).is_empty());
    assert_eq!(
        failed_3_1("Session", json!({})),
        ["/components/schemas/Session/required"]
    );
}

#[test]
fn a_name_required_twice_is_required_once() {
    let spec = json!({"openapi": "3.1.0", "components": {"schemas": {"Box": {
        "type": "object", "required": ["id", "id"], "properties": {"id": {"type": "string"}}
    }}}});
    let validator = SchemaValidator::new(&spec, "/components/schemas/Box", Direction::Response)
        .expect("the schema compiles");
    assert!(validator.is_valid(&json!({"id": "a"})));
    assert!(!validator.is_valid(&json!({})));
}

#[test]
fn a_2019_09_recursive_ref_left_in_a_3_1_document_names_its_anchor() {
    // As OpenAI's spec writes a filter made of filters.
    let spec = json!({"openapi": "3.1.0", "components": {"schemas": {
        "Leaf": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["eq"]}}},
        "Compound": {
            "$recursiveAnchor": true,
            "type": "object",
            "required": ["type", "filters"],
            "properties": {
                "type": {"enum": ["and"]},
                "filters": {"type": "array", "items": {"oneOf": [
                    {"$ref": "#/components/schemas/Leaf"},
                    {"$recursiveRef": "#"}
                ]}}
            }
        }
    }}});
    let compound = SchemaValidator::new(&spec, "/components/schemas/Compound", Direction::Response)
        .expect("the schema compiles");
    let nested = json!({"type": "and", "filters": [
        {"type": "eq"},
        {"type": "and", "filters": [{"type": "eq"}]}
    ]});
    assert_eq!(compound.validate(&nested), vec![]);
    let wrong = json!({"type": "and", "filters": [{"type": "and"}]});
    assert!(!compound.is_valid(&wrong));
}
