//! `merge`, `erase` and `export --id`: a profile's lifecycle (DOMAIN.md, "Profile
//! lifecycle"), each one library call on a contact named on the command line.

use crate::commands::{find, print, require};
use crate::failure::{CliResult, Failure};
use crate::render;
use crate::Context;
use contactkit::ContactBook;
use std::io::Write;
use std::path::Path;

/// Folds the contact `from` names into the one `into` names and prints the result: a
/// line saying so, or the merged profile as JSON.
pub fn merge(
    book: &ContactBook,
    context: &Context,
    into: &str,
    from: &str,
    json: bool,
) -> CliResult {
    let into = require(book, context, into)?;
    let from = require(book, context, from)?;
    let merged = book.merge(&into.id, &from.id)?;
    if json {
        return print(&format!("{}\n", render::json_line(&merged)));
    }
    print(&format!(
        "merged {} into {} ({}); {} now names it\n",
        from.id,
        merged.id,
        render::escape(&render::display_name(&merged)),
        from.id
    ))
}

/// Erases the contact `who` names: a live one by any identifier, a deleted one by its
/// id. Refused without `yes`, since nothing brings it back.
pub fn erase(book: &ContactBook, context: &Context, who: &str, yes: bool) -> CliResult {
    if !yes {
        return Err(Failure::bad(
            "erase removes the contact for good and cannot be undone: pass --yes to confirm",
        ));
    }
    let id = held_id(book, who)?;
    book.erase(&id)
        .map_err(|e| Failure::from(e).context(&context.db))?;
    print(&format!("erased {id}\n"))
}

/// The id of the contact `who` names: a live one by any identifier, else `who` itself
/// (a deleted contact is named by its id; the library says not-found for anything else).
fn held_id(book: &ContactBook, who: &str) -> CliResult<String> {
    Ok(match find(book, who)? {
        Some(contact) => contact.id,
        None => who.trim().to_string(),
    })
}

/// Writes everything the book holds about the contact `who` names (a live one by any
/// identifier, a deleted one by its id) as one JSON document.
pub fn export_one(
    book: &ContactBook,
    context: &Context,
    who: &str,
    output: Option<&Path>,
) -> CliResult {
    let id = held_id(book, who)?;
    let export = book
        .export_contact(&id)
        .map_err(|e| Failure::from(e).context(&context.db))?;
    let text = serde_json::to_string_pretty(&export)
        .map_err(|e| Failure::storage(format!("cannot write the export: {e}")))?;
    match output {
        None => print(&format!("{text}\n")),
        Some(path) => {
            let name = path.display().to_string();
            let mut file = std::fs::File::create(path).map_err(|e| Failure::writing(&name, &e))?;
            writeln!(file, "{text}")
                .and_then(|_| file.sync_all())
                .map_err(|e| Failure::writing(&name, &e))
        }
    }
}
