//! Polar (Standard Webhooks, both key derivations): `benefit_grant.*` of license-keys benefits
//! as license events.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use keyward_core::{LicenseError, LicenseKey, LicenseStatus, Provider, RawJson};
use keyward_polar::webhooks::{BenefitGrant, WebhookEvent, WebhookHeaders, WebhookVerifier};

use super::deliveries::{Deliveries, delivery_setters};
use super::kinds::{self, Snapshot};
use super::standard::rejection;
use super::{EventRejection, LicenseEvent, Webhooks};

/// Turns Polar webhook deliveries into reserved [`LicenseEvent`]s (see [`Webhooks`]), for grants
/// of a license-keys benefit (others are `UnknownEvent`): `benefit_grant.created` is `Created`,
/// `.revoked` `Revoked`, `.cycled` `Renewed`, and `.updated` is told from what changed
/// (`Revoked`, `Reinstated` or `Updated`). Events for one grant are applied in the order of
/// Polar's `timestamp`. The event's license has the key's id, the customer and the benefit (as
/// `product.id`), but no key: Polar leaves it out of webhooks (fetch it with
/// [`keyward::polar::LicenseKeys::retrieve`](crate::polar::LicenseKeys::retrieve)).
/// `Debug` never shows the secret.
///
/// ```
/// use keyward::events::{PolarEvents, Webhooks};
///
/// # async fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<u16, keyward_core::LicenseError> {
/// let events = PolarEvents::new("whsec_cG9sYXItZml4dHVyZS1zZWNyZXQ=")?;
/// Ok(match events.verify(headers, body).await {
///     Ok(event) => {
///         /* apply event.kind and event.license to your license state, then: */
///         events.acknowledge(&event).await?;
///         200
///     }
///     Err(rejection) => rejection.http_status(),
/// })
/// # }
/// ```
#[derive(Clone)]
pub struct PolarEvents {
    verifier: WebhookVerifier,
    deliveries: Deliveries,
}

impl fmt::Debug for PolarEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolarEvents")
            .field("verifier", &self.verifier)
            .field("deliveries", &self.deliveries)
            .finish()
    }
}

/// Configures [`PolarEvents`]; [`build`](Self::build) checks it all at once.
pub struct PolarEventsBuilder {
    verifier: Result<WebhookVerifier, LicenseError>,
    tolerance: Duration,
    deliveries: Deliveries,
}

impl fmt::Debug for PolarEventsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolarEventsBuilder")
            .field("tolerance", &self.tolerance)
            .field("deliveries", &self.deliveries)
            .finish_non_exhaustive()
    }
}

impl PolarEvents {
    /// For the endpoint's secret (both of Polar's key derivations accepted), with the defaults
    /// of [`builder`](Self::builder).
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Self::builder(secret).build()
    }

    /// Starts a configuration for the endpoint's secret: the system clock, a 5-minute timestamp
    /// tolerance, an in-memory delivery store and a 60-second lease.
    pub fn builder(secret: &str) -> PolarEventsBuilder {
        PolarEventsBuilder {
            verifier: WebhookVerifier::new(secret),
            tolerance: DEFAULT_TOLERANCE,
            deliveries: Deliveries::default(),
        }
    }
}

/// Polar's (Standard Webhooks') timestamp tolerance, as Polar's SDKs.
const DEFAULT_TOLERANCE: Duration = Duration::minutes(5);

impl PolarEventsBuilder {
    delivery_setters!(provider = "Polar", signed = "a signed timestamp");

    /// The receiver, or a config error: an empty secret, a tolerance or lease that is not
    /// positive, or a store that forgets deliveries sooner than twice the tolerance.
    pub fn build(self) -> Result<PolarEvents, LicenseError> {
        let verifier = self.verifier?;
        self.deliveries.check_tolerance(self.tolerance)?;
        Ok(PolarEvents {
            verifier: verifier
                .with_clock(Arc::clone(&self.deliveries.clock))
                .with_tolerance(self.tolerance),
            deliveries: self.deliveries,
        })
    }
}

#[async_trait]
impl Webhooks for PolarEvents {
    async fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<LicenseEvent, EventRejection> {
        let headers = WebhookHeaders::read(headers).map_err(rejection)?;
        let now = self.deliveries.clock.now();
        self.verifier
            .check_at(&headers, body, now)
            .map_err(rejection)?;
        let parsed = parse(headers.id, body);
        self.deliveries
            .reserve(parsed, now, |event, previous| {
                let told = event.license.as_ref().and_then(|license| {
                    kinds::polar(&event.event_type, previous.as_ref(), &Snapshot::of(license))
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
    let event = WebhookEvent::parse(body).map_err(EventRejection::Malformed)?;
    let raw = RawJson::from_text(String::from_utf8_lossy(body).into_owned());
    let unknown = |raw| EventRejection::UnknownEvent {
        event_type: event.event_type().to_owned(),
        raw,
    };
    let Some(envelope) = event.grant().filter(|e| e.data.is_license_key()) else {
        return Err(unknown(raw));
    };
    let grant = &envelope.data;
    let state = Snapshot {
        status: status(grant),
        expires_at: None,
        activation_limit: None,
    };
    let Some(kind) = kinds::polar(&envelope.event_type, None, &state) else {
        return Err(unknown(raw));
    };
    let mut out = LicenseEvent::new(
        Provider::Polar,
        kind,
        envelope.event_type.clone(),
        delivery_id.to_owned(),
        raw,
    );
    out.occurred_at = envelope.timestamp;
    out.order_key = Some(format!("polar:grant:{}", grant.id));
    out.grant_id = Some(grant.id.clone());
    out.customer_id = Some(grant.customer_id.clone());
    out.license = license(grant);
    Ok(out)
}

fn status(grant: &BenefitGrant) -> LicenseStatus {
    if grant.is_revoked {
        LicenseStatus::Revoked
    } else {
        LicenseStatus::Active
    }
}

/// The license a license-keys grant names, without its key.
fn license(grant: &BenefitGrant) -> Option<LicenseKey> {
    let id = grant.properties.license_key_id.clone()?;
    let mut license = LicenseKey::new(Provider::Polar, id, status(grant));
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
