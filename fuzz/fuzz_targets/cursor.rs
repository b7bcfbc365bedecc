#![no_main]
//! `cargo fuzz run cursor`: see contactkit_fuzz::core_targets::cursor.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::cursor(data));
