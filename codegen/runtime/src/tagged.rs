//! Unions chosen by a tag property (`oneOf` with a discriminator, or members that each fix one
//! property to a value of their own): reading the tag, writing it, and decoding a member.
//!
//! A generated union's `Serialize` and `Deserialize` are one `match` over these calls, so each
//! union costs its crate little code. A member's type may hold the tag itself (a schema shared
//! with other uses) or leave it to the union (a member made for the union alone); a member with
//! no property but the tag has no type at all.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The tag of `value`: its `property`, when that is a string.
#[must_use]
pub fn tag_of<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Value::as_str)
}

/// Writes `payload` with `property` set to `tag`, unless the payload already has that property
/// (a shared member type that holds its own tag, which may be another of its values).
///
/// # Errors
/// When the payload fails to serialize.
pub fn serialize<S: Serializer, T: Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    match serde_json::to_value(payload).map_err(serde::ser::Error::custom)? {
        // The tag goes first, where a reader of the JSON looks for it.
        Value::Object(fields) if !fields.contains_key(property) => {
            let mut map = Map::with_capacity(fields.len() + 1);
            map.insert(property.to_owned(), Value::String(tag.to_owned()));
            map.extend(fields);
            map.serialize(serializer)
        }
        value => value.serialize(serializer),
    }
}

/// Writes a member that is nothing but its tag: `{"<property>": "<tag>"}`.
///
/// # Errors
/// When the serializer fails.
pub fn serialize_tag<S: Serializer>(
    serializer: S,
    property: &str,
    tag: &str,
) -> Result<S::Ok, S::Error> {
    let mut map = Map::new();
    map.insert(property.to_owned(), Value::String(tag.to_owned()));
    map.serialize(serializer)
}

/// Decodes a member whose type holds the tag itself.
///
/// # Errors
/// When `value` is not a valid `T`.
pub fn payload<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Decodes a member whose type leaves the tag to the union: the tag is taken out first, so a
/// member that allows no unknown property, or keeps the others in a map, does not see it.
///
/// # Errors
/// When `value` without its tag is not a valid `T`.
pub fn payload_without_tag<T: DeserializeOwned, E: serde::de::Error>(
    mut value: Value,
    property: &str,
) -> Result<T, E> {
    if let Value::Object(map) = &mut value {
        map.remove(property);
    }
    payload(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Attached {
        instance: String,
    }

    #[test]
    fn a_payload_without_the_tag_is_decoded_after_the_tag_is_removed() {
        let value = json!({"state": "attached", "instance": "db1"});
        assert_eq!(tag_of(&value, "state"), Some("attached"));
        let decoded: Result<Attached, serde_json::Error> =
            payload_without_tag(value.clone(), "state");
        assert_eq!(
            decoded.ok(),
            Some(Attached {
                instance: "db1".into()
            })
        );
        // The same value with the tag kept is refused by a type that allows no other property.
        let kept: Result<Attached, serde_json::Error> = payload(value);
        assert!(kept
            .err()
            .is_some_and(|e| e.to_string().contains("unknown field `state`")));
    }

    #[test]
    fn the_tag_is_written_unless_the_payload_has_its_own() {
        let written = serialize(
            serde_json::value::Serializer,
            "state",
            "attached",
            &Attached {
                instance: "db1".into(),
            },
        );
        let written = written.ok().map(|value| value.to_string());
        assert_eq!(
            written.as_deref(),
            Some(r#"{"state":"attached","instance":"db1"}"#)
        );
        let own = serialize(
            serde_json::value::Serializer,
            "state",
            "attached",
            &json!({"state": "reattached"}),
        );
        assert_eq!(own.ok(), Some(json!({"state": "reattached"})));
        let only = serialize_tag(serde_json::value::Serializer, "state", "creating");
        assert_eq!(only.ok(), Some(json!({"state": "creating"})));
    }

    #[test]
    fn a_value_without_a_string_tag_has_none() {
        assert_eq!(tag_of(&json!({"state": 3}), "state"), None);
        assert_eq!(tag_of(&json!(["state"]), "state"), None);
    }
}
