//! Where the book gets "now" from. Every stamp the book writes (created_at,
//! suppression dates, registered_at) comes from a [`Clock`], so tests can pin time
//! and assert that "the date is recorded automatically".

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// The current instant. Implementations return whole milliseconds so that a
    /// time survives a round trip through JavaScript `Date` and every store unchanged.
    fn now(&self) -> DateTime<Utc>;
}

/// Truncates to whole milliseconds: the precision every surface can represent. A
/// leap second (`23:59:60`, which chrono keeps and no store or binding can) becomes
/// the instant a millisecond count names, as every store reads it back.
pub fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        to_millis(Utc::now())
    }
}

/// A clock that only moves when told to; for tests and simulations.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock stopped at `start` (truncated to milliseconds).
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(to_millis(start)),
        }
    }

    /// Sets the time.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.lock() = to_millis(at);
    }

    /// Moves the time forward by `by`; refused (naming `by`) when that would leave the
    /// years every binding holds (1 to 9999), checked under the clock's lock.
    pub fn advance(&self, by: Duration) -> crate::Result<()> {
        let mut now = self.lock();
        let next = now.checked_add_signed(by).ok_or_else(|| {
            crate::Error::validation("by", by.to_string(), "moves the clock out of range")
        })?;
        *now = crate::validate::limits::check_instant("by", next)?;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock still holds a valid instant; time keeps working.
        self.now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let first = clock.now();
        assert_eq!(clock.now(), first);
        clock.advance(Duration::days(2)).unwrap();
        assert_eq!(clock.now() - first, Duration::days(2));
    }

    #[test]
    fn system_clock_has_millisecond_precision() {
        assert_eq!(SystemClock.now().timestamp_subsec_nanos() % 1_000_000, 0);
    }
}
