#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The license endpoints against recorded bodies, including the shapes Creem's documents
//! disagree on.

use futures_util::TryStreamExt;
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_creem::{Client, CreemErrorExt, InstanceStatus, LicenseStatus, Refusal};
use keyward_http::{HttpOptions, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "creem_canary_API_KEY_2c1d";
const KEY: &str = "ABC123-XYZ456-XYZ456-XYZ456";

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/creem/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn respond(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name).into_bytes(), "application/json")
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
        .base_url(server.uri())
        .api_key(API_KEY)
        .http_options(HttpOptions::new().retry(retry))
        .build()
        .unwrap()
}

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

#[tokio::test]
async fn activate_validate_deactivate_send_the_key_header_and_documented_bodies() {
    let server = server().await;
    let routes = [
        (
            "activate",
            json!({"key": KEY, "instance_name": "johns-macbook-pro"}),
            "licenses.activate.200.docs.json",
        ),
        (
            "validate",
            json!({"key": KEY, "instance_id": "inst_xyz789"}),
            "licenses.validate.200.json",
        ),
        (
            "deactivate",
            json!({"key": KEY, "instance_id": "inst_xyz789"}),
            "licenses.deactivate.200.json",
        ),
    ];
    for (action, body, answer) in routes {
        Mock::given(method("POST"))
            .and(path(format!("/v1/licenses/{action}")))
            .and(header("x-api-key", API_KEY))
            .and(body_json(body))
            .respond_with(respond(200, answer))
            .expect(1)
            .mount(&server)
            .await;
    }
    let licenses = client(&server, 0).licenses();
    let activated = licenses
        .activate(&key(), "johns-macbook-pro")
        .await
        .unwrap();
    assert_eq!(
        activated.product_id, None,
        "the documented example has no product_id"
    );
    let instance = activated.instance.unwrap();
    assert_eq!(instance.id, "inst_xyz789");
    let valid = licenses.validate(&key(), &instance.id).await.unwrap();
    assert_eq!(
        (valid.status, valid.activation_limit),
        (LicenseStatus::Active, Some(3))
    );
    let freed = licenses.deactivate(&key(), &instance.id).await.unwrap();
    assert_eq!(
        freed.instance.unwrap().status,
        Some(InstanceStatus::Deactivated)
    );
    assert_eq!(freed.raw.to_value()["instance"]["status"], "deactivated");
}

#[tokio::test]
async fn the_guides_instance_array_decodes() {
    let server = server().await;
    Mock::given(path("/v1/licenses/activate"))
        .respond_with(respond(200, "licenses.activate.200.guide-array.json"))
        .mount(&server)
        .await;
    let license = client(&server, 0)
        .licenses()
        .activate(&key(), "x")
        .await
        .unwrap();
    assert_eq!(license.instance.unwrap().id, "inst_xyz789");
    assert_eq!(
        license.raw.to_value()["instance"].as_array().unwrap().len(),
        2
    );
    let float: keyward_creem::License = serde_json::from_value(json!({
        "id": "l", "status": "active", "key": "K", "activation": 2.0, "activation_limit": 3.7
    }))
    .unwrap();
    assert_eq!((float.activation, float.activation_limit), (2, Some(3)));
}

#[tokio::test]
async fn each_documented_status_is_typed() {
    let table = [
        (
            "activate",
            403,
            "errors.403.json",
            Some(Refusal::ActivationLimitReached),
            ErrorKind::Conflict,
        ),
        (
            "deactivate",
            409,
            "errors.400.json",
            Some(Refusal::AlreadyDeactivated),
            ErrorKind::Conflict,
        ),
        (
            "validate",
            410,
            "errors.400.json",
            Some(Refusal::RevokedOrExpired),
            ErrorKind::Conflict,
        ),
        (
            "validate",
            404,
            "errors.400.json",
            Some(Refusal::NotFound),
            ErrorKind::NotFound,
        ),
        (
            "validate",
            403,
            "errors.403.json",
            None,
            ErrorKind::Unauthorized,
        ),
        (
            "validate",
            401,
            "errors.400.json",
            None,
            ErrorKind::Unauthorized,
        ),
    ];
    for (action, status, body, refusal, kind) in table {
        let server = server().await;
        Mock::given(path(format!("/v1/licenses/{action}")))
            .respond_with(respond(status, body))
            .mount(&server)
            .await;
        let licenses = client(&server, 0).licenses();
        let error = match action {
            "activate" => licenses.activate(&key(), "x").await,
            "deactivate" => licenses.deactivate(&key(), "inst_1").await,
            _ => licenses.validate(&key(), "inst_1").await,
        }
        .unwrap_err();
        assert_eq!(
            (error.creem_refusal(), error.kind()),
            (refusal, kind),
            "{action} {status}"
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(KEY) && !shown.contains(API_KEY), "{shown}");
    }
}

#[tokio::test]
async fn validate_is_retried_and_activate_is_not() {
    let server = server().await;
    for (action, times) in [("validate", 3), ("activate", 1)] {
        Mock::given(path(format!("/v1/licenses/{action}")))
            .respond_with(ResponseTemplate::new(503))
            .expect(times)
            .mount(&server)
            .await;
    }
    let licenses = client(&server, 2).licenses();
    assert_eq!(
        licenses
            .validate(&key(), "inst_1")
            .await
            .unwrap_err()
            .attempts(),
        3
    );
    assert!(
        licenses
            .activate(&key(), "x")
            .await
            .unwrap_err()
            .may_have_been_applied()
    );
    assert!(
        licenses
            .validate(&key(), " ")
            .await
            .unwrap_err()
            .is_invalid_input()
    );
}

#[tokio::test]
async fn a_customers_licenses_page_by_page() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cust_1/licenses"))
        .and(query_param("page_number", "1"))
        .and(query_param("page_size", "10"))
        .respond_with(respond(200, "customers.licenses.200.json"))
        .expect(2)
        .mount(&server)
        .await;
    let licenses = client(&server, 0).licenses();
    let page = licenses.list_for_customer("cust_1", 1, 10).await.unwrap();
    assert_eq!((page.items.len(), page.next_page()), (1, None));
    let all: Vec<_> = licenses
        .list_all_for_customer("cust_1", 10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all[0].product_id.as_deref(), Some("prod_abc123"));
}
