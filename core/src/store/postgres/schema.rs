//! The schema and its versioned migrations. The table `contactkit_book` marks a schema
//! as a book and holds the number of migrations applied; connecting runs the missing
//! ones in one transaction under an advisory lock, and refuses a schema that holds
//! other tables or a book made by a newer ContactKit, without creating or changing
//! anything in it.
//!
//! The tables mirror the SQLite store's (same names, columns and unique constraints),
//! with PostgreSQL's types: `BOOLEAN` for flags, `BIGINT` milliseconds for times (as
//! SQLite keeps them, so both stores compare the same integers), `TEXT` elsewhere.
//! Ids and keys that listings are ordered by are `COLLATE "C"`: pages must come in
//! byte order, as in the other stores, whatever the database's locale.
//! Constraints are named, so a unique violation can name the field it guards.

use crate::{Error, Result};
use postgres::Client;

/// Migration `i` brings a book from version `i` to `i + 1`. Append only: a shipped
/// migration is never edited, so every book upgrades along the same path.
const MIGRATIONS: &[&str] = &[
    // 1: contacts, channels, consent, catalogues and the activity timeline.
    r#"
    CREATE TABLE contacts (
        id               TEXT COLLATE "C" NOT NULL,
        external_id      TEXT,
        contact_key      TEXT,
        first_name       TEXT,
        last_name        TEXT,
        email            TEXT,
        email_confirmed  BOOLEAN NOT NULL,
        phone            TEXT,
        phone_confirmed  BOOLEAN NOT NULL,
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
        created_at       BIGINT NOT NULL,
        updated_at       BIGINT NOT NULL,
        source           TEXT NOT NULL,
        deleted_at       BIGINT,
        CONSTRAINT contacts_pkey PRIMARY KEY (id),
        CONSTRAINT contacts_external_id_key UNIQUE (external_id),
        CONSTRAINT contacts_contact_key_key UNIQUE (contact_key),
        CONSTRAINT contacts_email_key UNIQUE (email),
        CONSTRAINT contacts_phone_key UNIQUE (phone)
    );
    CREATE INDEX contacts_live ON contacts (id) WHERE deleted_at IS NULL;
    CREATE UNIQUE INDEX contacts_telegram_chat ON contacts (telegram_chat_id)
        WHERE telegram_chat_id IS NOT NULL;

    CREATE TABLE devices (
        contact_id    TEXT COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        app_id        TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        token         TEXT,
        platform      TEXT NOT NULL,
        model         TEXT,
        os            TEXT,
        os_version    TEXT,
        locale        TEXT,
        app_version   TEXT,
        active        BOOLEAN NOT NULL,
        registered_at BIGINT NOT NULL,
        last_seen_at  BIGINT NOT NULL,
        CONSTRAINT devices_pkey PRIMARY KEY (contact_id, app_id, device_id),
        CONSTRAINT devices_token_key UNIQUE (token)
    );

    CREATE TABLE web_push (
        endpoint          TEXT NOT NULL,
        contact_id        TEXT COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position          INTEGER NOT NULL,
        p256dh            TEXT NOT NULL,
        auth              TEXT NOT NULL,
        user_agent        TEXT,
        language          TEXT,
        os                TEXT,
        subscription_page TEXT,
        created_at        BIGINT NOT NULL,
        CONSTRAINT web_push_pkey PRIMARY KEY (endpoint)
    );
    CREATE INDEX web_push_by_contact ON web_push (contact_id, position);

    CREATE TABLE categories (
        key        TEXT COLLATE "C" NOT NULL,
        title      TEXT NOT NULL,
        segment_id TEXT COLLATE "C" NOT NULL,
        CONSTRAINT categories_pkey PRIMARY KEY (key)
    );

    CREATE TABLE contact_categories (
        contact_id   TEXT COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        category_key TEXT COLLATE "C" NOT NULL REFERENCES categories (key),
        CONSTRAINT contact_categories_pkey PRIMARY KEY (contact_id, category_key)
    );

    CREATE TABLE segments (
        id           TEXT COLLATE "C" NOT NULL,
        name         TEXT NOT NULL,
        category_key TEXT COLLATE "C",
        CONSTRAINT segments_pkey PRIMARY KEY (id)
    );

    CREATE TABLE segment_members (
        segment_id TEXT COLLATE "C" NOT NULL REFERENCES segments (id),
        contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        CONSTRAINT segment_members_pkey PRIMARY KEY (segment_id, contact_id)
    );
    CREATE INDEX segment_members_by_contact ON segment_members (contact_id);

    CREATE TABLE field_definitions (
        key        TEXT COLLATE "C" NOT NULL,
        definition TEXT NOT NULL,
        CONSTRAINT field_definitions_pkey PRIMARY KEY (key)
    );

    CREATE TABLE field_values (
        contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        key        TEXT COLLATE "C" NOT NULL,
        type       TEXT NOT NULL,
        value      TEXT NOT NULL,
        CONSTRAINT field_values_pkey PRIMARY KEY (contact_id, key)
    );

    CREATE TABLE suppressions (
        address   TEXT NOT NULL,
        position  INTEGER NOT NULL,
        channel   TEXT NOT NULL,
        kind      TEXT NOT NULL,
        at        BIGINT NOT NULL,
        reason    TEXT,
        lifted_at BIGINT,
        lift_note TEXT,
        CONSTRAINT suppressions_pkey PRIMARY KEY (address, position)
    );

    CREATE TABLE activities (
        id                TEXT COLLATE "C" NOT NULL,
        contact_id        TEXT COLLATE "C" NOT NULL REFERENCES contacts (id),
        kind              TEXT NOT NULL,
        at                BIGINT NOT NULL,
        message_id        TEXT,
        order_external_id TEXT,
        detail            TEXT NOT NULL,
        CONSTRAINT activities_pkey PRIMARY KEY (id),
        CONSTRAINT activities_order_external_id_key UNIQUE (order_external_id)
    );
    CREATE INDEX activities_by_contact_time ON activities (contact_id, at, id);
    CREATE INDEX activities_by_contact_kind_time ON activities (contact_id, kind, at, id);
    CREATE UNIQUE INDEX activities_campaign_message ON activities (contact_id, message_id)
        WHERE message_id IS NOT NULL;
    "#,
    // 2: dynamic segments keep their rule (JSON).
    r#"
    ALTER TABLE segments ADD COLUMN rule TEXT;
    "#,
    // 3: the change feed, and the sequence its seqs come from (see `feed`).
    r#"
    CREATE TABLE changes (
        seq        BIGINT NOT NULL,
        at         BIGINT NOT NULL,
        op         TEXT NOT NULL,
        contact_id TEXT COLLATE "C",
        from_id    TEXT COLLATE "C",
        CONSTRAINT changes_pkey PRIMARY KEY (seq)
    );
    CREATE SEQUENCE change_seq;
    "#,
    // 4: profile lifecycle. The ids of merged-away contacts, each with the contact it
    // lives on in; the book's secrets: the key that hashes an erased contact's
    // addresses, 32 bytes from two v4 UUIDs (gen_random_uuid draws from the server's
    // strong random source; 244 random bits); an index of the erased addresses alone,
    // so asking whether there are any is one probe of an (almost always) empty index.
    r#"
    CREATE TABLE merged_ids (
        id         TEXT COLLATE "C" NOT NULL,
        contact_id TEXT COLLATE "C" NOT NULL REFERENCES contacts (id),
        CONSTRAINT merged_ids_pkey PRIMARY KEY (id)
    );
    CREATE INDEX merged_ids_by_contact ON merged_ids (contact_id);
    CREATE TABLE secrets (
        name  TEXT NOT NULL,
        value BYTEA NOT NULL,
        CONSTRAINT secrets_pkey PRIMARY KEY (name)
    );
    INSERT INTO secrets (name, value) VALUES ('erasure', decode(
        replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
    CREATE INDEX suppressions_erased ON suppressions (address)
        WHERE address LIKE 'erased:%';
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i32 = MIGRATIONS.len() as i32;

/// The table that marks a schema as a ContactKit book.
pub const BOOK_TABLE: &str = "contactkit_book";

/// What `contactkit_book.application` holds in every book.
pub const APPLICATION: &str = "contactkit";

/// The key of the advisory lock migrations hold ("CtKtMigr"): one lock for every
/// book of a database, since migrating is rare and quick.
pub const MIGRATION_LOCK: i64 = 0x4374_4b74_4d69_6772;

/// The tables the migrations create, with the marker table.
pub const TABLES: &[&str] = &[
    "activities",
    "categories",
    "changes",
    "contact_categories",
    "contactkit_book",
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

/// What a schema holds, as far as opening a book is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// The schema does not exist yet.
    NoSchema,
    /// A book (0 for an empty schema, a new book).
    Book(i32),
}

/// Makes `schema` a book of this version: creates it when missing, applies the
/// missing migrations, or leaves it alone when it is up to date (then it is only
/// read). Refuses, untouched, a schema that holds other tables and a newer book.
pub fn prepare(client: &mut Client, schema: &str) -> Result<()> {
    // An up-to-date book needs no write and no lock: connecting must not wait for a
    // process that is migrating another book of the database.
    if inspect(client, schema)? == Found::Book(CURRENT_VERSION) {
        return Ok(());
    }
    let mut tx = client.transaction().map_err(failed)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(failed)?;
    // Looked at again under the lock: another process may have migrated meanwhile.
    let found = match inspect(&mut tx, schema)? {
        Found::NoSchema => {
            tx.batch_execute(&format!("CREATE SCHEMA \"{schema}\""))
                .map_err(|e| {
                    Error::storage(format!(
                        "cannot create schema {schema}: {}",
                        super::describe(&e)
                    ))
                })?;
            0
        }
        Found::Book(version) => version,
    };
    if found == 0 {
        tx.batch_execute(&format!(
            "CREATE TABLE \"{schema}\".{BOOK_TABLE} (application TEXT NOT NULL, version INTEGER NOT NULL);
             INSERT INTO \"{schema}\".{BOOK_TABLE} (application, version) VALUES ('{APPLICATION}', 0);"
        ))
        .map_err(|e| {
            Error::storage(format!(
                "cannot make schema {schema} a book: {}",
                super::describe(&e)
            ))
        })?;
    }
    // The connection's search_path is the schema alone: unqualified names in the
    // migrations land there.
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(sql).map_err(|e| {
            Error::storage(format!(
                "migration of schema {schema} to version {version} failed: {}",
                super::describe(&e)
            ))
        })?;
        tx.execute(
            &format!("UPDATE \"{schema}\".{BOOK_TABLE} SET version = $1"),
            &[&version],
        )
        .map_err(failed)?;
    }
    tx.commit().map_err(failed)
}

/// Reads what `schema` holds, writing nothing: whether it exists, its tables, and the
/// marker table's row. Anything but an empty schema or one ContactKit book no newer
/// than this build is an error.
fn inspect(client: &mut impl postgres::GenericClient, schema: &str) -> Result<Found> {
    let exists: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
            &[&schema],
        )
        .and_then(|row| row.try_get(0))
        .map_err(failed)?;
    if !exists {
        return Ok(Found::NoSchema);
    }
    let tables: Vec<String> = client
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1",
            &[&schema],
        )
        .and_then(|rows| rows.iter().map(|row| row.try_get(0)).collect())
        .map_err(failed)?;
    if tables.is_empty() {
        return Ok(Found::Book(0));
    }
    let not_ours = || {
        Error::storage(format!(
            "not a ContactKit book: schema {schema} holds tables {}; left as it is",
            tables.join(", ")
        ))
    };
    if !tables.iter().any(|table| table == BOOK_TABLE) {
        return Err(not_ours());
    }
    // Another application's table of the same name may have other columns: any
    // failure to read it the way ContactKit writes it means the schema is not ours.
    let rows = client
        .query(
            &format!("SELECT application, version FROM \"{schema}\".{BOOK_TABLE}"),
            &[],
        )
        .map_err(|_| not_ours())?;
    let marker: Vec<(String, i32)> = rows
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<std::result::Result<_, postgres::Error>>()
        .map_err(|_| not_ours())?;
    let version = match marker.as_slice() {
        [(application, version)] if application == APPLICATION => *version,
        _ => return Err(not_ours()),
    };
    if version > CURRENT_VERSION {
        return Err(Error::storage(format!(
            "schema {schema} holds a book of schema version {version}, newer than this ContactKit supports ({CURRENT_VERSION}); upgrade ContactKit to open it"
        )));
    }
    Ok(Found::Book(version))
}

fn failed(e: postgres::Error) -> Error {
    Error::storage(super::describe(&e))
}

/// The SQL of migrations up to `version`, for tests that build an older book.
#[doc(hidden)]
pub fn migrations_up_to(version: usize) -> &'static [&'static str] {
    &MIGRATIONS[..version.min(MIGRATIONS.len())]
}
