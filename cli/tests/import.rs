//! `contactkit import`: JSON lines, CSV and the seed platform's JSON, with the
//! report naming file, line, field and reason, and the exit codes.

mod common;

use common::Book;

fn count(book: &Book) -> usize {
    let out = book.run(&["export", "--no-activity"]).expect(0).stdout;
    out.lines().filter(|l| l.contains("\"created_at\"")).count()
}

#[test]
fn json_lines_create_then_update() {
    let book = Book::new();
    let file = book.file(
        "people.jsonl",
        concat!(
            r#"{"email": "ann@example.com", "first_name": "Ann", "phone": "+380671234567"}"#,
            "\n\n",
            r#"{"email": "bob@example.com", "first_name": "Bob", "address": {"country": "PL"}, "phone": "501 234 567"}"#,
            "\n"
        ),
    );
    let run = book.run(&["import", file.to_str().unwrap()]).expect(0);
    assert!(
        run.stdout.contains("2 created, 0 updated, 0 rejected"),
        "{}",
        run.stdout
    );
    let run = book.run(&["import", file.to_str().unwrap()]).expect(0);
    assert!(
        run.stdout.contains("0 created, 2 updated, 0 rejected"),
        "{}",
        run.stdout
    );
    // The national number was read in the address country.
    book.run(&["show", "+48501234567"]).expect(0);
    assert_eq!(count(&book), 2);
}

#[test]
fn a_malformed_json_line_is_rejected_with_its_line_and_the_rest_imported() {
    let book = Book::new();
    let file = book.file(
        "people.jsonl",
        concat!(
            r#"{"email": "ann@example.com"}"#,
            "\n",
            r#"{"email": "bob@example.com", "first_name" "Bob"}"#,
            "\n",
            r#"{"email": "not-an-email"}"#,
            "\n",
            r#"{"emial": "carl@example.com"}"#,
            "\n",
            r#"{"email": "dan@example.com", "address": {"country": 5}}"#,
            "\n",
            r#"{"email": "eve@example.com"}"#,
            "\n"
        ),
    );
    let rejects = book.path("rejects.jsonl");
    let run = book
        .run(&[
            "import",
            file.to_str().unwrap(),
            "--rejects",
            rejects.to_str().unwrap(),
        ])
        .expect(1);
    let name = file.display().to_string();
    assert!(
        run.stdout.contains("2 created, 0 updated, 4 rejected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "{name}:2: malformed JSON at column 43: expected `:`"
        )),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains(&format!("{name}:3: email: invalid email \"not-an-email\"")));
    assert!(run.stdout.contains(&format!(
        "{name}:4: emial: invalid emial \"emial\": unknown field `emial`"
    )));
    assert!(run.stdout.contains(&format!(
        "{name}:5: address.country: invalid address.country \"5\": invalid type"
    )));
    assert!(run
        .stderr
        .contains("4 rows rejected; the others were imported"));
    // Nothing of a rejected row was written; the good rows were.
    book.run(&["show", "ann@example.com"]).expect(0);
    book.run(&["show", "eve@example.com"]).expect(0);
    book.run(&["show", "bob@example.com"]).expect(1);
    // The rejects file keeps every row with its original text.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(
        lines[0]["input"],
        r#"{"email": "bob@example.com", "first_name" "Bob"}"#
    );
    assert_eq!(lines[1]["field"], "email");
    assert_eq!(lines[1]["file"], name.as_str());
}

#[test]
fn csv_with_additional_fields_as_columns() {
    let book = Book::new();
    let catalog = book.file(
        "catalog.jsonl",
        concat!(
            r#"{"field_definition": {"key": "birthday", "type": "date"}}"#,
            "\n",
            r#"{"field_definition": {"key": "tier", "type": "list", "options": ["bronze", "gold"]}}"#,
            "\n",
            r#"{"category": {"title": "Weekly news"}}"#,
            "\n",
            r#"{"segment": {"name": "VIP"}}"#,
            "\n"
        ),
    );
    book.run(&["import", catalog.to_str().unwrap()]).expect(0);
    let csv = book.file(
        "people.csv",
        "email,first_name,last_name,phone,country,town,birthday,tier,categories,segments\n\
         ann@example.com,Ann,Lee,067 123 4567,UA,Kyiv,1990-03-09,gold,weekly-news,VIP\n\
         bob@example.com,Bob,,,,,1985-13-01,bronze,,\n\
         carl@example.com,Carl,Moss\n\
         \"dan@example.com\",\"Dan Jr.\",,,,,,\"silver\",,\n",
    );
    let run = book.run(&["import", csv.to_str().unwrap()]).expect(1);
    let name = csv.display().to_string();
    assert!(
        run.stdout.contains("1 created, 0 updated, 3 rejected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "{name}:3: fields.birthday: invalid fields.birthday \"1985-13-01\": expected a date"
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&format!(
        "{name}:4: expected 10 columns as in the header, found 3"
    )));
    assert!(
        run.stdout.contains(&format!(
            "{name}:5: fields.tier: invalid fields.tier \"silver\""
        )),
        "{}",
        run.stdout
    );
    let card = book.run(&["show", "ann@example.com"]).expect(0).stdout;
    assert!(card.contains("+380671234567"), "{card}");
    assert!(card.contains("1990-03-09"));
    assert!(card.contains("Weekly news (weekly-news)"));
    assert!(card.contains("Segments      VIP"));
}

#[test]
fn a_wrong_csv_column_stops_before_any_row() {
    let book = Book::new();
    let csv = book.file(
        "people.csv",
        "email,first_name,emial\nann@example.com,Ann,x\n",
    );
    let run = book.run(&["import", csv.to_str().unwrap()]).expect(1);
    assert!(
        run.stderr.contains(&format!(
            "{}:1: column 3 \"emial\": unknown column: expected one of id, external_id",
            csv.display()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no additional fields are defined"));
    assert!(!run.stderr.contains("panicked"));
    assert_eq!(count(&book), 0);
}

#[test]
fn an_unknown_dedupe_key_is_bad_input() {
    let book = Book::new();
    let file = book.file("people.jsonl", "{\"email\": \"ann@example.com\"}\n");
    let run = book
        .run(&["import", file.to_str().unwrap(), "--dedupe-on", "nickname"])
        .expect(1);
    assert!(
        run.stderr
            .contains("invalid value 'nickname' for '--dedupe-on <KEY>'"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("email_or_phone"));
    assert!(!book.db.exists() || count(&book) == 0);
}

#[test]
fn dedupe_on_another_key_merges_into_the_match() {
    let book = Book::new();
    let first = book.file(
        "a.jsonl",
        "{\"external_id\": \"crm-1\", \"email\": \"ann@example.com\", \"first_name\": \"Ann\"}\n",
    );
    book.run(&["import", first.to_str().unwrap()]).expect(0);
    let second = book.file(
        "b.jsonl",
        "{\"external_id\": \"crm-1\", \"email\": \"ann.lee@example.com\", \"last_name\": \"Lee\"}\n",
    );
    let run = book
        .run(&[
            "import",
            second.to_str().unwrap(),
            "--dedupe-on",
            "external_id",
        ])
        .expect(0);
    assert!(run.stdout.contains("0 created, 1 updated"));
    let card = book.run(&["show", "crm-1"]).expect(0).stdout;
    assert!(card.starts_with("Ann Lee\n"), "{card}");
    assert!(card.contains("ann.lee@example.com"));
}

#[test]
fn the_seed_platform_shape_is_mapped() {
    let book = Book::new();
    let catalog = book.file(
        "catalog.jsonl",
        "{\"field_definition\": {\"key\": \"job\", \"type\": \"text\"}}\n",
    );
    book.run(&["import", catalog.to_str().unwrap()]).expect(0);
    let file = book.file(
        "platform.json",
        r#"[
  {"firstName": "John", "lastName": "Smith",
   "channels": [
     {"type": "email", "value": "john.contact@example.com"},
     {"type": "sms", "value": "+380501234567"},
     {"type": "mobilepush", "value": "8900-7654-6456-9876-0012",
      "device": {"appId": "83b77a49-fc28-409b-aeaa-68c9d544ab9d", "deviceModel": "iPhone 13", "os": "iOS", "locale": "uk-UA", "appVersion": "4.1.7", "active": true}},
     {"type": "webpush", "value": "{\"endpoint\":\"https://fcm.googleapis.com/fcm/send/abc\",\"keys\":{\"p256dh\":\"BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A\",\"auth\":\"ZGVmZ2hpamtsbW5vcHFycw\"}}"},
     {"type": "telegram", "value": "4412"}
   ],
   "address": {"region": "Kyiv", "town": "Kyiv", "address": "Khreshchatyk 1", "postcode": "01001"},
   "fields": [{"id": 12345, "value": "writer"}],
   "contactKey": "john-k", "externalCustomerId": "ext-77", "languageCode": "uk", "timeZone": "Europe/Kyiv"},
  {"firstName": "Jane", "channels": [{"type": "fax", "value": "1"}]},
  {"firstName": "Joe", "channels": [{"type": "email", "value": "joe@example.com"}], "fields": [{"id": 999, "value": "x"}]}
]
"#,
    );
    let run = book
        .run(&[
            "import",
            file.to_str().unwrap(),
            "--map-field",
            "12345=job",
            "--telegram-bot",
            "7001",
        ])
        .expect(1);
    let name = file.display().to_string();
    assert!(
        run.stdout.contains("1 created, 0 updated, 2 rejected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "{name}:14: channels[0].type: invalid channels[0].type \"fax\": unknown channel type"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("{name}:15: fields.999: invalid fields.999")),
        "{}",
        run.stdout
    );
    let card = book.run(&["show", "ext-77"]).expect(0).stdout;
    for part in [
        "John Smith",
        "john.contact@example.com · active",
        "+380501234567",
        "83b77a49-fc28-409b-aeaa-68c9d544ab9d · 1 device",
        "ios · iPhone 13 · iOS · v4.1.7 · uk-UA · active",
        "fcm.googleapis.com",
        "bot 7001 · chat 4412",
        "Khreshchatyk 1, 01001, Kyiv",
        "Europe/Kyiv",
        "job  writer",
        "john-k",
    ] {
        assert!(card.contains(part), "{part} missing from\n{card}");
    }
}

#[test]
fn a_missing_file_is_bad_input_naming_it() {
    let book = Book::new();
    let run = book.run(&["import", "nowhere.jsonl"]).expect(1);
    assert!(
        run.stderr.contains("nowhere.jsonl: cannot read"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_that_is_not_a_book_is_a_storage_error() {
    let book = Book::new();
    std::fs::write(
        &book.db,
        "this is not a database, just text that is long enough to be a header",
    )
    .unwrap();
    let file = book.file("people.jsonl", "{\"email\": \"ann@example.com\"}\n");
    let run = book.run(&["import", file.to_str().unwrap()]).expect(2);
    assert!(
        run.stderr.contains(&book.db.display().to_string()),
        "{}",
        run.stderr
    );
    let run = book.run(&["show", "ann@example.com"]).expect(2);
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn a_row_with_the_id_of_a_contact_updates_it() {
    let book = common::golden_book();
    let file = book.file(
        "over.jsonl",
        "{\"id\": \"01900000-0000-7000-8000-000000000002\", \"first_name\": \"Zed\"}\n",
    );
    // The dedupe key (email) finds nothing; the id names the contact, which is
    // updated, never replaced.
    let run = book.run(&["import", file.to_str().unwrap()]).expect(0);
    assert!(
        run.stdout.contains("0 created, 1 updated, 0 rejected"),
        "{}",
        run.stdout
    );
    let card = book.run(&["show", "bob@example.org"]).expect(0).stdout;
    assert!(card.starts_with("Zed Stone\n"), "{card}");
    assert!(card.contains("blacklisted 2025-03-03 03:03 UTC · hard_bounce"));
}

#[test]
fn a_catalogue_imported_again_is_left_as_it_is() {
    let book = Book::new();
    book.file(
        "catalog.jsonl",
        concat!(
            "{\"field_definition\": {\"key\": \"birthday\", \"title\": \"Birthday\", \"type\": \"date\"}}\n",
            "{\"category\": {\"title\": \"Weekly news\"}}\n",
            "{\"category\": {\"key\": \"promotions\", \"title\": \"Promotions\"}}\n",
            "{\"segment\": {\"name\": \"VIP\"}}\n",
        ),
    );
    book.run(&["import", "catalog.jsonl"]).expect(0);
    let first = book.run(&["export"]).expect(0).stdout;
    let again = book.run(&["import", "catalog.jsonl"]).expect(0);
    assert!(again.stdout.contains("0 rejected"), "{}", again.stdout);
    assert_eq!(book.run(&["export"]).expect(0).stdout, first);
}

#[test]
fn drop_field_keeps_a_row_without_its_invalid_values() {
    let book = Book::new();
    let file = book.file(
        "people.csv",
        "email,first_name,timezone,language\nann@example.com,Ann,Mars/Olympus,english\nbob@,Bob,,\n",
    );
    let path = file.to_str().unwrap();
    let run = book
        .run(&["import", path, "--on-invalid", "drop_field"])
        .expect(1);
    assert!(
        run.stdout
            .contains("1 created, 0 updated, 1 rejected, 1 written without some values"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("people.csv:2: dropped timezone, language"),
        "{}",
        run.stdout
    );
    book.run(&["show", "ann@example.com"]).expect(0);
    let refused = book
        .run(&["import", path, "--on-invalid", "keep"])
        .expect(1);
    assert!(refused.stderr.contains("on_invalid"), "{}", refused.stderr);
}
