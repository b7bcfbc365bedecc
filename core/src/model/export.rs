//! Everything a book holds about one contact (`ContactBook::export_contact`).

use super::{Activity, Contact, SuppressionRecord};
use serde::Serialize;

/// A contact's data as one JSON-shaped value, for a person's right of access and
/// portability: the profile as `get` returns it, the whole timeline newest first, and
/// every suppression record kept at the contact's addresses (its email, its phone and,
/// for push and Telegram, its id), address by address in that order, each oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ContactExport {
    /// The profile card.
    pub contact: Contact,
    /// Every campaign, event and order, newest first.
    pub activity: Vec<Activity>,
    /// Every suppression record at the contact's addresses, lifted ones too.
    pub suppressions: Vec<SuppressionRecord>,
}
