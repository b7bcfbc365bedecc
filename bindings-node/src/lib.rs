//! Node.js binding of ContactKit: the npm package `contactkit`.
//!
//! This crate only converts: JavaScript values in (camelCase keys, `Date`s, decimal
//! strings) to the core's input types, the core's answers out as plain objects, and
//! the core's errors to `Error`s with a `code`. Every operation is a method of
//! [`book::ContactBook`], which calls `contactkit::ContactBook`; logic stays in the core.
//!
//! - [`names`]: the snake_case ↔ camelCase rules (one place).
//! - [`convert`]: JavaScript values ↔ the serde forms of the core's types.
//! - [`errors`]: core errors → thrown `Error`s with `code` and `field`.
//! - [`import`]: `importContacts` on the libuv thread pool.

pub mod book;
pub mod convert;
pub mod errors;
pub mod import;
pub mod names;

use napi_derive::napi;

/// Panics on purpose, so the tests can prove that a Rust panic reaches JavaScript
/// as a thrown `Error` instead of aborting the process.
#[napi(js_name = "_panicForTest", catch_unwind)]
pub fn panic_for_test() {
    panic!("deliberate panic for the panic-guard test");
}
