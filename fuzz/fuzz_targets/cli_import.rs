#![no_main]
//! `cargo fuzz run cli_import`: see contactkit_fuzz::cli_targets::cli_import.

libfuzzer_sys::fuzz_target!(|data: &[u8]| contactkit_fuzz::cli_targets::cli_import(data));
