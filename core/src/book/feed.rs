//! The change feed: each write unit of work notes what it changed, one change per
//! contact it touched, and appends them to the feed in its own transaction, so a
//! committed unit's changes are there and a rolled-back one's are not. Readers page
//! through it with a cursor (`changes`).

use super::{ContactBook, Unit};
use crate::model::{Change, ChangeOp, ChangePage, Channel, Identifier};
use crate::store::NewChange;
use crate::{Error, Result};
use std::collections::HashMap;

/// Changes a page holds when none is asked for.
const DEFAULT_CHANGES: u32 = 100;

/// What one unit of work changed, in the order first noted.
#[derive(Default)]
pub(super) struct Noted {
    changes: Vec<NewChange>,
    /// Where each contact's change is in `changes`.
    by_contact: HashMap<String, usize>,
    /// Whether a catalog change is noted (one per unit is enough).
    catalog: bool,
}

impl Noted {
    pub(super) fn take(&mut self) -> Vec<NewChange> {
        self.by_contact.clear();
        self.catalog = false;
        std::mem::take(&mut self.changes)
    }
}

impl ContactBook {
    /// The changes after `cursor` (from the first without one), oldest first, at most
    /// `limit` (100 when not given, at most 1000). The page's `next_cursor` is always
    /// set: keep it and ask again to see every later change exactly once.
    pub fn changes(&self, cursor: Option<&str>, limit: Option<u32>) -> Result<ChangePage> {
        let limit = super::profile::page_size(limit, DEFAULT_CHANGES)?;
        let after = match cursor {
            None => 0,
            Some(text) => parse_cursor(text)?,
        };
        self.read(|unit| {
            let (items, last) = unit.tx.changes_after(after, limit)?;
            if after > last {
                return Err(Error::validation(
                    "cursor",
                    cursor.unwrap_or_default(),
                    "not a cursor this book returned",
                ));
            }
            let end = items.last().map_or(after, |c: &Change| c.seq);
            Ok(ChangePage {
                items,
                next_cursor: format_cursor(end),
            })
        })
    }
}

impl Unit<'_> {
    /// Notes that the unit did `op` to the contact `id`. A contact gets one change per
    /// unit: the weightiest noted (`created` over `updated`, `consent` over `activity`…).
    pub(super) fn note(&mut self, op: ChangeOp, id: &str) {
        self.note_change(op, Some(id), None);
    }

    /// Notes that the contact `from_id` was merged into `id`.
    pub(super) fn note_merged(&mut self, id: &str, from_id: &str) {
        self.note_change(ChangeOp::Merged, Some(id), Some(from_id));
    }

    /// Notes a change of categories, segments or field definitions.
    pub(super) fn note_catalog(&mut self) {
        if !self.noted.catalog {
            self.noted.catalog = true;
            self.note_change(ChangeOp::Catalog, None, None);
        }
    }

    /// Notes a suppression recorded or lifted at `address` on `channel`: a change of
    /// the contact holding the address now (an email or phone), or of the contact whose
    /// id it is (push and Telegram); without a contact when nobody holds it.
    pub(super) fn note_consent_at(&mut self, channel: Channel, address: &str) -> Result<()> {
        let holder = match channel {
            Channel::Email => self
                .tx
                .contact_id_by(&Identifier::Email(address.to_string()))?,
            Channel::Sms => self
                .tx
                .contact_id_by(&Identifier::Phone(address.to_string()))?,
            Channel::MobilePush | Channel::WebPush | Channel::Telegram => Some(address.to_string()),
        };
        self.note_change(ChangeOp::Consent, holder.as_deref(), None);
        Ok(())
    }

    fn note_change(&mut self, op: ChangeOp, id: Option<&str>, from_id: Option<&str>) {
        let change = NewChange {
            at: self.now,
            op,
            contact_id: id.map(str::to_string),
            from_id: from_id.map(str::to_string),
        };
        let Some(id) = id else {
            self.noted.changes.push(change);
            return;
        };
        match self.noted.by_contact.get(id) {
            Some(&at) if self.noted.changes[at].op >= op => {}
            Some(&at) => self.noted.changes[at] = change,
            None => {
                self.noted
                    .by_contact
                    .insert(id.to_string(), self.noted.changes.len());
                self.noted.changes.push(change);
            }
        }
    }
}

/// A feed cursor: the seq of the last change read, in decimal.
fn format_cursor(seq: u64) -> String {
    seq.to_string()
}

fn parse_cursor(text: &str) -> Result<u64> {
    text.parse::<u64>()
        .ok()
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::validation("cursor", text, "not a cursor this book returned"))
}
