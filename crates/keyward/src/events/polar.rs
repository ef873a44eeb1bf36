//! Polar (Standard Webhooks, both key derivations): `benefit_grant.*` of license-keys benefits
//! as license events.

use std::fmt;
use std::sync::Arc;

use chrono::Duration;
use keyward_core::{Clock, LicenseError, LicenseKey, LicenseStatus, Provider, RawJson};
use keyward_polar::webhooks::{BenefitGrant, WebhookEvent, WebhookHeaders, WebhookVerifier};

use super::{
    EventKind, EventRejection, LicenseEvent, MemorySeenStore, SeenStore, first_delivery,
    standard_rejection,
};

/// Turns Polar webhook deliveries into [`LicenseEvent`]s: `benefit_grant.created` is
/// `Created`, `.updated` and `.cycled` are `Updated`, `.revoked` is `Revoked`, for grants of a
/// license-keys benefit (others are `UnknownEvent`). The event's license has the key's id, the
/// customer and the benefit (as `product.id`), but no key: Polar leaves it out of webhooks
/// (fetch it with [`keyward::polar::LicenseKeys::retrieve`](crate::polar::LicenseKeys::retrieve)).
/// `Debug` never shows the secret.
///
/// ```
/// use keyward::events::PolarEvents;
///
/// # async fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<u16, keyward_core::LicenseError> {
/// let events = PolarEvents::new("whsec_…your endpoint's secret")?;
/// Ok(match events.verify(headers, body).await {
///     Ok(event) => { /* event.kind, event.license */ 200 }
///     Err(rejection) => rejection.http_status(),
/// })
/// # }
/// ```
#[derive(Clone)]
pub struct PolarEvents {
    verifier: WebhookVerifier,
    store: Arc<dyn SeenStore>,
}

impl fmt::Debug for PolarEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolarEvents")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

impl PolarEvents {
    /// For the endpoint's secret (both of Polar's key derivations accepted), with the system
    /// clock, a 5-minute tolerance and an in-memory seen-store.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Ok(Self {
            verifier: WebhookVerifier::new(secret)?,
            store: Arc::new(MemorySeenStore::default()),
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

    /// Forgets a delivery this verifier returned, so Polar's retry of it is accepted.
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
        let parsed = parse(headers.id, body);
        first_delivery(self.store.as_ref(), headers.id, now, parsed).await
    }
}

/// The event of a verified body.
fn parse(delivery_id: &str, body: &[u8]) -> Result<LicenseEvent, EventRejection> {
    let event = WebhookEvent::parse(body).map_err(EventRejection::Malformed)?;
    let raw = RawJson::from_text(String::from_utf8_lossy(body).into_owned());
    let kind = match &event {
        WebhookEvent::GrantCreated(_) => Some(EventKind::Created),
        WebhookEvent::GrantUpdated(_) | WebhookEvent::GrantCycled(_) => Some(EventKind::Updated),
        WebhookEvent::GrantRevoked(_) => Some(EventKind::Revoked),
        _ => None,
    };
    let license_grant = event.grant().filter(|e| e.data.is_license_key());
    let (Some(kind), Some(envelope)) = (kind, license_grant) else {
        return Err(EventRejection::UnknownEvent {
            event_type: event.event_type().to_owned(),
            raw,
        });
    };
    let grant = &envelope.data;
    let mut out = LicenseEvent::new(
        Provider::Polar,
        kind,
        envelope.event_type.clone(),
        delivery_id.to_owned(),
        raw,
    );
    out.occurred_at = envelope.timestamp;
    out.grant_id = Some(grant.id.clone());
    out.customer_id = Some(grant.customer_id.clone());
    out.license = license(grant);
    Ok(out)
}

/// The license a license-keys grant names, without its key.
fn license(grant: &BenefitGrant) -> Option<LicenseKey> {
    let id = grant.properties.license_key_id.clone()?;
    let status = if grant.is_revoked {
        LicenseStatus::Revoked
    } else {
        LicenseStatus::Active
    };
    let mut license = LicenseKey::new(Provider::Polar, id, status);
    license.customer.id = Some(grant.customer_id.clone());
    license.customer.email.clone_from(&grant.customer_email);
    license.product.id = Some(grant.benefit_id.clone());
    license.purchase.order_id.clone_from(&grant.order_id);
    license
        .purchase
        .subscription_id
        .clone_from(&grant.subscription_id);
    Some(license)
}
