//! The GetKeyManager (signed-license) adapter: mappings on verified fixture payloads, flows
//! through `Box<dyn LicenseAdmin>` against the signing emulator, and fail-closed signatures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "signed-license")]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use keyward::mapping::signed_license as map;
use keyward::{
    ActivateRequest, ActivationOutcome, ApiKey, CreateRequest, DeactivateRequest, FixedClock,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseStatus, ListRequest, Patch, Provider,
    SignedLicenseProvider, UpdateRequest, ValidateRequest,
};
use keyward_emulator::signed_license::{LicenseSeed, SignedLicenseEmulator, SigningMode};
use keyward_signed_license::models::{LicenseDetails, LicenseKeyRecord, LicenseKeyStatus};
use keyward_signed_license::{KeySet, PublicKey, ResponseCode};
use serde_json::Value;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/signed-license/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A TEST-ONLY key pair of `fixtures/signed-license/test-keys/`.
fn test_key(name: &str) -> (aws_lc_rs::signature::RsaKeyPair, PublicKey) {
    use base64::Engine as _;
    let pem = fixture(&format!("test-keys/{name}.TEST-ONLY.pkcs8.pem"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let pair = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let public = PublicKey::from_pem(name, &fixture(&format!("test-keys/{name}.pub.pem"))).unwrap();
    (pair, public)
}

/// An envelope as GetKeyManager signs it: RSASSA-PKCS1-v1_5 SHA-256 over the base64 text of the
/// payload JSON.
fn envelope(key: &aws_lc_rs::signature::RsaKeyPair, payload: &Value) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(payload.to_string());
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        text.as_bytes(),
        &mut signature,
    )
    .unwrap();
    let signature = base64::engine::general_purpose::STANDARD.encode(signature);
    serde_json::json!({
        "response": payload,
        "response_base64": text,
        "private_key_used": "product",
        "signature": signature,
    })
    .to_string()
}

/// The plain `response` copy of a documented envelope. The mapped examples cannot be verified
/// (730 was edited after signing, 500 is signed by an unpublished key, 803 is unsigned), so their
/// plain copies stand in for verified payloads.
fn plain_response(name: &str) -> Value {
    let envelope: Value = serde_json::from_str(&fixture(name)).unwrap();
    envelope["response"].clone()
}

#[path = "signed_license/mapping.rs"]
mod mapping;
use crate::support;
#[path = "signed_license/update.rs"]
mod update;

// ---------------------------------------------------------------- flows against the emulator

const KEY: &str = "3a343c8a-38fe-4b6e-ad77-canary00001";

fn client(gkm: &SignedLicenseEmulator) -> keyward_signed_license::Client {
    keyward_signed_license::Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(gkm.api_key()).unwrap())
        .keys(KeySet::new(
            PublicKey::from_pem("emulator", gkm.public_key_pem()).unwrap(),
        ))
        .product_id(1)
        .http_options(keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none()))
        .build()
        .unwrap()
}

fn provider(gkm: &SignedLicenseEmulator) -> Box<dyn LicenseAdmin> {
    Box::new(
        SignedLicenseProvider::new(client(gkm))
            .with_product_id(1)
            .admin()
            .unwrap(),
    )
}

fn refused(outcome: ActivationOutcome) -> InvalidReason {
    match outcome {
        ActivationOutcome::Refused { reason, .. } => reason,
        other => panic!("refused expected, got {other:?}"),
    }
}

#[tokio::test]
async fn activate_until_the_limit_then_deactivate_frees_a_slot() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(LicenseSeed::new(KEY).activation_limit(2));
    let provider = provider(&gkm);

    for host in ["host-1", "host-2"] {
        let outcome = provider
            .activate(ActivateRequest::new(KEY, host))
            .await
            .unwrap();
        let instance = outcome.instance().expect("activated");
        assert_eq!(instance.id, host);
    }
    let outcome = provider
        .activate(ActivateRequest::new(KEY, "host-3"))
        .await
        .unwrap();
    assert_eq!(refused(outcome), InvalidReason::LimitReached);
    assert_eq!(gkm.activations(KEY), vec!["host-1", "host-2"]);

    // Activating an identifier again is not a second slot (301, already active). The clock moves
    // on: an answer with the same timestamp for the same call would be refused as a replay.
    gkm.advance(chrono::Duration::seconds(1));
    let again = provider
        .activate(ActivateRequest::new(KEY, "host-2"))
        .await
        .unwrap();
    assert!(again.instance().is_some());

    provider
        .deactivate(DeactivateRequest::new(KEY, "host-1"))
        .await
        .unwrap();
    gkm.advance(chrono::Duration::seconds(1));
    let outcome = provider
        .activate(ActivateRequest::new(KEY, "host-3"))
        .await
        .unwrap();
    assert_eq!(outcome.instance().unwrap().id, "host-3");
    assert_eq!(gkm.activations(KEY), vec!["host-2", "host-3"]);

    let valid = provider
        .validate(ValidateRequest::new(KEY).instance_id("host-3"))
        .await
        .unwrap();
    assert!(valid.is_valid());
    let keyward::ValidationOutcome::Valid { instance, .. } = valid else {
        panic!("valid")
    };
    assert_eq!(instance.unwrap().id, "host-3");
    let gone = provider
        .validate(ValidateRequest::new(KEY).instance_name("host-1"))
        .await
        .unwrap();
    assert_eq!(gone.reason(), Some(&InvalidReason::InstanceMismatch));
}

#[tokio::test]
async fn invalid_keys_answer_with_the_right_reason() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(LicenseSeed::new("BLOCKED-KEY-0001").disabled());
    gkm.add_license(
        LicenseSeed::new("EXPIRED-KEY-0001")
            .expires_at(chrono::DateTime::from_timestamp(1_000_000_000, 0).unwrap()),
    );
    gkm.add_license(LicenseSeed::new("UNASSIGNED-KEY-01").unassigned());
    let provider = provider(&gkm);
    for (key, reason) in [
        ("BLOCKED-KEY-0001", InvalidReason::Disabled),
        ("EXPIRED-KEY-0001", InvalidReason::Expired),
        ("UNKNOWN-KEY-00001", InvalidReason::NotFound),
        ("UNASSIGNED-KEY-01", InvalidReason::Revoked),
    ] {
        let outcome = provider
            .validate(ValidateRequest::new(key).instance_name("example.com"))
            .await
            .unwrap();
        assert_eq!(outcome.reason(), Some(&reason), "{key}");
        let outcome = provider
            .activate(ActivateRequest::new(key, "example.com"))
            .await
            .unwrap();
        assert_eq!(refused(outcome), reason, "{key}");
    }
    let err = provider
        .deactivate(DeactivateRequest::new("UNKNOWN-KEY-00001", "example.com"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(!format!("{err:?}").contains("UNKNOWN-KEY-00001"));
    // No identifier: GetKeyManager cannot verify.
    let err = provider
        .validate(ValidateRequest::new(KEY))
        .await
        .unwrap_err();
    assert!(err.is_config());
}

#[tokio::test]
async fn signature_failures_stay_errors() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(LicenseSeed::new(KEY));
    let provider = provider(&gkm);
    provider
        .activate(ActivateRequest::new(KEY, "host-1"))
        .await
        .unwrap();
    for mode in [
        SigningMode::Tampered,
        SigningMode::Unsigned,
        SigningMode::OtherKey,
        SigningMode::Stale(3600),
    ] {
        gkm.set_mode(mode);
        let err = provider
            .validate(ValidateRequest::new(KEY).instance_id("host-1"))
            .await
            .unwrap_err();
        assert!(err.is_signature(), "{mode:?}: {err}");
        assert!(!format!("{err} {err:?}").contains(KEY));
        let err = provider
            .activate(ActivateRequest::new(KEY, "host-2"))
            .await
            .unwrap_err();
        assert!(err.is_signature(), "{mode:?}: {err}");
    }
}

#[tokio::test]
async fn a_wrong_api_key_is_an_error_not_an_answer() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(LicenseSeed::new(KEY));
    let wrong = "11111111-wrong-api-key-canary";
    let client = keyward_signed_license::Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(wrong).unwrap())
        .keys(KeySet::new(
            PublicKey::from_pem("emulator", gkm.public_key_pem()).unwrap(),
        ))
        .http_options(keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none()))
        .build()
        .unwrap();
    let provider: Box<dyn LicenseAdmin> =
        Box::new(SignedLicenseProvider::new(client).admin().unwrap());
    let err = provider
        .validate(ValidateRequest::new(KEY).instance_name("example.com"))
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    let err = provider.list(ListRequest::new()).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    for text in [
        format!("{err}"),
        format!("{err:?}"),
        format!("{provider:?}"),
    ] {
        assert!(!text.contains(wrong), "{text}");
        assert!(!text.contains(KEY), "{text}");
    }
}

#[tokio::test]
async fn get_list_and_create_read_the_key_store() {
    let gkm = SignedLicenseEmulator::start().await;
    let id = gkm.add_license(LicenseSeed::new(KEY).activation_limit(3));
    gkm.add_license(
        LicenseSeed::new("OTHER-PRODUCT-KEY")
            .unassigned()
            .product(2),
    );
    let provider = provider(&gkm);

    let license = provider.get(&id.to_string()).await.unwrap();
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.activation_limit, Some(3));
    assert_eq!(license.customer.name.as_deref(), Some("Test User"));
    assert!(provider.get("999999").await.unwrap_err().is_not_found());

    let all = provider.list(ListRequest::new()).await.unwrap();
    assert_eq!(all.items.len(), 2);
    assert!(all.is_last());
    let product_2 = provider
        .list(ListRequest::new().product_id("2"))
        .await
        .unwrap();
    assert_eq!(product_2.items.len(), 1);
    assert_eq!(product_2.items[0].status, LicenseStatus::Inactive);
    let active = provider
        .list(ListRequest::new().status(LicenseStatus::Active))
        .await
        .unwrap();
    assert_eq!(active.items.len(), 1);
    assert!(
        provider
            .list(ListRequest::new().customer_id("c"))
            .await
            .unwrap_err()
            .is_config()
    );

    let mut create = CreateRequest::for_product("1");
    create.key = Some("IMPORTED-KEY-0001".into());
    create.activation_limit = Some(5);
    let created = provider.create(create.clone()).await.unwrap();
    assert_eq!(created.key.as_ref().unwrap().expose(), "IMPORTED-KEY-0001");
    assert_eq!(created.status, LicenseStatus::Inactive);
    assert_eq!(created.activation_limit, Some(5));
    assert_eq!(created.product.id.as_deref(), Some("1"));
    let err = provider.create(create).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert!(!format!("{err:?}").contains("IMPORTED-KEY-0001"));
    let mut no_key = CreateRequest::for_product("1");
    no_key.expires_at = Some(Utc::now());
    assert!(provider.create(no_key).await.unwrap_err().is_config());
}

#[tokio::test]
async fn unsupported_operation_and_capabilities() {
    let gkm = SignedLicenseEmulator::start().await;
    let provider = provider(&gkm);
    assert_eq!(provider.provider(), Provider::SignedLicense);
    let caps = provider.capabilities();
    assert!(caps.signed && caps.offline);
    assert!(caps.validate && caps.activate && caps.deactivate);
    assert!(caps.get && caps.list && caps.create && caps.update);
    assert!(!caps.instances);
    let err = provider
        .instances(InstancesRequest::new("1"))
        .await
        .unwrap_err();
    assert!(err.is_unsupported());
}

#[tokio::test]
async fn debug_and_errors_never_show_the_api_key_or_license_key() {
    let gkm = SignedLicenseEmulator::start().await;
    let api_key = gkm.api_key();
    let provider = SignedLicenseProvider::new(client(&gkm));
    let debug = format!("{provider:?}");
    assert!(!debug.contains(&api_key), "{debug}");
    gkm.set_mode(SigningMode::Tampered);
    let boxed: Box<dyn LicenseAdmin> = Box::new(provider.admin().unwrap());
    let err = boxed
        .activate(ActivateRequest::new(KEY, "host-1"))
        .await
        .unwrap_err();
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(&api_key), "{text}");
    }
}
