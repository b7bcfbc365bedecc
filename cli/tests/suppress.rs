//! `contactkit suppress`: another sender's suppression list from CSV, with the
//! report naming file, line, field and reason, and the exit codes.

mod common;

use common::Book;
use serde_json::Value;

/// Good rows (an export's word for the kind, an SMS with its reason, defaults), then
/// a bad address, a bad kind and a push channel.
const LIST: &str = "\
channel,address,kind,reason
email,Ann@Example.com,cleaned,
sms,+380671234567,unsubscribed,replied STOP
,zoe@example.com,,
email,bob@,blacklisted,
email,carl@example.com,maybe,
mobile_push,fcm-token-1,spam,
";

/// The profile `show --json` prints for `who`.
fn profile(book: &Book, who: &str) -> Value {
    let line = book.run(&["show", who, "--json"]).expect(0).stdout;
    serde_json::from_str(&line).unwrap()
}

#[test]
fn good_rows_are_recorded_and_each_bad_one_reported_with_line_field_and_reason() {
    let book = Book::new();
    let file = book.file("list.csv", LIST);
    let rejects = book.path("rejects.jsonl");
    let run = book
        .run(&[
            "suppress",
            file.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ])
        .expect(1);
    let name = file.display().to_string();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].ends_with(": 3 recorded, 3 rejected"),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines[1..4],
        [
            format!("  {name}:5: address: invalid email \"bob@\": Domain is empty."),
            format!(
                "  {name}:6: kind: invalid kind \"maybe\": expected blacklisted, unsubscribed or spam_complaint, or an export's word for one (cleaned, bounced, hard_bounce, blocked, opt_out, spam_report, …)"
            ),
            format!(
                "  {name}:7: channel: invalid channel \"mobile_push\": only email and sms addresses are suppressed by address; push and Telegram suppressions belong to a contact"
            ),
        ]
    );
    assert!(
        run.stderr
            .contains("3 rows rejected; the others were recorded"),
        "{}",
        run.stderr
    );
    let written: Vec<Value> = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(written.len(), 3);
    assert_eq!(written[1]["line"], 6);
    assert_eq!(written[1]["field"], "kind");
    assert_eq!(written[1]["input"], "email,carl@example.com,maybe,");

    // Contacts taking the addresses later are suppressed; the rejected ones are not.
    let people = book.file(
        "people.csv",
        "email,phone\nann@example.com,+380671234567\nzoe@example.com,\ncarl@example.com,\n",
    );
    book.run(&["import", people.to_str().unwrap()]).expect(0);
    let ann = profile(&book, "ann@example.com");
    assert_eq!(ann["email_status"], "blacklisted");
    assert_eq!(ann["phone_status"], "unsubscribed");
    let reasons: Vec<&Value> = ann["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(reasons, ["cleaned", "replied STOP"]);
    // No channel column value: email; no kind: unsubscribed.
    assert_eq!(
        profile(&book, "zoe@example.com")["email_status"],
        "unsubscribed"
    );
    assert_eq!(profile(&book, "carl@example.com")["email_status"], "active");
}

#[test]
fn a_contact_created_later_with_a_suppressed_address_shows_the_status() {
    let book = Book::new();
    let list = book.file(
        "list.csv",
        "address,kind,reason\nann@example.com,hard_bounce,\n",
    );
    let run = book.run(&["suppress", list.to_str().unwrap()]).expect(0);
    assert!(
        run.stdout.ends_with(": 1 recorded, 0 rejected\n"),
        "{}",
        run.stdout
    );
    let people = book.file("people.csv", "email,first_name\nann@example.com,Ann\n");
    book.run(&["import", people.to_str().unwrap()]).expect(0);
    let card = book.run(&["show", "ann@example.com"]).expect(0).stdout;
    assert!(
        card.contains(
            "  Email         ann@example.com · blacklisted\n                  blacklisted 2025-06-01 12:00 UTC · hard_bounce\n"
        ),
        "{card}"
    );
    assert_eq!(
        book.run(&["can-send", "ann@example.com", "email"])
            .expect(0)
            .stdout,
        "email to Ann: not allowed (blacklisted)\n"
    );
}

#[test]
fn recording_a_list_again_changes_nothing() {
    let book = Book::new();
    book.file("list.csv", LIST);
    let first = book.run(&["suppress", "list.csv"]).expect(1);
    let people = book.file("people.csv", "email,phone\nann@example.com,+380671234567\n");
    book.run(&["import", people.to_str().unwrap()]).expect(0);
    let before = profile(&book, "ann@example.com");
    let export = book.run(&["export", "--no-activity"]).expect(0).stdout;

    // A day later, the same list: the same rows, each now already suppressed so, and
    // the records keep their date.
    let again = book
        .run_env(
            &["suppress", "list.csv"],
            &[("CONTACTKIT_NOW", "2025-06-02T12:00:00Z")],
        )
        .expect(1);
    assert_eq!(
        again.stdout,
        first
            .stdout
            .replace("3 recorded,", "3 recorded (3 already suppressed so),")
    );
    assert_eq!(profile(&book, "ann@example.com"), before);
    assert_eq!(before["suppressions"].as_array().unwrap().len(), 2);
    assert_eq!(before["suppressions"][0]["at"], "2025-06-01T12:00:00Z");
    assert_eq!(
        book.run(&["export", "--no-activity"]).expect(0).stdout,
        export
    );
}

#[test]
fn national_numbers_are_read_in_the_region_given() {
    let book = Book::new();
    let list = book.file("list.csv", "channel,address\nSMS,067 123 4567\n");
    let run = book.run(&["suppress", "list.csv"]).expect(1);
    assert!(
        run.stdout
            .contains(":2: address: invalid phone \"067 123 4567\""),
        "{}",
        run.stdout
    );
    book.run(&["--region", "UA", "suppress", list.to_str().unwrap()])
        .expect(0);
    let people = book.file("people.csv", "phone\n+380671234567\n");
    book.run(&["import", people.to_str().unwrap()]).expect(0);
    assert_eq!(
        profile(&book, "+380671234567")["phone_status"],
        "unsubscribed"
    );
}

#[test]
fn a_wrong_header_stops_before_any_row() {
    let book = Book::new();
    book.file("typo.csv", "address,knd\nann@example.com,blacklisted\n");
    let run = book.run(&["suppress", "typo.csv"]).expect(1);
    assert_eq!(
        run.stderr,
        "contactkit: typo.csv:1: column 2 \"knd\": unknown column: expected one of channel, address, kind, reason, at\n"
    );
    book.file(
        "twice.csv",
        "Address,address\na@example.com,b@example.com\n",
    );
    let run = book.run(&["suppress", "twice.csv"]).expect(1);
    assert!(
        run.stderr
            .contains("column 2 \"address\": the same column as \"Address\""),
        "{}",
        run.stderr
    );
    book.file("none.csv", "kind\nblacklisted\n");
    let run = book.run(&["suppress", "none.csv"]).expect(1);
    assert!(run.stderr.contains("none.csv:1: no address column"));
    // Nothing was recorded by any of them.
    let people = book.file("people.csv", "email\nann@example.com\n");
    book.run(&["import", people.to_str().unwrap()]).expect(0);
    assert_eq!(profile(&book, "ann@example.com")["email_status"], "active");
}

#[test]
fn stored_text_in_the_report_is_escaped() {
    let book = Book::new();
    book.file("evil.csv", "address,kind\nann@example.com,\"x\x1b[2J\"\n");
    let run = book.run(&["suppress", "evil.csv"]).expect(1);
    assert!(!run.all().contains('\x1b'), "{}", run.all());
    assert!(
        run.stdout.contains(r#"invalid kind "x\u{1b}[2J""#),
        "{}",
        run.stdout
    );
}

#[test]
fn an_at_column_dates_each_record() {
    let book = Book::new();
    book.file(
        "dated.csv",
        "address,kind,at\nann@example.com,unsubscribed,2024-02-20 04:42:48\nbob@example.com,cleaned,2999-01-01T00:00:00Z\ncy@example.com,unsubscribed,yesterday\n",
    );
    let run = book.run(&["suppress", "dated.csv"]).expect(1);
    assert!(
        run.stdout.contains(": 1 recorded, 2 rejected"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("dated.csv:3: at:"), "{}", run.stdout);
    assert!(run.stdout.contains("dated.csv:4: at:"), "{}", run.stdout);
    book.file("people.csv", "email\nann@example.com\n");
    book.run(&["import", "people.csv"]).expect(0);
    let ann = profile(&book, "ann@example.com");
    assert_eq!(ann["suppressions"][0]["at"], "2024-02-20T04:42:48Z");
}
