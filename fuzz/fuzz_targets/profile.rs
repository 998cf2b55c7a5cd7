//! Fuzz target `profile`: see scrutin::fuzzing::profile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::profile(data);
});
