//! `to_arrow()`: the core's Arrow table handed to pyarrow (or polars, or any reader of
//! the Arrow PyCapsule interface) through the Arrow C stream interface, without a copy
//! and without linking against pyarrow.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use std::sync::Mutex;

/// A table to be read once through `__arrow_c_stream__`.
#[pyclass(module = "contactkit", frozen)]
pub struct ArrowStream {
    batch: Mutex<Option<RecordBatch>>,
}

impl ArrowStream {
    pub fn new(batch: RecordBatch) -> Self {
        ArrowStream {
            batch: Mutex::new(Some(batch)),
        }
    }
}

#[pymethods]
impl ArrowStream {
    /// The table as an `arrow_array_stream` capsule (the Arrow PyCapsule interface).
    /// A requested schema is not honoured: the table has one schema.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batch = self
            .batch
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| PyValueError::new_err("this Arrow stream was read already"))?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new([Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        // The capsule holds the stream itself: pyarrow moves it out and marks it
        // released, and one never read is released when the capsule is dropped.
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}
