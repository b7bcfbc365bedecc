//! Bulk imports: what an import is asked to do with invalid values and what it reports
//! (every problem of a row, dropped values, each row's id), and suppression lists (the
//! core's `model::import`).

use crate::contact::long;
use crate::scalars::UtcDateTime;
use contactkit as core;
use contactkit::{
    Channel, OnInvalid, ProblemCode, Result, RowProblem, SuppressionInput, SuppressionKind,
};

/// What an import does with a row holding a value the book refuses.
#[uniffi::remote(Enum)]
pub enum OnInvalid {
    /// The row is rejected whole and nothing of it is written (the default).
    RejectRow,
    /// The invalid values are dropped and the rest of the row is written; only a row
    /// whose dedupe key (or id) is at fault is rejected.
    DropField,
}

/// The kind of a [`RowProblem`], stable across releases.
#[uniffi::remote(Enum)]
pub enum ProblemCode {
    /// The value breaks a rule of its field (or could not be read as its type).
    Invalid,
    /// The value is unique and another contact holds it.
    Conflict,
    /// The value names something the book does not have (a category, a segment).
    NotFound,
}

/// One value of an import row the book refused.
#[uniffi::remote(Record)]
pub struct RowProblem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// The field at fault (`email`, `fields.birthday`, `mobile_push[1].token`), or null
    /// when the row as a whole is.
    pub field: Option<String>,
    /// The value as given (shortened past 80 characters).
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

/// A row an import rejected.
///
/// A binding record, not the core's, for `index` as a `Long` (see [`long`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RejectedRow {
    /// 0-based position in the input.
    pub index: i64,
    /// The field of the first problem, where there is one.
    pub field: Option<String>,
    /// The first problem's full error message.
    pub reason: String,
    /// Every problem found in the row, in the order the row's values are checked.
    pub problems: Vec<RowProblem>,
}

impl RejectedRow {
    fn from_core(row: core::RejectedRow) -> Result<Self> {
        Ok(RejectedRow {
            index: long(row.index)?,
            field: row.field,
            reason: row.reason,
            problems: row.problems,
        })
    }
}

/// A row an import wrote without the values it dropped (`OnInvalid.DROP_FIELD`).
///
/// A binding record, not the core's, for `index` as a `Long` (see [`long`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DroppedRow {
    /// 0-based position in the input.
    pub index: i64,
    /// The contact the row was written to.
    pub id: String,
    /// One problem per value dropped.
    pub problems: Vec<RowProblem>,
}

/// The outcome of a bulk import.
///
/// A binding record, not the core's, for its counts as `Long`s (see [`long`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReport {
    /// Rows that created a contact.
    pub created: i64,
    /// Rows that updated an existing contact.
    pub updated: i64,
    /// Rows written (created or updated) that had no value for the dedupe key: each was
    /// given an id made from its content, so the same row imported again lands on the
    /// contact it made instead of making another.
    pub without_key: i64,
    /// Rows that were rejected; nothing of them was written.
    pub rejected: Vec<RejectedRow>,
    /// Rows written without some of their values (`OnInvalid.DROP_FIELD`), with the
    /// problems of the values dropped.
    pub dropped: Vec<DroppedRow>,
    /// The contact id of each row, in input order: null for a rejected row.
    pub ids: Vec<Option<String>>,
}

impl ImportReport {
    pub(crate) fn from_core(report: core::ImportReport) -> Result<Self> {
        Ok(ImportReport {
            created: long(report.created)?,
            updated: long(report.updated)?,
            without_key: long(report.without_key)?,
            rejected: rejected_rows(report.rejected)?,
            dropped: report
                .dropped
                .into_iter()
                .map(|row| {
                    Ok(DroppedRow {
                        index: long(row.index)?,
                        id: row.id,
                        problems: row.problems,
                    })
                })
                .collect::<Result<_>>()?,
            ids: report.ids,
        })
    }
}

fn rejected_rows(rows: Vec<core::RejectedRow>) -> Result<Vec<RejectedRow>> {
    rows.into_iter().map(RejectedRow::from_core).collect()
}

/// One row of a suppression list (`importSuppressions`): an address another system must
/// not message, with when and why.
#[uniffi::remote(Record)]
pub struct SuppressionInput {
    /// `EMAIL` or `SMS`.
    pub channel: Channel,
    /// The email or phone.
    pub address: String,
    /// What kind of suppression.
    pub kind: SuppressionKind,
    /// Why (a bounce code, a complaint type), at most 1,000 characters.
    #[uniffi(default)]
    pub reason: Option<String>,
    /// When it happened: not after the book's clock; the book's clock when null.
    #[uniffi(default)]
    pub at: Option<UtcDateTime>,
}

/// The outcome of `importSuppressions`.
///
/// A binding record, not the core's, for its counts as `Long`s (see [`long`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SuppressionImportReport {
    /// Rows that recorded a suppression.
    pub recorded: i64,
    /// Rows whose address already had a suppression of that kind in force (the first
    /// date and reason stand).
    pub unchanged: i64,
    /// Rows that were rejected; nothing of them was written.
    pub rejected: Vec<RejectedRow>,
}

impl SuppressionImportReport {
    pub(crate) fn from_core(report: core::SuppressionImportReport) -> Result<Self> {
        Ok(SuppressionImportReport {
            recorded: long(report.recorded)?,
            unchanged: long(report.unchanged)?,
            rejected: rejected_rows(report.rejected)?,
        })
    }
}
