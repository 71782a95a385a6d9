use serde_json::{json, Value};

use super::downgrade;

/// The 3.0 form of one component schema `S`, and the warnings' pointers.
fn schema(schema: Value) -> (Value, Vec<String>) {
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "components": {"schemas": {"S": schema}},
    });
    let (downgraded, warnings) = downgrade(&document);
    let schema = downgraded
        .pointer("/components/schemas/S")
        .cloned()
        .unwrap_or_default();
    (
        schema,
        warnings
            .into_iter()
            .map(|warning| warning.pointer)
            .collect(),
    )
}

#[test]
fn a_type_list_with_null_is_one_nullable_type() {
    let (s, warnings) = schema(json!({"type": ["string", "null"], "maxLength": 3}));
    assert_eq!(
        s,
        json!({"type": "string", "nullable": true, "maxLength": 3})
    );
    assert!(warnings.is_empty());
}

#[test]
fn a_type_list_of_several_types_is_an_any_of_with_each_types_keywords() {
    let (s, _) = schema(json!({
        "type": ["integer", "string", "null"],
        "description": "an id",
        "minimum": 1,
        "maxLength": 8,
    }));
    assert_eq!(
        s,
        json!({
            "description": "an id",
            "nullable": true,
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "maxLength": 8},
            ],
        })
    );
}

#[test]
fn a_null_type_is_an_enum_of_null() {
    let (s, _) = schema(json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/T"}]}));
    assert_eq!(
        s,
        json!({"oneOf": [{"enum": [null], "nullable": true}, {"$ref": "#/components/schemas/T"}]})
    );
}

#[test]
fn const_examples_and_numeric_exclusive_bounds_take_their_3_0_form() {
    let (s, _) = schema(json!({
        "type": "object",
        "properties": {
            "kind": {"const": "circle"},
            "radius": {"type": "number", "exclusiveMinimum": 0, "examples": [2.5, 3]},
        },
    }));
    assert_eq!(s["properties"]["kind"], json!({"enum": ["circle"]}));
    assert_eq!(
        s["properties"]["radius"],
        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "example": 2.5})
    );
}

#[test]
fn a_documented_reference_is_an_all_of_and_a_bare_one_stays() {
    let (s, _) = schema(json!({
        "type": "object",
        "properties": {
            "owner": {"$ref": "#/components/schemas/T", "description": "who", "deprecated": true},
            "plain": {"$ref": "#/components/schemas/T", "summary": "s", "x-note": 1},
        },
    }));
    assert_eq!(
        s["properties"]["owner"],
        json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "who", "deprecated": true})
    );
    assert_eq!(
        s["properties"]["plain"],
        json!({"$ref": "#/components/schemas/T", "summary": "s", "x-note": 1})
    );
}

#[test]
fn boolean_schemas_and_content_keywords() {
    let (s, _) = schema(json!({
        "type": "object",
        "properties": {
            "any": true,
            "never": false,
            "data": {"type": "string", "contentEncoding": "base64"},
            "image": {"type": "string", "contentMediaType": "image/png"},
            "doc": {"type": "string", "contentMediaType": "application/json"},
        },
    }));
    assert_eq!(s["properties"]["any"], json!({}));
    assert_eq!(s["properties"]["never"], json!({"not": {}}));
    assert_eq!(s["properties"]["data"]["format"], "byte");
    assert_eq!(s["properties"]["image"]["format"], "binary");
    assert_eq!(s["properties"]["doc"].get("format"), None);
}

#[test]
fn a_closed_object_stays_closed() {
    let (s, _) = schema(json!({
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": false,
    }));
    assert_eq!(s["additionalProperties"], json!(false));
    // 2020-12 closes a composition with `unevaluatedProperties`, read as `additionalProperties`.
    let (s, _) = schema(json!({
        "$ref": "#/components/schemas/T",
        "required": ["a"],
        "unevaluatedProperties": false,
    }));
    assert_eq!(s["additionalProperties"], json!(false));
    let (s, _) = schema(json!({"type": "object", "additionalProperties": true}));
    assert_eq!(s["additionalProperties"], json!(true));
}

#[test]
fn keywords_without_a_rust_type_fall_back_with_a_warning_at_their_pointer() {
    let (s, warnings) = schema(json!({
        "type": "object",
        "properties": {
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
            "tags": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
            "open": {"type": "object", "unevaluatedProperties": {"type": "integer"}},
        },
        "propertyNames": {"pattern": "^[a-z]+$"},
        "dependentRequired": {"a": ["b"]},
        "if": {"required": ["a"]},
        "then": {"required": ["b"]},
        "not": {"required": ["c"]},
    }));
    assert_eq!(s["properties"]["pair"]["items"], json!({}));
    assert_eq!(
        s["properties"]["tags"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(
        s["properties"]["open"]["additionalProperties"],
        json!({"type": "integer"})
    );
    let expected = [
        "/components/schemas/S/properties/pair/prefixItems",
        "/components/schemas/S/properties/tags/patternProperties",
        "/components/schemas/S/properties/open/unevaluatedProperties",
        "/components/schemas/S/propertyNames",
        "/components/schemas/S/dependentRequired",
        "/components/schemas/S/if",
        "/components/schemas/S/not",
    ];
    for pointer in expected {
        assert!(
            warnings.iter().any(|w| w == pointer),
            "{pointer} in {warnings:?}"
        );
    }
    assert_eq!(warnings.len(), expected.len(), "{warnings:?}");
}

#[test]
fn schemas_in_parameters_media_types_webhooks_and_defs_are_rewritten_but_examples_are_not() {
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": ["object", "null"], "$defs": {"D": {"const": 1}}},
            "example": {"type": ["kept", "as", "written"]},
        }}}}}},
        "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": ["integer", "null"]}}}},
    });
    let (downgraded, _) = downgrade(&document);
    assert_eq!(downgraded["paths"], json!({}));
    let media =
        &downgraded["webhooks"]["ping"]["post"]["requestBody"]["content"]["application/json"];
    assert_eq!(media["schema"]["type"], "object");
    assert_eq!(media["schema"]["$defs"]["D"], json!({"enum": [1]}));
    assert_eq!(media["example"], json!({"type": ["kept", "as", "written"]}));
    assert_eq!(
        downgraded["components"]["parameters"]["P"]["schema"],
        json!({"type": "integer", "nullable": true})
    );
}

#[test]
fn another_json_schema_dialect_is_read_as_2020_12_with_a_warning() {
    let document = |dialect: &str| {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "jsonSchemaDialect": dialect,
        })
    };
    let (_, warnings) = downgrade(&document("https://spec.openapis.org/oas/3.1/dialect/base"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let (_, warnings) = downgrade(&document("http://json-schema.org/draft-07/schema#"));
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].pointer, "/jsonSchemaDialect");
    assert!(
        warnings[0].message.contains("draft-07"),
        "{}",
        warnings[0].message
    );
}
