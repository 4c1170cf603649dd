#![no_main]
//! Fuzz target: handover::fuzzing::zip_stream (see fuzz/README.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    handover::fuzzing::zip_stream(data);
});
