//! The typed fields of an answer compared with the attributes a feature asserts (anything the
//! models do not type is compared in `raw`).

use chrono::{DateTime, Utc};
use keyward_core::SecretLicenseKey;
use keyward_keygen::models::Checkout;
use keyward_keygen::{License, Machine};
use serde_json::{Map, Value};

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The typed license fields equal the asserted attributes.
pub(crate) fn same_license(source: &str, license: &License, asserted: &Value) {
    let a = &license.attributes;
    for (name, value) in object(asserted) {
        match name.as_str() {
            "name" => assert_eq!(a.name.as_deref(), value.as_str(), "{source}: {name}"),
            "key" => assert_eq!(
                a.key.as_ref().map(SecretLicenseKey::expose),
                value.as_str(),
                "{source}: {name}"
            ),
            "status" => assert_eq!(
                a.status.as_ref().map(|s| s.as_str()),
                value.as_str(),
                "{source}: {name}"
            ),
            "expiry" => assert_eq!(a.expiry, timestamp(&value), "{source}: {name}"),
            "maxMachines" => assert_eq!(a.max_machines, value.as_u64(), "{source}: {name}"),
            "maxUses" => assert_eq!(a.max_uses, value.as_u64(), "{source}: {name}"),
            "uses" => assert_eq!(a.uses, value.as_u64(), "{source}: {name}"),
            "suspended" => assert_eq!(Some(a.suspended), value.as_bool(), "{source}: {name}"),
            "protected" => assert_eq!(Some(a.protected), value.as_bool(), "{source}: {name}"),
            "floating" => assert_eq!(Some(a.floating), value.as_bool(), "{source}: {name}"),
            "strict" => assert_eq!(Some(a.strict), value.as_bool(), "{source}: {name}"),
            "scheme" => assert_eq!(a.scheme.as_deref(), value.as_str(), "{source}: {name}"),
            "requireHeartbeat" => assert_eq!(
                Some(a.require_heartbeat),
                value.as_bool(),
                "{source}: {name}"
            ),
            "metadata" => assert_eq!(Value::Object(a.metadata.clone()), value, "{source}: {name}"),
            _ => assert_eq!(
                license.raw.to_value()["attributes"][&name],
                value,
                "{source}: {name} kept in raw"
            ),
        }
    }
}

/// The typed machine fields equal the asserted attributes.
pub(crate) fn same_machine(source: &str, machine: &Machine, asserted: &Value) {
    let a = &machine.attributes;
    for (name, value) in object(asserted) {
        match name.as_str() {
            "fingerprint" => assert_eq!(
                Some(a.fingerprint.as_str()),
                value.as_str(),
                "{source}: {name}"
            ),
            "name" => assert_eq!(a.name.as_deref(), value.as_str(), "{source}: {name}"),
            "cores" => assert_eq!(a.cores, value.as_u64(), "{source}: {name}"),
            "memory" => assert_eq!(a.memory, value.as_u64(), "{source}: {name}"),
            "disk" => assert_eq!(a.disk, value.as_u64(), "{source}: {name}"),
            "heartbeatStatus" => assert_eq!(
                a.heartbeat_status.as_ref().map(|s| s.as_str()),
                value.as_str(),
                "{source}: {name}"
            ),
            "requireHeartbeat" => assert_eq!(
                Some(a.require_heartbeat),
                value.as_bool(),
                "{source}: {name}"
            ),
            "heartbeatDuration" => {
                assert_eq!(a.heartbeat_duration, value.as_u64(), "{source}: {name}")
            }
            "metadata" => assert_eq!(Value::Object(a.metadata.clone()), value, "{source}: {name}"),
            _ => assert_eq!(
                machine.raw.to_value()["attributes"][&name],
                value,
                "{source}: {name} kept in raw"
            ),
        }
    }
}

/// The typed check-out fields equal the asserted attributes.
pub(crate) fn same_checkout(source: &str, checkout: &Checkout, asserted: &Value) {
    let a = &checkout.attributes;
    for (name, value) in object(asserted) {
        match name.as_str() {
            "ttl" => assert_eq!(a.ttl, value.as_u64(), "{source}: {name}"),
            "expiry" => assert_eq!(a.expiry, timestamp(&value), "{source}: {name}"),
            "issued" => assert_eq!(a.issued, timestamp(&value), "{source}: {name}"),
            _ => assert_eq!(
                checkout.raw.to_value()["attributes"][&name],
                value,
                "{source}: {name} kept in raw"
            ),
        }
    }
}
