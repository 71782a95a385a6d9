//! Repairs, before the typed parse, what real specs get wrong or what `openapiv3` cannot hold.
//! Every repair is a [`Warning`] naming the JSON pointer it touched.

use serde_json::{Map, Value};

use super::error::Warning;
use super::pointer::JsonPointer;

pub(crate) fn normalize(document: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    walk(document, &mut Vec::new(), &mut warnings);
    warnings
}

/// Walks the document with the path to `value` as plain tokens: a pointer is only made for a
/// repair, so the walk allocates nothing per node.
fn walk(value: &mut Value, path: &mut Vec<String>, warnings: &mut Vec<Warning>) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                integer_bounds(map, &JsonPointer::from_tokens(path), warnings);
            }
            for (key, child) in map.iter_mut() {
                // Examples, defaults, enums and extensions are data, not document structure.
                if matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) || key.starts_with("x-")
                {
                    continue;
                }
                if child.is_object() || child.is_array() {
                    path.push(key.clone());
                    walk(child, path, warnings);
                    path.pop();
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                if item.is_object() || item.is_array() {
                    path.push(index.to_string());
                    walk(item, path, warnings);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// `openapiv3` holds integer bounds as `i64`: a float bound (`1.0`) or one beyond 64 bits
/// (`-9223372036854776000`) would fail the whole document.
fn integer_bounds(schema: &mut Map<String, Value>, at: &JsonPointer, warnings: &mut Vec<Warning>) {
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(number)) = schema.get(keyword) else {
            continue;
        };
        if number.is_i64() {
            continue;
        }
        let Some(float) = number.as_f64() else {
            continue;
        };
        // i64::MAX as f64 rounds up to 2^63, so compare against the bounds as floats.
        #[allow(clippy::cast_precision_loss)]
        let (low, high) = (i64::MIN as f64, i64::MAX as f64);
        #[allow(clippy::cast_possible_truncation)]
        let (repaired, reason) = if float <= low {
            (i64::MIN, "is below the 64-bit range; clamped to i64::MIN")
        } else if float >= high {
            (i64::MAX, "is above the 64-bit range; clamped to i64::MAX")
        } else if float.fract() == 0.0 {
            (float as i64, "is written as a float; read as an integer")
        } else if keyword == "minimum" {
            (
                float.ceil() as i64,
                "is not whole; rounded up to the nearest integer",
            )
        } else if keyword == "maximum" {
            (
                float.floor() as i64,
                "is not whole; rounded down to the nearest integer",
            )
        } else {
            schema.remove(keyword);
            warnings.push(Warning {
                pointer: at.join(keyword).to_string(),
                message: format!("integer {keyword} {float} is not whole; ignored"),
            });
            continue;
        };
        warnings.push(Warning {
            pointer: at.join(keyword).to_string(),
            message: format!("integer {keyword} {float} {reason}"),
        });
        schema.insert(keyword.to_owned(), Value::from(repaired));
    }
}
