//! Fuzz target `anchor`: see scrutin::fuzzing::anchor.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::anchor(data);
});
