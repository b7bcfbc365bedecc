//! Static segments and subscription categories (the core's `model::segment`).

use contactkit::{Category, Segment};

/// A static list of contacts.
#[uniffi::remote(Record)]
pub struct Segment {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// Unique display name.
    pub name: String,
    /// Set when the segment backs a subscription category (not edited on its own).
    pub category_key: Option<String>,
}

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
