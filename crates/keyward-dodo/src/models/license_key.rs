//! `LicenseKeyResponse`.

use chrono::{DateTime, Utc};
use keyward_core::{RawJson, SecretLicenseKey};
use serde::Deserialize;

use super::{LicenseKeySource, LicenseKeyStatus};

/// A license key as the admin endpoints (and the `license_key.created` webhook) describe it.
///
/// `Debug` shows only the last four characters of [`key`](Self::key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKey {
    /// The key's id (`lic_…`).
    pub id: String,
    /// The brand the key belongs to; absent on servers older than API v1.104.
    #[serde(default)]
    pub brand_id: Option<String>,
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// When the key was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// The owning customer (`cus_…`).
    pub customer_id: String,
    /// How many instances are activated now. An int32 in the API; kept wide so no value fails.
    pub instances_count: i64,
    /// The license key string itself: a secret.
    pub key: SecretLicenseKey,
    /// The product (`pdt_…`).
    pub product_id: String,
    /// Where the key came from; absent on servers older than 2026-04.
    #[serde(default)]
    pub source: Option<LicenseKeySource>,
    /// The key's state.
    pub status: LicenseKeyStatus,
    /// The activation limit; `None` means unlimited.
    #[serde(default)]
    pub activations_limit: Option<i64>,
    /// When the key expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The payment that produced the key; `None` for imported keys.
    #[serde(default)]
    pub payment_id: Option<String>,
    /// The subscription behind the key, if any.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The JSON Dodo sent for this key, as received (holds secrets: never logged).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKey);

impl LicenseKey {
    /// Activations still free, or `None` when unlimited (never negative).
    pub fn activations_left(&self) -> Option<i64> {
        self.activations_limit
            .map(|limit| limit.saturating_sub(self.instances_count).max(0))
    }
}
