#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The entitlement and grant endpoints against wiremock, with the bodies in `fixtures/dodo/`.

use crate::common;

use chrono::{TimeZone, Utc};
use common::{ExactQuery, NoQuery, TOKEN, client, fixture_json, respond, retrying_client, server};
use futures_util::TryStreamExt;
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_dodo::{
    DeliverLicenseKey, DodoErrorExt, ErrorCode, FulfillmentMode, GrantStatus, IntegrationType,
    LicenseKeyStatus, ListCustomerGrants, ListEntitlements, ListGrants, TimeInterval,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

const BEARER: &str = "Bearer sk_test_canary_TOKEN_9c1d";
const MANUAL_KEY: &str = "ENT-7F3K-9QXM-2WZR";

#[tokio::test]
async fn list_entitlements_decodes_configs_and_unknown_integrations() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/entitlements"))
        .and(header("authorization", BEARER))
        .and(ExactQuery(vec![
            ("page_size", "10".into()),
            ("page_number", "0".into()),
        ]))
        .respond_with(respond(200, "list_entitlements.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .entitlements()
        .list(&ListEntitlements::new())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(page.is_last());
    let pro = &page.items[0];
    let config = pro.license_key_config().unwrap();
    assert_eq!(config.activations_limit, Some(3));
    assert_eq!(config.duration_interval, Some(TimeInterval::Year));
    assert_eq!(config.fulfillment_mode, Some(FulfillmentMode::Auto));
    assert!(!config.is_manual());
    assert_eq!(page.items[1].integration_type, IntegrationType::FeatureFlag);
    assert_eq!(page.items[1].license_key_config(), None);
    assert_eq!(
        page.items[2].integration_type,
        IntegrationType::Other("slack".into())
    );
    assert!(page.items[2].metadata.is_empty());
    let listed = fixture_json("list_entitlements.200.json");
    assert_eq!(page.items[1].raw, listed["items"][1]);
}

#[tokio::test]
async fn list_all_entitlements_walks_pages_with_the_filter() {
    let server = server().await;
    let item = fixture_json("get_entitlement.200.json");
    for (number, count) in [("0", 2), ("1", 1)] {
        Mock::given(method("GET"))
            .and(path("/entitlements"))
            .and(ExactQuery(vec![
                ("page_size", "2".into()),
                ("page_number", number.into()),
                ("integration_type", "license_key".into()),
            ]))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"items": vec![item.clone(); count]})),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let params = ListEntitlements::new()
        .page_size(2)
        .integration_type(IntegrationType::LicenseKey);
    let all: Vec<_> = client(&server)
        .entitlements()
        .list_all(params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn retrieve_entitlement_reads_a_manual_config_and_404() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/entitlements/ent_M4nualFulfilment0000001"))
        .and(NoQuery)
        .respond_with(respond(200, "get_entitlement.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/entitlements/ent_missing"))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let ent = client
        .entitlements()
        .retrieve("ent_M4nualFulfilment0000001")
        .await
        .unwrap();
    let config = ent.license_key_config().unwrap();
    assert!(config.is_manual());
    assert_eq!(config.activations_limit, None, "null = unlimited");
    assert_eq!(config.duration_count, None);
    let err = client
        .entitlements()
        .retrieve("ent_missing")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.dodo_code(), Some(ErrorCode::NotFound));
    assert!(client.entitlements().retrieve("").await.is_err());
}

#[tokio::test]
async fn grants_send_filters_and_decode_every_status_spelling() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/entitlements/ent_jt7jcvI79Xh8eehqgWdcm/grants"))
        .and(ExactQuery(vec![
            ("page_size", "10".into()),
            ("page_number", "0".into()),
            ("customer_id", "cus_TV52uJWWXt2yIoBBxpjaa".into()),
            ("status", "Delivered".into()),
        ]))
        .respond_with(respond(200, "list_entitlement_grants.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListGrants::new("ent_jt7jcvI79Xh8eehqgWdcm")
        .customer_id("cus_TV52uJWWXt2yIoBBxpjaa")
        .status(GrantStatus::Delivered);
    let page = client(&server)
        .entitlements()
        .grants(&params)
        .await
        .unwrap();
    let [delivered, pending, future] = &page.items[..] else {
        panic!("three grants")
    };
    assert_eq!(delivered.status, GrantStatus::Delivered);
    let key = delivered.license_key.as_ref().unwrap();
    assert_eq!(key.key.expose(), "2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43");
    assert_eq!(key.status, LicenseKeyStatus::Active);
    assert_eq!(key.activations_left(), Some(2));
    assert_eq!(
        key.raw,
        fixture_json("list_entitlement_grants.200.json")["items"][0]["license_key"]
    );
    assert!(
        !format!("{delivered:?}").contains("2b1f8e2d-c41e"),
        "Debug hides the key"
    );
    assert_eq!(pending.status, GrantStatus::Pending, "lower case decodes");
    assert!(pending.license_key.is_none(), "no key yet is no error");
    assert_eq!(future.status, GrantStatus::Other("Suspended".into()));
}

#[tokio::test]
async fn grants_all_stops_at_the_first_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/entitlements/ent_x/grants"))
        .respond_with(respond(401, "error.401.json"))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(
        client(&server)
            .entitlements()
            .grants_all(ListGrants::new("ent_x")),
    )
    .await;
    assert_eq!(results.len(), 1);
    let err = results.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn revoke_is_a_delete_and_is_retried() {
    let server = server().await;
    let route = "/entitlements/ent_jt7jcvI79Xh8eehqgWdcm/grants/entg_w0ZCJZgNXuNDdMVzvja6p";
    Mock::given(method("DELETE"))
        .and(path(route))
        .and(header("authorization", BEARER))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(route))
        .respond_with(respond(200, "revoke_grant.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let grant = retrying_client(&server)
        .entitlements()
        .revoke_grant("ent_jt7jcvI79Xh8eehqgWdcm", "entg_w0ZCJZgNXuNDdMVzvja6p")
        .await
        .unwrap();
    assert_eq!(grant.status, GrantStatus::Revoked);
    assert_eq!(grant.revocation_reason.as_deref(), Some("refund"));
    assert_eq!(
        grant.license_key.unwrap().status,
        LicenseKeyStatus::Disabled
    );
}

#[tokio::test]
async fn revoke_unknown_grant_is_not_found() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path("/entitlements/ent_a/grants/entg_missing"))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .entitlements()
        .revoke_grant("ent_a", "entg_missing")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn deliver_posts_the_key_and_is_never_repeated() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/grants/entg_P3nd1ngGrantNoKey00001/license-key"))
        .and(header("authorization", BEARER))
        .and(body_json(json!({
            "key": MANUAL_KEY,
            "activations_limit": 10,
            "expires_at": "2027-07-01T00:00:00Z"
        })))
        .respond_with(respond(200, "deliver_license_key.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/grants/entg_flaky/license-key"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = retrying_client(&server);
    let params = DeliverLicenseKey::new(SecretLicenseKey::new(MANUAL_KEY))
        .activations_limit(10)
        .expires_at(Utc.with_ymd_and_hms(2027, 7, 1, 0, 0, 0).unwrap());
    let grant = client
        .grants()
        .deliver_license_key("entg_P3nd1ngGrantNoKey00001", &params)
        .await
        .unwrap();
    assert_eq!(grant.status, GrantStatus::Delivered);
    assert_eq!(grant.license_key.unwrap().key.expose(), MANUAL_KEY);
    let err = client
        .grants()
        .deliver_license_key("entg_flaky", &params)
        .await
        .unwrap_err();
    assert!(err.may_have_been_applied());
    assert!(!format!("{err:?}").contains(MANUAL_KEY));
}

#[tokio::test]
async fn deliver_errors_keep_their_codes_and_never_show_the_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/grants/entg_done/license-key"))
        .and(body_json(json!({"key": MANUAL_KEY})))
        .respond_with(respond(409, "deliver_license_key.409.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/grants/entg_bad/license-key"))
        .respond_with(respond(422, "deliver_license_key.422.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let params = DeliverLicenseKey::new(SecretLicenseKey::new(MANUAL_KEY));
    let err = client
        .grants()
        .deliver_license_key("entg_done", &params)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(
        err.dodo_code(),
        Some(ErrorCode::Other("GRANT_NOT_PENDING".into()))
    );
    let err = client
        .grants()
        .deliver_license_key("entg_bad", &params)
        .await
        .unwrap_err();
    assert_eq!(err.dodo_code(), Some(ErrorCode::InvalidRequestBody));
    assert!(!err.to_string().contains(MANUAL_KEY));
    let empty = DeliverLicenseKey::new(SecretLicenseKey::new(""));
    let err = client
        .grants()
        .deliver_license_key("entg_bad", &empty)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn customer_grants_send_filters_and_walk_pages() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(
            "/customers/cus_TV52uJWWXt2yIoBBxpjaa/entitlement-grants",
        ))
        .and(ExactQuery(vec![
            ("page_size", "2".into()),
            ("page_number", "0".into()),
            ("integration_type", "license_key".into()),
            ("status", "Failed".into()),
        ]))
        .respond_with(respond(200, "list_customer_grants.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/customers/cus_TV52uJWWXt2yIoBBxpjaa/entitlement-grants",
        ))
        .and(ExactQuery(vec![
            ("page_size", "2".into()),
            ("page_number", "1".into()),
            ("integration_type", "license_key".into()),
            ("status", "Failed".into()),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    let params = ListCustomerGrants::new("cus_TV52uJWWXt2yIoBBxpjaa")
        .page_size(2)
        .integration_type(IntegrationType::LicenseKey)
        .status(GrantStatus::Failed);
    let all: Vec<_> = client(&server)
        .grants()
        .for_customer_all(params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].status, GrantStatus::Delivered);
    assert_eq!(
        all[0].license_key.as_ref().unwrap().activations_left(),
        None
    );
    assert_eq!(all[1].status, GrantStatus::Failed);
    assert_eq!(all[1].error_code.as_deref(), Some("FEATURE_DISABLED"));
    assert_eq!(
        all[1].field("feature"),
        Some(json!({"feature_id": "beta", "feature_type": "boolean"}))
    );
    assert_eq!(all[1].field("oauth_url"), None);
}

#[tokio::test]
async fn customer_grants_server_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/customers/cus_x/entitlement-grants"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"code": "INTERNAL_SERVER_ERROR", "message": "boom"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .grants()
        .for_customer(&ListCustomerGrants::new("cus_x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.dodo_message(), Some("boom"));
}
