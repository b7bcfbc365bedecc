//! The schema and its versioned migrations. `PRAGMA user_version` holds the number of
//! migrations applied; opening a file runs the missing ones in one transaction, and
//! refuses a file made by a newer ContactKit without touching it.

use rusqlite::{Connection, TransactionBehavior};

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
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version of an open file (0 for a new, empty one).
pub fn version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| {
            Error::storage(format!(
                "cannot read the file as a ContactKit database: {e}"
            ))
        })
}

/// Refuses a file written by a newer ContactKit, before anything touches it.
pub fn check_not_newer(conn: &Connection) -> Result<()> {
    let found = version(conn)?;
    if found > CURRENT_VERSION {
        return Err(Error::storage(format!(
            "the file has schema version {found}, newer than this ContactKit supports ({CURRENT_VERSION}); upgrade ContactKit to open it"
        )));
    }
    Ok(())
}

/// Applies the missing migrations in one immediate transaction (so two processes
/// opening a new file at once do not both migrate).
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(super::storage_error)?;
    let found = version(&tx)?;
    if found > CURRENT_VERSION {
        return Err(Error::storage(format!(
            "the file has schema version {found}, newer than this ContactKit supports ({CURRENT_VERSION})"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql).map_err(|e| {
            Error::storage(format!("migration to version {} failed: {e}", index + 1))
        })?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .map_err(super::storage_error)?;
    }
    tx.commit().map_err(super::storage_error)
}

/// The SQL of migrations up to `version`, for tests that build an older file.
#[doc(hidden)]
pub fn migrations_up_to(version: usize) -> &'static [&'static str] {
    &MIGRATIONS[..version.min(MIGRATIONS.len())]
}
