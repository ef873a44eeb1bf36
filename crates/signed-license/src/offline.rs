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

/// Saves the signed part of a verified answer as an envelope file.
pub fn save(path: impl AsRef<Path>, envelope: &SignedEnvelope) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(envelope).map_err(std::io::Error::other)?;
    std::fs::write(path, bytes)
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
        age: Duration::seconds(age),
        clock_tampered,
    })
}
