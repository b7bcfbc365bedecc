//! Contact ids as the memory store keeps them. The book gives every contact a UUID
//! in canonical form (lowercase, hyphenated), which fits in 16 bytes held in place
//! where its 36 characters would take a heap allocation; any other id is kept as
//! text. Either way ids sort as their text does, so paging by id is unchanged.

use std::cmp::Ordering;
use std::fmt;
use uuid::Uuid;

/// A contact id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ContactId(Repr);

/// Only [`ContactId::new`] builds one, so a canonical UUID is never `Text` and
/// equality can compare variants.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Repr {
    Uuid(Uuid),
    Text(Box<str>),
}

impl ContactId {
    pub(super) fn new(id: &str) -> Self {
        match Uuid::try_parse(id) {
            Ok(uuid) if uuid.hyphenated().encode_lower(&mut Uuid::encode_buffer()) == id => {
                ContactId(Repr::Uuid(uuid))
            }
            _ => ContactId(Repr::Text(id.into())),
        }
    }

    /// The UUID's bytes, for an id that is one.
    pub(super) fn as_uuid(&self) -> Option<&[u8; 16]> {
        match &self.0 {
            Repr::Uuid(uuid) => Some(uuid.as_bytes()),
            Repr::Text(_) => None,
        }
    }

    /// The id of a UUID's bytes (the counterpart of [`ContactId::as_uuid`]).
    pub(super) fn from_uuid(bytes: [u8; 16]) -> Self {
        ContactId(Repr::Uuid(Uuid::from_bytes(bytes)))
    }

    /// Runs `f` on the id's text.
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match &self.0 {
            Repr::Uuid(uuid) => f(uuid.hyphenated().encode_lower(&mut Uuid::encode_buffer())),
            Repr::Text(text) => f(text),
        }
    }
}

impl fmt::Display for ContactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_text(|text| f.write_str(text))
    }
}

impl Ord for ContactId {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            // Canonical text has fixed hyphens and hex digits in byte order.
            (Repr::Uuid(a), Repr::Uuid(b)) => a.cmp(b),
            _ => self.with_text(|a| other.with_text(|b| a.cmp(b))),
        }
    }
}

impl PartialOrd for ContactId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 9] = [
        "",
        "0190a000-0000-7000-8000-000000000001",
        "0190A000-0000-7000-8000-000000000001",
        "0190a000-0000-7000-8000-00000000000f",
        "0190a000-0000-7000-8000-00000000000",
        "0190a000-0000-7000-8000-0000000000010",
        "0190a000000070008000000000000001",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "not a uuid",
    ];

    #[test]
    fn ids_keep_their_text() {
        for id in IDS {
            assert_eq!(ContactId::new(id).to_string(), id);
        }
        assert!(ContactId::new(IDS[1]).as_uuid().is_some());
        for other_form in [IDS[2], IDS[6]] {
            assert!(ContactId::new(other_form).as_uuid().is_none());
        }
    }

    #[test]
    fn ids_sort_as_their_text() {
        for a in IDS {
            for b in IDS {
                let (x, y) = (ContactId::new(a), ContactId::new(b));
                assert_eq!(x.cmp(&y), a.cmp(b), "{a:?} vs {b:?}");
                assert_eq!(x == y, a == b);
            }
        }
    }
}
