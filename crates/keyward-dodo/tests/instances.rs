#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The instance endpoints, admin auth and server errors against wiremock.

use crate::common;

use common::{ExactQuery, client, respond, server};
use futures_util::TryStreamExt;
use keyward_core::ErrorKind;
use keyward_dodo::{Client, DodoErrorExt, ErrorCode, ListInstances};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

const BEARER: &str = "Bearer sk_test_canary_TOKEN_9c1d";

#[tokio::test]
async fn instances_retrieve_list_and_rename() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_key_instances/lki_EeWORStkMc7z0KycI31VS"))
        .and(header("authorization", BEARER))
        .respond_with(respond(200, "get_license_key_instance.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_key_instances"))
        .and(header("authorization", BEARER))
        .and(ExactQuery(vec![
            ("page_size", "100".into()),
            ("page_number", "0".into()),
            ("license_key_id", "lic_7namTC0VcgrnzrF3GTSwB".into()),
            ("grant_id", "entg_1".into()),
        ]))
        .respond_with(respond(200, "list_license_key_instances.200.json"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/license_key_instances/lki_EeWORStkMc7z0KycI31VS"))
        .and(header("authorization", BEARER))
        .and(body_json(json!({"name": "Ada's MacBook Pro (work)"})))
        .respond_with(respond(200, "update_license_key_instance.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_key_instances/lki_missing"))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/license_key_instances/lki_missing"))
        .respond_with(respond(404, "error.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let instances = client.license_key_instances();
    let one = instances
        .retrieve("lki_EeWORStkMc7z0KycI31VS")
        .await
        .unwrap();
    assert_eq!(one.name, "Ada's MacBook Pro");
    let params = ListInstances::new()
        .page_size(500)
        .license_key_id("lic_7namTC0VcgrnzrF3GTSwB")
        .grant_id("entg_1");
    let page = instances.list(&params).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert!(page.is_last());
    let all: Vec<_> = instances.list_all(params).try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    let renamed = instances
        .update("lki_EeWORStkMc7z0KycI31VS", "Ada's MacBook Pro (work)")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Ada's MacBook Pro (work)");
    assert!(
        instances
            .retrieve("lki_missing")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        instances
            .update("lki_missing", "x")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        instances
            .update("lki_missing", " ")
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn admin_calls_without_a_token_are_refused_before_sending() {
    let server = server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let err = client.license_keys().retrieve("lic_1").await.unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("API key"),
        "{err}"
    );
    assert!(
        client
            .license_key_instances()
            .list(&ListInstances::new())
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_typed() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic_500"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"code": "INTERNAL_SERVER_ERROR"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/license_keys/lic_429"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.license_keys().retrieve("lic_500").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.dodo_code(), Some(ErrorCode::InternalServerError));
    let err = client.license_keys().retrieve("lic_429").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
}

#[tokio::test]
async fn garbage_bodies_are_decode_errors_never_panics() {
    let bodies: [&[u8]; 7] = [
        b"",
        b"null",
        b"[]",
        b"{}",
        b"{\"items\": {}}",
        b"<html>502 Bad Gateway</html>",
        b"{\"id\": \"lic_1\", \"instances_count\": 99999999999999999999999}",
    ];
    for body in bodies {
        let server = server().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(200).set_body_bytes(body.to_vec()))
            .mount(&server)
            .await;
        let client = client(&server);
        let key = keyward_core::SecretLicenseKey::new("GARBAGE-KEY-0001");
        let shown = String::from_utf8_lossy(body).into_owned();
        let err = client.licenses().activate(&key, "box").await.unwrap_err();
        assert!(err.is_decode(), "{shown}: {err}");
        assert!(
            client
                .licenses()
                .validate(&key, None)
                .await
                .unwrap_err()
                .is_decode(),
            "{shown}"
        );
        assert!(
            client
                .license_keys()
                .retrieve("lic_1")
                .await
                .unwrap_err()
                .is_decode(),
            "{shown}"
        );
        let list = client
            .license_keys()
            .list(&keyward_dodo::ListLicenseKeys::new())
            .await;
        assert!(list.unwrap_err().is_decode(), "{shown}");
        let list = client
            .license_key_instances()
            .list(&ListInstances::new())
            .await;
        assert!(list.unwrap_err().is_decode(), "{shown}");
        let one = client.license_key_instances().retrieve("lki_1").await;
        assert!(one.unwrap_err().is_decode(), "{shown}");
    }
}
