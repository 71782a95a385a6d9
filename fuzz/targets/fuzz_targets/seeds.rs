//! Real specs the structure-aware targets mutate (committed in the repository).

use std::sync::OnceLock;

use serde_json::Value;

const TEXTS: [&str; 5] = [
    include_str!("../../../spec/kallglot.yaml"),
    include_str!("../../../spec/coaching.yaml"),
    include_str!("../../../conformance/yardstick/specs/notes.yaml"),
    include_str!("../../../conformance/yardstick/specs/library.json"),
    include_str!("../../../conformance/tests/fixtures/real/oai_petstore-expanded.yaml"),
];

/// The seed specs, loaded once.
pub fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        TEXTS
            .iter()
            .filter_map(|text| fuzz_harness::load(text).map(|loaded| loaded.raw))
            .collect()
    })
}

/// The seed the first byte picks, and the rest of the input.
pub fn pick(data: &[u8]) -> Option<(&'static Value, &[u8])> {
    let (first, rest) = data.split_first()?;
    let seeds = seeds();
    let seed = seeds.get(usize::from(*first) % seeds.len().max(1))?;
    Some((seed, rest))
}
