//! The step every provider shares after a delivery is verified: reserve it in the
//! [`DeliveryStore`], acknowledge or release it after the handler.
// Used by the providers' events: without them (or one of them), parts stay unused.
#![cfg_attr(
    not(any(
        feature = "dodo",
        feature = "lemonsqueezy",
        feature = "polar",
        feature = "keygen"
    )),
    allow(dead_code)
)]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use keyward_core::{Clock, LicenseError, SystemClock};

use super::kinds::Snapshot;
use super::store::{Delivery, DeliveryStore, Reservation};
use super::{EventRejection, LicenseEvent, MemoryDeliveryStore};

/// The setters every receiver's builder shares, on its `deliveries: Deliveries` field and, with
/// `signed`, its `tolerance: Duration` field: one text for the builders of every provider. A
/// macro rather than a generic builder, so each provider keeps a plain builder type beside its
/// own setters.
#[cfg(any(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "polar",
    feature = "keygen"
))]
macro_rules! delivery_setters {
    (provider = $provider:literal) => {
        /// Judges timestamps, leases and replays with this clock.
        #[must_use]
        pub fn clock(mut self, clock: std::sync::Arc<dyn keyward_core::Clock>) -> Self {
            self.deliveries.clock = clock;
            self
        }

        /// Reserves and remembers deliveries in this store (share one between replicas).
        #[must_use]
        pub fn store(mut self, store: std::sync::Arc<dyn $crate::events::DeliveryStore>) -> Self {
            self.deliveries.store = store;
            self
        }

        #[doc = concat!(
            "How long a reservation holds before ", $provider, "'s retry may take it over ",
            "(default 60 seconds): longer than your handler takes."
        )]
        #[must_use]
        pub fn lease(mut self, lease: chrono::Duration) -> Self {
            self.deliveries.lease = lease;
            self
        }
    };
    (provider = $provider:literal, signed = $signed:literal) => {
        $crate::events::deliveries::delivery_setters!(provider = $provider);

        #[doc = concat!(
            "How far ", $signed, " may be from now (default 5 minutes). The delivery store must ",
            "remember deliveries for at least twice as long, or `build` fails: a delivery signed ",
            "up to `tolerance` in the future is still fresh `2 × tolerance` after it was first seen."
        )]
        #[must_use]
        pub fn tolerance(mut self, tolerance: chrono::Duration) -> Self {
            self.tolerance = tolerance;
            self
        }
    };
}
#[cfg(any(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "polar",
    feature = "keygen"
))]
pub(crate) use delivery_setters;

/// How long a reservation holds by default before a retry may take it over.
pub const DEFAULT_LEASE: Duration = Duration::seconds(60);

/// The delivery store, the lease and the clock of one provider's events.
#[derive(Debug, Clone)]
pub(crate) struct Deliveries {
    pub(crate) store: Arc<dyn DeliveryStore>,
    pub(crate) lease: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Default for Deliveries {
    fn default() -> Self {
        Self {
            store: Arc::new(MemoryDeliveryStore::default()),
            lease: DEFAULT_LEASE,
            clock: Arc::new(SystemClock),
        }
    }
}

impl Deliveries {
    /// Fails unless the lease is positive.
    pub(crate) fn check(&self) -> Result<(), LicenseError> {
        if self.lease <= Duration::zero() {
            return Err(LicenseError::config("the delivery lease must be positive"));
        }
        Ok(())
    }

    /// Fails unless the lease and a signed timestamp's `tolerance` are positive and the store
    /// remembers deliveries for at least twice the tolerance: a delivery signed up to
    /// `tolerance` in the future is still fresh `2 × tolerance` after it was first seen, so a
    /// store that forgets sooner lets replays pass.
    #[cfg_attr(
        not(any(feature = "dodo", feature = "polar", feature = "keygen")),
        allow(dead_code)
    )]
    pub(crate) fn check_tolerance(&self, tolerance: Duration) -> Result<(), LicenseError> {
        if tolerance <= Duration::zero() {
            return Err(LicenseError::config(
                "the timestamp tolerance must be positive",
            ));
        }
        self.check()?;
        let retention = self.store.retention();
        if retention < tolerance * 2 {
            return Err(LicenseError::config(format!(
                "the delivery store remembers deliveries for {}s, less than twice the {}s \
                 timestamp tolerance: replays of fresh deliveries would pass",
                retention.num_seconds(),
                tolerance.num_seconds()
            )));
        }
        Ok(())
    }

    /// Reserves a genuine delivery: a parsed event becomes the caller's to handle unless it was
    /// acknowledged before, is held elsewhere or is stale; `kind` then tells its kind from the
    /// state kept for its key. Malformed and unknown events are not recorded.
    pub(crate) async fn reserve(
        &self,
        parsed: Result<LicenseEvent, EventRejection>,
        now: DateTime<Utc>,
        kind: impl FnOnce(&mut LicenseEvent, Option<Snapshot>),
    ) -> Result<LicenseEvent, EventRejection> {
        let mut event = parsed?;
        let reservation = self
            .store
            .reserve(&self.delivery(&event, now))
            .await
            .map_err(EventRejection::Store)?;
        let delivery_id = || event.delivery_id.clone();
        match reservation {
            Reservation::Reserved { previous } => {
                kind(&mut event, previous.as_deref().and_then(Snapshot::decode));
                Ok(event)
            }
            Reservation::Done => Err(EventRejection::Replayed {
                delivery_id: delivery_id(),
            }),
            Reservation::Busy => Err(EventRejection::InFlight {
                delivery_id: delivery_id(),
            }),
            Reservation::Stale { last_applied } => Err(EventRejection::Stale {
                delivery_id: delivery_id(),
                last_applied,
            }),
        }
    }

    /// Marks a handled event's delivery done and records its license's state for its key.
    pub(crate) async fn acknowledge(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        let state = event.license.as_ref().map(|l| Snapshot::of(l).encode());
        let delivery = self.delivery(event, self.clock.now());
        self.store.acknowledge(&delivery, state.as_deref()).await
    }

    /// Drops a reservation whose handling failed.
    pub(crate) async fn release(&self, event: &LicenseEvent) -> Result<(), LicenseError> {
        let delivery = self.delivery(event, self.clock.now());
        self.store.release(&delivery).await
    }

    fn delivery<'a>(&self, event: &'a LicenseEvent, now: DateTime<Utc>) -> Delivery<'a> {
        Delivery::new(
            &event.delivery_id,
            event.order_key.as_deref(),
            event.occurred_at,
            now,
            self.lease,
        )
    }
}
