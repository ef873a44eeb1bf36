//! License key strings in responses are secrets too.

use license_core::SecretLicenseKey;
use serde::{Deserialize, Deserializer};

/// Reads a license key string into a [`SecretLicenseKey`], so it never shows in `Debug`.
pub(crate) fn deserialize_secret_key<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<SecretLicenseKey, D::Error> {
    String::deserialize(deserializer).map(SecretLicenseKey::new)
}
