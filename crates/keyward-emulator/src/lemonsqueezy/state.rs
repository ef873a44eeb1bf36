//! The emulator's state: license keys and their instances, and how they look on the wire.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::shell::{Clock, Outbox};

/// One license key as the emulator keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The numeric id (`data.id`, `license_key.id`).
    pub id: u64,
    /// The key the customer types.
    pub key: String,
    /// The store.
    pub store_id: u64,
    /// The customer.
    pub customer_id: u64,
    /// The order.
    pub order_id: u64,
    /// The order item.
    pub order_item_id: u64,
    /// The product.
    pub product_id: u64,
    /// The product's name (License API `meta`).
    pub product_name: String,
    /// The variant (License API `meta`).
    pub variant_id: u64,
    /// The variant's name.
    pub variant_name: String,
    /// The customer's name.
    pub user_name: String,
    /// The customer's e-mail.
    pub user_email: String,
    /// How many activations are allowed; `None` is unlimited.
    pub activation_limit: Option<u32>,
    /// Turned off by the seller.
    pub disabled: bool,
    /// When it expires; `None` is never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Test mode.
    pub test_mode: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One activation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRecord {
    /// The numeric JSON:API id.
    pub id: u64,
    /// The key it belongs to.
    pub license_key_id: u64,
    /// The UUID the License API calls `instance_id`.
    pub identifier: String,
    /// The `instance_name` given at activation.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Everything an emulated Lemon Squeezy holds (read it through
/// [`LemonSqueezyEmulator`](super::LemonSqueezyEmulator)).
#[derive(Debug, Default, Clone)]
pub struct State {
    pub(crate) keys: Vec<KeyRecord>,
    /// The highest key id given so far: the next key gets the one after it.
    pub(crate) highest_key_id: u64,
    pub(crate) instances: Vec<InstanceRecord>,
    pub(crate) next_instance_id: u64,
    pub(crate) api_key: String,
    pub(crate) clock: Clock,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) retry_after_secs: u64,
    pub(crate) requests: u32,
    pub(crate) base_url: String,
    /// The id of the emulated webhook (`meta.webhook_id`).
    pub(crate) webhook_id: String,
    /// Webhooks queued by the last change.
    pub(crate) outbox: Outbox,
}

/// Lemon Squeezy's timestamp format: six fractional digits and `Z`.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl State {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn usage(&self, key_id: u64) -> u32 {
        let n = self
            .instances
            .iter()
            .filter(|i| i.license_key_id == key_id)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    pub(crate) fn is_expired(&self, key: &KeyRecord) -> bool {
        key.expires_at.is_some_and(|at| at <= self.now())
    }

    /// `disabled` wins, then `expired`, then `active` with activations, else `inactive`.
    pub(crate) fn status(&self, key: &KeyRecord) -> &'static str {
        if key.disabled {
            "disabled"
        } else if self.is_expired(key) {
            "expired"
        } else if self.usage(key.id) > 0 {
            "active"
        } else {
            "inactive"
        }
    }

    pub(crate) fn key_by_value(&self, value: &str) -> Option<&KeyRecord> {
        self.keys.iter().find(|k| k.key == value)
    }

    pub(crate) fn key_by_id(&self, id: u64) -> Option<&KeyRecord> {
        // `keys` is in id order (see `seed::insert_key`).
        let at = self.keys.binary_search_by_key(&id, |k| k.id).ok()?;
        self.keys.get(at)
    }

    /// The License API's `license_key` object.
    pub(crate) fn license_api_key(&self, key: &KeyRecord) -> Value {
        json!({
            "id": key.id,
            "status": self.status(key),
            "key": key.key,
            "activation_limit": key.activation_limit,
            "activation_usage": self.usage(key.id),
            "created_at": ts(&key.created_at),
            "expires_at": key.expires_at.as_ref().map(ts),
            "test_mode": key.test_mode,
        })
    }

    /// The License API's `meta` object.
    pub(crate) fn license_api_meta(key: &KeyRecord) -> Value {
        json!({
            "store_id": key.store_id,
            "order_id": key.order_id,
            "order_item_id": key.order_item_id,
            "product_id": key.product_id,
            "product_name": key.product_name,
            "variant_id": key.variant_id,
            "variant_name": key.variant_name,
            "customer_id": key.customer_id,
            "customer_name": key.user_name,
            "customer_email": key.user_email,
        })
    }

    fn link(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.base_url.trim_end_matches('/'))
    }

    fn relationship(&self, owner: &str, name: &str) -> Value {
        json!({
            "links": {
                "related": self.link(&format!("{owner}/{name}")),
                "self": self.link(&format!("{owner}/relationships/{name}")),
            }
        })
    }

    /// A `license-keys` JSON:API resource.
    pub(crate) fn key_resource(&self, key: &KeyRecord) -> Value {
        let owner = format!("license-keys/{}", key.id);
        let status = self.status(key);
        let mut relationships = serde_json::Map::new();
        for name in [
            "store",
            "customer",
            "order",
            "order-item",
            "product",
            "license-key-instances",
        ] {
            relationships.insert(name.to_owned(), self.relationship(&owner, name));
        }
        let mut formatted = status.to_owned();
        if let Some(first) = formatted.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        json!({
            "type": "license-keys",
            "id": key.id.to_string(),
            "attributes": {
                "store_id": key.store_id,
                "customer_id": key.customer_id,
                "order_id": key.order_id,
                "order_item_id": key.order_item_id,
                "product_id": key.product_id,
                "user_name": key.user_name,
                "user_email": key.user_email,
                "key": key.key,
                "key_short": key_short(&key.key),
                "activation_limit": key.activation_limit,
                "instances_count": self.usage(key.id),
                "disabled": key.disabled,
                "status": status,
                "status_formatted": formatted,
                "expires_at": key.expires_at.as_ref().map(ts),
                "created_at": ts(&key.created_at),
                "updated_at": ts(&key.updated_at),
                "test_mode": key.test_mode,
            },
            "relationships": relationships,
            "links": { "self": self.link(&owner) },
        })
    }

    /// A `license-key-instances` JSON:API resource.
    pub(crate) fn instance_resource(&self, instance: &InstanceRecord) -> Value {
        let owner = format!("license-key-instances/{}", instance.id);
        json!({
            "type": "license-key-instances",
            "id": instance.id.to_string(),
            "attributes": {
                "license_key_id": instance.license_key_id,
                "identifier": instance.identifier,
                "name": instance.name,
                "created_at": ts(&instance.created_at),
                "updated_at": ts(&instance.created_at),
            },
            "relationships": { "license-key": self.relationship(&owner, "license-key") },
            "links": { "self": self.link(&owner) },
        })
    }

    /// The URL of a list page, query percent-encoded as Lemon Squeezy writes it.
    pub(crate) fn page_link(
        &self,
        path: &str,
        filters: &[(String, String)],
        number: usize,
        size: usize,
    ) -> String {
        let mut url = self.link(path);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters {
            query.append_pair(&format!("filter[{name}]"), value);
        }
        query.append_pair("page[number]", &number.to_string());
        query.append_pair("page[size]", &size.to_string());
        query.append_pair("sort", "id");
        url.push('?');
        url.push_str(&query.finish());
        url
    }
}

/// `"XXXX-"` and the last 12 characters.
pub(crate) fn key_short(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let tail: String = chars.iter().skip(chars.len().saturating_sub(12)).collect();
    format!("XXXX-{tail}")
}
