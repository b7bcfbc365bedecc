//! Stored text never reaches the terminal raw: a contact whose every printed value
//! holds terminal escape sequences, a newline and other control characters prints
//! them escaped in the card, the timeline, `can-send`, the import report and error
//! messages, with colour off and on; only the card's own colours remain.

mod common;

use common::Book;
use serde_json::json;

/// What a hostile value carries: clear the screen, retitle the window (OSC ended by
/// BEL), a newline that would fake a line, a C1 CSI and a right-to-left override.
const EVIL: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\nFAKE\u{9b}2J\u{202e}";

/// How the CLI shows [`EVIL`].
const SHOWN: &str = r"\u{1b}[2J\u{1b}]0;pwned\u{7}\nFAKE\u{9b}2J\u{202e}";

/// The escapes the CLI itself writes with colour on (render.rs's tones and reset).
const OWN_COLOURS: [&str; 7] = [
    "\x1b[1m",
    "\x1b[2m",
    "\x1b[32m",
    "\x1b[38;5;130m",
    "\x1b[31m",
    "\x1b[33m",
    "\x1b[0m",
];

/// An event name may not hold ';' (the book refuses it), so its label drops them.
const NO_SEMICOLON: &str = "event";

/// `label` followed by the hostile text: each value is told apart by its label.
fn evil(label: &str) -> String {
    format!("{label}{}", in_label(label, EVIL))
}

/// How the CLI shows `evil(label)`.
fn shown(label: &str) -> String {
    format!("{label}{}", in_label(label, SHOWN))
}

/// `text` as the value labelled `label` can hold it.
fn in_label(label: &str, text: &str) -> String {
    if label == NO_SEMICOLON {
        text.replace(';', "")
    } else {
        text.to_string()
    }
}

/// The stored values the card's information block prints, by label.
const PROFILE_VALUES: [&str; 25] = [
    "extid",
    "ckey",
    "street",
    "postcode",
    "town",
    "region",
    "city",
    "locregion",
    "app",
    "device",
    "model",
    "os",
    "osver",
    "appver",
    "agent",
    "wpos",
    "bot",
    "chat",
    "fieldtitle",
    "fieldvalue",
    "category",
    "segment",
    "blacklist",
    "unsub",
    "liftnote",
];

/// The timeline's values, by label: the card's activity block and the `activity`
/// command print these.
const TIMELINE_VALUES: [&str; 6] = [
    "campaign",
    "statusdesc",
    "event",
    "eventkey",
    "workflow",
    "order",
];

/// A book holding one contact with [`EVIL`] in every value the card prints.
fn hostile_book() -> Book {
    let book = Book::new();
    let catalog = [
        json!({"field_definition": {"key": "nick", "title": evil("fieldtitle"), "type": "text"}}),
        json!({"category": {"title": evil("category")}}),
        json!({"segment": {"name": evil("segment")}}),
    ];
    let profile = json!({
        "id": "01900000-0000-7000-8000-0000000000e1",
        "external_id": evil("extid"),
        "contact_key": evil("ckey"),
        "first_name": "Eve",
        "email": "eve@example.com",
        "phone": "+380671234567",
        "devices": [{
            "app_id": evil("app"), "device_id": evil("device"), "token": "fcm-token-eve",
            "platform": "android", "model": evil("model"), "os": evil("os"),
            "os_version": evil("osver"), "app_version": evil("appver"), "active": true,
            "registered_at": "2025-01-10T09:00:00Z", "last_seen_at": "2025-01-10T09:00:00Z"
        }],
        "web_push": [{
            "endpoint": "https://fcm.googleapis.com/fcm/send/eve",
            "p256dh": "BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A",
            "auth": "ZGVmZ2hpamtsbW5vcHFycw",
            "user_agent": evil("agent"), "os": evil("wpos"),
            "created_at": "2025-01-10T09:00:00Z"
        }],
        "telegram": {"bot_id": evil("bot"), "chat_id": evil("chat")},
        "address": {"country": "UA", "region": evil("region"), "town": evil("town"),
                    "street_address": evil("street"), "postcode": evil("postcode")},
        "location": {"latitude": 50.45, "longitude": 30.52, "city": evil("city"),
                     "region": evil("locregion"), "source": "gps",
                     "updated_at": "2025-01-10T09:00:00Z"},
        "segments": [evil("segment")],
        "fields": {"nick": evil("fieldvalue")},
        "source": "import",
        "suppressions": [
            {"channel": "email", "address": "eve@example.com", "kind": "blacklisted",
             "at": "2025-03-03T03:03:00Z", "reason": evil("blacklist"),
             "lifted_at": null, "lift_note": null},
            {"channel": "sms", "address": "+380671234567", "kind": "unsubscribed",
             "at": "2025-03-04T03:03:00Z", "reason": evil("unsub"),
             "lifted_at": "2025-03-05T03:03:00Z", "lift_note": evil("liftnote")}
        ],
        "activity": [
            {"at": "2025-05-30T14:00:00Z", "kind": "order", "external_id": evil("order"),
             "amount": "10", "currency": "UAH", "status": "delivered", "items": [],
             "shipping": null, "discount": null, "taxes": null, "store_id": evil("store"),
             "source": "online", "delivery_address": null},
            {"at": "2025-05-29T18:40:00Z", "kind": "event", "name": evil("event"),
             "key_value": evil("eventkey"), "params": {}, "workflows": [evil("workflow")]},
            {"at": "2025-05-28T09:12:00Z", "kind": "campaign", "message_id": "m-1",
             "message_name": evil("campaign"), "channel": "email", "status": "read",
             "status_description": evil("statusdesc")}
        ]
    });
    let catalog: Vec<String> = catalog.iter().map(|v| v.to_string()).collect();
    book.file("catalog.jsonl", &(catalog.join("\n") + "\n"));
    book.run(&["import", "catalog.jsonl"]).expect(0);
    let mut profile = profile;
    profile["categories"] = json!([category_key(&book)]);
    book.file("hostile.jsonl", &(profile.to_string() + "\n"));
    book.run(&["import", "hostile.jsonl"]).expect(0);
    book
}

/// The key the book gave the hostile category (the slug of its title).
fn category_key(book: &Book) -> String {
    let export = book.run(&["export"]).expect(0).stdout;
    export
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v["category"]["key"].as_str().map(str::to_string))
        .expect("the category is in the export")
}

/// Panics unless `text` holds no control character but line ends, no bidirectional
/// override, and no line that starts with the text after a stored newline.
fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
        .collect();
    assert!(bad.is_empty(), "{what} printed raw {bad:?}:\n{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("FAKE")),
        "{what}: a stored newline started a line:\n{text}"
    );
}

/// `text` without the CLI's own colour escapes.
fn without_own_colours(text: &str) -> String {
    OWN_COLOURS
        .iter()
        .fold(text.to_string(), |t, escape| t.replace(escape, ""))
}

/// Panics unless each labelled value is shown, escaped, in `text`.
fn assert_shown(what: &str, text: &str, labels: &[&str]) {
    for label in labels {
        assert!(
            text.contains(&shown(label)),
            "{what} does not show {label:?} escaped:\n{text}"
        );
    }
}

#[test]
fn the_card_shows_every_stored_value_escaped() {
    let book = hostile_book();
    let plain = book
        .run(&["--color", "never", "show", "eve@example.com"])
        .expect(0)
        .stdout;
    assert!(!plain.contains('\x1b'), "no escape at all without colour");
    assert_inert("the card", &plain);
    assert_shown("the card", &plain, &PROFILE_VALUES);
    assert_shown("the card", &plain, &TIMELINE_VALUES);

    let coloured = book
        .run(&["--color", "always", "show", "eve@example.com"])
        .expect(0)
        .stdout;
    assert!(coloured.contains("\x1b[31m▌\x1b[0m"), "colours still work");
    let rest = without_own_colours(&coloured);
    assert_inert("the coloured card", &rest);
    assert_shown("the coloured card", &rest, &PROFILE_VALUES);
    assert_shown("the coloured card", &rest, &TIMELINE_VALUES);
}

#[test]
fn the_timeline_shows_every_stored_value_escaped() {
    let book = hostile_book();
    for color in ["never", "always"] {
        let run = book
            .run(&[
                "--color",
                color,
                "activity",
                "eve@example.com",
                "--period",
                "all",
            ])
            .expect(0);
        let text = without_own_colours(&run.stdout);
        assert_inert("the timeline", &text);
        assert_shown("the timeline", &text, &TIMELINE_VALUES);
    }
}

#[test]
fn json_output_escapes_them_the_json_way_and_reads_back() {
    let book = hostile_book();
    let timeline = book
        .run(&["activity", "eve@example.com", "--period", "all", "--json"])
        .expect(0)
        .stdout;
    let profile = book
        .run(&["show", "eve@example.com", "--json"])
        .expect(0)
        .stdout;
    let export = book.run(&["export"]).expect(0).stdout;
    for (what, text) in [
        ("activity --json", &timeline),
        ("show --json", &profile),
        ("export", &export),
    ] {
        assert_inert(what, text);
        assert!(
            text.contains(r"store\u001b[2J\u001b]0;pwned\u0007\nFAKE\u009b2J\u202e"),
            "{what}: {text}"
        );
    }
    let line: serde_json::Value = serde_json::from_str(profile.trim_end()).unwrap();
    assert_eq!(
        line["address"]["town"],
        evil("town"),
        "the value reads back"
    );
}

#[test]
fn can_send_shows_names_as_given_escaped() {
    let book = hostile_book();
    // A contact that is not in the book is named as given, escaped.
    let run = book.run(&["can-send", &evil("who"), "email"]).expect(0);
    assert_inert("can-send of an unknown contact", &run.stdout);
    assert_shown("can-send of an unknown contact", &run.stdout, &["who"]);
    let run = book
        .run(&[
            "can-send",
            "eve@example.com",
            "email",
            "--category",
            &evil("asked"),
        ])
        .expect(1);
    assert_inert("an unknown category", &run.stderr);
    assert!(run.stderr.contains("--category"), "{}", run.stderr);
}

#[test]
fn the_import_report_and_errors_show_input_escaped() {
    let book = hostile_book();
    let name = evil("file");
    let name = name.replace('\n', " ").replace('\u{202e}', "");
    book.file(
        &name,
        &(json!({"email": evil("mail")}).to_string()
            + "\n"
            + &json!({"first_name": "x", "unknown": 1}).to_string()
            + "\nnot json\n"),
    );
    let run = book.run(&["import", &name]).expect(1);
    assert_inert("the import report", &run.stdout);
    assert_inert("the import error", &run.stderr);
    assert!(
        run.stdout
            .contains(r"file\u{1b}[2J\u{1b}]0;pwned\u{7} FAKE"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);

    let run = book.run(&["show", &evil("nobody")]).expect(1);
    assert_inert("an error message", &run.stderr);
}
