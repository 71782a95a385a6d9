//! YAML (and so JSON) text → `serde_json::Value`, tolerating what JSON cannot hold.
//!
//! Parsing straight into `serde_json::Value` fails on integers beyond 64 bits (OpenAI's spec has
//! `minimum: -9223372036854776000`); so does `serde_yaml::Value`. This visitor reads such
//! integers as floats (the normalizer then repairs them with a warning), turns non-string mapping
//! keys (`200:` unquoted) into their text with a warning, and applies YAML merge keys (`<<`).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::error::Warning;
use super::pointer::JsonPointer;

/// A syntax error, with its position when known.
pub(crate) struct SyntaxError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// JSON text (most large specs) is read by serde_json, several times faster than the YAML
/// parser; anything else, or JSON that serde_json refuses, by the YAML parser.
/// The warnings name each mapping key that was not text (JSON keys always are).
pub(crate) fn parse(text: &str) -> Result<(Value, Vec<Warning>), SyntaxError> {
    if text.trim_start().starts_with('{') {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        if let Ok(value) = deserializer
            .deserialize_any(LooseValue { track: None })
            .and_then(|value| deserializer.end().map(|()| value))
        {
            return Ok((value, Vec::new()));
        }
    }
    let track = RefCell::new(Track::default());
    let value = serde_yaml::Deserializer::from_str(text)
        .deserialize_any(LooseValue {
            track: Some(&track),
        })
        .map_err(|err| SyntaxError {
            line: err.location().map(|loc| loc.line()),
            column: err.location().map(|loc| loc.column()),
            message: without_location(&err.to_string()),
        })?;
    Ok((value, track.into_inner().warnings))
}

/// Where the visitor is in the document, kept only to name a repaired key.
#[derive(Default)]
struct Track {
    path: Vec<Step>,
    warnings: Vec<Warning>,
}

enum Step {
    Key(String),
    Index(usize),
}

impl Track {
    fn pointer(&self) -> JsonPointer {
        self.path
            .iter()
            .fold(JsonPointer::root(), |pointer, step| match step {
                Step::Key(key) => pointer.join(key.as_str()),
                Step::Index(index) => pointer.join(index.to_string()),
            })
    }
}

/// serde_yaml appends " at line L column C" to its messages; the error carries both separately.
fn without_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// `track` is `None` where keys are always text (JSON), which spares the bookkeeping.
#[derive(Clone, Copy)]
struct LooseValue<'t> {
    track: Option<&'t RefCell<Track>>,
}

impl<'de> de::DeserializeSeed<'de> for LooseValue<'_> {
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

impl<'de> Visitor<'de> for LooseValue<'_> {
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
        loop {
            if let Some(track) = self.track {
                track.borrow_mut().path.push(Step::Index(items.len()));
            }
            let item = seq.next_element_seed(self);
            if let Some(track) = self.track {
                track.borrow_mut().path.pop();
            }
            match item? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(key) = access.next_key_seed(self)? {
            let key = match key {
                Value::String(key) => key,
                other => {
                    let text = match other {
                        Value::Null => "null".to_owned(),
                        other => other.to_string(),
                    };
                    if let Some(track) = self.track {
                        let mut track = track.borrow_mut();
                        let pointer = track.pointer().join(text.as_str()).to_string();
                        track.warnings.push(Warning {
                            pointer,
                            message: format!(
                                "mapping key {text} is not a string; read as the text \"{text}\""
                            ),
                        });
                    }
                    text
                }
            };
            let value = match self.track {
                Some(track) => {
                    track.borrow_mut().path.push(Step::Key(key));
                    let value = access.next_value_seed(self);
                    let Some(Step::Key(key)) = track.borrow_mut().path.pop() else {
                        return Err(de::Error::custom("the key path lost its place"));
                    };
                    (key, value?)
                }
                None => {
                    let value = access.next_value_seed(self)?;
                    (key, value)
                }
            };
            let (key, value) = value;
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
