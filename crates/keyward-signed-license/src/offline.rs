//! Offline use: a verified envelope saved to disk and re-verified later, with a grace period.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use crate::error::VerifyError;
use crate::keys::KeySet;
use crate::payload::{Payload, SignedEnvelope, Verified};
use crate::verify::{KeyScope, authenticate};

/// The result of re-verifying a saved envelope.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OfflineCheck {
    /// The verified payload.
    pub verified: Verified<Payload>,
    /// How old the signed timestamp is (negative when the clock is behind it).
    pub age: Duration,
    /// The current time is earlier than the newest signed timestamp seen (beyond the allowed
    /// skew): the clock was probably set back. Reported, never a lock-out.
    pub clock_tampered: bool,
}

/// `secs` as a duration, saturating at the bounds of `Duration` (a signed timestamp is outside
/// input: one ~9.2e15 s away must not panic).
fn seconds(secs: i64) -> Duration {
    Duration::try_seconds(secs).unwrap_or(if secs < 0 {
        Duration::MIN
    } else {
        Duration::MAX
    })
}

/// Saves the signed part of a verified answer as an envelope file, atomically (a temporary file
/// beside it, then a rename), so a crash never leaves half an envelope.
pub fn save(path: impl AsRef<Path>, envelope: &SignedEnvelope) -> std::io::Result<()> {
    let path = path.as_ref();
    let bytes = serde_json::to_vec_pretty(envelope).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Re-verifies a saved envelope: signature with the keys of `scope`, then age within `grace`.
/// `newest_seen` is the newest signed timestamp accepted before (from the replay store).
pub fn verify_offline(
    body: &[u8],
    keys: &KeySet,
    scope: KeyScope,
    grace: Duration,
    skew: Duration,
    now: DateTime<Utc>,
    newest_seen: Option<i64>,
) -> Result<OfflineCheck, VerifyError> {
    let verified = authenticate(body, keys, scope)?;
    let age = now.timestamp().saturating_sub(verified.timestamp());
    if age > grace.num_seconds() {
        return Err(VerifyError::Stale { age_secs: age });
    }
    let newest = newest_seen.map_or(verified.timestamp(), |n| n.max(verified.timestamp()));
    let clock_tampered = now.timestamp().saturating_add(skew.num_seconds()) < newest;
    Ok(OfflineCheck {
        verified,
        age: seconds(age),
        clock_tampered,
    })
}
