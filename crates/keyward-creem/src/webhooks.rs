//! Webhooks: the `creem-signature` check and the event envelope.
//!
//! Creem sends `creem-signature: <lowercase hex of HMAC-SHA256(secret, raw body)>`, keyed by the
//! webhook secret's UTF-8 text (`creem_io`'s `resources/webhooks.ts`). No timestamp is signed:
//! a replayed delivery verifies, so drop duplicates by the event's `id`. Creem has no license
//! events; licenses appear in `checkout.completed` and `subscription.*` objects.

use std::fmt;

use aws_lc_rs::hmac;
use keyward_core::{LicenseError, RawJson, decode_json};
use serde::Deserialize;

use crate::client::PROVIDER;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "creem-signature";

/// A webhook secret. `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret(hmac::Key);

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(keyward_core::REDACTED)
    }
}

impl WebhookSecret {
    /// The secret as the dashboard shows it (`whsec_…`); an empty one is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        if secret.trim().is_empty() {
            return Err(LicenseError::config("the webhook secret is empty").with_provider(PROVIDER));
        }
        Ok(Self(hmac::Key::new(
            hmac::HMAC_SHA256,
            secret.trim().as_bytes(),
        )))
    }

    /// Checks `signature` (the header's hex) over the exact body bytes, in constant time.
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<(), LicenseError> {
        let bad = || {
            LicenseError::signature("the creem-signature does not match").with_provider(PROVIDER)
        };
        let signature = hex::decode(signature.trim()).map_err(|_| bad())?;
        hmac::verify(&self.0, body, &signature).map_err(|_| bad())
    }

    /// The `creem-signature` Creem would send for `body`: for tests and emulators.
    pub fn sign(&self, body: &[u8]) -> String {
        hex::encode(hmac::sign(&self.0, body).as_ref())
    }

    /// Verifies, then decodes the event.
    pub fn verify_event(&self, body: &[u8], signature: &str) -> Result<WebhookEvent, LicenseError> {
        self.verify(body, signature)?;
        WebhookEvent::parse(body)
    }
}

/// A webhook event's envelope: `{"id", "eventType", "created_at", "object"}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event id (`evt_…`): drop a delivery whose id was seen (nothing else stops replays).
    pub id: String,
    /// The event type (`checkout.completed`, `subscription.active`, …).
    #[serde(rename = "eventType")]
    pub event_type: String,
    /// When it happened, in Unix milliseconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// The whole event as received (its `object` holds the checkout or subscription).
    #[serde(skip)]
    pub raw: RawJson,
}

impl WebhookEvent {
    /// Decodes a (verified) body; a decode error names the JSON path and shows no key.
    pub fn parse(body: &[u8]) -> Result<Self, LicenseError> {
        let mut event: Self = decode_json(body, keyward_core::blank_secret_values)
            .map_err(|e| e.with_provider(PROVIDER))?;
        event.raw = RawJson::from_text(String::from_utf8_lossy(body).into_owned());
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector of `shared/providers/creem/API.md`, from `creem_io`'s webhook test inputs.
    #[test]
    fn the_documented_vector_verifies() {
        let body = br#"{"id":"evt_123","eventType":"checkout.completed","created_at":1700000000,"object":{"object":"checkout","id":"obj_123","mode":"test"}}"#;
        let signature = "a02c81bd26c574f1d0109590169ddab132635b5c1ad08a31d8cb305a2908c71f";
        let secret = WebhookSecret::new("whsec_test_secret_123").unwrap();
        let event = secret.verify_event(body, signature).unwrap();
        assert_eq!(
            (event.id.as_str(), event.event_type.as_str()),
            ("evt_123", "checkout.completed")
        );
        assert_eq!(secret.sign(body), signature);
        assert!(secret.verify(b"{}", signature).unwrap_err().is_signature());
        assert!(secret.verify(body, "zz").unwrap_err().is_signature());
        assert!(!format!("{secret:?}").contains("test_secret"));
    }
}
