#![no_main]
//! `cargo fuzz run web_push_keys`: see contactkit_fuzz::core_targets::web_push_keys.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::web_push_keys(data));
