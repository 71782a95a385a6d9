//! Checks a live or mock server against an OpenAPI 3.0 or 3.1 spec.
//!
//! [`schema`] is the project's one answer to "does this JSON match this schema" under OpenAPI 3.0
//! or 3.1 semantics; the mock server and every check use it. [`examples`] finds every example a spec
//! carries, with the schema it must match; [`soundness`] checks a spec is consistent;
//! [`synth`] makes up values from schemas; [`contract`] is a spec's one reading
//! ([`codegen::api`]) with what checking values against it needs; [`wire`] reads requests back
//! by the rules the runtime writes them with; [`event_stream`] reads and writes server-sent
//! events; [`http`] holds a request and a response as they
//! travel; [`mock`] is the embedded mock server; [`suite`] checks a server against its spec.

pub mod contract;
pub mod event_stream;
pub mod examples;
pub mod http;
pub mod mock;
pub mod schema;
pub mod soundness;
pub mod suite;
pub mod synth;
pub mod wire;

/// A spec written as JSON, through the one loader, for unit tests.
#[cfg(test)]
pub(crate) fn loaded(spec: &serde_json::Value) -> codegen::LoadedSpec {
    codegen::load("test.json", &spec.to_string()).expect("the test spec loads")
}
