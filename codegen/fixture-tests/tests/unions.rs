//! What the generated unions of the composition fixture do with JSON: which variant a value
//! decodes to, what it encodes back to, and what is refused.

use fixture_tests::composition::types::{
    Address, Cat, CatHuntingSkill, Detached, DetachedState, DiskState, DiskStateAttached,
    DiskStateResizing, IdOrName, Order, Pet, Shape,
};
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|error| error.to_string())
}

/// The JSON text of `value`, so that property order is seen too.
fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|error| format!("does not encode: {error}"))
}

#[test]
fn a_member_that_is_only_its_tag_is_a_unit_variant() {
    assert_eq!(
        decode(json!({"state": "creating"})),
        Ok(DiskState::Creating)
    );
    assert_eq!(encode(&DiskState::Creating), r#"{"state":"creating"}"#);
}

#[test]
fn an_inline_member_leaves_its_tag_to_the_union_which_writes_it_first() {
    let instance = "1f0e6c0e-8f3c-4a52-9f0e-2b7f3c9d7a11";
    let attached = DiskState::Attached(DiskStateAttached {
        instance: instance.parse().expect("a uuid"),
    });
    assert_eq!(
        decode(json!({"state": "attached", "instance": instance})),
        Ok(attached.clone())
    );
    assert_eq!(
        encode(&attached),
        format!(r#"{{"state":"attached","instance":"{instance}"}}"#)
    );
    // The tag chose the member: its own properties are still required.
    let missing = decode::<DiskState>(json!({"state": "attached"}));
    assert_eq!(missing, Err("missing field `instance`".to_owned()));
}

#[test]
fn a_member_that_allows_no_other_property_still_decodes_without_its_tag() {
    let resizing = DiskState::Resizing(DiskStateResizing { size: 1 << 40 });
    assert_eq!(
        decode(json!({"state": "resizing", "size": 1_u64 << 40})),
        Ok(resizing.clone())
    );
    assert_eq!(
        encode(&resizing),
        r#"{"state":"resizing","size":1099511627776}"#
    );
    let extra = decode::<DiskState>(json!({"state": "resizing", "size": 1, "by": "ops"}));
    assert!(
        extra
            .as_ref()
            .is_err_and(|e| e.starts_with("unknown field `by`")),
        "{extra:?}"
    );
}

#[test]
fn a_shared_member_keeps_its_own_tag_field() {
    let detached = DiskState::Detached(Detached {
        state: DetachedState::Detached,
        since: None,
    });
    assert_eq!(decode(json!({"state": "detached"})), Ok(detached.clone()));
    assert_eq!(encode(&detached), r#"{"state":"detached"}"#);
}

#[test]
fn an_unknown_tag_or_no_tag_is_kept_as_received() {
    let added = json!({"state": "melting", "rate": 3});
    assert_eq!(decode(added.clone()), Ok(DiskState::Unknown(added.clone())));
    assert_eq!(
        encode(&DiskState::Unknown(added)),
        r#"{"state":"melting","rate":3}"#
    );
    let untagged = json!({"size": 3});
    assert_eq!(decode(untagged.clone()), Ok(DiskState::Unknown(untagged)));
}

#[test]
fn a_discriminator_chooses_by_its_mapping_and_the_member_keeps_its_value() {
    let tom = json!({"petType": "cat", "name": "Tom", "huntingSkill": "lazy"});
    let cat = Pet::Cat(Cat {
        pet_type: "cat".to_owned(),
        name: Some("Tom".to_owned()),
        hunting_skill: CatHuntingSkill::Lazy,
    });
    assert_eq!(decode(tom.clone()), Ok(cat.clone()));
    assert_eq!(serde_json::to_value(&cat).ok(), Some(tom));
    let fish = json!({"petType": "fish", "fins": 2});
    assert_eq!(decode(fish.clone()), Ok(Pet::Unknown(fish)));
}

#[test]
fn an_untagged_union_takes_the_first_member_that_fits() {
    assert_eq!(decode(json!(17)), Ok(IdOrName::Integer(17)));
    assert_eq!(decode(json!("17")), Ok(IdOrName::String("17".to_owned())));
    let circle = decode::<Shape>(json!({"radius": 2.0}));
    assert!(matches!(circle, Ok(Shape::Circle(_))), "{circle:?}");
    let rectangle = decode::<Shape>(json!({"width": 2.0, "height": 3.0}));
    assert!(
        matches!(rectangle, Ok(Shape::Rectangle(_))),
        "{rectangle:?}"
    );
}

/// `nullable: true` beside `anyOf: [$ref, {type: object, nullable: true, enum: [null]}]`, the
/// form strict OpenAPI 3.0.3 validators read as "the referenced schema or null", is the
/// referenced type made optional, like the `allOf` idiom, not a union of two variants.
#[test]
fn a_ref_or_a_null_only_member_is_the_ref_made_nullable() {
    let address = Address {
        line1: "1 Main St".into(),
        city: "Springfield".into(),
    };
    let order: Order = decode(json!({"billingAddress": null, "shippingAddress": null}))
        .expect("null decodes in either idiom");
    assert_eq!(order.billing_address, Some(None));
    assert_eq!(order.shipping_address, Some(None));
    let order: Order =
        decode(json!({"billingAddress": {"line1": "1 Main St", "city": "Springfield"}}))
            .expect("an address decodes");
    assert_eq!(order.billing_address, Some(Some(address)));
    assert!(decode::<Order>(json!({"billingAddress": 5})).is_err());
}
