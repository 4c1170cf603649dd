#![no_main]
//! Fuzz target: handover::fuzzing::own_csv (see fuzz/README.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    handover::fuzzing::own_csv(data);
});
