//! One license-event stream from the providers' webhooks: [`LicenseEvent`].
//!
//! Each provider has one verify-and-parse call taking the raw request headers and body bytes:
//! [`DodoEvents`] and [`PolarEvents`] (Standard Webhooks; Polar under both of its key
//! derivations), [`LemonSqueezyEvents`] (`X-Signature`) and `KeygenEvents`
//! (`Keygen-Signature`), all through the [`Webhooks`] trait. The signature is checked over the
//! exact bytes received and the event is parsed only from those bytes. Every refusal is a
//! distinct [`EventRejection`] (bad signature, stale timestamp, replayed, stale or in-flight
//! delivery, unknown event type, …); no body or header makes these calls panic.
//!
//! Deliveries are handled at least once: `verify` reserves the delivery in a [`DeliveryStore`],
//! the app's handler applies the event, then [`Webhooks::acknowledge`] marks it done (or
//! [`Webhooks::release`] frees it when handling failed). A reservation never acknowledged (the
//! process crashed) lapses after its lease, and the provider's retry is accepted again. Events
//! for one license are applied in the provider's order: one older than the last applied is
//! [`EventRejection::Stale`]. The store is in memory by default ([`MemoryDeliveryStore`]);
//! replicas share one in Redis (`RedisDeliveryStore`, feature `redis`). With the `axum`
//! feature, [`axum::webhook`] does all of it in one route; [`receive`] is the same sequence
//! for any other framework.

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod deliveries;
#[cfg(feature = "dodo")]
mod dodo;
#[cfg(feature = "keygen")]
mod keygen;
mod kinds;
#[cfg(feature = "lemonsqueezy")]
mod lemonsqueezy;
mod memory;
#[cfg(feature = "polar")]
mod polar;
mod receive;
#[cfg(feature = "redis")]
mod redis;
mod rejection;
#[cfg(any(feature = "dodo", feature = "polar"))]
mod standard;
mod store;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, LicenseKey, Provider, RawJson};

pub use self::deliveries::DEFAULT_LEASE;
#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub use self::dodo::{DodoEvents, DodoEventsBuilder};
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub use self::keygen::{KeygenEvents, KeygenEventsBuilder};
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub use self::lemonsqueezy::{LemonSqueezyEvents, LemonSqueezyEventsBuilder};
pub use self::memory::{DEFAULT_CAPACITY, DEFAULT_RETENTION, MemoryDeliveryStore};
#[cfg(feature = "polar")]
#[cfg_attr(docsrs, doc(cfg(feature = "polar")))]
pub use self::polar::{PolarEvents, PolarEventsBuilder};
pub use self::receive::{Receipt, receive};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{RedisDeliveryStore, RedisDeliveryStoreBuilder};
pub use self::rejection::EventRejection;
pub use self::store::{Delivery, DeliveryStore, Reservation};

/// A provider's webhook receiver: verify a delivery into a reserved [`LicenseEvent`], then
/// acknowledge it once handled or release it when handling failed.
#[async_trait]
pub trait Webhooks: Send + Sync {
    /// Verifies a delivery (the headers and the exact body bytes received), turns it into a
    /// [`LicenseEvent`] and reserves it; every refusal is its own [`EventRejection`].
    async fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<LicenseEvent, EventRejection>;

    /// Marks the event's delivery done once the app applied it (a retry or replay is then
    /// [`EventRejection::Replayed`]) and records the license's state for its key.
    async fn acknowledge(&self, event: &LicenseEvent) -> Result<(), LicenseError>;

    /// Frees the event's delivery when applying it failed, so the provider's retry is accepted
    /// at once (answer the provider an error status).
    async fn release(&self, event: &LicenseEvent) -> Result<(), LicenseError>;
}

/// What happened to a license, in words common to every provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// A license (or a Dodo grant, possibly still pending) was created.
    Created,
    /// A license changed in a way that neither ends nor restores access (its activation limit,
    /// an activation, its expiry moved earlier); [`LicenseEvent::license`] holds its state now.
    /// Keygen's `machine.*` events (an activation is `machine.created`, a deactivation
    /// `machine.deleted`) are `Updated` too, with no license: they carry the machine.
    Updated,
    /// A key was delivered to a grant (Dodo `entitlement_grant.delivered`).
    Delivered,
    /// Delivering a grant failed (Dodo `entitlement_grant.failed`; see
    /// [`LicenseEvent::error_code`] and [`LicenseEvent::reason`]).
    Failed,
    /// A grant was revoked for good and its key no longer works (Dodo
    /// `entitlement_grant.revoked`, Polar `benefit_grant.revoked`).
    Revoked,
    /// The seller turned the license off; it may be turned on again (Lemon Squeezy: disabled).
    Suspended,
    /// A license that was turned off works again (Lemon Squeezy: re-enabled).
    Reinstated,
    /// The license expired.
    Expired,
    /// The license's term was extended: no longer expired, or its expiry moved later or away.
    Renewed,
}

/// A verified license event from a provider's webhook.
///
/// `Debug` never shows the license key or the raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseEvent {
    /// Which provider sent it.
    pub provider: Provider,
    /// What happened.
    pub kind: EventKind,
    /// The event type as the provider names it (`entitlement_grant.revoked`,
    /// `license_key_updated`, `benefit_grant.revoked`).
    pub event_type: String,
    /// What identifies this delivery: Dodo's and Polar's `webhook-id`; for Lemon Squeezy, whose
    /// deliveries carry no id, the `X-Signature` (the same for the same bytes, so a redelivery
    /// repeats it); Keygen's `meta.idempotencyToken`.
    pub delivery_id: String,
    /// When the event happened, when the provider says (Dodo's and Polar's `timestamp`, Lemon
    /// Squeezy's `updated_at`, Keygen's event `created`): events for one
    /// [`order_key`](Self::order_key) are applied in this order.
    pub occurred_at: Option<DateTime<Utc>>,
    /// What the provider's events are ordered by: the license (or Dodo or Polar grant) they are
    /// about, prefixed by the provider (`lemonsqueezy:license:42`, `dodo:grant:entg_…`,
    /// `polar:grant:…`, `keygen:license:…`, `keygen:machine:…`).
    pub order_key: Option<String>,
    /// The license the event is about, in the neutral model; `None` when the event carries no key
    /// (a pending or failed Dodo grant).
    pub license: Option<LicenseKey>,
    /// The grant for Dodo's `entitlement_grant.*` (`entg_…`) and Polar's `benefit_grant.*`
    /// events.
    pub grant_id: Option<String>,
    /// The customer, when the event names one.
    pub customer_id: Option<String>,
    /// Why: a revocation reason or a delivery failure's message.
    pub reason: Option<String>,
    /// A delivery failure's machine-readable code.
    pub error_code: Option<String>,
    /// Whether the event comes from test mode, when the provider says.
    pub test_mode: Option<bool>,
    /// The whole event as received (secrets included: never log it).
    pub raw: RawJson,
}

impl LicenseEvent {
    #[cfg_attr(
        not(any(
            feature = "dodo",
            feature = "lemonsqueezy",
            feature = "polar",
            feature = "keygen"
        )),
        allow(dead_code)
    )]
    pub(crate) fn new(
        provider: Provider,
        kind: EventKind,
        event_type: String,
        delivery_id: String,
        raw: RawJson,
    ) -> Self {
        Self {
            provider,
            kind,
            event_type,
            delivery_id,
            occurred_at: None,
            order_key: None,
            license: None,
            grant_id: None,
            customer_id: None,
            reason: None,
            error_code: None,
            test_mode: None,
            raw,
        }
    }
}
