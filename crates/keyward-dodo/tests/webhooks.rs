#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Webhook verification with the Standard Webhooks test vector in `fixtures/dodo/`.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, Duration};
use common::{fixture, fixture_json};
use keyward_core::FixedClock;
use keyward_dodo::LicenseKeyStatus;
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};

struct Vector {
    secret: String,
    id: String,
    timestamp: String,
    signature: String,
    now: i64,
    tampered: String,
    body: String,
}

fn vector() -> Vector {
    let v = fixture_json("webhook.license_key.created.signature.json");
    let s = |p: &str| v.pointer(p).unwrap().as_str().unwrap().to_owned();
    Vector {
        secret: s("/secret"),
        id: s("/headers/webhook-id"),
        timestamp: s("/headers/webhook-timestamp"),
        signature: s("/headers/webhook-signature"),
        now: v["now_for_test"].as_i64().unwrap(),
        tampered: s("/tampered_signature_must_fail"),
        body: fixture("webhook.license_key.created.json"),
    }
}

fn verifier(v: &Vector, now: i64) -> WebhookVerifier {
    let clock = Arc::new(FixedClock::new(DateTime::from_timestamp(now, 0).unwrap()));
    WebhookVerifier::new(&v.secret).unwrap().with_clock(clock)
}

fn headers<'a>(v: &'a Vector, signature: &'a str) -> WebhookHeaders<'a> {
    WebhookHeaders {
        id: &v.id,
        timestamp: &v.timestamp,
        signature,
    }
}

#[test]
fn the_test_vector_verifies_and_decodes() {
    let v = vector();
    let event = verifier(&v, v.now)
        .verify_event(&headers(&v, &v.signature), v.body.as_bytes())
        .unwrap();
    assert_eq!(event.event_type(), "license_key.created");
    let WebhookEvent::LicenseKeyCreated(created) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(created.business_id, "bus_P3SXLcppjXgagmHS");
    assert_eq!(created.data.id, "lic_7namTC0VcgrnzrF3GTSwB");
    assert_eq!(created.data.status, LicenseKeyStatus::Active);
    assert_eq!(created.data.activations_limit, Some(5));
    assert!(
        !format!("{event:?}").contains("2b1f8e2d-c41e"),
        "Debug hides the key"
    );
}

#[test]
fn tampering_is_refused() {
    let v = vector();
    let verifier = verifier(&v, v.now);
    let err = verifier
        .verify(&headers(&v, &v.tampered), v.body.as_bytes())
        .unwrap_err();
    assert!(err.is_signature());
    let altered = v
        .body
        .replace("\"status\": \"active\"", "\"status\": \"disabled\"");
    assert_ne!(altered, v.body);
    assert!(
        verifier
            .verify(&headers(&v, &v.signature), altered.as_bytes())
            .is_err()
    );
    let other_id = WebhookHeaders {
        id: "msg_other",
        ..headers(&v, &v.signature)
    };
    assert!(verifier.verify(&other_id, v.body.as_bytes()).is_err());
    assert!(
        verifier
            .verify(&headers(&v, "v1,not base64!"), v.body.as_bytes())
            .is_err()
    );
    assert!(
        verifier
            .verify(&headers(&v, ""), v.body.as_bytes())
            .is_err()
    );
    let v2_only = v.signature.replace("v1,", "v2,");
    assert!(
        verifier
            .verify(&headers(&v, &v2_only), v.body.as_bytes())
            .is_err()
    );
    let wrong_secret = WebhookVerifier::new("whsec_d3Jvbmctc2VjcmV0")
        .unwrap()
        .with_clock(Arc::new(FixedClock::new(
            DateTime::from_timestamp(v.now, 0).unwrap(),
        )));
    assert!(
        wrong_secret
            .verify(&headers(&v, &v.signature), v.body.as_bytes())
            .is_err()
    );
}

#[test]
fn any_of_several_signatures_may_match() {
    let v = vector();
    let several = format!("{} v1,bm9wZQ== {}", v.tampered, v.signature);
    verifier(&v, v.now)
        .verify(&headers(&v, &several), v.body.as_bytes())
        .unwrap();
}

#[test]
fn the_timestamp_must_be_within_five_minutes() {
    let v = vector();
    let sent: i64 = v.timestamp.parse().unwrap();
    for now in [sent - 300, sent, sent + 300] {
        verifier(&v, now)
            .verify(&headers(&v, &v.signature), v.body.as_bytes())
            .unwrap();
    }
    let old = verifier(&v, sent + 301).verify(&headers(&v, &v.signature), v.body.as_bytes());
    assert!(old.unwrap_err().to_string().contains("too old"));
    let new = verifier(&v, sent - 301).verify(&headers(&v, &v.signature), v.body.as_bytes());
    assert!(new.unwrap_err().to_string().contains("too new"));
    let wide = verifier(&v, sent + 3600).with_tolerance(Duration::hours(2));
    wide.verify(&headers(&v, &v.signature), v.body.as_bytes())
        .unwrap();
    let bad_ts = WebhookHeaders {
        timestamp: "soon",
        ..headers(&v, &v.signature)
    };
    assert!(
        verifier(&v, v.now)
            .verify(&bad_ts, v.body.as_bytes())
            .unwrap_err()
            .is_signature()
    );
}

#[test]
fn headers_come_from_a_header_map() {
    let v = vector();
    let mut map = http::HeaderMap::new();
    map.insert("webhook-id", v.id.parse().unwrap());
    map.insert("webhook-timestamp", v.timestamp.parse().unwrap());
    assert!(
        WebhookHeaders::from_header_map(&map)
            .unwrap_err()
            .is_signature()
    );
    map.insert("webhook-signature", v.signature.parse().unwrap());
    let h = WebhookHeaders::from_header_map(&map).unwrap();
    verifier(&v, v.now).verify(&h, v.body.as_bytes()).unwrap();
}

#[test]
fn the_secret_is_checked_and_never_shown() {
    let v = vector();
    let verifier = WebhookVerifier::new(&v.secret).unwrap();
    let shown = format!("{verifier:?}");
    assert!(!shown.contains("ZG9kby1maXh0dXJl"), "{shown}");
    assert!(WebhookVerifier::new("whsec_***").unwrap_err().is_config());
    assert!(WebhookVerifier::new("whsec_").unwrap_err().is_config());
    // The prefix is optional, as in the reference library.
    WebhookVerifier::new(v.secret.trim_start_matches("whsec_")).unwrap();
}

#[test]
fn other_events_are_kept_as_json() {
    let body = br#"{"business_id":"bus_1","type":"payment.succeeded","timestamp":"2026-01-01T00:00:00Z","data":{"license_key":{"key":"SECRET-KEY-123"}}}"#;
    let event = WebhookEvent::parse(body).unwrap();
    let WebhookEvent::Other(other) = &event else {
        panic!()
    };
    assert_eq!(other.data["license_key"]["key"], "SECRET-KEY-123");
    assert!(!format!("{event:?}").contains("SECRET-KEY"));
    let bad = br#"{"business_id":"bus_1","type":"license_key.created","timestamp":"2026-01-01T00:00:00Z","data":{"key":"SECRET-KEY-123","id":5}}"#;
    let err = WebhookEvent::parse(bad).unwrap_err();
    assert!(
        err.is_decode() && !err.to_string().contains("SECRET-KEY-123"),
        "{err}"
    );
}

#[test]
fn decode_errors_of_any_event_never_show_a_key() {
    let created = br#"{"business_id":"bus_1","type":"license_key.created","timestamp":"2026-01-01T00:00:00Z","data":{"id":"lic_1","business_id":"bus_1","created_at":"2026-01-01T00:00:00Z","customer_id":"cus_1","instances_count":0,"key":"CANARY-WEBHOOK-KEY-1","product_id":"pdt_1","status":7}}"#;
    let err = keyward_dodo::webhooks::WebhookEvent::parse(created).unwrap_err();
    assert!(
        err.is_decode() && err.to_string().contains("status"),
        "{err}"
    );
    assert!(!err.to_string().contains("CANARY"), "{err}");
    let grant = br#"{"business_id":"bus_1","type":"entitlement_grant.delivered","data":{"license_key":{"key":"CANARY-GRANT-KEY-2"}},"timestamp":7}"#;
    let err = keyward_dodo::webhooks::WebhookEvent::parse(grant).unwrap_err();
    assert!(
        err.is_decode() && err.to_string().contains("timestamp"),
        "{err}"
    );
    assert!(!err.to_string().contains("CANARY"), "{err}");
}

#[test]
fn each_refusal_is_a_distinct_rejection() {
    use keyward_dodo::webhooks::Rejection;
    let v = vector();
    let verifier = verifier(&v, v.now);
    let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap();
    let body = v.body.as_bytes();
    let good = headers(&v, &v.signature);
    assert_eq!(verifier.check_at(&good, body, at(v.now)), Ok(()));
    let sent: i64 = v.timestamp.parse().unwrap();
    assert_eq!(
        verifier.check_at(&good, body, at(sent + 301)),
        Err(Rejection::TooOld)
    );
    assert_eq!(
        verifier.check_at(&good, body, at(sent - 301)),
        Err(Rejection::TooNew)
    );
    assert!(Rejection::TooNew.is_stale() && !Rejection::BadSignature.is_stale());
    assert_eq!(
        verifier.check_at(&headers(&v, &v.tampered), body, at(v.now)),
        Err(Rejection::BadSignature)
    );
    let garbled = WebhookHeaders {
        timestamp: "12:00",
        ..good
    };
    assert_eq!(
        verifier.check_at(&garbled, body, at(v.now)),
        Err(Rejection::BadTimestamp)
    );
    let huge = WebhookHeaders {
        timestamp: "99999999999999999",
        ..good
    };
    assert_eq!(
        verifier.check_at(&huge, body, at(v.now)),
        Err(Rejection::BadTimestamp)
    );
    let mut map = http::HeaderMap::new();
    map.insert("webhook-id", http::HeaderValue::from_static("msg_1"));
    assert_eq!(
        WebhookHeaders::read(&map),
        Err(Rejection::MissingHeader("webhook-timestamp"))
    );
}
