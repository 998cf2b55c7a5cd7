//! Fuzz target `log_line`: see scrutin::fuzzing::log_line.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrutin::fuzzing::log_line(data);
});
