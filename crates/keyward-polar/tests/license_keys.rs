#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The admin endpoints against recorded bodies.

use crate::common;

use chrono::{TimeZone, Utc};
use common::*;
use futures_util::TryStreamExt;
use keyward_polar::{LicenseKeyStatus, ListLicenseKeys, UpdateLicenseKey};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn list_sends_filters_and_walks_every_page() {
    let server = server().await;
    let page = |n: u32, max_page: u32| {
        let mut body: serde_json::Value =
            serde_json::from_str(&fixture("license_keys.list.200.json")).unwrap();
        body["pagination"] = json!({"total_count": max_page, "max_page": max_page});
        body["items"][0]["id"] = json!(format!("00000000-0000-4000-8000-00000000000{n}"));
        ResponseTemplate::new(200).set_body_json(body)
    };
    for n in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/v1/license-keys/"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(query_param("organization_id", ORG))
            .and(query_param("status", "granted"))
            .and(query_param("limit", "1"))
            .and(query_param("page", n.to_string().as_str()))
            .respond_with(page(n, 3))
            .expect(if n == 1 { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let keys = client(&server).license_keys();
    let params = ListLicenseKeys::new()
        .status(LicenseKeyStatus::Granted)
        .limit(1);
    let first = keys.list(&params).await.unwrap();
    assert_eq!(first.next_page(), Some(2));
    assert_eq!(first.pagination.total_count, 3);
    let all: Vec<_> = keys.list_all(params).try_collect().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].id, "00000000-0000-4000-8000-000000000003");
    assert_eq!(all[0].raw.to_value()["display_key"], "****-E304DA");
}

#[tokio::test]
async fn retrieve_update_and_activation() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/license-keys/{KEY_ID}")))
        .respond_with(respond(200, "license_keys.retrieve.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/v1/license-keys/{KEY_ID}")))
        .and(body_json(json!({"status": "disabled", "limit_activations": null, "expires_at": "2027-01-01T00:00:00.000000Z"})))
        .respond_with(respond(200, "license_keys.update.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/v1/license-keys/{KEY_ID}/activations/{ACTIVATION_ID}"
        )))
        .respond_with(respond(200, "license_keys.activation.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let keys = client(&server).license_keys();
    let found = keys.retrieve(KEY_ID).await.unwrap();
    assert_eq!(found.activations.len(), 1);
    assert_eq!(found.activations[0].raw.to_value()["id"], ACTIVATION_ID);
    let at = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let update = UpdateLicenseKey::new()
        .status(LicenseKeyStatus::Disabled)
        .no_activations()
        .expires_at(at);
    assert_eq!(
        keys.update(KEY_ID, &update).await.unwrap().status,
        LicenseKeyStatus::Disabled
    );
    let activation = keys.activation(KEY_ID, ACTIVATION_ID).await.unwrap();
    assert_eq!(activation.license_key.id, KEY_ID);
}

#[tokio::test]
async fn admin_calls_need_a_token_and_keep_it_secret() {
    let server = server().await;
    let no_token = public_client(&server).license_keys();
    let error = no_token.retrieve(KEY_ID).await.unwrap_err();
    assert!(error.is_config() && error.to_string().contains("POLAR_ACCESS_TOKEN"));
    Mock::given(path(format!("/v1/license-keys/{KEY_ID}")))
        .respond_with(respond(401, "errors.401.json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .license_keys()
        .retrieve(KEY_ID)
        .await
        .unwrap_err();
    assert!(error.is_unauthorized());
    assert!(!format!("{error} {error:?}").contains(TOKEN));
    assert!(
        client(&server)
            .license_keys()
            .retrieve("42")
            .await
            .unwrap_err()
            .is_invalid_input()
    );
}

#[tokio::test]
async fn a_validation_error_keeps_its_messages() {
    let server = server().await;
    Mock::given(path(format!("/v1/license-keys/{KEY_ID}")))
        .respond_with(respond(422, "errors.422.json"))
        .mount(&server)
        .await;
    let error = client(&server)
        .license_keys()
        .update(KEY_ID, &UpdateLicenseKey::new().usage(-1))
        .await
        .unwrap_err();
    use keyward_polar::PolarErrorExt;
    assert_eq!(error.polar_error(), Some("RequestValidationError"));
    assert!(error.polar_detail().unwrap().contains("increment_usage"));
    assert_eq!(error.polar_refusal(), None);
}
