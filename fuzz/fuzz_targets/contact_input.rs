#![no_main]
//! `cargo fuzz run contact_input`: see contactkit_fuzz::contact_input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::contact_input(data));
