//! An output file (`import --rejects`, `suppress --rejects`, `export --output`) that is the open book, by
//! any spelling, link or companion file, is refused before anything is opened, and
//! the book stays byte-for-byte as it was. (Symlinks and hard links: Unix only.)
#![cfg(unix)]

mod common;

use common::{golden_book, run_in, Book};
use std::os::unix::fs::symlink;
use std::path::Path;

/// The book's files as they are on disk: the book and each companion SQLite may keep.
fn snapshot(book: &Book) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal", "-shm", "-journal"]
        .into_iter()
        .map(|suffix| {
            let name = format!("contacts.db{suffix}");
            let bytes = std::fs::read(book.path(&name)).ok();
            (name, bytes)
        })
        .collect()
}

/// Rows that would change the book (a new contact) and write a report (a rejected row).
const ROWS: &str = "{\"email\": \"new@example.com\"}\n{\"email\": \"bad@\"}\n";

/// A suppression list with a row that would change the book and one rejected.
const LIST: &str = "address\nnew@example.com\nbad@\n";

/// Writes the inputs of [`writing_commands`] into the book's directory.
fn inputs(book: &Book) {
    book.file("rows.jsonl", ROWS);
    book.file("list.csv", LIST);
}

/// Every command that writes a file, with the option naming it and `path` as its value.
fn writing_commands(path: &str) -> [(&'static str, Vec<&str>); 4] {
    [
        ("--rejects", vec!["import", "rows.jsonl", "--rejects", path]),
        ("--rejects", vec!["suppress", "list.csv", "--rejects", path]),
        ("--output", vec!["export", "--output", path]),
        ("--output", vec!["export", "-o", path]),
    ]
}

/// Runs each writing command with `path` against the book (named `db`) and checks the
/// refusal: exit 1, the option and the path named, every book file unchanged.
fn assert_refused(book: &Book, db: &Path, path: &str) {
    let before = snapshot(book);
    for (option, args) in writing_commands(path) {
        let run = run_in(book.dir.path(), db, &args, &[]).expect(1);
        let named = format!("contactkit: {option} {path:?} is the book");
        assert!(run.stderr.starts_with(&named), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("choose another file"), "{}", run.stderr);
        assert_eq!(snapshot(book), before, "{args:?} changed the book's files");
    }
}

#[test]
fn every_spelling_of_the_book_is_refused_and_the_book_is_unchanged() {
    let book = golden_book();
    inputs(&book);
    std::fs::create_dir(book.path("sub")).unwrap();
    symlink("contacts.db", book.path("link.db")).unwrap();
    symlink(book.dir.path(), book.path("dirlink")).unwrap();
    std::fs::hard_link(&book.db, book.path("hard.db")).unwrap();
    let absolute = book.db.to_str().unwrap().to_string();
    for path in [
        "contacts.db",
        "./contacts.db",
        absolute.as_str(),
        "sub/../contacts.db",
        "link.db",
        "dirlink/contacts.db",
        "hard.db",
    ] {
        assert_refused(&book, &book.db, path);
    }
}

#[test]
fn the_book_is_recognised_however_db_is_spelled() {
    let book = golden_book();
    inputs(&book);
    symlink("contacts.db", book.path("link.db")).unwrap();
    std::fs::create_dir(book.path("sub")).unwrap();
    for db in ["./contacts.db", "link.db", "sub/../contacts.db"] {
        assert_refused(&book, Path::new(db), "contacts.db");
    }
}

#[test]
fn the_books_companion_files_are_refused_and_not_created() {
    let book = golden_book();
    inputs(&book);
    for (path, what) in [
        ("contacts.db-wal", "the book's write-ahead log"),
        ("contacts.db-shm", "the book's shared-memory index"),
        ("contacts.db-journal", "the book's rollback journal"),
    ] {
        assert_refused(&book, &book.db, path);
        let run = book.run(&["export", "--output", path]).expect(1);
        assert!(run.stderr.contains(what), "{}", run.stderr);
    }
}

#[test]
fn a_book_not_created_yet_is_refused_too_and_stays_absent() {
    let book = Book::new();
    inputs(&book);
    symlink("contacts.db", book.path("future.db")).unwrap();
    for path in ["contacts.db", "./contacts.db", "future.db"] {
        for (command, input) in [("import", "rows.jsonl"), ("suppress", "list.csv")] {
            let run = book.run(&[command, input, "--rejects", path]).expect(1);
            assert!(
                run.stderr
                    .contains(&format!("--rejects {path:?} is the book itself")),
                "{command}: {}",
                run.stderr
            );
            assert_eq!(
                snapshot(&book).iter().filter(|(_, b)| b.is_some()).count(),
                0,
                "{command}: no book file may be created"
            );
        }
    }
}

#[test]
fn another_file_is_written_even_with_the_books_name_elsewhere() {
    let book = golden_book();
    inputs(&book);
    std::fs::create_dir(book.path("elsewhere")).unwrap();
    let run = book
        .run(&["import", "rows.jsonl", "--rejects", "elsewhere/contacts.db"])
        .expect(1);
    assert!(run.stdout.contains("1 created"), "{}", run.stdout);
    let rejects = std::fs::read_to_string(book.path("elsewhere/contacts.db")).unwrap();
    assert!(rejects.contains("bad@"), "{rejects}");
    book.run(&["export", "--output", "copy.jsonl"]).expect(0);
    let export = std::fs::read_to_string(book.path("copy.jsonl")).unwrap();
    assert!(export.contains("new@example.com"), "{export}");
}
