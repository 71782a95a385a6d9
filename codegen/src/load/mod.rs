//! The one loader of the project: OpenAPI text (YAML or JSON) → a checked document.
//!
//! Everything downstream (code generation, the mock server, the conformance suite) reads specs
//! through [`load`], so they all see the same document, with the same `$ref` resolution and the
//! same errors.

mod downgrade;
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

/// Which OpenAPI version a document is written in. The schema dialect follows from it: OpenAPI
/// 3.0's Schema Object (`nullable`, boolean `exclusiveMinimum`, one `example`) or, from 3.1, JSON
/// Schema 2020-12 (`type` lists, `const`, `examples`, `$defs`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenApiVersion {
    V3_0,
    V3_1,
}

impl OpenApiVersion {
    /// The version a loaded document declares (3.0 for anything [`load`] accepts that does not
    /// say 3.1).
    #[must_use]
    pub fn of(document: &Value) -> Self {
        match document.get("openapi").and_then(Value::as_str) {
            Some(version) if is_3_1(version) => Self::V3_1,
            _ => Self::V3_0,
        }
    }

    /// Whether schemas are JSON Schema 2020-12 rather than OpenAPI 3.0 Schema Objects.
    #[must_use]
    pub fn json_schema_dialect(self) -> bool {
        self == Self::V3_1
    }
}

fn is_3_1(version: &str) -> bool {
    version.starts_with("3.1.") || version == "3.1"
}

/// A spec that parsed, is OpenAPI 3.0 or 3.1, and deserialized into [`openapiv3::OpenAPI`] (a 3.1
/// document in its [3.0 form](LoadedSpec::as_3_0)).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The name the caller gave the source (usually its path); used in every message.
    pub source: String,
    /// The document as JSON, kept for JSON-pointer lookups and `$ref` resolution.
    pub raw: Value,
    /// The typed view of the same document (of a 3.1 document, its schemas written the 3.0 way
    /// where the two differ, which is all `openapiv3` can hold: read `raw` for what they say).
    pub openapi: openapiv3::OpenAPI,
    /// What the loader noticed but tolerated, each with the JSON pointer it concerns.
    pub warnings: Vec<Warning>,
    /// A 3.1 document with its schemas written as OpenAPI 3.0 Schema Objects.
    pub(crate) as_3_0: Option<Value>,
}

impl LoadedSpec {
    /// The JSON value at `pointer` (RFC 6901), if any.
    #[must_use]
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.raw.pointer(pointer)
    }

    /// The OpenAPI version the document is written in.
    #[must_use]
    pub fn version(&self) -> OpenApiVersion {
        OpenApiVersion::of(&self.raw)
    }

    /// The document with its schemas as OpenAPI 3.0 Schema Objects, the form Rust types and
    /// made-up values are read from: `raw` itself for a 3.0 document; for a 3.1 document, its
    /// JSON Schema 2020-12 rewritten where the two differ, at the same pointers (what could not
    /// be said is among the [warnings](LoadedSpec::warnings)). Validation reads `raw`.
    #[must_use]
    pub fn as_3_0(&self) -> &Value {
        self.as_3_0.as_ref().unwrap_or(&self.raw)
    }
}

/// Loads an OpenAPI 3.0 or 3.1 document from its text. `source` names it in messages (a path, say).
///
/// YAML is a superset of JSON, so both are read by the YAML parser; syntax errors carry line and
/// column. A document that parses but has the wrong shape yields the JSON pointer of the offending
/// value.
pub fn load(source: &str, text: &str) -> Result<LoadedSpec, LoadError> {
    let (raw, mut warnings) = parse_document(source, text)?;
    let as_3_0 = as_3_0(&raw, &mut warnings);
    let openapi = check_shape(source, as_3_0.as_ref().unwrap_or(&raw))?;
    Ok(LoadedSpec {
        source: source.to_owned(),
        raw,
        openapi,
        warnings,
        as_3_0,
    })
}

/// The [3.0 form](LoadedSpec::as_3_0) of a 3.1 document, its warnings added to `warnings`; `None`
/// for a 3.0 document, which is its own.
pub(crate) fn as_3_0(raw: &Value, warnings: &mut Vec<Warning>) -> Option<Value> {
    if !OpenApiVersion::of(raw).json_schema_dialect() {
        return None;
    }
    let (downgraded, lost) = downgrade::downgrade(raw);
    warnings.extend(lost);
    Some(downgraded)
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
        Some(Value::String(version))
            if version.starts_with("3.0.") || version == "3.0" || is_3_1(version) =>
        {
            Ok(())
        }
        Some(Value::String(version)) => Err(shape(
            "/openapi",
            format!("OpenAPI {version} is not supported; this tool reads OpenAPI 3.0.x and 3.1.x"),
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
