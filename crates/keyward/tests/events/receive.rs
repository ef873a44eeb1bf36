//! `receive`: the whole sequence, with the handler failing and the acknowledgement failing.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use keyward::LicenseError;
use keyward::events::{
    DEFAULT_LEASE, Delivery, DeliveryStore, DodoEvents, EventRejection, MemoryDeliveryStore,
    Receipt, Reservation, receive,
};

use super::dodo_events::{NOW, SECRET, signed};
use super::{clock, fixture};

/// The memory store, but its next acknowledgement fails (Redis went away at that moment).
#[derive(Debug, Default)]
struct AckFailsOnce {
    inner: MemoryDeliveryStore,
    failed: AtomicBool,
}

#[async_trait]
impl DeliveryStore for AckFailsOnce {
    fn retention(&self) -> chrono::Duration {
        self.inner.retention()
    }

    async fn reserve(&self, delivery: &Delivery<'_>) -> Result<Reservation, LicenseError> {
        self.inner.reserve(delivery).await
    }

    async fn acknowledge(&self, d: &Delivery<'_>, state: Option<&str>) -> Result<(), LicenseError> {
        if !self.failed.swap(true, Ordering::SeqCst) {
            return Err(LicenseError::config("the store went away"));
        }
        self.inner.acknowledge(d, state).await
    }

    async fn release(&self, delivery: &Delivery<'_>) -> Result<(), LicenseError> {
        self.inner.release(delivery).await
    }
}

#[tokio::test]
async fn a_failed_handler_is_retried_at_once_and_a_failed_acknowledgement_after_the_lease() {
    let body = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let body = body.as_bytes();
    let clock = clock(NOW);
    let events = DodoEvents::builder(SECRET)
        .clock(clock.clone())
        .store(Arc::new(AckFailsOnce::default()))
        .build()
        .unwrap();
    let headers = signed("msg_r", NOW, body);
    let runs = AtomicU32::new(0);
    // The app's idempotent apply: an effect per delivery id, however often it runs.
    let effects = Mutex::new(HashSet::new());
    let apply = |fail: bool| {
        let (runs, effects) = (&runs, &effects);
        move |event: keyward::LicenseEvent| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            if fail {
                return Err("the database is down");
            }
            effects.lock().unwrap().insert(event.delivery_id);
            Ok(())
        }
    };

    let failed = receive(&events, &headers, body, apply(true)).await;
    assert!(matches!(failed, Receipt::HandlerFailed), "{failed:?}");
    assert_eq!(failed.http_status(), 500);
    let unacknowledged = receive(&events, &headers, body, apply(false)).await;
    assert!(matches!(unacknowledged, Receipt::NotAcknowledged(_)));
    assert_eq!(unacknowledged.http_status(), 503, "the provider retries");
    let busy = receive(&events, &headers, body, apply(false)).await;
    assert!(matches!(
        busy,
        Receipt::Rejected(EventRejection::InFlight { .. })
    ));
    clock.advance(DEFAULT_LEASE);
    let applied = receive(&events, &headers, body, apply(false)).await;
    assert!(matches!(applied, Receipt::Applied), "{applied:?}");
    assert_eq!(applied.http_status(), 200);
    let replay = receive(&events, &headers, body, apply(false)).await;
    assert!(matches!(
        replay,
        Receipt::Rejected(EventRejection::Replayed { .. })
    ));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "failed, unacknowledged, applied"
    );
    assert_eq!(effects.lock().unwrap().len(), 1, "one effect");
}
