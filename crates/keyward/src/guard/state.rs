//! What the guard keeps between runs: the last authoritative online answer and the latest time
//! seen, for one (provider, license key) on one machine.

use chrono::{DateTime, TimeDelta, Utc};
use keyward_core::{Lease, LicenseKey, LicenseStatus};
use serde::{Deserialize, Serialize};

/// The neutral license fields that matter offline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LicenseFacts {
    /// The provider's id of the license (not the key).
    #[serde(default)]
    pub license_id: Option<String>,
    /// Its status at the last online check (lower-case word; see [`LicenseStatus::parse`]).
    #[serde(default)]
    pub status: Option<String>,
    /// When it expires; `None` for never (or not said).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// How many activations it allows; `None` for unlimited (or not said).
    #[serde(default)]
    pub activation_limit: Option<u32>,
    /// The product it is for.
    #[serde(default)]
    pub product_id: Option<String>,
    /// The product's name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// The variant or plan, where the provider has one.
    #[serde(default)]
    pub variant_id: Option<String>,
}

impl LicenseFacts {
    /// The facts of a license as a provider described it (the key and the provider's JSON are
    /// left out).
    pub fn from_license(license: &LicenseKey) -> Self {
        Self {
            license_id: Some(license.id.clone()).filter(|id| !id.is_empty()),
            status: Some(license.status.as_str().to_owned()),
            expires_at: license.expires_at,
            activation_limit: license.activation_limit,
            product_id: license.product.id.clone(),
            product_name: license.product.name.clone(),
            variant_id: license.product.variant_id.clone(),
        }
    }

    /// The status as the neutral enum, when known.
    pub fn license_status(&self) -> Option<LicenseStatus> {
        self.status.as_deref().map(LicenseStatus::parse)
    }
}

/// The state file's content (before sealing): written only after a valid online answer, updated
/// with the latest time seen while offline, removed on an authoritative refusal.
///
/// Times are on the provider's clock where the provider stated one (a signed timestamp, else the
/// HTTP `Date`), so a wrong local clock at the check does not move them; the local clock's
/// reading at the check is kept beside, to measure the time elapsed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredState {
    /// The provider's short name ([`Provider::as_str`](keyward_core::Provider::as_str)).
    pub provider: String,
    /// The keyed hash of the license key (hex), never the key.
    pub key_hash: String,
    /// The activation this machine holds, reused instead of activating again.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// What the provider said about the license at the last online check.
    #[serde(default)]
    pub license: Option<LicenseFacts>,
    /// When the provider last said the license is valid, by the provider's clock (by the local
    /// clock when the provider stated no time, or agreed with it within the tolerance).
    pub checked_at: DateTime<Utc>,
    /// The latest time the guard has judged it to be, on the provider's clock (for rollback
    /// detection): reset to `checked_at` by every valid online answer.
    pub latest_seen_at: DateTime<Utc>,
    /// The local clock's reading when `latest_seen_at` was judged (`None`: the same), so the
    /// time elapsed since is measured on the local clock, whatever its offset.
    #[serde(default)]
    pub latest_seen_locally_at: Option<DateTime<Utc>>,
    /// The provider's signed lease from the last check, when it signs its answers. Verified again
    /// by the provider before every use; offline grace never outlasts it.
    #[serde(default)]
    pub lease: Option<Lease>,
}

impl StoredState {
    /// A state for a valid answer at `checked_at`; fill in the rest field by field.
    pub fn new(
        provider: impl Into<String>,
        key_hash: impl Into<String>,
        checked_at: DateTime<Utc>,
    ) -> Self {
        Self {
            provider: provider.into(),
            key_hash: key_hash.into(),
            instance_id: None,
            license: None,
            checked_at,
            latest_seen_at: checked_at,
            latest_seen_locally_at: None,
            lease: None,
        }
    }

    /// Where the time stands by the provider's clock, judged from the local clock `now`, and
    /// whether the local clock reads earlier than a time already seen (beyond `tolerance`).
    ///
    /// The time elapsed since the latest time seen is measured on the local clock. When the
    /// local clock went back since (corrected after a wrong boot, another system's zone, wound
    /// back), it is read as it is, but never earlier than the latest time seen; a step back
    /// within the tolerance counts as no time elapsed.
    pub fn judge_time(&self, now: DateTime<Utc>, tolerance: TimeDelta) -> (DateTime<Utc>, bool) {
        let seen = self.latest_seen_at;
        let anchor = self.latest_seen_locally_at.unwrap_or(seen);
        let estimate = if now >= anchor {
            seen.checked_add_signed(now - anchor)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        } else if anchor - now <= tolerance {
            seen
        } else {
            now
        };
        let rolled_back = estimate.checked_add_signed(tolerance).unwrap_or(estimate) < seen;
        (estimate.max(seen), rolled_back)
    }

    /// When the license expires, as last said online.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.license.as_ref().and_then(|l| l.expires_at)
    }
}
