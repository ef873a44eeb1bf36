#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The license endpoints against recorded bodies.

use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_gumroad::{Client, GumroadErrorExt, Refusal};
use keyward_http::{HttpOptions, RetryPolicy};
use wiremock::matchers::{any, body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PRODUCT: &str = "32-nPAicqbLj8B_WswVlMw==";
const KEY: &str = "85DB562A-C11D4B06-A2335A6B-8C079166";
const TOKEN: &str = "gumroad_canary_TOKEN_77";

fn respond(status: u16, name: &str) -> ResponseTemplate {
    let path = format!(
        "{}/../../fixtures/gumroad/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    ResponseTemplate::new(status).set_body_raw(std::fs::read(&path).unwrap(), "application/json")
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, retries: u32) -> Client {
    let retry = RetryPolicy::retries(retries)
        .backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .jitter(false);
    Client::builder()
        .product_id(PRODUCT)
        .base_url(server.uri())
        .api_key(TOKEN)
        .http_options(HttpOptions::new().retry(retry))
        .build()
        .unwrap()
}

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

#[tokio::test]
async fn verify_never_counts_a_use_unless_asked() {
    let server = server().await;
    let form =
        "product_id=32-nPAicqbLj8B_WswVlMw%3D%3D&license_key=85DB562A-C11D4B06-A2335A6B-8C079166";
    Mock::given(method("POST"))
        .and(path("/v2/licenses/verify"))
        .and(body_string(format!("{form}&increment_uses_count=false")))
        .respond_with(respond(200, "licenses.verify.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/licenses/verify"))
        .and(body_string(form))
        .respond_with(respond(200, "licenses.verify.200.refunded.json"))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server, 0).licenses();
    let license = licenses.verify(&key()).await.unwrap();
    let purchase = license.purchase.unwrap();
    assert_eq!((license.uses, purchase.is_void()), (3, false));
    assert_eq!(purchase.email.as_deref(), Some("customer@example.com"));
    let counted = licenses.verify_and_count(&key()).await.unwrap();
    assert!(
        counted.purchase.unwrap().is_void(),
        "a refund still verifies: is_void says it"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "verify sends no token"
    );
}

#[tokio::test]
async fn refusals_and_the_product_id_500_are_typed() {
    let table = [
        (
            404,
            "errors.404.not-found.json",
            Some(Refusal::NotFound),
            ErrorKind::NotFound,
        ),
        (
            404,
            "errors.404.disabled.json",
            Some(Refusal::Disabled),
            ErrorKind::NotFound,
        ),
        (
            404,
            "errors.404.expired.json",
            Some(Refusal::AccessExpired),
            ErrorKind::NotFound,
        ),
        (
            500,
            "errors.500.product-id.json",
            Some(Refusal::ProductIdRequired),
            ErrorKind::Config,
        ),
    ];
    for (status, body, refusal, kind) in table {
        let server = server().await;
        Mock::given(path("/v2/licenses/verify"))
            .respond_with(respond(status, body))
            .mount(&server)
            .await;
        let error = client(&server, 2)
            .licenses()
            .verify(&key())
            .await
            .unwrap_err();
        assert_eq!(
            (error.gumroad_refusal(), error.kind()),
            (refusal, kind),
            "{body}"
        );
        assert!(!format!("{error} {error:?}").contains(KEY));
    }
}

#[tokio::test]
async fn admin_calls_send_the_token_and_decrement_is_not_retried() {
    let server = server().await;
    for action in ["enable", "disable"] {
        Mock::given(method("PUT"))
            .and(path(format!("/v2/licenses/{action}")))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(respond(200, "licenses.verify.200.json"))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(path("/v2/licenses/decrement_uses_count"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server, 2).licenses();
    licenses.enable(&key()).await.unwrap();
    licenses.disable(&key()).await.unwrap();
    let error = licenses.decrement_uses_count(&key()).await.unwrap_err();
    assert!(error.may_have_been_applied());
    let public = Client::builder()
        .product_id(PRODUCT)
        .base_url(server.uri())
        .build()
        .unwrap();
    assert!(
        public
            .licenses()
            .disable(&key())
            .await
            .unwrap_err()
            .is_config()
    );
}
