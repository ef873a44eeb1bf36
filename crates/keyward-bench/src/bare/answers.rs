//! The bare client's structs for Polar's, Creem's and Gumroad's validate answers: the same
//! fields our models read (as in `models.rs`), with chrono's own `Deserialize` for times.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

/// Polar's validate answer (`ValidatedLicenseKey`).
#[derive(Debug, Deserialize)]
pub struct PolarLicenseKey {
    /// The id.
    pub id: String,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Changed.
    pub modified_at: Option<DateTime<Utc>>,
    /// The organization.
    pub organization_id: String,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer.
    pub customer: Option<PolarCustomer>,
    /// The benefit.
    pub benefit_id: String,
    /// The key.
    pub key: String,
    /// The key as shown.
    pub display_key: String,
    /// `granted`, `revoked`, `disabled`.
    pub status: String,
    /// The activation limit.
    pub limit_activations: Option<i64>,
    /// Usage so far.
    #[serde(default)]
    pub usage: i64,
    /// The usage limit.
    pub limit_usage: Option<i64>,
    /// Validations so far.
    #[serde(default)]
    pub validations: i64,
    /// Last validated.
    pub last_validated_at: Option<DateTime<Utc>>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// The activation validated with, if any.
    pub activation: Option<PolarActivation>,
}

/// The customer block.
#[derive(Debug, Deserialize)]
pub struct PolarCustomer {
    /// The id.
    pub id: String,
    /// The e-mail.
    pub email: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The merchant's own id.
    pub external_id: Option<String>,
    /// `individual` or `team`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Merchant metadata.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, Value>>,
    /// Deleted.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// An activation.
#[derive(Debug, Deserialize)]
pub struct PolarActivation {
    /// The id.
    pub id: String,
    /// The key's id.
    pub license_key_id: String,
    /// The label.
    pub label: String,
    /// Its metadata.
    #[serde(default)]
    pub meta: Option<BTreeMap<String, Value>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub modified_at: Option<DateTime<Utc>>,
}

/// Creem's license answer.
#[derive(Debug, Deserialize)]
pub struct CreemLicense {
    /// The id.
    pub id: String,
    /// `test` or `prod`.
    pub mode: Option<String>,
    /// The product.
    pub product_id: Option<String>,
    /// `active`, `inactive`, `expired`, `disabled`.
    pub status: String,
    /// The key.
    pub key: String,
    /// Activations in use.
    pub activation: u64,
    /// The activation limit.
    pub activation_limit: Option<u64>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// The instance validated with.
    pub instance: Option<CreemInstance>,
}

/// A Creem license instance.
#[derive(Debug, Deserialize)]
pub struct CreemInstance {
    /// The id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// `active` or `deactivated`.
    pub status: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
}

/// Gumroad's verify answer.
#[derive(Debug, Deserialize)]
pub struct GumroadVerification {
    /// Whether the key is known.
    pub success: bool,
    /// Uses counted.
    #[serde(default)]
    pub uses: u64,
    /// The purchase.
    pub purchase: Option<GumroadPurchase>,
    /// An imported customer's record, for keys imported from elsewhere.
    pub imported_customer: Option<Value>,
}

/// The purchase.
#[derive(Debug, Deserialize)]
pub struct GumroadPurchase {
    /// The id.
    pub id: Option<String>,
    /// The product.
    pub product_id: Option<String>,
    /// The product's name.
    pub product_name: Option<String>,
    /// The buyer's e-mail.
    pub email: Option<String>,
    /// The key.
    pub license_key: Option<String>,
    /// Bought.
    pub created_at: Option<DateTime<Utc>>,
    /// Refunded.
    #[serde(default)]
    pub refunded: bool,
    /// Charged back.
    #[serde(default)]
    pub chargebacked: bool,
    /// Disputed.
    #[serde(default)]
    pub disputed: bool,
    /// The subscription.
    pub subscription_id: Option<String>,
    /// The subscription ended.
    pub subscription_ended_at: Option<DateTime<Utc>>,
    /// The subscription was cancelled.
    pub subscription_cancelled_at: Option<DateTime<Utc>>,
    /// Charging failed.
    pub subscription_failed_at: Option<DateTime<Utc>>,
}
