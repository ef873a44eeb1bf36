//! The typed webhook events: `license_key.created` and `entitlement_grant.*`.

use std::fmt;

use chrono::{DateTime, Utc};
use keyward_core::decode_json;
use keyward_core::{AttachRaw, LicenseError, RawJson};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::PROVIDER;
use crate::models::{EntitlementGrant, LicenseKey};

/// The envelope every Dodo webhook shares.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WebhookEnvelope<T> {
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// The event type, e.g. `license_key.created`.
    pub event_type: String,
    /// When the event happened (not when it was delivered).
    pub timestamp: DateTime<Utc>,
    /// The event's data, as of the delivery attempt.
    pub data: T,
}

/// A webhook event.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `license_key.created` (a legacy event that still fires; Dodo recommends the
    /// `entitlement_grant.*` events for new integrations).
    LicenseKeyCreated(Box<WebhookEnvelope<LicenseKey>>),
    /// `entitlement_grant.created`: a purchase created a grant (pending or delivered at once).
    GrantCreated(Box<WebhookEnvelope<EntitlementGrant>>),
    /// `entitlement_grant.delivered`: the grant's key (or other payload) was delivered.
    GrantDelivered(Box<WebhookEnvelope<EntitlementGrant>>),
    /// `entitlement_grant.failed`: delivery failed (`error_code`, `error_message`).
    GrantFailed(Box<WebhookEnvelope<EntitlementGrant>>),
    /// `entitlement_grant.revoked`: the grant was revoked; its key stops working.
    GrantRevoked(Box<WebhookEnvelope<EntitlementGrant>>),
    /// Any other event, its data kept as JSON (`Debug` does not print it: it may hold keys).
    Other(WebhookEnvelope<Value>),
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LicenseKeyCreated(e) => f.debug_tuple("LicenseKeyCreated").field(e).finish(),
            Self::GrantCreated(e) => f.debug_tuple("GrantCreated").field(e).finish(),
            Self::GrantDelivered(e) => f.debug_tuple("GrantDelivered").field(e).finish(),
            Self::GrantFailed(e) => f.debug_tuple("GrantFailed").field(e).finish(),
            Self::GrantRevoked(e) => f.debug_tuple("GrantRevoked").field(e).finish(),
            Self::Other(e) => f
                .debug_struct("Other")
                .field("business_id", &e.business_id)
                .field("event_type", &e.event_type)
                .field("timestamp", &e.timestamp)
                .finish_non_exhaustive(),
        }
    }
}

#[derive(Deserialize)]
struct RawEnvelope {
    business_id: String,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    timestamp: DateTime<Utc>,
    data: Value,
}

impl RawEnvelope {
    /// The envelope with its data decoded as `T`, the data's JSON kept as its raw.
    fn typed<T: DeserializeOwned + AttachRaw>(
        self,
    ) -> Result<Box<WebhookEnvelope<T>>, LicenseError> {
        let text = self.data.to_string();
        // Decode errors never show a secret field of the data (`key`, say).
        let mut data: T =
            decode_json(text.as_bytes(), str::to_owned).map_err(|e| e.with_provider(PROVIDER))?;
        data.attach_raw(RawJson::from_value(self.data));
        Ok(Box::new(WebhookEnvelope {
            business_id: self.business_id,
            event_type: self.event_type,
            timestamp: self.timestamp,
            data,
        }))
    }
}

impl WebhookEvent {
    /// Decodes a body **without** checking its signature: call it only on verified bodies (or
    /// use [`WebhookVerifier::verify_event`](super::WebhookVerifier::verify_event)).
    pub fn parse(body: &[u8]) -> Result<Self, LicenseError> {
        let raw: RawEnvelope =
            decode_json(body, str::to_owned).map_err(|e| e.with_provider(PROVIDER))?;
        Ok(match raw.event_type.as_str() {
            "license_key.created" => Self::LicenseKeyCreated(raw.typed()?),
            "entitlement_grant.created" => Self::GrantCreated(raw.typed()?),
            "entitlement_grant.delivered" => Self::GrantDelivered(raw.typed()?),
            "entitlement_grant.failed" => Self::GrantFailed(raw.typed()?),
            "entitlement_grant.revoked" => Self::GrantRevoked(raw.typed()?),
            _ => Self::Other(WebhookEnvelope {
                business_id: raw.business_id,
                event_type: raw.event_type,
                timestamp: raw.timestamp,
                data: raw.data,
            }),
        })
    }

    /// The event type.
    pub fn event_type(&self) -> &str {
        match self {
            Self::LicenseKeyCreated(e) => &e.event_type,
            Self::GrantCreated(e)
            | Self::GrantDelivered(e)
            | Self::GrantFailed(e)
            | Self::GrantRevoked(e) => &e.event_type,
            Self::Other(e) => &e.event_type,
        }
    }

    /// The grant, for the `entitlement_grant.*` events.
    pub fn grant(&self) -> Option<&EntitlementGrant> {
        match self {
            Self::GrantCreated(e)
            | Self::GrantDelivered(e)
            | Self::GrantFailed(e)
            | Self::GrantRevoked(e) => Some(&e.data),
            _ => None,
        }
    }
}
