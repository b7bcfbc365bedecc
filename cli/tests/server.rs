//! `--db postgresql://…`: every command works on a book in a PostgreSQL database and
//! prints exactly what it prints for the same book in a SQLite file.
//!
//! The server is found through `CONTACTKIT_TEST_PG_URL` (scripts/test.sh starts a
//! throwaway one); without it the tests fail. Each test works in a database of its own,
//! dropped at the end.

mod common;

use common::{run_in, Book, Run};
use std::path::Path;

/// A fresh database on the test server, dropped when the test ends.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    fn new(test: &str) -> Database {
        let admin = std::env::var("CONTACTKIT_TEST_PG_URL").unwrap_or_else(|_| {
            panic!(
                "CONTACTKIT_TEST_PG_URL is not set: start a server with `scripts/postgres.sh start DIR` \
                 and export the URL it prints (scripts/test.sh does both)"
            )
        });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!("cli_{test}_{}_{nanos}", std::process::id());
        let mut client =
            postgres::Client::connect(&admin, postgres::NoTls).expect("the test server");
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create a database");
        let base = admin.rsplit_once('/').expect("a database in the URL").0;
        let url = format!("{base}/{name}");
        Database { admin, name, url }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `text` with what differs between two runs of the same commands masked: contact ids
/// (their random bits), and the demo's elapsed time.
fn masked(text: &str) -> String {
    let is_id = |candidate: &str| {
        candidate.len() == 36
            && candidate.char_indices().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.get(..36).is_some_and(is_id) {
            out.push_str("<id>");
            rest = &rest[36..];
        } else if let Some(after) = rest.strip_prefix('(').and_then(|r| r.split_once(" s)")) {
            if after.0.chars().all(|c| c.is_ascii_digit() || c == '.') && !after.0.is_empty() {
                out.push_str("(<time>)");
                rest = after.1;
                continue;
            }
            out.push(c);
            rest = &rest[1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn on_server(dir: &Path, database: &Database, args: &[&str]) -> Run {
    run_in(dir, Path::new(&database.url), args, &[])
}

#[test]
fn every_command_answers_on_a_server_as_on_a_file() {
    let database = Database::new("same");
    let file = Book::new();
    let steps: &[&[&str]] = &[
        &["demo", "--contacts", "60", "--seed", "7"],
        &["show", "olena.koval@example.com", "--json"],
        &[
            "activity",
            "+380671234567",
            "--category",
            "orders",
            "--period",
            "all",
            "--json",
        ],
        &["can-send", "crm-100000", "sms", "--json"],
        &["can-send", "nobody@example.com", "email"],
        &["show", "nobody@example.com"],
        &["export"],
    ];
    for step in steps {
        let on_file = file.run(step);
        let on_server = on_server(file.dir.path(), &database, step);
        assert_eq!(
            on_server.code,
            on_file.code,
            "{step:?}\n{}\n{}",
            on_server.all(),
            on_file.all()
        );
        let same = |text: &str| {
            masked(
                &text
                    .replace(&database.url, "DB")
                    .replace(&file.db.display().to_string(), "DB"),
            )
        };
        let hidden = database.url.replace(":contactkit@", ":***@");
        let same_server = |text: &str| same(&text.replace(&hidden, "DB"));
        if step[0] == "demo" {
            // The demo's closing hints name the book; everything else must be the same.
            assert_eq!(
                same_server(&on_server.stdout).replace(" --db DB", ""),
                same(&on_file.stdout).replace(" --db DB", ""),
                "{step:?}"
            );
        } else {
            assert_eq!(
                same_server(&on_server.stdout),
                same(&on_file.stdout),
                "{step:?}"
            );
            assert_eq!(
                same_server(&on_server.stderr),
                same(&on_file.stderr),
                "{step:?}"
            );
        }
    }
}

#[test]
fn a_wrong_password_is_a_storage_error_that_hides_the_password() {
    let database = Database::new("password");
    let wrong = database
        .url
        .replacen(":contactkit@", ":n0t-the-password@", 1);
    assert_ne!(
        wrong, database.url,
        "the test server's URL carries the password"
    );
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), Path::new(&wrong), &["show", "x"], &[]).expect(2);
    assert!(
        run.stderr.contains("password authentication failed"),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains("n0t-the-password"), "{}", run.all());
    assert!(run.stderr.contains(":***@"), "{}", run.stderr);
}

#[test]
fn an_unreachable_server_is_a_storage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: nothing listens there.
    let unreachable = Path::new("postgresql://ck:pw@127.0.0.1:1/books");
    let run = run_in(dir.path(), unreachable, &["show", "x"], &[]).expect(2);
    assert!(run.stderr.contains("127.0.0.1:1"), "{}", run.stderr);
    assert!(!run.all().contains(":pw@"), "{}", run.all());
}

/// The studio on a book in PostgreSQL: the list reads it, and a saved edit is in the
/// database at once, as another process (`contactkit show`) sees it.
#[test]
fn the_studio_lists_and_edits_a_book_in_postgresql() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let database = Database::new("studio");
    let dir = tempfile::tempdir().unwrap();
    on_server(dir.path(), &database, &["demo", "--contacts", "30"]).expect(0);
    let book = contactkit::ContactBook::connect(&database.url).expect("the book");
    let olena = book
        .find_by_email("olena.koval@example.com")
        .unwrap()
        .expect("the showcase");
    let guard = contactkit_cli::studio::Guard::new("127.0.0.1:8410".parse().unwrap(), false);
    let token = guard.token().to_string();
    let router = contactkit_cli::studio::router(std::sync::Arc::new(book), guard);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let send = |request: Request<Body>| {
        runtime.block_on(async {
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8(body.to_vec()).unwrap())
        })
    };
    let get = |path: &str| {
        send(
            Request::get(path)
                .header(header::HOST, "127.0.0.1:8410")
                .body(Body::empty())
                .unwrap(),
        )
    };

    let (status, list) = get("/contacts?q=Koval");
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains(&olena.id), "{list}");

    let (_, form) = get(&format!("/contacts/{}/edit", olena.id));
    let version = form
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's version");
    let (status, _) = send(
        Request::post(format!("/contacts/{}/edit", olena.id))
            .header(header::HOST, "127.0.0.1:8410")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={token}&version={version}&last_name=Kovalenko"
            )))
            .unwrap(),
    );
    assert_eq!(status, StatusCode::SEE_OTHER);
    let shown = on_server(dir.path(), &database, &["show", &olena.id]).expect(0);
    assert!(shown.stdout.contains("Olena Kovalenko"), "{}", shown.stdout);
}
