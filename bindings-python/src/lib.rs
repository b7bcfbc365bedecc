//! Python binding of ContactKit: the extension module `contactkit._native`, which the
//! Python package `contactkit` re-exports.
//!
//! The crate only converts: Python values in (`json` walks dicts and values, `read`
//! reads the core types from them; `args` plain arguments), Python values out
//! (`convert`, `records`), errors and panics to exceptions (`errors`), and a lazy row
//! iterator for imports (`import`). Every rule lives in the `contactkit` core crate.

use contactkit::LineKind;
use pyo3::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod args;
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
///
/// A type the binding shows that core's schema does not list (yet) is added with the
/// keys of its serde form: `Restored`, what `restore_line` returns. Once core lists
/// it, core's keys are used.
#[pyfunction]
fn _schema_properties() -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut properties = contactkit::schema::properties();
    properties.entry("Restored").or_insert_with(|| {
        serde_keys(&contactkit::Restored {
            kind: LineKind::Profile,
            contact_id: None,
            created: false,
        })
    });
    properties
}

/// Test-only: core's `schema::values()`, each string enumeration's strings by its Rust
/// name, for the same test. Private, and in no stub or doc. `LineKind` (in `Restored`)
/// is added by its serde names while core's schema does not list it.
#[pyfunction]
fn _schema_values() -> BTreeMap<&'static str, BTreeSet<String>> {
    let mut values = contactkit::schema::values();
    values.entry("LineKind").or_insert_with(|| {
        [LineKind::Catalog, LineKind::Profile]
            .into_iter()
            .map(|kind| {
                // Every variant is listed above: a new one fails to build here.
                match kind {
                    LineKind::Catalog | LineKind::Profile => {}
                }
                serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect()
    });
    values
}

/// The keys of `value`'s serde JSON form (an object).
fn serde_keys(value: &impl serde::Serialize) -> BTreeSet<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => BTreeSet::new(),
    }
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
