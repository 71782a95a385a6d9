//! Finds where a shape error really is.
//!
//! `openapiv3` models `$ref`-or-value and schema kinds as untagged enums, and serde reports a
//! failure inside one of those at the enum, not at the offending value: a bad response
//! description is reported at `/paths`. Knowing which OpenAPI object stands at which pointer, we
//! deserialize ever smaller parts of the document until the error cannot move any deeper.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::pointer::JsonPointer;

/// A shape error: where, and what serde said there.
pub(crate) struct ShapeError {
    pub pointer: JsonPointer,
    pub message: String,
}

/// Moves `error` as deep into `document` as the OpenAPI structure allows.
pub(crate) fn narrow(document: &Value, mut error: ShapeError) -> ShapeError {
    // Every step moves the pointer strictly deeper, so this ends; the bound is belt and braces.
    for _ in 0..256 {
        match deeper(document, &error.pointer) {
            Some(next) if next.pointer.tokens().len() > error.pointer.tokens().len() => {
                error = next
            }
            Some(next) if next.pointer == error.pointer => {
                error.message = next.message;
                break;
            }
            _ => break,
        }
    }
    error
}

/// A failure at or below `at`, found by deserializing the object at `at` (if its kind is known)
/// or each of its children of known kind.
fn deeper(document: &Value, at: &JsonPointer) -> Option<ShapeError> {
    let value = at.resolve(document)?;
    let Some(kind) = Kind::at(at.tokens()) else {
        return failing_child(value, at);
    };
    let error = kind.check(value).err()?;
    if error.pointer.tokens().is_empty() {
        // The object is wrong as a whole (an untagged enum matched no variant); one of its
        // children may still be the real culprit.
        return failing_child(value, at).or(Some(ShapeError {
            pointer: at.clone(),
            message: error.message,
        }));
    }
    Some(ShapeError {
        pointer: at.append(&error.pointer),
        message: error.message,
    })
}

/// The first failing object of known kind below `at`, looking through containers such as
/// `properties` or `responses` that are maps of objects rather than objects themselves.
fn failing_child(value: &Value, at: &JsonPointer) -> Option<ShapeError> {
    const CONTAINER_DEPTH: usize = 2;
    failing_descendant(value, at, CONTAINER_DEPTH)
}

fn failing_descendant(value: &Value, at: &JsonPointer, depth: usize) -> Option<ShapeError> {
    children(value).find_map(|(token, child)| {
        let child_at = at.join(token);
        match Kind::at(child_at.tokens()) {
            Some(kind) => {
                let error = kind.check(child).err()?;
                Some(ShapeError {
                    pointer: child_at.append(&error.pointer),
                    message: error.message,
                })
            }
            None if depth > 0 => failing_descendant(child, &child_at, depth - 1),
            None => None,
        }
    })
}

fn children(value: &Value) -> Box<dyn Iterator<Item = (String, &Value)> + '_> {
    match value {
        Value::Object(map) => Box::new(map.iter().map(|(key, child)| (key.clone(), child))),
        Value::Array(items) => Box::new(
            items
                .iter()
                .enumerate()
                .map(|(index, child)| (index.to_string(), child)),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Schema,
    Example,
    SecurityScheme,
    Link,
    Callback,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Kind {
    /// The OpenAPI object that stands at `tokens` (from the document root), if it is one of ours.
    fn at(tokens: &[String]) -> Option<Kind> {
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        match tokens.as_slice() {
            ["paths", _, rest @ ..] => Self::in_path_item(rest),
            ["components", section, _, rest @ ..] => match *section {
                "schemas" => Self::in_schema(rest),
                "responses" => Self::in_response(rest),
                "parameters" => Self::in_parameter(rest),
                "requestBodies" => Self::in_request_body(rest),
                "headers" => Self::in_header(rest),
                "examples" if rest.is_empty() => Some(Kind::Example),
                "securitySchemes" if rest.is_empty() => Some(Kind::SecurityScheme),
                "links" if rest.is_empty() => Some(Kind::Link),
                "callbacks" => Self::in_callback(rest),
                _ => None,
            },
            _ => None,
        }
    }

    fn in_path_item(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::PathItem),
            ["parameters", _, rest @ ..] => Self::in_parameter(rest),
            [method, rest @ ..] if METHODS.contains(method) => Self::in_operation(rest),
            _ => None,
        }
    }

    fn in_operation(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Operation),
            ["parameters", _, rest @ ..] => Self::in_parameter(rest),
            ["requestBody", rest @ ..] => Self::in_request_body(rest),
            ["responses", _, rest @ ..] => Self::in_response(rest),
            ["callbacks", _, rest @ ..] => Self::in_callback(rest),
            _ => None,
        }
    }

    fn in_callback(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Callback),
            [_, rest @ ..] => Self::in_path_item(rest),
        }
    }

    fn in_parameter(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Parameter),
            ["schema", rest @ ..] => Self::in_schema(rest),
            ["content", _, rest @ ..] => Self::in_media_type(rest),
            ["examples", _] => Some(Kind::Example),
            _ => None,
        }
    }

    fn in_request_body(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::RequestBody),
            ["content", _, rest @ ..] => Self::in_media_type(rest),
            _ => None,
        }
    }

    fn in_response(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Response),
            ["headers", _, rest @ ..] => Self::in_header(rest),
            ["content", _, rest @ ..] => Self::in_media_type(rest),
            ["links", _] => Some(Kind::Link),
            _ => None,
        }
    }

    fn in_media_type(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::MediaType),
            ["schema", rest @ ..] => Self::in_schema(rest),
            ["examples", _] => Some(Kind::Example),
            _ => None,
        }
    }

    fn in_header(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Header),
            ["schema", rest @ ..] => Self::in_schema(rest),
            ["examples", _] => Some(Kind::Example),
            _ => None,
        }
    }

    fn in_schema(rest: &[&str]) -> Option<Kind> {
        match rest {
            [] => Some(Kind::Schema),
            ["properties", _, rest @ ..]
            | ["allOf" | "oneOf" | "anyOf", _, rest @ ..]
            | ["items" | "additionalProperties" | "not", rest @ ..] => Self::in_schema(rest),
            _ => None,
        }
    }

    fn check(self, value: &Value) -> Result<(), ShapeError> {
        use openapiv3 as oa;
        // A `$ref` object is accepted here; its target is checked where it stands.
        if value.get("$ref").is_some() {
            return Ok(());
        }
        match self {
            Kind::PathItem => parse::<oa::PathItem>(value),
            Kind::Operation => parse::<oa::Operation>(value),
            Kind::Parameter => parse::<oa::Parameter>(value),
            Kind::RequestBody => parse::<oa::RequestBody>(value),
            Kind::Response => parse::<oa::Response>(value),
            Kind::MediaType => parse::<oa::MediaType>(value),
            Kind::Header => parse::<oa::Header>(value),
            Kind::Schema => parse::<oa::Schema>(value).or_else(|whole| {
                // The kind-specific keywords sit behind a flattened untagged enum; parsing the
                // object as its declared type finds the keyword that is wrong.
                let by_type = match value.get("type").and_then(Value::as_str) {
                    Some("string") => parse::<oa::StringType>(value),
                    Some("number") => parse::<oa::NumberType>(value),
                    Some("integer") => parse::<oa::IntegerType>(value),
                    Some("object") => parse::<oa::ObjectType>(value),
                    Some("array") => parse::<oa::ArrayType>(value),
                    _ => Ok(()),
                };
                by_type.and(parse::<oa::SchemaData>(value)).and(Err(whole))
            }),
            Kind::Example => parse::<oa::Example>(value),
            Kind::SecurityScheme => parse::<oa::SecurityScheme>(value),
            Kind::Link => parse::<oa::Link>(value),
            Kind::Callback => parse::<oa::Callback>(value),
        }
    }
}

fn parse<T: DeserializeOwned>(value: &Value) -> Result<(), ShapeError> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(|_| ())
        .map_err(|error| ShapeError {
            pointer: JsonPointer::from_serde_path(error.path()),
            message: error.into_inner().to_string(),
        })
}
