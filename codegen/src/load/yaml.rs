//! YAML (and so JSON) text → `serde_json::Value`, tolerating what JSON cannot hold.
//!
//! Parsing straight into `serde_json::Value` fails on integers beyond 64 bits (OpenAI's spec has
//! `minimum: -9223372036854776000`); so does `serde_yaml::Value`. This visitor reads such
//! integers as floats (the normalizer then repairs them with a warning), turns non-string mapping
//! keys (`200:` unquoted) into their text, and applies YAML merge keys (`<<`).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A syntax error, with its position when known.
pub(crate) struct SyntaxError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// JSON text (most large specs) is read by serde_json, several times faster than the YAML
/// parser; anything else, or JSON that serde_json refuses, by the YAML parser.
pub(crate) fn parse(text: &str) -> Result<Value, SyntaxError> {
    if text.trim_start().starts_with('{') {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        if let Ok(value) = deserializer
            .deserialize_any(LooseValue)
            .and_then(|value| deserializer.end().map(|()| value))
        {
            return Ok(value);
        }
    }
    serde_yaml::Deserializer::from_str(text)
        .deserialize_any(LooseValue)
        .map_err(|err| SyntaxError {
            line: err.location().map(|loc| loc.line()),
            column: err.location().map(|loc| loc.column()),
            message: without_location(&err.to_string()),
        })
}

/// serde_yaml appends " at line L column C" to its messages; the error carries both separately.
fn without_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

struct LooseValue;

impl<'de> de::DeserializeSeed<'de> for LooseValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn float<E: de::Error>(value: f64) -> Result<Value, E> {
    Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| E::custom(format!("{value} is not a number JSON can represent")))
}

impl<'de> Visitor<'de> for LooseValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => float(v as f64),
        }
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => float(v as f64),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        float(v)
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(LooseValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(key) = access.next_key_seed(LooseValue)? {
            let value = access.next_value_seed(LooseValue)?;
            let key = match key {
                Value::String(key) => key,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            if key == "<<" {
                merged.push(value);
            } else {
                map.insert(key, value);
            }
        }
        // Merge keys: explicit entries win, then earlier merged mappings over later ones.
        for source in merged {
            let sources = match source {
                Value::Array(items) => items,
                single => vec![single],
            };
            for source in sources {
                let Value::Object(entries) = source else {
                    return Err(de::Error::custom(
                        "a YAML merge key (<<) takes a mapping or a list of mappings",
                    ));
                };
                for (key, value) in entries {
                    map.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}
