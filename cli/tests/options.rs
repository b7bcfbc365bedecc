//! The global `--durability` and `--busy-timeout` reach the SQLite book every command
//! opens; a bad value is refused by name before anything is opened.

mod common;

use common::{golden_book, Book};
use std::time::{Duration, Instant};

#[test]
fn a_bad_durability_is_refused_naming_the_option_and_the_value() {
    let book = golden_book();
    let run = book
        .run(&["--durability", "fast", "show", "ann.lee"])
        .expect(1);
    assert!(
        run.stderr.contains("'fast' for '--durability <MODE>'")
            && run.stderr.contains("expected normal or full"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_busy_timeout_is_refused_naming_the_option_and_the_value() {
    let book = Book::new();
    for value in ["soon", "-5", "1.5", "2147483648"] {
        let run = book
            .run(&[
                &format!("--busy-timeout={value}"),
                "demo",
                "--contacts",
                "1",
            ])
            .expect(1);
        assert!(
            run.stderr
                .contains(&format!("'{value}' for '--busy-timeout <MS>'")),
            "{value}: {}",
            run.stderr
        );
    }
    assert!(!book.db.exists(), "nothing is opened on a bad value");
}

#[test]
fn every_command_takes_both_options_anywhere_on_the_line() {
    let book = Book::new();
    let rows = book.file("rows.jsonl", "{\"email\": \"ann@example.com\"}\n");
    let rows = rows.to_str().unwrap();
    let list = book.file("list.csv", "address,kind\nold@example.com,cleaned\n");
    let list = list.to_str().unwrap();
    let commands: [&[&str]; 7] = [
        &["demo", "--contacts", "2"],
        &["import", rows],
        &["suppress", list],
        &["show", "ann@example.com"],
        &["activity", "ann@example.com"],
        &["can-send", "ann@example.com", "email"],
        &["export", "--output", "book.jsonl"],
    ];
    for command in commands {
        for durability in ["normal", "full"] {
            let mut args = vec!["--durability", durability];
            args.extend_from_slice(command);
            args.extend_from_slice(&["--busy-timeout", "0"]);
            book.run(&args).expect(0);
        }
    }
}

#[test]
fn the_busy_timeout_is_how_long_a_write_waits_for_another_writer() {
    let book = golden_book();
    book.file("rows.jsonl", "{\"email\": \"new@example.com\"}\n");
    let other = rusqlite::Connection::open(&book.db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();

    // Held for longer than asked: the import gives up after about 300 ms (the
    // default would wait 30 s), as a storage error.
    let started = Instant::now();
    let run = book
        .run(&["--busy-timeout", "300", "import", "rows.jsonl"])
        .expect(2);
    let waited = started.elapsed();
    assert!(run.stderr.contains("locked"), "{}", run.stderr);
    assert!(waited >= Duration::from_millis(300), "waited {waited:?}");
    assert!(waited < Duration::from_secs(15), "waited {waited:?}");

    // Released within the time asked: the import waits, then writes.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        other.execute_batch("ROLLBACK").unwrap();
    });
    let started = Instant::now();
    let run = book
        .run(&["--busy-timeout", "20000", "import", "rows.jsonl"])
        .expect(0);
    release.join().unwrap();
    assert!(run.stdout.contains("1 created"), "{}", run.stdout);
    assert!(started.elapsed() >= Duration::from_millis(400));
}
