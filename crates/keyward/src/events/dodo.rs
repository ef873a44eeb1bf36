//! Dodo (Standard Webhooks): `license_key.created` and `entitlement_grant.*` as license events.

use std::fmt;
use std::sync::Arc;

use chrono::Duration;
use keyward_core::{Clock, LicenseError, Provider, RawJson};
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};

use super::{
    EventKind, EventRejection, LicenseEvent, MemorySeenStore, SeenStore, first_delivery,
    standard_rejection,
};
use crate::adapters::dodo::mapping;

/// Turns Dodo webhook deliveries into [`LicenseEvent`]s. `Debug` never shows the secret.
///
/// ```
/// use keyward::events::{DodoEvents, EventRejection};
///
/// # async fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<u16, keyward_core::LicenseError> {
/// let events = DodoEvents::new("whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=")?;
/// Ok(match events.verify(headers, body).await {
///     Ok(event) => { /* update your license state from event.kind and event.license */ 200 }
///     Err(rejection) => rejection.http_status(),
/// })
/// # }
/// ```
#[derive(Clone)]
pub struct DodoEvents {
    verifier: WebhookVerifier,
    store: Arc<dyn SeenStore>,
    test_mode: Option<bool>,
}

impl fmt::Debug for DodoEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DodoEvents")
            .field("verifier", &self.verifier)
            .field("test_mode", &self.test_mode)
            .finish_non_exhaustive()
    }
}

impl DodoEvents {
    /// For a `whsec_…` secret, with the system clock, a 5-minute tolerance and an in-memory
    /// seen-store. A secret that is not base64 is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Ok(Self {
            verifier: WebhookVerifier::new(secret)?,
            store: Arc::new(MemorySeenStore::default()),
            test_mode: None,
        })
    }

    /// Judges timestamps and replays with this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.verifier = self.verifier.with_clock(clock);
        self
    }

    /// Changes the timestamp tolerance (default 5 minutes).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.verifier = self.verifier.with_tolerance(tolerance);
        self
    }

    /// Remembers deliveries in this store (share one between processes).
    #[must_use]
    pub fn with_seen_store(mut self, store: Arc<dyn SeenStore>) -> Self {
        self.store = store;
        self
    }

    /// Marks the licenses of these events as test mode or not (Dodo's events do not say; the
    /// secret belongs to one mode).
    #[must_use]
    pub fn with_test_mode(mut self, test_mode: bool) -> Self {
        self.test_mode = Some(test_mode);
        self
    }

    /// Forgets a delivery this verifier returned, so the provider's retry of it is accepted:
    /// call it when handling the event failed and you answer an error.
    pub async fn release(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        self.store.forget(&event.delivery_id).await
    }

    /// Verifies a delivery (the headers and the exact body bytes received) and turns it into a
    /// [`LicenseEvent`]; every refusal is its own [`EventRejection`].
    pub async fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<LicenseEvent, EventRejection> {
        let headers = WebhookHeaders::read(headers).map_err(standard_rejection)?;
        let now = self.verifier.clock().now();
        self.verifier
            .check_at(&headers, body, now)
            .map_err(standard_rejection)?;
        let parsed = self.parse(headers.id, body);
        first_delivery(self.store.as_ref(), headers.id, now, parsed).await
    }

    /// The event of a verified body.
    fn parse(&self, delivery_id: &str, body: &[u8]) -> Result<LicenseEvent, EventRejection> {
        let event = WebhookEvent::parse(body).map_err(EventRejection::Malformed)?;
        let raw = RawJson::from_text(String::from_utf8_lossy(body).into_owned());
        let new = |kind, event_type: &str| {
            LicenseEvent::new(
                Provider::Dodo,
                kind,
                event_type.to_owned(),
                delivery_id.to_owned(),
                raw.clone(),
            )
        };
        let (kind, envelope) = match &event {
            WebhookEvent::LicenseKeyCreated(created) => {
                let mut out = new(EventKind::Created, &created.event_type);
                out.occurred_at = Some(created.timestamp);
                out.customer_id = Some(created.data.customer_id.clone());
                out.license = Some(mapping::license(&created.data, self.test_mode));
                return Ok(with_test_mode(out, self.test_mode));
            }
            WebhookEvent::GrantCreated(e) => (EventKind::Created, e),
            WebhookEvent::GrantDelivered(e) => (EventKind::Delivered, e),
            WebhookEvent::GrantFailed(e) => (EventKind::Failed, e),
            WebhookEvent::GrantRevoked(e) => (EventKind::Revoked, e),
            _ => {
                return Err(EventRejection::UnknownEvent {
                    event_type: event.event_type().to_owned(),
                    raw,
                });
            }
        };
        let grant = &envelope.data;
        let mut out = new(kind, &envelope.event_type);
        out.occurred_at = Some(envelope.timestamp);
        out.grant_id = Some(grant.id.clone());
        out.customer_id = Some(grant.customer_id.clone());
        out.reason = grant
            .revocation_reason
            .clone()
            .or_else(|| grant.error_message.clone());
        out.error_code = grant.error_code.clone();
        out.license = mapping::license_from_grant(grant, self.test_mode);
        Ok(with_test_mode(out, self.test_mode))
    }
}

fn with_test_mode(mut event: LicenseEvent, test_mode: Option<bool>) -> LicenseEvent {
    event.test_mode = test_mode;
    event
}
