use super::*;
use serde_json::json;

fn spec() -> Value {
    json!({
        "components": {"schemas": {
            "Id": {"type": "string", "pattern": "^an[al]_[0-9A-Za-z]+$", "maxLength": 64},
            "Thing": {
                "type": "object",
                "required": ["id", "score", "tags", "kind"],
                "properties": {
                    "id": {"$ref": "#/components/schemas/Id"},
                    "score": {"type": "number", "minimum": -1, "maximum": 1},
                    "count": {"type": "integer", "minimum": 0, "maximum": 5, "multipleOf": 2},
                    "tags": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "string", "enum": ["a", "b"]}},
                    "kind": {"type": "string", "enum": ["x", "y"]},
                    "at": {"type": "string", "format": "date-time"},
                    "uuid": {"type": "string", "format": "uuid"},
                    "secret": {"type": "string", "writeOnly": true},
                    "child": {"allOf": [{"$ref": "#/components/schemas/Thing"}], "nullable": true},
                    "choice": {"oneOf": [{"type": "integer", "minimum": 3}, {"type": "boolean"}]}
                }
            }
        }}
    })
}

#[test]
fn made_up_values_validate_for_many_seeds() {
    let spec = spec();
    let at = JsonPointer::parse("/components/schemas/Thing").unwrap();
    let validator =
        SchemaValidator::new(&spec, "/components/schemas/Thing", Direction::Response).unwrap();
    for seed in 0..200 {
        for prefer in [true, false] {
            let value = Synthesizer::new(&spec, seed, Direction::Response)
                .prefer_examples(prefer)
                .value(&at);
            let violations = validator.validate(&value);
            assert!(violations.is_empty(), "seed {seed}: {value} {violations:?}");
            assert!(value.get("secret").is_none());
        }
    }
}

/// A 3.1 document whose JSON Schema 2020-12 keywords ask more of a value than the 3.0 form
/// says.
fn spec_3_1() -> codegen::LoadedSpec {
    crate::loaded(&json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "Base": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string", "readOnly": true}, "note": {"type": ["string", "null"]}}
            },
            "Order": {
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "type": "object",
                "required": ["point", "kind", "shape"],
                "properties": {
                    "point": {"type": "array", "prefixItems": [{"type": "integer"}, {"const": "label"}], "items": false},
                    "tags": {"type": "array", "contains": {"const": "urgent"}, "items": {"type": "string"}},
                    "kind": {"enum": ["card", "cash"]},
                    "number": {"type": "string", "minLength": 4},
                    "cvc": {"type": "string", "pattern": "^[0-9]{3}$"},
                    "quantity": {"type": ["integer", "string"], "exclusiveMinimum": 0},
                    "shape": {"oneOf": [
                        {"type": "object", "required": ["type", "radius"], "properties": {"type": {"const": "circle"}, "radius": {"type": "number"}}},
                        {"type": "object", "required": ["type", "side"], "properties": {"type": {"const": "square"}, "side": {"type": "number"}}}
                    ]}
                },
                "dependentRequired": {"number": ["cvc"]},
                "if": {"properties": {"kind": {"const": "card"}}, "required": ["kind"]},
                "then": {"required": ["number"]},
                "unevaluatedProperties": false
            },
            "Batch": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "ids": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "files": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    "action": {"type": "string", "enum": [], "allOf": [{"$ref": "#/components/schemas/Base"}]},
                    "config": {"type": ["object", "null"], "additionalProperties": {"type": "integer"}, "minProperties": 2, "maxProperties": 3},
                    "labels": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}}, "maxProperties": 1}
                },
                "anyOf": [{"required": ["ids"]}, {"required": ["files"]}]
            }
        }}
    }))
}

#[test]
fn values_made_from_the_3_0_form_hold_to_the_3_1_schema() {
    let spec = spec_3_1();
    let at = JsonPointer::parse("/components/schemas/Order").unwrap();
    for direction in [Direction::Request, Direction::Response] {
        let validator =
            SchemaValidator::new(&spec.raw, "/components/schemas/Order", direction).unwrap();
        for seed in 0..100 {
            for (prefer, optional) in [(true, true), (false, true), (false, false)] {
                let value = Synthesizer::new(spec.as_3_0(), seed, direction)
                    .prefer_examples(prefer)
                    .include_optional(optional)
                    .value(&at);
                let violations = validator.validate(&value);
                assert!(
                    violations.is_empty(),
                    "seed {seed}: {value} {violations:#?}"
                );
                // A readOnly property stays out of requests, however it is required.
                if direction == Direction::Request {
                    assert!(value.get("id").is_none(), "{value}");
                }
            }
        }
    }
}

#[test]
fn members_that_only_require_counted_properties_and_impossible_ones_are_met() {
    let spec = spec_3_1();
    let at = JsonPointer::parse("/components/schemas/Batch").unwrap();
    let validator =
        SchemaValidator::new(&spec.raw, "/components/schemas/Batch", Direction::Request).unwrap();
    for seed in 0..100 {
        for optional in [true, false] {
            let value = Synthesizer::new(spec.as_3_0(), seed, Direction::Request)
                .prefer_examples(false)
                .include_optional(optional)
                .value(&at);
            let violations = validator.validate(&value);
            assert!(
                violations.is_empty(),
                "seed {seed}: {value} {violations:#?}"
            );
        }
    }
}

#[test]
fn a_property_only_annotated_beside_a_composition_keeps_the_members_value() {
    // 2020-12 gives a referenced schema's property a default or a description beside the `$ref`;
    // the 3.0 form reads that as an `allOf` beside `properties` whose schema says no type.
    let spec = crate::loaded(&json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {
            "Fields": {"type": "object", "properties": {
                "available": {"type": "boolean"},
                "year": {"type": "integer", "minimum": 1450, "maximum": 2100}
            }},
            "Input": {
                "$ref": "#/components/schemas/Fields",
                "required": ["year"],
                "properties": {"available": {"default": true}, "year": {"description": "When."}},
                "unevaluatedProperties": false
            },
            "Either": {
                "oneOf": [{"$ref": "#/components/schemas/Fields"}],
                "properties": {"available": {"description": "Whether it can be lent."}}
            }
        }}
    }));
    for name in ["Input", "Either"] {
        let pointer = format!("/components/schemas/{name}");
        let at = JsonPointer::parse(&pointer).unwrap();
        let validator = SchemaValidator::new(&spec.raw, &pointer, Direction::Request).unwrap();
        for seed in 0..50 {
            let value = Synthesizer::new(spec.as_3_0(), seed, Direction::Request)
                .prefer_examples(false)
                .value(&at);
            assert!(
                value.get("available").is_some_and(Value::is_boolean),
                "{name}: {value}"
            );
            let violations = validator.validate(&value);
            assert!(
                violations.is_empty(),
                "{name}, seed {seed}: {value} {violations:#?}"
            );
        }
    }
}

#[test]
fn what_a_schema_requires_and_only_its_members_describe_is_made() {
    let schemas = json!({
        "Base": {"type": "object", "properties": {
            "id": {"type": "integer", "minimum": 1},
            "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
            "made": {"type": "string", "format": "date-time", "readOnly": true}
        }},
        "Deeper": {"allOf": [{"$ref": "#/components/schemas/Base"}]}
    });
    // 3.0 documents a reference with `allOf`; 2020-12 puts `required` beside the `$ref`.
    let mut documents = Vec::new();
    for (version, named) in [
        (
            "3.0.3",
            json!({"allOf": [{"$ref": "#/components/schemas/Deeper"}], "required": ["id", "name"]}),
        ),
        (
            "3.1.0",
            json!({"$ref": "#/components/schemas/Base", "required": ["id", "name"], "unevaluatedProperties": false}),
        ),
    ] {
        let mut schemas = schemas.clone();
        schemas["Named"] = named;
        documents.push(crate::loaded(&json!({
            "openapi": version,
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        })));
    }
    let at = JsonPointer::parse("/components/schemas/Named").unwrap();
    for spec in &documents {
        let validator =
            SchemaValidator::new(&spec.raw, "/components/schemas/Named", Direction::Request)
                .unwrap();
        for seed in 0..20 {
            for (prefer, optional) in [(true, false), (false, false), (false, true)] {
                let value = Synthesizer::new(spec.as_3_0(), seed, Direction::Request)
                    .prefer_examples(prefer)
                    .include_optional(optional)
                    .value(&at);
                let violations = validator.validate(&value);
                assert!(
                    violations.is_empty(),
                    "seed {seed}: {value} {violations:#?}"
                );
                assert!(value.get("made").is_none(), "{value}");
            }
        }
    }
}

#[test]
fn the_same_seed_makes_the_same_value() {
    let spec = spec();
    let at = JsonPointer::parse("/components/schemas/Thing").unwrap();
    let make = |seed| {
        Synthesizer::new(&spec, seed, Direction::Request)
            .prefer_examples(false)
            .value(&at)
    };
    assert_eq!(make(7), make(7));
    assert_ne!(make(7), make(8));
}

#[test]
fn examples_are_preferred_when_asked() {
    let spec = json!({"s": {"type": "string", "example": "hello"}});
    let at = JsonPointer::parse("/s").unwrap();
    assert_eq!(
        Synthesizer::new(&spec, 1, Direction::Response).value(&at),
        json!("hello")
    );
    assert_ne!(
        Synthesizer::new(&spec, 1, Direction::Response)
            .prefer_examples(false)
            .value(&at),
        json!("hello")
    );
}
