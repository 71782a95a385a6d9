//! A mutant of a real spec's schemas → the suite's validator, on an instance from the input.
#![no_main]

mod seeds;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((seed, input)) = seeds::pick(data) {
        let mutant = fuzz_harness::mutate(seed, input);
        let instance = fuzz_harness::mutate(&mutant, input.get(input.len() / 2..).unwrap_or(&[]));
        fuzz_harness::validate(&mutant, &instance);
    }
});
