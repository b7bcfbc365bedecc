//! What a bulk import is asked to do and what it reports: the policy for invalid
//! values, every problem of a row, and the id each row landed on.

use super::{Channel, DedupeOn, SuppressionKind};
use crate::Error;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an import does with a row holding a value the book refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnInvalid {
    /// The row is rejected whole and nothing of it is written.
    #[default]
    RejectRow,
    /// The invalid values are dropped and the rest of the row is written; only a row
    /// whose dedupe key (or id) is at fault is rejected.
    DropField,
}

impl OnInvalid {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            OnInvalid::RejectRow => "reject_row",
            OnInvalid::DropField => "drop_field",
        }
    }
}

impl std::str::FromStr for OnInvalid {
    type Err = Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        [OnInvalid::RejectRow, OnInvalid::DropField]
            .into_iter()
            .find(|policy| policy.as_str() == s)
            .ok_or_else(|| Error::validation("on_invalid", s, "expected reject_row or drop_field"))
    }
}

/// How an import matches and what it does with invalid values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportOptions {
    /// The identifier rows are matched by.
    pub dedupe_on: DedupeOn,
    /// Reject a row with an invalid value, or drop the value and keep the row.
    pub on_invalid: OnInvalid,
    /// Keep each row's contact id in the report's `ids` (one per row). An import of
    /// many millions of rows that reads the ids from `progress` can turn this off.
    pub keep_ids: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        DedupeOn::default().into()
    }
}

impl From<DedupeOn> for ImportOptions {
    fn from(dedupe_on: DedupeOn) -> Self {
        ImportOptions {
            dedupe_on,
            on_invalid: OnInvalid::RejectRow,
            keep_ids: true,
        }
    }
}

/// What an import reports after each committed batch: the rows written so far, and
/// the contact id of each row of the batch (`None` for a rejected row), in input
/// order, so ids can be streamed without keeping them all.
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress<'a> {
    /// Rows handled so far (written or rejected), counted from the first.
    pub written: u64,
    /// The ids of the batch's rows: rows `written - ids.len()` to `written - 1`.
    pub ids: &'a [Option<String>],
}

/// The outcome of a bulk import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Rows that created a contact.
    pub created: u64,
    /// Rows that updated an existing contact.
    pub updated: u64,
    /// Rows written (created or updated) that had no value for the dedupe key: each
    /// was given an id made from its content, so the same row imported again lands on
    /// the contact it made instead of making another.
    pub without_key: u64,
    /// Rows that were rejected; nothing of them was written.
    pub rejected: Vec<RejectedRow>,
    /// Rows written without some of their values (`on_invalid` `drop_field`), with
    /// the problems of the values dropped.
    pub dropped: Vec<DroppedRow>,
    /// The contact id of each row, in input order: `None` for a rejected row. Empty
    /// when the import was asked not to keep them.
    pub ids: Vec<Option<String>>,
}

/// A row an import rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RejectedRow {
    /// 0-based position in the input.
    pub index: u64,
    /// The field of the first problem, where there is one.
    pub field: Option<String>,
    /// The first problem's full error message.
    pub reason: String,
    /// Every problem found in the row, in the order the row's values are checked.
    pub problems: Vec<RowProblem>,
}

/// A row an import wrote without the values it dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DroppedRow {
    /// 0-based position in the input.
    pub index: u64,
    /// The contact the row was written to.
    pub id: String,
    /// One problem per value dropped.
    pub problems: Vec<RowProblem>,
}

/// One value of a row the book refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowProblem {
    /// What kind of problem, stable across releases.
    pub code: ProblemCode,
    /// The field at fault (`email`, `fields.birthday`, `mobile_push[1].token`), or
    /// `None` when the row as a whole is.
    pub field: Option<String>,
    /// The value as given (shortened past 80 characters).
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

/// The kind of a [`RowProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The value breaks a rule of its field, could not be read as its type, or names
    /// a category, segment or field the book does not define (`no such segment`).
    Invalid,
    /// The value is unique and another contact holds it.
    Conflict,
    /// The row names a record the book does not have, outside any one field (a
    /// category gone while the import ran).
    NotFound,
}

impl ProblemCode {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Invalid => "invalid",
            ProblemCode::Conflict => "conflict",
            ProblemCode::NotFound => "not_found",
        }
    }
}

impl RowProblem {
    /// The problem an error describes (a storage error is never a row's problem: it
    /// stops the import).
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Validation {
                field,
                value,
                reason,
            } => RowProblem {
                code: ProblemCode::Invalid,
                field: Some(field.clone()),
                value: value.clone(),
                reason: reason.clone(),
            },
            Error::Conflict {
                field,
                value,
                existing,
                ..
            } => RowProblem {
                code: ProblemCode::Conflict,
                field: Some(field.clone()),
                value: value.clone(),
                reason: format!("already belongs to {existing}"),
            },
            Error::NotFound { what, id } => RowProblem {
                code: ProblemCode::NotFound,
                field: None,
                value: id.clone(),
                reason: format!("no such {what}"),
            },
            Error::Storage { reason, .. } => RowProblem {
                code: ProblemCode::Invalid,
                field: None,
                value: String::new(),
                reason: reason.clone(),
            },
        }
    }
}

/// One row of a suppression list (`import_suppressions`): an address another system
/// must not message, with when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SuppressionInput {
    /// `email` or `sms`.
    pub channel: Channel,
    /// The email or phone.
    pub address: String,
    /// What kind of suppression.
    pub kind: SuppressionKind,
    /// Why (a bounce code, a complaint type), at most 1,000 characters.
    #[serde(default)]
    pub reason: Option<String>,
    /// When it happened: not after the book's clock; the book's clock when absent.
    /// RFC 3339, or `YYYY-MM-DD HH:MM:SS` read as UTC.
    #[serde(default, with = "super::instant::lenient")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<DateTime<Utc>>"))]
    pub at: Option<DateTime<Utc>>,
}

/// The outcome of `import_suppressions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuppressionImportReport {
    /// Rows that recorded a suppression.
    pub recorded: u64,
    /// Rows whose address already had a suppression of that kind in force (the first
    /// date and reason stand).
    pub unchanged: u64,
    /// Rows that were rejected; nothing of them was written.
    pub rejected: Vec<RejectedRow>,
}
