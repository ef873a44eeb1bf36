//! Lemon Squeezy deliveries.

use keyward::events::{EventKind, EventRejection, LemonSqueezyEvents, Webhooks};
use keyward::{LicenseStatus, Provider};
use keyward_lemonsqueezy::webhooks::{WebhookSecret, sign};

use super::{clock, fixture, headers};

const SECRET: &str = "lemon-test-signing-secret";

pub(crate) fn events() -> LemonSqueezyEvents {
    LemonSqueezyEvents::builder(SECRET)
        .clock(clock(1_800_000_000))
        .build()
        .unwrap()
}

pub(crate) fn signed(body: &[u8]) -> http::HeaderMap {
    let signature = sign(&WebhookSecret::new(SECRET).unwrap(), body);
    headers(&[("x-signature", &signature), ("x-event-name", "ignored")])
}

fn expected_signature(file: &str) -> String {
    fixture("lemonsqueezy", "webhooks.signatures.txt")
        .lines()
        .find_map(|line| line.strip_prefix(file)?.trim().to_owned().into())
        .unwrap()
}

#[tokio::test]
async fn created_and_updated_keys_become_events() {
    let events = events();
    for (file, kind) in [
        ("webhooks.license_key_created.json", EventKind::Created),
        ("webhooks.license_key_updated.json", EventKind::Updated),
    ] {
        let body = fixture("lemonsqueezy", file);
        let signature = expected_signature(file);
        let event = events
            .verify(&headers(&[("x-signature", &signature)]), body.as_bytes())
            .await
            .unwrap();
        events.acknowledge(&event).await.unwrap();
        assert_eq!(event.provider, Provider::LemonSqueezy);
        assert_eq!(event.kind, kind);
        assert_eq!(event.delivery_id, signature);
        let license = event.license.as_ref().unwrap();
        assert!(license.key.is_some());
        assert_ne!(license.status, LicenseStatus::Other(String::new()));
        assert_eq!(event.test_mode, license.test_mode);
        assert_eq!(event.customer_id, license.customer.id);
        let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(event.raw, sent);
        assert_eq!(license.raw, sent["data"]);
    }
}

#[tokio::test]
async fn refusals_replays_and_unknown_events_are_typed() {
    let body = fixture("lemonsqueezy", "webhooks.license_key_created.json");
    let body = body.as_bytes();
    let events = events();
    let missing = events.verify(&headers(&[]), body).await;
    assert!(matches!(
        missing,
        Err(EventRejection::MissingHeader("x-signature"))
    ));
    let wrong = LemonSqueezyEvents::new("another-secret")
        .unwrap()
        .verify(&signed(body), body)
        .await;
    assert!(matches!(wrong, Err(EventRejection::BadSignature)));
    let not_hex = events
        .verify(&headers(&[("x-signature", "zz")]), body)
        .await;
    assert!(matches!(not_hex, Err(EventRejection::BadSignature)));
    let event = events.verify(&signed(body), body).await.unwrap();
    let in_flight = events.verify(&signed(body), body).await;
    assert!(matches!(in_flight, Err(EventRejection::InFlight { .. })));
    events.acknowledge(&event).await.unwrap();
    let replay = events.verify(&signed(body), body).await;
    assert!(matches!(replay, Err(EventRejection::Replayed { .. })));
    let mut upper = signed(body);
    let shouted = upper["x-signature"].to_str().unwrap().to_ascii_uppercase();
    upper.insert("x-signature", shouted.parse().unwrap());
    let replay = events.verify(&upper, body).await;
    assert!(
        matches!(replay, Err(EventRejection::Replayed { .. })),
        "case does not dodge it"
    );
    let order = br#"{"meta":{"event_name":"order_created","test_mode":true},"data":{"id":"1"}}"#;
    let unknown = events.verify(&signed(order), order).await;
    assert!(
        matches!(&unknown, Err(EventRejection::UnknownEvent { event_type, .. }) if event_type == "order_created"),
        "{unknown:?}"
    );
}

/// The fixture's key, as Lemon Squeezy sends it after a change at `updated_at`.
fn updated(status: &str, expires_at: Option<&str>, updated_at: &str) -> Vec<u8> {
    let mut event: serde_json::Value = serde_json::from_str(&fixture(
        "lemonsqueezy",
        "webhooks.license_key_updated.json",
    ))
    .unwrap();
    let a = &mut event["data"]["attributes"];
    a["status"] = status.into();
    a["disabled"] = (status == "disabled").into();
    a["expires_at"] = expires_at.into();
    a["updated_at"] = updated_at.into();
    serde_json::to_vec(&event).unwrap()
}

#[tokio::test]
async fn updates_are_told_by_what_changed_and_an_old_body_replayed_later_is_stale() {
    let clock = clock(1_800_000_000);
    let events = LemonSqueezyEvents::builder(SECRET)
        .clock(clock.clone())
        .store(std::sync::Arc::new(
            keyward::events::MemoryDeliveryStore::new(100, chrono::Duration::minutes(1)),
        ))
        .build()
        .unwrap();
    let active = updated("active", None, "2026-06-01T10:00:00Z");
    let history = [
        (active.clone(), EventKind::Updated),
        (
            updated("disabled", None, "2026-06-01T11:00:00Z"),
            EventKind::Suspended,
        ),
        (
            updated("active", None, "2026-06-01T12:00:00Z"),
            EventKind::Reinstated,
        ),
        (
            updated(
                "expired",
                Some("2026-06-01T12:30:00Z"),
                "2026-06-01T13:00:00Z",
            ),
            EventKind::Expired,
        ),
        (
            updated(
                "active",
                Some("2027-06-01T00:00:00Z"),
                "2026-06-01T14:00:00Z",
            ),
            EventKind::Renewed,
        ),
        (
            updated(
                "disabled",
                Some("2027-06-01T00:00:00Z"),
                "2026-06-01T15:00:00Z",
            ),
            EventKind::Suspended,
        ),
    ];
    for (body, kind) in &history {
        let event = events.verify(&signed(body), body).await.unwrap();
        assert_eq!(event.kind, *kind);
        events.acknowledge(&event).await.unwrap();
    }
    // Long after, the store forgot the first delivery: its body, replayed, would re-enable the
    // disabled key. It is older than the last applied event for the key: stale, not applied.
    clock.advance(chrono::Duration::hours(24));
    let replay = events.verify(&signed(&active), &active).await.unwrap_err();
    assert!(matches!(replay, EventRejection::Stale { .. }), "{replay:?}");
    assert_eq!(replay.http_status(), 200);
}
