#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `entitlement_grant.*` webhook events, with the vector in `fixtures/dodo/`.

use crate::common;

use std::sync::Arc;

use chrono::DateTime;
use common::{fixture, fixture_json};
use keyward_core::FixedClock;
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};
use keyward_dodo::{GrantStatus, LicenseKeyStatus};

#[test]
fn a_signed_grant_delivery_verifies_and_decodes() {
    let v = fixture_json("webhook.entitlement_grant.delivered.signature.json");
    let s = |p: &str| v.pointer(p).unwrap().as_str().unwrap().to_owned();
    let body = fixture("webhook.entitlement_grant.delivered.json");
    let now = DateTime::from_timestamp(v["now_for_test"].as_i64().unwrap(), 0).unwrap();
    let verifier = WebhookVerifier::new(&s("/secret"))
        .unwrap()
        .with_clock(Arc::new(FixedClock::new(now)));
    let (id, timestamp, signature) = (
        s("/headers/webhook-id"),
        s("/headers/webhook-timestamp"),
        s("/headers/webhook-signature"),
    );
    let headers = WebhookHeaders {
        id: &id,
        timestamp: &timestamp,
        signature: &signature,
    };
    let event = verifier.verify_event(&headers, body.as_bytes()).unwrap();
    let WebhookEvent::GrantDelivered(delivered) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(delivered.event_type, "entitlement_grant.delivered");
    let grant = event.grant().unwrap();
    assert_eq!(grant.status, GrantStatus::Delivered);
    let key = grant.license_key.as_ref().unwrap();
    assert_eq!(key.id, "lic_Manua1Key00000000001");
    assert_eq!(key.key.expose(), "ENT-7F3K-9QXM-2WZR");
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(grant.raw, sent["data"]);
    assert_eq!(key.raw, sent["data"]["license_key"]);
    assert!(
        !format!("{event:?}").contains("ENT-7F3K"),
        "Debug hides the key"
    );
    assert_eq!(
        verifier.signature_for(&id, timestamp.parse().unwrap(), body.as_bytes()),
        signature,
        "signing and verifying agree"
    );
    let altered = body.replace("Delivered", "Revoked");
    assert!(
        verifier
            .verify_event(&headers, altered.as_bytes())
            .unwrap_err()
            .is_signature()
    );
}

#[test]
fn every_grant_event_type_is_typed() {
    let revoked =
        WebhookEvent::parse(fixture("webhook.entitlement_grant.revoked.json").as_bytes()).unwrap();
    let WebhookEvent::GrantRevoked(e) = &revoked else {
        panic!("{revoked:?}")
    };
    assert_eq!(e.data.status, GrantStatus::Revoked);
    assert_eq!(
        e.data.license_key.as_ref().unwrap().status,
        LicenseKeyStatus::Disabled
    );
    let body = fixture("webhook.entitlement_grant.revoked.json");
    type Check = fn(&WebhookEvent) -> bool;
    let checks: [(&str, Check); 3] = [
        ("created", |e: &WebhookEvent| {
            matches!(e, WebhookEvent::GrantCreated(_))
        }),
        ("failed", |e: &WebhookEvent| {
            matches!(e, WebhookEvent::GrantFailed(_))
        }),
        ("delivered", |e: &WebhookEvent| {
            matches!(e, WebhookEvent::GrantDelivered(_))
        }),
    ];
    for (kind, check) in checks {
        let text = body.replace(
            "entitlement_grant.revoked",
            &format!("entitlement_grant.{kind}"),
        );
        let event = WebhookEvent::parse(text.as_bytes()).unwrap();
        assert!(check(&event), "{kind}: {event:?}");
    }
    let tomorrow = body.replace("entitlement_grant.revoked", "entitlement_grant.paused");
    let event = WebhookEvent::parse(tomorrow.as_bytes()).unwrap();
    assert!(matches!(event, WebhookEvent::Other(_)));
    assert_eq!(event.event_type(), "entitlement_grant.paused");
    assert!(event.grant().is_none());
}

#[test]
fn a_pending_grant_event_without_a_key_decodes() {
    let body = serde_json::json!({
        "business_id": "bus_1",
        "type": "entitlement_grant.created",
        "timestamp": "2026-06-11T09:30:00Z",
        "data": {
            "id": "entg_1", "business_id": "bus_1", "created_at": "2026-06-11T09:30:00Z",
            "customer_id": "cus_1", "entitlement_id": "ent_1", "integration_type": "discord",
            "metadata": null, "status": "pending"
        }
    });
    let event = WebhookEvent::parse(body.to_string().as_bytes()).unwrap();
    let grant = event.grant().unwrap();
    assert_eq!(grant.status, GrantStatus::Pending);
    assert!(grant.license_key.is_none());
}

#[test]
fn a_broken_grant_never_shows_its_key() {
    let body = fixture("webhook.entitlement_grant.revoked.json")
        .replace("\"activations_used\": 1", "\"activations_used\": \"many\"");
    let err = WebhookEvent::parse(body.as_bytes()).unwrap_err();
    assert!(err.is_decode());
    assert!(!err.to_string().contains("2b1f8e2d"), "{err}");
}
