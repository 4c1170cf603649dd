#![no_main]
//! Fuzz target: handover::fuzzing::key_file (see fuzz/README.md).

libfuzzer_sys::fuzz_target!(init: {
    // SAFETY: set before any other thread exists; a protected key is then tried with this
    // passphrase instead of a prompt.
    unsafe { std::env::set_var("HANDOVER_PASSPHRASE", "fuzz-passphrase") };
}, |data: &[u8]| {
    handover::fuzzing::key_file(data);
});
