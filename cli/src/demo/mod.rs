//! `contactkit demo`: a realistic sample book, then one contact's profile card.
//!
//! The book holds a few hundred contacts from eight countries with valid phone
//! numbers, push devices in two apps, web push subscriptions, Telegram chats,
//! subscription categories, static segments, typed additional fields, a blacklisted,
//! an unsubscribed and a spam-reporting address, and a year of campaigns, events and
//! orders. Everything comes from the seeded generator in `crate::random`, so the same
//! seed builds the same book.
//!
//! Re-running is safe: contacts are upserted by external id, catalogue entries are
//! created only when missing, and a contact's timeline is recorded only while it has
//! none. Dates count back from the day the book was first built (kept as the
//! showcase contact's creation day), so a second run writes the same timeline.
//!
//! One module per job: `catalog` defines the fields, categories and segments,
//! `people` draws the contacts (from `countries`), `timeline` records their
//! activity; this module runs them and prints the card.

mod catalog;
mod countries;
mod people;
mod timeline;

use crate::commands::{self, print};
use crate::failure::CliResult;
use crate::random::SampleRng;
use crate::render::{escape, Style};
use crate::Context;
use catalog::define_catalog;
use chrono::{DateTime, TimeZone, Utc};
use contactkit::{ContactBook, ContactInput, DedupeOn, Period};
use people::Person;
use std::ops::ControlFlow::Continue;

/// External id of the contact whose card the demo prints.
const SHOWCASE: &str = "crm-100000";

/// Builds (or refreshes) the sample book and prints the showcase contact's card.
pub fn run(book: &ContactBook, context: &Context, contacts: usize, seed: u64) -> CliResult {
    let started = std::time::Instant::now();
    let catalog = define_catalog(book)?;
    let anchor = match book.find_by_external_id(SHOWCASE)? {
        Some(showcase) => start_of_day(showcase.created_at),
        None => start_of_day(book.now()),
    };
    let people: Vec<Person> = (0..contacts).map(|i| Person::generate(seed, i)).collect();
    let inputs: Vec<ContactInput> = people.iter().map(|p| p.input(&catalog)).collect();
    let report = book.import_contacts(inputs, DedupeOn::ExternalId, |_| Continue(()))?;
    if let Some(rejected) = report.rejected.first() {
        // The generator makes only valid data; a rejection is a bug worth seeing.
        return Err(crate::failure::Failure::storage(format!(
            "demo contact {} was rejected: {}",
            rejected.index, rejected.reason
        )));
    }
    let mut recorded = 0usize;
    for person in &people {
        let Some(contact) = book.find_by_external_id(&person.external_id)? else {
            continue;
        };
        let has_timeline = !book
            .activity(
                &contact.id,
                &contactkit::ActivityQuery {
                    period: Period::All,
                    limit: Some(1),
                    ..Default::default()
                },
            )?
            .items
            .is_empty();
        if has_timeline {
            continue;
        }
        recorded += timeline::record(person, book, &contact.id, anchor, seed)?;
    }
    let showcase = commands::require(book, context, SHOWCASE)?;
    // The book's path as given on the command line, shown escaped like any text.
    let db = escape(&context.db.to_string()).into_owned();
    let mut text = format!(
        "Demo book {}: {} contacts ({} new, {} refreshed), {} timeline items recorded, {} live contacts in the book ({:.1} s)\n\n",
        db,
        contacts,
        report.created,
        report.updated,
        recorded,
        book.count()?,
        started.elapsed().as_secs_f64()
    );
    let card = commands::card_text(
        book,
        &showcase,
        &commands::catalog(book)?,
        Period::All,
        12,
        Style {
            color: context.color,
        },
    )?;
    text.push_str(&card);
    let db_flag = if context.db.file() == Some(std::path::Path::new("contacts.db")) {
        String::new()
    } else {
        format!(" --db {db}")
    };
    text.push_str(&format!(
        "\nTry:\n  contactkit{db_flag} show olena.koval@example.com\n  contactkit{db_flag} activity +380671234567 --category orders\n  contactkit{db_flag} can-send {SHOWCASE} sms\n  contactkit{db_flag} export > book.jsonl\n"
    ));
    print(&text)
}

/// What a contact's generator draws.
#[derive(Clone, Copy)]
enum Draw {
    Profile = 0,
    Timeline = 1,
}

/// The generator contact `index` of the book made with `seed` draws `what` from: a
/// stream of its own for each, so a contact is the same whatever the book's size, and
/// its timeline the same whatever its profile drew.
fn draws(seed: u64, index: usize, what: Draw) -> SampleRng {
    SampleRng::new(seed, 2 * index as u64 + what as u64)
}

/// Midnight UTC of `at`'s day: timelines count back from it.
fn start_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    Utc.from_utc_datetime(&at.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default())
}
