#![no_main]
//! `cargo fuzz run event_params`: see contactkit_fuzz::event_params.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::event_params(data));
