//! The server store: a book in a PostgreSQL database, shared by every process and host
//! that connects to it (rust-postgres's blocking client, pooled by r2d2).
//!
//! - [`PostgresStore::connect`] takes a `postgres://` / `postgresql://` URL. A first
//!   connection is made directly (not through the pool, which would retry until its
//!   timeout), so an unreachable server, a wrong password or an unknown database fails
//!   at once with the reason.
//! - A book lives in one schema ([`PostgresOptions::schema`], `public` by default), so
//!   several books can share a database. Every pooled connection sets its
//!   `search_path` to that schema alone. A schema holding tables that are not
//!   ContactKit's, and a book a newer ContactKit wrote, are refused with nothing
//!   created or changed in them.
//! - Migrations run once, in one transaction under a PostgreSQL advisory lock, so two
//!   processes connecting to a new schema at once do not both migrate; an up-to-date
//!   book is only read.
//! - A unit of work that writes is a `SERIALIZABLE` transaction; a read-only one is
//!   `REPEATABLE READ, READ ONLY` (one snapshot, never waiting for writers, and a write
//!   inside it fails). A serialization failure or deadlock, from any statement or from
//!   `COMMIT`, rolls back and runs the work again, up to [`MAX_ATTEMPTS`] times.
//! - A unique violation that reaches the store (two writers racing for one email) is a
//!   [`Error::Conflict`] naming the field, never a storage error.
//! - Each operation sends a small, fixed number of statements: a page of contacts
//!   loads the children of the whole page with one statement per child table, and
//!   saved contacts are kept in the unit and sent together, before a read that could
//!   see them, another write or `COMMIT`, with one multi-row `INSERT … SELECT FROM
//!   unnest(…)` per table: an import batch of 4000 new contacts is about a dozen
//!   statements (see `batch`). Statements are prepared once per connection.
//!
//! See `docs/storage.md` ("PostgreSQL") for the schema, its indexes and why.

mod activities;
mod batch;
mod catalog;
mod contacts;
mod feed;
mod lifecycle;
mod rules;
pub mod schema;

use super::{Access, ActivityFilter, Parts, Store, Transaction};
use crate::model::{
    Activity, Category, ContactRecord, FieldDefinition, Identifier, Segment, SuppressionRecord,
};
use crate::{Error, Result};
use postgres::error::{DbError, SqlState};
use postgres::types::ToSql;
use postgres::{Client, Config, IsolationLevel, NoTls, Row, Statement};
use r2d2::{CustomizeConnection, HandleError, Pool, PooledConnection};
use r2d2_postgres::PostgresConnectionManager;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a unit of work is tried when concurrent writers keep invalidating it
/// (serialization failures, deadlocks) before the store gives up.
pub const MAX_ATTEMPTS: u32 = 10;

/// Settings for connecting to a PostgreSQL book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The schema the book lives in, so several books can share one database;
    /// `None` for `public`. A plain lowercase identifier (`[a-z_][a-z0-9_]*`, at most
    /// 63 bytes), created if missing.
    pub schema: Option<String>,
    /// The most connections the store keeps open at once (each unit of work holds
    /// one while it runs); at least 1.
    pub pool_size: u32,
    /// How long a new connection may take, and how long a unit of work waits for a
    /// free connection of the pool. A `connect_timeout` in the URL wins for the
    /// former.
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            schema: None,
            pool_size: 8,
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl PostgresOptions {
    /// The options as a binding is given them, each one not given at its default: the
    /// one place the defaults are filled in for every language.
    pub fn given(
        schema: Option<String>,
        pool_size: Option<u32>,
        connect_timeout: Option<Duration>,
    ) -> Self {
        let defaults = PostgresOptions::default();
        PostgresOptions {
            schema,
            pool_size: pool_size.unwrap_or(defaults.pool_size),
            connect_timeout: connect_timeout.unwrap_or(defaults.connect_timeout),
        }
    }
}

impl PostgresOptions {
    /// The longest name PostgreSQL keeps whole (`NAMEDATALEN - 1` bytes): a longer one
    /// would be cut silently and could name another book's schema.
    pub const MAX_SCHEMA_BYTES: usize = 63;

    /// Refuses settings the store cannot use, naming the setting.
    pub fn check(&self) -> Result<()> {
        if let Some(schema) = &self.schema {
            check_schema_name(schema)?;
        }
        if self.pool_size == 0 {
            return Err(Error::validation(
                "pool_size",
                "0",
                "must be at least 1 connection",
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::validation(
                "connect_timeout",
                "0 ms",
                "must be longer than zero",
            ));
        }
        Ok(())
    }

    /// The schema the book lives in.
    fn schema_name(&self) -> &str {
        self.schema.as_deref().unwrap_or("public")
    }
}

/// A schema name is spliced into `CREATE SCHEMA` and `SET search_path` (identifiers
/// cannot be bound as parameters): only plain lowercase identifiers are taken, which
/// need no quoting and mean the same quoted or not.
fn check_schema_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("must not be empty")
    } else if name.len() > PostgresOptions::MAX_SCHEMA_BYTES {
        Some("longer than 63 bytes, the most PostgreSQL keeps")
    } else if !name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
    {
        Some("must start with a lowercase letter a-z or an underscore")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        Some("may hold only lowercase letters a-z, digits and underscores")
    } else if name.starts_with("pg_") {
        Some("names starting with pg_ are reserved by PostgreSQL")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::validation("schema", name, reason)),
        None => Ok(()),
    }
}

type Manager = PostgresConnectionManager<NoTls>;
type Connection = PooledConnection<Manager>;

/// A contact book kept in a PostgreSQL schema.
pub struct PostgresStore {
    pool: Pool<Manager>,
    schema: String,
    /// The latest reason the pool failed to open a connection (r2d2's own error only
    /// says it timed out).
    last_connect_error: Arc<Mutex<Option<String>>>,
    /// Statements sent to the server by units of work (not counting `BEGIN`,
    /// `COMMIT` and `ROLLBACK`).
    statements: Arc<AtomicU64>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pool's configuration holds the password: only say which book this is.
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("connections", &self.pool.state().connections)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`, or
    /// `postgresql://…`, with libpq's query options such as `?sslmode=disable`) and
    /// opens the book in [`PostgresOptions::schema`], creating it and bringing it up
    /// to date when it is new or older.
    ///
    /// Every failure is an [`Error::Storage`] saying what is wrong (an unreadable
    /// URL, an unreachable server with its host, port and the system's reason,
    /// PostgreSQL's own message for a wrong password, an unknown role or database, a
    /// schema that is not a ContactKit book, a book newer than this build) and never
    /// repeats the password; an invalid option is an [`Error::Validation`] on it.
    /// TLS is not supported yet: the connection is plain TCP or a Unix socket.
    pub fn connect(url: &str, options: &PostgresOptions) -> Result<PostgresStore> {
        options.check()?;
        let mut config = parse_url(url)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.connect_timeout);
        }
        if config.get_application_name().is_none() {
            config.application_name("contactkit");
        }
        let schema = options.schema_name().to_string();
        let search_path = format!("SET search_path TO \"{schema}\"");

        // The first connection directly: the pool would retry a wrong password until
        // its timeout and then report only that it timed out.
        let mut first = config
            .connect(NoTls)
            .map_err(|e| connect_error(&config, &e))?;
        first
            .batch_execute(&search_path)
            .map_err(|e| Error::storage(describe(&e)))?;
        schema::prepare(&mut first, &schema)?;
        drop(first);

        let last_connect_error = Arc::new(Mutex::new(None));
        let pool = Pool::builder()
            .max_size(options.pool_size)
            .min_idle(Some(0))
            .test_on_check_out(false)
            .connection_timeout(options.connect_timeout)
            .error_handler(Box::new(RememberError {
                last: last_connect_error.clone(),
                config: config.clone(),
            }))
            .connection_customizer(Box::new(SearchPath { sql: search_path }))
            .build_unchecked(PostgresConnectionManager::new(config, NoTls));
        Ok(PostgresStore {
            pool,
            schema,
            last_connect_error,
            statements: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The schema the book lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// How many statements the store's units of work have sent to the server so far
    /// (`BEGIN`, `COMMIT` and `ROLLBACK` aside): a test or a dashboard can check that
    /// an operation costs a small, fixed number of round trips.
    pub fn statements_sent(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    fn connection(&self) -> Result<Connection> {
        self.pool.get().map_err(|e| {
            let last = self
                .last_connect_error
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone();
            // The server may be back, or a connection free, a moment later.
            let reason = match last {
                Some(reason) => format!("no PostgreSQL connection: {reason}"),
                None => format!("no PostgreSQL connection: {e}"),
            };
            Error::storage_from(reason, e, true)
        })
    }
}

/// A `postgres://` or `postgresql://` URL as the client's settings. Other forms that
/// rust-postgres reads (libpq's `key=value` strings) are refused: the book tells a
/// file path from a server by the URL's scheme.
/// The longest URL taken (libpq's own buffers are far smaller): a longer one is hostile
/// or a mistake, and every message quoting its host would be as long.
pub const MAX_URL_BYTES: usize = 4096;

fn parse_url(url: &str) -> Result<Config> {
    if url.len() > MAX_URL_BYTES {
        // Its size, not its text: the text may hold a password.
        return Err(Error::validation(
            "url",
            format!("{} bytes", url.len()),
            format!("longer than {MAX_URL_BYTES} bytes"),
        ));
    }
    let scheme_ok = ["postgres://", "postgresql://"].iter().any(|scheme| {
        url.len() >= scheme.len() && url[..scheme.len()].eq_ignore_ascii_case(scheme)
    });
    if !scheme_ok {
        return Err(Error::storage(format!(
            "not a PostgreSQL URL: {} (expected postgres://user:password@host:port/database)",
            redacted(url)
        )));
    }
    url.parse::<Config>().map_err(|e| {
        Error::storage(format!(
            "not a PostgreSQL URL: {}: {}",
            redacted(url),
            describe(&e)
        ))
    })
}

/// A URL fit for an error message: the password (after `user:` or in a `password=`
/// query option) replaced by `***`. A text that does not read as a URL is shown only
/// when it cannot hold a password (no `@`, no `password`): one misplaced character
/// must not put the password in a log.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                // Only URLs that cannot have a password ("cannot be a base") refuse.
                let _ = parsed.set_password(Some("***"));
            }
            if parsed.query().is_some() {
                let pairs: Vec<(String, String)> = parsed
                    .query_pairs()
                    .map(|(key, value)| {
                        let hidden = key.eq_ignore_ascii_case("password");
                        let value = if hidden {
                            "***".into()
                        } else {
                            value.into_owned()
                        };
                        (key.into_owned(), value)
                    })
                    .collect();
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        Err(_) if url.contains('@') || url.to_ascii_lowercase().contains("password") => {
            "(not shown: it may hold a password)".to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// Where the URL points, for messages: `host:port` of each host, or a socket path.
fn servers(config: &Config) -> String {
    let ports = config.get_ports();
    config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            match host {
                postgres::config::Host::Tcp(name) => format!("{name}:{port}"),
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => {
                    format!("{}/.s.PGSQL.{port}", path.display())
                }
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A failed connection in plain words: PostgreSQL's own message when the server
/// answered (wrong password, unknown role or database: none of them repeats the
/// password), else the address tried and the system's reason.
fn connect_error(config: &Config, e: &postgres::Error) -> Error {
    let at = servers(config);
    match e.as_db_error() {
        Some(db) => Error::storage(format!(
            "PostgreSQL at {at} refused the connection: {}",
            db.message()
        )),
        None => Error::storage(format!("cannot reach PostgreSQL at {at}: {}", describe(e))),
    }
}

/// A rust-postgres error with its cause: its `Display` alone says only "db error" or
/// "error connecting to server".
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} ({})", db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Keeps the reason of the pool's latest failed connection for the error a unit of
/// work reports when it gets none (and keeps r2d2 from logging it).
#[derive(Debug)]
struct RememberError {
    last: Arc<Mutex<Option<String>>>,
    config: Config,
}

impl HandleError<postgres::Error> for RememberError {
    fn handle_error(&self, error: postgres::Error) {
        let reason = match connect_error(&self.config, &error) {
            Error::Storage { reason, .. } => reason,
            other => other.to_string(),
        };
        *self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(reason);
    }
}

/// Points every new connection of the pool at the book's schema.
#[derive(Debug)]
struct SearchPath {
    sql: String,
}

impl CustomizeConnection<Client, postgres::Error> for SearchPath {
    fn on_acquire(&self, client: &mut Client) -> std::result::Result<(), postgres::Error> {
        client.batch_execute(&self.sql)
    }
}

/// A connection's prepared statements by SQL text, kept with the connection in the
/// pool. The store's SQL is a fixed set of texts, so the map stays small.
#[derive(Default)]
struct Statements(HashMap<String, Statement>);

/// More texts than the store has means something builds SQL it should not: start over
/// rather than grow.
const MAX_STATEMENTS: usize = 256;

impl Store for PostgresStore {
    /// A unit the server aborts for a conflict with a concurrent one is run again.
    fn reruns_units(&self) -> bool {
        true
    }

    fn unit_of_work(
        &self,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Result<()> {
        // The pool does not test a connection before handing it out (that would be a
        // round trip per operation): one the server closed while it sat idle fails at
        // BEGIN, before any work, and another is taken in its stead (the pool drops the
        // closed one).
        for _ in 0..STALE_CONNECTIONS {
            let mut conn = self.connection()?;
            let mut statements = PooledConnection::extensions_mut(&mut conn)
                .remove::<Statements>()
                .unwrap_or_default();
            let outcome = self.run(&mut conn, &mut statements, access, work);
            PooledConnection::extensions_mut(&mut conn).insert(statements);
            match outcome {
                Ran::Stale(_) => continue,
                Ran::Done(outcome) => return outcome,
            }
        }
        let mut conn = self.connection()?;
        match self.run(&mut conn, &mut Statements::default(), access, work) {
            Ran::Stale(error) | Ran::Done(Err(error)) => Err(error),
            Ran::Done(Ok(())) => Ok(()),
        }
    }
}

/// Closed connections taken from the pool in a row before a unit of work reports the
/// failure instead of trying another (a restarted server closes every idle one).
const STALE_CONNECTIONS: usize = 8;

/// How a unit of work ended on one connection.
enum Ran {
    Done(Result<()>),
    /// The connection was closed before the work started: nothing ran.
    Stale(Error),
}

/// How one attempt at a unit of work ended.
enum Attempt {
    Done(Result<()>),
    /// A serialization failure or deadlock: roll back and run the work again.
    Retry(String),
    /// `BEGIN` found the connection closed: nothing ran.
    Stale(Error),
}

impl PostgresStore {
    /// Runs the work, again after a serialization failure or a deadlock, with a short
    /// randomised pause growing between attempts so that the writers that collided
    /// do not collide again in step.
    fn run(
        &self,
        client: &mut Client,
        statements: &mut Statements,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Ran {
        let mut last = String::new();
        for attempt in 1..=MAX_ATTEMPTS {
            match self.attempt(client, statements, access, work) {
                Attempt::Done(outcome) => return Ran::Done(outcome),
                // Only the first attempt can find the connection closed before any
                // work: a later one reports it like any failure.
                Attempt::Stale(error) if attempt == 1 => return Ran::Stale(error),
                Attempt::Stale(error) => return Ran::Done(Err(error)),
                Attempt::Retry(reason) => last = reason,
            }
            if attempt < MAX_ATTEMPTS {
                std::thread::sleep(backoff(attempt));
            }
        }
        Ran::Done(Err(Error::storage_transient(format!(
            "the unit of work kept colliding with concurrent writers and gave up after {MAX_ATTEMPTS} attempts: {last}"
        ))))
    }

    fn attempt(
        &self,
        client: &mut Client,
        statements: &mut Statements,
        access: Access,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<()>,
    ) -> Attempt {
        let builder = match access {
            Access::Write => client
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable),
            Access::Read => client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true),
        };
        let mut tx = match builder.start() {
            Ok(tx) => tx,
            // The connection failed before any work ran: no answer from the server, or
            // its last one, ending the session (a terminated backend, a shutdown).
            Err(e) if e.as_db_error().is_none_or(|db| db.severity() == "FATAL") => {
                return Attempt::Stale(Error::storage_from(
                    format!("the connection to PostgreSQL was lost: {}", describe(&e)),
                    e,
                    true,
                ))
            }
            Err(e) => return Attempt::Done(Err(Error::storage(describe(&e)))),
        };
        if statements.0.len() > MAX_STATEMENTS {
            statements.0.clear();
        }
        let mut session = Session {
            tx: &mut tx,
            statements,
            failed: None,
            sent: 0,
            buffering: access == Access::Write,
            pending: batch::Pending::default(),
            known: batch::Known::default(),
        };
        // The saves still pending go before COMMIT, and fail the unit as theirs would.
        let outcome = work(&mut session).and_then(|()| session.flush());
        let failed = session.failed.take();
        self.statements.fetch_add(session.sent, Ordering::Relaxed);
        match (outcome, failed) {
            (_, Some(Failure { retry: true, error })) => {
                // The server has aborted the transaction already; the rollback only
                // ends it, and an error doing so changes nothing.
                let _ = tx.rollback();
                Attempt::Retry(reason_of(error))
            }
            // A statement failed and the work carried on regardless: the server has
            // aborted the transaction, and its COMMIT would silently roll back.
            (Ok(()), Some(Failure { error, .. })) => Attempt::Done(Err(error)),
            (Err(error), _) => Attempt::Done(Err(error)),
            (Ok(()), None) => match tx.commit() {
                Ok(()) => Attempt::Done(Ok(())),
                Err(e) if is_retryable(&e) => Attempt::Retry(describe(&e)),
                Err(e) => Attempt::Done(Err(statement_error(&e))),
            },
        }
    }
}

/// The pause before attempt `attempt + 1`: about 2, 4, 8 … ms, at most about 100 ms,
/// each between half and one and a half times that.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let base_ms = (1u64 << attempt.min(6)).min(100);
    // A fresh random seed per call is randomness enough for spreading retries.
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let micros = base_ms * 500 + random % (base_ms * 1000);
    Duration::from_micros(micros)
}

/// PostgreSQL asks the client to run the transaction again.
fn is_retryable(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// A failed statement as the public error: a unique violation is a conflict on the
/// field the constraint guards, anything else a storage error with PostgreSQL's
/// message.
fn statement_error(e: &postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) if *db.code() == SqlState::UNIQUE_VIOLATION => conflict(db),
        Some(db)
            if *db.code() == SqlState::CHARACTER_NOT_IN_REPERTOIRE
                && db.message().contains("0x00") =>
        {
            Error::storage(format!(
                "PostgreSQL cannot keep the character U+0000 (NUL) in text: {}",
                describe(e)
            ))
        }
        _ => Error::storage(describe(e)),
    }
}

/// The unique constraints of the schema, by name: the field as the book names it and
/// who holds a clashing value, in words.
fn conflict(db: &DbError) -> Error {
    let lasting = |identifier: Identifier| (identifier.field(), "another contact");
    let (field, existing) = match db.constraint().unwrap_or_default() {
        "contacts_pkey" => ("id", "another contact"),
        "contacts_external_id_key" => lasting(Identifier::ExternalId(String::new())),
        "contacts_contact_key_key" => lasting(Identifier::ContactKey(String::new())),
        "contacts_email_key" => lasting(Identifier::Email(String::new())),
        "contacts_phone_key" => lasting(Identifier::Phone(String::new())),
        "contacts_telegram_chat" => lasting(Identifier::TelegramChat(String::new())),
        "devices_token_key" => lasting(Identifier::PushToken(String::new())),
        "web_push_pkey" => lasting(Identifier::WebPushEndpoint(String::new())),
        "devices_pkey" => ("mobile_push.device_id", "another device of the contact"),
        "activities_order_external_id_key" => ("external_id", "another order"),
        "activities_campaign_message" => ("message_id", "another campaign item of the contact"),
        "activities_pkey" => ("id", "another timeline item"),
        "categories_pkey" => ("key", "another category"),
        "segments_pkey" => ("id", "another segment"),
        "field_definitions_pkey" => ("key", "another field"),
        _ => (db.constraint().unwrap_or("unique value"), "another record"),
    };
    let value = db.detail().and_then(clashing_value).unwrap_or_default();
    Error::conflict(field, value, existing, "")
}

/// The value in PostgreSQL's detail of a unique violation,
/// `Key (email)=(ann@example.com) already exists.`
fn clashing_value(detail: &str) -> Option<&str> {
    let (_, rest) = detail.split_once(")=(")?;
    rest.strip_suffix(") already exists.")
}

fn reason_of(e: Error) -> String {
    match e {
        Error::Storage { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// A failed statement, kept until the attempt ends.
struct Failure {
    /// A serialization failure or deadlock: the work is run again.
    retry: bool,
    error: Error,
}

/// One unit of work's transaction, with the connection's prepared statements. After a
/// statement fails PostgreSQL refuses every other one until the rollback, so the first
/// failure is kept and answered again.
struct Session<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
    statements: &'a mut Statements,
    failed: Option<Failure>,
    sent: u64,
    /// Whether saves wait in `pending` (a write unit) or go at once (a read-only one,
    /// where the server refuses them).
    buffering: bool,
    /// Saved contacts not sent yet.
    pending: batch::Pending,
    /// Contacts and holders read and not changed since.
    known: batch::Known,
}

/// A statement's parameters.
type Params<'p> = [&'p (dyn ToSql + Sync)];

impl Session<'_, '_> {
    /// Sends the pending saves.
    fn flush(&mut self) -> Result<()> {
        contacts::flush(self)
    }

    /// Before a write that is not a contact save: the pending saves go first, so the
    /// server sees every write in the order the book made it.
    fn before_write(&mut self) -> Result<()> {
        self.flush()
    }

    /// Before a write that changes the rows of many contacts.
    fn before_bulk_write(&mut self) -> Result<()> {
        self.flush()?;
        self.known.forget_all();
        Ok(())
    }

    /// The prepared statement for `sql`, prepared on first use on this connection.
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.0.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql).map_err(|e| self.fail(&e))?;
        self.statements.0.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Every row `sql` returns.
    fn query(&mut self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>> {
        self.refuse_after_failure()?;
        let statement = self.statement(sql)?;
        self.sent += 1;
        self.tx.query(&statement, params).map_err(|e| self.fail(&e))
    }

    /// The one row `sql` returns, if any.
    fn query_opt(&mut self, sql: &str, params: &Params<'_>) -> Result<Option<Row>> {
        self.refuse_after_failure()?;
        let statement = self.statement(sql)?;
        self.sent += 1;
        self.tx
            .query_opt(&statement, params)
            .map_err(|e| self.fail(&e))
    }

    /// Runs `sql`; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &Params<'_>) -> Result<u64> {
        self.refuse_after_failure()?;
        let statement = self.statement(sql)?;
        self.sent += 1;
        self.tx
            .execute(&statement, params)
            .map_err(|e| self.fail(&e))
    }

    fn refuse_after_failure(&self) -> Result<()> {
        match &self.failed {
            Some(failure) => Err(failure.error.clone()),
            None => Ok(()),
        }
    }

    fn fail(&mut self, e: &postgres::Error) -> Error {
        let error = statement_error(e);
        self.failed.get_or_insert(Failure {
            retry: is_retryable(e),
            error: error.clone(),
        });
        error
    }
}

/// A column of a row, as the type the store wrote there.
fn get<'r, T: postgres::types::FromSql<'r>>(row: &'r Row, index: usize) -> Result<T> {
    row.try_get(index)
        .map_err(|e| Error::storage(format!("cannot read a stored value: {}", describe(&e))))
}

/// A count or position for an `INTEGER` column.
fn position(index: usize) -> Result<i32> {
    i32::try_from(index).map_err(|_| Error::storage(format!("position {index} is out of range")))
}

impl Transaction for Session<'_, '_> {
    fn contact_with(&mut self, id: &str, parts: Parts) -> Result<Option<ContactRecord>> {
        contacts::load(self, id, parts)
    }

    fn contacts_with(&mut self, ids: &[&str], parts: Parts) -> Result<Vec<ContactRecord>> {
        contacts::load_many(self, ids, parts)
    }

    fn contact_id_by(&mut self, identifier: &Identifier) -> Result<Option<String>> {
        contacts::id_by(self, identifier)
    }

    fn contact_ids_by(&mut self, identifiers: &[Identifier]) -> Result<Vec<(Identifier, String)>> {
        contacts::ids_by(self, identifiers)
    }

    fn put_contact(&mut self, contact: &ContactRecord) -> Result<()> {
        contacts::save(self, contact)
    }

    fn live_contacts(
        &mut self,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        contacts::load_live(self, None, after_id, limit)
    }

    fn count_live_contacts(&mut self) -> Result<u64> {
        contacts::count_live(self)
    }

    fn matching_ids(
        &mut self,
        check: &crate::rule::Check,
        now: chrono::DateTime<chrono::Utc>,
        among: Option<&[&str]>,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        rules::matching_ids(self, check, now, among, after_id, limit)
    }

    fn count_matching(
        &mut self,
        check: &crate::rule::Check,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64> {
        rules::count_matching(self, check, now)
    }

    fn merged_into(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        lifecycle::merged_into(self, ids)
    }

    fn put_merged(&mut self, from: &str, into: &str) -> Result<()> {
        self.before_write()?;
        lifecycle::put_merged(self, from, into)
    }

    fn move_timeline(&mut self, from: &str, into: &str) -> Result<()> {
        self.before_write()?;
        lifecycle::move_timeline(self, from, into)
    }

    fn remove_contact(&mut self, id: &str) -> Result<()> {
        self.before_bulk_write()?;
        lifecycle::remove_contact(self, id)
    }

    fn erasure_key(&mut self) -> Result<Vec<u8>> {
        lifecycle::erasure_key(self)
    }

    fn has_erased_addresses(&mut self) -> Result<bool> {
        lifecycle::has_erased_addresses(self)
    }

    fn append_changes(&mut self, changes: &[super::NewChange]) -> Result<()> {
        feed::append(self, changes)
    }

    fn changes_after(
        &mut self,
        after: u64,
        limit: usize,
    ) -> Result<(Vec<crate::model::Change>, u64)> {
        feed::after(self, after, limit)
    }

    fn segment_members(
        &mut self,
        segment_id: &str,
        after_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ContactRecord>> {
        contacts::load_live(self, Some(segment_id), after_id, limit)
    }

    fn suppressions(&mut self, address: &str) -> Result<Vec<SuppressionRecord>> {
        catalog::suppressions(self, address)
    }

    fn suppressions_at(
        &mut self,
        addresses: &[&str],
    ) -> Result<Vec<(String, Vec<SuppressionRecord>)>> {
        catalog::suppressions_at(self, addresses)
    }

    fn put_suppressions(&mut self, address: &str, records: &[SuppressionRecord]) -> Result<()> {
        self.before_write()?;
        catalog::put_suppressions(self, address, records)
    }

    fn categories(&mut self) -> Result<Vec<Category>> {
        catalog::categories(self)
    }

    fn category(&mut self, key: &str) -> Result<Option<Category>> {
        catalog::category(self, key)
    }

    fn put_category(&mut self, category: &Category) -> Result<()> {
        self.before_write()?;
        catalog::put_category(self, category)
    }

    fn segments(&mut self) -> Result<Vec<Segment>> {
        catalog::segments(self)
    }

    fn segment(&mut self, id: &str) -> Result<Option<Segment>> {
        catalog::segment(self, id)
    }

    fn put_segment(&mut self, segment: &Segment) -> Result<()> {
        self.before_write()?;
        catalog::put_segment(self, segment)
    }

    fn field_definitions(&mut self) -> Result<Vec<FieldDefinition>> {
        catalog::field_definitions(self)
    }

    fn put_field_definition(&mut self, definition: &FieldDefinition) -> Result<()> {
        self.before_write()?;
        catalog::put_field_definition(self, definition)
    }

    fn delete_category(&mut self, key: &str) -> Result<()> {
        self.before_bulk_write()?;
        catalog::delete_category(self, key)
    }

    fn delete_segment(&mut self, id: &str) -> Result<()> {
        self.before_bulk_write()?;
        catalog::delete_segment(self, id)
    }

    fn delete_field_definition(&mut self, key: &str) -> Result<()> {
        self.before_bulk_write()?;
        catalog::delete_field_definition(self, key)
    }

    fn campaign(&mut self, contact_id: &str, message_id: &str) -> Result<Option<Activity>> {
        activities::campaign(self, contact_id, message_id)
    }

    fn order(&mut self, external_id: &str) -> Result<Option<Activity>> {
        activities::order(self, external_id)
    }

    fn put_activity(&mut self, activity: &Activity) -> Result<()> {
        self.before_write()?;
        activities::put(self, activity)
    }

    fn activities(&mut self, contact_id: &str, filter: &ActivityFilter) -> Result<Vec<Activity>> {
        activities::query(self, contact_id, filter)
    }

    fn orders_of(&mut self, contact_ids: &[&str]) -> Result<Vec<Activity>> {
        activities::orders_of(self, contact_ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for good in ["book", "_b", "tenant_42", &"a".repeat(63)] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Book",
            "9book",
            "a-b",
            "a b",
            "a\"b",
            "pg_x",
            &"a".repeat(64),
            "é",
        ] {
            let error = check_schema_name(bad).unwrap_err();
            assert_eq!(error.field(), Some("schema"), "{bad}");
        }
    }

    #[test]
    fn redacted_urls_keep_no_password() {
        assert_eq!(
            redacted("postgresql://ann:s3cret@db:5432/book?sslmode=disable"),
            "postgresql://ann:***@db:5432/book?sslmode=disable"
        );
        assert_eq!(redacted("postgres://db/book"), "postgres://db/book");
        assert_eq!(
            redacted("postgres://ann@db/book?password=s3cret&x=1"),
            "postgres://ann@db/book?password=***&x=1"
        );
        assert!(!redacted("postgres://ann:s3cr/t@db/book").contains("s3cr"));
        assert_eq!(redacted("/tmp/book.db"), "/tmp/book.db");
    }

    #[test]
    fn unique_violation_details_give_the_value() {
        assert_eq!(
            clashing_value("Key (email)=(ann@example.com) already exists."),
            Some("ann@example.com")
        );
        assert_eq!(clashing_value("something else"), None);
    }

    #[test]
    fn backoff_grows_and_stays_short() {
        for attempt in 1..MAX_ATTEMPTS {
            let pause = backoff(attempt);
            assert!(pause >= Duration::from_millis(1), "{pause:?}");
            assert!(pause <= Duration::from_millis(150), "{pause:?}");
        }
    }
}
