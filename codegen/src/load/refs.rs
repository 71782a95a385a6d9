//! Local `$ref` resolution by full JSON pointer, with cycle detection.

use serde_json::Value;

use super::pointer::JsonPointer;

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("`{0}` points outside this document; only local references (`#/...`) are supported")]
    External(String),
    #[error("`{0}` is not a JSON pointer fragment (expected `#/...`)")]
    Malformed(String),
    #[error("`{0}` points to nothing in this document")]
    Dangling(String),
    #[error("`{0}` is part of a reference cycle that never reaches a value")]
    Cycle(String),
    #[error("`$ref` must be a string, found {0}")]
    NotAString(String),
}

/// A `$ref` that does not resolve, with the pointer of the object that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedRef {
    pub at: String,
    pub error: ResolveError,
}

/// The JSON pointer a local reference such as `#/components/schemas/Pet%20Food` names.
pub fn local_ref_target(reference: &str) -> Result<String, ResolveError> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(ResolveError::External(reference.to_owned()));
    };
    let decoded = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .map_err(|_| ResolveError::Malformed(reference.to_owned()))?;
    if !decoded.is_empty() && !decoded.starts_with('/') {
        return Err(ResolveError::Malformed(reference.to_owned()));
    }
    Ok(decoded.into_owned())
}

/// Follows `value`'s `$ref` (and the target's, and so on) to a value that is not a reference.
/// A value without `$ref` is returned as it is.
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> Result<&'a Value, ResolveError> {
    let mut current = value;
    let mut seen: Vec<String> = Vec::new();
    while let Some(reference) = current.get("$ref") {
        let Value::String(reference) = reference else {
            return Err(ResolveError::NotAString(reference.to_string()));
        };
        if seen.iter().any(|earlier| earlier == reference) {
            return Err(ResolveError::Cycle(reference.clone()));
        }
        let target = local_ref_target(reference)?;
        current = document
            .pointer(&target)
            .ok_or_else(|| ResolveError::Dangling(reference.clone()))?;
        seen.push(reference.clone());
    }
    Ok(current)
}

/// The object at `at`, after following its `$ref`s: where it really stands, and its value.
pub fn follow<'a>(
    document: &'a Value,
    at: &JsonPointer,
) -> Result<(JsonPointer, &'a Value), ResolveError> {
    let mut pointer = at.clone();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let value = pointer
            .resolve(document)
            .ok_or_else(|| ResolveError::Dangling(format!("#{pointer}")))?;
        let Some(reference) = value.get("$ref") else {
            return Ok((pointer, value));
        };
        let Value::String(reference) = reference else {
            return Err(ResolveError::NotAString(reference.to_string()));
        };
        if seen.contains(reference) {
            return Err(ResolveError::Cycle(reference.clone()));
        }
        let target = local_ref_target(reference)?;
        pointer = JsonPointer::parse(&target)
            .ok_or_else(|| ResolveError::Malformed(reference.clone()))?;
        seen.push(reference.clone());
    }
}

/// Every `$ref` in the document that does not resolve. Example values, defaults, enums and
/// extensions are data, not document structure, so `$ref` keys inside them are not references.
#[must_use]
pub fn unresolved_refs(document: &Value) -> Vec<UnresolvedRef> {
    let mut found = Vec::new();
    walk(
        document,
        document,
        &JsonPointer::root(),
        Context::Structure,
        &mut found,
    );
    found
}

/// Where the walk stands, as far as telling structure from data goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Structure,
    /// The map under an `examples` key: name → Example Object.
    ExamplesMap,
    /// An Example Object, whose `value` is data.
    ExampleObject,
}

fn walk(
    document: &Value,
    value: &Value,
    at: &JsonPointer,
    context: Context,
    found: &mut Vec<UnresolvedRef>,
) {
    match value {
        Value::Object(map) => {
            if map.contains_key("$ref") {
                if let Err(error) = resolve(document, value) {
                    found.push(UnresolvedRef {
                        at: at.to_string(),
                        error,
                    });
                }
            }
            for (key, child) in map {
                if is_data(key) || (context == Context::ExampleObject && key == "value") {
                    continue;
                }
                let child_context = match context {
                    Context::ExamplesMap => Context::ExampleObject,
                    _ if key == "examples" => Context::ExamplesMap,
                    _ => Context::Structure,
                };
                walk(
                    document,
                    child,
                    &at.join(key.as_str()),
                    child_context,
                    found,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let at = at.join(index.to_string());
                walk(document, item, &at, Context::Structure, found);
            }
        }
        _ => {}
    }
}

fn is_data(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum") || key.starts_with("x-")
}
