//! Each soundness check finds what it is for, at the right pointer.

use codegen::LoadedSpec;
use conformance::examples::examples;
use conformance::schema::Direction;
use conformance::soundness::check;
use serde_json::{json, Value};

fn sound() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "security": [{"token": []}],
        "paths": {
            "/pets/{petId}": {
                "parameters": [{"$ref": "#/components/parameters/PetId"}],
                "get": {
                    "operationId": "getPet",
                    "responses": {"200": {
                        "description": "ok",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "examples": {"rex": {"$ref": "#/components/examples/Rex"}}
                        }}
                    }}
                },
                "put": {
                    "operationId": "putPet",
                    "requestBody": {"content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"},
                        "example": {"name": "Rex"}
                    }}},
                    "responses": {"204": {"description": "stored"}},
                    "callbacks": {"stored": {"{$request.body#/hook}": {"post": {
                        "operationId": "petStored",
                        "requestBody": {"content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"},
                            "example": {"id": 1, "name": "Rex"}
                        }}},
                        "responses": {"200": {"description": "ack"}}
                    }}}}
                }
            }
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "parameters": {"PetId": {"name": "petId", "in": "path", "required": true,
                "schema": {"type": "integer", "minimum": 1}, "example": 7}},
            "examples": {"Rex": {"value": {"id": 1, "name": "Rex"}}},
            "schemas": {"Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "name": {"type": "string", "example": "Rex"}
                }
            }}
        }
    })
}

fn load(spec: &Value) -> LoadedSpec {
    codegen::load("test.json", &spec.to_string()).expect("the spec loads")
}

fn messages(spec: &Value) -> Vec<String> {
    check(&load(spec)).iter().map(ToString::to_string).collect()
}

#[test]
fn a_sound_spec_has_no_problem() {
    assert_eq!(messages(&sound()), Vec::<String>::new());
}

#[test]
fn examples_are_found_everywhere_with_their_direction() {
    let spec = load(&sound());
    let found: Vec<(String, String, Direction)> = examples(&spec)
        .into_iter()
        .map(|e| (e.at, e.schema, e.direction))
        .collect();
    let get = "/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema";
    let put = "/paths/~1pets~1{petId}/put/requestBody/content/application~1json/schema";
    let hook = "/paths/~1pets~1{petId}/put/callbacks/stored/{$request.body#~1hook}/post/requestBody/content/application~1json/schema";
    let expected = [
        ("/components/parameters/PetId/example", "/components/parameters/PetId/schema", Direction::Request),
        ("/components/examples/Rex/value", get, Direction::Response),
        ("/paths/~1pets~1{petId}/put/requestBody/content/application~1json/example", put, Direction::Request),
        // The server sends a callback's request: its readOnly `id` is required.
        ("/paths/~1pets~1{petId}/put/callbacks/stored/{$request.body#~1hook}/post/requestBody/content/application~1json/example", hook, Direction::Response),
        ("/components/schemas/Pet/properties/name/example", "/components/schemas/Pet/properties/name", Direction::Response),
    ];
    let expected: Vec<(String, String, Direction)> = expected
        .into_iter()
        .map(|(at, schema, direction)| (at.to_owned(), schema.to_owned(), direction))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn missing_and_duplicate_operation_ids() {
    let mut spec = sound();
    let put = spec
        .pointer_mut("/paths/~1pets~1{petId}/put")
        .expect("put exists");
    put.as_object_mut()
        .expect("an object")
        .remove("operationId");
    spec["paths"]["/pets/{petId}"]["put"]["callbacks"]["stored"]["{$request.body#/hook}"]["post"]
        ["operationId"] = json!("getPet");
    assert_eq!(
        messages(&spec),
        [
            "#/paths/~1pets~1{petId}/put: PUT /pets/{petId} has no operationId",
            "#/paths/~1pets~1{petId}/put/callbacks/stored/{$request.body#~1hook}/post/operationId: operationId `getPet` is also used at #/paths/~1pets~1{petId}/get",
        ]
    );
}

#[test]
fn path_parameters_must_match_the_template() {
    let mut spec = sound();
    let item = spec["paths"]["/pets/{petId}"].take();
    spec["paths"] = json!({ "/pets/{id}": item });
    assert_eq!(
        messages(&spec),
        [
            "#/paths/~1pets~1{id}/get: path parameter `id` is not declared; taken as a string",
            "#/components/parameters/PetId: path parameter `petId` is not in the template /pets/{id}; left out",
            "#/paths/~1pets~1{id}/put: path parameter `id` is not declared; taken as a string",
            "#/components/parameters/PetId: path parameter `petId` is not in the template /pets/{id}; left out",
        ]
    );
}

#[test]
fn security_requirements_name_declared_schemes() {
    let mut spec = sound();
    spec["security"] = json!([{"apiKey": []}]);
    assert_eq!(
        messages(&spec),
        ["#/security/0/apiKey: security scheme `apiKey` is not declared in `components/securitySchemes`; requests are sent without it"]
    );
}

#[test]
fn unresolved_refs_and_bad_examples() {
    let mut spec = sound();
    spec["components"]["examples"]["Rex"]["value"]["name"] = json!(5);
    spec["components"]["parameters"]["PetId"]["example"] = json!(0);
    spec["paths"]["/pets/{petId}"]["get"]["responses"]["404"] =
        json!({"$ref": "#/components/responses/Missing"});
    assert_eq!(
        messages(&spec),
        [
            "#/paths/~1pets~1{petId}/get/responses/404: `#/components/responses/Missing` points to nothing in this document",
            "#/components/parameters/PetId/example: example does not match its schema: (root): 0 is less than the minimum of 1 (schema #/components/parameters/PetId/schema/minimum)",
            "#/components/examples/Rex/value: example does not match its schema (used at #/paths/~1pets~1{petId}/get/responses/200/content/application~1json/examples/rex): /name: 5 is not of type \"string\" (schema #/components/schemas/Pet/properties/name/type)",
        ]
    );
}
