use std::fmt;

use codegen::load::JsonPointer;
use jsonschema::error::ValidationErrorKind;
use jsonschema::ValidationError;
use serde_json::Value;

use super::translate::{translate, ADDED_BOUNDS, DISCRIMINATED, NON_NULL_PREFIX, NULLABLE_WRAPPER};
use super::Direction;

/// One way an instance fails its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer into the instance ("" is the whole instance).
    pub instance_path: String,
    /// JSON pointer into the spec, to the keyword that failed.
    pub schema_path: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "(root)"
        } else {
            &self.instance_path
        };
        write!(f, "{at}: {} (schema #{})", self.message, self.schema_path)
    }
}

/// A schema of the spec that cannot be used for validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("#{pointer}: {message}")]
pub struct SchemaError {
    /// JSON pointer into the spec.
    pub pointer: String,
    pub message: String,
}

/// Validates instances against one schema of a spec, with the semantics of the OpenAPI version
/// the spec declares (3.0 Schema Objects, or JSON Schema 2020-12 from 3.1).
pub struct SchemaValidator {
    validator: jsonschema::Validator,
    translated: Value,
    root: JsonPointer,
}

impl fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaValidator")
            .field("root", &self.root.to_string())
            .finish()
    }
}

/// Formats JSON Schema 2020-12 defines but OpenAPI 3.0 (and the JSON Schema draft it builds on)
/// does not; they are not checked.
const NOT_OPENAPI_FORMATS: [&str; 11] = [
    "duration",
    "time",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "iri",
    "iri-reference",
    "idn-email",
    "idn-hostname",
    "uri-template",
    "uri-reference",
];

/// Longest instance text quoted in a message; larger values are named by their type.
const QUOTED_INSTANCE_LIMIT: usize = 80;

impl SchemaValidator {
    /// Compiles the schema at `schema_at` (a JSON pointer into `spec`, the document as written)
    /// and all it references.
    pub fn new(spec: &Value, schema_at: &str, direction: Direction) -> Result<Self, SchemaError> {
        let root = JsonPointer::parse(schema_at).ok_or_else(|| SchemaError {
            pointer: schema_at.to_owned(),
            message: "not a JSON pointer".into(),
        })?;
        let translated = translate(spec, &root, direction).map_err(|err| SchemaError {
            pointer: err.pointer,
            message: err.message,
        })?;
        let mut options = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .with_format("byte", is_base64);
        for format in NOT_OPENAPI_FORMATS {
            // Specs use these names for formats of their own (InfluxDB's `duration` is Go's
            // `1h30m`, not ISO 8601's `PT1H30M`), so holding them to JSON Schema's meaning would
            // fail servers that do what their spec means.
            options = options.with_format(format, |_: &str| true);
        }
        let validator = options
            .build(&translated.document)
            .map_err(|err| SchemaError {
                pointer: spec_pointer(
                    &root,
                    &translated.document,
                    &err.instance_path().to_string(),
                ),
                message: err.masked().to_string(),
            })?;
        Ok(Self {
            validator,
            translated: translated.document,
            root,
        })
    }

    #[must_use]
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// Every violation, with pointers into the instance and into the spec.
    #[must_use]
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        let mut found = Vec::new();
        for error in self.validator.iter_errors(instance) {
            self.collect(&error, &mut found);
        }
        found
    }

    fn collect(&self, error: &ValidationError<'_>, found: &mut Vec<Violation>) {
        let location = error.schema_path().to_string();
        if let ValidationErrorKind::AnyOf { context } = error.kind() {
            if self.is_nullable_wrapper(&location) {
                // Not null, so the instance failed the schema proper: report why.
                for inner in context.get(1).into_iter().flatten() {
                    self.collect(inner, found);
                }
                return;
            }
        }
        if let ValidationErrorKind::OneOfNotValid { context }
        | ValidationErrorKind::AnyOf { context } = error.kind()
        {
            // A discriminator names the branch meant: report why that branch fails.
            let selected: Vec<&Vec<ValidationError<'_>>> = context
                .iter()
                .filter(|errors| {
                    !errors.iter().any(|inner| {
                        self.spec_pointer(&inner.schema_path().to_string())
                            .ends_with("/discriminator")
                    })
                })
                .collect();
            if selected.len() == 1 && selected.len() < context.len() {
                for inner in selected[0] {
                    self.collect(inner, found);
                }
                return;
            }
            // When one branch fails deeper inside the instance than the others, that branch is
            // almost always the one meant, and its error names the field to fix.
            let depth =
                |e: &ValidationError<'_>| e.instance_path().to_string().matches('/').count();
            let outer = depth(error);
            let deepest = context
                .iter()
                .flatten()
                .max_by_key(|inner| depth(inner))
                .filter(|inner| depth(inner) > outer);
            let unique = deepest.is_some_and(|best| {
                context
                    .iter()
                    .flatten()
                    .filter(|inner| depth(inner) == depth(best))
                    .count()
                    == 1
            });
            if let (Some(best), true) = (deepest, unique) {
                let mut inner = Vec::new();
                self.collect(best, &mut inner);
                let keyword = if matches!(error.kind(), ValidationErrorKind::AnyOf { .. }) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                found.extend(inner.into_iter().map(|violation| Violation {
                    message: format!(
                        "{} (in the closest `{keyword}` branch; none matches)",
                        violation.message
                    ),
                    ..violation
                }));
                return;
            }
        }
        found.push(Violation {
            instance_path: error.instance_path().to_string(),
            schema_path: self.spec_pointer(&location),
            message: describe(error),
        });
    }

    fn is_nullable_wrapper(&self, anyof_location: &str) -> bool {
        let parent = anyof_location
            .strip_suffix("/anyOf")
            .unwrap_or(anyof_location);
        self.translated
            .pointer(parent)
            .and_then(|node| node.get(NULLABLE_WRAPPER))
            .is_some()
    }

    fn spec_pointer(&self, location: &str) -> String {
        spec_pointer(&self.root, &self.translated, location)
    }
}

/// Maps a location in `translated` to the spec: `/$defs/<pointer>/rest` names `<pointer>/rest`;
/// a bound that translation added for `format: int32` names that `format`.
fn spec_pointer(root: &JsonPointer, translated: &Value, location: &str) -> String {
    let Some(parsed) = JsonPointer::parse(location) else {
        return root.to_string();
    };
    let [defs, key, rest @ ..] = parsed.tokens() else {
        return root.to_string();
    };
    if defs != "$defs" {
        return root.to_string();
    }
    let key = key.strip_prefix(NON_NULL_PREFIX).unwrap_or(key);
    let Some(mut pointer) = JsonPointer::parse(key) else {
        return root.to_string();
    };
    // A condition translation added for a `discriminator` names that discriminator.
    for depth in 0..rest.len() {
        let node_location = parsed.tokens()[..2 + depth]
            .iter()
            .fold(JsonPointer::root(), |pointer, token| {
                pointer.join(token.as_str())
            });
        let added = translated
            .pointer(&node_location.to_string())
            .and_then(|node| node.get(DISCRIMINATED))
            .is_some();
        let next = rest.get(depth).map(String::as_str);
        if added && matches!(next, Some("properties" | "required")) && depth >= 2 {
            // `<schema>/oneOf/<i>` → `<schema>/discriminator`.
            for token in &rest[..depth - 2] {
                pointer = pointer.join(token.as_str());
            }
            return pointer.join("discriminator").to_string();
        }
    }
    if let Some((keyword, parent)) = rest.split_last() {
        let parent_location = parsed.tokens()[..parsed.tokens().len() - 1]
            .iter()
            .fold(JsonPointer::root(), |pointer, token| {
                pointer.join(token.as_str())
            });
        let added = translated
            .pointer(&parent_location.to_string())
            .and_then(|node| node.get(ADDED_BOUNDS))
            .and_then(Value::as_array)
            .is_some_and(|added| added.iter().any(|k| k == keyword.as_str()));
        if added {
            for token in parent {
                pointer = pointer.join(token.as_str());
            }
            return pointer.join("format").to_string();
        }
    }
    for token in rest {
        pointer = pointer.join(token.as_str());
    }
    pointer.to_string()
}

fn describe(error: &ValidationError<'_>) -> String {
    let quoted = error.instance().to_string().len() <= QUOTED_INSTANCE_LIMIT;
    let base = if quoted {
        error.to_string()
    } else {
        error.masked_with(type_name(error.instance())).to_string()
    };
    match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let branches: Vec<String> = context
                .iter()
                .enumerate()
                .filter_map(|(index, errors)| {
                    errors
                        .first()
                        .map(|first| format!("{index}: {}", describe(first)))
                })
                .collect();
            format!("{base} ({})", branches.join("; "))
        }
        _ => base,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}
