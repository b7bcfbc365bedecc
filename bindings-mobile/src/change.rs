//! The change feed (the core's `model::change`).

use crate::contact::long;
use crate::scalars::UtcDateTime;
use contactkit as core;
use contactkit::{ChangeOp, Result};

/// What a change did.
#[uniffi::remote(Enum)]
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

/// One change of the feed.
///
/// A binding record, not the core's, for `seq` as a `Long` (`Int64` in Swift), as the
/// binding's counts are (see [`long`]): the core's is an unsigned `u64`, which a remote
/// declaration would make a `ULong` (`UInt64`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Change {
    /// Its place in the feed: increasing, in commit order, from 1.
    pub seq: i64,
    /// When the unit of work that made it ran (the book's clock).
    pub at: UtcDateTime,
    /// What it did.
    pub op: ChangeOp,
    /// The contact it concerns; null for catalog changes.
    pub contact_id: Option<String>,
    /// For `merged`: the contact merged into `contactId`.
    pub from_id: Option<String>,
}

/// A page of the feed, oldest first.
///
/// A binding record, not the core's, since its items are this binding's [`Change`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChangePage {
    /// The changes after the cursor, oldest first.
    pub items: Vec<Change>,
    /// Where this page ends: pass it to `changes` to read on. Always set; an empty page
    /// gives back a cursor at the same place (poll with it).
    pub next_cursor: String,
}

impl ChangePage {
    pub(crate) fn from_core(page: core::ChangePage) -> Result<Self> {
        let items = page
            .items
            .into_iter()
            .map(|change| {
                Ok(Change {
                    seq: long(change.seq)?,
                    at: change.at,
                    op: change.op,
                    contact_id: change.contact_id,
                    from_id: change.from_id,
                })
            })
            .collect::<Result<_>>()?;
        Ok(ChangePage {
            items,
            next_cursor: page.next_cursor,
        })
    }
}
