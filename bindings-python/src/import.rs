//! `import_contacts` over any Python iterable, read lazily.
//!
//! The core pulls rows from a Rust iterator while the interpreter is detached; this
//! iterator attaches to pull the next chunk of Python rows and walk each to the JSON
//! value core reads (`json::row_to_json`: empty cells left out); core reads the input
//! from it, leaving out and naming what it cannot read, and a row the walk refuses
//! (nested too deep, a cycle) is reported as rejected, with its index and field. Rows are pulled a chunk at a time so the
//! interpreter is re-entered once per chunk, not once per row.
//!
//! If the Python iterator raises (or a signal such as Ctrl-C arrives), the rows read
//! before it are still imported and then the iteration ends. (When `progress` raises,
//! the book's progress callback answers `Break` and the core stops by itself: see
//! `ContactBook::import_contacts`.) Either way the binding re-raises the Python
//! exception when the core returns.

use crate::read::row_from_py;
use contactkit::Result;
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Mutex;

/// Rows converted per re-entry into the interpreter.
const CHUNK: usize = 256;

/// The first Python exception raised while importing (by the input or by `progress`).
#[derive(Default)]
pub struct Failure(Mutex<Option<PyErr>>);

impl Failure {
    /// Keeps `err` unless an earlier one is kept.
    pub fn set(&self, err: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(err);
        }
    }

    /// Whether an exception was kept.
    pub fn is_set(&self) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// The kept exception, if any.
    pub fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The rows of a Python iterator as import rows.
pub struct PyRows<'a> {
    iter: &'a Py<PyIterator>,
    failure: &'a Failure,
    buffer: VecDeque<Result<Value>>,
    finished: bool,
}

impl<'a> PyRows<'a> {
    /// Rows of `iter`; a Python exception is kept in `failure`.
    pub fn new(iter: &'a Py<PyIterator>, failure: &'a Failure) -> Self {
        PyRows {
            iter,
            failure,
            buffer: VecDeque::with_capacity(CHUNK),
            finished: false,
        }
    }

    fn refill(&mut self) {
        Python::attach(|py| {
            let mut iter = self.iter.bind(py).clone();
            for _ in 0..CHUNK {
                match iter.next() {
                    None => {
                        self.finished = true;
                        return;
                    }
                    Some(Ok(row)) => self.buffer.push_back(row_from_py(&row)),
                    Some(Err(err)) => {
                        self.failure.set(err);
                        self.finished = true;
                        return;
                    }
                }
            }
            if let Err(err) = py.check_signals() {
                self.failure.set(err);
                self.finished = true;
            }
        })
    }
}

impl Iterator for PyRows<'_> {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty() && !self.finished {
            self.refill();
        }
        self.buffer.pop_front()
    }
}
