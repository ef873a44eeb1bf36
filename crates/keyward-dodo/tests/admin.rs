#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The admin endpoints against wiremock, with the bodies in `fixtures/dodo/`.

use crate::common;

use chrono::{TimeZone, Utc};
use common::{ExactQuery, NoQuery, TOKEN, client, fixture_json, respond, server};
use futures_util::{StreamExt, TryStreamExt};
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_dodo::{
    CreateLicenseKey, DodoErrorExt, ErrorCode, LicenseKeySource, LicenseKeyStatus, ListLicenseKeys,
    UpdateLicenseKey,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

const BEARER: &str = "Bearer sk_test_canary_TOKEN_9c1d";

#[tokio::test]
async fn create_imports_a_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/license_keys"))
        .and(NoQuery)
        .and(header("authorization", BEARER))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "key": "LEGACY-7F3K-9QXM-2WZR",
            "customer_id": "cus_TV52uJWWXt2yIoBBxpjaa",
            "product_id": "pdt_R8AWMPiV8RyJElcCKvAID",
            "activations_limit": 3,
            "expires_at": "2027-07-01T00:00:00Z"
        })))
        .respond_with(respond(201, "create_license_key.201.json"))
        .expect(1)
        .mount(&server)
        .await;
    let params = CreateLicenseKey::new(
        SecretLicenseKey::new("LEGACY-7F3K-9QXM-2WZR"),
        "cus_TV52uJWWXt2yIoBBxpjaa",
        "pdt_R8AWMPiV8RyJElcCKvAID",
    )
    .activations_limit(3)
    .expires_at(Utc.with_ymd_and_hms(2027, 7, 1, 0, 0, 0).unwrap());
    let key = client(&server)
        .license_keys()
        .import(&params)
        .await
        .unwrap();
    assert_eq!(key.source, Some(LicenseKeySource::Import));
    assert_eq!(key.payment_id, None);
    assert_eq!(key.activations_left(), Some(3));
    assert_eq!(key.key.expose(), "LEGACY-7F3K-9QXM-2WZR");
    assert!(
        !format!("{key:?}").contains("LEGACY-7F3K"),
        "Debug hides the key"
    );
}

#[tokio::test]
async fn create_errors_are_typed() {
    let server = server().await;
    let cases = [
        ("dup", 409, "create_license_key.409.json"),
        ("nocust", 404, "error.404.json"),
        ("bad", 422, "error.404.json"),
    ];
    for (key, status, fixture) in cases {
        Mock::given(method("POST"))
            .and(path("/license_keys"))
            .and(body_json(
                json!({"key": format!("{key}-key"), "customer_id": "cus_1", "product_id": "pdt_1"}),
            ))
            .respond_with(respond(status, fixture))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let create = |key: &str| {
        CreateLicenseKey::new(
            SecretLicenseKey::new(format!("{key}-key")),
            "cus_1",
            "pdt_1",
        )
    };
    let dup = client
        .license_keys()
        .create(&create("dup"))
        .await
        .unwrap_err();
    assert!(dup.is_conflict());
    assert_eq!(
        dup.dodo_code(),
        Some(ErrorCode::Other("LICENSE_KEY_ALREADY_EXISTS".into()))
    );
    assert!(!dup.to_string().contains("dup-key"));
    let missing = client
        .license_keys()
        .create(&create("nocust"))
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    let bad = client
        .license_keys()
        .create(&create("bad"))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Rejected);
}

#[tokio::test]
async fn retrieve_a_key_and_its_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic_7namTC0VcgrnzrF3GTSwB"))
        .and(NoQuery)
        .and(header("authorization", BEARER))
        .respond_with(respond(200, "get_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic_missing"))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic_denied"))
        .respond_with(respond(401, "error.401.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let key = client
        .license_keys()
        .retrieve("lic_7namTC0VcgrnzrF3GTSwB")
        .await
        .unwrap();
    assert_eq!(key.status, LicenseKeyStatus::Active);
    assert_eq!(key.instances_count, 2);
    assert_eq!(key.brand_id.as_deref(), Some("brnd_8dFiAW42v28JzhlVSocjq"));
    assert_eq!(key.activations_left(), Some(3));
    let missing = client
        .license_keys()
        .retrieve("lic_missing")
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
    assert_eq!(missing.dodo_code(), Some(ErrorCode::NotFound));
    let denied = client
        .license_keys()
        .retrieve("lic_denied")
        .await
        .unwrap_err();
    assert!(denied.is_unauthorized());
    assert_eq!(denied.dodo_code(), Some(ErrorCode::Unauthorized));
    assert!(!format!("{denied} {denied:?}").contains(TOKEN));
    assert!(
        client
            .license_keys()
            .retrieve("")
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn ids_are_percent_encoded_as_one_segment() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic%2F..%2Fx"))
        .respond_with(respond(200, "get_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .license_keys()
        .retrieve("lic/../x")
        .await
        .unwrap();
}

#[tokio::test]
async fn list_sends_every_filter_and_explicit_paging() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .and(header("authorization", BEARER))
        .and(ExactQuery(vec![
            ("page_size", "25".into()),
            ("page_number", "2".into()),
            ("customer_id", "cus_1".into()),
            ("product_id", "pdt_1".into()),
            ("status", "expired".into()),
            ("source", "manual".into()),
            ("created_at_gte", "2026-01-01T00:00:00Z".into()),
            ("created_at_lte", "2026-06-30T23:59:59.500Z".into()),
        ]))
        .respond_with(respond(200, "list_license_keys.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListLicenseKeys::new()
        .page_size(25)
        .page_number(2)
        .customer_id("cus_1")
        .product_id("pdt_1")
        .status(LicenseKeyStatus::Expired)
        .source(LicenseKeySource::Manual)
        .created_at_gte(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .created_at_lte(
            Utc.with_ymd_and_hms(2026, 6, 30, 23, 59, 59).unwrap()
                + chrono::Duration::milliseconds(500),
        );
    let page = client(&server).license_keys().list(&params).await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.page_number, 2);
    assert!(page.is_last(), "3 items on a page of 25 is the last page");
    let third = &page.items[2];
    assert_eq!(third.payment_id, None);
    assert_eq!(third.subscription_id, None);
    assert_eq!(third.status, LicenseKeyStatus::Expired);
    assert_eq!(page.items[1].activations_limit, None);
}

#[tokio::test]
async fn default_list_sends_page_zero_explicitly() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .and(ExactQuery(vec![
            ("page_size", "10".into()),
            ("page_number", "0".into()),
        ]))
        .respond_with(respond(200, "list_license_keys.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .license_keys()
        .list(&ListLicenseKeys::new())
        .await
        .unwrap();
}

fn keys_page(ids: &[&str]) -> serde_json::Value {
    let template = fixture_json("get_license_key.200.json");
    let items: Vec<_> = ids
        .iter()
        .map(|id| {
            let mut item = template.clone();
            item["id"] = json!(id);
            item
        })
        .collect();
    json!({ "items": items })
}

#[tokio::test]
async fn list_all_walks_every_page_and_stops_on_a_short_one() {
    let server = server().await;
    for (number, ids) in [
        ("0", vec!["lic_a", "lic_b"]),
        ("1", vec!["lic_c", "lic_d"]),
        ("2", vec!["lic_e"]),
    ] {
        Mock::given(method("GET"))
            .and(path("/license_keys"))
            .and(ExactQuery(vec![
                ("page_size", "2".into()),
                ("page_number", number.into()),
                ("status", "active".into()),
            ]))
            .respond_with(ResponseTemplate::new(200).set_body_json(keys_page(&ids)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let params = ListLicenseKeys::new()
        .page_size(2)
        .status(LicenseKeyStatus::Active);
    let keys: Vec<_> = client(&server)
        .license_keys()
        .list_all(params)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["lic_a", "lic_b", "lic_c", "lic_d", "lic_e"]);
}

#[tokio::test]
async fn list_all_stops_on_an_empty_page_and_on_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .and(ExactQuery(vec![
            ("page_size", "2".into()),
            ("page_number", "0".into()),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys_page(&["lic_a", "lic_b"])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .and(ExactQuery(vec![
            ("page_size", "2".into()),
            ("page_number", "1".into()),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let all: Vec<_> = client
        .license_keys()
        .list_all(ListLicenseKeys::new().page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);

    // An error ends the stream after being yielded once.
    let failing = common::server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .respond_with(respond(401, "error.401.json"))
        .expect(1)
        .mount(&failing)
        .await;
    let items: Vec<_> = common::client(&failing)
        .license_keys()
        .list_all(ListLicenseKeys::new())
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().unwrap_err().is_unauthorized());
}

#[tokio::test]
async fn update_sends_three_state_fields() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .and(path("/license_keys/lic_7namTC0VcgrnzrF3GTSwB"))
        .and(header("authorization", BEARER))
        .and(body_json(json!({"activations_limit": 10, "disabled": true, "expires_at": "2027-03-14T00:00:00Z"})))
        .respond_with(respond(200, "update_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/license_keys/lic_clear"))
        .and(body_json(
            json!({"activations_limit": null, "expires_at": null, "disabled": false}),
        ))
        .respond_with(respond(200, "update_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/license_keys/lic_keep"))
        .and(body_json(json!({})))
        .respond_with(respond(200, "update_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let update = UpdateLicenseKey::new()
        .activations_limit(10)
        .disabled(true)
        .expires_at(Utc.with_ymd_and_hms(2027, 3, 14, 0, 0, 0).unwrap());
    let key = client
        .license_keys()
        .update("lic_7namTC0VcgrnzrF3GTSwB", &update)
        .await
        .unwrap();
    assert_eq!(key.status, LicenseKeyStatus::Disabled);
    assert_eq!(key.activations_limit, Some(10));
    let clear = UpdateLicenseKey::new()
        .unlimited_activations()
        .never_expires()
        .disabled(false);
    client
        .license_keys()
        .update("lic_clear", &clear)
        .await
        .unwrap();
    client
        .license_keys()
        .update("lic_keep", &UpdateLicenseKey::new())
        .await
        .unwrap();
    let too_big = UpdateLicenseKey::new().activations_limit(u32::MAX);
    assert!(
        client
            .license_keys()
            .update("lic_keep", &too_big)
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn update_errors_are_typed() {
    let server = server().await;
    for (id, status, fixture) in [
        ("lic_sub", 400, "update_license_key.400.json"),
        ("lic_low", 422, "update_license_key.422.json"),
        ("lic_none", 404, "error.404.json"),
    ] {
        Mock::given(method("PATCH"))
            .and(path(format!("/license_keys/{id}")))
            .respond_with(respond(status, fixture))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let update = UpdateLicenseKey::new().activations_limit(1);
    let sub = client
        .license_keys()
        .update("lic_sub", &update)
        .await
        .unwrap_err();
    assert_eq!(sub.kind(), ErrorKind::Rejected);
    assert_eq!(
        sub.dodo_code(),
        Some(ErrorCode::NoExpiryOnSubscriptionLicenseKeys)
    );
    let low = client
        .license_keys()
        .update("lic_low", &update)
        .await
        .unwrap_err();
    assert!(low.is_conflict());
    assert_eq!(
        low.dodo_code(),
        Some(ErrorCode::ActivationLimitLessThanCurrentAmount)
    );
    assert!(!low.is_activation_limit_reached());
    let none = client
        .license_keys()
        .update("lic_none", &update)
        .await
        .unwrap_err();
    assert!(none.is_not_found());
}

#[tokio::test]
async fn a_listed_key_never_reaches_a_decode_error() {
    const LISTED: &str = "CANARY-LISTED-KEY-0f3e9a7d";
    let server = server().await;
    let body = format!(
        r#"{{"items":[{{"id":"lic_1","business_id":"bus_1","created_at":"2024-01-01T00:00:00Z","customer_id":"cus_1","instances_count":0,"key":"{LISTED}","product_id":"pdt_1","status":7}}]}}"#
    );
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .license_keys()
        .list(&ListLicenseKeys::new())
        .await
        .unwrap_err();
    assert!(err.is_decode());
    let text = format!("{err} {err:?}");
    assert!(text.contains("items[0].status"), "{text}");
    assert!(
        !text.contains("CANARY") && !text.contains("0f3e9a7d"),
        "{text}"
    );
}
