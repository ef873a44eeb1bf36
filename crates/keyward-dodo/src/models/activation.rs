//! `ActivateLicenseKeyResponse` and `ValidateLicenseKeyResponse`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::Deserialize;
use serde_json::Value;

/// The instance an activation created, with the customer and product it is for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Activation {
    /// The new instance id (`lki_…`): store it to deactivate or validate this device later.
    pub id: String,
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// When the instance was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// The license key activated (`lic_…`).
    pub license_key_id: String,
    /// The instance name sent.
    pub name: String,
    /// The customer who owns the key.
    pub customer: ActivationCustomer,
    /// The product of the key; the API describes it as present only when the key is tied to a
    /// product, so it may be missing or `null`.
    #[serde(default)]
    pub product: Option<ActivationProduct>,
    /// The JSON Dodo sent for this activation, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Activation);

/// `CustomerLimitedDetails`: the little the public activate endpoint tells about the customer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ActivationCustomer {
    /// The customer id (`cus_…`).
    pub customer_id: String,
    /// The customer's email.
    pub email: String,
    /// The customer's name.
    pub name: String,
    /// Merchant metadata (string, number or boolean values); empty when absent.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: BTreeMap<String, Value>,
    /// The customer's phone number, if known.
    #[serde(default)]
    pub phone_number: Option<String>,
}

/// The product block of an activation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ActivationProduct {
    /// The product id (`pdt_…`).
    pub product_id: String,
    /// The product name, if it has one.
    #[serde(default)]
    pub name: Option<String>,
}

/// The answer of `POST /licenses/validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// Whether the key (and the instance, when one was given) is valid now.
    pub valid: bool,
}

impl Validation {
    /// Whether the key may be used.
    pub fn is_valid(&self) -> bool {
        self.valid
    }
}
