//! Dodo deliveries.

use std::sync::Arc;

use async_trait::async_trait;
use keyward::events::{
    Delivery, DeliveryStore, DodoEvents, DodoEventsBuilder, EventKind, EventRejection, Reservation,
    Webhooks,
};
use keyward::{LicenseError, LicenseStatus, Provider};
use keyward_dodo::webhooks::WebhookVerifier;
use serde_json::Value;

use super::{clock, fixture, headers};

pub(crate) const SECRET: &str = "whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=";
pub(crate) const NOW: i64 = 1_781_172_030;

/// A delivery of `body` signed with `SECRET` at Unix second `sent`.
pub(crate) fn signed(id: &str, sent: i64, body: &[u8]) -> http::HeaderMap {
    let signature = WebhookVerifier::new(SECRET)
        .unwrap()
        .signature_for(id, sent, body);
    headers(&[
        ("webhook-id", id),
        ("webhook-timestamp", &sent.to_string()),
        ("webhook-signature", &signature),
    ])
}

pub(crate) fn builder() -> DodoEventsBuilder {
    DodoEvents::builder(SECRET).clock(clock(NOW))
}

pub(crate) fn events() -> DodoEvents {
    builder().build().unwrap()
}

#[tokio::test]
async fn a_grant_delivery_becomes_a_delivered_license() {
    let body = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let event = builder()
        .test_mode(true)
        .build()
        .unwrap()
        .verify(&signed("msg_1", NOW - 30, body.as_bytes()), body.as_bytes())
        .await
        .unwrap();
    assert_eq!(event.provider, Provider::Dodo);
    assert_eq!(event.kind, EventKind::Delivered);
    assert_eq!(event.event_type, "entitlement_grant.delivered");
    assert_eq!(event.delivery_id, "msg_1");
    assert_eq!(
        event.grant_id.as_deref(),
        Some("entg_P3nd1ngGrantNoKey00001")
    );
    assert_eq!(
        event.customer_id.as_deref(),
        Some("cus_Ad4Lovelace0000000001")
    );
    assert_eq!(event.test_mode, Some(true));
    let license = event.license.as_ref().unwrap();
    assert_eq!(license.id, "lic_Manua1Key00000000001");
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.key.as_ref().unwrap().expose(), "ENT-7F3K-9QXM-2WZR");
    assert_eq!(license.activation_limit, Some(10));
    assert_eq!(license.activations, Some(0));
    assert_eq!(license.metadata["order"], "A-1001");
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event.raw, sent, "the whole event is kept as received");
    assert_eq!(license.raw, sent["data"]["license_key"]);
    assert!(
        !format!("{event:?}").contains("ENT-7F3K"),
        "Debug hides the key"
    );
}

#[tokio::test]
async fn revoked_grants_disable_and_legacy_created_keys_map() {
    let body = fixture("dodo", "webhook.entitlement_grant.revoked.json");
    let event = events()
        .verify(&signed("msg_r", NOW, body.as_bytes()), body.as_bytes())
        .await
        .unwrap();
    assert_eq!(event.kind, EventKind::Revoked);
    assert_eq!(event.reason.as_deref(), Some("refund"));
    assert_eq!(event.license.unwrap().status, LicenseStatus::Disabled);

    let body = fixture("dodo", "webhook.license_key.created.json");
    let event = events()
        .verify(&signed("msg_c", NOW, body.as_bytes()), body.as_bytes())
        .await
        .unwrap();
    assert_eq!(event.kind, EventKind::Created);
    assert_eq!(event.grant_id, None);
    let license = event.license.unwrap();
    assert_eq!(license.id, "lic_7namTC0VcgrnzrF3GTSwB");
    assert_eq!(license.activation_limit, Some(5));
}

#[tokio::test]
async fn pending_and_failed_grants_carry_no_license() {
    let body = fixture("dodo", "webhook.entitlement_grant.revoked.json")
        .replace("entitlement_grant.revoked", "entitlement_grant.failed");
    let mut json: Value = serde_json::from_str(&body).unwrap();
    json["data"]["license_key"] = Value::Null;
    json["data"]["status"] = "Failed".into();
    json["data"]["error_code"] = "KEY_POOL_EMPTY".into();
    json["data"]["error_message"] = "No keys left".into();
    json["data"]["revocation_reason"] = Value::Null;
    let body = json.to_string();
    let event = events()
        .verify(&signed("msg_f", NOW, body.as_bytes()), body.as_bytes())
        .await
        .unwrap();
    assert_eq!(event.kind, EventKind::Failed);
    assert!(event.license.is_none());
    assert_eq!(event.error_code.as_deref(), Some("KEY_POOL_EMPTY"));
    assert_eq!(event.reason.as_deref(), Some("No keys left"));
}

#[tokio::test]
async fn each_refusal_is_its_own_rejection() {
    let body = fixture("dodo", "webhook.entitlement_grant.delivered.json");
    let body = body.as_bytes();
    let events = events();
    let stale = events
        .verify(&signed("msg_old", NOW - 301, body), body)
        .await;
    assert!(
        matches!(stale, Err(EventRejection::StaleTimestamp)),
        "{stale:?}"
    );
    let future = events
        .verify(&signed("msg_new", NOW + 301, body), body)
        .await;
    assert!(matches!(future, Err(EventRejection::StaleTimestamp)));
    let other_secret = DodoEvents::builder("whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODk=")
        .clock(clock(NOW))
        .build()
        .unwrap()
        .verify(&signed("msg_x", NOW, body), body)
        .await;
    assert!(matches!(other_secret, Err(EventRejection::BadSignature)));
    let mut tampered = body.to_vec();
    tampered[10] ^= 1;
    let tampered = events.verify(&signed("msg_t", NOW, body), &tampered).await;
    assert!(matches!(tampered, Err(EventRejection::BadSignature)));
    let mut garbled = signed("msg_g", NOW, body);
    garbled.insert("webhook-timestamp", "yesterday".parse().unwrap());
    let garbled = events.verify(&garbled, body).await;
    assert!(matches!(garbled, Err(EventRejection::BadTimestamp)));
    let mut missing = signed("msg_m", NOW, body);
    missing.remove("webhook-signature");
    let missing = events.verify(&missing, body).await.unwrap_err();
    assert!(matches!(
        missing,
        EventRejection::MissingHeader("webhook-signature")
    ));
    assert_eq!(missing.http_status(), 401);
    assert!(
        events
            .verify(&signed("msg_ok", NOW, body), body)
            .await
            .is_ok(),
        "refused deliveries were not recorded as seen"
    );
}

#[tokio::test]
async fn unknown_events_are_typed_and_not_recorded() {
    let body = br#"{"business_id":"bus_1","type":"payment.succeeded","timestamp":"2026-06-11T10:00:00Z","data":{"payment_id":"pay_1"}}"#;
    let events = events();
    let unknown = events.verify(&signed("msg_u", NOW, body), body).await;
    let Err(EventRejection::UnknownEvent { event_type, raw }) = unknown else {
        panic!("{unknown:?}")
    };
    assert_eq!(event_type, "payment.succeeded");
    assert_eq!(raw.to_value()["data"]["payment_id"], "pay_1");
    let again = events.verify(&signed("msg_u", NOW, body), body).await;
    assert!(matches!(again, Err(EventRejection::UnknownEvent { .. })));
}

#[tokio::test]
async fn a_signed_body_of_the_wrong_shape_is_malformed_and_not_recorded() {
    let body = br#"{"business_id":"bus_1","type":"entitlement_grant.revoked","timestamp":"2026-06-11T10:00:00Z","data":{"license_key":{"key":"CANARY-KEY-77"}}}"#;
    let events = events();
    for _ in 0..2 {
        let err = events
            .verify(&signed("msg_bad", NOW, body), body)
            .await
            .unwrap_err();
        assert!(matches!(err, EventRejection::Malformed(_)), "{err:?}");
        assert_eq!(err.http_status(), 400);
        assert!(!err.to_string().contains("CANARY"), "{err}");
    }
}

#[derive(Debug)]
struct BrokenStore;

#[async_trait]
impl DeliveryStore for BrokenStore {
    fn retention(&self) -> chrono::Duration {
        chrono::Duration::hours(1)
    }

    async fn reserve(&self, _: &Delivery<'_>) -> Result<Reservation, LicenseError> {
        Err(LicenseError::config("the store is down"))
    }

    async fn acknowledge(&self, _: &Delivery<'_>, _: Option<&str>) -> Result<(), LicenseError> {
        Err(LicenseError::config("the store is down"))
    }

    async fn release(&self, _: &Delivery<'_>) -> Result<(), LicenseError> {
        Err(LicenseError::config("the store is down"))
    }
}

#[tokio::test]
async fn a_failing_store_is_its_own_rejection() {
    let body = fixture("dodo", "webhook.license_key.created.json");
    let err = builder()
        .store(Arc::new(BrokenStore))
        .build()
        .unwrap()
        .verify(&signed("msg_s", NOW, body.as_bytes()), body.as_bytes())
        .await
        .unwrap_err();
    assert!(matches!(err, EventRejection::Store(_)));
    assert_eq!(err.http_status(), 503);
}

#[test]
fn debug_never_shows_the_secret() {
    let shown = format!("{:?}", events());
    assert!(!shown.contains("ZG9kby1maXh0dXJl"), "{shown}");
}
