//! Webhooks: Polar's Standard Webhooks signatures under both of its key derivations, and the
//! `benefit_grant.*` events through which license keys surface (Polar has no `license_key.*`
//! event).
//!
//! Polar signs `"{webhook-id}.{webhook-timestamp}.{raw body}"` with HMAC-SHA256 and sends
//! `webhook-signature: v1,<base64>`. Until September 2026 its server keyed the HMAC with the
//! UTF-8 bytes of the whole secret string, `whsec_` prefix included (`server/polar/webhook/
//! tasks.py`: `StandardWebhook(base64.b64encode(secret.encode()))`), not with the base64 part
//! after `whsec_` as the Standard Webhooks spec does; secrets created since are signed the spec's
//! way (polarsource/polar PR #14102). [`WebhookVerifier`] accepts a signature under either key,
//! as Polar's own SDKs now do. The full license key is not in the event: fetch it with
//! [`LicenseKeys::retrieve`](crate::LicenseKeys::retrieve) and the event's `license_key_id`.

mod events;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use keyward_core::{Clock, LicenseError};
use keyward_http::standard_webhooks::StandardWebhooks;
pub use keyward_http::standard_webhooks::{DEFAULT_TOLERANCE_SECONDS, Rejection, WebhookHeaders};

pub use events::{BenefitGrant, BenefitGrantProperties, WebhookEnvelope, WebhookEvent};

use crate::client::PROVIDER;

/// Verifies Polar webhook deliveries under both key derivations. `Debug` never shows the
/// secret.
///
/// ```
/// use keyward_polar::webhooks::{WebhookHeaders, WebhookVerifier};
///
/// # fn handle(body: &[u8], headers: &http::HeaderMap) -> Result<(), keyward_core::LicenseError> {
/// let verifier = WebhookVerifier::new("whsec_…the secret of your webhook endpoint")?;
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
    /// A verifier for the endpoint's secret as Polar shows it (`whsec_…`, or `polar_whs_…` for
    /// older endpoints), accepting signatures under Polar's legacy key (the secret's bytes) and
    /// under the Standard Webhooks key (the base64 after `whsec_`, when it decodes). With the
    /// system clock and a 5-minute tolerance; an empty secret is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        let secret = secret.trim();
        let mut keys = vec![secret.as_bytes().to_vec()];
        keys.extend(StandardWebhooks::spec_key(secret));
        let inner = StandardWebhooks::new(&keys).map_err(|e| e.with_provider(PROVIDER))?;
        Ok(Self { inner })
    }

    /// Uses this clock to judge the timestamp.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.inner = self.inner.with_clock(clock);
        self
    }

    /// Changes the timestamp tolerance (default 5 minutes, as Polar's SDKs).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.inner = self.inner.with_tolerance(tolerance);
        self
    }

    /// The clock this verifier judges timestamps with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        self.inner.clock()
    }

    /// Checks the signature and timestamp of `body` (the exact bytes received).
    pub fn verify(&self, headers: &WebhookHeaders<'_>, body: &[u8]) -> Result<(), LicenseError> {
        self.check_at(headers, body, self.clock().now())
            .map_err(|r| LicenseError::signature(r.to_string()).with_provider(PROVIDER))
    }

    /// Checks the signature and timestamp of `body` against `now`: a pure function of its
    /// inputs, each refusal a distinct [`Rejection`].
    pub fn check_at(
        &self,
        headers: &WebhookHeaders<'_>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Rejection> {
        self.inner.check_at(headers, body, now)
    }

    /// The `webhook-signature` Polar's server sends today for this message (legacy key): for
    /// tests and emulators.
    pub fn signature_for(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        self.inner.signature_for(id, timestamp, body)
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

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    fn at() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_614_265_330, 0).unwrap()
    }

    fn check(secret: &str, signature: &str) -> Result<(), Rejection> {
        let headers = WebhookHeaders {
            id: ID,
            timestamp: "1614265330",
            signature,
        };
        WebhookVerifier::new(secret)
            .unwrap()
            .check_at(&headers, BODY, at())
    }

    /// The vectors of `shared/providers/polar/API.md`: Polar's legacy derivation, and the
    /// Standard Webhooks spec's own example.
    #[test]
    fn both_key_derivations_verify() {
        let legacy = "v1,daZTERO8J3G9yTtSkSGov60x0QdkqvekY6YFirQpCOA=";
        let standard = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(check("whsec_test_secret_for_vector", legacy), Ok(()));
        assert_eq!(
            check("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", standard),
            Ok(())
        );
        let crossed = check("whsec_test_secret_for_vector", standard);
        assert_eq!(crossed, Err(Rejection::BadSignature));
        let verifier = WebhookVerifier::new("whsec_test_secret_for_vector").unwrap();
        assert_eq!(verifier.signature_for(ID, 1_614_265_330, BODY), legacy);
        assert!(WebhookVerifier::new("  ").unwrap_err().is_config());
        assert!(!format!("{verifier:?}").contains("test_secret"));
    }
}
