//! Lemon Squeezy (`X-Signature`): `license_key_created` and `license_key_updated` as license
//! events, `license_key_updated`'s kind told from what changed.

use std::fmt;

use ::keyward_lemonsqueezy::webhooks::{self, WebhookEvent, WebhookKind, WebhookSecret};
use async_trait::async_trait;
use keyward_core::{LicenseError, Provider, RawJson};

use super::deliveries::{Deliveries, delivery_setters};
use super::kinds::{self, Snapshot};
use super::{EventKind, EventRejection, LicenseEvent, Webhooks};
use crate::adapters::lemonsqueezy::mapping;

/// Turns Lemon Squeezy webhook deliveries into reserved [`LicenseEvent`]s (see [`Webhooks`]).
/// `Debug` never shows the secret.
///
/// Lemon Squeezy signs the body only: no timestamp (so no staleness check) and no delivery id.
/// The verified `X-Signature` stands for the delivery id: a redelivery of the same bytes repeats
/// it and is reported as [`EventRejection::Replayed`]. An old body replayed after the store
/// forgot it is [`EventRejection::Stale`] once a later event for its license was applied (events
/// are ordered by the license's signed `updated_at`). The `X-Event-Name` header is not signed, so
/// the event type is read from the signed body (`meta.event_name`). `license_key_updated` does
/// not say what changed: its kind is told from the state kept for the license when its last
/// event was applied (disabled → `Suspended`, re-enabled → `Reinstated`, expired → `Expired`,
/// expiry moved later → `Renewed`, anything else → `Updated`).
#[derive(Clone)]
pub struct LemonSqueezyEvents {
    secret: WebhookSecret,
    deliveries: Deliveries,
}

impl fmt::Debug for LemonSqueezyEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LemonSqueezyEvents")
            .field("secret", &self.secret)
            .field("deliveries", &self.deliveries)
            .finish()
    }
}

/// Configures [`LemonSqueezyEvents`]; [`build`](Self::build) checks it all at once.
pub struct LemonSqueezyEventsBuilder {
    secret: Result<WebhookSecret, LicenseError>,
    deliveries: Deliveries,
}

impl fmt::Debug for LemonSqueezyEventsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LemonSqueezyEventsBuilder")
            .field("deliveries", &self.deliveries)
            .finish_non_exhaustive()
    }
}

impl LemonSqueezyEvents {
    /// For a webhook signing secret, with the defaults of [`builder`](Self::builder). An empty
    /// secret is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Self::builder(secret).build()
    }

    /// Starts a configuration for a signing secret: the system clock, an in-memory delivery
    /// store and a 60-second lease.
    pub fn builder(secret: &str) -> LemonSqueezyEventsBuilder {
        LemonSqueezyEventsBuilder {
            secret: WebhookSecret::new(secret),
            deliveries: Deliveries::default(),
        }
    }
}

impl LemonSqueezyEventsBuilder {
    delivery_setters!(provider = "Lemon Squeezy");

    /// The receiver, or a config error: an empty secret or a lease that is not positive.
    pub fn build(self) -> Result<LemonSqueezyEvents, LicenseError> {
        let secret = self.secret?;
        self.deliveries.check()?;
        Ok(LemonSqueezyEvents {
            secret,
            deliveries: self.deliveries,
        })
    }
}

#[async_trait]
impl Webhooks for LemonSqueezyEvents {
    async fn verify(
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
        let now = self.deliveries.clock.now();
        let parsed = parse(&signature, body);
        self.deliveries
            .reserve(parsed, now, |event, previous| {
                let now = event.license.as_ref().map(Snapshot::of);
                let told = now.and_then(|now| {
                    kinds::lemonsqueezy(&event.event_type, previous.as_ref(), &now)
                });
                if let Some(kind) = told {
                    event.kind = kind;
                }
            })
            .await
    }

    async fn acknowledge(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        self.deliveries.acknowledge(event).await
    }

    async fn release(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        self.deliveries.release(event).await
    }
}

/// The event of a verified body (its kind before what changed is known).
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
    out.order_key = Some(format!("lemonsqueezy:license:{}", license.id));
    out.customer_id = license.customer.id.clone();
    out.test_mode = Some(event.meta.test_mode);
    out.license = Some(license);
    Ok(out)
}
