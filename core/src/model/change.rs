//! The change feed: what each committed unit of work changed, in commit order.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// A contact's profile, channels, categories, segments or fields changed.
    Updated,
    /// A timeline item of the contact was recorded or updated.
    Activity,
    /// A suppression was recorded or lifted at one of the contact's addresses (or at
    /// an address no contact holds: then without a contact).
    Consent,
    /// A contact was restored.
    Restored,
    /// A contact was deleted (soft).
    Deleted,
    /// A contact was created.
    Created,
    /// Another contact was merged into this one.
    Merged,
    /// A contact was erased for good.
    Erased,
    /// Categories, segments or field definitions changed.
    Catalog,
}

impl ChangeOp {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Updated => "updated",
            ChangeOp::Activity => "activity",
            ChangeOp::Consent => "consent",
            ChangeOp::Restored => "restored",
            ChangeOp::Deleted => "deleted",
            ChangeOp::Created => "created",
            ChangeOp::Merged => "merged",
            ChangeOp::Erased => "erased",
            ChangeOp::Catalog => "catalog",
        }
    }
}

impl std::str::FromStr for ChangeOp {
    type Err = crate::Error;

    fn from_str(name: &str) -> crate::Result<Self> {
        serde_json::from_value(serde_json::Value::String(name.to_string()))
            .map_err(|_| crate::Error::storage(format!("unknown change op {name:?}")))
    }
}

/// One change of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    /// Its place in the feed: increasing, in commit order, from 1.
    pub seq: u64,
    /// When the unit of work that made it ran (the book's clock).
    pub at: DateTime<Utc>,
    /// What it did.
    pub op: ChangeOp,
    /// The contact it concerns; `None` for catalog changes.
    pub contact_id: Option<String>,
    /// For `merged`: the contact merged into `contact_id`.
    pub from_id: Option<String>,
}

/// A page of the feed, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChangePage {
    /// The changes after the cursor, oldest first.
    pub items: Vec<Change>,
    /// Where this page ends: pass it to read on. Always set; an empty page gives back
    /// a cursor at the same place (poll with it).
    pub next_cursor: String,
}
