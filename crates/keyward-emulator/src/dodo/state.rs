//! The emulated Dodo's state and its rules, independent of HTTP.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};

use super::grants::{EntitlementRecord, GrantRecord};
use crate::shell::{Clock, Outbox};
use serde_json::{Value, json};

/// An error answer: status, Dodo `code`, `message`.
pub(crate) type Failure = (u16, &'static str, String);

fn fail(status: u16, code: &'static str, message: &str) -> Failure {
    (status, code, message.to_owned())
}

/// The generic 422 for a malformed body.
pub(crate) fn invalid_body(detail: &str) -> Failure {
    (
        422,
        "INVALID_REQUEST_BODY",
        format!(
            "Your request body is invalid. Please check your request headers and object. ({detail})"
        ),
    )
}

/// A license key as stored.
#[derive(Debug, Clone)]
pub(crate) struct KeyRecord {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) brand_id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) customer_id: String,
    pub(crate) product_id: String,
    pub(crate) source: String,
    pub(crate) disabled: bool,
    /// Seeded as `expired` although its `expires_at` says otherwise.
    pub(crate) forced_expired: bool,
    pub(crate) activations_limit: Option<i64>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) payment_id: Option<String>,
    pub(crate) subscription_id: Option<String>,
}

/// An activated instance.
#[derive(Debug, Clone)]
pub(crate) struct InstanceRecord {
    pub(crate) id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) license_key_id: String,
    pub(crate) name: String,
}

/// What the emulator knows about a customer.
#[derive(Debug, Clone)]
pub(crate) struct CustomerRecord {
    pub(crate) email: String,
    pub(crate) name: String,
}

/// Everything an emulated Dodo holds (read it through [`DodoEmulator`](super::DodoEmulator)).
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) api_key: String,
    pub(crate) business_id: String,
    pub(crate) clock: Clock,
    pub(crate) keys: Vec<KeyRecord>,
    /// Where each key string is in `keys` (a migration creates tens of thousands).
    key_index: HashMap<String, usize>,
    pub(crate) instances: Vec<InstanceRecord>,
    pub(crate) customers: HashMap<String, CustomerRecord>,
    pub(crate) products: HashMap<String, Option<String>>,
    /// Whether a create must name a product and a customer in `products` and `customers`, as
    /// the real API's references must exist (off by default: tests create for any id).
    pub(crate) strict_references: bool,
    pub(crate) entitlements: Vec<EntitlementRecord>,
    pub(crate) grants: Vec<GrantRecord>,
    /// Webhooks queued by the last change.
    pub(crate) outbox: Outbox,
}

pub(crate) fn new_id(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}_{}", hex.get(..21).unwrap_or(&hex))
}

pub(crate) fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl State {
    pub(crate) fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_owned(),
            business_id: "bus_emulator".to_owned(),
            clock: Clock::default(),
            keys: Vec::new(),
            key_index: HashMap::new(),
            instances: Vec::new(),
            customers: HashMap::new(),
            products: HashMap::new(),
            strict_references: false,
            entitlements: Vec::new(),
            grants: Vec::new(),
            outbox: Outbox::default(),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn instances_count(&self, key_id: &str) -> i64 {
        let n = self
            .instances
            .iter()
            .filter(|i| i.license_key_id == key_id)
            .count();
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    pub(crate) fn status(&self, key: &KeyRecord) -> &'static str {
        if key.disabled {
            "disabled"
        } else if key.forced_expired || key.expires_at.is_some_and(|at| at <= self.now()) {
            "expired"
        } else {
            "active"
        }
    }

    pub(crate) fn key_json(&self, key: &KeyRecord) -> Value {
        json!({
            "id": key.id,
            "brand_id": key.brand_id,
            "business_id": self.business_id,
            "created_at": timestamp(&key.created_at),
            "customer_id": key.customer_id,
            "instances_count": self.instances_count(&key.id),
            "key": key.key,
            "product_id": key.product_id,
            "source": key.source,
            "status": self.status(key),
            "activations_limit": key.activations_limit,
            "expires_at": key.expires_at.as_ref().map(timestamp),
            "payment_id": key.payment_id,
            "subscription_id": key.subscription_id,
        })
    }

    pub(crate) fn instance_json(&self, instance: &InstanceRecord) -> Value {
        json!({
            "id": instance.id,
            "business_id": self.business_id,
            "created_at": timestamp(&instance.created_at),
            "license_key_id": instance.license_key_id,
            "name": instance.name,
        })
    }

    /// `GET /products/{id}`: the fields a reader of a one-time product needs.
    pub(crate) fn product_json(&self, id: &str, name: Option<&str>) -> Value {
        json!({
            "product_id": id,
            "business_id": self.business_id,
            "name": name,
            "is_recurring": false,
            "license_key_enabled": true,
            "created_at": timestamp(&self.now()),
            "updated_at": timestamp(&self.now()),
        })
    }

    /// `GET /customers/{id}`.
    pub(crate) fn customer_json(&self, id: &str, customer: &CustomerRecord) -> Value {
        json!({
            "customer_id": id,
            "business_id": self.business_id,
            "email": customer.email,
            "name": customer.name,
            "created_at": timestamp(&self.now()),
        })
    }

    fn key_by_string(&self, key: &str) -> Option<&KeyRecord> {
        self.key_index.get(key).and_then(|i| self.keys.get(*i))
    }

    /// Stores `record` (its key string must be new: see [`insert_key`](Self::insert_key)).
    pub(crate) fn push_key(&mut self, record: KeyRecord) {
        self.key_index.insert(record.key.clone(), self.keys.len());
        self.keys.push(record);
    }

    pub(crate) fn key_by_id(&self, id: &str) -> Option<&KeyRecord> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// `POST /licenses/activate`.
    pub(crate) fn activate(&mut self, key: &str, name: &str) -> Result<Value, Failure> {
        let record = self
            .key_by_string(key)
            .cloned()
            .ok_or_else(|| fail(404, "NOT_FOUND", "License key not found"))?;
        if self.status(&record) != "active" {
            return Err(fail(
                403,
                "INACTIVE_LICENSE_KEY",
                "License key is not active",
            ));
        }
        if record
            .activations_limit
            .is_some_and(|limit| self.instances_count(&record.id) >= limit)
        {
            return Err(fail(
                422,
                "LICENSE_KEY_LIMIT_REACHED",
                "License key activation limit reached",
            ));
        }
        let instance = InstanceRecord {
            id: new_id("lki"),
            created_at: self.now(),
            license_key_id: record.id.clone(),
            name: name.to_owned(),
        };
        let mut body = self.instance_json(&instance);
        self.instances.push(instance);
        let customer = self
            .customers
            .get(&record.customer_id)
            .cloned()
            .unwrap_or_else(|| CustomerRecord {
                email: format!("{}@example.com", record.customer_id),
                name: "Emulated Customer".to_owned(),
            });
        body["customer"] = json!({
            "customer_id": record.customer_id,
            "email": customer.email,
            "name": customer.name,
            "metadata": {},
            "phone_number": null,
        });
        let product_name = self.products.get(&record.product_id).cloned().flatten();
        body["product"] = json!({"product_id": record.product_id, "name": product_name});
        Ok(body)
    }

    /// `POST /licenses/deactivate`.
    pub(crate) fn deactivate(&mut self, key: &str, instance_id: &str) -> Result<(), Failure> {
        let record = self
            .key_by_string(key)
            .ok_or_else(|| fail(404, "NOT_FOUND", "License key not found"))?;
        let key_id = record.id.clone();
        let before = self.instances.len();
        self.instances
            .retain(|i| !(i.id == instance_id && i.license_key_id == key_id));
        if self.instances.len() == before {
            return Err(fail(
                403,
                "LICENSE_KEY_NOT_FOUND",
                "License key instance not found or does not belong to this license key",
            ));
        }
        Ok(())
    }

    /// `POST /licenses/validate`: unknown keys, disabled or expired keys and unknown instances are
    /// all `valid: false`.
    pub(crate) fn validate(&self, key: &str, instance_id: Option<&str>) -> bool {
        let Some(record) = self.key_by_string(key) else {
            return false;
        };
        if self.status(record) != "active" {
            return false;
        }
        match instance_id {
            None => true,
            Some(id) => self
                .instances
                .iter()
                .any(|i| i.id == id && i.license_key_id == record.id),
        }
    }

    /// Adds a key; `Err` when the key string already exists.
    pub(crate) fn insert_key(&mut self, record: KeyRecord) -> Result<Value, Failure> {
        if self.key_by_string(&record.key).is_some() {
            return Err(fail(
                409,
                "LICENSE_KEY_ALREADY_EXISTS",
                "License key already exists",
            ));
        }
        if self.strict_references {
            if !self.products.contains_key(&record.product_id) {
                return Err(fail(404, "NOT_FOUND", "Product not found"));
            }
            if !self.customers.contains_key(&record.customer_id) {
                return Err(fail(404, "NOT_FOUND", "Customer not found"));
            }
        }
        let body = self.key_json(&record);
        let id = record.id.clone();
        self.push_key(record);
        self.emit_key_created(&id);
        Ok(body)
    }

    /// `PATCH /license_keys/{id}`: each field absent (keep), `null` (clear) or a value.
    pub(crate) fn update_key(&mut self, id: &str, body: &Value) -> Result<Value, Failure> {
        let Some(object) = body.as_object() else {
            return Err(invalid_body("expected a JSON object"));
        };
        let index = self
            .keys
            .iter()
            .position(|k| k.id == id)
            .ok_or_else(|| fail(404, "NOT_FOUND", "License key not found"))?;
        let limit = match object.get("activations_limit") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(
                v.as_i64()
                    .ok_or_else(|| invalid_body("activations_limit"))?,
            )),
        };
        let expires = match object.get("expires_at") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => Some(Some(
                parse_time(v).ok_or_else(|| invalid_body("expires_at"))?,
            )),
        };
        let disabled = match object.get("disabled") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_bool().ok_or_else(|| invalid_body("disabled"))?),
        };
        let count = self.instances_count(id);
        let record = self
            .keys
            .get_mut(index)
            .ok_or_else(|| fail(404, "NOT_FOUND", "License key not found"))?;
        // Check every rule first, so a refused update changes nothing.
        if matches!(expires, Some(Some(_))) && record.subscription_id.is_some() {
            return Err(fail(
                400,
                "NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS",
                "Cannot set expiry date for subscription-based license key",
            ));
        }
        if matches!(limit, Some(Some(limit)) if limit < count) {
            return Err(fail(
                422,
                "ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT",
                "New activation limit cannot be less than current instances count",
            ));
        }
        if let Some(expires) = expires {
            record.expires_at = expires;
            record.forced_expired = false;
        }
        if let Some(limit) = limit {
            record.activations_limit = limit;
        }
        if let Some(disabled) = disabled {
            record.disabled = disabled;
        }
        let record = record.clone();
        Ok(self.key_json(&record))
    }

    /// `PATCH /license_key_instances/{id}`.
    pub(crate) fn rename_instance(&mut self, id: &str, name: &str) -> Result<Value, Failure> {
        let instance = self
            .instances
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| fail(404, "NOT_FOUND", "License key instance not found"))?;
        instance.name = name.to_owned();
        let instance = instance.clone();
        Ok(self.instance_json(&instance))
    }
}

/// Reads an RFC 3339 timestamp.
pub(crate) fn parse_time(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
