//! The `license-files` and `machine-files` resources a check-out returns.

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::Deserialize;

use super::Relationships;

/// A checked-out license or machine file, as the JSON:API resource carries it. Read its
/// [`certificate`](CheckoutAttributes::certificate) with [`crate::LicenseFile`] or
/// [`crate::MachineFile`]: nothing here is verified yet.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Checkout {
    /// The file's id.
    pub id: String,
    /// `"license-files"` or `"machine-files"`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The attributes.
    pub attributes: CheckoutAttributes,
    /// `account`, `environment`, `license` (and `machine`).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub relationships: Relationships,
    /// The JSON Keygen sent, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Checkout);

/// The attributes of a checked-out file (unverified: the signed copies are in the certificate).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CheckoutAttributes {
    /// The certificate (`-----BEGIN LICENSE FILE-----` …).
    #[serde(deserialize_with = "keyward_core::de::string_or_empty")]
    pub certificate: String,
    /// `base64+ed25519`, `aes-256-gcm+ed25519`, …
    pub algorithm: Option<String>,
    /// The relationships included in the payload.
    #[serde(deserialize_with = "keyward_core::de::null_as_default")]
    pub includes: Vec<String>,
    /// Its time to live in seconds; `None` means it never expires.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub ttl: Option<u64>,
    /// When it expires.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub expiry: Option<DateTime<Utc>>,
    /// When it was issued.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub issued: Option<DateTime<Utc>>,
}
