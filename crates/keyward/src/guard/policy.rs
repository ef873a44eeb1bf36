//! How forgiving the guard is: grace, which failures earn it, revalidation, clock rollback.

use std::fmt;

use chrono::TimeDelta;
use keyward_core::{ErrorKind, LicenseError};

/// The shortest `revalidate_every` a policy accepts: one request a minute per machine.
pub const MIN_REVALIDATE_EVERY: TimeDelta = TimeDelta::minutes(1);
/// The shortest first retry delay a policy accepts.
pub const MIN_RETRY: TimeDelta = TimeDelta::seconds(1);

/// What to do when the clock reads earlier than a time the guard has already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnRollback {
    /// Refuse to license offline until the clock is right again (an online answer still counts).
    Deny,
    /// Only flag it on the verdict. Grace is counted on the latest time seen and on from there,
    /// never on the rolled-back clock, so winding the clock back under a state the guard keeps
    /// gains nothing (a restored copy of the state is another matter: see the facade README's
    /// threat model).
    Flag,
}

/// Which failures to get an answer earn offline grace (the stored state decides). A failure that
/// earns none licenses nothing, and the state is kept for a later answer either way: only an
/// authoritative "this key is not valid" ends a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GraceOn {
    /// Every failure that is not an authoritative "not valid": outages, and also a proxy's
    /// 401/403 page, a captive portal's HTML, an answer the guard does not understand. A
    /// tamperer gains nothing by this: cutting the network earns the same grace.
    AnyFailure,
    /// Only failures that mean "could not find out": network, timeout, 5xx, 429.
    Outages,
}

impl GraceOn {
    /// Whether this failure earns grace.
    pub fn earns_grace(self, error: &LicenseError) -> bool {
        match self {
            Self::AnyFailure => true,
            Self::Outages => {
                error.is_network()
                    || error.is_timeout()
                    || error.is_rate_limited()
                    || error.kind() == ErrorKind::Server
            }
        }
    }
}

/// Why a [`Policy`] was refused when the guard was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// `grace` is negative.
    NegativeGrace,
    /// `clock_tolerance` is negative.
    NegativeClockTolerance,
    /// `revalidate_every` is shorter than [`MIN_REVALIDATE_EVERY`].
    RevalidateTooOften,
    /// `retry_initial` is shorter than [`MIN_RETRY`], or longer than `retry_max`.
    RetryOutOfOrder,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NegativeGrace => "the guard's grace period must not be negative",
            Self::NegativeClockTolerance => "the guard's clock tolerance must not be negative",
            Self::RevalidateTooOften => "the guard's revalidate_every must be at least a minute",
            Self::RetryOutOfOrder => {
                "the guard's retry delays must be at least a second, the first no longer than the longest"
            }
        })
    }
}

impl std::error::Error for PolicyError {}

/// The guard's policy. [`Policy::default`] is a sensible start; every field can be changed.
///
/// | field | default | why |
/// | --- | --- | --- |
/// | `grace` | 7 days | a week of travel, a long weekend offline or a provider outage goes unnoticed by a paying customer, while a revoked key stops working within a week of its last online check |
/// | `revalidate_every` | 24 hours | a revocation or refund is seen within a day; one request per machine per day is far below every provider's rate limit |
/// | `retry_initial` | 1 minute | while offline the background check retries soon (a network that drops for a minute comes back quickly) … |
/// | `retry_max` | 1 hour | … doubling up to an hour, so a machine offline for days neither hammers the provider nor waits a full day once it is back |
/// | `jitter_percent` | 10 | spreads the checks of many machines started together (after an outage, a release) |
/// | `grace_on` | [`GraceOn::AnyFailure`] | a paying user behind a proxy, a captive portal or a provider's schema change keeps working; only the provider's own "not valid" ends a license |
/// | `clock_tolerance` | 1 hour | clocks get corrected by NTP and jump on suspend/resume or dual boot; smaller moves are not rollbacks |
/// | `on_rollback` | [`OnRollback::Flag`] | dual-boot machines, dead CMOS batteries and wrong time zones set clocks back innocently; since grace is counted on the latest time seen and on from there, flagging locks out no one |
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
    /// Which failures to get an answer earn offline grace.
    pub grace_on: GraceOn,
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
            grace_on: GraceOn::AnyFailure,
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

    /// Sets which failures earn offline grace.
    #[must_use]
    pub fn grace_on(mut self, grace_on: GraceOn) -> Self {
        self.grace_on = grace_on;
        self
    }

    /// Checks the policy (the guard's builder does): grace and tolerance not negative,
    /// revalidation at most once a minute, retry delays in order.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.grace < TimeDelta::zero() {
            return Err(PolicyError::NegativeGrace);
        }
        if self.clock_tolerance < TimeDelta::zero() {
            return Err(PolicyError::NegativeClockTolerance);
        }
        if self.revalidate_every < MIN_REVALIDATE_EVERY {
            return Err(PolicyError::RevalidateTooOften);
        }
        if self.retry_initial < MIN_RETRY || self.retry_initial > self.retry_max {
            return Err(PolicyError::RetryOutOfOrder);
        }
        Ok(())
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
        let short = Policy::default().revalidate_every(TimeDelta::minutes(2));
        assert_eq!(short.next_delay(5, 0.5), TimeDelta::minutes(2));
        assert_eq!(Policy::new().jitter_percent(90).jitter_percent, 50);
    }

    #[test]
    fn a_policy_out_of_bounds_is_refused_with_its_reason() {
        let p = Policy::default();
        assert_eq!(p.validate(), Ok(()));
        let cases = [
            (p.grace(TimeDelta::seconds(-1)), PolicyError::NegativeGrace),
            (
                p.clock_tolerance(TimeDelta::seconds(-1)),
                PolicyError::NegativeClockTolerance,
            ),
            (
                p.revalidate_every(TimeDelta::zero()),
                PolicyError::RevalidateTooOften,
            ),
            (
                p.revalidate_every(TimeDelta::seconds(59)),
                PolicyError::RevalidateTooOften,
            ),
            (
                p.retry(TimeDelta::zero(), TimeDelta::hours(1)),
                PolicyError::RetryOutOfOrder,
            ),
            (
                p.retry(TimeDelta::hours(2), TimeDelta::hours(1)),
                PolicyError::RetryOutOfOrder,
            ),
        ];
        for (policy, error) in cases {
            assert_eq!(policy.validate(), Err(error), "{error}");
        }
        assert_eq!(p.grace(TimeDelta::zero()).validate(), Ok(()));
        assert_eq!(p.revalidate_every(MIN_REVALIDATE_EVERY).validate(), Ok(()));
    }
}
