//! UUIDv7 ids: time-ordered (the clock's milliseconds first) and safe to make
//! offline on a phone and merge later.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes UUIDv7 ids from the book's clock: 48 bits of milliseconds, then a per-book
/// seed and a counter, so ids made by one book within one millisecond still sort in
/// creation order.
#[derive(Debug)]
pub(super) struct IdGenerator {
    seed: [u8; 4],
    counter: AtomicU64,
}

impl IdGenerator {
    /// A generator with a random seed (two books never collide).
    pub(super) fn random() -> Self {
        let random = uuid::Uuid::new_v4();
        let mut seed = [0; 4];
        seed.copy_from_slice(&random.as_bytes()[..4]);
        Self::from_seed(seed)
    }

    /// A generator whose ids depend only on `seed` and the times it is given.
    pub(super) fn seeded(seed: u32) -> Self {
        Self::from_seed(seed.to_be_bytes())
    }

    fn from_seed(seed: [u8; 4]) -> Self {
        IdGenerator {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    /// The next id, stamped with `at`.
    pub(super) fn next(&self, at: DateTime<Utc>) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed).to_be_bytes();
        let mut bytes = [0; 10];
        bytes[..4].copy_from_slice(&self.seed);
        bytes[4..].copy_from_slice(&count[2..]);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_v7_and_sort_in_creation_order() {
        let ids = IdGenerator::random();
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let made: Vec<String> = (0..100).map(|_| ids.next(at)).collect();
        let mut sorted = made.clone();
        sorted.sort();
        assert_eq!(made, sorted);
        let parsed = uuid::Uuid::parse_str(&made[0]).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
    }

    #[test]
    fn seeded_generators_agree() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(
            IdGenerator::seeded(7).next(at),
            IdGenerator::seeded(7).next(at)
        );
    }
}
