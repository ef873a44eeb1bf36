//! Webhooks: Standard Webhooks signature verification and the typed `license_key.created` and
//! `entitlement_grant.*` events.
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
use keyward_core::{Clock, LicenseError, SystemClock};

use crate::client::PROVIDER;

mod events;

pub use events::{WebhookEnvelope, WebhookEvent};

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
        Self::read(headers).map_err(Rejection::into_error)
    }

    /// Reads the three headers; [`Rejection::MissingHeader`] when one is missing or not text.
    pub fn read(headers: &'a http::HeaderMap) -> Result<Self, Rejection> {
        let get = |name: &'static str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or(Rejection::MissingHeader(name))
        };
        Ok(Self {
            id: get("webhook-id")?,
            timestamp: get("webhook-timestamp")?,
            signature: get("webhook-signature")?,
        })
    }
}

/// Why a delivery was refused, each a distinct value (for a handler that answers them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A Standard Webhooks header is missing or not text.
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not Unix seconds (or out of range).
    BadTimestamp,
    /// The timestamp is older than the tolerance allows.
    TooOld,
    /// The timestamp is further in the future than the tolerance allows.
    TooNew,
    /// No `v1` signature matches the body for this secret.
    BadSignature,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            Self::BadTimestamp => f.write_str("the `webhook-timestamp` header is not Unix seconds"),
            Self::TooOld => f.write_str("the webhook timestamp is too old"),
            Self::TooNew => f.write_str("the webhook timestamp is too new"),
            Self::BadSignature => f.write_str("no webhook signature matches"),
        }
    }
}

impl Rejection {
    /// The signature error this rejection stands for.
    pub fn into_error(self) -> LicenseError {
        signature_error(&self.to_string())
    }

    /// Whether the timestamp was outside the tolerance (too old or too new).
    pub fn is_stale(&self) -> bool {
        matches!(self, Self::TooOld | Self::TooNew)
    }
}

/// Verifies Dodo webhook deliveries. `Debug` never shows the secret.
///
/// ```
/// use keyward_dodo::webhooks::{WebhookHeaders, WebhookVerifier};
///
/// # fn handle(body: &[u8], headers: &http::HeaderMap) -> Result<(), keyward_core::LicenseError> {
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
            .field("secret", &keyward_core::REDACTED)
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
        self.check_at(headers, body, self.clock.now())
            .map_err(Rejection::into_error)
    }

    /// Checks the signature and timestamp of `body` against `now`: a pure function of its inputs,
    /// each refusal a distinct [`Rejection`].
    pub fn check_at(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        let timestamp: i64 = headers
            .timestamp
            .trim()
            .parse()
            .map_err(|_| Rejection::BadTimestamp)?;
        let sent = DateTime::<Utc>::from_timestamp(timestamp, 0).ok_or(Rejection::BadTimestamp)?;
        if now.signed_duration_since(sent) > self.tolerance {
            return Err(Rejection::TooOld);
        }
        if sent.signed_duration_since(now) > self.tolerance {
            return Err(Rejection::TooNew);
        }
        let signed = signed_content(headers.id, headers.timestamp, body);
        let matched = headers
            .signature
            .split_whitespace()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|sig| STANDARD.decode(sig).ok())
            .any(|sig| hmac::verify(&self.key, &signed, &sig).is_ok());
        if matched {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }

    /// The `webhook-signature` value Dodo would send for this message (`v1,<base64>`): for tests
    /// and emulators that deliver signed webhooks.
    pub fn signature_for(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let signed = signed_content(id, &timestamp.to_string(), body);
        format!(
            "v1,{}",
            STANDARD.encode(hmac::sign(&self.key, &signed).as_ref())
        )
    }

    /// The clock this verifier judges timestamps with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
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

/// `"{id}.{timestamp}.{body}"`, the bytes Standard Webhooks signs.
fn signed_content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut signed = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    signed.extend_from_slice(id.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    signed
}

fn signature_error(message: &str) -> LicenseError {
    LicenseError::signature(message).with_provider(PROVIDER)
}
