//! Lemon Squeezy (`X-Signature`): `license_key_created` and `license_key_updated` as license
//! events.

use std::fmt;
use std::sync::Arc;

use ::keyward_lemonsqueezy::webhooks::{self, WebhookEvent, WebhookKind, WebhookSecret};
use keyward_core::{Clock, LicenseError, Provider, RawJson, SystemClock};

use super::{EventKind, EventRejection, LicenseEvent, MemorySeenStore, SeenStore, first_delivery};
use crate::adapters::lemonsqueezy::mapping;

/// Turns Lemon Squeezy webhook deliveries into [`LicenseEvent`]s. `Debug` never shows the secret.
///
/// Lemon Squeezy signs the body only: no timestamp (so no staleness check) and no delivery id.
/// The verified `X-Signature` stands for the delivery id: a redelivery of the same bytes repeats
/// it and is reported as [`EventRejection::Replayed`]. The `X-Event-Name` header is not signed,
/// so the event type is read from the signed body (`meta.event_name`).
#[derive(Clone)]
pub struct LemonSqueezyEvents {
    secret: WebhookSecret,
    clock: Arc<dyn Clock>,
    store: Arc<dyn SeenStore>,
}

impl fmt::Debug for LemonSqueezyEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LemonSqueezyEvents")
            .field("secret", &self.secret)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl LemonSqueezyEvents {
    /// For a webhook signing secret, with the system clock and an in-memory seen-store. An empty
    /// secret is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Ok(Self {
            secret: WebhookSecret::new(secret)?,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemorySeenStore::default()),
        })
    }

    /// Judges replays with this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Remembers deliveries in this store (share one between processes).
    #[must_use]
    pub fn with_seen_store(mut self, store: Arc<dyn SeenStore>) -> Self {
        self.store = store;
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
        let signature = headers
            .get("x-signature")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .ok_or(EventRejection::MissingHeader("x-signature"))?;
        webhooks::verify_signature(&self.secret, body, &signature)
            .map_err(|_| EventRejection::BadSignature)?;
        let now = self.clock.now();
        let parsed = parse(&signature, body);
        first_delivery(self.store.as_ref(), &signature, now, parsed).await
    }
}

/// The event of a verified body.
fn parse(delivery_id: &str, body: &[u8]) -> Result<LicenseEvent, EventRejection> {
    let event = WebhookEvent::parse_unverified(body).map_err(EventRejection::Malformed)?;
    let raw = RawJson::from_text(String::from_utf8_lossy(body).into_owned());
    let (kind, key) = match &event.kind {
        WebhookKind::LicenseKeyCreated(key) => (EventKind::Created, key),
        WebhookKind::LicenseKeyUpdated(key) => (EventKind::Updated, key),
        _ => {
            return Err(EventRejection::UnknownEvent {
                event_type: event.meta.event_name.clone(),
                raw,
            });
        }
    };
    let license = mapping::license(key);
    let mut out = LicenseEvent::new(
        Provider::LemonSqueezy,
        kind,
        event.meta.event_name.clone(),
        delivery_id.to_owned(),
        raw,
    );
    out.occurred_at = license.updated_at;
    out.customer_id = license.customer.id.clone();
    out.test_mode = Some(event.meta.test_mode);
    out.license = Some(license);
    Ok(out)
}
