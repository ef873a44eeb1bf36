//! Data of the key-management, product and contract calls.

use std::fmt;

use keyward_core::SecretLicenseKey;
use serde::Deserialize;

use super::license::MetaEntry;
use keyward_core::RawJson;

/// A license key as `get-license-keys` lists it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyRecord {
    /// The server's id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub product_id: Option<u64>,
    /// The key.
    pub license_key: SecretLicenseKey,
    /// The owner's name.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_name: Option<String>,
    /// The owner's email.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_email: Option<String>,
    /// Activations allowed; `None` when unlimited (`-1`, any negative) or not sent.
    #[serde(deserialize_with = "super::limits::limit_count", default)]
    pub activation_limit: Option<u64>,
    /// Validity in days.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub validity: Option<u64>,
    /// When assigned.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub assigned_at: Option<String>,
    /// `available`, `assigned`, `reserved`, `blocked`, or another value; `null` or absent reads
    /// as `Other("")`.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub status: super::LicenseKeyStatus,
    /// Created at (ISO-8601).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub created_at: Option<String>,
    /// Updated at (ISO-8601).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub updated_at: Option<String>,
    /// The JSON GetKeyManager sent for this key (its part of the verified payload), as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKeyRecord);

/// A license key assigned by `random-assign-license-keys` (code 803).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct AssignedLicenseKey {
    /// The server's id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub product_id: Option<u64>,
    /// The key.
    pub license_key: SecretLicenseKey,
    /// Activations allowed; `None` when unlimited (`-1`, any negative) or not sent.
    #[serde(deserialize_with = "super::limits::limit_count", default)]
    pub activation_limit: Option<u64>,
    /// Validity in days.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub validity: Option<u64>,
    /// The status (`assigned`).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub status: super::LicenseKeyStatus,
    /// The owner's name.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_name: Option<String>,
    /// The owner's email.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub owner_email: Option<String>,
    /// When assigned (ISO-8601 with microseconds).
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub assigned_at: Option<String>,
    /// The contract, if any.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub contract_id: Option<u64>,
    /// Its meta data.
    #[serde(default)]
    pub meta_data: Vec<MetaEntry>,
}

/// The result of `create-license-keys` (code 900).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CreatedLicenseKeys {
    /// How many were created.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub created: u64,
    /// How many already existed.
    #[serde(deserialize_with = "keyward_core::de::uint", default)]
    pub duplicate: u64,
}

/// A product (`get-all-products`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// The id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// External reference.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub external_reference: Option<String>,
    /// `internal` or `envato`.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub source: Option<String>,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The post URL.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub post_url: Option<String>,
    /// The description.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub description: Option<String>,
    /// `active` or `inactive`.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub status: Option<String>,
    /// Whether a non-expired key is required.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub require_non_expired: bool,
    /// Created at.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub created_at: Option<String>,
    /// Updated at.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub updated_at: Option<String>,
    /// Meta data.
    #[serde(default)]
    pub meta_data: Vec<MetaEntry>,
}

/// A contract (numbers may arrive as strings). `Debug` hides the contract key.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct Contract {
    /// The id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: String,
    /// Free text.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub information: Option<String>,
    /// The contract key: the credential a contract holder uses, so treat it as a secret.
    #[serde(default)]
    pub contract_key: String,
    /// Keys the contract may generate.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub license_keys_quantity: Option<u64>,
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub product_id: Option<u64>,
    /// Capability: get info.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub can_get_info: bool,
    /// Capability: generate.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub can_generate: bool,
    /// Capability: destroy.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub can_destroy: bool,
    /// Capability: destroy all.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub can_destroy_all: bool,
    /// `active` or `inactive`.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub status: Option<String>,
    /// Keys generated so far.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub license_keys_count: Option<u64>,
    /// Created at.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub created_at: Option<String>,
    /// Updated at.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub updated_at: Option<String>,
}

impl fmt::Debug for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("contract_key", &keyward_core::REDACTED)
            .field("product_id", &self.product_id)
            .field("status", &self.status)
            .field("license_keys_count", &self.license_keys_count)
            .finish_non_exhaustive()
    }
}

/// A license-key generator (`get-all-generators`, listed under `products`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Generator {
    /// The id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The product id.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub product_id: Option<u64>,
    /// `uuid`, `chunk-system` or `custom`.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub method: Option<String>,
    /// Number of chunks.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub number_of_chunks: Option<u64>,
    /// Chunk length.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub chunk_length: Option<u64>,
    /// Activations allowed for generated keys; `None` when unlimited (negative) or not sent.
    #[serde(deserialize_with = "super::limits::limit_count", default)]
    pub activation_limit: Option<u64>,
    /// Validity in days.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub validity: Option<u64>,
    /// Whether active.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub status: bool,
}

/// A telemetry record (`get-telemetry-data`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct TelemetryRecord {
    /// The id.
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The user identifier sent.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub user_identifier: Option<String>,
    /// The activation identifier sent.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub activation_identifier: Option<String>,
    /// The product id sent.
    #[serde(deserialize_with = "keyward_core::de::opt_uint", default)]
    pub product_id: Option<u64>,
    /// The product version sent.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub product_version: Option<String>,
    /// The data type.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub data_type: Option<String>,
    /// The data group.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub data_group: Option<String>,
    /// The data, as text.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub data: Option<String>,
    /// Whether the server flagged the record.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false", default)]
    pub has_red_flags: bool,
    /// Created at.
    #[serde(deserialize_with = "keyward_core::de::opt_string", default)]
    pub created_at: Option<String>,
}
