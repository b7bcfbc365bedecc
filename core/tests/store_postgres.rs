//! The PostgreSQL store against a real server: connecting (and every way it fails, in
//! plain words and without the password), schemas that are not ours, newer books,
//! reopening, two books in one database, read-only units, unique violations as
//! conflicts, re-running a unit of work after a serialization failure, and the number
//! of statements an operation costs.
//!
//! The server is found through `CONTACTKIT_TEST_PG_URL`; without it every test fails
//! (never skips). `scripts/postgres.sh start DIR` makes a throwaway cluster and prints
//! its URL. Every test works in a fresh schema of its own (random name, dropped at the
//! end), so the tests run in parallel and repeatedly against one server.

#![cfg(feature = "postgres")]

mod common;

use common::{create, input};
use contactkit::model::ContactRecord;
use contactkit::{
    Access, ContactBook, Error, Identifier, ListQuery, PostgresOptions, PostgresStore, Store,
    Transaction,
};
use serde_json::json;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// The test server's URL, or a failure saying how to start one.
fn server_url() -> String {
    match std::env::var("CONTACTKIT_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "CONTACTKIT_TEST_PG_URL is not set: the PostgreSQL tests need a server. Run \
             `scripts/postgres.sh start DIR` and export the URL it prints, e.g. \
             export CONTACTKIT_TEST_PG_URL=$(scripts/postgres.sh start /tmp/ckpg)"
        ),
    }
}

/// A fresh schema name of this test's own, dropped (with everything in it) when the
/// guard goes out of scope.
struct Schema {
    name: String,
    url: String,
}

impl Schema {
    fn new() -> Self {
        Schema {
            name: format!("ck_test_{}", uuid::Uuid::new_v4().simple()),
            url: server_url(),
        }
    }

    fn options(&self) -> PostgresOptions {
        PostgresOptions {
            schema: Some(self.name.clone()),
            pool_size: 4,
            ..Default::default()
        }
    }

    fn connect(&self) -> contactkit::Result<PostgresStore> {
        PostgresStore::connect(&self.url, &self.options())
    }

    fn book(&self) -> ContactBook {
        ContactBook::with_store(Arc::new(self.connect().expect("connect")))
    }

    /// A plain client for looking at the schema from outside the store.
    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("a direct connection")
    }

    fn tables(&self) -> Vec<String> {
        self.client()
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 \
                 ORDER BY 1",
                &[&self.name],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// The reason of a storage error, or a failure naming what came instead.
fn storage_reason<T: std::fmt::Debug>(result: contactkit::Result<T>) -> String {
    match result {
        Err(Error::Storage { reason, .. }) => reason,
        other => panic!("expected a storage error, got {other:?}"),
    }
}

/// The server URL with one part changed.
fn url_with(change: impl FnOnce(&mut url::Url)) -> String {
    let mut url = url::Url::parse(&server_url()).expect("CONTACTKIT_TEST_PG_URL is a URL");
    change(&mut url);
    url.to_string()
}

#[test]
fn a_text_that_is_not_a_url_is_refused_in_words() {
    let reason = storage_reason(PostgresStore::connect(
        "book.db",
        &PostgresOptions::default(),
    ));
    assert!(reason.contains("not a PostgreSQL URL"), "{reason}");
    let reason = storage_reason(PostgresStore::connect(
        "postgres://ann:s3cret-pw@localhost:notaport/book",
        &PostgresOptions::default(),
    ));
    assert!(reason.contains("not a PostgreSQL URL"), "{reason}");
    assert!(
        !reason.contains("s3cret-pw"),
        "the password leaked: {reason}"
    );
}

/// A URL of megabytes (a host name a million letters long) is refused by its size,
/// before any lookup, in a message that quotes neither its text nor its password.
#[test]
fn a_url_past_the_limit_is_refused_by_its_size() {
    let limit = contactkit::store::postgres::MAX_URL_BYTES;
    let url = |host_len: usize| format!("postgresql://ann:s3cret-pw@{}/book", "h".repeat(host_len));
    let at_limit = url(limit - url(0).len());
    assert_eq!(at_limit.len(), limit);
    // At the limit the URL is read (and its host not found).
    let reason = storage_reason(PostgresStore::connect(
        &at_limit,
        &PostgresOptions::default(),
    ));
    assert!(!reason.contains("s3cret-pw"), "{reason}");
    for len in [limit + 1, 1_000_000] {
        let error = PostgresStore::connect(&url(len), &PostgresOptions::default()).unwrap_err();
        assert!(
            matches!(&error, Error::Validation { field, .. } if field == "url"),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.len() < 200 && !message.contains("s3cret-pw"),
            "{message}"
        );
    }
}

#[test]
fn a_closed_port_names_the_address_and_the_reason() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("postgresql://ann:s3cret-pw@127.0.0.1:{port}/book");
    let started = std::time::Instant::now();
    let reason = storage_reason(PostgresStore::connect(&url, &PostgresOptions::default()));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}");
    assert!(reason.contains("refused"), "{reason}");
    assert!(
        !reason.contains("s3cret-pw"),
        "the password leaked: {reason}"
    );
}

#[test]
fn a_wrong_password_fails_at_once_with_postgresqls_message_and_not_the_password() {
    let url = url_with(|url| url.set_password(Some("wr0ng-Passw0rd")).unwrap());
    let started = std::time::Instant::now();
    let reason = storage_reason(PostgresStore::connect(&url, &PostgresOptions::default()));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        reason.contains("password authentication failed"),
        "{reason}"
    );
    assert!(
        !reason.contains("wr0ng-Passw0rd"),
        "the password leaked: {reason}"
    );
}

#[test]
fn an_unknown_database_or_role_is_named() {
    let url = url_with(|url| url.set_path("/no_such_database_ck"));
    let reason = storage_reason(PostgresStore::connect(&url, &PostgresOptions::default()));
    assert!(
        reason.contains("database \"no_such_database_ck\" does not exist"),
        "{reason}"
    );
    let url = url_with(|url| url.set_username("no_such_role_ck").unwrap());
    let reason = storage_reason(PostgresStore::connect(&url, &PostgresOptions::default()));
    assert!(reason.contains("no_such_role_ck"), "{reason}");
}

#[test]
fn invalid_options_are_validation_errors_on_their_setting() {
    for name in [
        "Book",
        "a-b",
        "1book",
        "a\"; DROP TABLE x; --",
        &"s".repeat(64),
        "",
    ] {
        let options = PostgresOptions {
            schema: Some(name.to_string()),
            ..Default::default()
        };
        match PostgresStore::connect(&server_url(), &options) {
            Err(Error::Validation { field, .. }) => assert_eq!(field, "schema", "{name}"),
            other => panic!("{name:?}: {other:?}"),
        }
    }
    let options = PostgresOptions {
        pool_size: 0,
        ..Default::default()
    };
    match PostgresStore::connect(&server_url(), &options) {
        Err(Error::Validation { field, .. }) => assert_eq!(field, "pool_size"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_schema_holding_other_tables_is_refused_and_left_as_it_is() {
    let schema = Schema::new();
    schema
        .client()
        .batch_execute(&format!(
            "CREATE SCHEMA {0}; CREATE TABLE {0}.orders (id int); CREATE TABLE {0}.invoices (id int);",
            schema.name
        ))
        .unwrap();
    let reason = storage_reason(schema.connect());
    assert_eq!(
        reason,
        format!(
            "not a ContactKit book: schema {} holds tables invoices, orders; left as it is",
            schema.name
        )
    );
    assert_eq!(schema.tables(), ["invoices", "orders"]);
}

#[test]
fn a_foreign_table_named_like_ours_is_refused_too() {
    let schema = Schema::new();
    schema
        .client()
        .batch_execute(&format!(
            "CREATE SCHEMA {0}; CREATE TABLE {0}.contactkit_book (name text);",
            schema.name
        ))
        .unwrap();
    let reason = storage_reason(schema.connect());
    assert!(reason.starts_with("not a ContactKit book"), "{reason}");
    assert_eq!(schema.tables(), ["contactkit_book"]);
}

#[test]
fn a_book_from_a_newer_contactkit_is_refused_untouched() {
    let schema = Schema::new();
    drop(schema.connect().unwrap());
    let tables = schema.tables();
    schema
        .client()
        .batch_execute(&format!(
            "UPDATE {}.contactkit_book SET version = 99",
            schema.name
        ))
        .unwrap();
    let reason = storage_reason(schema.connect());
    let supported = contactkit::store::postgres::schema::CURRENT_VERSION;
    assert!(
        reason.contains(&format!(
            "schema version 99, newer than this ContactKit supports ({supported})"
        )),
        "{reason}"
    );
    let version: i32 = schema
        .client()
        .query_one(
            &format!("SELECT version FROM {}.contactkit_book", schema.name),
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(version, 99);
    assert_eq!(schema.tables(), tables);
}

#[test]
fn a_new_schema_becomes_a_book_with_every_table() {
    let schema = Schema::new();
    drop(schema.connect().unwrap());
    assert_eq!(schema.tables(), contactkit::store::postgres::schema::TABLES);
    let (application, version): (String, i32) = {
        let row = schema
            .client()
            .query_one(
                &format!(
                    "SELECT application, version FROM {}.contactkit_book",
                    schema.name
                ),
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(application, "contactkit");
    assert_eq!(
        version,
        contactkit::store::postgres::schema::CURRENT_VERSION
    );
}

#[test]
fn processes_connecting_to_a_new_schema_at_once_migrate_it_once() {
    let schema = Arc::new(Schema::new());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let schema = schema.clone();
            std::thread::spawn(move || schema.connect().map(drop))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    let book = schema.book();
    create(&book, json!({"email": "ann@example.com"}));
    assert_eq!(book.count().unwrap(), 1);
}

#[test]
fn reconnecting_keeps_the_contacts() {
    let schema = Schema::new();
    let book = schema.book();
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann", "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1"}]}),
    );
    drop(book);
    let book = schema.book();
    let again = book.get(&ann.id).unwrap().expect("still there");
    assert_eq!(again, ann);
    assert_eq!(book.count().unwrap(), 1);
}

#[test]
fn two_books_in_two_schemas_of_one_database_are_independent() {
    let (first, second) = (Schema::new(), Schema::new());
    let (a, b) = (first.book(), second.book());
    let ann = create(&a, json!({"email": "ann@example.com"}));
    // The same email is free in the other book.
    let other = create(
        &b,
        json!({"email": "ann@example.com", "first_name": "Other"}),
    );
    assert_ne!(ann.id, other.id);
    assert_eq!(a.count().unwrap(), 1);
    assert_eq!(b.count().unwrap(), 1);
    assert!(b.get(&ann.id).unwrap().is_none());
    assert_eq!(
        a.find_by_email("ann@example.com").unwrap().unwrap().id,
        ann.id
    );
    assert_eq!(
        b.find_by_email("ann@example.com").unwrap().unwrap().id,
        other.id
    );
}

/// A stored contact's record, read through the store.
fn record(store: &PostgresStore, id: &str) -> Option<ContactRecord> {
    let mut found = None;
    store
        .unit_of_work(Access::Read, &mut |tx| {
            found = tx.contact(id)?;
            Ok(())
        })
        .unwrap();
    found
}

#[test]
fn a_write_inside_a_read_unit_fails_and_keeps_nothing() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(&book, json!({"email": "ann@example.com"}));
    let mut copy = record(&store, &ann.id).unwrap();
    copy.id = format!("{}-copy", ann.id);
    copy.email = Some("copy@example.com".into());
    let outcome = store.unit_of_work(Access::Read, &mut |tx| tx.put_contact(&copy));
    let reason = storage_reason(outcome);
    assert!(reason.contains("read-only transaction"), "{reason}");
    assert!(record(&store, &copy.id).is_none());
    assert_eq!(book.count().unwrap(), 1);
}

#[test]
fn a_unique_violation_is_a_conflict_on_the_field_and_keeps_nothing() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1"}]}),
    );
    let template = record(&store, &ann.id).unwrap();

    let mut same_email = template.clone();
    same_email.id = "another".into();
    same_email.devices.clear();
    let mut written_first = template.clone();
    written_first.id = "first".into();
    written_first.email = Some("first@example.com".into());
    written_first.devices.clear();
    let outcome = store.unit_of_work(Access::Write, &mut |tx| {
        tx.put_contact(&written_first)?;
        tx.put_contact(&same_email)
    });
    match outcome {
        Err(Error::Conflict { field, value, .. }) => {
            assert_eq!(field, "email");
            assert_eq!(value, "ann@example.com");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        record(&store, "first").is_none(),
        "the unit was rolled back"
    );

    let mut same_token = template.clone();
    same_token.id = "another".into();
    same_token.email = None;
    let outcome = store.unit_of_work(Access::Write, &mut |tx| tx.put_contact(&same_token));
    match outcome {
        Err(Error::Conflict { field, value, .. }) => {
            assert_eq!(field, "mobile_push.token");
            assert_eq!(value, "tok-1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(book.count().unwrap(), 1);
}

/// Two writers change the same contact: the one whose snapshot is older fails with
/// a serialization failure, and the store runs its work again, which then succeeds.
#[test]
fn a_serialization_failure_runs_the_work_again() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann"}),
    );

    let (read_tx, read_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let first = {
        let store = store.clone();
        let id = ann.id.clone();
        std::thread::spawn(move || {
            let mut attempts = 0;
            let outcome = store.unit_of_work(Access::Write, &mut |tx| {
                attempts += 1;
                let mut record = tx.contact(&id)?.expect("ann");
                if attempts == 1 {
                    // Let the other writer change the row after this snapshot.
                    read_tx.send(()).unwrap();
                    done_rx.recv().unwrap();
                }
                record.first_name = Some(format!(
                    "{} (attempt {attempts})",
                    record.first_name.unwrap_or_default()
                ));
                tx.put_contact(&record)
            });
            (outcome, attempts)
        })
    };
    read_rx.recv().unwrap();
    let id = ann.id.clone();
    store
        .unit_of_work(Access::Write, &mut |tx| {
            let mut record = tx.contact(&id)?.expect("ann");
            record.first_name = Some("Anna".into());
            tx.put_contact(&record)
        })
        .unwrap();
    done_tx.send(()).unwrap();
    let (outcome, attempts) = first.join().unwrap();
    outcome.unwrap();
    assert_eq!(
        attempts, 2,
        "the work ran again after the serialization failure"
    );
    let record = record(&store, &ann.id).unwrap();
    assert_eq!(record.first_name.as_deref(), Some("Anna (attempt 2)"));
}

/// A writer that loses to another on every attempt gives up after ten, in words, and
/// keeps nothing of its own.
#[test]
fn a_unit_that_keeps_colliding_gives_up_after_ten_attempts() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann"}),
    );
    let (read_tx, read_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let loser = {
        let store = store.clone();
        let id = ann.id.clone();
        std::thread::spawn(move || {
            let mut attempts = 0;
            let outcome = store.unit_of_work(Access::Write, &mut |tx| {
                attempts += 1;
                let mut record = tx.contact(&id)?.expect("ann");
                read_tx.send(()).unwrap();
                done_rx.recv().unwrap();
                record.first_name = Some("Loser".into());
                tx.put_contact(&record)
            });
            drop(read_tx);
            (outcome, attempts)
        })
    };
    let mut wins = 0;
    while read_rx.recv().is_ok() {
        wins += 1;
        let id = ann.id.clone();
        store
            .unit_of_work(Access::Write, &mut |tx| {
                let mut record = tx.contact(&id)?.expect("ann");
                record.first_name = Some(format!("Winner {wins}"));
                tx.put_contact(&record)
            })
            .unwrap();
        done_tx.send(()).unwrap();
    }
    let (outcome, attempts) = loser.join().unwrap();
    let max = contactkit::store::postgres::MAX_ATTEMPTS;
    assert_eq!(attempts, max);
    assert!(
        outcome.as_ref().is_err_and(Error::is_retryable),
        "giving up on colliding writers is worth a later retry: {outcome:?}"
    );
    let reason = storage_reason(outcome);
    assert!(reason.contains("gave up after 10 attempts"), "{reason}");
    assert_eq!(
        record(&store, &ann.id).unwrap().first_name.as_deref(),
        Some("Winner 10")
    );
}

/// The server closes the store's idle connections (a restart, an idle timeout): the
/// next operation takes fresh ones instead of failing.
#[test]
fn connections_the_server_closed_are_replaced() {
    let schema = Schema::new();
    let name = schema.name.clone();
    let url = url_with(|url| {
        url.query_pairs_mut().append_pair("application_name", &name);
    });
    let store = Arc::new(PostgresStore::connect(&url, &schema.options()).unwrap());
    let book = ContactBook::with_store(store.clone());
    create(&book, json!({"email": "ann@example.com"}));
    let (first, second) = (store.clone(), store.clone());
    // Two units at once leave two idle connections in the pool.
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        first.unit_of_work(Access::Read, &mut |tx| {
            tx.count_live_contacts()?;
            go_rx.recv().unwrap();
            Ok(())
        })
    });
    second
        .unit_of_work(Access::Read, &mut |tx| tx.count_live_contacts().map(drop))
        .unwrap();
    go_tx.send(()).unwrap();
    holder.join().unwrap().unwrap();
    let killed: i64 = schema
        .client()
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = $1",
            &[&schema.name],
        )
        .unwrap()
        .get(0);
    assert!(killed >= 1, "killed {killed}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(book.count().unwrap(), 1);
    create(&book, json!({"email": "bob@example.com"}));
    assert_eq!(book.count().unwrap(), 2);
}

/// A read unit works on its snapshot while a writer holds the same rows.
#[test]
fn a_read_does_not_wait_for_a_writer() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "first_name": "Ann"}),
    );
    let (written_tx, written_rx) = mpsc::channel::<()>();
    let (read_tx, read_rx) = mpsc::channel::<()>();
    let writer = {
        let store = store.clone();
        let id = ann.id.clone();
        std::thread::spawn(move || {
            store.unit_of_work(Access::Write, &mut |tx| {
                let mut record = tx.contact(&id)?.expect("ann");
                record.first_name = Some("Changed".into());
                tx.put_contact(&record)?;
                written_tx.send(()).unwrap();
                read_rx.recv().unwrap();
                Ok(())
            })
        })
    };
    written_rx.recv().unwrap();
    // The writer holds its row locks, uncommitted: the read sees the old name at once.
    assert_eq!(
        book.get(&ann.id).unwrap().unwrap().first_name.as_deref(),
        Some("Ann")
    );
    read_tx.send(()).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(
        book.get(&ann.id).unwrap().unwrap().first_name.as_deref(),
        Some("Changed")
    );
}

/// The statements an operation sends do not grow with the rows it touches: a page of
/// 20 contacts costs what a page of 2 does, and a contact with three devices is read
/// and saved with as many statements as one with one device.
#[test]
fn operations_send_a_fixed_number_of_statements() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let segment = book.create_segment("Buyers").unwrap();
    for i in 0..20 {
        let mut contact = input(json!({
            "email": format!("c{i}@example.com"),
            "mobile_push": [{"app_id": "shop", "device_id": format!("d{i}"), "token": format!("t{i}")}],
        }));
        contact.web_push = contactkit::Patch::Set(vec![common::web_push(&format!(
            "https://push.example.com/{i}"
        ))]);
        let contact = book.create(contact).unwrap();
        book.add_to_segment(&contact.id, &segment.id).unwrap();
    }
    let cost = |call: &dyn Fn()| {
        let before = store.statements_sent();
        call();
        store.statements_sent() - before
    };
    let page = |limit: u32| {
        let query = ListQuery {
            limit: Some(limit),
            cursor: None,
        };
        assert_eq!(book.list(&query).unwrap().items.len(), limit as usize);
    };
    let small = cost(&|| page(2));
    let large = cost(&|| page(20));
    assert_eq!(small, large, "a page of 20 costs what a page of 2 does");
    // One more than before dynamic segments: the segments are read to learn whether
    // any is dynamic (the profiles' `segments` then list the ones they match).
    assert!(large <= 9, "a page costs {large} statements");
    let members = |limit: u32| {
        let query = ListQuery {
            limit: Some(limit),
            cursor: None,
        };
        let page = book.segment_members(&segment.id, &query).unwrap();
        assert_eq!(page.items.len(), limit as usize);
    };
    assert_eq!(cost(&|| members(2)), cost(&|| members(20)));

    // Through the store itself: saving and reading a contact with three devices costs
    // what it does with one, and looking up 20 identifiers what looking up 2 does.
    let mut record = record(
        &store,
        &book.find_by_email("c0@example.com").unwrap().unwrap().id,
    )
    .unwrap();
    let unit = |work: &mut dyn FnMut(&mut dyn Transaction) -> contactkit::Result<()>| {
        let before = store.statements_sent();
        store.unit_of_work(Access::Write, work).unwrap();
        store.statements_sent() - before
    };
    let save_and_read = |record: &ContactRecord| {
        unit(&mut |tx| {
            tx.put_contact(record)?;
            assert_eq!(tx.contact(&record.id)?.as_ref(), Some(record));
            Ok(())
        })
    };
    let with_one = save_and_read(&record);
    let first = record.devices[0].clone();
    for i in 1..3 {
        let mut more = first.clone();
        more.device_id = format!("extra-{i}");
        more.token = Some(format!("extra-token-{i}"));
        record.devices.push(more);
    }
    let with_three = save_and_read(&record);
    assert_eq!(with_one, with_three, "three devices cost what one does");
    assert!(
        with_three <= 12,
        "a save and a read cost {with_three} statements"
    );
    let lookup = |n: usize| {
        let identifiers: Vec<Identifier> = (0..n)
            .flat_map(|i| {
                [
                    Identifier::Email(format!("c{i}@example.com")),
                    Identifier::PushToken(format!("t{i}")),
                ]
            })
            .collect();
        unit(&mut |tx| {
            assert_eq!(tx.contact_ids_by(&identifiers)?.len(), 2 * n);
            Ok(())
        })
    };
    assert_eq!(lookup(2), lookup(20), "one statement for every identifier");
    assert_eq!(lookup(20), 1);
}

#[test]
fn the_default_schema_is_public_and_the_store_says_which() {
    let store_options = PostgresOptions::default();
    assert_eq!(store_options.schema, None);
    assert_eq!(store_options.pool_size, 8);
    assert_eq!(store_options.connect_timeout, Duration::from_secs(10));
    // Connecting to `public` of the shared test database could collide with other
    // runs; a named schema shows the name is kept.
    let schema = Schema::new();
    assert_eq!(schema.connect().unwrap().schema(), schema.name);
}

/// PostgreSQL's text cannot hold U+0000. The book refuses it in every text before any
/// store sees it (a validation error naming the field); a record that reaches the store
/// with one all the same fails in words, and nothing of its unit is kept.
#[test]
fn a_nul_character_is_refused_by_the_book_and_by_the_store() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "address": {"town": "Kyiv"}}),
    );
    let outcome = book.update(&ann.id, input(json!({"address": {"town": "Ky\u{0}iv"}})));
    assert!(
        matches!(&outcome, Err(Error::Validation { field, .. }) if field == "address.town"),
        "{outcome:?}"
    );
    let id = ann.id.clone();
    let outcome = store.unit_of_work(Access::Write, &mut |tx| {
        let mut record = tx.contact(&id)?.expect("ann");
        record.first_name = Some("changed".into());
        tx.put_contact(&record)?;
        if let Some(address) = record.address.as_mut() {
            address.town = Some("Ky\u{0}iv".into());
        }
        tx.put_contact(&record)
    });
    let reason = storage_reason(outcome);
    assert!(reason.contains("U+0000"), "{reason}");
    assert_eq!(book.get(&ann.id).unwrap().unwrap(), ann);
}

/// An import batch of 4000 new contacts is a handful of statements, not a few per
/// row: the saves wait in the unit and go as one multi-row statement per table. A
/// re-import of the same rows (4000 updates) is a handful more.
#[test]
fn an_import_batch_costs_a_fixed_number_of_statements() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    book.define_field(contactkit::FieldDefinition::new(
        "nickname",
        contactkit::FieldType::Text,
    ))
    .unwrap();
    let segment = book.create_segment("Imported").unwrap();
    let rows = || {
        (0..contactkit::IMPORT_BATCH_ROWS).map(|i| {
            input(json!({
                "email": format!("row{i}@example.com"),
                "phone": format!("+4474{i:08}"),
                "mobile_push": [{"app_id": "shop", "device_id": format!("d{i}"), "token": format!("tok-{i}")}],
                "segments": [segment.id],
                "fields": {"nickname": format!("nick{i}")},
            }))
        })
    };
    let import = || {
        let before = store.statements_sent();
        let report = book
            .import_contacts(rows(), contactkit::DedupeOn::Email, |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        assert!(report.rejected.is_empty(), "{:?}", report.rejected.first());
        (report, store.statements_sent() - before)
    };
    let (created, fresh) = import();
    assert_eq!(created.created, contactkit::IMPORT_BATCH_ROWS as u64);
    assert!(
        fresh <= 12,
        "a batch of 4000 new contacts cost {fresh} statements"
    );
    let (updated, again) = import();
    assert_eq!(updated.updated, contactkit::IMPORT_BATCH_ROWS as u64);
    assert!(
        again <= 20,
        "a batch of 4000 updates cost {again} statements"
    );

    let last = contactkit::IMPORT_BATCH_ROWS - 1;
    let contact = book
        .find_by_email(&format!("row{last}@example.com"))
        .unwrap()
        .expect("imported");
    assert_eq!(contact.phone.as_deref(), Some(&*format!("+4474{last:08}")));
    assert_eq!(contact.devices.len(), 1);
    assert!(contact.segments.contains(&segment.id));
    assert_eq!(book.count().unwrap(), contactkit::IMPORT_BATCH_ROWS as u64);
}

/// Saves wait in the unit: a read sees them, and a save that breaks a unique
/// constraint fails the unit (at the next read, or at commit) with the conflict on
/// its field, and nothing of the unit is kept.
#[test]
fn a_buffered_save_that_breaks_a_unique_constraint_is_a_conflict_and_keeps_nothing() {
    let schema = Schema::new();
    let store = Arc::new(schema.connect().unwrap());
    let book = ContactBook::with_store(store.clone());
    let ann = create(
        &book,
        json!({"email": "ann@example.com", "mobile_push": [{"app_id": "shop", "device_id": "d1", "token": "tok-1"}]}),
    );
    let template = record(&store, &ann.id).unwrap();
    let new_one = |id: &str, email: &str| {
        let mut r = template.clone();
        r.id = id.into();
        r.email = Some(email.into());
        r.devices.clear();
        r
    };

    // Read back inside the unit: the pending saves are sent first.
    let (b, c) = (new_one("b", "b@example.com"), new_one("c", "c@example.com"));
    store
        .unit_of_work(Access::Write, &mut |tx| {
            tx.put_contact(&b)?;
            tx.put_contact(&c)?;
            assert_eq!(tx.contact("c")?.as_ref(), Some(&c));
            let holder = tx.contact_id_by(&Identifier::Email("b@example.com".into()))?;
            assert_eq!(holder.as_deref(), Some("b"));
            assert_eq!(tx.count_live_contacts()?, 3);
            Ok(())
        })
        .unwrap();

    for (clash, field, value) in [
        (new_one("x3", "ann@example.com"), "email", "ann@example.com"),
        (
            {
                let mut r = new_one("x3", "x3@example.com");
                r.devices = template.devices.clone();
                r
            },
            "mobile_push.token",
            "tok-1",
        ),
    ] {
        let (x1, x2) = (
            new_one("x1", "x1@example.com"),
            new_one("x2", "x2@example.com"),
        );
        let mut saved_fine = false;
        let outcome = store.unit_of_work(Access::Write, &mut |tx| {
            tx.put_contact(&x1)?;
            tx.put_contact(&x2)?;
            tx.put_contact(&clash)?;
            saved_fine = true; // The save waits; the statement fails at commit.
            Ok(())
        });
        assert!(saved_fine);
        match outcome {
            Err(Error::Conflict {
                field: f, value: v, ..
            }) => {
                assert_eq!(f, field);
                assert_eq!(v, value);
            }
            other => panic!("{other:?}"),
        }
        for id in ["x1", "x2", "x3"] {
            assert!(record(&store, id).is_none(), "{id} was rolled back");
        }
        // The same failure at a read that sends the pending saves first.
        let outcome = store.unit_of_work(Access::Write, &mut |tx| {
            tx.put_contact(&x1)?;
            tx.put_contact(&clash)?;
            tx.live_contacts(None, 10).map(drop)
        });
        match outcome {
            Err(Error::Conflict { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
        assert!(record(&store, "x1").is_none());
    }
    assert_eq!(book.count().unwrap(), 3);
    assert_eq!(record(&store, &ann.id).unwrap(), template);
}
