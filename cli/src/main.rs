//! The `contactkit` binary; everything is in the library (`src/lib.rs`).

fn main() {
    contactkit_cli::main()
}
