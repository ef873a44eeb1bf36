//! Response signatures (`Keygen-Signature`), fail-closed: with the account key set, a missing,
//! wrong, stale, replayed or tampered answer is a signature error, never a verdict; webhooks
//! use the same scheme.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use common::{ACCOUNT, Signed, builder, catch_all, server, signer};
use keyward_core::FixedClock;
use keyward_keygen::signatures::{SignedRequest, sign};
use keyward_keygen::webhooks::{WebhookEndpoint, verify_and_parse};
use keyward_keygen::{Client, SecretLicenseKey, ValidationCode, ValidationScope};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

const VALID: &str = r#"{"data":null,"meta":{"ts":"2026-12-05T16:31:49.000Z","valid":false,"detail":"does not exist","code":"NOT_FOUND"}}"#;

async fn client_answering(signed: Signed) -> (MockServer, Client) {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/actions/validate-key"))
        .and(header("keygen-accept-signature", r#"algorithm="ed25519""#))
        .respond_with(signed)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = builder(&server)
        .public_key(&signer().public_key().to_hex())
        .build()
        .unwrap();
    (server, client)
}

async fn validate(
    client: &Client,
) -> Result<keyward_keygen::Validation, keyward_core::LicenseError> {
    client
        .licenses()
        .validate_key(&SecretLicenseKey::new("KEY-1"), &ValidationScope::default())
        .await
}

#[tokio::test]
async fn a_correctly_signed_answer_is_read() {
    let (_server, client) = client_answering(Signed::new(&signer(), 200, VALID)).await;
    let answer = validate(&client).await.unwrap();
    assert_eq!(answer.code(), &ValidationCode::NotFound);
    assert!(!answer.is_valid());
}

#[tokio::test]
async fn missing_wrong_stale_replayed_or_tampered_answers_are_refused() {
    let key = signer();
    let mut missing = Signed::new(&key, 200, VALID);
    missing.omit_signature = true;
    let mut other_key = Signed::new(&key, 200, VALID);
    other_key.key = Arc::new(keyward_keygen::SigningKey::from_seed(&[1; 32]).unwrap());
    let mut stale = Signed::new(&key, 200, VALID);
    stale.date = Utc::now() - chrono::Duration::minutes(6);
    let mut future = Signed::new(&key, 200, VALID);
    future.date = Utc::now() + chrono::Duration::minutes(6);
    let mut replayed = Signed::new(&key, 200, VALID);
    replayed.signed_as = Some(SignedRequest::new(
        "post",
        "/v1/licenses/other/actions/validate",
        "127.0.0.1",
    ));
    let mut other_host = Signed::new(&key, 200, VALID);
    other_host.signed_as = Some(SignedRequest::new(
        "post",
        "/v1/licenses/actions/validate-key",
        "api.keygen.sh",
    ));
    let mut tampered = Signed::new(&key, 200, VALID);
    tampered.tamper_body = Some(VALID.replace("false", "true").replace("NOT_FOUND", "VALID"));
    for (name, signed) in [
        ("missing", missing),
        ("other key", other_key),
        ("stale", stale),
        ("future", future),
        ("replayed from another path", replayed),
        ("signed for another host", other_host),
        ("tampered body", tampered),
    ] {
        let (_server, client) = client_answering(signed).await;
        let err = validate(&client).await.unwrap_err();
        assert!(err.is_signature(), "{name}: {err}");
    }
}

#[tokio::test]
async fn an_unsigned_error_answer_is_an_error_of_its_own_kind() {
    let mut unsigned = Signed::new(&signer(), 503, r#"{"errors":[{"title":"Unavailable"}]}"#);
    unsigned.omit_signature = true;
    let (_server, client) = client_answering(unsigned).await;
    let err = validate(&client).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert!(!err.is_signature());
}

#[tokio::test]
async fn the_drift_allowed_and_the_clock_are_settings() {
    let mut old = Signed::new(&signer(), 200, VALID);
    old.date = Utc::now() - chrono::Duration::hours(2);
    let (server, _) = client_answering(old.clone()).await;
    let lenient = builder(&server)
        .public_key(&signer().public_key().to_hex())
        .max_clock_drift(Duration::from_secs(3 * 3600))
        .build()
        .unwrap();
    assert!(validate(&lenient).await.is_ok());
    let clock = Arc::new(FixedClock::new(old.date));
    let at_that_time = builder(&server)
        .public_key(&signer().public_key().to_hex())
        .clock(clock)
        .build()
        .unwrap();
    assert!(validate(&at_that_time).await.is_ok());
}

#[tokio::test]
async fn without_a_key_nothing_is_verified_and_nothing_asked() {
    let server = server().await;
    let mut unsigned = Signed::new(&signer(), 200, VALID);
    unsigned.omit_signature = true;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/actions/validate-key"))
        .respond_with(unsigned)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = builder(&server).build().unwrap();
    assert!(!client.verifies_responses());
    assert_eq!(
        validate(&client).await.unwrap().code(),
        &ValidationCode::NotFound
    );
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("keygen-accept-signature").is_none());
}

#[test]
fn webhooks_verify_over_the_endpoint_and_refuse_anything_else() {
    let key = signer();
    let body = format!(
        r#"{{"data":{{"id":"e1","type":"webhook-events","attributes":{{"endpoint":"https://example.com/hooks?x=1","event":"license.suspended","payload":"{{\"data\":{{\"id\":\"l1\",\"type\":\"licenses\"}}}}","apiVersion":"1.7"}}}},"meta":{{"idempotencyToken":"{ACCOUNT}"}}}}"#
    );
    let endpoint = WebhookEndpoint::new("https://example.com:8443/hooks?x=1").unwrap();
    let now = Utc::now();
    let request = SignedRequest::new("post", "/hooks?x=1", "example.com");
    let parts = sign(&key, ACCOUNT, &request, now, body.as_bytes());
    let headers = |parts: &keyward_keygen::signatures::SignedParts| {
        let mut map = http::HeaderMap::new();
        map.insert("keygen-signature", parts.signature.parse().unwrap());
        map.insert("date", parts.date.parse().unwrap());
        map.insert("digest", parts.digest.parse().unwrap());
        map
    };
    let drift = Duration::from_secs(300);
    let event = verify_and_parse(
        &key.public_key(),
        &endpoint,
        &headers(&parts),
        body.as_bytes(),
        now,
        drift,
    )
    .unwrap();
    assert_eq!(event.attributes.event, "license.suspended");
    assert_eq!(event.payload()["data"]["id"], "l1");

    let other_path = WebhookEndpoint::new("https://example.com/other").unwrap();
    let tampered = body.replace("suspended", "reinstated");
    let later = now + chrono::Duration::minutes(10);
    let checks = [
        verify_and_parse(
            &key.public_key(),
            &other_path,
            &headers(&parts),
            body.as_bytes(),
            now,
            drift,
        ),
        verify_and_parse(
            &key.public_key(),
            &endpoint,
            &headers(&parts),
            tampered.as_bytes(),
            now,
            drift,
        ),
        verify_and_parse(
            &key.public_key(),
            &endpoint,
            &headers(&parts),
            body.as_bytes(),
            later,
            drift,
        ),
        verify_and_parse(
            &key.public_key(),
            &endpoint,
            &http::HeaderMap::new(),
            body.as_bytes(),
            now,
            drift,
        ),
    ];
    for (i, check) in checks.into_iter().enumerate() {
        assert!(check.unwrap_err().is_signature(), "case {i}");
    }
}
