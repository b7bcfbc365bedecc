#![no_main]
//! `cargo fuzz run contact_input`: see contactkit_fuzz::core_targets::contact_input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::contact_input(data));
