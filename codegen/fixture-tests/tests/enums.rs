//! What the generated string enums of the enums fixture do: awkward values keep their wire
//! form, and a value added later decodes to `Unknown` and goes back out unchanged.

use fixture_tests::enums::types::{Status, Vote};
use serde_json::json;

#[test]
fn awkward_values_round_trip_through_readable_variants() {
    let cases = [
        ("+1", Vote::Plus1),
        ("-1", Vote::Minus1),
        ("foo-bar", Vote::FooBar),
        ("foo_bar", Vote::FooBar2),
        ("FooBar", Vote::FooBar3),
        ("", Vote::Empty),
        ("self", Vote::SelfValue),
        ("Self", Vote::SelfValue2),
        ("type", Vote::Type),
        ("1abc", Vote::X1abc),
        ("a b", Vote::AB),
        ("ÄÖ", Vote::Ao),
        ("null", Vote::Null),
    ];
    for (wire, variant) in cases {
        assert_eq!(
            serde_json::from_value::<Vote>(json!(wire)).ok(),
            Some(variant.clone())
        );
        assert_eq!(serde_json::to_value(&variant).ok(), Some(json!(wire)));
        assert_eq!(variant.to_string(), wire);
        assert_eq!(wire.parse::<Vote>().ok(), Some(variant));
    }
}

#[test]
fn a_value_added_later_is_unknown_and_re_encodes_unchanged() {
    let added: Status = serde_json::from_value(json!("on_hold")).expect("decodes");
    assert_eq!(added, Status::Unknown("on_hold".to_owned()));
    assert_eq!(added.as_str(), "on_hold");
    assert_eq!(serde_json::to_value(&added).ok(), Some(json!("on_hold")));
    // Not a string at all is still an error.
    assert!(serde_json::from_value::<Status>(json!(3)).is_err());
}
