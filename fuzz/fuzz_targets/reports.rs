//! Fuzz target `reports`: see scrutin::fuzzing::reports.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::reports(data);
});
