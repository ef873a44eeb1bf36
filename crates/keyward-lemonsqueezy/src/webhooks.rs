//! Webhooks: `X-Signature` verification over the raw body, and the `license_key_*` events.
//!
//! `X-Signature` is the lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the signing
//! secret set on the webhook. The body uses PHP escaping (`https:\/\/…`), so it must be verified
//! as received, never after parsing and re-serializing.

use std::fmt;

use aws_lc_rs::hmac;
use keyward_core::{AttachRaw, LicenseError, RawJson, decode_json};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use crate::models::LicenseKey;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Signature";

/// The header carrying the event name.
pub const EVENT_HEADER: &str = "X-Event-Name";

/// A webhook signing secret. `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    /// Wraps a signing secret; an empty one is a configuration error.
    pub fn new(secret: impl Into<String>) -> Result<Self, LicenseError> {
        let secret: String = secret.into();
        if secret.is_empty() {
            return Err(LicenseError::config("the webhook signing secret is empty"));
        }
        Ok(Self(SecretString::from(secret)))
    }

    fn key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.0.expose_secret().as_bytes())
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecret({})", keyward_core::REDACTED)
    }
}

/// The signature Lemon Squeezy would send for `body` (lower-case hex); for tests and emulators.
pub fn sign(secret: &WebhookSecret, body: &[u8]) -> String {
    hex::encode(hmac::sign(&secret.key(), body).as_ref())
}

/// Checks `signature` (the `X-Signature` value) against the raw `body`, in constant time.
/// A missing, malformed or wrong signature is a signature error.
pub fn verify_signature(
    secret: &WebhookSecret,
    body: &[u8],
    signature: &str,
) -> Result<(), LicenseError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(webhook_error("the X-Signature header is missing or empty"));
    }
    let tag =
        hex::decode(signature).map_err(|_| webhook_error("the X-Signature header is not hex"))?;
    hmac::verify(&secret.key(), body, &tag)
        .map_err(|_| webhook_error("the X-Signature does not match the body"))
}

/// Verifies the signature, then parses the event.
pub fn verify_and_parse(
    secret: &WebhookSecret,
    body: &[u8],
    signature: &str,
) -> Result<WebhookEvent, LicenseError> {
    verify_signature(secret, body, signature)?;
    WebhookEvent::parse_unverified(body)
}

fn webhook_error(message: &str) -> LicenseError {
    LicenseError::signature(message)
        .with_provider("lemonsqueezy")
        .with_operation("verify webhook")
}

/// A webhook delivery.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// `meta`: event name, mode, webhook id, custom data.
    pub meta: WebhookMeta,
    /// The event and its object.
    pub kind: WebhookKind,
}

/// What happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum WebhookKind {
    /// `license_key_created`: a key was made for a new order.
    LicenseKeyCreated(Box<LicenseKey>),
    /// `license_key_updated`: a key changed.
    LicenseKeyUpdated(Box<LicenseKey>),
    /// Any other event, its `data` as sent.
    Other(Value),
}

/// The `meta` of a delivery.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct WebhookMeta {
    /// `license_key_created`, `license_key_updated`, …
    pub event_name: String,
    /// Whether the event comes from test mode.
    #[serde(default)]
    pub test_mode: bool,
    /// The webhook's id (the same for every delivery of one webhook).
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// Custom data passed at checkout; absent when there was none.
    #[serde(default)]
    pub custom_data: Option<Value>,
}

#[derive(Deserialize)]
struct RawEvent {
    meta: WebhookMeta,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
struct LicenseKeyEvent {
    data: LicenseKey,
}

impl WebhookEvent {
    /// Parses a body **without** checking its signature: use [`verify_and_parse`] on anything
    /// that came over the network.
    pub fn parse_unverified(body: &[u8]) -> Result<Self, LicenseError> {
        let raw: RawEvent = decode_json(body, str::to_owned)?;
        let kind = match raw.meta.event_name.as_str() {
            "license_key_created" | "license_key_updated" => {
                let event: LicenseKeyEvent = decode_json(body, str::to_owned)?;
                let mut key = Box::new(event.data);
                key.attach_raw(RawJson::from_value(raw.data));
                if raw.meta.event_name == "license_key_created" {
                    WebhookKind::LicenseKeyCreated(key)
                } else {
                    WebhookKind::LicenseKeyUpdated(key)
                }
            }
            _ => WebhookKind::Other(raw.data),
        };
        Ok(Self {
            meta: raw.meta,
            kind,
        })
    }

    /// The license key the event is about, for `license_key_*` events.
    pub fn license_key(&self) -> Option<&LicenseKey> {
        match &self.kind {
            WebhookKind::LicenseKeyCreated(key) | WebhookKind::LicenseKeyUpdated(key) => Some(key),
            WebhookKind::Other(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let secret = WebhookSecret::new("canary-webhook-secret").unwrap();
        assert!(!format!("{secret:?}").contains("canary"));
        assert!(WebhookSecret::new("").unwrap_err().is_config());
    }
}
