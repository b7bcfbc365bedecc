//! The embedded default store: one SQLite file (rusqlite, bundled SQLite).
//!
//! - WAL journal: readers never block the writer, and a killed process loses no
//!   committed transaction.
//! - `synchronous = NORMAL` by default: a committed transaction survives a killed
//!   process; a power cut may lose the last few commits (never corrupts the file).
//!   [`Durability::Full`] syncs every commit to survive a power cut too.
//! - A unit of work that writes is one `BEGIN IMMEDIATE` transaction on the writer
//!   connection, so two writers queue on the write lock (waiting up to the busy
//!   timeout) instead of failing mid-way. A read-only one is a deferred transaction on
//!   a read-only connection of its own: it never waits for a writer.
//! - A path is a file name, never a URI; a foreign or newer file is refused before
//!   anything writes to it, and books carry an `application_id` to tell them apart.
//! - Foreign keys on; prepared statements cached per connection.
//!
//! See `docs/storage.md` for the schema, its indexes and why.

mod activities;
mod catalog;
mod contacts;
mod feed;
mod lifecycle;
mod rules;
pub mod schema;

use super::{Access, ActivityFilter, NewChange, Parts, Store, Transaction};
use crate::model::{
    Activity, Category, Change, ContactRecord, FieldDefinition, Identifier, Segment,
    SuppressionRecord,
};
use crate::rule::Check;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Survives a killed process; a power cut may lose the latest commits.
    #[default]
    Normal,
    /// Survives a power cut too, at the cost of an fsync per commit.
    Full,
}

impl Durability {
    /// The lowercase name used in every binding and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Durability::Normal => "normal",
            Durability::Full => "full",
        }
    }
}

impl std::str::FromStr for Durability {
    type Err = Error;

    /// `normal` or `full`, as every binding and the CLI spell it.
    fn from_str(name: &str) -> Result<Self> {
        [Durability::Normal, Durability::Full]
            .into_iter()
            .find(|durability| durability.as_str() == name)
            .ok_or_else(|| Error::validation("durability", name, "expected normal or full"))
    }
}

/// Settings for opening a SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Commit durability.
    pub durability: Durability,
    /// How long a write waits for another connection's write lock.
    pub busy_timeout: Duration,
}

impl SqliteOptions {
    /// The longest busy timeout SQLite takes (`i32::MAX` milliseconds, 24.8 days).
    pub const MAX_BUSY_TIMEOUT: Duration = Duration::from_millis(i32::MAX as u64);

    /// Refuses settings SQLite cannot take, naming the setting.
    pub fn check(&self) -> Result<()> {
        if self.busy_timeout > Self::MAX_BUSY_TIMEOUT {
            return Err(Error::validation(
                "busy_timeout",
                format!("{} ms", self.busy_timeout.as_millis()),
                format!("longer than {} ms", Self::MAX_BUSY_TIMEOUT.as_millis()),
            ));
        }
        Ok(())
    }
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            durability: Durability::Normal,
            busy_timeout: Duration::from_secs(30),
        }
    }
}

/// A contact book kept in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    /// The one connection that writes: units of work that write queue on it.
    writer: Mutex<Connection>,
    /// Connections for read-only units of work; `None` for an in-memory database,
    /// which only its one connection can see.
    readers: Option<Readers>,
}

const STATEMENT_CACHE: usize = 64;
/// The writer's page cache, in KiB (SQLite's default is 2 MiB): an import touches
/// index pages all over the email, phone and token indexes, and a page the cache
/// dropped is read back from the file for the next row that lands on it.
const WRITER_CACHE_KIB: i64 = 32 * 1024;
/// Pages the write-ahead log gathers before the writer copies them into the file
/// (SQLite's default is 1000, 4 MiB): an index page that many batches change is then
/// copied once instead of once per 4 MiB of commits. Checkpointing less often
/// changes no durability: a commit is safe once it is in the log.
const CHECKPOINT_PAGES: i64 = 8000;
/// What the log file is cut back to after a checkpoint, if readers held it open
/// while it grew past that.
const WAL_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

impl SqliteStore {
    /// Opens (or creates) the file at `path` and brings its schema up to date.
    ///
    /// `path` is always a file name, never an SQLite URI (`file:x.db?mode=memory` is a
    /// file of that name). A file that is not a ContactKit book (not SQLite, or another
    /// application's database) or that a newer ContactKit wrote is an
    /// [`Error::Storage`], and is left as it was: it is inspected through a read-only
    /// connection before anything opens it for writing.
    pub fn open(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self> {
        let path = std::path::absolute(path.as_ref())
            .map_err(|e| Error::storage(format!("cannot open {}: {e}", path.as_ref().display())))?;
        options.check()?;
        let in_file = |e: Error| Error::storage(format!("{}: {}", path.display(), reason_of(e)));
        schema::inspect(&path, options.busy_timeout).map_err(in_file)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)
            .map_err(|e| Error::storage(format!("cannot open {}: {e}", path.display())))?;
        let writer = Self::configure_writer(conn, options).map_err(in_file)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            readers: Some(Readers {
                path,
                options: options.clone(),
                idle: Mutex::new(Vec::new()),
            }),
        })
    }

    /// A private in-memory SQLite database (for tests and comparisons).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(storage_error)?;
        Ok(SqliteStore {
            writer: Mutex::new(Self::configure_writer(conn, &SqliteOptions::default())?),
            readers: None,
        })
    }

    fn configure_writer(mut conn: Connection, options: &SqliteOptions) -> Result<Connection> {
        configure_connection(&conn, options)?;
        let synchronous = match options.durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        enable_wal(&conn, options.busy_timeout)?;
        conn.pragma_update(None, "synchronous", synchronous)
            .map_err(storage_error)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(storage_error)?;
        // What a unit deletes is overwritten with zeros, not left in free space: an
        // erased contact (`ContactBook::erase`) is not in the file's free pages.
        conn.pragma_update(None, "secure_delete", true)
            .map_err(storage_error)?;
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)
            .map_err(storage_error)?;
        conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)
            .map_err(storage_error)?;
        conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES)
            .map_err(storage_error)?;
        schema::migrate(&mut conn)?;
        Ok(conn)
    }

    fn lock_writer(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a unit of work dropped its rusqlite transaction, which
        // rolled back: the connection is usable.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Puts the file in WAL mode. Two processes opening a new file at once race for the
/// switch, and SQLite answers the loser `SQLITE_BUSY` at once, without calling the busy
/// handler (the switch takes its lock without waiting): the loser tries again every
/// 10 ms until the busy timeout is spent, as any other locked write would wait.
fn enable_wal(conn: &Connection, busy_timeout: Duration) -> Result<()> {
    let deadline = std::time::Instant::now() + busy_timeout;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            done => return done.map_err(storage_error),
        }
    }
}

/// Settings every connection of a store shares.
fn configure_connection(conn: &Connection, options: &SqliteOptions) -> Result<()> {
    options.check()?;
    conn.busy_timeout(options.busy_timeout)
        .map_err(storage_error)?;
    // Plans must not depend on bound values: SQLite marks a statement whose
    // planner peeked at a parameter (any `col = ?` it costed), and the statement
    // cache's `clear_bindings` then forces a full re-prepare on every reuse.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(storage_error)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    rules::register_functions(conn)
}

/// Read-only connections to the book's file, opened as reads need them. Under WAL a
/// reader works on a snapshot while the writer commits, so a `can_send` never queues
/// behind an import; read-only, so a read that tried to write would fail.
#[derive(Debug)]
struct Readers {
    path: std::path::PathBuf,
    options: SqliteOptions,
    idle: Mutex<Vec<Connection>>,
}

/// Idle readers kept for reuse (each holds its own page and statement caches).
const IDLE_READERS: usize = 8;

impl Readers {
    fn take(&self) -> Result<Connection> {
        if let Some(conn) = self.lock().pop() {
            return Ok(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(storage_error)?;
        configure_connection(&conn, &self.options)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.lock();
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Connection>> {
        // The list only ever holds whole connections: a poisoned lock is still valid.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for SqliteStore {
    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        match (access, &self.readers) {
            (Access::Read, Some(readers)) => {
                let conn = readers.take()?;
                let outcome = run(&conn, access, work);
                readers.give_back(conn);
                outcome
            }
            (Access::Read, None) | (Access::Write, _) => run(&self.lock_writer(), access, work),
        }
    }

    /// Copies the write-ahead log into the file and truncates it: the log still holds
    /// the pages as they were before the erase. It waits for readers (up to the busy
    /// timeout); one that holds an older snapshot past that leaves the log as it is,
    /// and the next checkpoint overwrites it.
    fn purge_removed(&self) -> Result<()> {
        let conn = self.lock_writer();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(storage_error)
    }
}

/// One transaction: a read is deferred (a snapshot, no lock taken up front); a write
/// is immediate, so two writers queue on the write lock (waiting up to the busy
/// timeout) instead of failing mid-way.
///
/// `BEGIN` and `COMMIT` go through the statement cache: rusqlite's `Transaction`
/// parses them again on every call, which costs a `can_send` as much as its queries.
fn run(
    conn: &Connection,
    access: Access,
    work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
) -> Result<()> {
    let begin = match access {
        Access::Read => "BEGIN DEFERRED",
        Access::Write => "BEGIN IMMEDIATE",
    };
    execute_cached(conn, begin)?;
    let _rollback_unless_committed = OpenTransaction { conn };
    work(&mut SqliteTransaction { conn })?;
    execute_cached(conn, "COMMIT")
}

fn execute_cached(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute([]))
        .map(drop)
        .map_err(storage_error)
}

/// Rolls back the transaction still open when it is dropped: after an error or a
/// panic inside the work, or a failed `COMMIT`.
struct OpenTransaction<'c> {
    conn: &'c Connection,
}

impl Drop for OpenTransaction<'_> {
    fn drop(&mut self) {
        if !self.conn.is_autocommit() {
            // A failed rollback leaves nothing to undo: SQLite rolled back already.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

struct SqliteTransaction<'a> {
    conn: &'a Connection,
}

impl Transaction for SqliteTransaction<'_> {
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
        contacts::load(self.conn, id, parts)
    }

    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>> {
        contacts::id_by(self.conn, identifier)
    }

    fn contact_ids_by(&mut self, identifiers: &[Identifier]) -> Result<Vec<(Identifier, String)>> {
        contacts::ids_by(self.conn, identifiers)
    }

    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()> {
        contacts::save(self.conn, contact)
    }

    fn live_contacts(
        &mut self,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        contacts::load_live(self.conn, None, after_id, limit)
    }

    fn count_live_contacts(&mut self) -> Result<u64> {
        contacts::count_live(self.conn)
    }

    fn matching_ids(
        &mut self,
        check: &Check,
        now: DateTime<Utc>,
        among: Option<&[&str]>,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        rules::matching_ids(self.conn, check, now, among, after_id, limit)
    }

    fn count_matching(&mut self, check: &Check, now: DateTime<Utc>) -> Result<u64> {
        rules::count_matching(self.conn, check, now)
    }

    fn merged_into(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        lifecycle::merged_into(self.conn, ids)
    }

    fn put_merged(&mut self, from: &str, into: &str) -> Result<()> {
        lifecycle::put_merged(self.conn, from, into)
    }

    fn move_timeline(&mut self, from: &str, into: &str) -> Result<()> {
        lifecycle::move_timeline(self.conn, from, into)
    }

    fn remove_contact(&mut self, id: &str) -> Result<()> {
        lifecycle::remove_contact(self.conn, id)
    }

    fn erasure_key(&mut self) -> Result<Vec<u8>> {
        lifecycle::erasure_key(self.conn)
    }

    fn has_erased_addresses(&mut self) -> Result<bool> {
        lifecycle::has_erased_addresses(self.conn)
    }

    fn append_changes(&mut self, changes: &[NewChange]) -> Result<()> {
        feed::append(self.conn, changes)
    }

    fn changes_after(&mut self, after: u64, limit: usize) -> Result<(Vec<Change>, u64)> {
        feed::after(self.conn, after, limit)
    }

    fn segment_members(
        &mut self,
        segment_id: &str,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        contacts::load_live(self.conn, Some(segment_id), after_id, limit)
    }

    fn suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>> {
        catalog::suppressions(self.conn, address)
    }

    fn put_suppressions(&mut self, address: &str, records: &[SuppressionRecord]) -> Result<()> {
        catalog::put_suppressions(self.conn, address, records)
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        catalog::categories(self.conn)
    }

    fn category(&mut self, key: &str) -> Result<Option<Category>> {
        catalog::category(self.conn, key)
    }

    fn put_category(&mut self, category: &Category) -> Result<()> {
        catalog::put_category(self.conn, category)
    }

    fn segments(&mut self) -> Result<Vec<Segment>> {
        catalog::segments(self.conn)
    }

    fn segment(&mut self, id: &str) -> Result<Option<Segment>> {
        catalog::segment(self.conn, id)
    }

    fn put_segment(&mut self, segment: &Segment) -> Result<()> {
        catalog::put_segment(self.conn, segment)
    }

    fn field_definitions(&mut self) -> Result<Vec<FieldDefinition>> {
        catalog::field_definitions(self.conn)
    }

    fn put_field_definition(&mut self, definition: &FieldDefinition) -> Result<()> {
        catalog::put_field_definition(self.conn, definition)
    }

    fn delete_category(&mut self, key: &str) -> Result<()> {
        catalog::delete_category(self.conn, key)
    }

    fn delete_segment(&mut self, id: &str) -> Result<()> {
        catalog::delete_segment(self.conn, id)
    }

    fn delete_field_definition(&mut self, key: &str) -> Result<()> {
        catalog::delete_field_definition(self.conn, key)
    }

    fn campaign(&mut self, contact_id: &str, message_id: &str) -> Result<Option<Activity>> {
        activities::campaign(self.conn, contact_id, message_id)
    }

    fn order(&mut self, external_id: &str) -> Result<Option<Activity>> {
        activities::order(self.conn, external_id)
    }

    fn put_activity(&mut self, activity: &Activity) -> Result<()> {
        activities::put(self.conn, activity)
    }

    fn activities(&mut self, contact_id: &str, filter: &ActivityFilter) -> Result<Vec<Activity>> {
        activities::query(self.conn, contact_id, filter)
    }
}

/// Any SQLite failure as the public storage error.
fn storage_error(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner)
        | rusqlite::Error::ToSqlConversionFailure(inner) => match inner.downcast::<Error>() {
            Ok(error) => *error,
            Err(other) => Error::storage(other.to_string()),
        },
        other => {
            // Another connection held the lock past the busy timeout: later, it may not.
            let busy = matches!(
                other.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            );
            Error::storage_from(other.to_string(), other, busy)
        }
    }
}

/// Carries a decoding error of ours through rusqlite's row-reading closures.
fn decoded<T>(result: Result<T>) -> rusqlite::Result<T> {
    result.map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn reason_of(e: Error) -> String {
    match e {
        Error::Storage { reason, .. } => reason,
        other => other.to_string(),
    }
}
