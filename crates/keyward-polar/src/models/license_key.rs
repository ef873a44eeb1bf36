//! `LicenseKeyRead` and `LicenseKeyCustomer`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use keyward_core::{RawJson, SecretLicenseKey};
use serde::Deserialize;
use serde_json::Value;

keyward_core::open_enum!(
    /// The state of a license key (`LicenseKeyStatus`).
    LicenseKeyStatus {
        /// Usable.
        Granted => "granted",
        /// Revoked (the benefit was revoked, or by the merchant).
        Revoked => "revoked",
        /// Disabled by the merchant.
        Disabled => "disabled",
    }
);

keyward_core::open_enum!(
    /// The kind of customer (`CustomerType`).
    CustomerType {
        /// One person.
        Individual => "individual",
        /// A team with members.
        Team => "team",
    }
);

/// A license key (`LicenseKeyRead`), as every license-key endpoint returns it.
///
/// `Debug` shows only the last four characters of [`key`](Self::key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKey {
    /// The key's id (a UUID): what the admin endpoints take.
    pub id: String,
    /// When the key was created (absent from Polar's older documentation examples).
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the key last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub modified_at: Option<DateTime<Utc>>,
    /// The organization the key belongs to.
    pub organization_id: String,
    /// The customer who owns the key (absent from older documentation examples).
    #[serde(default)]
    pub customer_id: Option<String>,
    /// The customer who owns the key.
    #[serde(default)]
    pub customer: Option<LicenseKeyCustomer>,
    /// The license-keys benefit that granted the key.
    pub benefit_id: String,
    /// The license key string itself: a secret.
    pub key: SecretLicenseKey,
    /// `****-` and the key's last six characters: safe to show.
    pub display_key: String,
    /// The key's state.
    pub status: LicenseKeyStatus,
    /// The activation limit; `None` means the key cannot be activated (validate only).
    #[serde(default)]
    pub limit_activations: Option<i64>,
    /// Usage counted so far (raised by validate's `increment_usage`).
    #[serde(default)]
    pub usage: i64,
    /// The usage limit; `None` means unlimited.
    #[serde(default)]
    pub limit_usage: Option<i64>,
    /// How many successful validations the key has had.
    #[serde(default)]
    pub validations: i64,
    /// When the key was last validated.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub last_validated_at: Option<DateTime<Utc>>,
    /// When the key expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The JSON Polar sent for this key, as received (holds secrets: never logged).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKey);

impl LicenseKey {
    /// Usages left, or `None` when unlimited (never negative).
    pub fn usage_left(&self) -> Option<i64> {
        self.limit_usage
            .map(|limit| limit.saturating_sub(self.usage).max(0))
    }

    /// Whether the key is granted and not past its expiry at `now` (the rules Polar's validate
    /// applies first).
    pub fn is_usable_at(&self, now: DateTime<Utc>) -> bool {
        self.status == LicenseKeyStatus::Granted && self.expires_at.is_none_or(|at| at > now)
    }
}

/// The customer block of a key (`LicenseKeyCustomer`): the fields an app may want; everything
/// else is in the key's [`raw`](LicenseKey::raw) JSON under `/customer`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyCustomer {
    /// The customer id.
    pub id: String,
    /// The customer's email.
    #[serde(default)]
    pub email: Option<String>,
    /// The customer's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The customer's id in the merchant's own system.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Individual or team.
    #[serde(default, rename = "type")]
    pub kind: Option<CustomerType>,
    /// Merchant metadata (string, number or boolean values); empty when absent.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: BTreeMap<String, Value>,
    /// When the customer was deleted, if it was.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub deleted_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn unknown_values_are_kept_and_rules_are_pure() {
        let status: LicenseKeyStatus = serde_json::from_str(r#""suspended""#).unwrap();
        assert_eq!(status, LicenseKeyStatus::Other("suspended".into()));
        let key: LicenseKey = serde_json::from_value(serde_json::json!({
            "id": "1", "organization_id": "o", "benefit_id": "b", "key": "K-123456",
            "display_key": "****-123456", "status": "granted", "usage": 7, "limit_usage": 5,
            "expires_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(key.usage_left(), Some(0));
        let before = Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(key.is_usable_at(before));
        assert!(!key.is_usable_at(at));
        assert!(!format!("{key:?}").contains("K-123456"));
    }
}
