//! The portable form of a book (the core's `book::portable`): JSON lines, the catalogue
//! first, then one profile line per live contact, for a backup or a move to another book.
//!
//! A line crosses as its JSON text, as a rule does, with the core's keys as it writes
//! them (snake_case, the same in every language): a line exported is handed back to
//! `restoreLine` unchanged. The text is bounded in size and depth before it is parsed
//! ([`parse_line`]); what the line holds is the core's to read, and its errors name the
//! part of the line at fault (`activity[0].name`, `suppressions[0].reason`).

use crate::activity::json_depth;
use contactkit as core;
use contactkit::validate::limits;
use contactkit::{LineKind, Restored, Result};
use serde_json::Value;

/// The most JSON text one line may hold: the core's `limits::MAX_LINE_BYTES`, so a line
/// the core exports always passes. Text past it is refused before it is parsed.
pub(crate) const MAX_LINE_BYTES: usize = limits::MAX_LINE_BYTES;

/// How deep a line's arrays and objects may nest: the core's `limits::MAX_LINE_NESTING`,
/// below serde_json's own recursion limit (128), so text nested 10,000 deep costs one
/// scan and is refused as too deep.
pub(crate) const MAX_LINE_NESTING: usize = limits::MAX_LINE_NESTING;

/// What a line of the portable form is.
#[uniffi::remote(Enum)]
pub enum LineKind {
    /// A field definition, a category or a segment.
    Catalog,
    /// A contact's whole profile.
    Profile,
}

/// What restoring one line did (`restoreLine`).
#[uniffi::remote(Record)]
pub struct Restored {
    /// What the line was.
    pub kind: LineKind,
    /// The contact a profile line landed on; null for a catalogue line.
    pub contact_id: Option<String>,
    /// Whether the profile line created its contact (false: it updated one, or the line
    /// was a catalogue entry).
    pub created: bool,
}

/// A page of profile lines (`exportProfileLines`), each the JSON text of one line.
///
/// A binding record: the core's page is generic, and its items here are JSON text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PortableLinePage {
    /// The profile lines of live contacts in creation (id) order, each JSON text.
    pub items: Vec<String>,
    /// Pass it as `ListQuery.cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

impl PortableLinePage {
    pub(crate) fn from_core(page: core::Page<Value>) -> Self {
        PortableLinePage {
            items: page.items.iter().map(line_text).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// A line as compact JSON text, its keys as the core wrote them.
pub(crate) fn line_text(line: &Value) -> String {
    line.to_string()
}

/// Reads the JSON text of a line given to `restoreLine`. Its size and nesting are checked
/// before it is parsed, as event params' are, so 100 MB or 10,000 brackets cost one scan;
/// text that is not JSON is a validation error on `line`. Whether it is a line of the
/// portable form (an object of a catalogue entry or a profile) is the core's to say.
pub(crate) fn parse_line(text: &str) -> Result<Value> {
    if text.len() > MAX_LINE_BYTES {
        return Err(core::Error::validation(
            "line",
            format!("{} bytes of JSON", text.len()),
            format!("larger than {MAX_LINE_BYTES} bytes"),
        ));
    }
    if json_depth(text) > MAX_LINE_NESTING {
        return Err(core::Error::validation(
            "line",
            "…",
            format!("nested deeper than {MAX_LINE_NESTING} levels"),
        ));
    }
    serde_json::from_str(text)
        .map_err(|error| core::Error::validation("line", text, format!("not valid JSON: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::EventInput;
    use crate::book::ContactBook;
    use crate::contact::{ContactInput, ListQuery};
    use crate::error::ContactKitError;
    use contactkit::{Channel, DedupeOn};

    fn field_of(error: ContactKitError) -> String {
        match error {
            ContactKitError::Validation { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_book_exported_line_by_line_restores_into_a_fresh_book() {
        let book = ContactBook::in_memory();
        book.define_category("Weekly news".into()).unwrap();
        let vip = book.create_segment("VIP".into()).unwrap();
        let input = ContactInput {
            email: Some("ann@example.com".into()),
            categories: Some(vec!["weekly-news".into()]),
            segments: Some(vec![vip.id]),
            ..ContactInput::default()
        };
        let ann = book.create(input).unwrap();
        let event = EventInput {
            name: "viewed".into(),
            key_value: None,
            params: None,
            workflows: Vec::new(),
            at: None,
        };
        book.record_event(ann.id.clone(), event).unwrap();
        book.unsubscribe(ann.id.clone(), Channel::Email, None, None)
            .unwrap();
        let mut lines = book.export_catalog_lines().unwrap();
        let page = book
            .export_profile_lines(ListQuery::default(), true)
            .unwrap();
        assert_eq!(page.next_cursor, None);
        lines.extend(page.items);
        assert!(lines.iter().all(|line| !line.contains("contactId")));

        let fresh = ContactBook::in_memory();
        for line in &lines {
            fresh.restore_line(line.clone(), DedupeOn::Id).unwrap();
        }
        assert_eq!(
            fresh.get(ann.id.clone()).unwrap().map(|c| c.categories),
            Some(vec!["weekly-news".to_string()])
        );
        let again = fresh.restore_line(lines[lines.len() - 1].clone(), DedupeOn::Id);
        assert_eq!(
            again.unwrap(),
            Restored {
                kind: LineKind::Profile,
                contact_id: Some(ann.id.clone()),
                created: false
            }
        );
        // The same lines, but for `updated_at`, which is the restoring book's.
        let profiles = |book: &ContactBook| -> Vec<Value> {
            let page = book.export_profile_lines(ListQuery::default(), true);
            let mut lines = Vec::new();
            for text in page.unwrap().items {
                let mut line = parse_line(&text).unwrap();
                line.as_object_mut().unwrap().remove("updated_at");
                lines.push(line);
            }
            lines
        };
        assert_eq!(profiles(&fresh), profiles(&book));
    }

    #[test]
    fn hostile_text_is_a_validation_error_on_line() {
        let book = ContactBook::in_memory();
        let restore = |text: String| field_of(book.restore_line(text, DedupeOn::Id).unwrap_err());
        assert_eq!(restore("{".into()), "line");
        assert_eq!(restore("[1]".into()), "line");
        assert_eq!(restore(format!("\"{}\"", "x".repeat(1 << 20))), "line");
        assert_eq!(restore("[".repeat(10_000)), "line");
        assert_eq!(restore(" ".repeat(MAX_LINE_BYTES + 1)), "line");
        let deep = format!(
            r#"{{"segment": {{"name": "Deep", "rule": {}1{}}}}}"#,
            "[".repeat(MAX_LINE_NESTING),
            "]".repeat(MAX_LINE_NESTING)
        );
        assert_eq!(restore(deep), "line");
        // Within the bound, the core reads the line and names the part at fault.
        let deep = format!(
            r#"{{"segment": {{"name": "Deep", "rule": {}1{}}}}}"#,
            "[".repeat(40),
            "]".repeat(40)
        );
        assert_eq!(restore(deep), "rule");
        assert_eq!(book.count().unwrap(), 0);
        assert!(book.segments().unwrap().is_empty());
    }
}
