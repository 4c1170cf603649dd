#![no_main]
//! Fuzz target: handover::fuzzing::hostile_bag (see fuzz/README.md).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = handover::fuzzing::hostile_bag(data);
});
