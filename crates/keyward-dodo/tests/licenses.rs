#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The public endpoints against wiremock, with the bodies in `fixtures/dodo/`.

use crate::common;

use common::{NoAuthorization, NoQuery, TOKEN, client, respond, retrying_client, server};
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_dodo::{DodoErrorExt, ErrorCode, LicenseKeyStatus};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

const KEY: &str = "2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43";

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

#[tokio::test]
async fn activate_sends_no_token_and_decodes_the_instance() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/activate"))
        .and(NoQuery)
        .and(NoAuthorization)
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(
            json!({"license_key": KEY, "name": "Ada's Linux workstation"}),
        ))
        .respond_with(respond(201, "activate_license.201.json"))
        .expect(1)
        .mount(&server)
        .await;
    let activation = client(&server)
        .licenses()
        .activate(&key(), "Ada's Linux workstation")
        .await
        .unwrap();
    assert_eq!(activation.id, "lki_9sDfG2hJk4LzX6cV8bNmQ");
    assert_eq!(activation.license_key_id, "lic_7namTC0VcgrnzrF3GTSwB");
    assert_eq!(activation.customer.email, "ada@example.com");
    assert_eq!(activation.customer.phone_number, None);
    let product = activation.product.unwrap();
    assert_eq!(product.name.as_deref(), Some("Analytical Engine Pro"));
    assert_eq!(activation.created_at.timestamp_subsec_micros(), 318_406);
}

#[tokio::test]
async fn validate_with_and_without_instance() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .and(NoAuthorization)
        .and(body_json(
            json!({"license_key": KEY, "license_key_instance_id": "lki_1"}),
        ))
        .respond_with(respond(200, "validate_license.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .and(NoAuthorization)
        .and(body_json(json!({"license_key": KEY})))
        .respond_with(respond(200, "validate_license.200.invalid.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(
        client
            .licenses()
            .validate(&key(), Some("lki_1"))
            .await
            .unwrap()
            .is_valid()
    );
    let invalid = client.licenses().validate(&key(), None).await.unwrap();
    assert!(!invalid.valid, "an invalid key is an answer, not an error");
}

#[tokio::test]
async fn deactivate_accepts_an_empty_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/deactivate"))
        .and(NoAuthorization)
        .and(header("accept", "*/*"))
        .and(body_json(
            json!({"license_key": KEY, "license_key_instance_id": "lki_1"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(common::fixture("deactivate_license.200.empty")),
        )
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .licenses()
        .deactivate(&key(), "lki_1")
        .await
        .unwrap();
}

async fn activate_error(status: u16, fixture: &str) -> keyward_core::LicenseError {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/activate"))
        .respond_with(respond(status, fixture))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .licenses()
        .activate(&key(), "box")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn activate_errors_are_typed() {
    let limit = activate_error(422, "activate_license.422.json").await;
    assert!(limit.is_activation_limit_reached());
    assert!(limit.is_conflict());
    assert_eq!(limit.dodo_code(), Some(ErrorCode::LicenseKeyLimitReached));
    assert_eq!(
        limit.dodo_message(),
        Some("License key activation limit reached")
    );
    assert!(!limit.may_have_been_applied());

    let inactive = activate_error(403, "activate_license.403.json").await;
    assert!(inactive.is_inactive_license());
    assert_eq!(inactive.kind(), ErrorKind::Conflict);
    assert!(
        !inactive.is_unauthorized(),
        "a 403 here is a state rule, not bad credentials"
    );
    assert_eq!(inactive.dodo_code(), Some(ErrorCode::InactiveLicenseKey));

    let unknown = activate_error(404, "activate_license.404.json").await;
    assert!(unknown.is_not_found());
    assert_eq!(unknown.dodo_code(), Some(ErrorCode::NotFound));

    let server_error = {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path("/licenses/activate"))
            .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .licenses()
            .activate(&key(), "box")
            .await
            .unwrap_err()
    };
    assert_eq!(server_error.kind(), ErrorKind::Server);
    assert!(
        server_error.may_have_been_applied(),
        "a 500 on activate may have spent an activation"
    );
    // A 422 that names another code is a malformed request, not a full key.
    let malformed = {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path("/licenses/activate"))
            .respond_with(ResponseTemplate::new(422).set_body_json(json!({
                "code": "INVALID_REQUEST_BODY",
                "message": "Your request body is invalid. Please check your request headers and object."
            })))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .licenses()
            .activate(&key(), "box")
            .await
            .unwrap_err()
    };
    assert!(!malformed.is_activation_limit_reached(), "{malformed}");
    assert_ne!(malformed.kind(), ErrorKind::Conflict);
    assert_eq!(malformed.dodo_code(), Some(ErrorCode::InvalidRequestBody));
    // A 422 without a code body still reads as the documented limit refusal.
    let bare = {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path("/licenses/activate"))
            .respond_with(ResponseTemplate::new(422))
            .expect(1)
            .mount(&server)
            .await;
        client(&server)
            .licenses()
            .activate(&key(), "box")
            .await
            .unwrap_err()
    };
    assert!(bare.is_activation_limit_reached() && bare.is_conflict());
    for error in [&limit, &inactive, &unknown, &server_error] {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(KEY) && !shown.contains(TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn deactivate_and_validate_errors_are_typed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/deactivate"))
        .and(body_json(
            json!({"license_key": KEY, "license_key_instance_id": "lki_other"}),
        ))
        .respond_with(respond(403, "deactivate_license.403.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/licenses/deactivate"))
        .and(body_json(
            json!({"license_key": KEY, "license_key_instance_id": "lki_gone"}),
        ))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .respond_with(ResponseTemplate::new(422).set_body_json(
            json!({"code": "INVALID_REQUEST_BODY", "message": "Invalid request format"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let other = client
        .licenses()
        .deactivate(&key(), "lki_other")
        .await
        .unwrap_err();
    assert!(other.is_not_found());
    assert_eq!(other.status(), Some(403));
    assert_eq!(other.dodo_code(), Some(ErrorCode::LicenseKeyNotFound));
    let gone = client
        .licenses()
        .deactivate(&key(), "lki_gone")
        .await
        .unwrap_err();
    assert!(gone.is_not_found());
    let rejected = client.licenses().validate(&key(), None).await.unwrap_err();
    assert_eq!(rejected.kind(), ErrorKind::Rejected);
    assert_eq!(rejected.dodo_code(), Some(ErrorCode::InvalidRequestBody));
}

#[tokio::test]
async fn empty_input_is_refused_before_sending() {
    let server = server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let empty = SecretLicenseKey::new("  ");
    assert!(
        client
            .licenses()
            .activate(&empty, "box")
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        client
            .licenses()
            .activate(&key(), " ")
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        client
            .licenses()
            .validate(&empty, None)
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        client
            .licenses()
            .validate(&key(), Some(""))
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        client
            .licenses()
            .deactivate(&key(), "")
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn a_key_echoed_in_a_decode_error_is_redacted() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/activate"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": KEY})))
        .mount(&server)
        .await;
    let err = client(&server)
        .licenses()
        .activate(&key(), "box")
        .await
        .unwrap_err();
    assert!(err.is_decode());
    assert!(!err.to_string().contains(KEY), "{err}");
    let _ = LicenseKeyStatus::Active;
}

#[tokio::test]
async fn activate_is_never_repeated_after_a_500_but_validate_is() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/activate"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .respond_with(respond(200, "validate_license.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = retrying_client(&server);
    let err = client.licenses().activate(&key(), "box").await.unwrap_err();
    assert!(err.may_have_been_applied());
    assert!(
        client
            .licenses()
            .validate(&key(), None)
            .await
            .unwrap()
            .valid
    );
}

#[tokio::test]
async fn the_user_agent_names_this_crate() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/licenses/validate"))
        .and(header(
            "user-agent",
            concat!("keyward-dodo/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(respond(200, "validate_license.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
}
