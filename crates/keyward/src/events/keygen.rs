//! Keygen (`Keygen-Signature`, Ed25519 over the endpoint, date and digest): `license.*` and
//! `machine.*` webhooks as license events.

use std::fmt;

use ::keyward_keygen::PublicKey;
use ::keyward_keygen::signatures::{SignatureHeaders, verify};
use ::keyward_keygen::webhooks::{WebhookEndpoint, WebhookEvent};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use keyward_core::{AttachRaw, LicenseError, Provider, RawJson};

use super::deliveries::{Deliveries, delivery_setters};
use super::kinds::{self, Snapshot};
use super::{EventRejection, LicenseEvent, Webhooks};
use crate::adapters::keygen::mapping;

/// Turns Keygen webhook deliveries into reserved [`LicenseEvent`]s (see [`Webhooks`]).
///
/// Keygen signs each delivery with the account's Ed25519 key over `post`, the endpoint's path
/// and host, the `Date` and the body's digest: a delivery is accepted only for the endpoint it
/// was sent to, and only within the tolerance of its signed date. The delivery id is the
/// signed `meta.idempotencyToken` (the same for each retry of an event). Events are ordered by
/// the time Keygen recorded them (the signed `data.attributes.created`), per license
/// (`keygen:license:<id>`) or, for `machine.*` events, per machine (`keygen:machine:<id>`).
///
/// Keygen names most of what happened in the event type (`license.suspended` →
/// [`EventKind::Suspended`](super::EventKind::Suspended), `license.renewed` → `Renewed`,
/// `license.revoked`/`license.deleted` → `Revoked`, …); `license.updated`'s kind is told from
/// what changed since the license's last applied event. `machine.*` events (an activation is
/// `machine.created`, a deactivation `machine.deleted`) are
/// [`EventKind::Updated`](super::EventKind::Updated): there is no activation kind, and the event
/// carries the machine, not the license, so [`LicenseEvent::license`] is `None` (the machine's
/// license id is in [`LicenseEvent::raw`]).
#[derive(Clone)]
pub struct KeygenEvents {
    key: PublicKey,
    endpoint: WebhookEndpoint,
    tolerance: Duration,
    deliveries: Deliveries,
}

impl fmt::Debug for KeygenEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeygenEvents")
            .field("key", &self.key)
            .field("endpoint", &self.endpoint)
            .field("tolerance", &self.tolerance)
            .field("deliveries", &self.deliveries)
            .finish()
    }
}

/// Configures [`KeygenEvents`]; [`build`](Self::build) checks it all at once.
pub struct KeygenEventsBuilder {
    key: Result<PublicKey, LicenseError>,
    endpoint: Result<WebhookEndpoint, LicenseError>,
    tolerance: Duration,
    deliveries: Deliveries,
}

impl fmt::Debug for KeygenEventsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeygenEventsBuilder")
            .field("tolerance", &self.tolerance)
            .field("deliveries", &self.deliveries)
            .finish_non_exhaustive()
    }
}

/// The signed date's tolerance unless changed (keygen-go's `MaxClockDrift`).
const DEFAULT_TOLERANCE: Duration = Duration::minutes(5);

impl KeygenEvents {
    /// For the account's public key (64 hex characters) and the endpoint URL Keygen posts to,
    /// with the defaults of [`builder`](Self::builder).
    pub fn new(public_key: &str, endpoint: &str) -> Result<Self, LicenseError> {
        Self::builder(public_key, endpoint).build()
    }

    /// Starts a configuration: the system clock, a 5-minute tolerance for the signed date, an
    /// in-memory delivery store and a 60-second lease.
    pub fn builder(public_key: &str, endpoint: &str) -> KeygenEventsBuilder {
        KeygenEventsBuilder {
            key: PublicKey::from_hex(public_key),
            endpoint: WebhookEndpoint::new(endpoint),
            tolerance: DEFAULT_TOLERANCE,
            deliveries: Deliveries::default(),
        }
    }
}

impl KeygenEventsBuilder {
    delivery_setters!(provider = "Keygen", signed = "the signed date");

    /// The receiver, or a config error: a public key that is not 32 bytes of hex, an endpoint
    /// that is not a URL, a tolerance or lease that is not positive, or a store that forgets
    /// deliveries sooner than twice the tolerance (replays would pass).
    pub fn build(self) -> Result<KeygenEvents, LicenseError> {
        let key = self.key?;
        let endpoint = self.endpoint?;
        self.deliveries.check_tolerance(self.tolerance)?;
        Ok(KeygenEvents {
            key,
            endpoint,
            tolerance: self.tolerance,
            deliveries: self.deliveries,
        })
    }
}

#[async_trait]
impl Webhooks for KeygenEvents {
    async fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<LicenseEvent, EventRejection> {
        let signed = SignatureHeaders::from_headers(headers);
        for (name, value) in [
            ("keygen-signature", signed.signature),
            ("date", signed.date),
            ("digest", signed.digest),
        ] {
            if value.is_none_or(|v| v.trim().is_empty()) {
                return Err(EventRejection::MissingHeader(name));
            }
        }
        let now = self.deliveries.clock.now();
        // The signature first, over any date; then the signed date against the tolerance.
        let request = self.endpoint.signed_request();
        let signed_at = verify(
            &self.key,
            request,
            signed,
            body,
            now,
            std::time::Duration::MAX,
        )
        .map_err(|_| EventRejection::BadSignature)?;
        if (now - signed_at).abs() > self.tolerance {
            return Err(EventRejection::StaleTimestamp);
        }
        let parsed = parse(body, signed_at);
        self.deliveries
            .reserve(parsed, now, |event, previous| {
                let now = event.license.as_ref().map(Snapshot::of);
                if let Some(kind) =
                    kinds::keygen(&event.event_type, previous.as_ref(), now.as_ref())
                {
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

/// The license event of a verified body (its kind before what changed is known).
fn parse(body: &[u8], signed_at: DateTime<Utc>) -> Result<LicenseEvent, EventRejection> {
    let event = WebhookEvent::parse_unverified(body).map_err(EventRejection::Malformed)?;
    let name = event.attributes.event.clone();
    let Some(kind) = kinds::keygen(&name, None, None) else {
        return Err(EventRejection::UnknownEvent {
            event_type: name,
            raw: event.raw,
        });
    };
    let delivery_id = event
        .idempotency_token()
        .unwrap_or_else(|| event.id.clone());
    let payload = event.payload();
    let data = &payload["data"];
    let mut out = LicenseEvent::new(
        Provider::Keygen,
        kind,
        name.clone(),
        delivery_id,
        event.raw.clone(),
    );
    out.occurred_at = Some(event.attributes.created.unwrap_or(signed_at));
    if name.starts_with("license.") {
        let mut license: ::keyward_keygen::License = serde_json::from_value(data.clone())
            .map_err(|e| malformed(format!("the payload is not a license: {e}")))?;
        license.attach_raw(RawJson::from_value(data.clone()));
        let license = mapping::into_license_key(license);
        out.order_key = Some(format!("keygen:license:{}", license.id));
        out.customer_id = license.customer.id.clone();
        out.license = Some(license);
    } else {
        let id = data["id"]
            .as_str()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| malformed("the payload has no machine id (data.id)".into()))?;
        out.order_key = Some(format!("keygen:machine:{id}"));
    }
    Ok(out)
}

fn malformed(message: String) -> EventRejection {
    EventRejection::Malformed(LicenseError::decode(message).with_provider("keygen"))
}
