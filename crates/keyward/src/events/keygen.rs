//! Keygen (`Keygen-Signature`, Ed25519 over the endpoint, date and digest): `license.*` and
//! `machine.*` webhooks as license events.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::keyward_keygen::PublicKey;
use ::keyward_keygen::signatures::{SignatureHeaders, verify};
use ::keyward_keygen::webhooks::{WebhookEndpoint, WebhookEvent};
use keyward_core::{Clock, LicenseError, Provider, RawJson, SystemClock};

use super::{EventKind, EventRejection, LicenseEvent, MemorySeenStore, SeenStore, first_delivery};
use crate::adapters::keygen::mapping;

/// The signed date's tolerance unless changed (keygen-go's `MaxClockDrift`).
const TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Turns Keygen webhook deliveries into [`LicenseEvent`]s.
///
/// Keygen signs each delivery with the account's Ed25519 key over `post`, the endpoint's path
/// and host, the `Date` and the body's digest: a delivery is accepted only for the endpoint it
/// was sent to, and only within the tolerance of its signed date. The delivery id is the
/// signed `meta.idempotencyToken` (the same for each retry of an event). `license.created` is
/// [`EventKind::Created`], `license.revoked` and `license.deleted` [`EventKind::Revoked`], any
/// other `license.*` and the `machine.*` events [`EventKind::Updated`] (a machine event carries
/// the machine, not the license: [`LicenseEvent::license`] is `None` then).
#[derive(Clone)]
pub struct KeygenEvents {
    key: PublicKey,
    endpoint: WebhookEndpoint,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
    store: Arc<dyn SeenStore>,
}

impl fmt::Debug for KeygenEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeygenEvents")
            .field("key", &self.key)
            .field("endpoint", &self.endpoint)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl KeygenEvents {
    /// For the account's public key (64 hex characters) and the endpoint URL Keygen posts to;
    /// the system clock and an in-memory seen-store.
    pub fn new(public_key: &str, endpoint: &str) -> Result<Self, LicenseError> {
        Ok(Self {
            key: PublicKey::from_hex(public_key)?,
            endpoint: WebhookEndpoint::new(endpoint)?,
            tolerance: TOLERANCE,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemorySeenStore::default()),
        })
    }

    /// Judges the signed date with this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Changes the signed date's tolerance (default 5 minutes).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Remembers deliveries in this store (share one between processes).
    #[must_use]
    pub fn with_seen_store(mut self, store: Arc<dyn SeenStore>) -> Self {
        self.store = store;
        self
    }

    /// Forgets a delivery this verifier returned, so Keygen's retry of it is accepted.
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
        let now = self.clock.now();
        // The signature first, over any date; then the signed date against the tolerance.
        let request = self.endpoint.signed_request();
        let signed_at = verify(&self.key, request, signed, body, now, Duration::MAX)
            .map_err(|_| EventRejection::BadSignature)?;
        let tolerance = chrono::Duration::from_std(self.tolerance).unwrap_or(chrono::Duration::MAX);
        if (now - signed_at).abs() > tolerance {
            return Err(EventRejection::StaleTimestamp);
        }
        let event = WebhookEvent::parse_unverified(body).map_err(EventRejection::Malformed)?;
        let delivery_id = event
            .idempotency_token()
            .unwrap_or_else(|| event.id.clone());
        let parsed = parse(&delivery_id, event, signed_at);
        first_delivery(self.store.as_ref(), &delivery_id, now, parsed).await
    }
}

/// The license event of a verified delivery.
fn parse(
    delivery_id: &str,
    event: WebhookEvent,
    signed_at: chrono::DateTime<chrono::Utc>,
) -> Result<LicenseEvent, EventRejection> {
    let name = event.attributes.event.clone();
    let kind = match name.as_str() {
        "license.created" => EventKind::Created,
        "license.revoked" | "license.deleted" => EventKind::Revoked,
        other if other.starts_with("license.") || other.starts_with("machine.") => {
            EventKind::Updated
        }
        _ => {
            return Err(EventRejection::UnknownEvent {
                event_type: name,
                raw: event.raw,
            });
        }
    };
    let payload = event.payload();
    let mut out = LicenseEvent::new(
        Provider::Keygen,
        kind,
        name.clone(),
        delivery_id.to_owned(),
        event.raw.clone(),
    );
    out.occurred_at = Some(signed_at);
    if name.starts_with("license.") {
        let license: ::keyward_keygen::License = serde_json::from_value(payload["data"].clone())
            .map_err(|e| {
                EventRejection::Malformed(
                    LicenseError::decode(format!("the payload is not a license: {e}"))
                        .with_provider("keygen"),
                )
            })?;
        let mut license = license;
        keyward_core::AttachRaw::attach_raw(
            &mut license,
            RawJson::from_value(payload["data"].clone()),
        );
        let license = mapping::into_license_key(license);
        out.customer_id = license.customer.id.clone();
        out.license = Some(license);
    }
    Ok(out)
}
