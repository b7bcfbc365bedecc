//! The schema and its versioned migrations. `PRAGMA user_version` holds the number of
//! migrations applied; opening a file runs the missing ones in one transaction, and
//! refuses a file made by a newer ContactKit without touching it.

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;

use crate::{Error, Result};

/// Migration `i` brings a file from version `i` to `i + 1`. Append only: a shipped
/// migration is never edited, so every file upgrades along the same path.
const MIGRATIONS: &[&str] = &[
    // 1: contacts, channels, consent and catalogues.
    r#"
    CREATE TABLE contacts (
        id               TEXT PRIMARY KEY,
        external_id      TEXT UNIQUE,
        contact_key      TEXT UNIQUE,
        first_name       TEXT,
        last_name        TEXT,
        email            TEXT UNIQUE,
        email_confirmed  INTEGER NOT NULL,
        phone            TEXT UNIQUE,
        phone_confirmed  INTEGER NOT NULL,
        telegram_bot_id  TEXT,
        telegram_chat_id TEXT,
        address_country  TEXT,
        address_region   TEXT,
        address_town     TEXT,
        address_street   TEXT,
        address_postcode TEXT,
        location         TEXT,
        timezone         TEXT,
        language         TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        source           TEXT NOT NULL,
        deleted_at       INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX contacts_live ON contacts (id) WHERE deleted_at IS NULL;

    CREATE TABLE devices (
        contact_id    TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        app_id        TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        token         TEXT UNIQUE,
        platform      TEXT NOT NULL,
        model         TEXT,
        os            TEXT,
        os_version    TEXT,
        locale        TEXT,
        app_version   TEXT,
        active        INTEGER NOT NULL,
        registered_at INTEGER NOT NULL,
        last_seen_at  INTEGER NOT NULL,
        PRIMARY KEY (contact_id, app_id, device_id)
    ) WITHOUT ROWID;

    CREATE TABLE web_push (
        endpoint          TEXT PRIMARY KEY,
        contact_id        TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position          INTEGER NOT NULL,
        p256dh            TEXT NOT NULL,
        auth              TEXT NOT NULL,
        user_agent        TEXT,
        language          TEXT,
        os                TEXT,
        subscription_page TEXT,
        created_at        INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX web_push_by_contact ON web_push (contact_id, position);

    CREATE TABLE categories (
        key        TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        segment_id TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE contact_categories (
        contact_id   TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        category_key TEXT NOT NULL REFERENCES categories (key),
        PRIMARY KEY (contact_id, category_key)
    ) WITHOUT ROWID;

    CREATE TABLE segments (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        category_key TEXT
    ) WITHOUT ROWID;

    CREATE TABLE segment_members (
        segment_id TEXT NOT NULL REFERENCES segments (id),
        contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        PRIMARY KEY (segment_id, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX segment_members_by_contact ON segment_members (contact_id);

    CREATE TABLE field_definitions (
        key        TEXT PRIMARY KEY,
        definition TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE field_values (
        contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        key        TEXT NOT NULL,
        type       TEXT NOT NULL,
        value      TEXT NOT NULL,
        PRIMARY KEY (contact_id, key)
    ) WITHOUT ROWID;

    CREATE TABLE suppressions (
        address   TEXT NOT NULL,
        position  INTEGER NOT NULL,
        channel   TEXT NOT NULL,
        kind      TEXT NOT NULL,
        at        INTEGER NOT NULL,
        reason    TEXT,
        lifted_at INTEGER,
        lift_note TEXT,
        PRIMARY KEY (address, position)
    ) WITHOUT ROWID;

    "#,
    // 2: the activity timeline.
    r#"
    CREATE TABLE activities (
        id                TEXT PRIMARY KEY,
        contact_id        TEXT NOT NULL REFERENCES contacts (id),
        kind              TEXT NOT NULL,
        at                INTEGER NOT NULL,
        message_id        TEXT,
        order_external_id TEXT UNIQUE,
        detail            TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX activities_by_contact_time ON activities (contact_id, at, id);
    CREATE INDEX activities_by_contact_kind_time ON activities (contact_id, kind, at, id);
    CREATE UNIQUE INDEX activities_campaign_message ON activities (contact_id, message_id)
        WHERE message_id IS NOT NULL;
    "#,
    // 3: the Telegram chat is a changeable identifier, unique in the book. A chat that
    // several contacts held (version 2 let them) stays with the one changed last.
    r#"
    UPDATE contacts SET telegram_bot_id = NULL, telegram_chat_id = NULL
    WHERE telegram_chat_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM contacts AS later
        WHERE later.telegram_chat_id = contacts.telegram_chat_id
          AND (later.updated_at > contacts.updated_at
               OR (later.updated_at = contacts.updated_at AND later.id > contacts.id))
    );
    CREATE UNIQUE INDEX contacts_telegram_chat ON contacts (telegram_chat_id)
        WHERE telegram_chat_id IS NOT NULL;
    "#,
    // 4: dynamic segments keep their rule (JSON).
    r#"
    ALTER TABLE segments ADD COLUMN rule TEXT;
    "#,
    // 5: the change feed, one row per change; `seq` is the rowid (never reused: no row
    // is ever deleted).
    r#"
    CREATE TABLE changes (
        seq        INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        op         TEXT NOT NULL,
        contact_id TEXT,
        from_id    TEXT
    );
    "#,
    // 6: profile lifecycle. The ids of merged-away contacts, each with the contact it
    // lives on in; the book's secrets, made here: the key that hashes an erased
    // contact's addresses (SQLite's randomblob draws from the OS's randomness).
    r#"
    CREATE TABLE merged_ids (
        id         TEXT PRIMARY KEY,
        contact_id TEXT NOT NULL REFERENCES contacts (id)
    ) WITHOUT ROWID;
    CREATE INDEX merged_ids_by_contact ON merged_ids (contact_id);
    CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO secrets (name, value) VALUES ('erasure', randomblob(32));
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of every ContactKit book ("CtKt"): tells our files apart
/// from other applications' SQLite databases.
pub const APPLICATION_ID: i32 = 0x4374_4b74;

/// The tables the migrations create. A file without an application id (a book from
/// before it was set, or an empty database) is ours only if it holds these alone.
const TABLES: &[&str] = &[
    "activities",
    "categories",
    "changes",
    "contact_categories",
    "contacts",
    "devices",
    "field_definitions",
    "field_values",
    "merged_ids",
    "secrets",
    "segment_members",
    "segments",
    "suppressions",
    "web_push",
];

/// The schema version of an open file (0 for a new, empty one).
pub fn version(conn: &Connection) -> Result<i64> {
    pragma(conn, "user_version")
}

fn pragma(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
        .map_err(|e| Error::storage(format!("cannot read the file as a ContactKit book: {e}")))
}

/// Checks, without changing a byte of it or of its WAL, that the file at `path` can
/// be opened as a book: absent or empty (a new book), or a ContactKit book no newer
/// than this build. Another application's database, a file that is not SQLite and a
/// newer book are refused.
///
/// The file is read only through SQLite, never opened with `std::fs`: closing any
/// descriptor of a file drops every POSIX lock this process holds on it, which would
/// silently unlock the other books this process has open on the same file.
///
/// `busy_timeout` is how long to wait for another process that is creating or
/// migrating the same file (the header and tables are read under its lock).
pub fn inspect(path: &Path, busy_timeout: std::time::Duration) -> Result<()> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::storage(format!("cannot read the file: {e}"))),
        Ok(metadata) if metadata.len() == 0 => return Ok(()),
        Ok(_) => {}
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::storage(format!("cannot read the file: {e}")))?;
    conn.busy_timeout(busy_timeout)
        .map_err(|e| Error::storage(format!("cannot read the file: {e}")))?;
    // One snapshot for the three reads: another process creating the book may commit
    // between them, and tables seen with the header from before that commit would look
    // like another application's database.
    conn.execute_batch("BEGIN")
        .map_err(|e| Error::storage(format!("cannot read the file: {e}")))?;
    let application_id = pragma(&conn, "application_id").map_err(not_a_book)?;
    let version = version(&conn)?;
    let tables = table_names(&conn)?;
    conn.execute_batch("COMMIT")
        .map_err(|e| Error::storage(format!("cannot read the file: {e}")))?;
    let ours = match application_id {
        id if id == i64::from(APPLICATION_ID) => true,
        0 if version == 0 => tables.is_empty(),
        0 => {
            tables.iter().any(|table| table == "contacts")
                && tables.iter().all(|table| TABLES.contains(&table.as_str()))
        }
        _ => false,
    };
    if !ours {
        return Err(Error::storage(format!(
            "not a ContactKit book (application id {application_id}, tables: {}); another application's database is left as it is",
            tables.join(", ")
        )));
    }
    refuse_newer(version)
}

/// SQLite's first read of a file that is not a database ("file is not a database").
fn not_a_book(error: Error) -> Error {
    match error {
        Error::Storage { reason, .. } => Error::storage(format!("not a ContactKit book: {reason}")),
        other => other,
    }
}

fn table_names(conn: &Connection) -> Result<Vec<String>> {
    let read = || -> rusqlite::Result<Vec<String>> {
        let mut statement = conn.prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = statement.query_map([], |row| row.get(0))?;
        names.collect()
    };
    read().map_err(|e| Error::storage(format!("cannot read the file's tables: {e}")))
}

fn refuse_newer(found: i64) -> Result<()> {
    if found > CURRENT_VERSION {
        return Err(Error::storage(format!(
            "the file has schema version {found}, newer than this ContactKit supports ({CURRENT_VERSION}); upgrade ContactKit to open it"
        )));
    }
    Ok(())
}

/// Applies the missing migrations in one immediate transaction (so two processes
/// opening a new file at once do not both migrate), and marks the file as a book. A
/// book already up to date is only read.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    // An up-to-date book needs no write: opening it must not wait for a writer.
    if version(conn)? == CURRENT_VERSION
        && pragma(conn, "application_id")? == i64::from(APPLICATION_ID)
    {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(super::storage_error)?;
    let found = version(&tx)?;
    refuse_newer(found)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql).map_err(|e| {
            Error::storage(format!("migration to version {} failed: {e}", index + 1))
        })?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(super::storage_error)?;
    }
    if pragma(&tx, "application_id")? != i64::from(APPLICATION_ID) {
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(super::storage_error)?;
    }
    tx.commit().map_err(super::storage_error)
}

/// The SQL of migrations up to `version`, for tests that build an older file.
#[doc(hidden)]
pub fn migrations_up_to(version: usize) -> &'static [&'static str] {
    &MIGRATIONS[..version.min(MIGRATIONS.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_list_is_what_the_migrations_create() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(table_names(&conn).unwrap(), TABLES);
        assert_eq!(
            pragma(&conn, "application_id").unwrap(),
            i64::from(APPLICATION_ID)
        );
    }
}
