//! Where deliveries are reserved and acknowledged: the [`DeliveryStore`] trait.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use keyward_core::LicenseError;

/// One delivery as a [`DeliveryStore`] sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Delivery<'a> {
    /// The delivery's id ([`LicenseEvent::delivery_id`](super::LicenseEvent::delivery_id)).
    pub id: &'a str,
    /// What events are ordered by ([`LicenseEvent::order_key`](super::LicenseEvent::order_key)),
    /// when the event names a license or grant.
    pub key: Option<&'a str>,
    /// When the event happened by the provider's clock, when it says.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Now, by the injected clock.
    pub now: DateTime<Utc>,
    /// How long a reservation holds before a retry may take it over (the holder crashed).
    pub lease: Duration,
}

impl<'a> Delivery<'a> {
    /// A delivery `id` about `key`, which happened at `occurred_at`, seen `now`, reserved for
    /// `lease` (for stores of your own and their tests).
    pub fn new(
        id: &'a str,
        key: Option<&'a str>,
        occurred_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Self {
        Self {
            id,
            key,
            occurred_at,
            now,
            lease,
        }
    }

    /// When a reservation taken now ends.
    pub fn lease_end(&self) -> DateTime<Utc> {
        self.now + self.lease
    }
}

/// What [`DeliveryStore::reserve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reservation {
    /// The delivery is now reserved for this receiver until its lease ends: handle it, then
    /// acknowledge or release it. `previous` is the state the store kept for the key when the
    /// last event for it was acknowledged (what the event changed is told from it).
    Reserved {
        /// The key's state as of the last acknowledged event, if any.
        previous: Option<String>,
    },
    /// The delivery was handled and acknowledged before (a retry or a replay).
    Done,
    /// Another receiver holds this delivery, or another delivery for the same key, and its lease
    /// has not ended: the provider should retry later.
    Busy,
    /// An event for the same key that happened later was applied already: this one is older.
    Stale {
        /// When the last applied event for the key happened.
        last_applied: DateTime<Utc>,
    },
}

/// Reserves deliveries before they are handled and remembers them once acknowledged, so that
/// each delivery is handled at least once, a replay is recognised, and events for one key are
/// applied in the provider's order. Implement it over a store every receiver shares when
/// several processes take the same webhooks ([`MemoryDeliveryStore`](super::MemoryDeliveryStore)
/// is the in-process default; `RedisDeliveryStore` with the `redis` feature).
///
/// Every call is one atomic step in the store.
#[async_trait]
pub trait DeliveryStore: Send + Sync + std::fmt::Debug {
    /// How long an acknowledged delivery is remembered (replays within it are caught).
    fn retention(&self) -> Duration;

    /// Reserves `delivery` unless it was acknowledged already, someone else holds it or its key
    /// (until their lease ends), or a later event for its key was applied. An `Err` means the
    /// store could not tell.
    async fn reserve(&self, delivery: &Delivery<'_>) -> Result<Reservation, LicenseError>;

    /// Marks `delivery` as handled (remembered for [`retention`](Self::retention)), frees its
    /// key, and, unless a later event for the key was applied meanwhile, records its time and
    /// `state` as the key's last applied.
    async fn acknowledge(
        &self,
        delivery: &Delivery<'_>,
        state: Option<&str>,
    ) -> Result<(), LicenseError>;

    /// Drops the reservation of `delivery` (handling failed), so the provider's retry is
    /// accepted at once. Does nothing to an acknowledged delivery.
    async fn release(&self, delivery: &Delivery<'_>) -> Result<(), LicenseError>;
}
