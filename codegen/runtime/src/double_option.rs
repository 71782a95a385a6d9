//! A property that may be absent *or* null, as `Option<Option<T>>`: `None` when absent,
//! `Some(None)` when null, `Some(Some(value))` otherwise. Use with
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "callspec_runtime::double_option")]`,
//! so that decoding and re-encoding keeps the difference between absent and null.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// # Errors
/// When the inner value fails to serialize.
#[allow(clippy::ref_option)] // serde's `with` hands us `&Option<Option<T>>`
pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        // Skipped by `skip_serializing_if` in practice; null is the only faithful encoding here.
        None | Some(None) => serializer.serialize_none(),
        Some(Some(inner)) => inner.serialize(serializer),
    }
}

/// # Errors
/// When the value is present but is neither null nor a valid `T`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    // Only called when the property is present: absent properties take `#[serde(default)]`.
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        note: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        for (wire, value) in [
            (json!({}), None),
            (json!({"note": null}), Some(None)),
            (json!({"note": "hi"}), Some(Some("hi".to_owned()))),
        ] {
            let thing: Thing = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(thing.note, value);
            assert_eq!(serde_json::to_value(&thing).unwrap(), wire);
        }
    }
}
