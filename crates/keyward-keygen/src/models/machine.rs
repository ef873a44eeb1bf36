//! The `machines` resource.

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::Deserialize;
use serde_json::{Map, Value};

use keyward_core::jsonapi::related_id;

use super::Relationships;

/// A `machines` resource (`app/serializers/machine_serializer.rb`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Machine {
    /// The machine id (a UUID).
    pub id: String,
    /// `"machines"`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The attributes.
    pub attributes: MachineAttributes,
    /// `account`, `product`, `group`, `license`, `owner`, `components`, `processes`.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub relationships: Relationships,
    /// The JSON Keygen sent for this machine, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Machine);

impl Machine {
    /// The license's id.
    pub fn license_id(&self) -> Option<&str> {
        related_id(&self.relationships, "license")
    }
}

/// The attributes of a machine.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[non_exhaustive]
pub struct MachineAttributes {
    /// The fingerprint, unique per license.
    #[serde(deserialize_with = "keyward_core::de::string_or_empty")]
    pub fingerprint: String,
    /// CPU cores.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub cores: Option<u64>,
    /// Memory (bytes).
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub memory: Option<u64>,
    /// Disk (bytes).
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub disk: Option<u64>,
    /// IP address.
    pub ip: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// A name.
    pub name: Option<String>,
    /// Whether heartbeats are required.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub require_heartbeat: bool,
    /// `NOT_STARTED`, `ALIVE`, `DEAD`, `RESURRECTED`.
    pub heartbeat_status: Option<HeartbeatStatus>,
    /// Seconds between heartbeats.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub heartbeat_duration: Option<u64>,
    /// The process limit.
    #[serde(deserialize_with = "keyward_core::de::opt_uint")]
    pub max_processes: Option<u64>,
    /// The last check-out of a machine file.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub last_check_out: Option<DateTime<Utc>>,
    /// The last heartbeat.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub last_heartbeat: Option<DateTime<Utc>>,
    /// The next heartbeat due.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub next_heartbeat: Option<DateTime<Utc>>,
    /// Metadata.
    #[serde(deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: Map<String, Value>,
    /// When it was activated.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub created: Option<DateTime<Utc>>,
    /// When it last changed.
    #[serde(deserialize_with = "keyward_core::de::opt_timestamp")]
    pub updated: Option<DateTime<Utc>>,
}

keyward_core::open_enum!(
    /// A machine's heartbeat status.
    HeartbeatStatus {
        /// No heartbeat yet.
        NotStarted => "NOT_STARTED",
        /// Heartbeats arrive in time.
        Alive => "ALIVE",
        /// A heartbeat was missed.
        Dead => "DEAD",
        /// Alive again after dying.
        Resurrected => "RESURRECTED",
    }
);
