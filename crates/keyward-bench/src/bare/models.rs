//! What the bare client decodes its answers into: structs of its own for the same fields our
//! models read, as a developer writing the client by hand would.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A Dodo license key (`GET /license_keys/{id}`).
#[derive(Debug, Deserialize)]
pub struct DodoLicenseKey {
    /// `lic_…`.
    pub id: String,
    /// The brand.
    pub brand_id: Option<String>,
    /// The business.
    pub business_id: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The customer.
    pub customer_id: String,
    /// Activations in use.
    pub instances_count: i64,
    /// The key.
    pub key: String,
    /// The product.
    pub product_id: String,
    /// Where it came from.
    pub source: Option<String>,
    /// Its status.
    pub status: String,
    /// The activation limit.
    pub activations_limit: Option<i64>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// The payment.
    pub payment_id: Option<String>,
    /// The subscription.
    pub subscription_id: Option<String>,
}

/// A Lemon Squeezy JSON:API document (`GET /v1/license-keys/{id}`).
#[derive(Debug, Deserialize)]
pub struct LsDocument {
    /// The resource.
    pub data: LsLicenseKey,
}

/// A `license-keys` resource.
#[derive(Debug, Deserialize)]
pub struct LsLicenseKey {
    /// `license-keys`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The id.
    pub id: String,
    /// The attributes.
    pub attributes: LsAttributes,
    /// The relationships' links.
    #[serde(default)]
    pub relationships: BTreeMap<String, LsRelationship>,
}

/// One relationship.
#[derive(Debug, Deserialize)]
pub struct LsRelationship {
    /// Its links.
    pub links: Option<LsLinks>,
}

/// `related` and `self` links.
#[derive(Debug, Deserialize)]
pub struct LsLinks {
    /// The related resource.
    pub related: Option<String>,
    /// The relationship itself.
    #[serde(rename = "self")]
    pub self_link: Option<String>,
}

/// A license key's attributes.
#[derive(Debug, Deserialize)]
pub struct LsAttributes {
    /// The store.
    pub store_id: u64,
    /// The customer.
    pub customer_id: Option<u64>,
    /// The order.
    pub order_id: u64,
    /// The order item.
    pub order_item_id: u64,
    /// The product.
    pub product_id: u64,
    /// The customer's name.
    pub user_name: String,
    /// The customer's e-mail.
    pub user_email: String,
    /// The key.
    pub key: String,
    /// The short key.
    pub key_short: String,
    /// The activation limit.
    pub activation_limit: Option<u32>,
    /// Activations in use.
    pub instances_count: Option<u32>,
    /// Disabled by the seller.
    pub disabled: bool,
    /// The status.
    pub status: String,
    /// The status as shown.
    pub status_formatted: String,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
    /// Test mode.
    pub test_mode: bool,
}

/// A Lemon Squeezy License API answer (`POST /v1/licenses/validate`).
#[derive(Debug, Deserialize)]
pub struct LsValidation {
    /// The verdict.
    pub valid: bool,
    /// The refusal text.
    pub error: Option<String>,
    /// The key.
    pub license_key: Option<LsApiKey>,
    /// The instance.
    pub instance: Option<LsApiInstance>,
    /// Whose key it is.
    pub meta: Option<LsMeta>,
}

/// The License API's `license_key`.
#[derive(Debug, Deserialize)]
pub struct LsApiKey {
    /// The id.
    pub id: u64,
    /// The status.
    pub status: String,
    /// The key.
    pub key: String,
    /// The activation limit.
    pub activation_limit: Option<u32>,
    /// Activations in use.
    pub activation_usage: u32,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Test mode.
    #[serde(default)]
    pub test_mode: bool,
}

/// The License API's `instance`.
#[derive(Debug, Deserialize)]
pub struct LsApiInstance {
    /// The id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
}

/// The License API's `meta`.
#[derive(Debug, Deserialize)]
pub struct LsMeta {
    /// The store.
    pub store_id: Option<u64>,
    /// The order.
    pub order_id: Option<u64>,
    /// The order item.
    pub order_item_id: Option<u64>,
    /// The product.
    pub product_id: Option<u64>,
    /// The product's name.
    pub product_name: Option<String>,
    /// The variant.
    pub variant_id: Option<u64>,
    /// The variant's name.
    pub variant_name: Option<String>,
    /// The customer.
    pub customer_id: Option<u64>,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
}

/// A verified GetKeyManager payload.
#[derive(Debug, Deserialize)]
pub struct GkmPayload {
    /// The response code (200 = valid).
    pub code: u32,
    /// The server's message.
    pub message: String,
    /// Signed at (Unix seconds).
    pub timestamp: i64,
}
