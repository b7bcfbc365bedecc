//! Node.js binding of ContactKit: the npm package `contactkit`.
//!
//! This crate only converts: JavaScript values in (camelCase keys, `Date`s, decimal
//! strings) to the core's input types, the core's answers out as plain objects, and
//! the core's errors to `Error`s with a `code`. Every operation is a method of
//! [`book::ContactBook`], which calls `contactkit::ContactBook`, and of
//! [`book::ContactBookPromises`] (`book.promises`), its Promise form on the libuv thread
//! pool, both written from one declaration; logic stays in the core.
//!
//! - [`names`]: the snake_case ↔ camelCase rules (one place).
//! - [`args`]: the typed arguments of the methods, named as their TypeScript types.
//! - [`read`]: JavaScript values → the serde forms of the core's types, bounded.
//! - [`write`]: the core's answers → JavaScript values, named as their TypeScript types.
//! - [`errors`]: core errors and panics → thrown `Error`s with `code`; the guard.
//! - [`import`]: `importContacts` on the libuv thread pool.

// `import` comes first, apart: napi-derive learns the promise type of
// `importContacts` from its `#[napi] impl Task`, in the order modules are expanded.
pub mod import;

pub mod args;
pub mod book;
pub mod errors;
pub mod names;
pub mod read;
pub mod write;
