//! One create, as a worker sends it: paced by the shared [`Pace`], tried again after a transient
//! failure, and after a `429` once the wait the target asked for has passed (for every worker).
//!
//! Sending a create again is safe here because each carries its key: a create that did apply
//! before its answer was lost meets `409` (the key exists), which is recorded as created.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use keyward_core::{CreateRequest, LicenseAdmin, LicenseError};

use super::pace::Pace;

/// How often a create is sent before a transient failure is final for this run.
const TRIES: u32 = 5;
/// How many `429`s one create waits out before it counts as failed for this run.
const RATE_LIMITED_TRIES: u32 = 30;
/// The longest `Retry-After` waited for; a longer one is waited for this long, then asked again.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// How one create ended.
#[derive(Debug)]
pub(crate) enum Sent {
    /// Created (its target id, unless a lost answer's `409` told it).
    Created(Option<String>),
    /// `409` at the first try: the key appeared at the target after it was read.
    AlreadyThere,
    /// Refused: `reason` for the report, `class` for the breaker.
    Refused {
        /// The error, the key scrubbed.
        reason: String,
        /// What kind of refusal (the same class in a row trips the breaker).
        class: String,
    },
    /// Failed every try with a transient error; the next run tries again.
    Failed(String),
    /// An error every create would meet (credentials, configuration): the run stops.
    Fatal(LicenseError),
}

/// Sends `request` until it has an outcome.
pub(crate) async fn create(
    target: &dyn LicenseAdmin,
    pace: &Mutex<Pace>,
    request: &CreateRequest,
) -> Sent {
    let (mut tries, mut rate_limited) = (0, 0);
    let mut may_have_applied = false;
    loop {
        wait_turn(pace).await;
        tries += 1;
        let error = match target.create(request.clone()).await {
            Ok(created) => return Sent::Created(Some(created.id)),
            Err(e) => e,
        };
        if error.is_conflict() {
            return if may_have_applied {
                Sent::Created(None)
            } else {
                Sent::AlreadyThere
            };
        }
        if error.is_rate_limited() && rate_limited < RATE_LIMITED_TRIES {
            // Not applied; every worker holds off for what the target asked.
            rate_limited += 1;
            tries -= 1;
            let wait = error
                .retry_after()
                .unwrap_or(Duration::from_secs(1))
                .min(MAX_WAIT);
            lock(pace).pause(Instant::now(), wait);
            continue;
        }
        if is_transient(&error) {
            if tries < TRIES {
                may_have_applied = true;
                tokio::time::sleep(backoff(tries)).await;
                continue;
            }
            return Sent::Failed(scrub(&error, request));
        }
        if is_fatal(&error) {
            return Sent::Fatal(error);
        }
        let status = error.http().map(|h| h.status).unwrap_or_default();
        let class = format!("{:?} {status} {}", error.kind(), error.message());
        return Sent::Refused {
            reason: scrub(&error, request),
            class,
        };
    }
}

/// Sleeps until the pace lets a send go (again if a pause was asked meanwhile).
async fn wait_turn(pace: &Mutex<Pace>) {
    loop {
        let at = lock(pace).book(Instant::now());
        tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
        if lock(pace).still_clear(Instant::now()) {
            return;
        }
    }
}

fn lock(pace: &Mutex<Pace>) -> std::sync::MutexGuard<'_, Pace> {
    pace.lock().unwrap_or_else(PoisonError::into_inner)
}

/// 100 ms, doubling, at most 2 s.
fn backoff(tries: u32) -> Duration {
    Duration::from_millis(100u64.saturating_mul(1 << tries.min(5).saturating_sub(1)))
        .min(Duration::from_secs(2))
}

/// A failure that may pass: tried again, and left out of the journal if it lasts.
pub(crate) fn is_transient(e: &LicenseError) -> bool {
    e.is_network()
        || e.is_timeout()
        || e.is_rate_limited()
        || e.http().is_some_and(|h| h.status >= 500)
}

/// An error every key would meet: the credentials or the client are wrong.
pub(crate) fn is_fatal(e: &LicenseError) -> bool {
    e.is_unauthorized() || e.is_unsupported() || (e.is_config() && !e.is_invalid_input())
}

/// An error as text, the key (should a provider echo it) reduced to its last four characters.
fn scrub(e: &LicenseError, request: &CreateRequest) -> String {
    let text = e.to_string();
    match request.key.as_ref().filter(|k| !k.is_empty()) {
        Some(key) => text.replace(key.expose(), &format!("…{}", key.last4())),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap() {
        let waits: Vec<u64> = (1..=7).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 1600, 1600]);
    }
}
