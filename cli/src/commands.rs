//! The reading commands: `show`, `activity`, `can-send` and `export`, and how a
//! contact named on the command line is found.

use crate::failure::{CliResult, Failure};
use crate::render::{self, Catalog, Style, Timeline};
use crate::Context;
use contactkit::{
    ActivityCategory, ActivityQuery, Channel, Contact, ContactBook, Period, SendReason,
};
use std::io::Write;
use std::path::Path;

/// `who` trimmed; an empty one is bad input.
fn named(who: &str) -> CliResult<&str> {
    let who = who.trim();
    if who.is_empty() {
        return Err(Failure::bad(
            "WHO: empty: give an id, email, phone, external id or contact key",
        ));
    }
    Ok(who)
}

/// The live contact `who` names (id, email, phone, external id or contact key:
/// resolved by the book, in the order `can_send` uses).
pub fn find(book: &ContactBook, who: &str) -> CliResult<Option<Contact>> {
    Ok(book.find(named(who)?)?)
}

/// Like [`find`], but an unknown contact is bad input.
pub fn require(book: &ContactBook, context: &Context, who: &str) -> CliResult<Contact> {
    find(book, who)?.ok_or_else(|| {
        Failure::bad(format!(
            "{}: no live contact matches {who:?} (tried id, email, phone, external id and contact key)",
            context.db
        ))
    })
}

/// The book's catalogue, for names.
pub fn catalog(book: &ContactBook) -> CliResult<Catalog> {
    Ok(Catalog::new(
        book.segments()?,
        book.categories()?,
        book.field_definitions()?,
    ))
}

/// Prints the profile card (or its JSON line).
pub fn show(
    book: &ContactBook,
    context: &Context,
    who: &str,
    json: bool,
    period: Period,
    limit: u32,
) -> CliResult {
    let contact = require(book, context, who)?;
    let catalog = catalog(book)?;
    if json {
        let line = book.export_profile_line(&contact, true)?;
        return print(&format!("{}\n", render::json_line(&line)));
    }
    let text = card_text(
        book,
        &contact,
        &catalog,
        period,
        limit,
        Style {
            color: context.color,
        },
    )?;
    print(&text)
}

/// The card of `contact` with up to `limit` activity items from `period`.
pub fn card_text(
    book: &ContactBook,
    contact: &Contact,
    catalog: &Catalog,
    period: Period,
    limit: u32,
    style: Style,
) -> CliResult<String> {
    let page = book.activity(
        &contact.id,
        &ActivityQuery {
            category: ActivityCategory::All,
            period,
            limit: Some(limit),
            ..Default::default()
        },
    )?;
    let more = page.next_cursor.as_ref().map(|_| {
        format!(
            "… older items: contactkit activity {} --period {}",
            contact.id,
            period.as_str()
        )
    });
    let timeline = Timeline {
        items: &page.items,
        scope: scope_text(ActivityCategory::All, period),
        more,
    };
    Ok(render::card(contact, catalog, &timeline, style))
}

fn scope_text(category: ActivityCategory, period: Period) -> String {
    let category = match category {
        ActivityCategory::All => "all",
        ActivityCategory::Campaigns => "campaigns",
        ActivityCategory::Events => "events",
        ActivityCategory::Orders => "orders",
    };
    let period = match (category, period) {
        ("orders", _) | (_, Period::All) => "full history".to_string(),
        (_, Period::Year) => "last year".to_string(),
        (_, other) => format!(
            "last {} days",
            other.length().map(|d| d.num_days()).unwrap_or_default()
        ),
    };
    format!("{category} · {period}")
}

/// Prints a contact's timeline.
pub fn activity(
    book: &ContactBook,
    context: &Context,
    who: &str,
    category: ActivityCategory,
    period: Period,
    limit: u32,
    json: bool,
) -> CliResult {
    let contact = require(book, context, who)?;
    let page = book.activity(
        &contact.id,
        &ActivityQuery {
            category,
            period,
            limit: Some(limit),
            ..Default::default()
        },
    )?;
    let mut text = String::new();
    if json {
        for item in &page.items {
            text.push_str(&render::json_line(item));
            text.push('\n');
        }
    } else {
        let more = page
            .next_cursor
            .as_ref()
            .map(|_| format!("… more: raise --limit (now {limit})"));
        let timeline = Timeline {
            items: &page.items,
            scope: format!(
                "{} · {}",
                render::display_name(&contact),
                scope_text(category, period)
            ),
            more,
        };
        render::activity_block(
            &mut text,
            &timeline,
            Style {
                color: context.color,
            },
        );
    }
    print(&text)
}

/// Prints whether a message may go to the contact `who` names on `channel`. The book
/// resolves `who` itself (id, email, phone, external id, contact key); an unknown
/// contact is an answer (`unknown_contact`), as in the library.
pub fn can_send(
    book: &ContactBook,
    who: &str,
    channel: Channel,
    category: Option<&str>,
    json: bool,
) -> CliResult {
    let who = named(who)?;
    let decision = book.can_send(who, channel, category).map_err(|e| match e {
        contactkit::Error::Storage { .. } => Failure::from(e),
        other => Failure::from(other).context("--category"),
    })?;
    if json {
        return print(&format!("{}\n", render::json_line(&decision)));
    }
    // The sentence names the contact by name, which the answer does not carry.
    let contact = match decision.reason {
        SendReason::UnknownContact => None,
        _ => find(book, who)?,
    };
    let whom = contact
        .as_ref()
        .map(render::display_name)
        .unwrap_or_else(|| render::escape(who).into_owned());
    let scope = category
        .map(|key| format!(" in category {}", render::escape(key)))
        .unwrap_or_default();
    let verdict = if decision.allowed {
        "allowed"
    } else {
        "not allowed"
    };
    print(&format!(
        "{channel} to {whom}{scope}: {verdict} ({})\n",
        decision.reason.as_str()
    ))
}

/// Writes the book's portable form (the library's `export_lines`): the catalogue
/// lines, then one profile line per live contact.
pub fn export(book: &ContactBook, output: Option<&Path>, with_activity: bool) -> CliResult {
    let (mut sink, name): (Box<dyn Write>, String) = match output {
        Some(path) => (
            Box::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .map_err(|e| Failure::writing(&path.display().to_string(), &e))?,
            )),
            path.display().to_string(),
        ),
        None => (
            Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            "standard output".to_string(),
        ),
    };
    let mut failed_write = None;
    let exported = book.export_lines(with_activity, |line| {
        writeln!(sink, "{}", render::json_line(&line)).map_err(|e| {
            let error = contactkit::Error::storage(format!("cannot write {name}: {e}"));
            failed_write = Some(e);
            error
        })
    });
    if let Some(e) = failed_write {
        return Err(Failure::writing(&name, &e));
    }
    exported?;
    sink.flush().map_err(|e| Failure::writing(&name, &e))
}

/// Writes to stdout; a closed pipe (`| head`) ends quietly.
pub fn print(text: &str) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::writing("standard output", &e)),
    }
}
