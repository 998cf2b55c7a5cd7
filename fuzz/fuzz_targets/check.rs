//! Fuzz target `check`: see scrutin::fuzzing::check.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::check(data);
});
