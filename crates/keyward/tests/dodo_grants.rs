#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Dodo adapter over entitlement grants, once a deprecated key route is gone (wiremock).
#![cfg(feature = "dodo")]

use keyward::{DodoAdmin, DodoProvider, LicenseAdmin, LicenseStatus, ListRequest};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/dodo/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn provider(server: &MockServer) -> DodoAdmin {
    let client = keyward_dodo::Client::builder()
        .base_url(server.uri())
        .api_key("sk_test_canary_grants")
        .http_options(keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none()))
        .build()
        .unwrap();
    DodoProvider::new(client).admin().unwrap()
}

async fn gone_key_list(server: &MockServer, status: u16) {
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_customer_list_falls_back_to_grants_when_the_key_list_is_gone() {
    for gone in [404, 410] {
        let server = MockServer::start().await;
        gone_key_list(&server, gone).await;
        Mock::given(method("GET"))
            .and(path(
                "/customers/cus_TV52uJWWXt2yIoBBxpjaa/entitlement-grants",
            ))
            .and(query_param("integration_type", "license_key"))
            .and(query_param("page_number", "0"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(fixture("list_customer_grants.200.json"), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let page = provider(&server)
            .list(
                ListRequest::new()
                    .customer_id("cus_TV52uJWWXt2yIoBBxpjaa")
                    .status(LicenseStatus::Active),
            )
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1, "the feature-flag grant has no key");
        let license = &page.items[0];
        assert_eq!(license.id, "lic_7namTC0VcgrnzrF3GTSwB");
        assert_eq!(license.status, LicenseStatus::Active);
        assert_eq!(license.activation_limit, None);
        assert_eq!(
            license.customer.id.as_deref(),
            Some("cus_TV52uJWWXt2yIoBBxpjaa")
        );
        assert_eq!(
            license.raw.to_value()["key"],
            "2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43"
        );
    }
}

#[tokio::test]
async fn without_a_customer_or_with_a_product_the_gone_error_stays() {
    let server = MockServer::start().await;
    gone_key_list(&server, 410).await;
    let provider = provider(&server);
    let err = provider.list(ListRequest::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(410));
    let err = provider
        .list(ListRequest::new().customer_id("cus_1").product_id("pdt_1"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(410));
}

#[tokio::test]
async fn a_served_key_list_is_used_as_before() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/license_keys"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("list_license_keys.200.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = provider(&server)
        .list(ListRequest::new().customer_id("cus_TV52uJWWXt2yIoBBxpjaa"))
        .await
        .unwrap();
    assert!(!page.items.is_empty());
}
