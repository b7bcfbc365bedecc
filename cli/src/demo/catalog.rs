//! The demo's catalogue: typed additional fields, subscription categories and static
//! segments, each defined only when the book lacks it (so re-running adds nothing).

use crate::failure::CliResult;
use contactkit::{ContactBook, FieldDefinition, FieldType};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Ids of the demo's categories and segments in this book.
pub(super) struct DemoCatalog {
    /// Segment id by name.
    pub(super) segments: BTreeMap<&'static str, String>,
}

/// The demo's subscription categories, by title.
pub(super) const CATEGORIES: [&str; 3] = ["Weekly news", "Promotions", "Product updates"];
/// The demo's static segments, by name.
pub(super) const SEGMENTS: [&str; 3] = ["VIP", "Beta testers", "Churn risk"];

/// Defines the fields, categories and segments the demo uses, where missing.
pub(super) fn define_catalog(book: &ContactBook) -> CliResult<DemoCatalog> {
    let options = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let definitions = [
        FieldDefinition {
            title: "Birthday".into(),
            ..FieldDefinition::new("birthday", FieldType::Date)
        },
        FieldDefinition {
            title: "Loyalty tier".into(),
            options: options(&["bronze", "silver", "gold", "platinum"]),
            ..FieldDefinition::new("loyalty_tier", FieldType::List)
        },
        FieldDefinition {
            title: "Interests".into(),
            options: options(&["running", "hiking", "yoga", "cycling", "travel"]),
            ..FieldDefinition::new("interests", FieldType::Multilist)
        },
        FieldDefinition {
            title: "Loyalty points".into(),
            min: Some(Decimal::ZERO),
            ..FieldDefinition::new("loyalty_points", FieldType::Number)
        },
        FieldDefinition {
            title: "Average basket".into(),
            ..FieldDefinition::new("average_basket", FieldType::Decimal)
        },
        FieldDefinition {
            title: "Member since".into(),
            readonly: true,
            ..FieldDefinition::new("member_since", FieldType::Datetime)
        },
        FieldDefinition {
            title: "Prefers paper receipts".into(),
            ..FieldDefinition::new("paper_receipts", FieldType::Boolean)
        },
        FieldDefinition {
            title: "Nickname".into(),
            ..FieldDefinition::new("nickname", FieldType::Text)
        },
        FieldDefinition {
            title: "Notes".into(),
            ..FieldDefinition::new("notes", FieldType::Textarea)
        },
    ];
    for definition in definitions {
        book.define_field(definition)?;
    }
    let existing: Vec<String> = book.categories()?.into_iter().map(|c| c.title).collect();
    for title in CATEGORIES {
        if !existing.iter().any(|t| t == title) {
            book.define_category(title)?;
        }
    }
    let mut segments = BTreeMap::new();
    let existing = book.segments()?;
    for name in SEGMENTS {
        let id = match existing.iter().find(|s| s.name == name) {
            Some(segment) => segment.id.clone(),
            None => book.create_segment(name)?.id,
        };
        segments.insert(name, id);
    }
    Ok(DemoCatalog { segments })
}
