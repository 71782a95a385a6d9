//! What fuzzing drives, shared by the cargo-fuzz targets under `fuzz/fuzz_targets/` (coverage
//! guided, nightly) and by `cargo xtask fuzz`, the bounded deterministic pass CI runs: the same
//! entry points, fed specs that [`mutate`] makes from real ones.
//!
//! An entry point may return errors (bad input is expected); it must not panic or hang.

mod mutate;
mod pass;

pub use mutate::mutate;
pub use pass::{bounded_pass, run_case, PassReport, Slow, SLOW};

use serde_json::Value;

/// Text → `codegen::load`, and on success the one reading of the loaded document.
pub fn load(text: &str) -> Option<codegen::LoadedSpec> {
    let loaded = codegen::load("fuzz.yaml", text).ok()?;
    let _ = codegen::api::Api::read(&loaded.raw);
    Some(loaded)
}

/// A document → load (as JSON text) → generate.
pub fn generate(spec: &Value) {
    let Some(loaded) = load(&spec.to_string()) else {
        return;
    };
    let options = codegen::GenerateOptions {
        header: "// fuzz".to_owned(),
    };
    let _ = codegen::generate(&loaded, &options);
}

/// A document whose `components/schemas` hold schemas → each compiled by the suite's validator
/// and run on `instance` (and on the schema's own examples, as the suite does).
pub fn validate(spec: &Value, instance: &Value) {
    use conformance::schema::{Direction, SchemaValidator};
    let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") else {
        return;
    };
    for name in schemas.keys() {
        let at = format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        for direction in [Direction::Request, Direction::Response] {
            if let Ok(validator) = SchemaValidator::new(spec, &at, direction) {
                let _ = validator.validate(instance);
            }
        }
    }
}
