//! The emulated clock every emulator decides by: pinned by a test, or following the system time.

use chrono::{DateTime, Duration, Utc};

/// An emulator's clock: the system time until pinned.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    pinned: Option<DateTime<Utc>>,
}

impl Clock {
    /// The emulator's present.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.pinned.unwrap_or_else(Utc::now)
    }

    /// Pins the clock at `now`.
    pub(crate) fn set(&mut self, now: DateTime<Utc>) {
        self.pinned = Some(now);
    }

    /// Moves the clock by `by`, pinning it at the system time first when it was free; it stops at
    /// the ends of representable time instead of overflowing.
    pub(crate) fn advance(&mut self, by: Duration) {
        let from = self.now();
        let end = if by < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        };
        self.pinned = Some(from.checked_add_signed(by).unwrap_or(end));
    }

    /// Lets the clock follow the system time again.
    pub(crate) fn follow_system(&mut self) {
        self.pinned = None;
    }

    /// The pinned time, if any (for state dumps).
    pub(crate) fn pinned(&self) -> Option<DateTime<Utc>> {
        self.pinned
    }
}
