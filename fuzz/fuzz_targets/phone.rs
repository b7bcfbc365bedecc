#![no_main]
//! `cargo fuzz run phone`: see contactkit_fuzz::phone.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::phone(data));
