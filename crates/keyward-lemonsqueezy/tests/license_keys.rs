//! `license-keys` JSON:API against wiremock, with the fixture bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{TimeZone, Utc};
use common::{API_KEY, client, fixture, jsonapi, server};
use futures_util::TryStreamExt;
use keyward_lemonsqueezy::models::{KeyStatus, UpdateLicenseKey};
use keyward_lemonsqueezy::{Client, LicenseKeyId, Patch};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn jsonapi_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header(
        "authorization",
        format!("Bearer {API_KEY}").as_str(),
    ))
    .and(header("accept", "application/vnd.api+json"))
    .and(header("content-type", "application/vnd.api+json"))
}

#[tokio::test]
async fn retrieve_sends_bearer_and_json_api_headers() {
    let server = server().await;
    jsonapi_headers(Mock::given(method("GET")).and(path("/v1/license-keys/1")))
        .respond_with(jsonapi(200, "license_keys.retrieve.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let doc = client(&server)
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap();
    let key = doc.data;
    assert_eq!(key.id, LicenseKeyId(1));
    assert_eq!(key.resource_type, "license-keys");
    let a = &key.attributes;
    assert_eq!(a.store_id.get(), 1);
    assert_eq!(a.status, KeyStatus::Inactive);
    assert_eq!(a.activation_limit, Some(5));
    assert_eq!(a.instances_count, Some(0));
    assert!(!a.disabled);
    assert_eq!(a.key.expose(), "80e15db5-c796-436b-850c-8f9c98a48abe");
    assert_eq!(a.key_short, "XXXX-8f9c98a48abe");
    assert_eq!(a.expires_at, None);
    assert_eq!(
        a.created_at,
        Utc.with_ymd_and_hms(2024, 5, 24, 14, 15, 7).unwrap()
    );
    assert_eq!(key.relationships.len(), 6);
    assert!(
        !format!("{key:?}").contains("80e15db5"),
        "Debug shows the key"
    );
}

#[tokio::test]
async fn docs_variant_with_integer_disabled_and_no_test_mode_decodes() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .respond_with(jsonapi(200, "license_keys.retrieve.200.docs_variant.json"))
        .expect(1)
        .mount(&server)
        .await;
    let key = client(&server)
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap()
        .data;
    assert!(!key.attributes.disabled);
    assert!(!key.attributes.test_mode);
}

#[tokio::test]
async fn retrieve_with_include_sends_the_list() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .and(query_param("include", "order,license-key-instances"))
        .respond_with(jsonapi(200, "license_keys.retrieve.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .license_keys()
        .retrieve_including(LicenseKeyId(1), &["order", "license-key-instances"])
        .await
        .unwrap();
}

#[tokio::test]
async fn list_sends_every_filter_and_reads_meta_and_links() {
    let server = server().await;
    jsonapi_headers(Mock::given(method("GET")).and(path("/v1/license-keys")))
        .and(query_param("filter[store_id]", "1"))
        .and(query_param("filter[order_id]", "2"))
        .and(query_param("filter[order_item_id]", "3"))
        .and(query_param("filter[product_id]", "4"))
        .and(query_param("filter[status]", "active"))
        .and(query_param("page[number]", "1"))
        .and(query_param("page[size]", "2"))
        .and(query_param("include", "product"))
        .respond_with(jsonapi(200, "license_keys.list.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .license_keys()
        .list()
        .store_id(1)
        .order_id(2)
        .order_item_id(3)
        .product_id(4)
        .status(KeyStatus::Active)
        .page(1)
        .per_page(2)
        .include("product")
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.page.current_page, Some(1));
    assert_eq!(page.page.last_page, Some(3));
    assert_eq!(page.page.per_page, Some(2));
    assert_eq!(
        (page.page.from, page.page.to, page.page.total),
        (Some(1), Some(2), Some(5))
    );
    assert!(
        page.links
            .next
            .as_deref()
            .unwrap()
            .contains("page%5Bnumber%5D=2")
    );
    assert_eq!(page.links.prev, None);
    assert!(page.has_next());
    assert_eq!(page.next_page_number(), Some(2));
    // The unlimited key.
    assert_eq!(page.data[1].attributes.activation_limit, None);
    assert_eq!(
        page.data[1].attributes.key.expose(),
        "38B1460A-5104-4067-A91D-77B872934D51"
    );
}

#[tokio::test]
async fn empty_list_has_null_from_and_to() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys"))
        .respond_with(jsonapi(200, "license_keys.list.200.empty.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).license_keys().list().send().await.unwrap();
    assert!(page.data.is_empty());
    assert_eq!((page.page.from, page.page.to), (None, None));
    assert!(!page.has_next());
}

/// A page of the list fixture rewritten as page `n` of 3.
fn page_body(n: u32) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(&fixture("license_keys.list.200.json")).unwrap();
    value["meta"]["page"]["currentPage"] = n.into();
    if n == 3 {
        value["links"].as_object_mut().unwrap().remove("next");
        value["data"].as_array_mut().unwrap().truncate(1);
    }
    value["data"][0]["id"] = (n * 10).to_string().into();
    value.to_string()
}

#[tokio::test]
async fn stream_walks_every_page_and_stops_at_the_last() {
    let server = server().await;
    for n in 1..=3u32 {
        Mock::given(method("GET"))
            .and(path("/v1/license-keys"))
            .and(query_param("page[number]", n.to_string().as_str()))
            .and(query_param("page[size]", "2"))
            .and(query_param("filter[store_id]", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_string(page_body(n)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let keys: Vec<_> = client(&server)
        .license_keys()
        .list()
        .store_id(1)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = keys.iter().map(|k| k.id.get()).collect();
    assert_eq!(ids, vec![10, 2, 20, 2, 30]);
}

#[tokio::test]
async fn stream_stops_when_the_server_ignores_the_page_number() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys"))
        .respond_with(jsonapi(200, "license_keys.list.200.json"))
        .expect(2)
        .mount(&server)
        .await;
    let result: Result<Vec<_>, _> = client(&server)
        .license_keys()
        .list()
        .stream()
        .try_collect()
        .await;
    assert!(result.unwrap_err().is_decode());
}

#[tokio::test]
async fn update_sends_the_fixture_body_exactly() {
    let server = server().await;
    let expected: serde_json::Value =
        serde_json::from_str(&fixture("license_keys.update.request.json")).unwrap();
    Mock::given(method("PATCH"))
        .and(path("/v1/license-keys/1"))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("accept", "application/vnd.api+json"))
        .and(header("content-type", "application/vnd.api+json"))
        .and(body_json(expected))
        .respond_with(jsonapi(200, "license_keys.update.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let update = UpdateLicenseKey::new()
        .activation_limit(Patch::Set(10))
        .disabled(true)
        .expires_at(Patch::Set(
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        ));
    let key = client(&server)
        .license_keys()
        .update(LicenseKeyId(1), &update)
        .await
        .unwrap()
        .data;
    assert!(key.attributes.disabled);
    assert_eq!(key.attributes.status, KeyStatus::Disabled);
    assert_eq!(key.attributes.activation_limit, Some(10));
}

#[tokio::test]
async fn update_sends_only_what_is_set_and_null_for_clear() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .and(path("/v1/license-keys/7"))
        .and(body_string(
            r#"{"data":{"type":"license-keys","id":"7","attributes":{"activation_limit":null,"expires_at":null}}}"#,
        ))
        .respond_with(jsonapi(200, "license_keys.update.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let update = UpdateLicenseKey::new()
        .activation_limit(Patch::Clear)
        .expires_at(Patch::Clear);
    client(&server)
        .license_keys()
        .update(LicenseKeyId(7), &update)
        .await
        .unwrap();
}

#[tokio::test]
async fn errors_keep_the_json_api_errors_whole() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/99"))
        .respond_with(jsonapi(404, "license_keys.retrieve.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v1/license-keys/1"))
        .respond_with(jsonapi(422, "license_keys.update.422.json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .license_keys()
        .retrieve(LicenseKeyId(99))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let errors = keyward_lemonsqueezy::error::json_api_errors(&err);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].status_code(), Some(404));
    assert_eq!(errors[0].title.as_deref(), Some("Not Found"));

    let update = UpdateLicenseKey::new().activation_limit(Patch::Set(1));
    let err = c
        .license_keys()
        .update(LicenseKeyId(1), &update)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(
        err.to_string()
            .contains("The activation limit field must be an integer."),
        "{err}"
    );
    let errors = keyward_lemonsqueezy::error::json_api_errors(&err);
    assert_eq!(
        errors[0].source.as_ref().and_then(|s| s.pointer.as_deref()),
        Some("/data/attributes/activation_limit")
    );
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn unauthorized_and_rate_limited() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .respond_with(jsonapi(401, "jsonapi.401.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/2"))
        .respond_with(jsonapi(429, "jsonapi.429.json").insert_header("retry-after", "42"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let err = c
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert!(err.to_string().contains("Unauthenticated."), "{err}");
    assert!(!format!("{err:?}{err}").contains(API_KEY));
    let err = c
        .license_keys()
        .retrieve(LicenseKeyId(2))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(42)));
}

#[tokio::test]
async fn json_api_without_an_api_key_is_a_config_error() {
    let server = server().await;
    let c = Client::builder().base_url(server.uri()).build().unwrap();
    let err = c
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_config());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn debug_never_shows_the_api_key() {
    let c = Client::builder().api_key(API_KEY).build().unwrap();
    assert!(!format!("{c:?}").contains(API_KEY));
    let b = Client::builder().api_key(API_KEY);
    assert!(!format!("{b:?}").contains(API_KEY));
    assert!(
        Client::builder()
            .api_key("  ")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Client::builder()
            .base_url("http://example.com")
            .build()
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn live_type_variants_decode() {
    let body = r#"{"data":{"type":"license-keys","id":7,"attributes":{"store_id":"1","customer_id":null,"order_id":"2","order_item_id":3,"product_id":"4","user_name":null,"user_email":"a@example.com","key":"K-1234-5678-9999","key_short":"XXXX-5678-9999","activation_limit":null,"instances_count":null,"disabled":1,"status":"suspended_for_review","status_formatted":"?","expires_at":"2025-01-01T00:00:00.000000Z","created_at":"2024-05-24T14:15:07.123456Z","updated_at":"2024-05-24T14:15:07Z","test_mode":true,"variant_id":9}}}"#;
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/7"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&server)
        .await;
    let key = client(&server)
        .license_keys()
        .retrieve(LicenseKeyId(7))
        .await
        .unwrap()
        .data;
    let a = &key.attributes;
    assert_eq!(key.id, LicenseKeyId(7));
    assert_eq!(
        (a.store_id.get(), a.order_id.get(), a.product_id.get()),
        (1, 2, 4)
    );
    assert_eq!(a.customer_id, None);
    assert_eq!(a.user_name, "");
    assert!(a.disabled);
    assert_eq!((a.activation_limit, a.instances_count), (None, None));
    assert_eq!(a.status, KeyStatus::Other("suspended_for_review".into()));
    assert_eq!(a.created_at.timestamp_subsec_micros(), 123_456);
    assert!(a.test_mode);
}

#[tokio::test]
async fn decode_errors_name_the_path() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"data":{"type":"license-keys","id":"1","attributes":{"key":"CANARY-LISTED-KEY","store_id":true}}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_decode());
    assert!(
        err.to_string().contains("data.attributes.store_id"),
        "{err}"
    );
}

#[tokio::test]
async fn a_decode_error_never_shows_part_of_a_key() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"data":{"type":"license-keys","id":"1","attributes":{"key":"38b1460a-5104-4067-a91d-77b872934d51-CANARYTAIL","store_id":true}}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_decode());
    let text = format!("{err} {err:?}");
    assert!(text.contains("data.attributes.store_id"), "{text}");
    assert!(
        !text.contains("CANARY") && !text.contains("77b872934d51"),
        "{text}"
    );
}

#[tokio::test]
async fn page_zero_is_refused_before_sending() {
    let server = server().await;
    let c = client(&server);
    for err in [
        c.license_keys().list().page(0).send().await.unwrap_err(),
        c.license_keys()
            .list()
            .per_page(0)
            .send()
            .await
            .unwrap_err(),
    ] {
        assert!(err.is_config(), "{err}");
        assert_eq!(err.provider(), Some("lemonsqueezy"));
        assert_eq!(err.operation(), Some("list license keys"));
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
