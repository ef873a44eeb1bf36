//! The `licenses` resource.

use chrono::{DateTime, Utc};
use keyward_core::{RawJson, SecretLicenseKey};
use serde::Deserialize;
use serde_json::{Map, Value};

use keyward_core::jsonapi::related_id;

use super::Relationships;

/// A `licenses` resource (`app/serializers/license_serializer.rb`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct License {
    /// The license id (a UUID).
    pub id: String,
    /// `"licenses"`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The attributes.
    pub attributes: LicenseAttributes,
    /// `account`, `product`, `policy`, `group`, `owner` (`user` before 1.6), `machines`, …
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub relationships: Relationships,
    /// The JSON Keygen sent for this license, as received (it holds the key: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(License);

impl License {
    /// The policy's id.
    pub fn policy_id(&self) -> Option<&str> {
        related_id(&self.relationships, "policy")
    }

    /// The product's id.
    pub fn product_id(&self) -> Option<&str> {
        related_id(&self.relationships, "product")
    }

    /// The owner's id (`owner`, or `user` in API versions before 1.6).
    pub fn owner_id(&self) -> Option<&str> {
        related_id(&self.relationships, "owner").or_else(|| related_id(&self.relationships, "user"))
    }

    /// How many machines are activated (`relationships.machines.meta.count`), when sent.
    pub fn machine_count(&self) -> Option<u64> {
        self.relationships
            .get("machines")?
            .meta
            .as_ref()?
            .get("count")?
            .as_u64()
    }
}

/// The attributes of a license; every field is optional or defaulted so that a new or older
/// API version decodes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct LicenseAttributes {
    /// A name.
    pub name: Option<String>,
    /// The key (left out for legacy-encrypted keys); `Debug` shows only its last four.
    pub key: Option<SecretLicenseKey>,
    /// When it expires; `None` means never.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub expiry: Option<DateTime<Utc>>,
    /// `ACTIVE`, `INACTIVE`, `EXPIRING`, `EXPIRED`, `SUSPENDED`, `BANNED`.
    pub status: Option<LicenseStatus>,
    /// The usage count.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub uses: Option<u64>,
    /// Whether it is suspended.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub suspended: bool,
    /// The key scheme (`ED25519_SIGN`, …); `None` for plain keys.
    #[serde(deserialize_with = "keyward_core::de::opt_string")]
    pub scheme: Option<String>,
    /// Whether the key is legacy-encrypted.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub encrypted: bool,
    /// Whether validation is strict.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub strict: bool,
    /// Whether the license may be used on more than one machine.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub floating: bool,
    /// Whether only admins may change it.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub protected: bool,
    /// The license's `version` attribute, as sent.
    #[serde(deserialize_with = "keyward_core::de::opt_string")]
    pub version: Option<String>,
    /// The machine limit; `None` means unlimited.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_machines: Option<u64>,
    /// The process limit.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_processes: Option<u64>,
    /// The user limit.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_users: Option<u64>,
    /// The core limit.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_cores: Option<u64>,
    /// The memory limit (bytes).
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_memory: Option<u64>,
    /// The disk limit (bytes).
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_disk: Option<u64>,
    /// The usage limit.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_uses: Option<u64>,
    /// Whether machines must send heartbeats.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub require_heartbeat: bool,
    /// Whether the license must check in.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub require_check_in: bool,
    /// The last validation.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub last_validated: Option<DateTime<Utc>>,
    /// The last check-in.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub last_check_in: Option<DateTime<Utc>>,
    /// The next check-in due.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub next_check_in: Option<DateTime<Utc>>,
    /// The last check-out of a license file.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub last_check_out: Option<DateTime<Utc>>,
    /// Permissions (Keygen EE).
    #[serde(deserialize_with = "keyward_core::de::null_as_default")]
    pub permissions: Vec<String>,
    /// Metadata (keys camelCased by Keygen).
    #[serde(deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: Map<String, Value>,
    /// When it was created.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub created: Option<DateTime<Utc>>,
    /// When it last changed.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub updated: Option<DateTime<Utc>>,
}

keyward_core::open_enum!(
    /// A license's status.
    LicenseStatus {
        /// Valid and recently used.
        Active => "ACTIVE",
        /// Valid, not used lately.
        Inactive => "INACTIVE",
        /// Expires within days.
        Expiring => "EXPIRING",
        /// Expired.
        Expired => "EXPIRED",
        /// Suspended.
        Suspended => "SUSPENDED",
        /// Its owner is banned.
        Banned => "BANNED",
    }
);
