//! `uniffi-bindgen`: uniffi's own command line, built at the workspace's uniffi version.
//!
//! ```text
//! cargo run -p uniffi-bindgen -- generate --library target/debug/libcontactkit_mobile.so \
//!     --language kotlin --out-dir target/kotlin --config bindings-mobile/uniffi.toml
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
