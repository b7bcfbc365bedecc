#![no_main]
//! `cargo fuzz run email`: see contactkit_fuzz::email.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::email(data));
