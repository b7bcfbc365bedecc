//! `list` and `count`: the live contacts, or those a rule matches (`--where`, the
//! rule as JSON text: DOMAIN.md, "Rules: queries and dynamic segments").

use crate::commands::print;
use crate::failure::{CliResult, Failure};
use crate::render;
use contactkit::{Contact, ContactBook, ListQuery, Page, Rule};
use std::io::Write;

/// Reads `--where`: a mistake is bad input naming the option and the library's
/// validation error (its field is the path inside the rule, e.g. `rule.all[1].op`).
pub fn parse(text: Option<&str>) -> CliResult<Option<Rule>> {
    text.map(|text| Rule::from_json(text).map_err(|e| Failure::from(e).context("--where")))
        .transpose()
}

/// One page of the live contacts (matching `rule` when given).
fn page(book: &ContactBook, rule: Option<&Rule>, query: &ListQuery) -> CliResult<Page<Contact>> {
    let page = match rule {
        Some(rule) => book.list_where(rule, query),
        None => book.list(query),
    };
    page.map_err(|e| Failure::from(e).context("--where"))
}

/// Prints the live contacts (matching `rule`), in creation order, at most `limit`:
/// a row each (id, email, phone, name), or with `json` each one's export line. The
/// first page is read before anything is printed, so a rule the book refuses prints
/// nothing.
pub fn list(book: &ContactBook, rule: Option<&Rule>, limit: Option<u64>, json: bool) -> CliResult {
    let mut left = limit.unwrap_or(u64::MAX);
    let mut cursor = None;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let write_err = |e: std::io::Error| Failure::writing("standard output", &e);
    while left > 0 {
        let size = left.min(500) as u32;
        let page = page(
            book,
            rule,
            &ListQuery {
                limit: Some(size),
                cursor,
            },
        )?;
        for contact in &page.items {
            let line = match json {
                true => render::json_line(&book.export_profile_line(contact, false)?),
                false => row(contact),
            };
            writeln!(out, "{line}").map_err(write_err)?;
            left -= 1;
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    out.flush().map_err(write_err)
}

/// A contact as one tab-separated row: id, email, phone, name (empty when absent),
/// with control characters escaped.
fn row(contact: &Contact) -> String {
    let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    [
        contact.id.as_str(),
        contact.email.as_deref().unwrap_or(""),
        contact.phone.as_deref().unwrap_or(""),
        name.as_str(),
    ]
    .map(|cell| render::escape(cell).replace('\t', "\\t"))
    .join("\t")
}

/// Prints how many live contacts there are (matching `rule`).
pub fn count(book: &ContactBook, rule: Option<&Rule>) -> CliResult {
    let n = match rule {
        Some(rule) => book
            .count_where(rule)
            .map_err(|e| Failure::from(e).context("--where"))?,
        None => book.count()?,
    };
    print(&format!("{n}\n"))
}
