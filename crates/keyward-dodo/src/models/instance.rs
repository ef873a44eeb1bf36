//! `LicenseKeyInstanceResponse`.

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::Deserialize;

/// One activation (a device or installation) of a license key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyInstance {
    /// The instance id (`lki_…`): keep it to deactivate or validate this device.
    pub id: String,
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// When it was activated.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// The license key it belongs to (`lic_…`).
    pub license_key_id: String,
    /// The name given at activation (or renamed since).
    pub name: String,
    /// The JSON Dodo sent for this instance, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKeyInstance);
