//! Webhooks: Standard Webhooks signature verification and the typed `license_key.created` event.
//!
//! Dodo signs `"{webhook-id}.{webhook-timestamp}.{raw body}"` with HMAC-SHA256, keyed by the
//! base64 secret after `whsec_`, and sends `webhook-signature: v1,<base64> [v1,<base64> …]`.
//! A message is accepted when any `v1` signature matches (compared in constant time) and the
//! timestamp is within the tolerance (5 minutes) of the injected clock.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use license_core::decode_json;
use license_core::{Clock, LicenseError, SystemClock};
use serde::Deserialize;
use serde_json::Value;

use crate::client::PROVIDER;
use crate::models::LicenseKey;

/// How far `webhook-timestamp` may be from now, either way.
pub const DEFAULT_TOLERANCE_SECONDS: i64 = 300;

/// The three Standard Webhooks headers of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`: unique per message; use it to drop duplicates.
    pub id: &'a str,
    /// `webhook-timestamp`: Unix seconds.
    pub timestamp: &'a str,
    /// `webhook-signature`: space-separated `v1,<base64>` entries.
    pub signature: &'a str,
}

impl<'a> WebhookHeaders<'a> {
    /// Reads the three headers from an HTTP header map; a signature error when one is missing.
    pub fn from_header_map(headers: &'a http::HeaderMap) -> Result<Self, LicenseError> {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| signature_error(&format!("the `{name}` header is missing")))
        };
        Ok(Self {
            id: get("webhook-id")?,
            timestamp: get("webhook-timestamp")?,
            signature: get("webhook-signature")?,
        })
    }
}

/// Verifies Dodo webhook deliveries. `Debug` never shows the secret.
///
/// ```
/// use dodo::webhooks::{WebhookHeaders, WebhookVerifier};
///
/// # fn handle(body: &[u8], headers: &http::HeaderMap) -> Result<(), license_core::LicenseError> {
/// let verifier = WebhookVerifier::new("whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=")?;
/// let event = verifier.verify_event(&WebhookHeaders::from_header_map(headers)?, body)?;
/// # let _ = event; Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    key: hmac::Key,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &license_core::REDACTED)
            .field("tolerance", &self.tolerance)
            .field("clock", &self.clock)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for a `whsec_…` secret (the prefix is optional), with the system clock and a
    /// 5-minute tolerance. A secret that is not base64, or empty, is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let bytes = STANDARD.decode(encoded).map_err(|_| {
            LicenseError::config("the webhook secret is not `whsec_` followed by base64")
                .with_provider(PROVIDER)
        })?;
        if bytes.is_empty() {
            return Err(LicenseError::config("the webhook secret is empty").with_provider(PROVIDER));
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &bytes),
            tolerance: Duration::seconds(DEFAULT_TOLERANCE_SECONDS),
            clock: Arc::new(SystemClock),
        })
    }

    /// Uses this clock to judge the timestamp.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Changes the timestamp tolerance (default 5 minutes).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks the signature and timestamp of `body` (the exact bytes received).
    pub fn verify(&self, headers: &WebhookHeaders<'_>, body: &[u8]) -> Result<(), LicenseError> {
        let timestamp: i64 =
            headers.timestamp.trim().parse().map_err(|_| {
                signature_error("the `webhook-timestamp` header is not Unix seconds")
            })?;
        let sent = DateTime::<Utc>::from_timestamp(timestamp, 0)
            .ok_or_else(|| signature_error("the `webhook-timestamp` is out of range"))?;
        let now = self.clock.now();
        if now.signed_duration_since(sent) > self.tolerance {
            return Err(signature_error("the webhook timestamp is too old"));
        }
        if sent.signed_duration_since(now) > self.tolerance {
            return Err(signature_error("the webhook timestamp is too new"));
        }
        let mut signed =
            Vec::with_capacity(headers.id.len() + headers.timestamp.len() + body.len() + 2);
        signed.extend_from_slice(headers.id.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(headers.timestamp.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(body);
        let matched = headers
            .signature
            .split_whitespace()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|sig| STANDARD.decode(sig).ok())
            .any(|sig| hmac::verify(&self.key, &signed, &sig).is_ok());
        if matched {
            Ok(())
        } else {
            Err(signature_error("no webhook signature matches"))
        }
    }

    /// Verifies, then decodes the event.
    pub fn verify_event(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
    ) -> Result<WebhookEvent, LicenseError> {
        self.verify(headers, body)?;
        WebhookEvent::parse(body)
    }
}

fn signature_error(message: &str) -> LicenseError {
    LicenseError::signature(message).with_provider(PROVIDER)
}

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
    /// Any other event, its data kept as JSON (`Debug` does not print it: it may hold keys).
    Other(WebhookEnvelope<Value>),
}

impl fmt::Debug for WebhookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LicenseKeyCreated(e) => f.debug_tuple("LicenseKeyCreated").field(e).finish(),
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
    timestamp: DateTime<Utc>,
    data: Value,
}

impl WebhookEvent {
    /// Decodes a body **without** checking its signature: call it only on verified bodies (or
    /// use [`WebhookVerifier::verify_event`]).
    pub fn parse(body: &[u8]) -> Result<Self, LicenseError> {
        // Decode errors never show a secret field of the body (`data.key`, say).
        let raw: RawEnvelope =
            decode_json(body, str::to_owned).map_err(|e| e.with_provider(PROVIDER))?;
        if raw.event_type == "license_key.created" {
            let text = raw.data.to_string();
            let data: LicenseKey = decode_json(text.as_bytes(), str::to_owned)
                .map_err(|e| e.with_provider(PROVIDER))?;
            return Ok(Self::LicenseKeyCreated(Box::new(WebhookEnvelope {
                business_id: raw.business_id,
                event_type: raw.event_type,
                timestamp: raw.timestamp,
                data,
            })));
        }
        Ok(Self::Other(WebhookEnvelope {
            business_id: raw.business_id,
            event_type: raw.event_type,
            timestamp: raw.timestamp,
            data: raw.data,
        }))
    }

    /// The event type.
    pub fn event_type(&self) -> &str {
        match self {
            Self::LicenseKeyCreated(e) => &e.event_type,
            Self::Other(e) => &e.event_type,
        }
    }
}
