//! `merge`, `erase` and `export --id`: a contact named by any identifier, the merged
//! id naming the contact afterwards, erase refused without --yes, and an erased
//! contact's export refused while its address stays blocked.

mod common;

use common::Book;
use serde_json::Value;

/// A book with three contacts, one unsubscribed from email.
fn book() -> Book {
    let book = Book::new();
    let file = book.file(
        "people.jsonl",
        concat!(
            r#"{"email": "olena@example.com", "first_name": "Olena"}"#,
            "\n",
            r#"{"email": "olena.k@example.org", "last_name": "Koval", "phone": "+380671234567"}"#,
            "\n",
            r#"{"email": "taras@example.com", "first_name": "Taras"}"#,
            "\n",
        ),
    );
    book.run(&["import", file.to_str().unwrap()]).expect(0);
    book
}

fn show(book: &Book, who: &str) -> Value {
    let shown = book.run(&["show", who, "--json"]).expect(0).stdout;
    serde_json::from_str(shown.trim()).unwrap()
}

#[test]
fn merge_takes_any_identifiers_and_the_old_id_names_the_merged_contact() {
    let book = book();
    let from_id = show(&book, "olena.k@example.org")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = book
        .run(&["merge", "olena@example.com", "+380671234567", "--json"])
        .expect(0)
        .stdout;
    let merged: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(merged["email"], "olena@example.com");
    assert_eq!(merged["last_name"], "Koval");
    assert_eq!(merged["phone"], "+380671234567");
    assert_eq!(show(&book, &from_id)["id"], merged["id"]);
    let count = book.run(&["count"]).expect(0).stdout;
    assert_eq!(count.trim(), "2");
    let changes = book.run(&["changes", "--json"]).expect(0).stdout;
    let last: Value = serde_json::from_str(changes.lines().last().unwrap()).unwrap();
    assert_eq!(last["op"], "merged");
    assert_eq!(last["from_id"], from_id.as_str());
    // Into itself: the library's validation error, exit code 1 (bad input).
    let refused = book
        .run(&["merge", "olena@example.com", &from_id])
        .expect(1);
    assert!(refused.stderr.contains("from_id"), "{}", refused.stderr);
}

#[test]
fn erase_needs_yes_and_then_forgets_the_contact_but_not_its_unsubscribe() {
    let book = book();
    let id = show(&book, "taras@example.com")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let suppressions = book.file(
        "unsub.csv",
        "channel,address,kind,reason\nemail,taras@example.com,unsubscribed,asked\n",
    );
    book.run(&["suppress", suppressions.to_str().unwrap()])
        .expect(0);
    let refused = book.run(&["erase", "taras@example.com"]).expect(1);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(show(&book, &id)["id"], id.as_str());

    let exported = book.run(&["export", "--id", &id]).expect(0).stdout;
    let exported: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(exported["contact"]["first_name"], "Taras");
    assert_eq!(exported["suppressions"][0]["kind"], "unsubscribed");

    book.run(&["erase", "taras@example.com", "--yes"]).expect(0);
    book.run(&["show", &id]).expect(1);
    let gone = book.run(&["export", "--id", &id]).expect(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
    let decision = book
        .run(&["can-send", "olena@example.com", "email", "--json"])
        .expect(0)
        .stdout;
    assert!(decision.contains("\"allowed\":true"), "{decision}");
    // The address comes back with a new contact, still unsubscribed.
    let again = book.file("again.jsonl", "{\"email\": \"taras@example.com\"}\n");
    book.run(&["import", again.to_str().unwrap()]).expect(0);
    let decision = book
        .run(&["can-send", "taras@example.com", "email", "--json"])
        .expect(0)
        .stdout;
    assert!(decision.contains("unsubscribed"), "{decision}");
}

#[test]
fn export_id_refuses_to_write_over_the_book() {
    let book = book();
    let db = book.db.to_str().unwrap().to_string();
    let refused = book
        .run(&["export", "--id", "olena@example.com", "--output", &db])
        .expect(1);
    assert!(refused.stderr.contains("--output"), "{}", refused.stderr);
}
