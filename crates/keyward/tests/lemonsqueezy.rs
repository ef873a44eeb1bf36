//! The Lemon Squeezy adapter: mappings on the fixture bodies, answers served by wiremock, and
//! flows through `Box<dyn LicenseAdmin>` against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "lemonsqueezy")]

use chrono::{DateTime, Utc};
use keyward::mapping::lemonsqueezy as map;
use keyward::{
    ActivateRequest, ActivationOutcome, DeactivateRequest, InstancesRequest, InvalidReason,
    LemonSqueezyProvider, LicenseAdmin, LicenseError, LicenseProvider, LicenseStatus, ListRequest,
    PageToken, Patch, Provider, UpdateRequest, ValidateRequest,
};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_lemonsqueezy::models::{
    Document, KeyStatus, LicenseApiKey, LicenseApiMeta, LicenseKey as LsLicenseKey,
    LicenseKeyInstance, ListPage,
};
use serde_json::Value;
use support::received;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "canary-ls-api-key-77f0c1";
const KEY: &str = "38b1460a-5104-4067-a91d-77b872934d51";
const INSTANCE: &str = "47596ad9-a811-4ebf-ac8a-03fc7b6d2a17";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/lemonsqueezy/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn answer_parts(name: &str) -> (LicenseApiKey, LicenseApiMeta) {
    let body = json(name);
    (
        received(&body["license_key"].to_string()),
        serde_json::from_value(body["meta"].clone()).unwrap(),
    )
}

/// A `license-keys` resource as the client hands it over (the document's `data`, with its JSON).
fn resource(body: &Value) -> LsLicenseKey {
    received::<Document<LsLicenseKey>>(&body.to_string()).data
}

use crate::support;

#[path = "lemonsqueezy/emulator.rs"]
mod emulator;
#[path = "lemonsqueezy/mapping.rs"]
mod mapping;

// ---------------------------------------------------------------- answers over wiremock

async fn mock_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> keyward_lemonsqueezy::Client {
    keyward_lemonsqueezy::Client::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .http_options(license_options())
        .build()
        .unwrap()
}

fn license_options() -> keyward_http::HttpOptions {
    keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none())
}

fn provider(server: &MockServer) -> Box<dyn LicenseAdmin> {
    Box::new(LemonSqueezyProvider::new(client(server)).admin().unwrap())
}

fn reply(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

async fn mount(server: &MockServer, verb: &str, form: &str, status: u16, name: &str) {
    Mock::given(method("POST"))
        .and(path(format!("/v1/licenses/{verb}")))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(form))
        .respond_with(reply(status, name))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn validate_valid_carries_license_and_instance_and_sends_no_api_key() {
    let server = mock_server().await;
    let form = format!("license_key={KEY}&instance_id={INSTANCE}");
    mount(
        &server,
        "validate",
        &form,
        200,
        "licenses.validate.200.json",
    )
    .await;
    let outcome = provider(&server)
        .validate(ValidateRequest::new(KEY).instance_id(INSTANCE))
        .await
        .unwrap();
    assert!(outcome.is_valid());
    let license = outcome.license().unwrap();
    assert_eq!(license.id, "1");
    assert_eq!(license.activations, Some(1));
    let keyward::ValidationOutcome::Valid { instance, .. } = &outcome else {
        panic!("valid")
    };
    let instance = instance.as_ref().unwrap();
    assert_eq!(instance.id, INSTANCE);
    assert_eq!(instance.name.as_deref(), Some("Test"));
    assert_eq!(instance.license_id.as_deref(), Some("1"));
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn validate_refusals_are_answers_with_precise_reasons() {
    for (status, name, reason, has_license) in [
        (
            400,
            "licenses.validate.400.json",
            InvalidReason::Disabled,
            true,
        ),
        (
            404,
            "licenses.validate.404.json",
            InvalidReason::NotFound,
            false,
        ),
    ] {
        let server = mock_server().await;
        mount(
            &server,
            "validate",
            &format!("license_key={KEY}"),
            status,
            name,
        )
        .await;
        let outcome = provider(&server)
            .validate(ValidateRequest::new(KEY))
            .await
            .unwrap();
        assert_eq!(outcome.reason(), Some(&reason), "{name}");
        assert_eq!(outcome.license().is_some(), has_license, "{name}");
    }
}

#[tokio::test]
async fn validate_422_and_429_are_errors_not_answers() {
    let server = mock_server().await;
    mount(
        &server,
        "validate",
        &format!("license_key={KEY}"),
        422,
        "licenses.validate.422.json",
    )
    .await;
    let err = provider(&server)
        .validate(ValidateRequest::new(KEY))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!format!("{err:?}").contains(KEY));

    let server = mock_server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(reply(429, "licenses.429.json").insert_header("retry-after", "7"))
        .expect(1)
        .mount(&server)
        .await;
    let err = provider(&server)
        .validate(ValidateRequest::new(KEY))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
}

#[tokio::test]
async fn activate_refusals_and_success() {
    let form = format!("license_key={KEY}&instance_name=build-7");
    for (status, name, reason) in [
        (
            400,
            "licenses.activate.400.json",
            InvalidReason::LimitReached,
        ),
        (
            400,
            "licenses.activate.400.disabled.json",
            InvalidReason::Disabled,
        ),
        (404, "licenses.activate.404.json", InvalidReason::NotFound),
    ] {
        let server = mock_server().await;
        mount(&server, "activate", &form, status, name).await;
        let outcome = provider(&server)
            .activate(ActivateRequest::new(KEY, "build-7"))
            .await
            .unwrap();
        let ActivationOutcome::Refused { reason: got, .. } = outcome else {
            panic!("{name}: refused expected")
        };
        assert_eq!(got, reason, "{name}");
    }

    let server = mock_server().await;
    mount(
        &server,
        "activate",
        &form,
        200,
        "licenses.activate.200.json",
    )
    .await;
    let outcome = provider(&server)
        .activate(ActivateRequest::new(KEY, "build-7"))
        .await
        .unwrap();
    let ActivationOutcome::Activated { instance, license } = outcome else {
        panic!("activated expected")
    };
    assert_eq!(instance.id, INSTANCE);
    assert_eq!(license.unwrap().activation_limit, Some(3));
}

/// An app-side provider (no API key) bound to product `product` on `server`.
fn bound_provider(server: &MockServer, product: u64) -> Box<dyn LicenseProvider> {
    let client = keyward_lemonsqueezy::Client::builder()
        .base_url(server.uri())
        .expect_product(product)
        .http_options(license_options())
        .build()
        .unwrap();
    Box::new(LemonSqueezyProvider::new(client))
}

#[tokio::test]
async fn a_key_of_another_product_is_refused_before_a_slot_is_spent() {
    let server = mock_server().await;
    let check = format!("license_key={KEY}");
    mount(
        &server,
        "validate",
        &check,
        200,
        "licenses.validate.200.no_instance.json",
    )
    .await;
    // No activation may reach Lemon Squeezy.
    Mock::given(path("/v1/licenses/activate"))
        .respond_with(reply(200, "licenses.activate.200.json"))
        .expect(0)
        .mount(&server)
        .await;
    let outcome = bound_provider(&server, 99)
        .activate(ActivateRequest::new(KEY, "build-7"))
        .await
        .unwrap();
    let ActivationOutcome::Refused { reason, license } = outcome else {
        panic!("refused expected")
    };
    assert_eq!(reason, InvalidReason::ProductMismatch);
    let license = license.unwrap();
    assert_eq!(license.product.id.as_deref(), Some("4"));
    assert_eq!(license.raw, json("licenses.validate.200.no_instance.json"));
}

#[tokio::test]
async fn a_key_of_the_bound_product_is_validated_then_activated() {
    let server = mock_server().await;
    let check = format!("license_key={KEY}");
    mount(
        &server,
        "validate",
        &check,
        200,
        "licenses.validate.200.no_instance.json",
    )
    .await;
    let form = format!("license_key={KEY}&instance_name=build-7");
    mount(
        &server,
        "activate",
        &form,
        200,
        "licenses.activate.200.json",
    )
    .await;
    let outcome = bound_provider(&server, 4)
        .activate(ActivateRequest::new(KEY, "build-7"))
        .await
        .unwrap();
    assert!(outcome.is_activated(), "{outcome:?}");
}

#[tokio::test]
async fn a_product_that_changes_between_check_and_activation_releases_the_slot() {
    let server = mock_server().await;
    // The check sees the bound product; the activation answers for another one (a race).
    let mut checked = json("licenses.validate.200.no_instance.json");
    checked["meta"]["product_id"] = Value::from(99);
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(checked))
        .expect(1)
        .mount(&server)
        .await;
    let form = format!("license_key={KEY}&instance_name=build-7");
    mount(
        &server,
        "activate",
        &form,
        200,
        "licenses.activate.200.json",
    )
    .await;
    let release = format!("license_key={KEY}&instance_id={INSTANCE}");
    mount(
        &server,
        "deactivate",
        &release,
        200,
        "licenses.deactivate.200.json",
    )
    .await;
    let outcome = bound_provider(&server, 99)
        .activate(ActivateRequest::new(KEY, "build-7"))
        .await
        .unwrap();
    let ActivationOutcome::Refused { reason, license } = outcome else {
        panic!("refused expected")
    };
    assert_eq!(reason, InvalidReason::ProductMismatch);
    assert_eq!(license.unwrap().product.id.as_deref(), Some("4"));
    // `.expect(1)` on the deactivate mock is checked when the server drops.
}

/// Deactivates `KEY`/`INSTANCE` against a server answering `status` with `fixture`.
async fn deactivate_answered(status: u16, fixture: &str) -> Result<(), LicenseError> {
    let form = format!("license_key={KEY}&instance_id={INSTANCE}");
    let server = mock_server().await;
    mount(&server, "deactivate", &form, status, fixture).await;
    provider(&server)
        .deactivate(DeactivateRequest::new(KEY, INSTANCE))
        .await
}

#[tokio::test]
async fn deactivate_maps_refusals_to_typed_errors() {
    deactivate_answered(200, "licenses.deactivate.200.json")
        .await
        .unwrap();

    let err = deactivate_answered(404, "licenses.deactivate.404.json")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(!format!("{err:?}").contains(KEY));

    let err = deactivate_answered(400, "licenses.deactivate.400.json")
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
}

#[tokio::test]
async fn get_list_update_instances_use_the_json_api() {
    let server = mock_server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/1"))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("accept", "application/vnd.api+json"))
        .respond_with(reply(200, "license_keys.retrieve.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys"))
        .and(query_param("filter[product_id]", "1"))
        .and(query_param("filter[status]", "active"))
        .and(query_param("page[number]", "1"))
        .and(query_param("page[size]", "2"))
        .respond_with(reply(200, "license_keys.list.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v1/license-keys/1"))
        .and(body_string(
            r#"{"data":{"type":"license-keys","id":"1","attributes":{"activation_limit":null,"disabled":true}}}"#,
        ))
        .respond_with(reply(200, "license_keys.update.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/license-key-instances"))
        .and(query_param("filter[license_key_id]", "2"))
        .respond_with(reply(200, "license_key_instances.list.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/404"))
        .respond_with(reply(404, "license_keys.retrieve.404.json"))
        .expect(1)
        .mount(&server)
        .await;
    let provider = provider(&server);

    let license = provider.get("1").await.unwrap();
    assert_eq!(license.activation_limit, Some(5));
    assert!(provider.get("404").await.unwrap_err().is_not_found());
    assert!(provider.get("not-a-number").await.unwrap_err().is_config());

    let page = provider
        .list(
            ListRequest::new()
                .product_id("1")
                .status(LicenseStatus::Active)
                .page(PageToken::Number(1))
                .page_size(2),
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next, Some(PageToken::Number(2)));
    assert_eq!(page.total, Some(5));
    assert!(
        provider
            .list(ListRequest::new().customer_id("6"))
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        provider
            .list(ListRequest::new().status(LicenseStatus::Revoked))
            .await
            .unwrap_err()
            .is_config()
    );

    let mut update = UpdateRequest::new("1");
    update.activation_limit = Patch::Clear;
    update.disabled = Some(true);
    let updated = provider.update(update).await.unwrap();
    assert_eq!(updated.status, LicenseStatus::Disabled);

    let instances = provider
        .instances(InstancesRequest::new("2"))
        .await
        .unwrap();
    assert_eq!(instances.items.len(), 2);
    assert_eq!(instances.items[0].id, INSTANCE);
    assert!(instances.is_last());
}

#[tokio::test]
async fn create_is_unsupported_and_capabilities_say_so() {
    let server = mock_server().await;
    let provider = provider(&server);
    let caps = provider.capabilities();
    assert!(caps.validate && caps.activate && caps.deactivate);
    assert!(caps.get && caps.list && caps.update && caps.instances);
    assert!(!caps.create && !caps.signed && !caps.offline);
    let err = provider
        .create(keyward::CreateRequest::for_product("1"))
        .await
        .unwrap_err();
    assert!(err.is_unsupported());
    assert_eq!(provider.provider(), Provider::LemonSqueezy);
}

#[tokio::test]
async fn debug_and_errors_never_show_the_api_key_or_license_key() {
    let server = mock_server().await;
    let provider = LemonSqueezyProvider::new(client(&server));
    let debug = format!("{provider:?}");
    assert!(!debug.contains(API_KEY), "{debug}");
    let boxed: Box<dyn LicenseAdmin> = Box::new(provider.admin().unwrap());
    // Unmocked: the catch-all 500 answers.
    let err = boxed
        .validate(ValidateRequest::new(KEY).instance_id(INSTANCE))
        .await
        .unwrap_err();
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(API_KEY), "{text}");
    }
    let err = boxed.get("1").await.unwrap_err();
    for text in [format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains(API_KEY), "{text}");
    }
}
