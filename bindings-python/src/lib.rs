//! Python binding of ContactKit: the extension module `contactkit._native`, which the
//! Python package `contactkit` re-exports.
//!
//! The crate only converts: Python values in (`json` walks dicts and values, `read`
//! reads the core types from them; `args` plain arguments), Python values out
//! (`convert`, `records`), errors and panics to exceptions (`errors`), and a lazy row
//! iterator for imports (`import`). Every rule lives in the `contactkit` core crate.

use pyo3::prelude::*;

mod args;
mod book;
mod convert;
mod errors;
mod import;
mod json;
mod read;
mod records;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(module)?;
    records::register(module)?;
    module.add_class::<book::ContactBook>()?;
    module.add_class::<book::ManualClock>()?;
    module.add_function(wrap_pyfunction!(book::_in_memory_with_clock, module)?)?;
    module.add_function(wrap_pyfunction!(book::_panicking_book, module)?)?;
    Ok(())
}
