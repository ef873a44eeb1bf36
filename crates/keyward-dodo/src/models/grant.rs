//! `EntitlementGrant` and its `LicenseKeyGrant` payload (the successor of the license-key admin
//! endpoints, from the official SDK's types).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use keyward_core::{AttachRaw, RawJson, SecretLicenseKey};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{IntegrationType, LicenseKeyStatus};

keyward_core::open_enum!(
    /// The lifecycle state of a grant. The SDK spells it capitalised (`Pending`) on the grant
    /// endpoints and lower case (`pending`) on the customer view; a grant decodes either.
    GrantStatus {
        /// Waiting for delivery (manual fulfilment: deliver a key with
        /// [`Grants::deliver_license_key`](crate::Grants::deliver_license_key)).
        Pending => "Pending",
        /// Delivered to the customer.
        Delivered => "Delivered",
        /// Delivery failed (`error_code`, `error_message` say why).
        Failed => "Failed",
        /// Revoked by the merchant (or a refund, a cancellation).
        Revoked => "Revoked",
    }
);

impl GrantStatus {
    /// Reads a status in either spelling (`Pending` or `pending`); an unknown value is kept as
    /// sent.
    pub fn parse(text: &str) -> Self {
        match Self::from(text) {
            Self::Other(_) => {
                let mut chars = text.chars();
                let capitalised: String = chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                match Self::from(capitalised.as_str()) {
                    Self::Other(_) => Self::Other(text.to_owned()),
                    known => known,
                }
            }
            known => known,
        }
    }
}

/// The `status` field of a grant, in either spelling.
fn grant_status<'de, D: Deserializer<'de>>(d: D) -> Result<GrantStatus, D::Error> {
    let text = std::borrow::Cow::<str>::deserialize(d)?;
    Ok(GrantStatus::parse(&text))
}

/// One entitlement granted to one customer (`entg_…`), with the license key it delivered when the
/// entitlement is a `license_key` one.
///
/// `Debug` shows only the last four characters of the key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct EntitlementGrant {
    /// The grant id (`entg_…`).
    pub id: String,
    /// The brand the grant belongs to.
    #[serde(default, deserialize_with = "keyward_core::de::opt_string")]
    pub brand_id: Option<String>,
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// When the grant was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When the grant last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The customer it was granted to (`cus_…`).
    pub customer_id: String,
    /// The entitlement it comes from (`ent_…`).
    pub entitlement_id: String,
    /// The entitlement's integration (`license_key`, `feature_flag`, …).
    pub integration_type: IntegrationType,
    /// Merchant metadata; empty when absent or `null`.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: BTreeMap<String, Value>,
    /// The grant's state.
    #[serde(deserialize_with = "grant_status")]
    pub status: GrantStatus,
    /// When it was delivered.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    #[serde(default)]
    pub revocation_reason: Option<String>,
    /// Why delivery failed (machine-readable).
    #[serde(default)]
    pub error_code: Option<String>,
    /// Why delivery failed (for people).
    #[serde(default)]
    pub error_message: Option<String>,
    /// The payment that produced the grant.
    #[serde(default)]
    pub payment_id: Option<String>,
    /// The subscription behind the grant.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The delivered license key, on `license_key` grants once delivered; `None` otherwise (a
    /// pending grant has none, and that is not an error).
    #[serde(default)]
    pub license_key: Option<LicenseKeyGrant>,
    /// The JSON Dodo sent for this grant, as received (holds the key: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

impl AttachRaw for EntitlementGrant {
    fn attach_raw(&mut self, raw: RawJson) {
        self.license_key.attach_raw(raw.at("/license_key"));
        self.raw = raw;
    }
}

impl EntitlementGrant {
    /// The grant's payload for another integration (`feature`, `digital_product_delivery`,
    /// `oauth_url`, …), as received.
    pub fn field(&self, name: &str) -> Option<Value> {
        match self.raw.to_value() {
            Value::Object(mut map) => map.remove(name).filter(|v| !v.is_null()),
            _ => None,
        }
    }
}

/// `LicenseKeyGrant`: the license key a grant delivered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyGrant {
    /// The license key id (`lic_…`); the id the instance endpoints and `license_key.created` use.
    pub id: String,
    /// The license key string: a secret.
    pub key: SecretLicenseKey,
    /// The key's state (activation fails unless `active`).
    pub status: LicenseKeyStatus,
    /// Instances active now (a live count).
    #[serde(default)]
    pub activations_used: i64,
    /// The activation limit; `None` means unlimited.
    #[serde(default)]
    pub activations_limit: Option<i64>,
    /// When the key expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The JSON of this payload, as received (holds the key: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(LicenseKeyGrant);

impl LicenseKeyGrant {
    /// Activations still free, or `None` when unlimited (never negative).
    pub fn activations_left(&self) -> Option<i64> {
        self.activations_limit
            .map(|limit| limit.saturating_sub(self.activations_used).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_in_both_spellings_and_open() {
        assert_eq!(GrantStatus::parse("Pending"), GrantStatus::Pending);
        assert_eq!(GrantStatus::parse("delivered"), GrantStatus::Delivered);
        assert_eq!(GrantStatus::parse("revoked"), GrantStatus::Revoked);
        assert_eq!(
            GrantStatus::parse("expiring"),
            GrantStatus::Other("expiring".into())
        );
        assert_eq!(GrantStatus::parse(""), GrantStatus::Other(String::new()));
        assert_eq!(GrantStatus::parse("ÿ"), GrantStatus::Other("ÿ".into()));
    }
}
