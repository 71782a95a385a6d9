//! A mutant of a real spec → load → generate.
#![no_main]

mod seeds;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((seed, input)) = seeds::pick(data) {
        fuzz_harness::generate(&fuzz_harness::mutate(seed, input));
    }
});
