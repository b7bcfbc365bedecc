//! The profile card, checked in plain mode against the expected layout (a golden
//! file), and its colour bars when colour is on.

mod common;

use common::{fixture, golden_book};

/// Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it after a deliberate
/// change of layout.
fn assert_golden(name: &str, actual: &str) {
    let path = fixture(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        expected == actual,
        "{name} differs from the card printed\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn card_matches_the_expected_layout() {
    let book = golden_book();
    let run = book.run(&["show", "ann@example.com"]).expect(0);
    assert_golden("golden_card.txt", &run.stdout);
    // Plain mode: not a single escape.
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn card_of_a_blacklisted_address_shows_date_and_reason() {
    let book = golden_book();
    let run = book.run(&["show", "crm-2"]).expect(0);
    assert_golden("golden_card_blacklisted.txt", &run.stdout);
}

#[test]
fn every_identifier_finds_the_same_card() {
    let book = golden_book();
    let by_email = book.run(&["show", "ann@example.com"]).expect(0).stdout;
    for who in [
        "01900000-0000-7000-8000-000000000001",
        "+380671234567",
        "crm-1",
        "ann.lee",
        " ANN@example.com ",
    ] {
        assert_eq!(book.run(&["show", who]).expect(0).stdout, by_email, "{who}");
    }
}

#[test]
fn activity_rows_are_newest_first_with_icons() {
    let book = golden_book();
    let card = book.run(&["show", "ann.lee"]).expect(0).stdout;
    let rows: Vec<&str> = card.lines().filter(|l| l.starts_with('▌')).collect();
    assert_eq!(rows.len(), 7);
    let times: Vec<&str> = rows.iter().map(|r| &r[4..20]).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    assert!(rows[0].contains("👜 order") && rows[0].contains("ORD-1001"));
    assert!(rows[1].contains("⚑ event") && rows[1].contains("added_to_cart"));
    assert!(rows[2].contains("email") && rows[2].contains("Spring sale"));
}

#[test]
fn colour_bars_follow_the_kind() {
    let book = golden_book();
    let coloured = book
        .run(&["--color", "always", "show", "ann.lee"])
        .expect(0)
        .stdout;
    let green = "\x1b[32m▌\x1b[0m";
    let brown = "\x1b[38;5;130m▌\x1b[0m";
    let red = "\x1b[31m▌\x1b[0m";
    let bars: Vec<&str> = coloured
        .lines()
        .filter_map(|l| {
            [green, brown, red]
                .into_iter()
                .find(|bar| l.starts_with(bar))
        })
        .collect();
    assert_eq!(bars, [red, brown, green, green, green, red, brown]);
    // The same text once the escapes are taken out.
    let plain = book.run(&["show", "ann.lee"]).expect(0).stdout;
    assert_eq!(strip_escapes(&coloured), plain);
}

#[test]
fn no_color_and_pipes_are_plain() {
    let book = golden_book();
    let auto = book
        .run_env(
            &["--color", "auto", "show", "ann.lee"],
            &[("NO_COLOR", "1")],
        )
        .expect(0);
    assert!(!auto.stdout.contains('\x1b'));
    let never = book.run(&["--color", "never", "show", "ann.lee"]).expect(0);
    assert_eq!(auto.stdout, never.stdout);
}

fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
