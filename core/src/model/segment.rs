//! Segments (static lists, dynamic segments, a category's subscribers) and
//! subscription categories.

use crate::rule::Rule;
use serde::{Deserialize, Serialize};

/// A group of contacts: a static list edited by hand or API, a dynamic segment
/// holding every live contact its rule matches, or a category's subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Segment {
    /// Assigned by the book (UUIDv7).
    pub id: String,
    /// Unique display name.
    pub name: String,
    /// What kind of segment it is (follows from `category_key` and `rule`).
    pub kind: SegmentKind,
    /// Set when the segment backs a subscription category: its members are the
    /// category's subscribers and it is not edited on its own.
    pub category_key: Option<String>,
    /// A dynamic segment's rule: its members are the live contacts it matches, as of
    /// every read.
    pub rule: Option<Rule>,
}

impl Segment {
    /// A segment; its kind follows from what backs it.
    pub fn new(
        id: String,
        name: String,
        category_key: Option<String>,
        rule: Option<Rule>,
    ) -> Segment {
        let kind = match (&category_key, &rule) {
            (Some(_), _) => SegmentKind::Category,
            (None, Some(_)) => SegmentKind::Dynamic,
            (None, None) => SegmentKind::Static,
        };
        Segment {
            id,
            name,
            kind,
            category_key,
            rule,
        }
    }
}

/// How a segment's members are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// Members added and removed by hand or API.
    Static,
    /// Every live contact its rule matches.
    Dynamic,
    /// A subscription category's subscribers.
    Category,
}

impl SegmentKind {
    /// The lowercase name used in every binding.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Static => "static",
            SegmentKind::Dynamic => "dynamic",
            SegmentKind::Category => "category",
        }
    }
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

/// A change to a segment: a new name, and for a dynamic segment a new rule.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct SegmentUpdate {
    /// The new name; unchanged when `None`.
    pub name: Option<String>,
    /// A dynamic segment's new rule; unchanged when `None`.
    pub rule: Option<Rule>,
}
