//! `show`, `activity`, `can-send`, `export` and `demo` end to end on a temporary book.

mod common;

use common::{golden_book, Book};

#[test]
fn show_json_is_the_export_line() {
    let book = golden_book();
    let shown = book.run(&["show", "ann.lee", "--json"]).expect(0).stdout;
    let export = book.run(&["export"]).expect(0).stdout;
    assert!(export.lines().any(|l| l == shown.trim_end()));
    let value: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        value["segments"],
        serde_json::json!(["Beta testers", "VIP"])
    );
    assert_eq!(value["activity"].as_array().unwrap().len(), 7);
}

#[test]
fn an_unknown_contact_is_bad_input() {
    let book = golden_book();
    let run = book.run(&["show", "nobody@example.com"]).expect(1);
    assert!(
        run.stderr
            .contains("no live contact matches \"nobody@example.com\""),
        "{}",
        run.stderr
    );
    book.run(&["activity", "nobody"]).expect(1);
}

#[test]
fn reading_a_missing_book_is_a_storage_error_and_creates_nothing() {
    let book = Book::new();
    let run = book.run(&["show", "ann@example.com"]).expect(2);
    assert!(run.stderr.contains("no such book"), "{}", run.stderr);
    assert!(!book.db.exists());
}

#[test]
fn activity_by_category_and_period() {
    let book = golden_book();
    // The clock is 2025-06-01 12:00: 7 days back reaches 2025-05-25.
    let recent = book
        .run(&["activity", "ann.lee", "--period", "7d"])
        .expect(0)
        .stdout;
    let rows: Vec<&str> = recent.lines().filter(|l| l.starts_with('▌')).collect();
    assert_eq!(rows.len(), 3, "{recent}");
    assert!(recent.starts_with("Contact activity · Ann Lee · all · last 7 days · newest first"));
    // Orders always show their full history, whatever the period.
    let orders = book
        .run(&[
            "activity",
            "ann.lee",
            "--category",
            "orders",
            "--period",
            "7d",
        ])
        .expect(0)
        .stdout;
    let rows: Vec<&str> = orders.lines().filter(|l| l.starts_with('▌')).collect();
    assert_eq!(rows.len(), 2, "{orders}");
    assert!(rows[0].contains("ORD-1001") && rows[1].contains("ORD-0950"));
    let events = book
        .run(&[
            "activity",
            "ann.lee",
            "--category",
            "events",
            "--period",
            "1y",
            "--json",
        ])
        .expect(0)
        .stdout;
    let items: Vec<serde_json::Value> = events
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["color"], "brown");
    assert_eq!(items[0]["icon"], "flag");
    let limited = book
        .run(&["activity", "ann.lee", "--period", "all", "--limit", "2"])
        .expect(0)
        .stdout;
    assert!(limited.contains("… more: raise --limit (now 2)"));
    let run = book
        .run(&["activity", "ann.lee", "--period", "2w"])
        .expect(1);
    assert!(run.stderr.contains("invalid value '2w' for '--period"));
}

#[test]
fn can_send_answers_with_one_reason() {
    let book = golden_book();
    let answer = |args: &[&str]| book.run(args).expect(0).stdout;
    assert_eq!(
        answer(&["can-send", "ann.lee", "email"]),
        "email to Ann Lee: allowed (ok)\n"
    );
    assert_eq!(
        answer(&["can-send", "ann.lee", "sms"]),
        "sms to Ann Lee: not allowed (unsubscribed)\n"
    );
    assert_eq!(
        answer(&["can-send", "crm-2", "email", "--category", "weekly-news"]),
        "email to Bob Stone in category weekly-news: not allowed (blacklisted)\n"
    );
    assert_eq!(
        answer(&[
            "can-send",
            "ann.lee",
            "mobile_push",
            "--category",
            "promotions",
            "--json"
        ]),
        "{\"allowed\":true,\"reason\":\"ok\"}\n"
    );
    assert_eq!(
        answer(&["can-send", "crm-2", "web_push", "--json"]),
        "{\"allowed\":false,\"reason\":\"no_address\"}\n"
    );
    assert_eq!(
        answer(&["can-send", "nobody@example.com", "email"]),
        "email to nobody@example.com: not allowed (unknown_contact)\n"
    );
    let run = book
        .run(&["can-send", "ann.lee", "email", "--category", "nope"])
        .expect(1);
    assert!(
        run.stderr
            .contains("--category: category \"nope\" not found"),
        "{}",
        run.stderr
    );
    let run = book.run(&["can-send", "ann.lee", "fax"]).expect(1);
    assert!(run.stderr.contains("invalid value 'fax'"));
}

#[test]
fn can_send_takes_any_identifier_the_book_resolves() {
    let book = golden_book();
    // Ann's id, her email in another case, phone, external id, contact key.
    for who in [
        "01900000-0000-7000-8000-000000000001",
        "ANN@EXAMPLE.COM",
        "+380671234567",
        "crm-1",
        " ann.lee ",
    ] {
        let run = book.run(&["can-send", who, "sms"]).expect(0);
        assert_eq!(
            run.stdout, "sms to Ann Lee: not allowed (unsubscribed)\n",
            "{who}"
        );
    }
    let run = book.run(&["can-send", "", "email"]).expect(1);
    assert!(run.stderr.contains("WHO: empty"), "{}", run.stderr);
    // An id compares in any case.
    book.file(
        "zed.csv",
        "id,email,first_name\n0190a5c2-0000-7000-8000-0000000000ab,zed@example.com,Zed\n",
    );
    book.run(&["import", "zed.csv"]).expect(0);
    assert_eq!(
        book.run(&["can-send", "0190A5C2-0000-7000-8000-0000000000AB", "email"])
            .expect(0)
            .stdout,
        "email to Zed: allowed (ok)\n"
    );
}

#[test]
fn demo_builds_a_book_and_rerunning_changes_nothing() {
    let book = Book::new();
    let first = book.run(&["demo", "--contacts", "40"]).expect(0).stdout;
    assert!(
        first.contains("40 contacts (40 new, 0 refreshed)"),
        "{first}"
    );
    assert!(first.contains("Olena Koval"));
    assert!(first.contains("Contact information"));
    assert!(first.contains("Contact activity"));
    assert!(first.contains("unsubscribed 2025-05-23"), "{first}");
    assert!(!first.contains('\x1b'));
    let export = book.run(&["export"]).expect(0).stdout;
    let again = book.run(&["demo", "--contacts", "40"]).expect(0).stdout;
    assert!(
        again.contains(
            "40 contacts (0 new, 40 refreshed), 0 timeline items recorded, 40 live contacts"
        ),
        "{again}"
    );
    assert_eq!(book.run(&["export"]).expect(0).stdout, export);
    // The addresses the domain asks for are there.
    assert!(
        export.contains("\"kind\":\"blacklisted\"")
            && export.contains("\"reason\":\"hard_bounce\"")
    );
    assert!(export.contains("\"email_status\":\"unsubscribed\""));
    assert!(export.contains("\"email_status\":\"spam_complaint\""));
    assert!(export.contains("com.example.club") && export.contains("com.example.shop"));
    assert!(export.contains("\"web_push\":[{"));
}

#[test]
fn the_same_seed_builds_the_same_book() {
    let a = Book::new();
    let b = Book::new();
    a.run(&["demo", "--contacts", "15", "--seed", "7"])
        .expect(0);
    b.run(&["demo", "--contacts", "15", "--seed", "7"])
        .expect(0);
    let strip_ids = |text: String| {
        text.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                if let Some(o) = v.as_object_mut() {
                    o.remove("id");
                }
                v.to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip_ids(a.run(&["export"]).expect(0).stdout),
        strip_ids(b.run(&["export"]).expect(0).stdout)
    );
}

#[test]
fn help_and_version_exit_zero() {
    let book = Book::new();
    let help = book.run(&["--help"]).expect(0).stdout;
    for command in [
        "demo", "import", "suppress", "show", "activity", "can-send", "export",
    ] {
        assert!(help.contains(command), "{command} missing from help");
    }
    book.run(&["--version"]).expect(0);
    book.run(&["frobnicate"]).expect(1);
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let book = Book::new();
    book.run(&["demo", "--contacts", "40"]).expect(0);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_contactkit"))
        .arg("--db")
        .arg(&book.db)
        .arg("export")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, like `contactkit export | head -c 100`.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
