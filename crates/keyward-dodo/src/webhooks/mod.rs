//! Webhooks: Standard Webhooks signature verification and the typed `license_key.created` and
//! `entitlement_grant.*` events.
//!
//! Dodo signs `"{webhook-id}.{webhook-timestamp}.{raw body}"` with HMAC-SHA256, keyed by the
//! base64 secret after `whsec_`, and sends `webhook-signature: v1,<base64> [v1,<base64> …]`.
//! A message is accepted when any `v1` signature matches (compared in constant time) and the
//! timestamp is within the tolerance (5 minutes) of the injected clock.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use keyward_core::{Clock, LicenseError};
use keyward_http::standard_webhooks::StandardWebhooks;
pub use keyward_http::standard_webhooks::{DEFAULT_TOLERANCE_SECONDS, Rejection, WebhookHeaders};

use crate::client::PROVIDER;

mod events;

pub use events::{WebhookEnvelope, WebhookEvent};

/// Verifies Dodo webhook deliveries (the shared Standard Webhooks check, keyed the spec's way).
/// `Debug` never shows the secret.
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
    inner: StandardWebhooks,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("inner", &self.inner)
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for a `whsec_…` secret (the prefix is optional), with the system clock and a
    /// 5-minute tolerance. A secret that is not base64, or empty, is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        let key = StandardWebhooks::spec_key(secret).ok_or_else(|| {
            LicenseError::config("the webhook secret is not `whsec_` followed by base64")
                .with_provider(PROVIDER)
        })?;
        let inner = StandardWebhooks::new(&[key]).map_err(|e| e.with_provider(PROVIDER))?;
        Ok(Self { inner })
    }

    /// Uses this clock to judge the timestamp.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.inner = self.inner.with_clock(clock);
        self
    }

    /// Changes the timestamp tolerance (default 5 minutes).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.inner = self.inner.with_tolerance(tolerance);
        self
    }

    /// Checks the signature and timestamp of `body` (the exact bytes received).
    pub fn verify(&self, headers: &WebhookHeaders<'_>, body: &[u8]) -> Result<(), LicenseError> {
        self.check_at(headers, body, self.clock().now())
            .map_err(|r| LicenseError::signature(r.to_string()).with_provider(PROVIDER))
    }

    /// Checks the signature and timestamp of `body` against `now`: a pure function of its inputs,
    /// each refusal a distinct [`Rejection`].
    pub fn check_at(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        self.inner.check_at(headers, body, now)
    }

    /// The `webhook-signature` value Dodo would send for this message (`v1,<base64>`): for tests
    /// and emulators that deliver signed webhooks.
    pub fn signature_for(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        self.inner.signature_for(id, timestamp, body)
    }

    /// The clock this verifier judges timestamps with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        self.inner.clock()
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
