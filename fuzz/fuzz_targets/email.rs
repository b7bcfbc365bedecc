#![no_main]
//! `cargo fuzz run email`: see contactkit_fuzz::core_targets::email.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::email(data));
