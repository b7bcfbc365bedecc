//! `list` and `count`, with and without `--where` (a rule as JSON text).

mod common;

use common::Book;

/// A book of three live contacts: two in Ukraine, one in Poland.
fn book() -> Book {
    let book = Book::new();
    let file = book.file(
        "people.jsonl",
        concat!(
            r#"{"email": "olena@example.com", "first_name": "Olena", "address": {"country": "UA"}}"#,
            "\n",
            r#"{"email": "ania@example.com", "first_name": "Ania", "address": {"country": "PL"}}"#,
            "\n",
            r#"{"email": "taras@example.com", "first_name": "Taras", "address": {"country": "UA"}}"#,
            "\n",
        ),
    );
    book.run(&["import", file.to_str().unwrap()]).expect(0);
    book
}

const UKRAINE: &str = r#"{"attr": "country", "op": "eq", "value": "ua"}"#;

fn emails(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| line.split('\t').nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn count_and_list_answer_a_rule() {
    let book = book();
    assert_eq!(book.run(&["count"]).expect(0).stdout, "3\n");
    assert_eq!(
        book.run(&["count", "--where", UKRAINE]).expect(0).stdout,
        "2\n"
    );
    let listed = book.run(&["list", "--where", UKRAINE]).expect(0).stdout;
    assert_eq!(emails(&listed), ["olena@example.com", "taras@example.com"]);
    let rows: Vec<&str> = listed.lines().collect();
    assert!(rows[0].ends_with("\tOlena"), "{listed}");
    let not = format!(r#"{{"not": {UKRAINE}}}"#);
    assert_eq!(
        emails(&book.run(&["list", "--where", &not]).expect(0).stdout),
        ["ania@example.com"]
    );
    assert_eq!(book.run(&["list"]).expect(0).stdout.lines().count(), 3);
    let nobody = r#"{"any": []}"#;
    assert_eq!(book.run(&["list", "--where", nobody]).expect(0).stdout, "");
    assert_eq!(
        book.run(&["count", "--where", nobody]).expect(0).stdout,
        "0\n"
    );
}

#[test]
fn list_limits_and_prints_json() {
    let book = book();
    let one = book
        .run(&["list", "--where", UKRAINE, "--limit", "1"])
        .expect(0)
        .stdout;
    assert_eq!(emails(&one), ["olena@example.com"]);
    let json = book
        .run(&["list", "--where", UKRAINE, "--json"])
        .expect(0)
        .stdout;
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["email"], "taras@example.com");
    assert_eq!(lines[1]["address"]["country"], "UA");
    // The export line, without the timeline.
    let export = book.run(&["export", "--no-activity"]).expect(0).stdout;
    for line in json.lines() {
        assert!(export.lines().any(|l| l == line), "{line}");
    }
    book.run(&["list", "--limit", "0"]).expect(1);
}

#[test]
fn a_bad_rule_is_the_librarys_validation_error_and_prints_nothing() {
    let book = book();
    let cases = [
        (
            r#"{"all": [{"attr": "country", "op": "eq", "value": "UA"}, {"attr": "email", "op": "like", "value": "x"}]}"#,
            "rule.all[1].op",
        ),
        (
            r#"{"any": [{"attr": "shoe_size", "op": "eq", "value": 1}]}"#,
            "rule.any[0].attr",
        ),
        // Checked against the book: no such field, segment or category.
        (
            r#"{"not": {"field": "tier", "op": "eq", "value": "gold"}}"#,
            "rule.not.field",
        ),
        (r#"{"in_category": "no-such"}"#, "rule.in_category"),
        ("not json", "rule"),
    ];
    let before = std::fs::read(&book.db).unwrap();
    for (rule, path) in cases {
        for command in ["list", "count"] {
            let run = book.run(&[command, "--where", rule]).expect(1);
            assert_eq!(run.stdout, "", "{command} {rule}");
            assert!(
                run.stderr
                    .starts_with(&format!("contactkit: --where: invalid {path} ")),
                "{command} {rule}: {}",
                run.stderr
            );
            assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        }
    }
    let run = book
        .run(&[
            "list",
            "--json",
            "--where",
            "{\"all\": [{\"status\": \"email\", \"is\": \"asleep\"}]}",
        ])
        .expect(1);
    assert!(run.stderr.contains("rule.all[0].is"), "{}", run.stderr);
    assert_eq!(std::fs::read(&book.db).unwrap(), before);
}

#[test]
fn hostile_rule_text_is_refused_in_one_line() {
    let book = book();
    let deep = format!(
        "{}{UKRAINE}{}",
        "{\"not\": ".repeat(10_000),
        "}".repeat(10_000)
    );
    // 120 kB: past the 64 kB a rule may take, below the 128 kB an argument may.
    let huge = format!(
        r#"{{"attr": "email", "op": "eq", "value": "{}"}}"#,
        "x".repeat(120_000)
    );
    for rule in [deep.as_str(), huge.as_str(), "", "{", "null", "\u{1b}[31m"] {
        let run = book.run(&["count", "--where", rule]).expect(1);
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr.starts_with("contactkit: --where: invalid rule"),
            "{}",
            &run.stderr[..run.stderr.len().min(200)]
        );
        assert!(run.stderr.len() < 100_000, "{} bytes", run.stderr.len());
        assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    }
}

#[test]
fn a_bad_rule_on_a_missing_book_creates_nothing() {
    let book = Book::new();
    book.run(&["count", "--where", "{"]).expect(1);
    book.run(&["list", "--where", UKRAINE]).expect(2);
    assert!(!book.db.exists());
}
