//! A structure-aware mutator: the fuzzer's bytes choose where in a real spec to change what, in
//! the ways a spec goes wrong (a value of another type, a key removed or added, a `$ref` to
//! anywhere or nowhere, a subtree copied where it does not belong), so that most mutants still
//! load and reach the generator and the validator.

use arbitrary::Unstructured;
use serde_json::{json, Map, Value};

/// Keys the loader, the generator and the validator give meaning to.
const KEYWORDS: [&str; 36] = [
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "required",
    "enum",
    "pattern",
    "format",
    "nullable",
    "discriminator",
    "$ref",
    "default",
    "example",
    "examples",
    "minimum",
    "maximum",
    "multipleOf",
    "maxLength",
    "minLength",
    "callbacks",
    "links",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "style",
    "explode",
    "x-long-running",
    "readOnly",
    "mapping",
];

/// `seed` changed in 1 to 8 places, as `input` chooses; the same input always makes the same
/// mutant.
#[must_use]
pub fn mutate(seed: &Value, input: &[u8]) -> Value {
    let mut u = Unstructured::new(input);
    let mut spec = seed.clone();
    let rounds = u.int_in_range(1..=8u8).unwrap_or(1);
    for _ in 0..rounds {
        if u.is_empty() {
            break;
        }
        let at = pick(&spec, &mut u);
        let donor = {
            let from = pick(&spec, &mut u);
            spec.pointer(&from).cloned().unwrap_or(Value::Null)
        };
        let reference = format!("#{}", pick(&spec, &mut u));
        let choice = u.int_in_range(0..=5u8).unwrap_or(0);
        let replacement = match choice {
            1 => Some(odd_value(&mut u)),
            2 => Some(json!({ "$ref": reference })),
            3 => Some(donor.clone()),
            _ => None,
        };
        let Some(target) = spec.pointer_mut(&at) else {
            continue;
        };
        match (choice, replacement) {
            (0, _) => remove_child(target, &mut u),
            (4, _) => {
                if let Value::Object(fields) = target {
                    let key = u.choose(&KEYWORDS).copied().unwrap_or("type");
                    let value = if u.arbitrary::<bool>().unwrap_or(false) {
                        donor
                    } else {
                        odd_value(&mut u)
                    };
                    fields.insert(key.to_owned(), value);
                }
            }
            (5, _) => {
                if let Value::Array(items) = target {
                    if let Some(first) = items.first().cloned() {
                        items.push(first);
                    }
                } else {
                    *target = Value::Array(vec![target.take()]);
                }
            }
            (_, Some(value)) => *target = value,
            (_, None) => {}
        }
    }
    spec
}

/// A JSON pointer into `spec`, reached by descending into children the input chooses.
fn pick(spec: &Value, u: &mut Unstructured<'_>) -> String {
    let mut at = String::new();
    let mut node = spec;
    for _ in 0..24 {
        let stop = u.ratio(1u8, 6u8).unwrap_or(true);
        let next = match node {
            Value::Object(fields) if !fields.is_empty() && !stop => {
                let index = u.choose_index(fields.len()).unwrap_or(0);
                fields.iter().nth(index).map(|(k, v)| (escape(k), v))
            }
            Value::Array(items) if !items.is_empty() && !stop => {
                let index = u.choose_index(items.len()).unwrap_or(0);
                items.get(index).map(|v| (index.to_string(), v))
            }
            _ => None,
        };
        let Some((token, child)) = next else { break };
        at.push('/');
        at.push_str(&token);
        node = child;
    }
    at
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn remove_child(target: &mut Value, u: &mut Unstructured<'_>) {
    match target {
        Value::Object(fields) if !fields.is_empty() => {
            let index = u.choose_index(fields.len()).unwrap_or(0);
            if let Some(key) = fields.keys().nth(index).cloned() {
                fields.remove(&key);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = u.choose_index(items.len()).unwrap_or(0);
            items.remove(index);
        }
        _ => {}
    }
}

/// A value of any type, biased to the ones that break assumptions.
fn odd_value(u: &mut Unstructured<'_>) -> Value {
    match u.int_in_range(0..=11u8).unwrap_or(0) {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary().unwrap_or(true)),
        2 => json!(u.arbitrary::<i64>().unwrap_or(-1)),
        3 => json!(u64::MAX),
        4 => json!(1e308),
        5 => json!(-0.5),
        6 => json!(""),
        7 => json!(["string", "null", "integer"][u.choose_index(3).unwrap_or(0)]),
        8 => json!(u.arbitrary::<String>().unwrap_or_default()),
        9 => json!("\\w{10000}[a-z]{1000}{1000}(?=x)"),
        10 => Value::Array(Vec::new()),
        _ => Value::Object(Map::new()),
    }
}
