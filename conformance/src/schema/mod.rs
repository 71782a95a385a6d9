//! Schema validation with errors that point into the spec, for OpenAPI 3.0 and 3.1 documents.
//!
//! OpenAPI 3.0 schemas are almost JSON Schema, but not quite: `nullable`, boolean
//! `exclusiveMinimum`/`exclusiveMaximum`, `readOnly`/`writeOnly` changing what `required` means,
//! and `$ref` siblings being ignored. OpenAPI 3.1 schemas are JSON Schema 2020-12, with OpenAPI's
//! own additions (`discriminator`, `readOnly`/`writeOnly` by direction). `translate` turns a
//! schema and everything it references into one JSON Schema 2020-12 document, in the dialect the
//! document's `openapi` version says, which the `jsonschema` crate compiles; `validator` maps
//! each error back to the JSON pointer of the keyword in the original spec.

mod translate;
mod validator;

pub(crate) use translate::{discriminator_property, discriminator_values};
pub use validator::{SchemaError, SchemaValidator, Violation};

/// Which way a message travels, which decides what `readOnly` and `writeOnly` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server: `readOnly` properties are not required.
    Request,
    /// Server to client: `writeOnly` properties are not required.
    Response,
}

#[cfg(test)]
mod tests;
