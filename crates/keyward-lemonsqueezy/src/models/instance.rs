//! The `license-key-instances` resource: one activation of a license key.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::ids::{InstanceId, LicenseKeyId, LicenseKeyInstanceId};
use keyward_core::RawJson;
use keyward_core::jsonapi::{Relationships, ResourceLinks};

/// A `license-key-instances` resource.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyInstance {
    /// Always `"license-key-instances"`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The numeric id (a string on the wire); not the License API's `instance_id`.
    pub id: LicenseKeyInstanceId,
    /// The attributes.
    pub attributes: LicenseKeyInstanceAttributes,
    /// The `license-key` relationship.
    #[serde(default)]
    pub relationships: Relationships,
    /// The resource's own link.
    #[serde(default)]
    pub links: Option<ResourceLinks>,
    /// The JSON Lemon Squeezy sent for this license-key-instances resource, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKeyInstance);

/// The attributes of an instance (exactly five live; no `test_mode`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyInstanceAttributes {
    /// The license key it belongs to.
    pub license_key_id: LicenseKeyId,
    /// The UUID the License API calls `instance_id`.
    pub identifier: InstanceId,
    /// The `instance_name` sent at activation.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub name: String,
    /// When it was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub updated_at: DateTime<Utc>,
}
