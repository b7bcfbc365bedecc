//! `changes`: the change feed as rows or JSON lines, the resume cursor on stderr,
//! `--cursor`, a junk cursor, and `--follow` seeing another process's change.

mod common;

use common::{Book, NOW};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A book where two contacts were imported (two `created` changes).
fn book() -> Book {
    let book = Book::new();
    let file = book.file(
        "people.jsonl",
        concat!(
            r#"{"email": "olena@example.com", "first_name": "Olena"}"#,
            "\n",
            r#"{"email": "taras@example.com", "first_name": "Taras"}"#,
            "\n",
        ),
    );
    book.run(&["import", file.to_str().unwrap()]).expect(0);
    book
}

/// The id of the contact with `email`, from `show --json`.
fn id_of(book: &Book, email: &str) -> String {
    let shown = book.run(&["show", email, "--json"]).expect(0).stdout;
    let line: serde_json::Value = serde_json::from_str(shown.trim()).unwrap();
    line["id"].as_str().unwrap().to_string()
}

/// The last line of stderr: the cursor to resume from.
fn cursor(stderr: &str) -> String {
    stderr
        .lines()
        .last()
        .expect("a cursor on stderr")
        .to_string()
}

#[test]
fn prints_a_line_per_change_and_the_cursor_on_stderr() {
    let book = book();
    let olena = id_of(&book, "olena@example.com");
    let taras = id_of(&book, "taras@example.com");
    let run = book.run(&["changes"]).expect(0);
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["1", NOW, "created", olena.as_str(), ""],
            vec!["2", NOW, "created", taras.as_str(), ""],
        ],
        "{}",
        run.stdout
    );
    assert_eq!(cursor(&run.stderr), "2");

    let json = book.run(&["changes", "--json"]).expect(0).stdout;
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[1],
        serde_json::json!({"seq": 2, "at": NOW, "op": "created", "contact_id": taras, "from_id": null})
    );
}

#[test]
fn resumes_from_the_cursor_a_run_printed() {
    let book = book();
    let first = book.run(&["changes", "--limit", "1"]).expect(0);
    assert_eq!(first.stdout.lines().count(), 1);
    let at = cursor(&first.stderr);
    let olena = id_of(&book, "olena@example.com");
    let file = book.file(
        "suppressions.csv",
        "channel,address,kind,reason\nemail,olena@example.com,unsubscribed,asked\n",
    );
    book.run(&["suppress", file.to_str().unwrap()]).expect(0);

    let rest = book.run(&["changes", "--cursor", &at]).expect(0);
    let ops: Vec<&str> = rest
        .stdout
        .lines()
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(ops, ["created", "consent"], "{}", rest.stdout);
    assert!(rest.stdout.lines().last().unwrap().contains(&olena));
    let end = cursor(&rest.stderr);
    assert_eq!(end, "3");
    // Nothing new: an empty page, and the same cursor back.
    let none = book.run(&["changes", "--cursor", &end]).expect(0);
    assert_eq!(none.stdout, "");
    assert_eq!(cursor(&none.stderr), end);
}

#[test]
fn a_junk_cursor_is_bad_input() {
    let book = book();
    for junk in ["not-a-cursor", "99"] {
        let run = book.run(&["changes", "--cursor", junk]).expect(1);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains("--cursor"), "{}", run.stderr);
        assert!(run.stderr.contains("cursor"), "{}", run.stderr);
    }
    book.run(&["changes", "--limit", "0"]).expect(1);
}

#[test]
fn follow_prints_a_change_another_process_makes() {
    let book = book();
    let mut child = Command::new(env!("CARGO_BIN_EXE_contactkit"))
        .current_dir(book.dir.path())
        .arg("--db")
        .arg(&book.db)
        .args([
            "changes",
            "--follow",
            "--interval-ms",
            "50",
            "--cursor",
            "2",
        ])
        .env("CONTACTKIT_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn changes --follow");
    let stdout = child.stdout.take().unwrap();
    let (lines, seen) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // Nothing after the cursor yet.
    assert!(seen.recv_timeout(Duration::from_millis(300)).is_err());

    let file = book.file("more.jsonl", "{\"email\": \"maria@example.com\"}\n");
    book.run(&["import", file.to_str().unwrap()]).expect(0);
    let maria = id_of(&book, "maria@example.com");
    let line = seen
        .recv_timeout(Duration::from_secs(20))
        .expect("the follower printed the new change");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(line, format!("3\t{NOW}\tcreated\t{maria}\t"));
}
