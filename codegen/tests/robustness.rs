//! Bad input is an error or a warning, never a panic: every fixture, mutated at many places
//! with values of the wrong kind, either fails to load with an error or generates.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use serde_json::{json, Value};

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

const JUNK: [fn() -> Value; 9] = [
    || json!(null),
    || json!(true),
    || json!(-1),
    || json!(1e300),
    || json!("#/components/schemas/Nowhere"),
    || json!([]),
    || json!({}),
    || json!({"$ref": "#/components/schemas/Nowhere"}),
    || json!({"type": "object", "properties": {"x": {"$ref": "#"}}, "allOf": [{"$ref": "#"}]}),
];

#[test]
fn mutated_specs_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut generated = 0;
    let mut refused = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let original = codegen::load("fixture", &text).expect("fixtures load").raw;
        let mut all = Vec::new();
        pointers(&original, String::new(), &mut all);
        for round in 0..40 {
            let mut mutated = original.clone();
            for _ in 0..3 {
                let pointer = &all[rng.below(all.len())];
                if let Some(slot) = mutated.pointer_mut(pointer) {
                    *slot = JUNK[rng.below(JUNK.len())]();
                }
            }
            let text = serde_json::to_string(&mutated).expect("serializable");
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                match codegen::load("mutated.json", &text) {
                    Ok(spec) => {
                        let options = codegen::GenerateOptions {
                            header: "// test".into(),
                        };
                        match codegen::generate(&spec, &options) {
                            Ok(_) => true,
                            Err(err) => panic!("generated code that does not parse: {err}"),
                        }
                    }
                    Err(err) => {
                        assert!(
                            err.to_string().starts_with("mutated.json"),
                            "an error names its source: {err}"
                        );
                        false
                    }
                }
            }));
            match outcome {
                Ok(true) => generated += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("{} round {round} panicked; spec:\n{text}", path.display()),
            }
        }
    }
    assert!(
        generated > 0 && refused > 0,
        "generated {generated}, refused {refused}"
    );
}
