//! Python binding of ContactKit: the extension module `contactkit._native`, which the
//! Python package `contactkit` re-exports.
//!
//! The crate only converts: Python values in (`json` walks dicts and values, `read`
//! reads the core types from them; `args` plain arguments), Python values out
//! (`convert`, `records`), errors and panics to exceptions (`errors`), and a lazy row
//! iterator for imports (`import`). Every rule lives in the `contactkit` core crate.

use pyo3::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod args;
mod arrow;
mod book;
mod convert;
mod errors;
mod import;
mod json;
mod read;
mod records;

/// Test-only: core's `schema::properties()`, each record type's keys by its Rust name,
/// for the test that checks the hand-written stub against them
/// (`tests/test_stub_records.py`). Private, and in no stub or doc.
#[pyfunction]
fn _schema_properties() -> BTreeMap<&'static str, BTreeSet<String>> {
    contactkit::schema::properties()
}

/// Test-only: core's `schema::values()`, each string enumeration's strings by its Rust
/// name, for the same test. Private, and in no stub or doc.
#[pyfunction]
fn _schema_values() -> BTreeMap<&'static str, BTreeSet<String>> {
    contactkit::schema::values()
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(module)?;
    records::register(module)?;
    module.add_class::<book::ContactBook>()?;
    module.add_class::<book::ManualClock>()?;
    module.add_function(wrap_pyfunction!(book::_in_memory_with_clock, module)?)?;
    module.add_function(wrap_pyfunction!(book::_connect_with_clock, module)?)?;
    module.add_function(wrap_pyfunction!(book::_panicking_book, module)?)?;
    module.add_function(wrap_pyfunction!(_schema_properties, module)?)?;
    module.add_function(wrap_pyfunction!(_schema_values, module)?)?;
    Ok(())
}
