//! An OpenAPI 3.1 description (`tests/fixtures/parcels_3_1.yaml`) through the validator, the
//! mock and the suite: its schemas are JSON Schema 2020-12 and are held to what 2020-12 says
//! (`type` lists with `null`, `const`, `prefixItems`, `$defs`, `$ref` beside other keywords,
//! `dependentRequired`, `unevaluatedProperties`), while made-up values come from the 3.0 form the
//! generator reads.

mod support;

use codegen::LoadedSpec;
use conformance::contract::Contract;
use conformance::mock::{Fixtures, Mock, MockOptions};
use conformance::schema::{Direction, SchemaValidator};
use conformance::soundness::check;
use conformance::suite::plan::Planner;
use conformance::suite::{run, RunOptions, Secret, SuiteConfig, Verdict};
use serde_json::{json, Value};
use support::{assert_conforms, Caller, ACME};

fn spec() -> LoadedSpec {
    support::spec("conformance/tests/fixtures/parcels_3_1.yaml")
}

/// The spec pointers of the violations of `instance` against the component schema `name`.
fn failed(spec: &LoadedSpec, name: &str, direction: Direction, instance: Value) -> Vec<String> {
    SchemaValidator::new(&spec.raw, &format!("/components/schemas/{name}"), direction)
        .expect("the schema compiles")
        .validate(&instance)
        .into_iter()
        .map(|violation| violation.schema_path)
        .collect()
}

fn parcel() -> Value {
    json!({
        "id": "pcl_0a1b2c3d",
        "recipient": {"line1": "1 Quay Street", "country": "IE", "location": [53.3, -6.2]},
        "weight": 250,
        "status": "in_transit",
        "createdAt": "2026-03-01T09:30:00Z",
        "deliveredAt": null
    })
}

fn with(mut value: Value, pointer: &str, field: Value) -> Value {
    *value
        .pointer_mut(pointer)
        .expect("the field's parent exists") = field;
    value
}

fn without(mut value: Value, field: &str) -> Value {
    value.as_object_mut().expect("an object").remove(field);
    value
}

#[test]
fn the_fixture_loads_as_3_1_and_is_sound() {
    let spec = spec();
    assert_eq!(spec.version(), codegen::OpenApiVersion::V3_1);
    assert_eq!(check(&spec), Vec::new());
    // The schemas' `examples` lists are checked as examples too.
    let found = conformance::examples::examples(&spec);
    assert!(found
        .iter()
        .any(|e| e.at == "/components/schemas/Weight/examples/1"));
}

#[test]
fn null_is_not_absence() {
    let spec = spec();
    let response = |value| failed(&spec, "Parcel", Direction::Response, value);
    assert_eq!(response(parcel()), Vec::<String>::new());
    // `deliveredAt` is required and may be null; leaving it out is another thing.
    assert_eq!(
        response(without(parcel(), "deliveredAt")),
        ["/components/schemas/Parcel/required"]
    );
    assert_eq!(
        response(with(parcel(), "/deliveredAt", json!(3))),
        ["/components/schemas/Parcel/properties/deliveredAt/type"]
    );
    // `line2` is optional and may be null; `country` may not.
    let address = |value| failed(&spec, "Address", Direction::Response, value);
    assert!(address(json!({"line1": "a", "line2": null, "country": "IE"})).is_empty());
    assert_eq!(
        address(json!({"line1": "a", "country": null})),
        ["/components/schemas/Address/properties/country/type"]
    );
}

#[test]
fn a_type_list_of_two_types_takes_each_with_its_own_keywords() {
    let spec = spec();
    let weight = |value| failed(&spec, "Weight", Direction::Request, value);
    for good in [json!(250), json!("1.5 kg"), json!("800 g")] {
        assert!(weight(good.clone()).is_empty(), "{good}");
    }
    assert_eq!(weight(json!(0)), ["/components/schemas/Weight/minimum"]);
    assert_eq!(
        weight(json!("heavy")),
        ["/components/schemas/Weight/pattern"]
    );
    assert_eq!(weight(json!(2.5)), ["/components/schemas/Weight/type"]);
    assert_eq!(weight(json!(null)), ["/components/schemas/Weight/type"]);
}

#[test]
fn const_tags_pick_the_one_of_member() {
    let spec = spec();
    let event = |value| failed(&spec, "Event", Direction::Response, value);
    let delivered = json!({"type": "delivered", "parcelId": "pcl_4e5f6a7b", "at": "2026-02-22T11:15:00Z", "signedBy": null});
    assert!(event(delivered.clone()).is_empty());
    // The tag selects the member, and the member's own rule is the one reported.
    assert_eq!(
        event(without(delivered.clone(), "signedBy")),
        ["/components/schemas/Delivered/required"]
    );
    assert_eq!(
        event(with(delivered, "/type", json!("lost"))),
        ["/components/schemas/Event/oneOf"]
    );
}

#[test]
fn tuples_nested_defs_and_ref_siblings_are_followed() {
    let spec = spec();
    let point = |value| failed(&spec, "Coordinates", Direction::Response, value);
    assert!(point(json!([53.3, -6.2])).is_empty());
    assert_eq!(
        point(json!([53.3])),
        ["/components/schemas/Coordinates/minItems"]
    );
    assert_eq!(
        point(json!([53.3, -6.2, 10])),
        ["/components/schemas/Coordinates/items"]
    );
    assert_eq!(
        point(json!([91, 0])),
        ["/components/schemas/Coordinates/prefixItems/0/maximum"]
    );
    // `location` is a `$ref` beside a `description`: the reference still applies.
    let address = json!({"line1": "a", "country": "IE", "location": ["north", 0]});
    assert_eq!(
        failed(&spec, "Address", Direction::Response, address)[0],
        "/components/schemas/Coordinates/prefixItems/0/type"
    );
    // `currency` names an entry of the `$defs` of another schema. It is checked inside the
    // `allOf`, and a failed `allOf` evaluates nothing (2020-12): the parcel's
    // `unevaluatedProperties` then refuses what `ParcelFields` would have evaluated, and says so.
    let mut insured = parcel();
    insured["insuredValue"] = json!(100);
    insured["currency"] = json!("JPY");
    assert_eq!(
        failed(&spec, "Parcel", Direction::Response, insured),
        [
            "/components/schemas/Parcel/$defs/Currency/enum",
            "/components/schemas/Parcel/unevaluatedProperties"
        ]
    );
}

#[test]
fn dependent_required_and_unevaluated_properties_hold_across_all_of() {
    let spec = spec();
    let request = |value| failed(&spec, "NewParcel", Direction::Request, value);
    let new = json!({"recipient": {"line1": "a", "country": "FR"}, "weight": 250});
    assert!(request(new.clone()).is_empty());
    let mut insured = new.clone();
    insured["insuredValue"] = json!(120);
    assert_eq!(
        request(insured.clone()),
        [
            "/components/schemas/ParcelFields/dependentRequired",
            // The failed `allOf` evaluated nothing (see above).
            "/components/schemas/NewParcel/unevaluatedProperties"
        ]
    );
    insured["currency"] = json!("EUR");
    assert!(request(insured).is_empty());
    // What `ParcelFields` evaluates through the `$ref` counts; anything else does not.
    let mut extra = new.clone();
    extra["colour"] = json!("red");
    assert_eq!(
        request(extra),
        ["/components/schemas/NewParcel/unevaluatedProperties"]
    );
    // A parcel's own properties and those of `ParcelFields` are evaluated; the `id` a request
    // leaves out (readOnly beside its `$ref`) is not required of it.
    let mut sent = parcel();
    sent.as_object_mut().expect("an object").remove("id");
    assert!(failed(&spec, "Parcel", Direction::Request, sent.clone()).is_empty());
    assert_eq!(
        failed(&spec, "Parcel", Direction::Response, sent),
        ["/components/schemas/Parcel/required"]
    );
    assert_eq!(
        failed(
            &spec,
            "Address",
            Direction::Request,
            json!({"line1": "a", "country": "FR", "zip": "1"})
        ),
        ["/components/schemas/Address/unevaluatedProperties"]
    );
}

#[test]
fn webhooks_are_read_with_their_bodies() {
    let contract = Contract::new(spec());
    let webhook = contract
        .api
        .operations
        .iter()
        .find(|operation| operation.id.as_deref() == Some("parcelDelivered"))
        .expect("the webhook is read");
    let body = webhook.body.as_ref().expect("a body");
    let at = body.content[0].schema.as_ref().expect("a schema");
    let validator = contract
        .validator(at, Direction::Request)
        .expect("the webhook's schema compiles");
    assert!(validator.is_valid(
        &json!({"type": "delivered", "parcelId": "pcl_4e5f6a7b", "at": "2026-02-22T11:15:00Z", "signedBy": "M. Durand"})
    ));
    assert!(!validator.is_valid(
        &json!({"type": "picked_up", "parcelId": "pcl_4e5f6a7b", "at": "2026-02-22T11:15:00Z", "signedBy": null})
    ));
}

#[tokio::test]
async fn the_mock_answers_every_operation_as_the_3_1_schemas_say() {
    let spec = spec();
    let contract = Contract::new(spec.clone());
    let mock = Mock::new(spec.clone(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let caller = Caller::new(&mock);
    let config = SuiteConfig {
        token: Some(Secret::new(ACME)),
        ..SuiteConfig::default()
    };
    let mut answered = 0;
    for (index, operation) in contract.api.served() {
        for variant in 0..4_usize {
            let planner = Planner::new(&contract, operation, &config, (index + variant) as u64);
            let planned = planner
                .valid(variant + 1)
                .into_iter()
                .last()
                .expect("a valid request is made up");
            let request = planned.request;
            let content_type = request
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map(|(_, value)| value.as_str());
            let answer = caller
                .send(
                    &request.method,
                    &request.path,
                    Some(ACME),
                    content_type,
                    request.body.clone(),
                )
                .await;
            let label = operation.id.as_deref().expect("every operation has an id");
            assert!(
                (200..300).contains(&answer.status) || answer.status == 404,
                "{label} {}: {}",
                request.path,
                String::from_utf8_lossy(&answer.body)
            );
            assert_conforms(&spec, label, &answer);
            answered += 1;
        }
    }
    assert_eq!(answered, 20);
    // A schema's `examples` list is served as records when the media type has none.
    for (depot, name) in [("dep_north", "North depot"), ("dep_south", "South depot")] {
        let answer = caller
            .send("GET", &format!("/depots/{depot}"), Some(ACME), None, None)
            .await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.json()["name"], name);
        assert_conforms(&spec, "getDepot", &answer);
    }
    let unknown = caller
        .send("GET", "/depots/dep_east", Some(ACME), None, None)
        .await;
    assert_eq!(unknown.status, 404);
    assert_conforms(&spec, "getDepot", &unknown);
    // Made-up values stand where the spec has no example: a refusal's problem body too.
    let refused = caller
        .send(
            "POST",
            "/parcels",
            Some(ACME),
            Some("application/json"),
            Some(br#"{"weight": 0}"#.to_vec()),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_conforms(&spec, "createParcel", &refused);
    mock.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_finds_nothing_wrong_with_the_mock_of_the_fixture() {
    let spec = spec();
    let fixtures = Fixtures::default();
    let mock = Mock::new(spec.clone(), MockOptions::default())
        .start("127.0.0.1:0")
        .await
        .expect("the mock starts");
    let config = SuiteConfig {
        analysis: Default::default(),
        ..SuiteConfig::for_fixtures(&fixtures, &mock.base_url())
    };
    for seed in [1, 2, 3] {
        let report = run(
            &spec,
            &config,
            &RunOptions {
                seed,
                max_examples: 3,
                ..RunOptions::default()
            },
        )
        .await
        .expect("the mock is reachable");
        let failed: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed && !support::STATELESS.contains(&r.check))
            .map(|r| r.check)
            .collect();
        assert!(
            failed.is_empty(),
            "seed {seed}: {failed:?}\n{}",
            report.terminal()
        );
        // Every response of every operation was judged against the 2020-12 schemas.
        let judged = report
            .results
            .iter()
            .filter(|r| r.check == "response_schema_conformance" && r.verdict == Verdict::Passed)
            .count();
        assert_eq!(judged, 5, "seed {seed}:\n{}", report.terminal());
    }
    mock.stop().await;
}
