#![no_main]
//! `cargo fuzz run event_params`: see contactkit_fuzz::core_targets::event_params.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::core_targets::event_params(data));
