//! Webhook signature vectors and event parsing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::fixture;
use keyward_lemonsqueezy::models::KeyStatus;
use keyward_lemonsqueezy::webhooks::{
    WebhookEvent, WebhookKind, WebhookSecret, sign, verify_and_parse, verify_signature,
};

const SECRET: &str = "lemon-test-signing-secret";

fn vectors() -> Vec<(String, String)> {
    fixture("webhooks.signatures.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (file, sig) = l.split_once('\t').unwrap();
            (file.to_owned(), sig.trim().to_owned())
        })
        .collect()
}

#[test]
fn documented_vectors_verify_over_the_raw_bytes() {
    let secret = WebhookSecret::new(SECRET).unwrap();
    let vectors = vectors();
    assert_eq!(vectors.len(), 2);
    for (file, signature) in vectors {
        let body = fixture(&file);
        assert!(
            body.contains(r"https:\/\/api.lemonsqueezy.com"),
            "{file} keeps its \\/ escapes"
        );
        assert!(!body.ends_with('\n'));
        verify_signature(&secret, body.as_bytes(), &signature).unwrap();
        verify_signature(&secret, body.as_bytes(), &signature.to_uppercase()).unwrap();
        assert_eq!(sign(&secret, body.as_bytes()), signature);
        // Re-serialized JSON (no more `\/`) does not match: never verify a re-encoding.
        let reencoded =
            serde_json::to_vec(&serde_json::from_str::<serde_json::Value>(&body).unwrap()).unwrap();
        assert!(
            verify_signature(&secret, &reencoded, &signature)
                .unwrap_err()
                .is_signature()
        );
    }
}

#[test]
fn wrong_secret_tampered_body_and_bad_headers_fail() {
    let secret = WebhookSecret::new(SECRET).unwrap();
    let (file, signature) = vectors().remove(0);
    let body = fixture(&file);
    let other = WebhookSecret::new("another-secret").unwrap();
    assert!(
        verify_signature(&other, body.as_bytes(), &signature)
            .unwrap_err()
            .is_signature()
    );
    let tampered = body.replace("\"activation_limit\":1", "\"activation_limit\":9");
    assert!(verify_signature(&secret, tampered.as_bytes(), &signature).is_err());
    assert!(verify_signature(&secret, body.as_bytes(), "").is_err());
    assert!(verify_signature(&secret, body.as_bytes(), "zz-not-hex").is_err());
    assert!(verify_signature(&secret, body.as_bytes(), &signature[..10]).is_err());
    assert!(verify_and_parse(&secret, tampered.as_bytes(), &signature).is_err());
}

#[test]
fn license_key_created_with_null_instances_count() {
    let secret = WebhookSecret::new(SECRET).unwrap();
    let (_, signature) = vectors()
        .into_iter()
        .find(|(f, _)| f.contains("created"))
        .unwrap();
    let body = fixture("webhooks.license_key_created.json");
    let event = verify_and_parse(&secret, body.as_bytes(), &signature).unwrap();
    assert_eq!(event.meta.event_name, "license_key_created");
    assert!(event.meta.test_mode);
    assert_eq!(
        event.meta.webhook_id.as_deref(),
        Some("919979c4-6ca1-430d-8ca5-0a083e9a2c92")
    );
    assert_eq!(event.meta.custom_data, None);
    let WebhookKind::LicenseKeyCreated(key) = &event.kind else {
        panic!("{:?}", event.kind)
    };
    assert_eq!(key.id.get(), 536156);
    assert_eq!(key.attributes.instances_count, None);
    assert!(!key.attributes.disabled && key.attributes.test_mode);
    assert_eq!(key.attributes.status, KeyStatus::Inactive);
    assert_eq!(
        key.links.as_ref().and_then(|l| l.self_link.as_deref()),
        Some("https://api.lemonsqueezy.com/v1/license-keys/536156")
    );
    assert!(!format!("{event:?}").contains("7A5472DB-C5B9-459E-9F6D-FAE467F0B28E"));
}

#[test]
fn license_key_updated_with_custom_data() {
    let event =
        WebhookEvent::parse_unverified(fixture("webhooks.license_key_updated.json").as_bytes())
            .unwrap();
    assert_eq!(
        event.meta.custom_data,
        Some(serde_json::json!({"user_id": "42"}))
    );
    let key = event.license_key().unwrap();
    assert!(matches!(event.kind, WebhookKind::LicenseKeyUpdated(_)));
    assert_eq!(key.attributes.instances_count, Some(1));
    assert_eq!(key.attributes.status, KeyStatus::Active);
}

#[test]
fn other_events_keep_their_data_and_bad_bodies_do_not_leak_keys() {
    let event = WebhookEvent::parse_unverified(
        br#"{"meta":{"event_name":"order_created"},"data":{"id":"1"}}"#,
    )
    .unwrap();
    assert!(matches!(event.kind, WebhookKind::Other(_)));
    assert!(event.license_key().is_none());
    let err = WebhookEvent::parse_unverified(
        br#"{"meta":{"event_name":"license_key_created"},"data":{"type":"license-keys","id":"1","attributes":{"key":"SECRET-CANARY-KEY","store_id":"x"}}}"#,
    )
    .unwrap_err();
    assert!(err.is_decode());
    assert!(!err.to_string().contains("SECRET-CANARY-KEY"), "{err}");
}
