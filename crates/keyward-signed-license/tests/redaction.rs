//! Secrets inside verified payloads never reach an error, and a bad policy fails at build time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use chrono::Duration;
use common::wire::{API_KEY, client, lk, no_secret};
use common::{at, envelope, signing_key, test_keys};
use keyward_core::{ApiKey, FixedClock};
use keyward_signed_license::{Client, Policy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TS: i64 = 1_764_000_000;
const OTHER_KEY: &str = "CANARY-LICENSE-0f9e8d7c6b5a";
const EMAIL: &str = "canary.owner@example.test";

async fn serve_signed(endpoint: &str, verb: &str, json: &str) -> MockServer {
    let server = MockServer::start().await;
    let body = envelope(&signing_key("product-2048"), json, "product");
    Mock::given(method(verb))
        .and(path(format!("/api/v1/{endpoint}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_decode_error_in_a_key_list_shows_no_license_key_or_email() {
    // A record whose `activation_limit` cannot be read, right next to another customer's key.
    let json = format!(
        r#"{{"code":730,"message":"License keys","license_keys":[{{"id":1,"product_id":1,"license_key":"{OTHER_KEY}","owner_email":"{EMAIL}","activation_limit":"lots","status":"assigned"}}],"timestamp":{TS}}}"#
    );
    let server = serve_signed("get-license-keys", "GET", &json).await;
    let e = client(&server, test_keys(), TS)
        .license_keys()
        .await
        .unwrap_err();
    assert!(e.is_decode(), "{e}");
    assert!(e.to_string().contains("activation_limit"), "{e}");
    no_secret(&e, &[OTHER_KEY, EMAIL, API_KEY]);
}

#[tokio::test]
async fn a_decode_error_in_license_details_shows_no_license_key() {
    let key = "CANARY-DK-5a4b";
    let json = format!(
        r#"{{"code":500,"message":"Active license key found","licenseKey":{{"id":"x1","license_key":"{key}","owner_email":"{EMAIL}"}},"product":{{"id":1,"name":"P"}},"timestamp":{TS}}}"#
    );
    let server = serve_signed("get-license-key-details", "POST", &json).await;
    let e = client(&server, test_keys(), TS)
        .license_key_details(&lk(key), "host.example")
        .await
        .unwrap_err();
    assert!(e.is_decode(), "{e}");
    assert!(e.to_string().contains("licenseKey.id"), "{e}");
    no_secret(&e, &[key, EMAIL, API_KEY]);
}

#[test]
fn a_negative_freshness_window_is_a_configuration_error() {
    let build = |policy: Policy| {
        Client::builder()
            .base_url("https://licenses.example.test")
            .api_key(ApiKey::new(API_KEY).unwrap())
            .keys(test_keys())
            .clock(Arc::new(FixedClock::new(at(TS))))
            .policy(policy)
            .build()
    };
    assert!(
        build(Policy::new().max_age(Duration::seconds(-1)))
            .unwrap_err()
            .is_config()
    );
    assert!(
        build(Policy::new().max_skew(Duration::seconds(-1)))
            .unwrap_err()
            .is_config()
    );
    assert!(build(Policy::new()).is_ok());
}

#[test]
fn debug_hides_contract_keys() {
    let secret = "6dabe9fa-3512-49b4-beb5-canary";
    let spec = keyward_signed_license::models::ContractSpec::new(secret, "Reseller", 1, 10);
    assert!(!format!("{spec:?}").contains(secret));
    let contract: keyward_signed_license::models::Contract = serde_json::from_str(&format!(
        r#"{{"id":1,"name":"Reseller","contract_key":"{secret}"}}"#
    ))
    .unwrap();
    assert!(!format!("{contract:?}").contains(secret));
    assert_eq!(contract.contract_key, secret);
}

/// The server's own texts echo what the request carried: the error of code 100 and a refusal's
/// message pass through the same redaction as bodies.
#[tokio::test]
async fn error_and_refusal_messages_are_redacted() {
    let json = format!(r#"{{"code":100,"message":"Invalid API key {API_KEY}","timestamp":{TS}}}"#);
    let server = serve_signed("verify", "POST", &json).await;
    let e = client(&server, test_keys(), TS)
        .verify(&lk(OTHER_KEY), "host")
        .await
        .unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
    no_secret(&e, &[API_KEY]);

    let json =
        format!(r#"{{"code":210,"message":"Invalid license key {OTHER_KEY}","timestamp":{TS}}}"#);
    let server = serve_signed("verify", "POST", &json).await;
    let reply = client(&server, test_keys(), TS)
        .verify(&lk(OTHER_KEY), "host")
        .await
        .unwrap();
    let shown = format!("{reply:?}");
    assert!(
        shown.contains("Invalid license key") && !shown.contains(OTHER_KEY),
        "{shown}"
    );
}
