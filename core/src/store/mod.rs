//! The storage seam. A [`Store`] persists and queries; it decides nothing (rules
//! live in `validate`, `consent` and `book`). Every book operation runs inside one
//! [`Store::unit_of_work`], which the store commits when the work succeeds and rolls
//! back when it fails, so an operation applies fully or not at all.
//!
//! The trait mentions no database: the in-memory reference store, the SQLite store
//! and the PostgreSQL store (feature `postgres`) implement the same calls.

mod codec;
mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{PostgresOptions, PostgresStore};
pub use sqlite::{Durability, SqliteOptions, SqliteStore};

use crate::model::{
    Activity, ActivityKind, Category, Change, ChangeOp, ContactRecord, FieldDefinition, Identifier,
    Segment, SuppressionRecord,
};
use crate::rule::{Check, Facts};
use crate::Result;
use chrono::{DateTime, Utc};

/// A place contact books live in.
pub trait Store: Send + Sync {
    /// Runs `work` as one unit: everything it writes is committed if it returns
    /// `Ok`, and nothing is if it returns `Err` (or panics).
    ///
    /// Units are serializable: the outcome is as if units ran one at a time. A store
    /// that gets there by letting the database abort a unit that conflicts with a
    /// concurrent one (a serialization failure, a deadlock) rolls it back and calls
    /// `work` again, on a fresh transaction; it says so with
    /// [`Store::reruns_units`]. `work` must then be safe to run again: the book's is.
    ///
    /// A [`Access::Read`] unit sees one consistent snapshot and must not wait for a
    /// writer (a store with many connections runs it beside a write); a write inside
    /// it is refused with [`crate::Error::Storage`] and nothing is kept.
    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()>;

    /// Whether [`Store::unit_of_work`] may call its `work` more than once. The book
    /// moves an operation's input into its only attempt when this is false, and clones
    /// it for each attempt when it is true (an import batch is thousands of rows).
    fn reruns_units(&self) -> bool {
        false
    }

    /// Makes what committed units removed unreadable in the store's own files, as
    /// far as the store can (after `ContactBook::erase`): a store whose deleted rows
    /// live on in a log overwrites them. Nothing to do by default.
    fn purge_removed(&self) -> Result<()> {
        Ok(())
    }
}

/// What a unit of work does, so a store can run reads beside a writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only reads: a snapshot, never waiting on the write lock.
    Read,
    /// Reads and writes: one writer at a time.
    Write,
}

/// Reads and writes inside one unit of work.
///
/// Lookups of contacts by id or identifier include soft-deleted contacts (their
/// identifiers stay reserved); listings return live contacts only.
pub trait Transaction {
    /// The contact with `id`, deleted or not, with every part.
    fn contact(&mut self, id: &str) -> Result<Option<ContactRecord>> {
        self.contact_with(id, Parts::ALL)
    }
    /// The contact with `id`, deleted or not, with only the child collections `parts`
    /// names (the others are left empty): a read that needs one channel or only the
    /// live check does not load the rest. Such a record is for reading; saving it
    /// would drop the parts left out.
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>>;
    /// [`Transaction::contact_with`] for several ids in one read: each contact found,
    /// deleted or not, in no particular order.
    fn contacts_with(&mut self, ids: &[&str], parts: Parts) -> Result<Vec<ContactRecord>> {
        let mut found = Vec::new();
        for id in ids {
            found.extend(self.contact_with(id, parts)?);
        }
        Ok(found)
    }
    /// The id of the contact holding `identifier`, deleted or not.
    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>>;
    /// [`Transaction::contact_id_by`] for many identifiers at once (an import batch
    /// asks for all its rows' identifiers in a few statements): each identifier some
    /// contact holds, with that contact's id, in no particular order.
    fn contact_ids_by(&mut self, identifiers: &[Identifier]) -> Result<Vec<(Identifier, String)>> {
        let mut found = Vec::new();
        for identifier in identifiers {
            if let Some(id) = self.contact_id_by(identifier)? {
                found.push((identifier.clone(), id));
            }
        }
        Ok(found)
    }
    /// Inserts or replaces a contact, with its devices, subscriptions, categories,
    /// segment memberships and field values.
    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()>;
    /// Live contacts ordered by id, starting after `after_id`.
    fn live_contacts(&mut self, after_id: Option<&str>, limit: usize)
        -> Result<Vec<ContactRecord>>;
    /// How many live contacts there are.
    fn count_live_contacts(&mut self) -> Result<u64>;
    /// Ids of the live contacts `check` matches, in id order, after `after_id`, at
    /// most `limit`; with `among`, only those of these ids. Periods count back from
    /// `now`. A store answers in its database; the default loads every contact and
    /// asks [`Check::matches`], which is what every store must agree with.
    fn matching_ids(
        &mut self,
        check: &Check,
        now: DateTime<Utc>,
        among: Option<&[&str]>,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        scan_matching(self, check, now, among, after_id, Some(limit))
    }
    /// How many live contacts `check` matches.
    fn count_matching(&mut self, check: &Check, now: DateTime<Utc>) -> Result<u64> {
        Ok(scan_matching(self, check, now, None, None, None)?.len() as u64)
    }
    /// Live members of a segment ordered by id, starting after `after_id`.
    fn segment_members(
        &mut self,
        segment_id: &str,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>>;

    /// Every suppression record (any channel, lifted ones too) kept at `address`,
    /// oldest first.
    fn suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>>;
    /// [`Transaction::suppressions`] at several addresses in one read (a page of
    /// profiles asks for its contacts' emails, phones and ids at once): each address
    /// that holds records, with them, in no particular order.
    fn suppressions_at(
        &mut self,
        addresses: &[&str],
    ) -> Result<Vec<(String, Vec<SuppressionRecord>)>> {
        let mut found = Vec::new();
        for address in addresses {
            let records = self.suppressions(address)?;
            if !records.is_empty() {
                found.push((address.to_string(), records));
            }
        }
        Ok(found)
    }
    /// Replaces the records kept at `address`.
    fn put_suppressions(&mut self, address: &str, records: &[SuppressionRecord]) -> Result<()>;

    /// All categories, by key.
    fn categories(&mut self) -> Result<Vec<Category>>;
    /// The category with `key`.
    fn category(&mut self, key: &str) -> Result<Option<Category>>;
    /// Inserts or replaces a category.
    fn put_category(&mut self, category: &Category) -> Result<()>;
    /// All segments, by id.
    fn segments(&mut self) -> Result<Vec<Segment>>;
    /// The segment with `id`.
    fn segment(&mut self, id: &str) -> Result<Option<Segment>>;
    /// Inserts or replaces a segment.
    fn put_segment(&mut self, segment: &Segment) -> Result<()>;
    /// All field definitions, by key.
    fn field_definitions(&mut self) -> Result<Vec<FieldDefinition>>;
    /// Inserts or replaces a field definition.
    fn put_field_definition(&mut self, definition: &FieldDefinition) -> Result<()>;
    /// Removes the category `key` and every contact's subscription to it (its
    /// segment is removed with [`Transaction::delete_segment`]).
    fn delete_category(&mut self, key: &str) -> Result<()>;
    /// Removes the segment `id` and every membership in it.
    fn delete_segment(&mut self, id: &str) -> Result<()>;
    /// Removes the field definition `key` and every contact's value of it.
    fn delete_field_definition(&mut self, key: &str) -> Result<()>;

    /// The campaign item of `contact_id` for `message_id`.
    fn campaign(&mut self, contact_id: &str, message_id: &str) -> Result<Option<Activity>>;
    /// The order with `external_id`, whoever placed it.
    fn order(&mut self, external_id: &str) -> Result<Option<Activity>>;
    /// Inserts or replaces a timeline item (by id).
    fn put_activity(&mut self, activity: &Activity) -> Result<()>;
    /// The contacts that `ids` were merged into: each of `ids` that names a contact
    /// merged away, with the id of the contact it lives on in, in no particular order.
    fn merged_into(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>>;
    /// Records that the contact `from` was merged into `into`: `from`, and every id
    /// merged into `from` before, now resolve to `into`.
    fn put_merged(&mut self, from: &str, into: &str) -> Result<()>;
    /// Moves the timeline of `from` to `into`. A campaign item of `from` for a message
    /// `into` has an item for is dropped: one item per contact and message.
    fn move_timeline(&mut self, from: &str, into: &str) -> Result<()>;
    /// Removes the contact `id` for good, not hidden: its row, its child rows, its
    /// timeline and the ids merged into it. (Suppressions are kept by address and are
    /// the caller's to move or remove.)
    fn remove_contact(&mut self, id: &str) -> Result<()>;
    /// The book's secret for hashing the addresses of erased contacts: random bytes
    /// made when the book was created, never shown.
    fn erasure_key(&mut self) -> Result<Vec<u8>>;
    /// Whether any suppression is kept at an erased address (one starting with
    /// [`ERASED_ADDRESS_PREFIX`]): a quick answer, asked by every save of a contact
    /// with an email or phone.
    fn has_erased_addresses(&mut self) -> Result<bool>;
    /// Appends `changes` to the change feed, in order, numbered on from the last
    /// change: committed or rolled back with the rest of the unit. Seqs increase in
    /// commit order: a reader that has seen seq `n` has seen every committed change
    /// below it (a store with concurrent writers must order them so). A store may
    /// leave gaps (seqs of a unit that failed to commit).
    fn append_changes(&mut self, changes: &[NewChange]) -> Result<()>;
    /// The changes with a seq above `after`, oldest first, at most `limit`; and the
    /// feed's last seq (0 when it is empty).
    fn changes_after(&mut self, after: u64, limit: usize) -> Result<(Vec<Change>, u64)>;

    /// A contact's timeline items matching `filter`, newest first.
    fn activities(&mut self, contact_id: &str, filter: &ActivityFilter) -> Result<Vec<Activity>>;
    /// Every order of each of `contact_ids`, in no particular order: the order stats of
    /// a page of profiles in one read.
    fn orders_of(&mut self, contact_ids: &[&str]) -> Result<Vec<Activity>> {
        let filter = ActivityFilter::all_of(ActivityKind::Order);
        let mut orders = Vec::new();
        for contact_id in contact_ids {
            orders.extend(self.activities(contact_id, &filter)?);
        }
        Ok(orders)
    }
}

/// [`Transaction::matching_ids`] by asking [`Check::matches`] of each live contact in
/// turn (a page at a time), with its suppressions and, when the rule needs it, its
/// timeline.
fn scan_matching<T: Transaction + ?Sized>(
    tx: &mut T,
    check: &Check,
    now: DateTime<Utc>,
    among: Option<&[&str]>,
    after_id: Option<&str>,
    limit: Option<usize>,
) -> Result<Vec<String>> {
    const PAGE: usize = 1000;
    let every_kind = ActivityFilter::everything();
    let mut found = Vec::new();
    let mut cursor = after_id.map(str::to_string);
    loop {
        let page = match among {
            Some(ids) => {
                let mut page: Vec<ContactRecord> = tx
                    .contacts_with(ids, Parts::ALL)?
                    .into_iter()
                    .filter(|c| c.deleted_at.is_none())
                    .filter(|c| cursor.as_deref().is_none_or(|after| c.id.as_str() > after))
                    .collect();
                page.sort_by(|a, b| a.id.cmp(&b.id));
                page
            }
            None => tx.live_contacts(cursor.as_deref(), PAGE)?,
        };
        let last_page = among.is_some() || page.len() < PAGE;
        for contact in &page {
            let addresses: Vec<&str> = [
                contact.email.as_deref(),
                contact.phone.as_deref(),
                Some(&contact.id),
            ]
            .into_iter()
            .flatten()
            .collect();
            let suppressions: Vec<SuppressionRecord> = tx
                .suppressions_at(&addresses)?
                .into_iter()
                .flat_map(|(_, records)| records)
                .collect();
            let activities = match check.reads_activity() {
                true => tx.activities(&contact.id, &every_kind)?,
                false => Vec::new(),
            };
            let facts = Facts {
                contact,
                suppressions: &suppressions,
                activities: &activities,
            };
            if check.matches(&facts, now) {
                found.push(contact.id.clone());
                if limit.is_some_and(|limit| found.len() >= limit) {
                    return Ok(found);
                }
            }
        }
        match page.last() {
            Some(last) if !last_page => cursor = Some(last.id.clone()),
            _ => return Ok(found),
        }
    }
}

/// How the address of an erased contact's suppressions starts: the rest is a keyed hash
/// of the address (see `ContactBook::erase`), never the address itself.
pub const ERASED_ADDRESS_PREFIX: &str = "erased:";

/// Random bytes from the operating system for a new book's erasure key: two v4 UUIDs,
/// 244 random bits.
fn random_key() -> Vec<u8> {
    let mut key = Vec::with_capacity(32);
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    key.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

/// A change a unit of work appends to the feed; the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    /// The unit's instant.
    pub at: DateTime<Utc>,
    /// What it did.
    pub op: ChangeOp,
    /// The contact concerned.
    pub contact_id: Option<String>,
    /// A merged contact's old id.
    pub from_id: Option<String>,
}

impl NewChange {
    /// The change with its seq.
    pub fn numbered(&self, seq: u64) -> Change {
        Change {
            seq,
            at: self.at,
            op: self.op,
            contact_id: self.contact_id.clone(),
            from_id: self.from_id.clone(),
        }
    }
}

/// Which of a contact's child collections a read loads: the contact's own columns
/// always come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Mobile push devices and installed apps.
    pub devices: bool,
    /// Web push subscriptions.
    pub web_push: bool,
    /// Subscription categories.
    pub categories: bool,
    /// Static segment memberships.
    pub segments: bool,
    /// Additional field values.
    pub fields: bool,
}

impl Parts {
    /// The whole contact.
    pub const ALL: Parts = Parts {
        devices: true,
        web_push: true,
        categories: true,
        segments: true,
        fields: true,
    };
    /// The contact's own columns only (enough to know whether it is live).
    pub const NONE: Parts = Parts {
        devices: false,
        web_push: false,
        categories: false,
        segments: false,
        fields: false,
    };
}

/// Which timeline items to return, newest first: ordered by `at` then `id`, both
/// descending.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityFilter {
    /// Kinds to include.
    pub kinds: Vec<ActivityKind>,
    /// Items at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Items before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Items strictly after this position in newest-first order (a page cursor).
    pub after: Option<(DateTime<Utc>, String)>,
    /// At most this many items; `None` for all.
    pub limit: Option<usize>,
}

impl ActivityFilter {
    /// Every item of the timeline, whenever it happened.
    pub fn everything() -> Self {
        ActivityFilter {
            kinds: vec![
                ActivityKind::Campaign,
                ActivityKind::Event,
                ActivityKind::Order,
            ],
            ..Self::all_of(ActivityKind::Campaign)
        }
    }

    /// Every item of `kind`, whenever it happened.
    pub fn all_of(kind: ActivityKind) -> Self {
        ActivityFilter {
            kinds: vec![kind],
            since: None,
            until: None,
            after: None,
            limit: None,
        }
    }

    /// Whether `activity` passes the filter (limit aside); stores may use it to
    /// filter in memory and must agree with it when they filter in a query.
    pub fn matches(&self, activity: &Activity) -> bool {
        self.kinds.contains(&activity.kind())
            && self.since.is_none_or(|since| activity.at >= since)
            && self.until.is_none_or(|until| activity.at < until)
            && self
                .after
                .as_ref()
                .is_none_or(|(at, id)| (activity.at, activity.id.as_str()) < (*at, id.as_str()))
    }
}

/// A store whose every unit of work panics, as a bug inside ContactKit would.
///
/// For the bindings' tests: a book over it makes every operation panic inside the
/// library, so a test can call each method of a binding's `ContactBook` and prove
/// that every one of them turns the panic into the binding's own error and the
/// process stays up. Never useful for keeping contacts.
#[derive(Debug, Default, Clone, Copy)]
pub struct PanickingStore;

impl Store for PanickingStore {
    fn unit_of_work(
        &self,
        _access: Access,
        _work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        panic!("PanickingStore: a deliberate panic inside ContactKit")
    }
}
