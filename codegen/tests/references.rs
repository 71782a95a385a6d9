//! Reference Objects at the places where they shape no type: what the loader's typed view, the
//! reading (`codegen::api`) and the companions make of them. The sites that shape types are
//! decoded with the generated client in `fixture-tests/tests/references.rs`.

use std::path::Path;

use codegen::api::{Api, Location, SchemeKind, Site};

fn fixture(name: &str) -> codegen::LoadedSpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).expect("the fixture is readable");
    codegen::load(name, &text).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn the_typed_view_holds_referenced_callbacks_inlined() {
    let spec = fixture("references");
    let paths = &spec.openapi.paths.paths;
    let Some(openapiv3::ReferenceOr::Item(pets)) = paths.get("/pets") else {
        panic!("`/pets` is a path item");
    };
    let create = pets.post.as_ref().expect("createPet");
    // `onCreated` → `Created` → `Replaced`, whose path item is a `$ref` to a POST.
    let on_created = create.callbacks.get("onCreated").expect("the callback");
    let item = on_created
        .get("{$request.body#/id}/replaced")
        .expect("the expression");
    assert!(item.post.is_some(), "the path item `$ref` is inlined too");
    // The raw document is left as written.
    assert_eq!(
        spec.at("/paths/~1pets/post/callbacks/onCreated/$ref"),
        Some(&serde_json::json!("#/components/callbacks/Created"))
    );
}

#[test]
fn the_reading_follows_every_reference() {
    let spec = fixture("references");
    let (api, warnings) = Api::read(&spec.raw);
    assert!(warnings.is_empty(), "{warnings:?}");
    let labels: Vec<(&str, &Site)> = api
        .operations
        .iter()
        .map(|op| (op.label.as_str(), &op.site))
        .collect();
    assert_eq!(labels.len(), 5, "{labels:?}");

    // A path item `$ref`: its operations, at the place it leads to, with its parameters merged.
    let get = api.operation("getPet").expect("getPet");
    assert_eq!(get.path.text(), "/pets/{petId}");
    assert_eq!(get.pointer.to_string(), "/x-path-items/pet/get");
    let names: Vec<&str> = get.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["petId", "verbose"]);
    assert_eq!(
        get.parameters[0].pointer.to_string(),
        "/components/parameters/PetId"
    );
    // Responses and headers where their `$ref`s lead.
    assert_eq!(
        get.responses[0].pointer.to_string(),
        "/components/responses/Pet"
    );
    assert_eq!(
        get.responses[0].headers[0].pointer.to_string(),
        "/components/headers/RateRemaining"
    );
    // A request body `$ref`.
    let replace = api.operation("replacePet").expect("replacePet");
    let body = replace.body.as_ref().expect("a body");
    assert!(body.required);
    assert_eq!(body.pointer.to_string(), "/components/requestBodies/Pet");

    // A link `$ref`: its target and parameters are the component's.
    let create = api.operation("createPet").expect("createPet");
    let link = &create.responses[0].links[0];
    assert_eq!(link.name, "GetPet");
    assert_eq!(link.pointer.to_string(), "/components/links/GetPet");
    assert_eq!(api.operations[link.target].label, "getPet");
    assert_eq!(
        link.parameters,
        [("petId".to_owned(), serde_json::json!("$response.body#/id"))]
    );
    assert!(matches!(create.long_running, Some(Ok(_))));

    // Callbacks given as `$ref`s, one component naming another, whose path item is a `$ref`.
    for (name, owner) in [("onReplaced", "replacePet"), ("onCreated", "createPet")] {
        let callback = api
            .operations
            .iter()
            .find(|op| matches!(&op.site, Site::Callback { name: n, .. } if n == name))
            .unwrap_or_else(|| panic!("callback {name}"));
        let Site::Callback { owner: index, .. } = callback.site else {
            unreachable!()
        };
        assert_eq!(api.operations[index].label, owner);
        assert_eq!(
            callback.pointer.to_string(),
            "/x-path-items/notification/post"
        );
        assert_eq!(callback.parameters[0].name, "X-Delivery");
        assert_eq!(callback.parameters[0].location, Location::Header);
        assert!(callback.body.is_some());
    }

    // A security scheme `$ref`: the scheme it leads to, under its own key.
    let scheme = api.scheme("apiKey").expect("the scheme");
    assert_eq!(
        scheme.kind,
        SchemeKind::ApiKey {
            location: Location::Header,
            name: "X-Api-Key".to_owned()
        }
    );
    assert_eq!(
        scheme.pointer.to_string(),
        "/components/securitySchemes/Key"
    );
}

#[test]
fn a_referenced_example_is_the_quickstarts_argument() {
    let spec = fixture("references");
    let companions = codegen::companions(
        &spec,
        &codegen::CompanionOptions {
            crate_name: "references-client".to_owned(),
            header: "test".to_owned(),
            example_base_url: "http://127.0.0.1:4010".to_owned(),
            token_hint: None,
        },
    )
    .unwrap_or_else(|err| panic!("{err}"));
    let quickstart = companions
        .examples
        .iter()
        .map(|(_, source)| source.as_str())
        .collect::<String>();
    assert!(
        quickstart.contains("Rex-from-the-example"),
        "the value of `components/examples/Rex`:\n{quickstart}"
    );
}

#[test]
fn broken_references_are_warnings_at_their_pointers() {
    let spec = fixture("broken_references");
    let (api, warnings) = Api::read(&spec.raw);
    let said: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    for (at, reason) in [
        ("/paths/~1gone", "points to nothing"),
        ("/paths/~1looped", "reference cycle"),
        (
            "/paths/~1things/post/parameters/0",
            "points outside this document",
        ),
        ("/paths/~1things/post/requestBody", "reference cycle"),
        ("/paths/~1things/post/responses/404", "points to nothing"),
        (
            "/paths/~1things/post/responses/201/headers/X-Gone",
            "points to nothing",
        ),
        (
            "/paths/~1things/post/responses/201/links/Gone",
            "points to nothing",
        ),
        ("/paths/~1things/post/callbacks/onGone", "points to nothing"),
        ("/paths/~1things/post/callbacks/onLoop", "reference cycle"),
        (
            "/components/callbacks/MissingItem/{$request.body#~1url}",
            "points to nothing",
        ),
        ("/components/securitySchemes/looped", "reference cycle"),
    ] {
        assert!(
            said.iter()
                .any(|w| w.starts_with(&format!("#{at}: ")) && w.contains(reason)),
            "no warning at {at} saying {reason}: {said:#?}"
        );
    }
    // What resolves is read: the operation, and the callback that registers itself, once.
    assert!(api.operation("createThing").is_some());
    let echoes = api
        .operations
        .iter()
        .filter(|op| matches!(&op.site, Site::Callback { name, .. } if name == "onEcho"))
        .count();
    assert_eq!(echoes, 1);
}
