//! What verify, enable, disable and decrement answer: `{"success", "uses", "purchase"}` (or
//! `imported_customer` for imported customers), as the controller and its spec have it.

use chrono::{DateTime, Utc};
use keyward_core::{RawJson, SecretLicenseKey};
use serde::Deserialize;
use serde_json::Value;

/// A license answer. Gumroad says nothing of the key's enabled state here (a disabled key is a
/// 404 on verify); a refund, chargeback or ended subscription still verifies: read
/// [`Purchase::is_void`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct License {
    /// `true` on every success (required: a 2xx body without it is not Gumroad's answer, and
    /// decodes to an error).
    pub success: bool,
    /// How many times the key was counted (verify counts unless told not to).
    #[serde(default, deserialize_with = "keyward_core::de::uint_or_zero")]
    pub uses: u64,
    /// The purchase the key belongs to (absent for imported customers).
    #[serde(default)]
    pub purchase: Option<Purchase>,
    /// The imported customer, for keys of imported customers (as sent).
    #[serde(default)]
    pub imported_customer: Option<Value>,
    /// The JSON Gumroad sent, as received (holds the key: never logged).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(License);

/// The purchase (`as_json_for_license`): the fields a license check needs; the rest is in the
/// license's `raw` under `/purchase`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Purchase {
    /// The purchase id.
    #[serde(default)]
    pub id: Option<String>,
    /// The product id.
    #[serde(default)]
    pub product_id: Option<String>,
    /// The product's name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// The buyer's email.
    #[serde(default)]
    pub email: Option<String>,
    /// The license key.
    #[serde(default)]
    pub license_key: Option<SecretLicenseKey>,
    /// When the purchase was made.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
    /// Refunded.
    #[serde(default, deserialize_with = "keyward_core::de::bool_or_false")]
    pub refunded: bool,
    /// Charged back.
    #[serde(default, deserialize_with = "keyward_core::de::bool_or_false")]
    pub chargebacked: bool,
    /// Disputed.
    #[serde(default, deserialize_with = "keyward_core::de::bool_or_false")]
    pub disputed: bool,
    /// The subscription, if any.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// When the subscription ended.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub subscription_ended_at: Option<DateTime<Utc>>,
    /// When the subscription was cancelled (it runs to the end of the period).
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub subscription_cancelled_at: Option<DateTime<Utc>>,
    /// When charging the subscriber failed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub subscription_failed_at: Option<DateTime<Utc>>,
}

impl Purchase {
    /// Whether the purchase no longer entitles its buyer: refunded, charged back, or a
    /// subscription that ended or could not be charged.
    pub fn is_void(&self) -> bool {
        self.refunded
            || self.chargebacked
            || self.subscription_ended_at.is_some()
            || self.subscription_failed_at.is_some()
    }
}
