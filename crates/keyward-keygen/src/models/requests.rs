//! What the client sends besides validations: new and changed licenses, new machines, check-out
//! options. Each is turned into the JSON:API document Keygen's `typed_params` expect.

use chrono::{DateTime, SecondsFormat, Utc};
use keyward_core::{Patch, SecretLicenseKey};
use serde_json::{Map, Value, json};

fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A machine to activate (`POST /machines`).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct NewMachine {
    /// An id of your own (a UUID); Keygen picks one when `None`.
    pub id: Option<String>,
    /// The fingerprint (required; unique per license).
    pub fingerprint: String,
    /// The license's id (a UUID: Keygen does not take the key here).
    pub license_id: String,
    /// A name.
    pub name: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// IP address.
    pub ip: Option<String>,
    /// CPU cores.
    pub cores: Option<u64>,
    /// Memory (bytes).
    pub memory: Option<u64>,
    /// Disk (bytes).
    pub disk: Option<u64>,
    /// The owner (a user id).
    pub owner_id: Option<String>,
    /// Metadata.
    pub metadata: Map<String, Value>,
}

impl NewMachine {
    /// A machine with its fingerprint for the license `license_id`.
    pub fn new(license_id: impl Into<String>, fingerprint: impl Into<String>) -> Self {
        Self {
            fingerprint: fingerprint.into(),
            license_id: license_id.into(),
            ..Self::default()
        }
    }

    pub(crate) fn to_document(&self) -> Value {
        let mut attributes = Map::new();
        attributes.insert("fingerprint".into(), json!(self.fingerprint));
        for (name, value) in [
            ("name", &self.name),
            ("platform", &self.platform),
            ("hostname", &self.hostname),
            ("ip", &self.ip),
        ] {
            if let Some(value) = value {
                attributes.insert(name.into(), json!(value));
            }
        }
        for (name, value) in [
            ("cores", self.cores),
            ("memory", self.memory),
            ("disk", self.disk),
        ] {
            if let Some(value) = value {
                attributes.insert(name.into(), json!(value));
            }
        }
        if !self.metadata.is_empty() {
            attributes.insert("metadata".into(), Value::Object(self.metadata.clone()));
        }
        let mut relationships = Map::new();
        relationships.insert(
            "license".into(),
            json!({ "data": { "type": "licenses", "id": self.license_id } }),
        );
        if let Some(owner) = &self.owner_id {
            relationships.insert(
                "owner".into(),
                json!({ "data": { "type": "users", "id": owner } }),
            );
        }
        let mut data = Map::new();
        data.insert("type".into(), json!("machines"));
        if let Some(id) = &self.id {
            data.insert("id".into(), json!(id));
        }
        data.insert("attributes".into(), Value::Object(attributes));
        data.insert("relationships".into(), Value::Object(relationships));
        json!({ "data": data })
    }
}

/// A license to create (`POST /licenses`, admin).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct NewLicense {
    /// An id of your own (a UUID); Keygen picks one when `None`.
    pub id: Option<String>,
    /// The policy's id (required).
    pub policy_id: String,
    /// A name.
    pub name: Option<String>,
    /// A key of your own; Keygen generates one when `None`.
    pub key: Option<SecretLicenseKey>,
    /// When it expires (default: from the policy's duration).
    pub expiry: Option<DateTime<Utc>>,
    /// A machine limit overriding the policy's.
    pub max_machines: Option<u64>,
    /// The owner (a user id).
    pub owner_id: Option<String>,
    /// Metadata.
    pub metadata: Map<String, Value>,
}

impl NewLicense {
    /// A license of the policy `policy_id`.
    pub fn new(policy_id: impl Into<String>) -> Self {
        Self {
            policy_id: policy_id.into(),
            ..Self::default()
        }
    }

    pub(crate) fn to_document(&self) -> Value {
        let mut attributes = Map::new();
        if let Some(name) = &self.name {
            attributes.insert("name".into(), json!(name));
        }
        if let Some(key) = &self.key {
            attributes.insert("key".into(), json!(key.expose()));
        }
        if let Some(expiry) = &self.expiry {
            attributes.insert("expiry".into(), json!(timestamp(expiry)));
        }
        if let Some(max) = self.max_machines {
            attributes.insert("maxMachines".into(), json!(max));
        }
        if !self.metadata.is_empty() {
            attributes.insert("metadata".into(), Value::Object(self.metadata.clone()));
        }
        let mut relationships = Map::new();
        relationships.insert(
            "policy".into(),
            json!({ "data": { "type": "policies", "id": self.policy_id } }),
        );
        if let Some(owner) = &self.owner_id {
            relationships.insert(
                "owner".into(),
                json!({ "data": { "type": "users", "id": owner } }),
            );
        }
        let mut data = Map::new();
        data.insert("type".into(), json!("licenses"));
        if let Some(id) = &self.id {
            data.insert("id".into(), json!(id));
        }
        if !attributes.is_empty() {
            data.insert("attributes".into(), Value::Object(attributes));
        }
        data.insert("relationships".into(), Value::Object(relationships));
        json!({ "data": data })
    }
}

/// Changes to a license (`PATCH /licenses/{id}`, admin): only what is not `Keep` is sent.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct UpdateLicense {
    /// The name.
    pub name: Patch<String>,
    /// The expiry (`Clear`: never expires).
    pub expiry: Patch<DateTime<Utc>>,
    /// The machine limit (`Clear`: the policy's).
    pub max_machines: Patch<u64>,
    /// The metadata, replaced whole.
    pub metadata: Patch<Map<String, Value>>,
}

impl UpdateLicense {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_keep()
            && self.expiry.is_keep()
            && self.max_machines.is_keep()
            && self.metadata.is_keep()
    }

    pub(crate) fn to_document(&self, id: &str) -> Value {
        let mut attributes = Map::new();
        let mut put = |name: &str, patch: Patch<Value>| match patch {
            Patch::Keep => {}
            Patch::Clear => {
                attributes.insert(name.into(), Value::Null);
            }
            Patch::Set(value) => {
                attributes.insert(name.into(), value);
            }
        };
        put("name", self.name.clone().map(Value::String));
        put("expiry", self.expiry.clone().map(|t| json!(timestamp(&t))));
        put("maxMachines", self.max_machines.clone().map(|n| json!(n)));
        put("metadata", self.metadata.clone().map(Value::Object));
        json!({ "data": { "type": "licenses", "id": id, "attributes": attributes } })
    }
}

/// Options of a check-out (`POST …/actions/check-out`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckoutOptions {
    /// Encrypt the payload with AES-256-GCM (key: the license key, plus the fingerprint for a
    /// machine file).
    pub encrypt: bool,
    /// Seconds the file lives (at least 3600): `Keep` for the server's default (a month),
    /// `Clear` for a file that never expires.
    pub ttl: Patch<u64>,
    /// `<enc>+<sig>` (`aes-256-gcm+ed25519`); the server's default follows the key scheme.
    pub algorithm: Option<String>,
    /// Relationships to include in the payload (`entitlements`, `product`, `policy`, `owner`, …;
    /// `license` for a machine file).
    pub include: Vec<String>,
}

impl CheckoutOptions {
    /// The options as query parameters (for the `GET` download).
    pub(crate) fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if self.encrypt {
            query.push(("encrypt", "true".to_owned()));
        }
        if let Patch::Set(ttl) = self.ttl {
            query.push(("ttl", ttl.to_string()));
        }
        if let Some(algorithm) = &self.algorithm {
            query.push(("algorithm", algorithm.clone()));
        }
        for include in &self.include {
            query.push(("include[]", include.clone()));
        }
        query
    }

    pub(crate) fn to_meta(&self) -> Value {
        let mut meta = Map::new();
        if self.encrypt {
            meta.insert("encrypt".into(), json!(true));
        }
        match self.ttl {
            Patch::Keep => {}
            Patch::Clear => {
                meta.insert("ttl".into(), Value::Null);
            }
            Patch::Set(ttl) => {
                meta.insert("ttl".into(), json!(ttl));
            }
        }
        if let Some(algorithm) = &self.algorithm {
            meta.insert("algorithm".into(), json!(algorithm));
        }
        if !self.include.is_empty() {
            meta.insert("include".into(), json!(self.include));
        }
        json!({ "meta": meta })
    }
}
