//! The provider-neutral license model.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{LicenseStatus, SecretLicenseKey};

/// Which provider a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Dodo Payments.
    Dodo,
    /// Lemon Squeezy.
    LemonSqueezy,
    /// DevPayr.
    DevPayr,
    /// A GetKeyManager server (RSA-signed envelopes).
    SignedLicense,
}

impl Provider {
    /// The provider's short name, as used in errors and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dodo => "dodo",
            Self::LemonSqueezy => "lemonsqueezy",
            Self::DevPayr => "devpayr",
            Self::SignedLicense => "signed-license",
        }
    }
}

/// The customer a license belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Customer {
    /// The provider's customer id.
    pub id: Option<String>,
    /// The customer's name.
    pub name: Option<String>,
    /// The customer's e-mail address.
    pub email: Option<String>,
}

/// The product (and variant) a license is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProductRef {
    /// The provider's product id.
    pub id: Option<String>,
    /// The product's name.
    pub name: Option<String>,
    /// The variant (Lemon Squeezy) or plan, if the provider has one.
    pub variant_id: Option<String>,
    /// The variant's name.
    pub variant_name: Option<String>,
    /// The store or brand the product belongs to.
    pub store_id: Option<String>,
}

/// References to the purchase a license came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PurchaseRefs {
    /// The order id.
    pub order_id: Option<String>,
    /// The order item id.
    pub order_item_id: Option<String>,
    /// The payment id.
    pub payment_id: Option<String>,
    /// The subscription id.
    pub subscription_id: Option<String>,
}

/// A license key, as any provider describes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseKey {
    /// Which provider holds it.
    pub provider: Provider,
    /// The provider's id for the license (not the key itself).
    pub id: String,
    /// The key the end user types; never printed.
    pub key: Option<SecretLicenseKey>,
    /// Where it stands.
    pub status: LicenseStatus,
    /// Whom it belongs to.
    pub customer: Customer,
    /// What it is for.
    pub product: ProductRef,
    /// Where it came from.
    pub purchase: PurchaseRefs,
    /// How many activations it allows; `None` means unlimited.
    pub activation_limit: Option<u32>,
    /// How many activations it has now, when the provider says.
    pub activations: Option<u32>,
    /// When it expires; `None` means never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated_at: Option<DateTime<Utc>>,
    /// Whether it belongs to the provider's test mode.
    pub test_mode: Option<bool>,
    /// Provider metadata attached to the license.
    pub metadata: Value,
    /// The provider's JSON as received (secrets included: do not log it).
    pub raw: Value,
}

impl LicenseKey {
    /// A license with only its provider, id and status set; fill in the rest field by field.
    pub fn new(provider: Provider, id: impl Into<String>, status: LicenseStatus) -> Self {
        Self {
            provider,
            id: id.into(),
            key: None,
            status,
            customer: Customer::default(),
            product: ProductRef::default(),
            purchase: PurchaseRefs::default(),
            activation_limit: None,
            activations: None,
            expires_at: None,
            created_at: None,
            updated_at: None,
            test_mode: None,
            metadata: Value::Null,
            raw: Value::Null,
        }
    }

    /// Whether the license has passed its expiry date at `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// One activation of a license on a machine, domain or installation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Instance {
    /// The provider's id for the activation.
    pub id: String,
    /// The name given when activating (machine name, domain, …).
    pub name: Option<String>,
    /// The license it belongs to (the provider's license id), if known.
    pub license_id: Option<String>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// The provider's JSON as received.
    pub raw: Value,
}

impl Instance {
    /// An instance with only its id set.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            license_id: None,
            created_at: None,
            raw: Value::Null,
        }
    }
}
