//! The emulated Polar's records as Polar's JSON (`LicenseKeyRead`, `LicenseKeyActivationBase`,
//! `LicenseKeyWithActivations`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::{ActivationRecord, KeyRecord, State, timestamp};

fn opt_time(at: Option<&DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |t| json!(timestamp(t)))
}

impl State {
    /// A key with its live activations (`LicenseKeyWithActivations`).
    pub(crate) fn key_with_activations(&self, record: &KeyRecord) -> Value {
        let mut body = self.key_json(record);
        body["activations"] = self
            .live_activations(&record.id)
            .map(activation_json)
            .collect();
        body
    }

    /// `LicenseKeyRead`.
    pub(crate) fn key_json(&self, k: &KeyRecord) -> Value {
        let suffix: String = {
            let chars: Vec<char> = k.key.chars().collect();
            chars[chars.len().saturating_sub(6)..].iter().collect()
        };
        json!({
            "id": k.id,
            "created_at": timestamp(&k.created_at),
            "modified_at": opt_time(k.modified_at.as_ref()),
            "organization_id": self.organization_id,
            "customer_id": k.customer_id,
            "customer": {
                "id": k.customer_id,
                "created_at": timestamp(&k.created_at),
                "modified_at": null,
                "metadata": {},
                "external_id": null,
                "email": k.customer_email,
                "email_verified": true,
                "type": "individual",
                "name": null,
                "billing_name": null,
                "billing_address": null,
                "tax_id": null,
                "locale": null,
                "organization_id": self.organization_id,
                "default_payment_method_id": null,
                "deleted_at": null,
                "first_user_event_at": null,
                "avatar_url": null,
            },
            "benefit_id": k.benefit_id,
            "key": k.key,
            "display_key": format!("****-{suffix}"),
            "status": k.status,
            "limit_activations": k.limit_activations,
            "usage": k.usage,
            "limit_usage": k.limit_usage,
            "validations": k.validations,
            "last_validated_at": opt_time(k.last_validated_at.as_ref()),
            "expires_at": opt_time(k.expires_at.as_ref()),
        })
    }

    /// The state for dumps.
    pub(crate) fn dump_json(&self) -> Value {
        let keys: Vec<Value> = self.keys.iter().map(|k| self.key_json(k)).collect();
        let activations: BTreeMap<&str, Value> = self
            .activations
            .iter()
            .map(|a| {
                (
                    a.id.as_str(),
                    json!({"deleted": a.deleted, "activation": activation_json(a)}),
                )
            })
            .collect();
        json!({"organization_id": self.organization_id, "license_keys": keys, "activations": activations})
    }
}

/// `LicenseKeyActivationBase` (the conditions are stored, never returned).
pub(crate) fn activation_json(a: &ActivationRecord) -> Value {
    json!({
        "id": a.id,
        "license_key_id": a.license_key_id,
        "label": a.label,
        "meta": a.meta,
        "created_at": timestamp(&a.created_at),
        "modified_at": null,
    })
}
