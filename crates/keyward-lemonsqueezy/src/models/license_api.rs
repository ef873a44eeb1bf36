//! The License API's answers (`/v1/licenses/{activate,validate,deactivate}`).

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use keyward_core::{InvalidReason, SecretLicenseKey};
use serde::Deserialize;

use super::license_key::KeyStatus;
use crate::ids::{
    CustomerId, InstanceId, LicenseKeyId, OrderId, OrderItemId, ProductId, StoreId, VariantId,
};
use keyward_core::RawJson;

/// Which License API call an answer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LicenseVerb {
    /// `POST /v1/licenses/activate` (answers with `activated`).
    Activate,
    /// `POST /v1/licenses/validate` (answers with `valid`).
    Validate,
    /// `POST /v1/licenses/deactivate` (answers with `deactivated`).
    Deactivate,
}

impl LicenseVerb {
    /// The path segment (`activate`).
    pub fn path(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::Validate => "validate",
            Self::Deactivate => "deactivate",
        }
    }

    /// The answer's boolean field (`activated`).
    pub fn field(self) -> &'static str {
        match self {
            Self::Activate => "activated",
            Self::Validate => "valid",
            Self::Deactivate => "deactivated",
        }
    }
}

/// The `license_key` object of a License API answer (a different shape from the JSON:API one).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct LicenseApiKey {
    /// Equals the JSON:API `license-keys` id.
    pub id: LicenseKeyId,
    /// Where the key stands.
    pub status: KeyStatus,
    /// The key itself; never printed by `Debug`.
    #[serde(deserialize_with = "keyward_core::de::null_as_default")]
    pub key: SecretLicenseKey,
    /// How many activations are allowed; `None` means unlimited.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub activation_limit: Option<u32>,
    /// How many activations exist now.
    #[serde(default, deserialize_with = "keyward_core::de::uint_or_zero")]
    pub activation_usage: u32,
    /// When the key was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
    /// When it expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether it belongs to test mode (missing from the docs, present live).
    #[serde(default)]
    pub test_mode: bool,
    /// The JSON Lemon Squeezy sent for this key, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseApiKey);

/// The `instance` object: the activation the answer is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseApiInstance {
    /// The UUID to store: `validate` and `deactivate` take it.
    pub id: InstanceId,
    /// The `instance_name` sent at activation.
    #[serde(default)]
    pub name: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
    /// The JSON Lemon Squeezy sent for this activation, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseApiInstance);

/// The `meta` object: whose key it is. Check it (or bind the client to a product) before
/// trusting a `valid: true`: a key of another store or product validates too.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseApiMeta {
    /// The store.
    #[serde(default)]
    pub store_id: Option<StoreId>,
    /// The order.
    #[serde(default)]
    pub order_id: Option<OrderId>,
    /// The order item.
    #[serde(default)]
    pub order_item_id: Option<OrderItemId>,
    /// The product.
    #[serde(default)]
    pub product_id: Option<ProductId>,
    /// The product's name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// The variant.
    #[serde(default)]
    pub variant_id: Option<VariantId>,
    /// The variant's name.
    #[serde(default)]
    pub variant_name: Option<String>,
    /// The customer.
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    /// The customer's name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// The customer's e-mail address.
    #[serde(default)]
    pub customer_email: Option<String>,
}

impl fmt::Debug for LicenseApiMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and e-mail addresses stay out of logs.
        f.debug_struct("LicenseApiMeta")
            .field("store_id", &self.store_id)
            .field("order_id", &self.order_id)
            .field("order_item_id", &self.order_item_id)
            .field("product_id", &self.product_id)
            .field("product_name", &self.product_name)
            .field("variant_id", &self.variant_id)
            .field("variant_name", &self.variant_name)
            .field("customer_id", &self.customer_id)
            .finish_non_exhaustive()
    }
}

/// The body of a License API answer, as sent (200, 400 and 404 all use it).
#[derive(Debug, Deserialize)]
pub(crate) struct RawAnswer {
    #[serde(default)]
    pub(crate) activated: Option<bool>,
    #[serde(default)]
    pub(crate) valid: Option<bool>,
    #[serde(default)]
    pub(crate) deactivated: Option<bool>,
    #[serde(default)]
    pub(crate) error: Option<String>,
    #[serde(default)]
    pub(crate) license_key: Option<LicenseApiKey>,
    #[serde(default)]
    pub(crate) instance: Option<LicenseApiInstance>,
    #[serde(default)]
    pub(crate) meta: Option<LicenseApiMeta>,
}

impl RawAnswer {
    pub(crate) fn verdict(&self, verb: LicenseVerb) -> Option<bool> {
        match verb {
            LicenseVerb::Activate => self.activated,
            LicenseVerb::Validate => self.valid,
            LicenseVerb::Deactivate => self.deactivated,
        }
    }
}

/// Why the License API (or the product binding) refused a key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// Lemon Squeezy does not know the key (404).
    NotFound,
    /// The instance id is unknown or belongs to another key.
    InstanceNotFound,
    /// Every activation is in use.
    ActivationLimitReached,
    /// The seller disabled the key.
    Disabled,
    /// The key has expired.
    Expired,
    /// The key is for another store, product or variant than the client is bound to.
    ProductMismatch(ProductMismatch),
    /// Any other refusal, in Lemon Squeezy's words.
    Other(String),
}

impl Refusal {
    /// The provider-neutral reason.
    pub fn to_invalid_reason(&self) -> InvalidReason {
        match self {
            Self::NotFound => InvalidReason::NotFound,
            Self::InstanceNotFound => InvalidReason::InstanceMismatch,
            Self::ActivationLimitReached => InvalidReason::LimitReached,
            Self::Disabled => InvalidReason::Disabled,
            Self::Expired => InvalidReason::Expired,
            Self::ProductMismatch(_) => InvalidReason::ProductMismatch,
            Self::Other(text) => InvalidReason::Other(text.clone()),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("license key not found"),
            Self::InstanceNotFound => f.write_str("instance not found"),
            Self::ActivationLimitReached => f.write_str("activation limit reached"),
            Self::Disabled => f.write_str("license key is disabled"),
            Self::Expired => f.write_str("license key has expired"),
            Self::ProductMismatch(m) => write!(f, "{m}"),
            Self::Other(text) => f.write_str(text),
        }
    }
}

/// A key that belongs to another store, product or variant than expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProductMismatch {
    /// Which field differs: `"store_id"`, `"product_id"` or `"variant_id"`.
    pub field: &'static str,
    /// The value the client is bound to.
    pub expected: u64,
    /// The value Lemon Squeezy sent; `None` when `meta` did not say.
    pub actual: Option<u64>,
}

impl fmt::Display for ProductMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.actual {
            Some(actual) => write!(
                f,
                "license key is for {} {actual}, expected {}",
                self.field, self.expected
            ),
            None => write!(
                f,
                "the answer does not say the {}, expected {}",
                self.field, self.expected
            ),
        }
    }
}

/// The answer of an activate, validate or deactivate call: a verdict, not an error.
///
/// `confirmed` is what Lemon Squeezy said (`activated`/`valid`/`deactivated`);
/// [`is_accepted`](Self::is_accepted) also requires the key to match the client's product binding.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseAnswer {
    /// The call this answers.
    pub verb: LicenseVerb,
    /// The HTTP status (200, 400 or 404).
    pub http_status: u16,
    /// What Lemon Squeezy said: `activated`, `valid` or `deactivated`.
    pub confirmed: bool,
    /// Lemon Squeezy's error text (`"license_key not found."`), when it refused.
    pub error: Option<String>,
    /// The key, when the answer describes it (left out of 404 answers).
    pub license_key: Option<LicenseApiKey>,
    /// The activation (activate; validate with an instance id).
    pub instance: Option<LicenseApiInstance>,
    /// Whose key it is (left out of 404 answers).
    pub meta: Option<LicenseApiMeta>,
    /// Why the key was refused, by Lemon Squeezy or by the product binding.
    pub refusal: Option<Refusal>,
    /// The whole answer as received: `{valid|activated|deactivated, error, license_key,
    /// instance, meta}` (holds the key: never log it).
    pub raw: RawJson,
}

impl LicenseAnswer {
    /// Lemon Squeezy said yes and the key matches the product binding.
    pub fn is_accepted(&self) -> bool {
        self.confirmed && self.refusal.is_none()
    }

    /// Why the key was refused, if it was.
    pub fn refusal(&self) -> Option<&Refusal> {
        self.refusal.as_ref()
    }

    /// The instance id to store after `activate` (also set when a product mismatch refused it,
    /// so the activation can be released with `deactivate`).
    pub fn instance_id(&self) -> Option<&InstanceId> {
        self.instance.as_ref().map(|i| &i.id)
    }

    /// Whether the product binding refused a key Lemon Squeezy accepted.
    pub fn is_product_mismatch(&self) -> bool {
        matches!(self.refusal, Some(Refusal::ProductMismatch(_)))
    }
}

/// The License API's validation and throttle body (422, 429): `{message, errors}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseApiErrorBody {
    /// The first problem, in words.
    #[serde(default)]
    pub message: String,
    /// Every problem, by request field (`instance_name`).
    #[serde(default)]
    pub errors: BTreeMap<String, Vec<String>>,
}
