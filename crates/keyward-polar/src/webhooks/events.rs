//! The typed webhook events: `benefit_grant.{created,updated,cycled,revoked}`.

use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, RawJson, decode_json};
use serde::Deserialize;

use crate::client::PROVIDER;

/// The envelope every Polar webhook shares (`BaseWebhookPayload`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookEnvelope<T> {
    /// The event type, e.g. `benefit_grant.created`.
    pub event_type: String,
    /// When the event happened.
    pub timestamp: Option<DateTime<Utc>>,
    /// The event's data.
    pub data: T,
}

/// A benefit grant (`BenefitGrantWebhook`): the fields every benefit type shares, and the
/// license-key properties when the benefit is a license-keys one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct BenefitGrant {
    /// The grant's id.
    pub id: String,
    /// The customer the benefit is granted to.
    pub customer_id: String,
    /// The benefit granted.
    pub benefit_id: String,
    /// Whether the benefit is granted now.
    #[serde(default)]
    pub is_granted: bool,
    /// Whether the benefit is revoked now.
    #[serde(default)]
    pub is_revoked: bool,
    /// When it was granted.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub granted_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// The order that granted it, if any.
    #[serde(default)]
    pub order_id: Option<String>,
    /// The subscription that granted it, if any.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// The benefit's type (`license_keys`, `discord`, …), from `benefit.type`.
    #[serde(default, rename = "benefit", deserialize_with = "benefit_type")]
    pub benefit_type: Option<String>,
    /// The customer's email, from `customer.email`.
    #[serde(default, rename = "customer", deserialize_with = "customer_email")]
    pub customer_email: Option<String>,
    /// The grant's properties (for a license-keys benefit: the key's id and display form).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub properties: BenefitGrantProperties,
}

/// `BenefitGrantLicenseKeysProperties` (empty for other benefit types).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BenefitGrantProperties {
    /// The license key's id: fetch the key with `GET /v1/license-keys/{id}`.
    #[serde(default)]
    pub license_key_id: Option<String>,
    /// `****-` and the key's last six characters.
    #[serde(default)]
    pub display_key: Option<String>,
}

impl BenefitGrant {
    /// Whether this grant is of a license-keys benefit.
    pub fn is_license_key(&self) -> bool {
        self.benefit_type.as_deref() == Some("license_keys")
            || self.properties.license_key_id.is_some()
    }
}

fn benefit_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Benefit {
        #[serde(default, rename = "type")]
        kind: Option<String>,
    }
    Ok(Option::<Benefit>::deserialize(d)?.and_then(|b| b.kind))
}

fn customer_email<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Customer {
        #[serde(default)]
        email: Option<String>,
    }
    Ok(Option::<Customer>::deserialize(d)?.and_then(|c| c.email))
}

/// A webhook event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `benefit_grant.created`: a purchase granted the benefit (for license keys: a key exists).
    GrantCreated(Box<WebhookEnvelope<BenefitGrant>>),
    /// `benefit_grant.updated`: the grant changed.
    GrantUpdated(Box<WebhookEnvelope<BenefitGrant>>),
    /// `benefit_grant.cycled`: a subscription renewed and the grant was cycled.
    GrantCycled(Box<WebhookEnvelope<BenefitGrant>>),
    /// `benefit_grant.revoked`: the grant was revoked (for license keys: the key is revoked).
    GrantRevoked(Box<WebhookEnvelope<BenefitGrant>>),
    /// Any other event type, with the whole event as received.
    Other {
        /// The event type as sent.
        event_type: String,
        /// The whole event.
        raw: RawJson,
    },
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    event_type: String,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(rename = "type")]
    event_type: String,
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    timestamp: Option<DateTime<Utc>>,
    data: BenefitGrant,
}

impl WebhookEvent {
    /// Decodes a (verified) body; a decode error names the JSON path and shows no key.
    pub fn parse(body: &[u8]) -> Result<Self, LicenseError> {
        let tag = |e: LicenseError| e.with_provider(PROVIDER);
        let head: Head = decode_json(body, keyward_core::blank_secret_values).map_err(tag)?;
        let grant = |body| -> Result<Box<WebhookEnvelope<BenefitGrant>>, LicenseError> {
            let p: Payload = decode_json(body, keyward_core::blank_secret_values).map_err(tag)?;
            Ok(Box::new(WebhookEnvelope {
                event_type: p.event_type,
                timestamp: p.timestamp,
                data: p.data,
            }))
        };
        Ok(match head.event_type.as_str() {
            "benefit_grant.created" => Self::GrantCreated(grant(body)?),
            "benefit_grant.updated" => Self::GrantUpdated(grant(body)?),
            "benefit_grant.cycled" => Self::GrantCycled(grant(body)?),
            "benefit_grant.revoked" => Self::GrantRevoked(grant(body)?),
            _ => Self::Other {
                event_type: head.event_type,
                raw: RawJson::from_text(String::from_utf8_lossy(body).into_owned()),
            },
        })
    }

    /// The event type as sent.
    pub fn event_type(&self) -> &str {
        match self {
            Self::GrantCreated(e)
            | Self::GrantUpdated(e)
            | Self::GrantCycled(e)
            | Self::GrantRevoked(e) => &e.event_type,
            Self::Other { event_type, .. } => event_type,
        }
    }

    /// The benefit grant of a `benefit_grant.*` event.
    pub fn grant(&self) -> Option<&WebhookEnvelope<BenefitGrant>> {
        match self {
            Self::GrantCreated(e)
            | Self::GrantUpdated(e)
            | Self::GrantCycled(e)
            | Self::GrantRevoked(e) => Some(e),
            Self::Other { .. } => None,
        }
    }
}
