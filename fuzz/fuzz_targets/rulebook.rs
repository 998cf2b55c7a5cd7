//! Fuzz target `rulebook`: see scrutin::fuzzing::rulebook.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::rulebook(data);
});
