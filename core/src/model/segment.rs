//! Static segments and subscription categories.

use serde::{Deserialize, Serialize};

/// A static list of contacts, edited by hand or API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Segment {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// Unique display name.
    pub name: String,
    /// Set when the segment backs a subscription category: its members are the
    /// category's subscribers and it is not edited on its own.
    pub category_key: Option<String>,
}

/// A subscription category (newsletter topic) a contact can subscribe to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Category {
    /// Slug derived from the title (`Weekly news` → `weekly-news`); what integrations use.
    pub key: String,
    /// The title it was defined with.
    pub title: String,
    /// The segment created with it, holding its subscribers.
    pub segment_id: String,
}
