//! A refusal or error signed by the global key is an answer even under the product-only policy
//! (the server signs "invalid license key" and bad-API-key answers with it, having no product in
//! context); a success signed by the global key stays refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::wire::{client, lk, refused};
use common::{envelope, signing_key, test_keys};
use keyward_signed_license::ResponseCode;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TS: i64 = 1_764_000_000;

async fn global_signed(status: u16, code: u32, message: &str) -> MockServer {
    let server = MockServer::start().await;
    let json = format!(r#"{{"code":{code},"message":"{message}","timestamp":{TS}}}"#);
    let body = envelope(&signing_key("global-2048"), &json, "global");
    Mock::given(method("POST"))
        .and(path("/api/v1/verify"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn an_invalid_license_signed_by_the_global_key_is_a_refusal() {
    let server = global_signed(200, 210, "Invalid license key").await;
    let reply = client(&server, test_keys(), TS)
        .verify(&lk("unknown-key-1234"), "host.example")
        .await
        .unwrap();
    assert_eq!(refused(&reply), ResponseCode::InvalidLicenseKey);
    assert_eq!(reply.verified().key_id(), "global-2048");
}

#[tokio::test]
async fn a_bad_api_key_signed_by_the_global_key_is_an_unauthorized_error() {
    let server = global_signed(401, 100, "Invalid API Key").await;
    let e = client(&server, test_keys(), TS)
        .verify(&lk("some-key-1234"), "host.example")
        .await
        .unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
}

#[tokio::test]
async fn a_valid_answer_signed_by_the_global_key_is_still_refused() {
    let server = global_signed(200, 200, "Valid license key").await;
    let e = client(&server, test_keys(), TS)
        .verify(&lk("some-key-1234"), "host.example")
        .await
        .unwrap_err();
    assert!(e.is_signature(), "{e}");
}
