//! Segments and subscription categories (the core's `model::segment`).

use crate::error::ContactKitError;
use contactkit::{Category, Rule, Segment, SegmentKind};

/// A group of contacts: a static list, a dynamic segment (a rule's matches) or a
/// category's subscribers.
#[uniffi::remote(Record)]
pub struct Segment {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// Unique display name.
    pub name: String,
    /// Static, dynamic or a category's.
    pub kind: SegmentKind,
    /// Set when the segment backs a subscription category (not edited on its own).
    pub category_key: Option<String>,
    /// A dynamic segment's rule, as JSON text.
    pub rule: Option<Rule>,
}

/// How a segment's members are decided.
#[uniffi::remote(Enum)]
pub enum SegmentKind {
    /// Members added and removed by hand or API.
    Static,
    /// Every live contact its rule matches.
    Dynamic,
    /// A subscription category's subscribers.
    Category,
}

// A rule crosses as its JSON text (as event params do): read on the Rust side, where
// its size and depth are bounded before it is parsed.
uniffi::custom_type!(Rule, String, {
    remote,
    lower: |rule| rule.to_json(),
    try_lift: |text| Ok(Rule::from_json(&text).map_err(ContactKitError::from)?),
});

/// A subscription category (newsletter topic).
#[uniffi::remote(Record)]
pub struct Category {
    /// Slug derived from the title (`Weekly news` → `weekly-news`).
    pub key: String,
    /// The title it was defined with.
    pub title: String,
    /// The segment created with it, holding its subscribers.
    pub segment_id: String,
}
