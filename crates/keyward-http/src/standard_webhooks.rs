//! [Standard Webhooks](https://www.standardwebhooks.com) signature checking, shared by the
//! providers that sign their webhooks that way (Dodo, Polar); each provider crate derives its
//! HMAC keys from its secret and parses its own events.
//!
//! The signed bytes are `"{webhook-id}.{webhook-timestamp}.{raw body}"`, HMAC-SHA256, sent as
//! `webhook-signature: v1,<base64> [v1,<base64> …]`. A message is accepted when any `v1`
//! signature matches under any of the verifier's keys (compared in constant time) and the
//! timestamp is within the tolerance of the injected clock.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use keyward_core::{Clock, LicenseError, SystemClock};

/// How far `webhook-timestamp` may be from now, either way, by default (the spec's 5 minutes).
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
        Self::read(headers).map_err(|r| LicenseError::signature(r.to_string()))
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
    /// Whether the timestamp was outside the tolerance (too old or too new).
    pub fn is_stale(&self) -> bool {
        matches!(self, Self::TooOld | Self::TooNew)
    }
}

/// A Standard Webhooks verifier over one or more HMAC keys (a provider that is changing how it
/// derives its key from the secret signs with either). `Debug` never shows a key.
#[derive(Clone)]
pub struct StandardWebhooks {
    keys: Vec<hmac::Key>,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field("keys", &keyward_core::REDACTED)
            .field("tolerance", &self.tolerance)
            .field("clock", &self.clock)
            .finish()
    }
}

impl StandardWebhooks {
    /// A verifier accepting a signature under any of `keys` (the raw HMAC key bytes; none may
    /// be empty), with the system clock and a 5-minute tolerance.
    pub fn new<K: AsRef<[u8]>>(keys: &[K]) -> Result<Self, LicenseError> {
        if keys.is_empty() || keys.iter().any(|k| k.as_ref().is_empty()) {
            return Err(LicenseError::config("the webhook secret is empty"));
        }
        let keys = keys
            .iter()
            .map(|k| hmac::Key::new(hmac::HMAC_SHA256, k.as_ref()))
            .collect();
        Ok(Self {
            keys,
            tolerance: Duration::seconds(DEFAULT_TOLERANCE_SECONDS),
            clock: Arc::new(SystemClock),
        })
    }

    /// The bytes after `whsec_` (the prefix is optional) decoded from base64, as the spec
    /// derives the key; `None` when they are not base64 or decode to nothing.
    pub fn spec_key(secret: &str) -> Option<Vec<u8>> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        STANDARD.decode(encoded).ok().filter(|k| !k.is_empty())
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

    /// The clock this verifier judges timestamps with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Checks the signature and timestamp of `body` (the exact bytes received) against `now`: a
    /// pure function of its inputs, each refusal a distinct [`Rejection`].
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
            .any(|sig| {
                let under = |key: &hmac::Key| hmac::verify(key, &signed, &sig).is_ok();
                self.keys.iter().any(under)
            });
        if matched {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }

    /// The `webhook-signature` value signed with the first key (`v1,<base64>`): for tests and
    /// emulators that deliver signed webhooks.
    pub fn signature_for(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let signed = signed_content(id, &timestamp.to_string(), body);
        let signature = self
            .keys
            .first()
            .map(|key| STANDARD.encode(hmac::sign(key, &signed).as_ref()))
            .unwrap_or_default();
        format!("v1,{signature}")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks spec's own example vector.
    #[test]
    fn the_spec_vector_verifies() {
        let key = StandardWebhooks::spec_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let verifier = StandardWebhooks::new(&[key]).unwrap();
        let headers = WebhookHeaders {
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: "1614265330",
            signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        };
        let now = DateTime::<Utc>::from_timestamp(1_614_265_330, 0).unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(verifier.check_at(&headers, body, now), Ok(()));
        assert_eq!(
            verifier.check_at(&headers, b"{}", now),
            Err(Rejection::BadSignature)
        );
        let late = now + Duration::seconds(301);
        assert_eq!(
            verifier.check_at(&headers, body, late),
            Err(Rejection::TooOld)
        );
        assert!(StandardWebhooks::new::<&[u8]>(&[]).is_err());
        assert!(!format!("{verifier:?}").contains("Mf"));
    }
}
