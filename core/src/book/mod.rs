//! [`ContactBook`]: every operation of the vocabulary. Each public method runs as one
//! unit of work on the store, stamped with one instant from the book's clock, so it
//! either fully applies or leaves the store exactly as it was.
//!
//! The methods live in modules by area: `profile` (create, upsert, update, lookups,
//! delete), `merge` (applying a [`ContactInput`] to a stored contact), `import`,
//! `channels`, `consent`, `catalog` (categories, segments, field definitions) and
//! `timeline` (activity). `view` assembles the profile card.

mod catalog;
mod channels;
mod checked;
#[cfg(feature = "arrow")]
mod columns;
mod consent;
mod feed;
mod ids;
mod import;
mod lifecycle;
mod merge;
mod portable;
mod profile;
mod row;
mod rules;
mod timeline;
mod view;

pub use import::IMPORT_BATCH_ROWS;
pub use portable::{LineKind, Restored};
pub use row::{IntoImportRow, ReadRow};

use crate::clock::{Clock, SystemClock};
use crate::model::{Category, ChangeOp, ContactRecord, Identifier, Segment};
#[cfg(doc)]
use crate::store::Durability;
use crate::store::{Access, MemoryStore, Parts, SqliteOptions, SqliteStore, Store, Transaction};
use crate::{validate, Error, Result};
use chrono::{DateTime, Utc};
use hashbrown::HashSet;
use ids::IdGenerator;
use std::collections::HashMap;
use std::sync::Arc;

/// A book of contact profiles over a [`Store`].
///
/// Cheap to share: it is `Send + Sync`, and every method takes `&self`.
pub struct ContactBook {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    default_region: Option<String>,
    ids: IdGenerator,
}

impl std::fmt::Debug for ContactBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContactBook")
            .field("default_region", &self.default_region)
            .finish_non_exhaustive()
    }
}

impl ContactBook {
    /// A book kept in process memory (nothing survives the process).
    pub fn in_memory() -> Self {
        Self::with_store(Arc::new(MemoryStore::new()))
    }

    /// Opens (or creates) a book in the SQLite file at `path`: the embedded default.
    /// A file that is not a ContactKit database, or comes from a newer version, is an
    /// [`Error::Storage`] and is left untouched.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Self> {
        Self::open_with(path, &SqliteOptions::default())
    }

    /// Like [`ContactBook::open`] with explicit settings (e.g. [`Durability::Full`]
    /// to survive power cuts).
    pub fn open_with(path: impl AsRef<std::path::Path>, options: &SqliteOptions) -> Result<Self> {
        Ok(Self::with_store(Arc::new(SqliteStore::open(
            path, options,
        )?)))
    }

    /// Like [`ContactBook::open_with`], reading national phone numbers in
    /// `default_region`; a bad region is refused before the file is touched, so a
    /// refused open creates nothing.
    pub fn open_in_region(
        path: impl AsRef<std::path::Path>,
        options: &SqliteOptions,
        default_region: Option<&str>,
    ) -> Result<Self> {
        let region = default_region
            .map(|region| validate::normalize_country("default_region", region))
            .transpose()?;
        let mut book = Self::open_with(path, options)?;
        book.default_region = region;
        Ok(book)
    }

    /// Connects to a book kept in a PostgreSQL database, for books shared by many
    /// processes or hosts: `url` is `postgres://user:password@host:port/database` (or
    /// `postgresql://…`), and the book lives in the database's `public` schema. A bad
    /// URL, an unreachable server, a wrong password, a schema holding another
    /// application's tables and a book from a newer ContactKit are each an
    /// [`Error::Storage`] saying so (never quoting the password), and nothing is
    /// created in a schema that is not a ContactKit book.
    #[cfg(feature = "postgres")]
    pub fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &crate::store::PostgresOptions::default())
    }

    /// Like [`ContactBook::connect`] with settings: the schema the book lives in
    /// (several books in one database), the pool size, the connect timeout.
    #[cfg(feature = "postgres")]
    pub fn connect_with(url: &str, options: &crate::store::PostgresOptions) -> Result<Self> {
        Self::connect_in_region(url, options, None)
    }

    /// Like [`ContactBook::connect_with`], reading national phone numbers in
    /// `default_region`; a bad region is refused before the server is reached.
    #[cfg(feature = "postgres")]
    pub fn connect_in_region(
        url: &str,
        options: &crate::store::PostgresOptions,
        default_region: Option<&str>,
    ) -> Result<Self> {
        let region = default_region
            .map(|region| validate::normalize_country("default_region", region))
            .transpose()?;
        let store = crate::store::PostgresStore::connect(url, options)?;
        let mut book = Self::with_store(Arc::new(store));
        book.default_region = region;
        Ok(book)
    }

    /// A book over any store, with the system clock.
    pub fn with_store(store: Arc<dyn Store>) -> Self {
        ContactBook {
            store,
            clock: Arc::new(SystemClock),
            default_region: None,
            ids: IdGenerator::random(),
        }
    }

    /// Uses `clock` for every stamp (tests pin time with a `ManualClock`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Reads national phone numbers in `region` (ISO 3166-1 alpha-2) when a
    /// contact has no address country.
    pub fn with_default_region(mut self, region: &str) -> Result<Self> {
        self.default_region = Some(validate::normalize_country("default_region", region)?);
        Ok(self)
    }

    /// The region a national phone number is read in: the contact's address
    /// `country` when it has one, else the book's default region (the one home of
    /// that rule).
    fn phone_region<'a>(&'a self, country: Option<&'a str>) -> Option<&'a str> {
        country.or(self.default_region.as_deref())
    }

    /// Makes generated ids depend only on the clock and `seed`, so two books fed the
    /// same operations and times produce the same ids (used by model tests).
    pub fn with_id_seed(mut self, seed: u32) -> Self {
        self.ids = IdGenerator::seeded(seed);
        self
    }

    /// The current time on the book's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Wraps an input the unit of work consumes (see [`Replayable`]).
    fn replayable<T: Clone>(&self, value: T) -> Replayable<T> {
        Replayable {
            value: Some(value),
            clone_each_time: self.store.reruns_units(),
        }
    }

    /// Runs `work` as one unit of work that may write, with one timestamp.
    fn atomic<R>(&self, work: impl FnMut(&mut Unit<'_>) -> Result<R>) -> Result<R> {
        self.unit(Access::Write, work)
    }

    /// Runs `work` as one read-only unit of work: it reads one snapshot and does not
    /// wait for writers.
    fn read<R>(&self, work: impl FnMut(&mut Unit<'_>) -> Result<R>) -> Result<R> {
        self.unit(Access::Read, work)
    }

    /// Runs `work` in one unit of work of the store.
    ///
    /// `work` is `FnMut` because a store may run it more than once: a server store runs
    /// its units serializably and, when the database aborts one for a conflict with a
    /// concurrent unit (a serialization failure or a deadlock), rolls it back and runs it
    /// again (the [`Store`] contract). Each attempt starts from nothing: a fresh [`Unit`]
    /// with empty caches, the same `now` (the operation's instant is when it was asked
    /// for), and the answer of the attempt the store committed.
    fn unit<R>(
        &self,
        access: Access,
        mut work: impl FnMut(&mut Unit<'_>) -> Result<R>,
    ) -> Result<R> {
        let now = self.clock.now();
        let mut output = None;
        self.store.unit_of_work(access, &mut |tx| {
            let mut unit = Unit {
                book: self,
                tx,
                now,
                definitions: None,
                free: HashSet::new(),
                catalog: None,
                noted: feed::Noted::default(),
                erasures: lifecycle::Erasures::default(),
            };
            output = Some(work(&mut unit)?);
            let changes = unit.noted.take();
            if !changes.is_empty() {
                unit.tx.append_changes(&changes)?;
            }
            Ok(())
        })?;
        output.ok_or_else(|| Error::storage("the store did not run the unit of work"))
    }
}

/// An operation's input, handed to each attempt of its unit of work
/// ([`ContactBook::replayable`]): moved into the only attempt when the store never runs
/// a unit twice, cloned for every attempt when it may.
struct Replayable<T> {
    value: Option<T>,
    clone_each_time: bool,
}

impl<T: Clone> Replayable<T> {
    /// The input for this attempt.
    fn take(&mut self) -> Result<T> {
        let value = match self.clone_each_time {
            true => self.value.clone(),
            false => self.value.take(),
        };
        value.ok_or_else(|| {
            Error::storage("the store ran a unit of work twice but said it never does")
        })
    }
}

/// One operation in progress: the transaction, the book's settings and the instant
/// every stamp of this operation uses.
struct Unit<'a> {
    book: &'a ContactBook,
    tx: &'a mut dyn Transaction,
    now: DateTime<Utc>,
    /// Field definitions read once per unit of work: an import batch checks every
    /// row against them, and only `define_field` (its own unit) changes them.
    definitions: Option<FieldDefinitions>,
    /// Identifiers this unit of work found no contact holding and has not given to
    /// one since: an upsert looks its email and tokens up to match a contact, then
    /// again to claim them, and need not ask the store twice.
    free: HashSet<Identifier>,
    /// Segments and categories an import batch has read (no import changes them):
    /// every row of a batch names the same few. `None` outside imports.
    catalog: Option<CatalogReads>,
    /// What the unit changed, for the change feed.
    noted: feed::Noted,
    /// What the unit read about erased contacts' addresses.
    erasures: lifecycle::Erasures,
}

/// Segments by id and categories by key, as a unit of work read them.
#[derive(Default)]
struct CatalogReads {
    segments: HashMap<String, Option<Segment>>,
    categories: HashMap<String, Option<Category>>,
    /// Every segment, once a segment was named by its name.
    all_segments: Option<Vec<Segment>>,
}

/// Whether a store can hold `identifier` at all: no stored text holds NUL (the book
/// refuses it in every value it keeps), so such an identifier names nobody.
fn storable(identifier: &Identifier) -> bool {
    !identifier.value().contains('\0')
}

/// Field definitions by key.
type FieldDefinitions = std::collections::BTreeMap<String, crate::model::FieldDefinition>;

impl Unit<'_> {
    fn new_id(&self) -> String {
        self.book.ids.next(self.now)
    }

    /// The contact with `id` in any case, deleted or not; the id of a contact merged
    /// away names the contact it was merged into.
    fn contact(&mut self, id: &str) -> Result<Option<ContactRecord>> {
        self.contact_with(id, Parts::ALL)
    }

    /// [`Unit::contact`] with only the child rows `parts` names. A merged id costs a
    /// second read only when the id is not a contact's own.
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
        // Every contact's id is a UUID (made by the book, or a caller's checked one):
        // other text names nobody, and is not sent to the store (PostgreSQL refuses
        // text holding NUL, where SQLite would simply find nothing).
        let Ok(id) = validate::normalize_contact_id(id) else {
            return Ok(None);
        };
        if let Some(record) = self.tx.contact_with(&id, parts)? {
            return Ok(Some(record));
        }
        match self.tx.merged_into(&[&id])?.pop() {
            Some((_, into)) => self.tx.contact_with(&into, parts),
            None => Ok(None),
        }
    }

    /// The live contact with `id`, or not-found (deleted contacts are invisible).
    fn live_contact(&mut self, id: &str) -> Result<ContactRecord> {
        self.live_contact_with(id, Parts::ALL)
    }

    /// [`Unit::live_contact`] reading only the child rows `parts` names: for work
    /// that needs the contact's own columns (its id, email, phone) and never saves
    /// the record.
    fn live_contact_with(&mut self, id: &str, parts: Parts) -> Result<ContactRecord> {
        match self.contact_with(id, parts)? {
            Some(record) if record.deleted_at.is_none() => Ok(record),
            _ => Err(Error::not_found("contact", id)),
        }
    }

    /// The id of the contact holding `identifier` (deleted or not), remembering
    /// that none does.
    fn holder_of(&mut self, identifier: &Identifier) -> Result<Option<String>> {
        if self.free.contains(identifier) || !storable(identifier) {
            return Ok(None);
        }
        let holder = self.tx.contact_id_by(identifier)?;
        if holder.is_none() {
            self.free.insert(identifier.clone());
        }
        Ok(holder)
    }

    /// The segment `id` (canonical), read once per import batch.
    fn read_segment(&mut self, id: &str) -> Result<Option<Segment>> {
        if let Some(known) = self.catalog.as_ref().and_then(|c| c.segments.get(id)) {
            return Ok(known.clone());
        }
        let segment = self.tx.segment(id)?;
        if let Some(catalog) = &mut self.catalog {
            catalog.segments.insert(id.to_string(), segment.clone());
        }
        Ok(segment)
    }

    /// The segment a caller names by its id (any case) or by its name (names are
    /// unique, ASCII case aside): one read, or none within an import batch.
    fn segment_named(&mut self, who: &str) -> Result<Option<Segment>> {
        if let Some(segment) = self.read_segment(&validate::canonical_id(who))? {
            return Ok(Some(segment));
        }
        let all = match self.catalog.as_mut().and_then(|c| c.all_segments.take()) {
            Some(all) => all,
            None => self.tx.segments()?,
        };
        let name = who.trim();
        let found = all
            .iter()
            .find(|segment| segment.name.eq_ignore_ascii_case(name))
            .cloned();
        if let Some(catalog) = &mut self.catalog {
            catalog.all_segments = Some(all);
        }
        Ok(found)
    }

    /// The category `key`, read once per import batch.
    fn read_category(&mut self, key: &str) -> Result<Option<Category>> {
        if let Some(known) = self.catalog.as_ref().and_then(|c| c.categories.get(key)) {
            return Ok(known.clone());
        }
        let category = self.tx.category(key)?;
        if let Some(catalog) = &mut self.catalog {
            catalog.categories.insert(key.to_string(), category.clone());
        }
        Ok(category)
    }

    /// Asks the store at once who holds each of `identifiers`, and remembers the
    /// free ones.
    fn learn_free(&mut self, identifiers: Vec<Identifier>) -> Result<()> {
        let held: HashSet<Identifier> = self
            .tx
            .contact_ids_by(&identifiers)?
            .into_iter()
            .map(|(identifier, _)| identifier)
            .collect();
        self.free
            .reserve(identifiers.len().saturating_sub(held.len()));
        self.free
            .extend(identifiers.into_iter().filter(|i| !held.contains(i)));
        Ok(())
    }

    /// Saves `record` stamped as changed now.
    fn save(&mut self, mut record: ContactRecord) -> Result<ContactRecord> {
        record.updated_at = self.now;
        if !self.free.is_empty() {
            for identifier in record.identifiers() {
                // A free email or phone the record takes now: an erased contact's
                // suppressions may be kept for it (every claim of an email or phone
                // asks who holds it first, so a claimed free one is in `free`).
                let claimed = self.free.remove(&identifier);
                match identifier {
                    Identifier::Email(address) | Identifier::Phone(address) if claimed => {
                        self.reveal_erased(&address)?
                    }
                    _ => {}
                }
            }
        }
        self.tx.put_contact(&record)?;
        self.note(ChangeOp::Updated, &record.id);
        Ok(record)
    }
}
