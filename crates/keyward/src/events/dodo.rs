//! Dodo (Standard Webhooks): `license_key.created` and `entitlement_grant.*` as license events.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use keyward_core::{LicenseError, Provider, RawJson};
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};

use super::deliveries::{Deliveries, delivery_setters};
use super::standard::rejection;
use super::{EventRejection, LicenseEvent, Webhooks, kinds};
use crate::adapters::dodo::mapping;

/// Turns Dodo webhook deliveries into reserved [`LicenseEvent`]s (see [`Webhooks`]). `Debug`
/// never shows the secret.
///
/// ```
/// use keyward::events::{DodoEvents, Webhooks};
///
/// # async fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<u16, keyward_core::LicenseError> {
/// let events = DodoEvents::new("whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=")?;
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
pub struct DodoEvents {
    verifier: WebhookVerifier,
    deliveries: Deliveries,
    test_mode: Option<bool>,
}

impl fmt::Debug for DodoEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DodoEvents")
            .field("verifier", &self.verifier)
            .field("deliveries", &self.deliveries)
            .field("test_mode", &self.test_mode)
            .finish()
    }
}

/// Configures [`DodoEvents`]; [`build`](Self::build) checks it all at once.
pub struct DodoEventsBuilder {
    verifier: Result<WebhookVerifier, LicenseError>,
    tolerance: Duration,
    deliveries: Deliveries,
    test_mode: Option<bool>,
}

impl fmt::Debug for DodoEventsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DodoEventsBuilder")
            .field("tolerance", &self.tolerance)
            .field("deliveries", &self.deliveries)
            .finish_non_exhaustive()
    }
}

impl DodoEvents {
    /// For a `whsec_…` secret, with the defaults of [`builder`](Self::builder). A secret that
    /// is not base64 is a config error.
    pub fn new(secret: &str) -> Result<Self, LicenseError> {
        Self::builder(secret).build()
    }

    /// Starts a configuration for a `whsec_…` secret: the system clock, a 5-minute timestamp
    /// tolerance, an in-memory delivery store and a 60-second lease.
    pub fn builder(secret: &str) -> DodoEventsBuilder {
        DodoEventsBuilder {
            verifier: WebhookVerifier::new(secret),
            tolerance: DEFAULT_TOLERANCE,
            deliveries: Deliveries::default(),
            test_mode: None,
        }
    }
}

/// Dodo's (Standard Webhooks') timestamp tolerance.
const DEFAULT_TOLERANCE: Duration = Duration::minutes(5);

impl DodoEventsBuilder {
    delivery_setters!(provider = "Dodo", signed = "a signed timestamp");

    /// Marks the licenses of these events as test mode or not (Dodo's events do not say; the
    /// secret belongs to one mode).
    #[must_use]
    pub fn test_mode(mut self, test_mode: bool) -> Self {
        self.test_mode = Some(test_mode);
        self
    }

    /// The receiver, or a config error: a secret that is not base64, a tolerance that is not
    /// positive, a lease that is not positive, or a store that forgets deliveries sooner than
    /// twice the tolerance (replays would pass).
    pub fn build(self) -> Result<DodoEvents, LicenseError> {
        let verifier = self.verifier?;
        self.deliveries.check_tolerance(self.tolerance)?;
        Ok(DodoEvents {
            verifier: verifier
                .with_clock(Arc::clone(&self.deliveries.clock))
                .with_tolerance(self.tolerance),
            deliveries: self.deliveries,
            test_mode: self.test_mode,
        })
    }
}

#[async_trait]
impl Webhooks for DodoEvents {
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
        let parsed = self.parse(headers.id, body);
        // Dodo names what happened in the event type: nothing to tell from the kept state.
        self.deliveries.reserve(parsed, now, |_, _| {}).await
    }

    async fn acknowledge(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        self.deliveries.acknowledge(event).await
    }

    async fn release(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        self.deliveries.release(event).await
    }
}

impl DodoEvents {
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
        let Some(kind) = kinds::dodo(event.event_type()) else {
            return Err(EventRejection::UnknownEvent {
                event_type: event.event_type().to_owned(),
                raw,
            });
        };
        let envelope = match &event {
            WebhookEvent::LicenseKeyCreated(created) => {
                let mut out = new(kind, &created.event_type);
                out.occurred_at = Some(created.timestamp);
                out.order_key = Some(format!("dodo:license:{}", created.data.id));
                out.customer_id = Some(created.data.customer_id.clone());
                out.license = Some(mapping::license(&created.data, self.test_mode));
                return Ok(with_test_mode(out, self.test_mode));
            }
            WebhookEvent::GrantCreated(e)
            | WebhookEvent::GrantDelivered(e)
            | WebhookEvent::GrantFailed(e)
            | WebhookEvent::GrantRevoked(e) => e,
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
        out.order_key = Some(format!("dodo:grant:{}", grant.id));
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
