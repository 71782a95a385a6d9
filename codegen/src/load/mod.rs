//! The one loader of the project: OpenAPI text (YAML or JSON) → a checked document.
//!
//! Everything downstream (code generation, the mock server, the conformance suite) reads specs
//! through [`load`], so they all see the same document, with the same `$ref` resolution and the
//! same errors.

mod error;
mod narrow;
mod normalize;
mod pointer;
mod refs;
mod typed;
mod yaml;

pub use error::{LoadError, Warning};
pub use pointer::{escape_token, JsonPointer};
pub use refs::{follow, local_ref_target, resolve, unresolved_refs, ResolveError, UnresolvedRef};

use serde::Deserialize as _;
use serde_json::Value;

/// A spec that parsed, is OpenAPI 3.0, and deserialized into [`openapiv3::OpenAPI`].
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The name the caller gave the source (usually its path); used in every message.
    pub source: String,
    /// The document as JSON, kept for JSON-pointer lookups and `$ref` resolution.
    pub raw: Value,
    /// The typed view of the same document.
    pub openapi: openapiv3::OpenAPI,
    /// What the loader noticed but tolerated, each with the JSON pointer it concerns.
    pub warnings: Vec<Warning>,
}

impl LoadedSpec {
    /// The JSON value at `pointer` (RFC 6901), if any.
    #[must_use]
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.raw.pointer(pointer)
    }
}

/// Loads an OpenAPI 3.0 document from its text. `source` names it in messages (a path, say).
///
/// YAML is a superset of JSON, so both are read by the YAML parser; syntax errors carry line and
/// column. A document that parses but has the wrong shape yields the JSON pointer of the offending
/// value.
pub fn load(source: &str, text: &str) -> Result<LoadedSpec, LoadError> {
    let (raw, warnings) = parse_document(source, text)?;
    let openapi = check_shape(source, &raw)?;
    Ok(LoadedSpec {
        source: source.to_owned(),
        raw,
        openapi,
        warnings,
    })
}

/// The document as JSON, its version checked and its repairs made, with their warnings: the
/// first half of [`load`].
pub(crate) fn parse_document(source: &str, text: &str) -> Result<(Value, Vec<Warning>), LoadError> {
    let (mut raw, mut warnings) = yaml::parse(text).map_err(|err| LoadError::Syntax {
        source_name: source.to_owned(),
        line: err.line,
        column: err.column,
        message: err.message,
    })?;
    check_version(source, &raw)?;
    warnings.extend(normalize::normalize(&mut raw));
    Ok((raw, warnings))
}

/// The typed view of a parsed document, or the JSON pointer of the value of the wrong shape:
/// the second half of [`load`]. References the view cannot hold (an operation's callback given
/// as a `$ref`, a path item `$ref` inside a callback) are inlined first ([`typed`]); a shape
/// error inside one names its place as seen through the reference.
pub(crate) fn check_shape(source: &str, raw: &Value) -> Result<openapiv3::OpenAPI, LoadError> {
    let view = typed::view_input(raw);
    let raw: &Value = &view;
    // Most documents have the right shape: check it without tracking the path first (the
    // faster way), and only for a wrong one again with the path, to say where.
    match openapiv3::OpenAPI::deserialize(raw) {
        Ok(openapi) => Ok(openapi),
        Err(_) => serde_path_to_error::deserialize(raw),
    }
    .map_err(|err| {
        let found = narrow::narrow(
            raw,
            narrow::ShapeError {
                pointer: JsonPointer::from_serde_path(err.path()),
                message: err.into_inner().to_string(),
            },
        );
        LoadError::Shape {
            source_name: source.to_owned(),
            pointer: found.pointer.to_string(),
            message: found.message,
        }
    })
}

fn check_version(source: &str, raw: &Value) -> Result<(), LoadError> {
    let shape = |pointer: &str, message: String| LoadError::Shape {
        source_name: source.to_owned(),
        pointer: pointer.to_owned(),
        message,
    };
    if !raw.is_object() {
        return Err(shape(
            "",
            "an OpenAPI document is a mapping at the top level".into(),
        ));
    }
    match raw.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") || version == "3.0" => Ok(()),
        Some(Value::String(version)) => Err(shape(
            "/openapi",
            format!("OpenAPI {version} is not supported; this tool reads OpenAPI 3.0.x"),
        )),
        Some(other) => Err(shape(
            "/openapi",
            format!("expected the version as a string such as \"3.0.3\", found {other}"),
        )),
        None if raw.get("swagger").is_some() => Err(shape(
            "/swagger",
            "Swagger 2.0 is not supported; convert the document to OpenAPI 3.0 first".into(),
        )),
        None => Err(shape("", "missing the `openapi` version field".into())),
    }
}

#[cfg(test)]
mod tests;
