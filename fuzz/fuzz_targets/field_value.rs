#![no_main]
//! `cargo fuzz run field_value`: see contactkit_fuzz::core_targets::field_value.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::field_value(data));
