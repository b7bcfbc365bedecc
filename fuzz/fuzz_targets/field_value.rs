#![no_main]
//! `cargo fuzz run field_value`: see contactkit_fuzz::field_value.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::field_value(data));
