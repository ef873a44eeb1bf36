//! How forgiving the guard is: grace, revalidation, clock rollback.

use chrono::TimeDelta;

/// What to do when the clock reads earlier than a time the guard has already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnRollback {
    /// Refuse to license offline until the clock is right again (an online answer still counts).
    Deny,
    /// Only flag it on the verdict. Grace is counted on the latest time seen, never on the
    /// rolled-back clock, so winding the clock back gains nothing either way.
    Flag,
}

/// The guard's policy. [`Policy::default`] is a sensible start; every field can be changed.
///
/// | field | default | why |
/// | --- | --- | --- |
/// | `grace` | 7 days | a week of travel, a long weekend offline or a provider outage goes unnoticed by a paying customer, while a revoked key stops working within a week of its last online check |
/// | `revalidate_every` | 24 hours | a revocation or refund is seen within a day; one request per machine per day is far below every provider's rate limit |
/// | `retry_initial` | 1 minute | while offline the background check retries soon (a network that drops for a minute comes back quickly) … |
/// | `retry_max` | 1 hour | … doubling up to an hour, so a machine offline for days neither hammers the provider nor waits a full day once it is back |
/// | `jitter_percent` | 10 | spreads the checks of many machines started together (after an outage, a release) |
/// | `clock_tolerance` | 1 hour | clocks get corrected by NTP and jump on suspend/resume or dual boot; smaller moves are not rollbacks |
/// | `on_rollback` | [`OnRollback::Flag`] | dual-boot machines, dead CMOS batteries and wrong time zones set clocks back innocently; since grace is counted on the latest time seen, flagging costs nothing and locks out no one |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// How long after the last valid online answer the license keeps working offline.
    pub grace: TimeDelta,
    /// How often the background check asks the provider again.
    pub revalidate_every: TimeDelta,
    /// The first retry delay while the provider cannot be reached.
    pub retry_initial: TimeDelta,
    /// The longest retry delay while the provider cannot be reached.
    pub retry_max: TimeDelta,
    /// Random spread of every delay, in percent of it (0–50).
    pub jitter_percent: u8,
    /// How far the clock may go back before it counts as rolled back.
    pub clock_tolerance: TimeDelta,
    /// What a rolled-back clock does.
    pub on_rollback: OnRollback,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            grace: TimeDelta::days(7),
            revalidate_every: TimeDelta::hours(24),
            retry_initial: TimeDelta::minutes(1),
            retry_max: TimeDelta::hours(1),
            jitter_percent: 10,
            clock_tolerance: TimeDelta::hours(1),
            on_rollback: OnRollback::Flag,
        }
    }
}

impl Policy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the grace period.
    #[must_use]
    pub fn grace(mut self, grace: TimeDelta) -> Self {
        self.grace = grace;
        self
    }

    /// Sets how often to revalidate in the background.
    #[must_use]
    pub fn revalidate_every(mut self, every: TimeDelta) -> Self {
        self.revalidate_every = every;
        self
    }

    /// Sets the retry delays while offline (first, longest).
    #[must_use]
    pub fn retry(mut self, initial: TimeDelta, max: TimeDelta) -> Self {
        self.retry_initial = initial;
        self.retry_max = max;
        self
    }

    /// Sets the jitter, in percent (capped at 50).
    #[must_use]
    pub fn jitter_percent(mut self, percent: u8) -> Self {
        self.jitter_percent = percent.min(50);
        self
    }

    /// Sets the clock-rollback tolerance.
    #[must_use]
    pub fn clock_tolerance(mut self, tolerance: TimeDelta) -> Self {
        self.clock_tolerance = tolerance;
        self
    }

    /// Sets what a rolled-back clock does.
    #[must_use]
    pub fn on_rollback(mut self, on_rollback: OnRollback) -> Self {
        self.on_rollback = on_rollback;
        self
    }

    /// The delay before the next background check: `revalidate_every` after an answer;
    /// `retry_initial` doubled per consecutive failure (capped at `retry_max` and at
    /// `revalidate_every`) while the provider cannot be reached. `unit` in `[0, 1)` places the
    /// delay within the jitter band (0.5 = no change). Pure: the caller supplies the randomness.
    pub fn next_delay(&self, consecutive_failures: u32, unit: f64) -> TimeDelta {
        let base = if consecutive_failures == 0 {
            self.revalidate_every
        } else {
            let doublings = (consecutive_failures - 1).min(30);
            let grown = self
                .retry_initial
                .checked_mul(1_i32 << doublings)
                .unwrap_or(self.retry_max);
            grown.min(self.retry_max).min(self.revalidate_every)
        };
        let spread = f64::from(self.jitter_percent.min(50)) / 100.0;
        let factor = 1.0 + spread * (unit.clamp(0.0, 1.0) * 2.0 - 1.0);
        let millis = (base.num_milliseconds().max(1) as f64 * factor).round() as i64;
        TimeDelta::milliseconds(millis.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_back_off_while_offline_and_stay_in_the_jitter_band() {
        let p = Policy::default();
        assert_eq!(p.next_delay(0, 0.5), TimeDelta::hours(24));
        assert_eq!(p.next_delay(1, 0.5), TimeDelta::minutes(1));
        assert_eq!(p.next_delay(2, 0.5), TimeDelta::minutes(2));
        assert_eq!(p.next_delay(4, 0.5), TimeDelta::minutes(8));
        assert_eq!(p.next_delay(12, 0.5), TimeDelta::hours(1));
        assert_eq!(p.next_delay(u32::MAX, 0.5), TimeDelta::hours(1));
        assert_eq!(p.next_delay(0, 0.0), TimeDelta::minutes(24 * 60 * 9 / 10));
        assert_eq!(p.next_delay(0, 1.0), TimeDelta::minutes(24 * 60 * 11 / 10));
        let short = Policy::default().revalidate_every(TimeDelta::seconds(30));
        assert_eq!(short.next_delay(5, 0.5), TimeDelta::seconds(30));
        assert_eq!(Policy::new().jitter_percent(90).jitter_percent, 50);
    }
}
