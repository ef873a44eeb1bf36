//! Seeding: keys built in code, or read from fixture-shaped JSON:API documents.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::state::{InstanceRecord, KeyRecord, State};
use crate::SeedError;

/// A license key to add to the emulator. Ids not given are chosen (key id: next free).
#[derive(Debug, Clone)]
pub struct LicenseSeed {
    record: KeyRecord,
    id: Option<u64>,
    /// Whether `created_at` / `updated_at` were given; if not, the emulator's clock stamps them.
    stamped: (bool, bool),
}

impl LicenseSeed {
    /// A key with this value: store 1, product 1 ("Example Product"), variant 1 ("Default"),
    /// limit 5, not disabled, never expires, live mode; created when added, on the emulator's
    /// clock.
    pub fn new(key: impl Into<String>) -> Self {
        let now = Utc::now();
        Self {
            id: None,
            stamped: (false, false),
            record: KeyRecord {
                id: 0,
                key: key.into(),
                store_id: 1,
                customer_id: 1,
                order_id: 1,
                order_item_id: 1,
                product_id: 1,
                product_name: "Example Product".to_owned(),
                variant_id: 1,
                variant_name: "Default".to_owned(),
                user_name: "John Doe".to_owned(),
                user_email: "johndoe@example.com".to_owned(),
                activation_limit: Some(5),
                disabled: false,
                expires_at: None,
                test_mode: false,
                created_at: now,
                updated_at: now,
            },
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the store.
    #[must_use]
    pub fn store(mut self, store_id: u64) -> Self {
        self.record.store_id = store_id;
        self
    }

    /// Sets the product and variant.
    #[must_use]
    pub fn product(mut self, product_id: u64, variant_id: u64) -> Self {
        self.record.product_id = product_id;
        self.record.variant_id = variant_id;
        self
    }

    /// Sets the order, order item and customer ids.
    #[must_use]
    pub fn order(mut self, order_id: u64, order_item_id: u64, customer_id: u64) -> Self {
        self.record.order_id = order_id;
        self.record.order_item_id = order_item_id;
        self.record.customer_id = customer_id;
        self
    }

    /// At most this many activations.
    #[must_use]
    pub fn activation_limit(mut self, limit: u32) -> Self {
        self.record.activation_limit = Some(limit);
        self
    }

    /// No activation limit.
    #[must_use]
    pub fn unlimited(mut self) -> Self {
        self.record.activation_limit = None;
        self
    }

    /// Expires at this time (compared with the emulator's clock).
    #[must_use]
    pub fn expires_at(mut self, expires_at: DateTime<Utc>) -> Self {
        self.record.expires_at = Some(expires_at);
        self
    }

    /// Starts disabled.
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.record.disabled = true;
        self
    }

    /// A test-mode key.
    #[must_use]
    pub fn test_mode(mut self) -> Self {
        self.record.test_mode = true;
        self
    }
}

/// Adds (or replaces, by id) a key; returns its id.
pub(crate) fn insert_key(state: &mut State, seed: LicenseSeed) -> u64 {
    let mut record = seed.record;
    let now = state.now();
    if !seed.stamped.0 {
        record.created_at = now;
    }
    if !seed.stamped.1 {
        record.updated_at = record.created_at;
    }
    record.id = seed
        .id
        .unwrap_or_else(|| state.highest_key_id.saturating_add(1));
    let id = record.id;
    // Only a given id can be one held already (a fresh one is past the highest).
    if seed.id.is_some() {
        state.keys.retain(|k| k.id != id);
    }
    state.highest_key_id = state.highest_key_id.max(id);
    // Kept in id order, the order lists give.
    let at = state.keys.partition_point(|k| k.id < id);
    state.keys.insert(at, record);
    id
}

/// Adds an activation; `None` when the key does not exist.
pub(crate) fn insert_instance(
    state: &mut State,
    key_id: u64,
    id: Option<u64>,
    identifier: Option<String>,
    name: &str,
) -> Option<String> {
    state.key_by_id(key_id)?;
    let id = id.unwrap_or(state.next_instance_id.saturating_add(1));
    state.next_instance_id = state.next_instance_id.max(id);
    let identifier = identifier.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    state.instances.retain(|i| i.id != id);
    let created_at = state.now();
    state.instances.push(InstanceRecord {
        id,
        license_key_id: key_id,
        identifier: identifier.clone(),
        name: name.to_owned(),
        created_at,
    });
    Some(identifier)
}

fn num(attrs: &Value, name: &str) -> Option<u64> {
    match &attrs[name] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn time(attrs: &Value, name: &str) -> Option<DateTime<Utc>> {
    attrs[name]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn text(attrs: &Value, name: &str, default: &str) -> String {
    attrs[name].as_str().unwrap_or(default).to_owned()
}

/// Adds every `license-keys` resource, then every `license-key-instances` resource, of `body`.
/// A refused document may leave some resources added: seed a copy of the state.
pub(crate) fn seed_document(state: &mut State, body: &str) -> Result<usize, SeedError> {
    const WHAT: &str = "JSON:API document";
    let doc = SeedError::parse(WHAT, body)?;
    let mut resources: Vec<&Value> = match &doc["data"] {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&doc["data"]],
        _ => {
            return Err(SeedError::Shape {
                what: WHAT,
                expected: "a `data` object or array",
            });
        }
    };
    if let Value::Array(included) = &doc["included"] {
        resources.extend(included.iter());
    }
    let mut added = 0;
    let field = |record, index, field| SeedError::Field {
        record,
        index,
        field,
    };
    let keys = resources.iter().filter(|r| r["type"] == "license-keys");
    for (index, resource) in keys.enumerate() {
        let attrs = &resource["attributes"];
        let id = num(resource, "id").ok_or(field("license key", index, "a numeric `id`"))?;
        let key = attrs["key"]
            .as_str()
            .ok_or(field("license key", index, "a string `key`"))?;
        let mut seed = LicenseSeed::new(key).id(id);
        let r = &mut seed.record;
        r.store_id = num(attrs, "store_id").unwrap_or(1);
        r.customer_id = num(attrs, "customer_id").unwrap_or(1);
        r.order_id = num(attrs, "order_id").unwrap_or(1);
        r.order_item_id = num(attrs, "order_item_id").unwrap_or(1);
        r.product_id = num(attrs, "product_id").unwrap_or(1);
        r.user_name = text(attrs, "user_name", "");
        r.user_email = text(attrs, "user_email", "");
        r.activation_limit = num(attrs, "activation_limit").and_then(|n| u32::try_from(n).ok());
        r.disabled = attrs["disabled"]
            .as_bool()
            .unwrap_or(attrs["disabled"].as_u64() == Some(1));
        r.expires_at = time(attrs, "expires_at");
        r.test_mode = attrs["test_mode"].as_bool().unwrap_or(false);
        if let Some(t) = time(attrs, "created_at") {
            r.created_at = t;
            seed.stamped.0 = true;
        }
        if let Some(t) = time(attrs, "updated_at") {
            r.updated_at = t;
            seed.stamped.1 = true;
        }
        insert_key(state, seed);
        added += 1;
    }
    let instances = resources
        .iter()
        .filter(|r| r["type"] == "license-key-instances");
    for (index, resource) in instances.enumerate() {
        let attrs = &resource["attributes"];
        let key_id = num(attrs, "license_key_id").ok_or(field(
            "license key instance",
            index,
            "a numeric `license_key_id`",
        ))?;
        let identifier = attrs["identifier"].as_str().map(str::to_owned);
        let name = text(attrs, "name", "");
        insert_instance(state, key_id, num(resource, "id"), identifier, &name).ok_or_else(
            || SeedError::Unknown {
                what: "license key",
                id: key_id.to_string(),
            },
        )?;
        if let (Some(created), Some(last)) = (time(attrs, "created_at"), state.instances.last_mut())
        {
            last.created_at = created;
        }
        added += 1;
    }
    Ok(added)
}
