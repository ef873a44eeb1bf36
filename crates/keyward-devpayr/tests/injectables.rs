#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Injectable cryptography with DevPayr's known-answer vector (from its SDKs), and the stream endpoint.

use crate::common;

use common::{LICENSE_KEY, license_client, no_header, respond, server};
use keyward_core::SecretLicenseKey;
use keyward_devpayr::InjectableSecret;
use keyward_devpayr::crypto::{content_hash, decrypt, sign, verify_signature};
use keyward_devpayr::models::{InjectableMode, InjectableType};
use serde_json::Value;
use wiremock::Mock;
use wiremock::matchers::{header, method, path, query_param};

fn vector() -> Value {
    serde_json::from_str(fixture!("injectables.crypto-vector.json")).unwrap()
}

fn secret() -> InjectableSecret {
    InjectableSecret::new(vector()["secret"].as_str().unwrap()).unwrap()
}

#[test]
fn the_vector_decrypts_and_its_signature_and_hash_match() {
    let v = vector();
    let ciphertext = v["encrypted_content"].as_str().unwrap();
    let signature = v["signature_hmac_sha256_hex_of_encrypted_content"]
        .as_str()
        .unwrap();
    let plain = decrypt(ciphertext, &secret()).unwrap();
    assert_eq!(plain, v["plaintext"].as_str().unwrap().as_bytes());
    verify_signature(ciphertext, signature, &secret()).unwrap();
    assert_eq!(sign(ciphertext, &secret()), signature);
    assert_eq!(
        content_hash(&plain),
        v["content_hash_sha256_hex_of_plaintext"].as_str().unwrap()
    );
}

#[test]
fn a_wrong_signature_or_secret_is_a_signature_error() {
    let v = vector();
    let ciphertext = v["encrypted_content"].as_str().unwrap();
    let signature = v["signature_hmac_sha256_hex_of_encrypted_content"]
        .as_str()
        .unwrap();
    let mut flipped = signature.to_owned();
    flipped.replace_range(0..1, if signature.starts_with('0') { "1" } else { "0" });
    assert!(
        verify_signature(ciphertext, &flipped, &secret())
            .unwrap_err()
            .is_signature()
    );
    let other = InjectableSecret::new("another-secret").unwrap();
    assert!(
        verify_signature(ciphertext, signature, &other)
            .unwrap_err()
            .is_signature()
    );
    // The wrong key gives bad padding (or garbage that fails the signature first).
    assert!(decrypt(ciphertext, &other).is_err_and(|e| e.is_signature()));
}

#[test]
fn the_helper_package_format_is_accepted_too() {
    // base64(base64(IV) "::" base64(ct)) built from the vector's parts.
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let v = vector();
    let outer = STANDARD
        .decode(v["encrypted_content"].as_str().unwrap())
        .unwrap();
    let (iv, body) = outer.split_at(16);
    let mut helper = STANDARD.encode(iv).into_bytes();
    helper.extend_from_slice(body);
    let helper = STANDARD.encode(helper);
    assert_eq!(
        decrypt(&helper, &secret()).unwrap(),
        v["plaintext"].as_str().unwrap().as_bytes()
    );
}

#[tokio::test]
async fn stream_endpoint_pages_and_verifies() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/injectable/stream"))
        .and(header("x-license-key", LICENSE_KEY))
        .and(no_header("x-api-key"))
        .and(query_param("per_page", "50"))
        .respond_with(respond(200, fixture!("injectables.stream.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let page = license_client(&server)
        .injectable_stream(&SecretLicenseKey::new(LICENSE_KEY), Some(50), None)
        .await
        .unwrap();
    assert!(!page.has_more && page.next_cursor.is_none());
    let injectable = &page.injectables[0];
    assert_eq!(injectable.kind, Some(InjectableType::File));
    assert_eq!(injectable.mode, Some(InjectableMode::Inject));
    assert!(injectable.verify_and_decrypt(&secret()).is_ok());
    let mut unsigned = injectable.clone();
    unsigned.signature = None;
    assert!(
        unsigned
            .verify_and_decrypt(&secret())
            .unwrap_err()
            .is_signature()
    );
}

#[tokio::test]
async fn a_refused_license_on_the_stream_has_a_license_reason() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/injectable/stream"))
        .respond_with(respond(
            403,
            r#"{"message":"This license has been revoked."}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = license_client(&server)
        .injectable_stream(&SecretLicenseKey::new(LICENSE_KEY), None, None)
        .await
        .unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert_eq!(
        keyward_devpayr::error_reason(&err),
        Some(keyward_devpayr::ErrorReason::LicenseRefused)
    );
}
