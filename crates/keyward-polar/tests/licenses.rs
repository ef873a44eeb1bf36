#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The public customer-portal endpoints against recorded bodies.

use crate::common;

use common::*;
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_polar::{
    ActivateLicenseKey, LicenseKeyStatus, PolarErrorExt, Refusal, ValidateLicenseKey,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, ResponseTemplate};

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

#[tokio::test]
async fn validate_sends_the_organization_no_token_and_the_pinned_version() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/license-keys/validate"))
        .and(header("polar-version", "2026-04"))
        .and(body_json(json!({
            "key": KEY, "organization_id": ORG, "activation_id": ACTIVATION_ID,
            "conditions": {"major_version": 1}
        })))
        .respond_with(respond(200, "licenses.validate.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(400))
        .with_priority(1)
        .expect(0)
        .mount(&server)
        .await;
    let options = ValidateLicenseKey::new()
        .activation_id(ACTIVATION_ID.to_uppercase())
        .condition("major_version", 1);
    // A client holding a token still sends none to the public endpoints.
    let validated = client(&server)
        .licenses()
        .validate(&key(), &options)
        .await
        .unwrap();
    assert_eq!(validated.license_key.status, LicenseKeyStatus::Granted);
    assert_eq!(validated.license_key.usage_left(), Some(85));
    assert_eq!(validated.activation.as_ref().unwrap().id, ACTIVATION_ID);
    assert_eq!(
        validated
            .license_key
            .customer
            .as_ref()
            .unwrap()
            .email
            .as_deref(),
        Some("customer@example.com")
    );
    assert_eq!(
        validated.raw.to_value()["activation"]["meta"]["ip"],
        "84.19.145.194"
    );
    assert_eq!(
        validated.activation.unwrap().raw.to_value()["label"],
        "hello"
    );
}

#[tokio::test]
async fn the_documented_examples_decode() {
    let server = server().await;
    Mock::given(path("/v1/customer-portal/license-keys/validate"))
        .respond_with(respond(200, "licenses.validate.200.docs.json"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/customer-portal/license-keys/activate"))
        .respond_with(respond(200, "licenses.activate.200.docs.json"))
        .mount(&server)
        .await;
    let licenses = public_client(&server).licenses();
    let validated = licenses
        .validate(&key(), &ValidateLicenseKey::new())
        .await
        .unwrap();
    assert_eq!(validated.license_key.customer_id, None);
    assert_eq!(
        validated.license_key.raw.to_value()["user_id"],
        "d910050c-be66-4ca0-b4cc-34fde514f227"
    );
    let activated = licenses
        .activate(&key(), &ActivateLicenseKey::new("hello"))
        .await
        .unwrap();
    assert_eq!(activated.license_key.validations, 0);
    assert_eq!(activated.activation.license_key_id, KEY_ID);
}

#[tokio::test]
async fn refusals_are_typed() {
    let cases = [
        (
            "validate",
            404,
            "errors.404.revoked.json",
            Refusal::NoLongerActive,
            ErrorKind::NotFound,
        ),
        (
            "validate",
            404,
            "errors.404.expired.json",
            Refusal::Expired,
            ErrorKind::NotFound,
        ),
        (
            "validate",
            404,
            "errors.404.json",
            Refusal::NotFound,
            ErrorKind::NotFound,
        ),
        (
            "validate",
            400,
            "errors.400.usage.json",
            Refusal::UsageLimitReached,
            ErrorKind::Conflict,
        ),
        (
            "activate",
            403,
            "errors.403.limit.json",
            Refusal::ActivationLimitReached,
            ErrorKind::Conflict,
        ),
        (
            "activate",
            403,
            "errors.403.no-activations.json",
            Refusal::ActivationsNotSupported,
            ErrorKind::Conflict,
        ),
        (
            "deactivate",
            404,
            "errors.404.json",
            Refusal::NotFound,
            ErrorKind::NotFound,
        ),
    ];
    for (action, status, body, refusal, kind) in cases {
        let server = server().await;
        Mock::given(path(format!("/v1/customer-portal/license-keys/{action}")))
            .respond_with(respond(status, body))
            .expect(1)
            .mount(&server)
            .await;
        let licenses = public_client(&server).licenses();
        let error = match action {
            "validate" => licenses
                .validate(&key(), &ValidateLicenseKey::new().increment_usage(5))
                .await
                .map(drop),
            "activate" => licenses
                .activate(&key(), &ActivateLicenseKey::new("x"))
                .await
                .map(drop),
            _ => licenses.deactivate(&key(), ACTIVATION_ID).await,
        }
        .unwrap_err();
        assert_eq!(
            error.polar_refusal(),
            Some(refusal.clone()),
            "{action} {body}"
        );
        assert_eq!(error.kind(), kind, "{action} {body}");
        assert_eq!(
            error.is_activation_limit_reached(),
            refusal == Refusal::ActivationLimitReached
        );
        assert!(
            !format!("{error} {error:?}").contains(KEY),
            "the key leaked: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_plain_validate_is_retried_but_activate_and_counting_validate_are_not() {
    let server = server().await;
    Mock::given(path("/v1/customer-portal/license-keys/validate"))
        .respond_with(ResponseTemplate::new(503))
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(path("/v1/customer-portal/license-keys/activate"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = public_client(&server).licenses();
    let plain = licenses
        .validate(&key(), &ValidateLicenseKey::new())
        .await
        .unwrap_err();
    assert_eq!(plain.attempts(), 3);
    let counting = licenses
        .validate(&key(), &ValidateLicenseKey::new().increment_usage(1))
        .await
        .unwrap_err();
    assert_eq!(counting.attempts(), 1);
    let activate = licenses
        .activate(&key(), &ActivateLicenseKey::new("x"))
        .await
        .unwrap_err();
    assert!(activate.may_have_been_applied());
}

#[tokio::test]
async fn activate_and_deactivate_send_the_documented_bodies() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/license-keys/activate"))
        .and(body_json(json!({
            "key": KEY, "organization_id": ORG, "label": "hello",
            "conditions": {"major_version": 1}, "meta": {"ip": "84.19.145.194"}
        })))
        .respond_with(respond(200, "licenses.activate.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customer-portal/license-keys/deactivate"))
        .and(body_json(
            json!({"key": KEY, "organization_id": ORG, "activation_id": ACTIVATION_ID}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = public_client(&server).licenses();
    let activation = ActivateLicenseKey::new("hello")
        .condition("major_version", 1)
        .meta("ip", "84.19.145.194");
    let activated = licenses.activate(&key(), &activation).await.unwrap();
    assert_eq!(activated.license_key.limit_activations, Some(3));
    assert_eq!(
        activated.license_key.raw.to_value()["display_key"],
        "****-E304DA"
    );
    licenses
        .deactivate(&key(), &activated.activation.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_input_never_leaves() {
    let server = server().await;
    let licenses = public_client(&server).licenses();
    let empty = SecretLicenseKey::new("");
    assert!(
        licenses
            .validate(&empty, &ValidateLicenseKey::new())
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        licenses
            .deactivate(&key(), "device-1")
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        licenses
            .activate(&key(), &ActivateLicenseKey::new(""))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_authenticated_twins_send_the_token_to_the_admin_routes() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/license-keys/validate"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({"key": KEY, "organization_id": ORG})))
        .respond_with(respond(200, "licenses.validate.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server).authenticated_licenses();
    licenses
        .validate(&key(), &ValidateLicenseKey::new())
        .await
        .unwrap();
    let no_token = public_client(&server).authenticated_licenses();
    let error = no_token
        .validate(&key(), &ValidateLicenseKey::new())
        .await
        .unwrap_err();
    assert!(error.is_config());
}
