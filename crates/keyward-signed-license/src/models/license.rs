//! Data of the licensing (client-facing) calls.

use std::fmt;

use keyward_core::RawJson;
use keyward_core::SecretLicenseKey;
use serde::Deserialize;
use serde_json::Value;

/// What `activate` (and assign-and-activate) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Activation {
    /// 300: activated now.
    Activated,
    /// 301: the key was already active for this identifier.
    AlreadyActive,
}

/// What `deactivate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Deactivation {
    /// 400: deactivated now.
    Deactivated,
    /// 401: the key was not active for this identifier.
    AlreadyInactive,
}

/// One `{key, value}` meta entry. The admin portal stores any valid JSON as a value, so the value
/// is kept as JSON ([`json`](Self::json)) beside its text form ([`value`](Self::value)).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "RawMetaEntry")]
#[non_exhaustive]
pub struct MetaEntry {
    /// The meta key.
    pub key: String,
    /// The value as text: a string as is, a number or boolean as written, an array or object as
    /// its JSON; `None` for `null` or a missing value.
    pub value: Option<String>,
    /// The value as sent, of any JSON type (`Null` when missing).
    pub json: Value,
}

#[derive(Deserialize)]
struct RawMetaEntry {
    #[serde(deserialize_with = "keyward_core::de::string")]
    key: String,
    #[serde(default)]
    value: Value,
}

impl From<RawMetaEntry> for MetaEntry {
    fn from(raw: RawMetaEntry) -> Self {
        let value = match &raw.value {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        };
        Self {
            key: raw.key,
            value,
            json: raw.value,
        }
    }
}

/// The answer of `get-license-key-details` (code 500).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseDetails {
    /// The license key.
    #[serde(rename = "licenseKey")]
    pub license_key: LicenseKeyInfo,
    /// Its product.
    pub product: ProductInfo,
    /// The JSON GetKeyManager sent for this answer (the verified payload), as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseDetails);

/// A license key as `get-license-key-details` describes it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyInfo {
    /// The server's id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The key (its `Debug` shows only the last four characters).
    pub license_key: SecretLicenseKey,
    /// The owner's name.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_name: Option<String>,
    /// The owner's email.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_email: Option<String>,
    /// How many activations are allowed (0 = unlimited); `None` when unlimited (`-1`, any
    /// negative) or not sent.
    #[serde(deserialize_with = "super::limits::limit_count", default)]
    pub activation_limit: Option<u64>,
    /// Validity in days (0 = unlimited).
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub validity: Option<u64>,
    /// When it was assigned (`Y-m-d H:i:s`).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub assigned_at: Option<String>,
    /// Its meta data.
    #[serde(default)]
    pub meta_data: Vec<MetaEntry>,
    /// When it expires; `None` when the server says `false` (never).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub expires_at: Option<String>,
}

/// A product as the licensing calls describe it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ProductInfo {
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// External reference (Envato item id), if any.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub external_reference: Option<String>,
    /// `internal` or `envato`.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub source: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The product's post URL.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub post_url: Option<String>,
    /// The description.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub description: Option<String>,
    /// Its meta data.
    #[serde(default)]
    pub meta_data: Vec<MetaEntry>,
}

/// A downloadable release (`access-downloadables`, code 600).
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct Downloadable {
    /// The release id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub product_id: u64,
    /// The version as a number (`102`).
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub numeric_version: u64,
    /// The version text (`1.0.2`).
    #[serde(default)]
    pub version: String,
    /// A summary.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub update_summary: Option<String>,
    /// The changelog.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub changelog: Option<String>,
    /// Whether it is published.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub published: bool,
    /// Release date (`Y-m-d H:i:s`).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub release_date: Option<String>,
    /// Download count.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub download_counter: Option<u64>,
    /// The download URL. It embeds the API key and the license key: treat it as a secret
    /// (`Debug` hides it).
    pub url: String,
}

impl fmt::Debug for Downloadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Downloadable")
            .field("id", &self.id)
            .field("product_id", &self.product_id)
            .field("version", &self.version)
            .field("published", &self.published)
            .field("url", &keyward_core::REDACTED)
            .finish_non_exhaustive()
    }
}

/// The answer of `send-telemetry-data` (830, or 831 when stored with format errors).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TelemetrySaved {
    /// Whether the data had the right format (830).
    pub correct_format: bool,
    /// Field errors (`{field: [messages]}`), empty for 830.
    pub errors: serde_json::Map<String, serde_json::Value>,
}
