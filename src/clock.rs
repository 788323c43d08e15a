//! Time as a parameter: domain code asks a [`Clock`] for "now", so tests can
//! move time (throttling windows, expiry) without sleeping.

use std::sync::Mutex;

use chrono::{NaiveDateTime, Utc};

/// The source of the current time (UTC, naive as stored in the database).
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> NaiveDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        // Whole microseconds: both backends store them exactly.
        let now = Utc::now().naive_utc();
        now - chrono::Duration::nanoseconds(i64::from(
            now.and_utc().timestamp_subsec_nanos() % 1000,
        ))
    }
}

/// A clock that stands still until moved (for tests).
#[derive(Debug)]
pub struct ManualClock(Mutex<NaiveDateTime>);

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: NaiveDateTime) -> Self {
        Self(Mutex::new(start))
    }

    /// Move the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}
