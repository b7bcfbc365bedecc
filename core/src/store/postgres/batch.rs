//! What a unit of work keeps between statements: the contacts it saved and has not
//! sent yet ([`Pending`]), and the contacts and identifier holders it has read and
//! not changed since ([`Known`]).
//!
//! `put_contact` in a write unit only encodes the contact into [`Pending`], a column
//! per contact column and child column; the contacts go to the server together, as
//! one multi-row statement per table ([`super::contacts::flush`]), before any read
//! that could see them, before any other write, and before `COMMIT`. An import batch
//! of 4000 rows thus costs a handful of statements instead of thousands.
//!
//! Correct by construction:
//! - A read of the contact tables (contacts and their children) sends the pending
//!   contacts first whenever it could see one of them: a contact by a pending id, a
//!   holder of an identifier a pending contact holds, or a holder the server names
//!   that is pending; listings and counts always do. Reads of the other tables
//!   (suppressions, catalogues, the timeline) cannot see a contact write.
//! - Every other write sends them first, so writes reach the server in the order the
//!   book made them (an activity's contact exists before the activity).
//! - A contact saved twice sends the first save before the second is kept, so one
//!   flush never holds an id twice and its rows are written in the order of the saves:
//!   every unique check sees what it would have seen unbuffered, and a violation is
//!   the same [`crate::Error::Conflict`] on the same field. The child rows of all
//!   pending contacts are cleared before any of them is written, which can only free
//!   values earlier.
//! - A failure of the flush (a unique violation, a NUL, a serialization failure) fails
//!   the unit like the unbuffered statement did: the transaction is rolled back and
//!   nothing of the unit is kept, or the work is run again.
//!
//! [`Known`] answers repeated reads inside one unit (the snapshot does not change but
//! for the unit's own writes): `contact_ids_by` (an import batch's identifiers, asked
//! up front) records who holds each identifier, and the first whole-contact read of one
//! of many such holders loads all of them in one read. A saved contact is forgotten,
//! with every identifier it held or holds; a write that changes many contacts' rows
//! (deleting a category, a segment or a field) forgets everything.

use crate::model::{ContactRecord, Identifier};
use crate::store::Parts;
use hashbrown::{HashMap, HashSet};

/// Pending contacts sent at once: a bound on the statement's size, far above an
/// import batch.
pub const MAX_PENDING: usize = 5000;

/// Distinct holders learnt through `contact_ids_by` and not read yet from which the
/// first whole-contact read of one of them reads them all.
pub const PREFETCH_FROM: usize = 8;

/// Contacts saved by the unit and not sent yet, as the columns of the multi-row
/// statements that send them.
#[derive(Default)]
pub struct Pending {
    pub ids: HashSet<String>,
    /// Every identifier the pending contacts hold.
    pub identifiers: HashSet<Identifier>,
    pub contacts: ContactColumns,
    pub devices: DeviceColumns,
    pub web_push: WebPushColumns,
    /// (contact id, category key)
    pub categories: (Vec<String>, Vec<String>),
    /// (segment id, contact id)
    pub segments: (Vec<String>, Vec<String>),
    /// (contact id, key, type, value)
    pub fields: (Vec<String>, Vec<String>, Vec<&'static str>, Vec<String>),
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Whether a read of `id` could see a pending write.
    pub fn holds(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Whether a holder lookup of `identifier` could see a pending write.
    pub fn claims(&self, identifier: &Identifier) -> bool {
        self.identifiers.contains(identifier)
    }
}

/// The `contacts` columns, in `contact_columns!` order.
#[derive(Default)]
pub struct ContactColumns {
    pub id: Vec<String>,
    pub external_id: Vec<Option<String>>,
    pub contact_key: Vec<Option<String>>,
    pub first_name: Vec<Option<String>>,
    pub last_name: Vec<Option<String>>,
    pub email: Vec<Option<String>>,
    pub email_confirmed: Vec<bool>,
    pub phone: Vec<Option<String>>,
    pub phone_confirmed: Vec<bool>,
    pub telegram_bot_id: Vec<Option<String>>,
    pub telegram_chat_id: Vec<Option<String>>,
    pub address_country: Vec<Option<String>>,
    pub address_region: Vec<Option<String>>,
    pub address_town: Vec<Option<String>>,
    pub address_street: Vec<Option<String>>,
    pub address_postcode: Vec<Option<String>>,
    pub location: Vec<Option<String>>,
    pub timezone: Vec<Option<String>>,
    pub language: Vec<Option<String>>,
    pub created_at: Vec<i64>,
    pub updated_at: Vec<i64>,
    pub source: Vec<String>,
    pub deleted_at: Vec<Option<i64>>,
}

/// The `devices` columns.
#[derive(Default)]
pub struct DeviceColumns {
    pub contact_id: Vec<String>,
    pub position: Vec<i32>,
    pub app_id: Vec<String>,
    pub device_id: Vec<String>,
    pub token: Vec<Option<String>>,
    pub platform: Vec<String>,
    pub model: Vec<Option<String>>,
    pub os: Vec<Option<String>>,
    pub os_version: Vec<Option<String>>,
    pub locale: Vec<Option<String>>,
    pub app_version: Vec<Option<String>>,
    pub active: Vec<bool>,
    pub registered_at: Vec<i64>,
    pub last_seen_at: Vec<i64>,
}

/// The `web_push` columns.
#[derive(Default)]
pub struct WebPushColumns {
    pub contact_id: Vec<String>,
    pub position: Vec<i32>,
    pub endpoint: Vec<String>,
    pub p256dh: Vec<String>,
    pub auth: Vec<String>,
    pub user_agent: Vec<Option<String>>,
    pub language: Vec<Option<String>>,
    pub os: Vec<Option<String>>,
    pub subscription_page: Vec<Option<String>>,
    pub created_at: Vec<i64>,
}

/// Whole contacts and identifier holders the unit has read and not changed since.
#[derive(Default)]
pub struct Known {
    /// Whole contacts (every part), by id.
    records: HashMap<String, ContactRecord>,
    /// Who holds each identifier a batch lookup found.
    holders: HashMap<Identifier, String>,
    /// The identifiers `holders` maps to each contact.
    held_by: HashMap<String, Vec<Identifier>>,
    /// Holders in `holders` whose record has not been read.
    unread: HashSet<String>,
}

impl Known {
    /// The contact with `id` with the parts `parts` names, if it is known.
    pub fn contact(&self, id: &str, parts: Parts) -> Option<ContactRecord> {
        let mut record = self.records.get(id)?.clone();
        if !parts.devices {
            record.devices.clear();
        }
        if !parts.web_push {
            record.web_push.clear();
        }
        if !parts.categories {
            record.categories.clear();
        }
        if !parts.segments {
            record.segments.clear();
        }
        if !parts.fields {
            record.fields.clear();
        }
        Some(record)
    }

    /// The holder of `identifier`, if a batch lookup found one and it is unchanged.
    pub fn holder(&self, identifier: &Identifier) -> Option<&str> {
        self.holders.get(identifier).map(String::as_str)
    }

    /// Holders whose whole records are worth reading at once before reading `id`:
    /// every unread one, when `id` is one of many.
    pub fn prefetch(&self, id: &str) -> Option<Vec<String>> {
        (self.unread.len() >= PREFETCH_FROM && self.unread.contains(id))
            .then(|| self.unread.iter().cloned().collect())
    }

    /// Remembers that `id` holds `identifier`.
    pub fn learn_holder(&mut self, identifier: Identifier, id: String) {
        if !self.records.contains_key(&id) {
            self.unread.insert(id.clone());
        }
        self.held_by
            .entry(id.clone())
            .or_default()
            .push(identifier.clone());
        self.holders.insert(identifier, id);
    }

    /// Remembers whole records just read.
    pub fn learn_records(&mut self, records: Vec<ContactRecord>) {
        for record in records {
            self.unread.remove(&record.id);
            self.records.insert(record.id.clone(), record);
        }
    }

    /// Forgets what a save of `contact` changes: the contact, and the holders of every
    /// identifier it held or holds.
    pub fn forget(&mut self, contact: &ContactRecord) {
        self.records.remove(&contact.id);
        self.unread.remove(&contact.id);
        for identifier in self.held_by.remove(&contact.id).unwrap_or_default() {
            self.holders.remove(&identifier);
        }
        if !self.holders.is_empty() {
            for identifier in contact.identifiers() {
                self.holders.remove(&identifier);
            }
        }
    }

    /// Forgets everything (a write that changes many contacts).
    pub fn forget_all(&mut self) {
        *self = Known::default();
    }
}
