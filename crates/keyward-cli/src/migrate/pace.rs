//! How fast creates go out: at most `rate` a second across all workers, and nothing while the
//! target has asked (a `429` with `Retry-After`) for a pause. A pure schedule that takes the
//! time as an input; the workers share one behind a lock and sleep until the time it gives.

use std::time::{Duration, Instant};

/// The shared schedule.
#[derive(Debug)]
pub(crate) struct Pace {
    /// The gap between two sends; `None`: no rate limit.
    interval: Option<Duration>,
    /// The earliest time the next send may go.
    next: Instant,
    /// No send before this (the target's `Retry-After`).
    paused_until: Instant,
}

impl Pace {
    /// At most `per_second` sends a second (`None` or 0: no limit), starting at `now`.
    pub(crate) fn new(per_second: Option<f64>, now: Instant) -> Self {
        let interval = per_second
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| Duration::from_secs_f64(1.0 / r));
        Self {
            interval,
            next: now,
            paused_until: now,
        }
    }

    /// Books a send: the time it may go (`now` or later). Each booking takes one slot.
    pub(crate) fn book(&mut self, now: Instant) -> Instant {
        let at = now.max(self.next).max(self.paused_until);
        if let Some(interval) = self.interval {
            self.next = at + interval;
        }
        at
    }

    /// Whether a send booked earlier may still go at `now` (no pause was asked since).
    pub(crate) fn still_clear(&self, now: Instant) -> bool {
        now >= self.paused_until
    }

    /// The target asked every worker to wait `wait` from `now`.
    pub(crate) fn pause(&mut self, now: Instant, wait: Duration) {
        self.paused_until = self.paused_until.max(now + wait);
    }
}

/// The creates a second sent by default. Neither provider that can be a target documents a
/// limit: Dodo's are undocumented (its SPEC, section 6.1), and GetKeyManager is self-hosted. So a
/// moderate pace is kept and their `429`s are honoured. Lemon Squeezy's documented 300 requests a
/// minute concerns it only as a source (it cannot create keys), read one page at a time.
pub(crate) const DEFAULT_RATE: f64 = 20.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_are_spaced_and_a_pause_holds_every_worker() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut pace = Pace::new(Some(10.0), t0);
        // Three workers book at once: 100 ms apart.
        let booked: Vec<Duration> = (0..3).map(|_| pace.book(t0) - t0).collect();
        assert_eq!(booked, [ms(0), ms(100), ms(200)]);
        // A 429 at 250 ms asks for 2 s: the next booking waits, and one booked before the
        // pause (for 300 ms) must not go.
        pace.pause(t0 + ms(250), Duration::from_secs(2));
        assert!(!pace.still_clear(t0 + ms(300)));
        assert_eq!(pace.book(t0 + ms(300)) - t0, ms(2250));
        assert_eq!(pace.book(t0 + ms(300)) - t0, ms(2350));
        assert!(pace.still_clear(t0 + ms(2250)));
        // A shorter pause asked later does not cut the longer one.
        pace.pause(t0 + ms(260), ms(10));
        assert!(!pace.still_clear(t0 + ms(2000)));
        // No limit: every booking is now, unless paused.
        let mut free = Pace::new(None, t0);
        assert_eq!(free.book(t0 + ms(5)), t0 + ms(5));
        assert_eq!(free.book(t0 + ms(5)), t0 + ms(5));
        free.pause(t0, ms(50));
        assert_eq!(free.book(t0 + ms(5)), t0 + ms(50));
        assert_eq!(Pace::new(Some(0.0), t0).book(t0 + ms(1)), t0 + ms(1));
    }
}
