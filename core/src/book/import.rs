//! Bulk import: streams any number of rows through batched units of work, with a
//! progress callback and a per-row report.

use super::profile::Outcome;
use super::ContactBook;
use crate::model::{ContactInput, DedupeOn, ImportReport, RejectedRow, Source};
use crate::{Error, Result};

/// Rows written per unit of work: large enough to amortise a commit, small enough
/// that only one batch of input is held in memory at a time.
const BATCH_ROWS: usize = 1000;

/// A row an import accepts: a ready [`ContactInput`], or the error a caller hit while
/// reading or converting the row (it is reported as rejected, with its index).
pub trait IntoImportRow {
    /// The row's input, or why it could not be read.
    fn into_import_row(self) -> Result<ContactInput>;
}

impl IntoImportRow for ContactInput {
    fn into_import_row(self) -> Result<ContactInput> {
        Ok(self)
    }
}

impl IntoImportRow for Result<ContactInput> {
    fn into_import_row(self) -> Result<ContactInput> {
        self
    }
}

impl ContactBook {
    /// Upserts every row, matched by `dedupe_on`, and reports what happened to each.
    ///
    /// Rows are read lazily and written in batches of 1000, each batch one unit of
    /// work; `progress` is called with the number of rows done after every batch. A
    /// rejected row (bad value, conflict) writes nothing and the import goes on. A
    /// storage failure stops the import with an error: batches already reported
    /// through `progress` are kept, the failing batch is rolled back.
    pub fn import_contacts<I>(
        &self,
        rows: I,
        dedupe_on: DedupeOn,
        mut progress: impl FnMut(u64),
    ) -> Result<ImportReport>
    where
        I: IntoIterator,
        I::Item: IntoImportRow,
    {
        let mut rows = rows.into_iter().enumerate().peekable();
        let mut report = ImportReport::default();
        let mut done = 0u64;
        while rows.peek().is_some() {
            let batch: Vec<(usize, I::Item)> = rows.by_ref().take(BATCH_ROWS).collect();
            let batch_len = batch.len() as u64;
            let batch_report = self.atomic(|unit| {
                let mut batch_report = ImportReport::default();
                for (index, row) in batch {
                    // A row the caller could not read is rejected like a bad value;
                    // only a failure of the store itself stops the import.
                    let outcome = match row.into_import_row() {
                        Ok(input) => {
                            let source = input.source.unwrap_or(Source::Import);
                            match unit.upsert(input, dedupe_on, source) {
                                Err(e @ Error::Storage { .. }) => return Err(e),
                                other => other,
                            }
                        }
                        Err(e) => Err(e),
                    };
                    match outcome {
                        Ok((_, Outcome::Created)) => batch_report.created += 1,
                        Ok((_, Outcome::Updated)) => batch_report.updated += 1,
                        Err(e) => batch_report.rejected.push(RejectedRow {
                            index: index as u64,
                            field: e.field().map(str::to_string),
                            reason: e.to_string(),
                        }),
                    }
                }
                Ok(batch_report)
            })?;
            report.created += batch_report.created;
            report.updated += batch_report.updated;
            report.rejected.extend(batch_report.rejected);
            done += batch_len;
            progress(done);
        }
        Ok(report)
    }
}
