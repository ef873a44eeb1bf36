//! The provider-neutral license model.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{LicenseStatus, RawJson, SecretLicenseKey};

/// Which provider a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Dodo Payments.
    Dodo,
    /// Lemon Squeezy.
    LemonSqueezy,
    /// Polar.
    Polar,
    /// Creem (server-side only: every call needs the secret API key).
    Creem,
    /// Gumroad.
    Gumroad,
    /// DevPayr.
    DevPayr,
    /// A GetKeyManager server (RSA-signed envelopes).
    SignedLicense,
    /// Keygen (keygen.sh; Ed25519-signed answers, license and machine files).
    Keygen,
    /// A provider implemented outside this workspace, by its short name (`"cryptolens"`):
    /// implement [`LicenseProvider`](crate::LicenseProvider) for it and answer
    /// `Provider::Custom("cryptolens")`
    /// from [`LicenseProvider::provider`](crate::LicenseProvider::provider).
    Custom(&'static str),
}

impl Provider {
    /// The provider's short name, as used in errors and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dodo => "dodo",
            Self::LemonSqueezy => "lemonsqueezy",
            Self::Polar => "polar",
            Self::Creem => "creem",
            Self::Gumroad => "gumroad",
            Self::DevPayr => "devpayr",
            Self::SignedLicense => "signed-license",
            Self::Keygen => "keygen",
            Self::Custom(name) => name,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The customer a license belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
///
/// `Debug` shows the key as its last four characters and leaves `raw` out (the provider's JSON
/// holds the key in full). Serialization leaves both out too; serialize
/// [`with_secrets`](Self::with_secrets) to keep them. Deserializing accepts both shapes.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LicenseKey {
    /// Which provider holds it.
    pub provider: Provider,
    /// The provider's id for the license (not the key itself).
    pub id: String,
    /// The key the end user types; never printed.
    #[serde(skip_serializing, default)]
    pub key: Option<SecretLicenseKey>,
    /// Where it stands.
    pub status: LicenseStatus,
    /// Whom it belongs to.
    #[serde(default)]
    pub customer: Customer,
    /// What it is for.
    #[serde(default)]
    pub product: ProductRef,
    /// Where it came from.
    #[serde(default)]
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
    #[serde(default)]
    pub metadata: Value,
    /// The provider's JSON as received (secrets included: do not log it; `Debug` leaves it out).
    #[serde(
        skip_serializing,
        default,
        deserialize_with = "crate::serde_impls::raw_from"
    )]
    pub raw: RawJson,
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
            raw: RawJson::default(),
        }
    }

    /// Whether the license has passed its expiry date at `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

impl fmt::Debug for LicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseKey")
            .field("provider", &self.provider)
            .field("id", &self.id)
            .field("key", &self.key)
            .field("status", &self.status)
            .field("customer", &self.customer)
            .field("product", &self.product)
            .field("purchase", &self.purchase)
            .field("activation_limit", &self.activation_limit)
            .field("activations", &self.activations)
            .field("expires_at", &self.expires_at)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("test_mode", &self.test_mode)
            .field("metadata", &self.metadata)
            .field("raw", &self.raw)
            .finish()
    }
}

/// One activation of a license on a machine, domain or installation.
///
/// `Debug` and serialization leave `raw` out, like [`LicenseKey`]'s (serialize
/// [`with_secrets`](Self::with_secrets) to keep it).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(
        skip_serializing,
        default,
        deserialize_with = "crate::serde_impls::raw_from"
    )]
    pub raw: RawJson,
}

impl fmt::Debug for Instance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instance")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("license_id", &self.license_id)
            .field("created_at", &self.created_at)
            .field("raw", &self.raw)
            .finish()
    }
}

impl Instance {
    /// An instance with only its id set.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            license_id: None,
            created_at: None,
            raw: RawJson::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InvalidReason, ValidationOutcome};

    const CANARY: &str = "CANARY-1f6e-4c2a-9d8b-LICENSE-KEY-WXYZ";

    #[test]
    fn debug_never_shows_the_key_held_in_raw() {
        let mut license = LicenseKey::new(Provider::Dodo, "lic_1", LicenseStatus::Disabled);
        license.key = Some(SecretLicenseKey::new(CANARY));
        license.raw = serde_json::json!({ "id": "lic_1", "key": CANARY }).into();
        let mut instance = Instance::new("lki_1");
        instance.raw = serde_json::json!({ "license_key": CANARY }).into();
        let outcome = ValidationOutcome::invalid(InvalidReason::Disabled, Some(license.clone()));
        for shown in [
            format!("{license:?}"),
            format!("{license:#?}"),
            format!("{instance:?}"),
            format!("{outcome:?}"),
        ] {
            assert!(!shown.contains("CANARY"), "{shown}");
        }
        let shown = format!("{license:?}");
        assert!(
            shown.contains("lic_1") && shown.contains("…WXYZ") && shown.contains("not shown"),
            "{shown}"
        );
    }
}
