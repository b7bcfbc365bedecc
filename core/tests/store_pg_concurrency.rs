//! Several processes against one PostgreSQL book, as a back end's API workers are.
//!
//! Each test re-executes this test binary as child processes (`pg_child`, an ignored
//! test that only acts with `CONTACTKIT_PG_CHILD` set), released together, on a schema
//! none of them has created yet, so they also race to create and migrate it:
//! - two processes upserting the same 150 emails, each adding its own event, end with
//!   150 contacts, each with both events, and no error reaches either; a third process
//!   following the change feed meanwhile sees every change once, in seq order;
//! - two processes racing to `create` the same 100 emails: for each email exactly one
//!   succeeds and the other gets `Conflict` on `email` naming the winner;
//! - a reader process never sees half an operation while a writer imports in batches
//!   and creates contacts with three devices each: the count is always whole batches
//!   plus whole creates, and every contact it reads has its three devices.
//!
//! The server is found through `CONTACTKIT_TEST_PG_URL` (scripts/test.sh starts one);
//! without it the tests fail.
#![cfg(feature = "postgres")]

use contactkit::{
    ContactBook, ContactInput, DedupeOn, DeviceInput, Error, EventInput, ListQuery, Patch,
    PostgresOptions,
};
use std::io::{BufRead, Write};
use std::ops::ControlFlow::Continue;
use std::process::{Child, Command, Stdio};

const URL_ENV: &str = "CONTACTKIT_TEST_PG_URL";
const ROLE_ENV: &str = "CONTACTKIT_PG_CHILD";
const SCHEMA_ENV: &str = "CONTACTKIT_PG_SCHEMA";

fn server_url() -> String {
    std::env::var(URL_ENV).unwrap_or_else(|_| {
        panic!(
            "{URL_ENV} is not set: start a server with `scripts/postgres.sh start DIR` and \
             export the URL it prints (scripts/test.sh does both)"
        )
    })
}

/// A schema name no other test run uses.
fn fresh_schema(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("conc_{test}_{}_{nanos}", std::process::id())
}

fn book_in(schema: &str) -> ContactBook {
    let options = PostgresOptions {
        schema: Some(schema.to_string()),
        ..PostgresOptions::default()
    };
    ContactBook::connect_with(&server_url(), &options)
        .unwrap_or_else(|e| panic!("connect to schema {schema}: {e}"))
}

/// Drops the schema when the test ends, passed or failed.
struct Dropped(String);

impl Drop for Dropped {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&server_url(), postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.0));
        }
    }
}

fn email(i: usize) -> String {
    format!("shared-{i}@example.com")
}

fn input(email: String) -> ContactInput {
    ContactInput {
        email: Patch::Set(email),
        ..Default::default()
    }
}

/// The child process: waits for "go" on stdin, plays its role, prints its findings on
/// stdout, exits; any error it is not meant to meet panics, failing it.
#[test]
#[ignore = "child process of the tests in this file"]
fn pg_child() {
    let Ok(role) = std::env::var(ROLE_ENV) else {
        return;
    };
    let schema = std::env::var(SCHEMA_ENV).expect("a schema");
    let mut go = String::new();
    std::io::stdin().lock().read_line(&mut go).unwrap();
    assert_eq!(go.trim(), "go");
    let book = book_in(&schema);
    match role.as_str() {
        "upsert-a" | "upsert-b" => {
            for i in 0..150 {
                let contact = book
                    .upsert(input(email(i)), DedupeOn::Email)
                    .unwrap_or_else(|e| panic!("{role}: upsert {}: {e}", email(i)));
                let event = EventInput {
                    name: role.replace('-', "_"),
                    ..Default::default()
                };
                book.record_event(&contact.id, event)
                    .unwrap_or_else(|e| panic!("{role}: record_event: {e}"));
            }
            // The writer's last change, which the follower waits for.
            book.define_category(&format!("{role} done"))
                .unwrap_or_else(|e| panic!("{role}: define_category: {e}"));
        }
        "follower" => {
            // Follows the feed until it has seen both upserters' last changes, printing
            // every seq it reads.
            let mut cursor: Option<String> = None;
            let mut markers = 0;
            let mut polls = 0;
            while markers < 2 && polls < 100_000 {
                let page = book
                    .changes(cursor.as_deref(), Some(50))
                    .unwrap_or_else(|e| panic!("follower: changes: {e}"));
                for change in &page.items {
                    println!("SEQ {}", change.seq);
                    markers += usize::from(change.op == contactkit::ChangeOp::Catalog);
                }
                cursor = Some(page.next_cursor);
                polls += 1;
            }
        }
        "create-a" | "create-b" => {
            for i in 0..100 {
                match book.create(input(email(i))) {
                    Ok(contact) => println!("WON {i} {}", contact.id),
                    Err(Error::Conflict {
                        field, existing_id, ..
                    }) => {
                        assert_eq!(field, "email", "{role}: conflict on the email");
                        println!("LOST {i} {existing_id}");
                    }
                    Err(other) => panic!("{role}: create {}: {other}", email(i)),
                }
            }
        }
        "writer" => {
            for round in 0..6 {
                let rows = (0..1_000).map(|i| Ok(input(format!("bulk-{round}-{i}@example.com"))));
                book.import_contacts(rows, DedupeOn::Email, |_| Continue(()))
                    .unwrap_or_else(|e| panic!("writer: import: {e}"));
                for i in 0..20 {
                    let devices = (0..3)
                        .map(|d| DeviceInput {
                            app_id: "com.example.shop".into(),
                            device_id: format!("d{d}"),
                            token: Some(format!("token-{round}-{i}-{d}")),
                            ..Default::default()
                        })
                        .collect();
                    let contact = ContactInput {
                        mobile_push: Patch::Set(devices),
                        ..input(format!("three-{round}-{i}@example.com"))
                    };
                    book.create(contact)
                        .unwrap_or_else(|e| panic!("writer: create: {e}"));
                }
            }
            println!("WRITER DONE");
        }
        "reader" => {
            let mut reads = 0;
            loop {
                let count = book
                    .count()
                    .unwrap_or_else(|e| panic!("reader: count: {e}"));
                println!("COUNT {count}");
                let page = book
                    .list(&ListQuery {
                        limit: Some(1_000),
                        ..Default::default()
                    })
                    .unwrap_or_else(|e| panic!("reader: list: {e}"));
                for contact in &page.items {
                    let devices = contact.devices.len();
                    assert!(
                        devices == 0 || devices == 3,
                        "half a create: {devices} devices"
                    );
                }
                reads += 1;
                if count == 6 * 1_020 || reads > 2_000 {
                    break;
                }
            }
            println!("READER DONE {reads}");
        }
        other => panic!("unknown role {other}"),
    }
    println!("DONE {role}");
}

/// Starts one child per role on `schema`, releases them together and returns each
/// one's stdout (failing the test if one failed).
fn run_children(schema: &str, roles: &[&str]) -> Vec<String> {
    let mut children: Vec<Child> = roles
        .iter()
        .map(|role| {
            Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "pg_child", "--nocapture", "--ignored"])
                .env(ROLE_ENV, role)
                .env(SCHEMA_ENV, schema)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn a child")
        })
        .collect();
    for child in &mut children {
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    }
    roles
        .iter()
        .zip(children)
        .map(|(role, child)| {
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() && stdout.contains(&format!("DONE {role}")),
                "child {role} failed ({}):\n{stdout}\n{stderr}",
                output.status
            );
            stdout
        })
        .collect()
}

#[test]
fn two_processes_upserting_the_same_emails_make_one_contact_each() {
    let schema = fresh_schema("upsert");
    let _dropped = Dropped(schema.clone());
    let outputs = run_children(&schema, &["upsert-a", "upsert-b", "follower"]);
    let book = book_in(&schema);

    // A third process followed the change feed while the two wrote: it saw every
    // change of the whole feed, each once, in seq order.
    let followed: Vec<u64> = outputs[2]
        .lines()
        .filter_map(|line| line.strip_prefix("SEQ "))
        .map(|seq| seq.parse().unwrap())
        .collect();
    let mut whole = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = book.changes(cursor.as_deref(), Some(1000)).unwrap();
        if page.items.is_empty() {
            break;
        }
        whole.extend(page.items.iter().map(|c| c.seq));
        cursor = Some(page.next_cursor);
    }
    assert!(whole.len() >= 600, "{} changes", whole.len());
    assert_eq!(followed, whole, "the follower missed or repeated a change");

    assert_eq!(book.count().unwrap(), 150);
    for i in 0..150 {
        let contact = book.find_by_email(&email(i)).unwrap().expect("one contact");
        let timeline = book
            .activity(
                &contact.id,
                &contactkit::ActivityQuery {
                    period: contactkit::Period::All,
                    ..Default::default()
                },
            )
            .unwrap();
        let mut names: Vec<String> = timeline
            .items
            .iter()
            .filter_map(|a| match &a.detail {
                contactkit::ActivityDetail::Event(e) => Some(e.name.clone()),
                _ => None,
            })
            .collect();
        names.sort();
        assert_eq!(names, ["upsert_a", "upsert_b"], "{}", email(i));
    }
}

#[test]
fn two_racing_creates_of_one_email_give_one_success_and_one_conflict() {
    let schema = fresh_schema("create");
    let _dropped = Dropped(schema.clone());
    let outputs = run_children(&schema, &["create-a", "create-b"]);
    let book = book_in(&schema);
    assert_eq!(book.count().unwrap(), 100);
    for i in 0..100 {
        let winner = book.find_by_email(&email(i)).unwrap().expect("created").id;
        let said = |output: &str, word: &str| {
            output
                .lines()
                .filter(|line| line.starts_with(&format!("{word} {i} ")))
                .map(|line| line.rsplit(' ').next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let won: Vec<String> = outputs.iter().flat_map(|o| said(o, "WON")).collect();
        let lost: Vec<String> = outputs.iter().flat_map(|o| said(o, "LOST")).collect();
        assert_eq!(won, std::slice::from_ref(&winner), "email {i}: one success");
        assert_eq!(lost, [winner], "email {i}: one conflict naming the winner");
    }
}

#[test]
fn a_reader_never_sees_half_an_operation() {
    let schema = fresh_schema("reader");
    let _dropped = Dropped(schema.clone());
    // The reader starts on a book that exists, so that it reads from the first moment.
    drop(book_in(&schema));
    let outputs = run_children(&schema, &["writer", "reader"]);
    let reader = &outputs[1];
    let counts: Vec<u64> = reader
        .lines()
        .filter_map(|line| line.strip_prefix("COUNT "))
        .map(|count| count.trim().parse().unwrap())
        .collect();
    assert!(counts.len() > 1, "the reader read {} times", counts.len());
    for pair in counts.windows(2) {
        assert!(pair[0] <= pair[1], "a count went back: {pair:?}");
    }
    for count in &counts {
        let rounds_done = count / 1_020;
        let rest = count % 1_020;
        // Within a round: 0 or 1,000 imported (one batch, one unit), then 0..=20 creates.
        assert!(
            rest == 0 || (1_000..=1_020).contains(&rest),
            "count {count}: part of an import batch is visible (round {rounds_done}, {rest} more)"
        );
    }
    assert_eq!(book_in(&schema).count().unwrap(), 6 * 1_020);
}
