#![no_main]
//! `cargo fuzz run phone`: see contactkit_fuzz::core_targets::phone.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::phone(data));
