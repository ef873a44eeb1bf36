//! A provider-signed, time-bound proof that a license was valid, for offline use.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A signed lease: what a provider that signs its answers hands out with a valid answer
/// (GetKeyManager's verified envelope; Keygen's machine files are the same kind of thing). The
/// times are read from the verified proof; the proof itself is kept so that the provider that
/// issued it can verify it again, offline, before it is trusted
/// ([`LicenseProvider::verify_lease`](crate::LicenseProvider::verify_lease)).
///
/// The proof can carry the license key in clear: `Debug` shows its length only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lease {
    /// The signed proof as received, in the provider's own format.
    pub proof: String,
    /// When the provider signed it, by the provider's clock.
    pub signed_at: DateTime<Utc>,
    /// The end of its own signed validity, when the proof states one; `None` when only the
    /// signing time is signed (the holder then chooses how long it lasts after `signed_at`).
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
}

impl Lease {
    /// A lease whose proof `proof` was signed at `signed_at` (and states no end).
    pub fn new(proof: impl Into<String>, signed_at: DateTime<Utc>) -> Self {
        Self {
            proof: proof.into(),
            signed_at,
            valid_until: None,
        }
    }

    /// With the end of validity the proof states.
    #[must_use]
    pub fn valid_until(mut self, at: DateTime<Utc>) -> Self {
        self.valid_until = Some(at);
        self
    }

    /// When it ends: its signed end, else `longest` after it was signed (whichever is earlier
    /// when both exist).
    pub fn ends_at(&self, longest: TimeDelta) -> DateTime<Utc> {
        let by_holder = self
            .signed_at
            .checked_add_signed(longest)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.valid_until.map_or(by_holder, |end| end.min(by_holder))
    }
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("proof_chars", &self.proof.len())
            .field("signed_at", &self.signed_at)
            .field("valid_until", &self.valid_until)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_at_the_earlier_of_its_signed_end_and_the_holders_limit() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let lease = Lease::new("CANARY-PROOF", at);
        assert_eq!(lease.ends_at(TimeDelta::days(7)), at + TimeDelta::days(7));
        let short = lease.clone().valid_until(at + TimeDelta::days(2));
        assert_eq!(short.ends_at(TimeDelta::days(7)), at + TimeDelta::days(2));
        assert_eq!(lease.ends_at(TimeDelta::MAX), DateTime::<Utc>::MAX_UTC);
        assert!(!format!("{lease:?}").contains("CANARY"));
    }
}
