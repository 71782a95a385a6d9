//! Text → `codegen::load` and the one reading: any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzz_harness::load(text);
    }
});
