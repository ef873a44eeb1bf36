//! Seeding the emulated Dodo: licenses built in code, or fixture-shaped list bodies.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::grants::{EntitlementRecord, Fulfilment};
use super::state::{CustomerRecord, InstanceRecord, KeyRecord, State, new_id, parse_time};
use crate::SeedError;

/// A license key to add with [`DodoEmulator::add_license`](super::DodoEmulator::add_license).
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    key: String,
    customer_id: String,
    customer_email: Option<String>,
    customer_name: Option<String>,
    product_id: String,
    product_name: Option<String>,
    activation_limit: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
    disabled: bool,
    subscription_id: Option<String>,
    source: String,
}

impl LicenseSeed {
    /// An active key with no activation limit and no expiry, for `cus_emulator` /
    /// `pdt_emulator`.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            customer_id: "cus_emulator".to_owned(),
            customer_email: None,
            customer_name: None,
            product_id: "pdt_emulator".to_owned(),
            product_name: None,
            activation_limit: None,
            expires_at: None,
            disabled: false,
            subscription_id: None,
            source: "auto".to_owned(),
        }
    }

    /// At most this many activations (Dodo's `activations_limit`).
    pub fn activation_limit(mut self, limit: u32) -> Self {
        self.activation_limit = Some(i64::from(limit));
        self
    }

    /// Expires at this time (compared with the emulator's clock).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Starts disabled.
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Owned by this customer (email and name are shown by activate).
    pub fn customer(
        mut self,
        id: impl Into<String>,
        email: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.customer_id = id.into();
        self.customer_email = Some(email.into());
        self.customer_name = Some(name.into());
        self
    }

    /// For this product.
    pub fn product(mut self, id: impl Into<String>, name: Option<&str>) -> Self {
        self.product_id = id.into();
        self.product_name = name.map(str::to_owned);
        self
    }

    /// Tied to a subscription (its expiry cannot be set: 400).
    pub fn subscription(mut self, id: impl Into<String>) -> Self {
        self.subscription_id = Some(id.into());
        self
    }

    /// Sets the `source` (`auto`, `import`, `manual`).
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }
}

/// An entitlement of type `license_key` to add with
/// [`DodoEmulator::add_entitlement`](super::DodoEmulator::add_entitlement).
#[derive(Debug, Clone)]
#[must_use]
pub struct EntitlementSeed {
    name: String,
    product_id: String,
    activation_limit: Option<i64>,
    duration: Option<(u32, String)>,
    manual: bool,
    activation_message: Option<String>,
}

impl EntitlementSeed {
    /// An entitlement named so, of product `pdt_emulator`: automatic fulfilment, keys without
    /// an activation limit that never expire.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            product_id: "pdt_emulator".to_owned(),
            activation_limit: None,
            duration: None,
            manual: false,
            activation_message: None,
        }
    }

    /// Keys allow at most this many activations.
    pub fn activation_limit(mut self, limit: u32) -> Self {
        self.activation_limit = Some(i64::from(limit));
        self
    }

    /// Keys expire `count` `interval`s (`Day`, `Week`, `Month`, `Year`) after delivery.
    pub fn duration(mut self, count: u32, interval: impl Into<String>) -> Self {
        self.duration = Some((count, interval.into()));
        self
    }

    /// Manual fulfilment: grants start `Pending` until a key is delivered to them.
    pub fn manual(mut self) -> Self {
        self.manual = true;
        self
    }

    /// For this product (the keys' `product_id`).
    pub fn product(mut self, id: impl Into<String>) -> Self {
        self.product_id = id.into();
        self
    }

    /// The message shown on activation.
    pub fn activation_message(mut self, message: impl Into<String>) -> Self {
        self.activation_message = Some(message.into());
        self
    }
}

/// Adds an entitlement; returns its id (`ent_…`).
pub(crate) fn insert_entitlement(state: &mut State, seed: EntitlementSeed) -> String {
    let id = new_id("ent");
    let record = EntitlementRecord {
        id: id.clone(),
        name: seed.name,
        product_id: seed.product_id,
        created_at: state.now(),
        activations_limit: seed.activation_limit,
        duration: seed.duration,
        fulfilment: if seed.manual {
            Fulfilment::Manual
        } else {
            Fulfilment::Auto
        },
        activation_message: seed.activation_message,
    };
    state.entitlements.push(record);
    id
}

/// A purchase granting an entitlement to a customer, to add with
/// [`DodoEmulator::add_grant`](super::DodoEmulator::add_grant).
#[derive(Debug, Clone)]
#[must_use]
pub struct GrantSeed {
    entitlement_id: String,
    customer_id: String,
    key: Option<String>,
    failure: Option<(String, String)>,
}

impl GrantSeed {
    /// A grant of `entitlement_id` (`ent_…`) to `customer_id`.
    pub fn new(entitlement_id: impl Into<String>, customer_id: impl Into<String>) -> Self {
        Self {
            entitlement_id: entitlement_id.into(),
            customer_id: customer_id.into(),
            key: None,
            failure: None,
        }
    }

    /// The key an automatic fulfilment issues (else a generated one).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The grant fails instead of being fulfilled: status `Failed` with this `error_code` and
    /// `error_message`, and an `entitlement_grant.failed` webhook after the `created` one.
    pub fn failed(mut self, code: impl Into<String>, message: impl Into<String>) -> Self {
        self.failure = Some((code.into(), message.into()));
        self
    }
}

/// Adds a grant (delivered at once for automatic fulfilment, pending for manual); returns its
/// id (`entg_…`).
pub(crate) fn insert_grant(state: &mut State, seed: GrantSeed) -> Result<String, SeedError> {
    state
        .grant(
            &seed.entitlement_id,
            &seed.customer_id,
            seed.key,
            seed.failure,
        )
        .map_err(|(_, code, _)| match code {
            "NOT_FOUND" => SeedError::Unknown {
                what: "entitlement",
                id: seed.entitlement_id.clone(),
            },
            "LICENSE_KEY_ALREADY_EXISTS" => SeedError::Exists {
                what: "license key",
            },
            _ => SeedError::Field {
                record: "grant",
                index: 0,
                field: "a non-empty `key`",
            },
        })
}

/// Adds a seed's key, queues `license_key.created` for it and returns its id; a key string that
/// exists already keeps its record (and nothing is sent).
pub(crate) fn insert(state: &mut State, seed: LicenseSeed) -> String {
    if let Some(existing) = state.keys.iter().find(|k| k.key == seed.key) {
        return existing.id.clone();
    }
    let id = new_id("lic");
    if let (Some(email), Some(name)) = (seed.customer_email, seed.customer_name) {
        state
            .customers
            .insert(seed.customer_id.clone(), CustomerRecord { email, name });
    }
    state
        .products
        .insert(seed.product_id.clone(), seed.product_name);
    let record = KeyRecord {
        id: id.clone(),
        key: seed.key,
        brand_id: "brnd_emulator".to_owned(),
        created_at: state.now(),
        customer_id: seed.customer_id,
        product_id: seed.product_id,
        source: seed.source,
        disabled: seed.disabled,
        forced_expired: false,
        activations_limit: seed.activation_limit,
        expires_at: seed.expires_at,
        payment_id: None,
        subscription_id: seed.subscription_id,
    };
    state.push_key(record);
    state.emit_key_created(&id);
    id
}

/// Adds the keys (and instances) of Dodo list bodies not held yet; returns how many of each.
pub(crate) fn seed_json(
    state: &mut State,
    keys: &str,
    instances: Option<&str>,
) -> Result<(usize, usize), SeedError> {
    let keys = SeedError::parse("license keys", keys)?;
    let instances = instances
        .map(|text| SeedError::parse("instances", text))
        .transpose()?;
    let now = state.now();
    let records = items("license keys", &keys)?
        .iter()
        .enumerate()
        .map(|(index, item)| key_from_json(index, item, now))
        .collect::<Result<Vec<_>, _>>()?;
    let instances = match &instances {
        Some(body) => items("instances", body)?
            .iter()
            .enumerate()
            .map(|(index, item)| instance_from_json(index, item, now))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let mut added = (0, 0);
    for record in records {
        if state
            .keys
            .iter()
            .all(|k| k.key != record.key && k.id != record.id)
        {
            state.push_key(record);
            added.0 += 1;
        }
    }
    for instance in instances {
        if state.instances.iter().all(|i| i.id != instance.id) {
            state.instances.push(instance);
            added.1 += 1;
        }
    }
    Ok(added)
}

fn items<'a>(what: &'static str, body: &'a Value) -> Result<&'a Vec<Value>, SeedError> {
    body.get("items")
        .and_then(Value::as_array)
        .ok_or(SeedError::Shape {
            what,
            expected: "{\"items\": [...]}",
        })
}

fn text(item: &Value, name: &str) -> Option<String> {
    item.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn required(
    record: &'static str,
    index: usize,
    item: &Value,
    name: &'static str,
) -> Result<String, SeedError> {
    text(item, name).ok_or(SeedError::Field {
        record,
        index,
        field: name,
    })
}

/// A key of a list body; a missing `created_at` is `now` on the emulator's clock.
fn key_from_json(index: usize, item: &Value, now: DateTime<Utc>) -> Result<KeyRecord, SeedError> {
    let field = |name| required("license key", index, item, name);
    let status = text(item, "status").unwrap_or_else(|| "active".to_owned());
    Ok(KeyRecord {
        id: field("id")?,
        key: field("key")?,
        brand_id: text(item, "brand_id").unwrap_or_else(|| "brnd_emulator".to_owned()),
        created_at: item.get("created_at").and_then(parse_time).unwrap_or(now),
        customer_id: field("customer_id")?,
        product_id: field("product_id")?,
        source: text(item, "source").unwrap_or_else(|| "auto".to_owned()),
        disabled: status == "disabled",
        forced_expired: status == "expired",
        activations_limit: item.get("activations_limit").and_then(Value::as_i64),
        expires_at: item.get("expires_at").and_then(parse_time),
        payment_id: text(item, "payment_id"),
        subscription_id: text(item, "subscription_id"),
    })
}

fn instance_from_json(
    index: usize,
    item: &Value,
    now: DateTime<Utc>,
) -> Result<InstanceRecord, SeedError> {
    let field = |name| required("instance", index, item, name);
    Ok(InstanceRecord {
        id: field("id")?,
        created_at: item.get("created_at").and_then(parse_time).unwrap_or(now),
        license_key_id: field("license_key_id")?,
        name: field("name")?,
    })
}
