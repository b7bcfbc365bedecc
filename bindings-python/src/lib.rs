//! Python binding of ContactKit: the extension module `contactkit._native`, which the
//! Python package `contactkit` re-exports.
//!
//! The crate only converts: Python values in (`de` for dicts and values, `args` for
//! plain arguments), Python values out (`convert`, `records`), errors and panics to
//! exceptions (`errors`), and a lazy row iterator for imports (`import`). Every rule lives in the `contactkit` core crate.

use pyo3::prelude::*;

mod args;
mod book;
mod convert;
mod errors;
mod import;
mod plain;
mod read;
mod records;

/// Panics inside the binding's guarded boundary, to test that a Rust panic surfaces
/// as `ContactKitError` (not `PanicException`, which `except Exception` misses).
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    errors::detached(py, || -> contactkit::Result<()> {
        panic!("deliberate panic for the test suite")
    })
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(module)?;
    records::register(module)?;
    module.add_class::<book::ContactBook>()?;
    module.add_class::<book::ManualClock>()?;
    module.add_function(wrap_pyfunction!(book::_in_memory_with_clock, module)?)?;
    module.add_function(wrap_pyfunction!(_panic_for_test, module)?)?;
    Ok(())
}
