#![no_main]
//! Fuzz target: handover::fuzzing::xlsx (see fuzz/README.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    handover::fuzzing::xlsx(data);
});
