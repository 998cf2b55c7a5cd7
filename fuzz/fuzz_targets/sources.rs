//! Fuzz target `sources`: see scrutin::fuzzing::sources.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::sources(data);
});
