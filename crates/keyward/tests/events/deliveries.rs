//! Deliveries reserved, acknowledged, released, taken over after a lease, ordered per license;
//! a store that forgets too soon refused at build.

use std::sync::Arc;

use keyward::events::{DodoEvents, EventRejection, MemoryDeliveryStore, Webhooks};
use serde_json::Value;

use super::dodo_events::{NOW, SECRET, builder, events, signed};
use super::{clock, fixture};

#[tokio::test]
async fn a_delivery_is_reserved_then_acknowledged_across_receivers_sharing_a_store() {
    let body = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let body = body.as_bytes();
    let store = Arc::new(MemoryDeliveryStore::default());
    let with_store = || builder().store(store.clone()).build().unwrap();
    let (first, second) = (with_store(), with_store());
    let delivery = signed("msg_dup", NOW, body);
    let event = first.verify(&delivery, body).await.unwrap();
    let busy = second.verify(&delivery, body).await.unwrap_err();
    assert!(matches!(busy, EventRejection::InFlight { .. }), "{busy:?}");
    assert_eq!(busy.http_status(), 409, "the provider retries later");
    first.acknowledge(&event).await.unwrap();
    let replay = second.verify(&delivery, body).await.unwrap_err();
    let EventRejection::Replayed { delivery_id } = &replay else {
        panic!("{replay:?}")
    };
    assert_eq!(delivery_id, "msg_dup");
    assert_eq!(replay.http_status(), 200);
    assert_eq!(store.len(), 1);
    let failing = signed("msg_fail", NOW + 1, body);
    let event = first.verify(&failing, body).await.unwrap();
    first.release(&event).await.unwrap();
    assert!(
        second.verify(&failing, body).await.is_ok(),
        "a released delivery is accepted when the provider retries it"
    );
}

#[tokio::test]
async fn an_unacknowledged_delivery_is_accepted_again_after_its_lease() {
    let body = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let body = body.as_bytes();
    let clock = clock(NOW);
    let store = Arc::new(MemoryDeliveryStore::default());
    let events = DodoEvents::builder(SECRET)
        .clock(clock.clone())
        .store(store)
        .lease(chrono::Duration::seconds(30))
        .build()
        .unwrap();
    let delivery = signed("msg_crash", NOW, body);
    let _crashed = events.verify(&delivery, body).await.unwrap();
    clock.advance(chrono::Duration::seconds(29));
    let busy = events.verify(&delivery, body).await;
    assert!(matches!(busy, Err(EventRejection::InFlight { .. })));
    clock.advance(chrono::Duration::seconds(1));
    let retried = events.verify(&delivery, body).await.unwrap();
    events.acknowledge(&retried).await.unwrap();
    let replay = events.verify(&delivery, body).await;
    assert!(matches!(replay, Err(EventRejection::Replayed { .. })));
}

#[tokio::test]
async fn an_older_event_for_the_same_grant_is_stale_however_old() {
    let delivered = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let mut later: Value = serde_json::from_str(&delivered).unwrap();
    later["type"] = "entitlement_grant.revoked".into();
    later["timestamp"] = "2026-06-11T11:00:00Z".into();
    let revoked = later.to_string();
    let events = events();
    let revoke = events
        .verify(
            &signed("msg_rev", NOW, revoked.as_bytes()),
            revoked.as_bytes(),
        )
        .await;
    let revoke = match revoke {
        Ok(event) => event,
        Err(e) => panic!("{e:?}"),
    };
    events.acknowledge(&revoke).await.unwrap();
    let late = events
        .verify(
            &signed("msg_late", NOW, delivered.as_bytes()),
            delivered.as_bytes(),
        )
        .await
        .unwrap_err();
    assert!(matches!(late, EventRejection::Stale { .. }), "{late:?}");
    assert_eq!(
        late.http_status(),
        200,
        "reported, not applied, not retried"
    );
}

#[test]
fn a_store_forgetting_sooner_than_twice_the_tolerance_is_refused_at_build() {
    let short = Arc::new(MemoryDeliveryStore::new(10, chrono::Duration::minutes(9)));
    let err = builder().store(short.clone()).build().unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(err.to_string().contains("twice"), "{err}");
    let err = builder()
        .tolerance(chrono::Duration::minutes(6))
        .build()
        .unwrap_err();
    assert!(err.is_config(), "the default 10 minutes < 2 × 6: {err}");
    assert!(
        builder()
            .store(short)
            .tolerance(chrono::Duration::minutes(4))
            .build()
            .is_ok()
    );
    for lease in [0, -1] {
        let err = builder()
            .lease(chrono::Duration::seconds(lease))
            .build()
            .unwrap_err();
        assert!(err.is_config());
    }
}
