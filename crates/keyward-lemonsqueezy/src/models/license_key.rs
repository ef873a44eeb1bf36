//! The `license-keys` resource and its update request.

use std::fmt;

use chrono::{DateTime, Utc};
use keyward_core::{LicenseStatus, Patch, SecretLicenseKey};
use serde::{Deserialize, Serialize, Serializer};

use crate::ids::{CustomerId, LicenseKeyId, OrderId, OrderItemId, ProductId, StoreId};
use keyward_core::RawJson;
use keyward_core::jsonapi::{Relationships, ResourceLinks};

/// A `license-keys` resource (also the `data` of the `license_key_*` webhooks).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseKey {
    /// Always `"license-keys"`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The id (a string on the wire).
    pub id: LicenseKeyId,
    /// The attributes.
    pub attributes: LicenseKeyAttributes,
    /// Links to the store, customer, order, order item, product and instances.
    #[serde(default)]
    pub relationships: Relationships,
    /// The resource's own link.
    #[serde(default)]
    pub links: Option<ResourceLinks>,
    /// The JSON Lemon Squeezy sent for this license-keys resource, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKey);

/// The attributes of a license key, typed for what the live API sends.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyAttributes {
    /// The store.
    pub store_id: StoreId,
    /// The customer (`null` has been seen on related resources, so it is optional).
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    /// The order.
    pub order_id: OrderId,
    /// The order item.
    pub order_item_id: OrderItemId,
    /// The product.
    pub product_id: ProductId,
    /// The customer's name.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub user_name: String,
    /// The customer's e-mail address.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub user_email: String,
    /// The key itself; never printed by `Debug`.
    pub key: SecretLicenseKey,
    /// `"XXXX-"` and the last 12 characters of the key: safe to show.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub key_short: String,
    /// How many activations are allowed; `None` means unlimited.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub activation_limit: Option<u32>,
    /// How many activations exist; `None` when the provider sent `null` (new keys in webhooks).
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub instances_count: Option<u32>,
    /// Whether the seller turned the key off (`true`/`false` live, `0`/`1` in the docs).
    #[serde(default, deserialize_with = "keyward_core::de::bool_or_false")]
    pub disabled: bool,
    /// Where the key stands.
    pub status: KeyStatus,
    /// The status as shown in the dashboard (`"Active"`).
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub status_formatted: String,
    /// When it expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Whether it belongs to test mode (left out of the docs, present live).
    #[serde(default)]
    pub test_mode: bool,
}

impl fmt::Debug for LicenseKeyAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseKeyAttributes")
            .field("store_id", &self.store_id)
            .field("customer_id", &self.customer_id)
            .field("order_id", &self.order_id)
            .field("order_item_id", &self.order_item_id)
            .field("product_id", &self.product_id)
            .field("key", &self.key)
            // The provider's `XXXX-` and the key's last 12 characters: shown as `Debug` of the
            // key itself shows it, its last four only.
            .field(
                "key_short",
                &format_args!(
                    "…{}",
                    SecretLicenseKey::new(self.key_short.as_str()).last4()
                ),
            )
            .field("activation_limit", &self.activation_limit)
            .field("instances_count", &self.instances_count)
            .field("disabled", &self.disabled)
            .field("status", &self.status)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("test_mode", &self.test_mode)
            .finish_non_exhaustive()
    }
}

keyward_core::open_enum!(
    /// The status of a license key. `inactive` means valid but never activated, not revoked.
    KeyStatus {
        /// Valid, no activations yet.
        Inactive => "inactive",
        /// One or more activations.
        Active => "active",
        /// Past `expires_at`, or its subscription ended.
        Expired => "expired",
        /// Turned off by the seller.
        Disabled => "disabled",
    }
);

impl KeyStatus {
    /// The provider-neutral status.
    pub fn to_license_status(&self) -> LicenseStatus {
        LicenseStatus::parse(self.as_str())
    }
}

/// What to change on a license key. Only the fields you set are sent: unlike the official JS
/// SDK, changing the limit never re-enables a disabled key.
///
/// ```
/// use keyward_lemonsqueezy::models::UpdateLicenseKey;
/// use keyward_core::Patch;
///
/// // Unlimited activations, leave the expiry and the disabled flag as they are.
/// let update = UpdateLicenseKey::new().activation_limit(Patch::Clear);
/// # let _ = update;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateLicenseKey {
    /// `Set(n)`: at most `n` activations; `Clear`: unlimited; `Keep`: unchanged.
    pub activation_limit: Patch<u32>,
    /// `Set(t)`: expires at `t`; `Clear`: never expires; `Keep`: unchanged.
    pub expires_at: Patch<DateTime<Utc>>,
    /// `Some(true)` disables the key, `Some(false)` enables it, `None` leaves it.
    pub disabled: Option<bool>,
}

impl UpdateLicenseKey {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the activation limit (`Patch::Clear` for unlimited).
    #[must_use]
    pub fn activation_limit(mut self, limit: Patch<u32>) -> Self {
        self.activation_limit = limit;
        self
    }

    /// Sets the expiry (`Patch::Clear` for never).
    #[must_use]
    pub fn expires_at(mut self, expires_at: Patch<DateTime<Utc>>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Disables (`true`) or enables (`false`) the key.
    #[must_use]
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }

    /// Whether nothing would be changed.
    pub fn is_empty(&self) -> bool {
        self.activation_limit.is_keep() && self.expires_at.is_keep() && self.disabled.is_none()
    }

    /// The JSON:API request document for key `id`.
    pub(crate) fn to_document(&self, id: LicenseKeyId) -> UpdateDocument {
        UpdateDocument {
            data: UpdateData {
                resource_type: "license-keys",
                id: id.to_string(),
                attributes: UpdateAttributes {
                    activation_limit: self.activation_limit.clone(),
                    expires_at: self.expires_at.clone().map(LsTime),
                    disabled: self.disabled,
                },
            },
        }
    }
}

#[derive(Serialize)]
pub(crate) struct UpdateDocument {
    data: UpdateData,
}

#[derive(Serialize)]
struct UpdateData {
    #[serde(rename = "type")]
    resource_type: &'static str,
    id: String,
    attributes: UpdateAttributes,
}

#[derive(Serialize)]
struct UpdateAttributes {
    #[serde(skip_serializing_if = "Patch::is_keep")]
    activation_limit: Patch<u32>,
    #[serde(skip_serializing_if = "Patch::is_keep")]
    expires_at: Patch<LsTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled: Option<bool>,
}

/// A timestamp written the way Lemon Squeezy writes them: `2025-01-01T00:00:00.000000Z`.
struct LsTime(DateTime<Utc>);

impl Serialize for LsTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
    }
}
