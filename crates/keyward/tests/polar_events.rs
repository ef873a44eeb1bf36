//! Polar deliveries: `benefit_grant.*` of license-keys benefits as license events, signed under
//! either of Polar's key derivations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "polar")]

use std::sync::Arc;

use chrono::DateTime;
use keyward::events::{EventKind, EventRejection, PolarEvents, Webhooks};
use keyward::{FixedClock, LicenseStatus, Provider};
use keyward_polar::webhooks::WebhookVerifier;

/// An endpoint secret as Polar issues them (`whsec_` and base64): the legacy derivation keys
/// the HMAC with this whole text, the Standard Webhooks one with the decoded base64.
const SECRET: &str = "whsec_cG9sYXItd2ViaG9vay1maXh0dXJlLXNlY3JldA==";
const NOW: i64 = 1_725_184_801;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/polar/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn headers(id: &str, sent: i64, signature: &str) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    map.insert("webhook-id", id.parse().unwrap());
    map.insert("webhook-timestamp", sent.to_string().parse().unwrap());
    map.insert("webhook-signature", signature.parse().unwrap());
    map
}

/// Signed as Polar's server does today: HMAC keyed by the secret's bytes.
fn legacy(id: &str, body: &[u8]) -> http::HeaderMap {
    let signature = WebhookVerifier::new(SECRET)
        .unwrap()
        .signature_for(id, NOW - 5, body);
    headers(id, NOW - 5, &signature)
}

/// Signed the Standard Webhooks way: HMAC keyed by the base64 after `whsec_` (here computed
/// with a verifier built on the decoded key as a secret of its own, whose bytes are that key).
fn standard(id: &str, body: &[u8]) -> http::HeaderMap {
    let key = String::from_utf8(b"polar-webhook-fixture-secret".to_vec()).unwrap();
    let signature = WebhookVerifier::new(&key)
        .unwrap()
        .signature_for(id, NOW - 5, body);
    headers(id, NOW - 5, &signature)
}

fn events() -> PolarEvents {
    let now = DateTime::from_timestamp(NOW, 0).unwrap();
    PolarEvents::builder(SECRET)
        .clock(Arc::new(FixedClock::new(now)))
        .build()
        .unwrap()
}

/// A fixture's body with its event type, grant status and timestamp replaced.
fn variant(name: &str, event_type: &str, revoked: bool, timestamp: &str) -> Vec<u8> {
    let mut event: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    event["type"] = event_type.into();
    event["timestamp"] = timestamp.into();
    event["data"]["is_revoked"] = revoked.into();
    serde_json::to_vec(&event).unwrap()
}

#[tokio::test]
async fn a_grant_becomes_a_license_event_under_both_derivations() {
    let body = fixture("webhook.benefit_grant.created.json");
    let events = events();
    for (id, signed) in [
        ("msg_1", legacy("msg_1", &body)),
        ("msg_2", standard("msg_2", &body)),
    ] {
        let event = events.verify(&signed, &body).await.unwrap();
        assert_eq!(
            (event.provider, event.kind),
            (Provider::Polar, EventKind::Created)
        );
        assert_eq!(event.delivery_id, id);
        assert_eq!(
            event.grant_id.as_deref(),
            Some("d1b8a7e2-3c4f-4a5b-9c6d-7e8f9a0b1c2d")
        );
        let license = event.license.clone().unwrap();
        assert_eq!(license.id, "508176f7-065a-4b5d-b524-4e9c8a11ed63");
        assert_eq!(license.status, LicenseStatus::Active);
        assert!(license.key.is_none(), "Polar's webhooks carry no key");
        assert_eq!(
            license.customer.email.as_deref(),
            Some("customer@example.com")
        );
        events.acknowledge(&event).await.unwrap();
    }
    let revoked = fixture("webhook.benefit_grant.revoked.json");
    let event = events
        .verify(&legacy("msg_3", &revoked), &revoked)
        .await
        .unwrap();
    assert_eq!(event.kind, EventKind::Revoked);
    assert_eq!(event.license.unwrap().status, LicenseStatus::Revoked);
}

#[tokio::test]
async fn refusals_are_distinct() {
    let body = fixture("webhook.benefit_grant.created.json");
    let events = events();
    let signed = legacy("msg_1", &body);
    let event = events.verify(&signed, &body).await.unwrap();
    let held = events.verify(&signed, &body).await.unwrap_err();
    assert!(matches!(held, EventRejection::InFlight { .. }), "{held:?}");
    events.acknowledge(&event).await.unwrap();
    let replay = events.verify(&signed, &body).await.unwrap_err();
    assert!(
        matches!(replay, EventRejection::Replayed { .. }),
        "{replay:?}"
    );
    let mut tampered = body.clone();
    tampered.push(b' ');
    let bad = events
        .verify(&legacy("msg_2", &body), &tampered)
        .await
        .unwrap_err();
    assert!(matches!(bad, EventRejection::BadSignature), "{bad:?}");
    let other = WebhookVerifier::new("whsec_b3RoZXI=").unwrap();
    let forged = headers("msg_4", NOW, &other.signature_for("msg_4", NOW, &body));
    let bad = events.verify(&forged, &body).await.unwrap_err();
    assert_eq!(bad.http_status(), 401);
    let stale = headers("msg_5", NOW - 301, "v1,AAAA");
    assert!(matches!(
        events.verify(&stale, &body).await.unwrap_err(),
        EventRejection::StaleTimestamp
    ));
    let order = br#"{"type":"order.created","timestamp":"2024-09-01T10:00:00Z","data":{}}"#;
    let unknown = events
        .verify(&legacy("msg_6", order), order)
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, EventRejection::UnknownEvent { .. }),
        "{unknown:?}"
    );
    let mut discord: serde_json::Value = serde_json::from_slice(&body).unwrap();
    discord["data"]["benefit"]["type"] = "discord".into();
    discord["data"]["properties"] = serde_json::json!({});
    let discord = serde_json::to_vec(&discord).unwrap();
    let not_a_key = events
        .verify(&legacy("msg_7", &discord), &discord)
        .await
        .unwrap_err();
    assert!(
        matches!(not_a_key, EventRejection::UnknownEvent { .. }),
        "{not_a_key:?}"
    );
    assert!(!format!("{events:?}").contains("cG9s"));
}

#[tokio::test]
async fn an_update_is_told_from_what_changed() {
    let events = events();
    let name = "webhook.benefit_grant.created.json";
    let steps = [
        ("msg_1", "benefit_grant.created", false, EventKind::Created),
        ("msg_2", "benefit_grant.updated", false, EventKind::Updated),
        ("msg_3", "benefit_grant.updated", true, EventKind::Revoked),
        (
            "msg_4",
            "benefit_grant.updated",
            false,
            EventKind::Reinstated,
        ),
        ("msg_5", "benefit_grant.cycled", false, EventKind::Renewed),
    ];
    for (second, (id, event_type, revoked, kind)) in steps.into_iter().enumerate() {
        let body = variant(
            name,
            event_type,
            revoked,
            &format!("2024-09-01T10:00:0{second}Z"),
        );
        let event = events.verify(&legacy(id, &body), &body).await.unwrap();
        assert_eq!(event.kind, kind, "{id} {event_type}");
        assert_eq!(
            event.order_key.as_deref(),
            Some("polar:grant:d1b8a7e2-3c4f-4a5b-9c6d-7e8f9a0b1c2d")
        );
        events.acknowledge(&event).await.unwrap();
    }
}

#[tokio::test]
async fn events_for_a_grant_apply_in_polars_order() {
    let events = events();
    let revoked = fixture("webhook.benefit_grant.revoked.json");
    let event = events
        .verify(&legacy("msg_1", &revoked), &revoked)
        .await
        .unwrap();
    events.acknowledge(&event).await.unwrap();
    // The grant's creation, a year older, arrives late: it must not grant the key again.
    let created = fixture("webhook.benefit_grant.created.json");
    let late = events
        .verify(&legacy("msg_2", &created), &created)
        .await
        .unwrap_err();
    assert!(matches!(late, EventRejection::Stale { .. }), "{late:?}");
    assert_eq!(late.http_status(), 200);
    // A delivery whose handling failed is released, and Polar's retry is accepted at once.
    let body = variant(
        "webhook.benefit_grant.created.json",
        "benefit_grant.updated",
        false,
        "2025-09-02T10:00:00Z",
    );
    let event = events.verify(&legacy("msg_3", &body), &body).await.unwrap();
    assert_eq!(event.kind, EventKind::Reinstated);
    events.release(&event).await.unwrap();
    let retried = events.verify(&legacy("msg_3", &body), &body).await.unwrap();
    assert_eq!(retried.delivery_id, "msg_3");
}
