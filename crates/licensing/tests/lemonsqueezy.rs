//! The Lemon Squeezy adapter: mappings on the fixture bodies, answers served by wiremock, and
//! flows through `Box<dyn LicenseProvider>` against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "lemonsqueezy")]

use chrono::{DateTime, Utc};
use lemonsqueezy::LemonSqueezy;
use lemonsqueezy::models::{
    Document, KeyStatus, LicenseApiKey, LicenseApiMeta, LicenseKey as LsLicenseKey,
    LicenseKeyInstance, ListPage,
};
use license_emulator::lemonsqueezy::{KeySeed, LemonSqueezyEmulator};
use licensing::lemonsqueezy_mapping as map;
use licensing::{
    ActivateRequest, ActivationOutcome, DeactivateRequest, InstancesRequest, InvalidReason,
    LemonSqueezyProvider, LicenseProvider, LicenseStatus, ListRequest, PageToken, Patch, Provider,
    UpdateRequest, ValidateRequest,
};
use serde_json::Value;
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
        serde_json::from_value(body["license_key"].clone()).unwrap(),
        serde_json::from_value(body["meta"].clone()).unwrap(),
    )
}

// ---------------------------------------------------------------- mappings on fixtures

#[test]
fn license_key_resource_maps_every_field() {
    let body = json("license_keys.retrieve.200.json");
    let license = map::license_from_json(&body["data"]).unwrap();
    assert_eq!(license.provider, Provider::LemonSqueezy);
    assert_eq!(license.id, "1");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "80e15db5-c796-436b-850c-8f9c98a48abe"
    );
    assert_eq!(license.status, LicenseStatus::Inactive);
    assert_eq!(license.customer.id.as_deref(), Some("1"));
    assert_eq!(license.customer.name.as_deref(), Some("John Doe"));
    assert_eq!(
        license.customer.email.as_deref(),
        Some("johndoe@example.com")
    );
    assert_eq!(license.product.id.as_deref(), Some("1"));
    assert_eq!(license.product.store_id.as_deref(), Some("1"));
    assert_eq!(license.product.variant_id, None);
    assert_eq!(license.purchase.order_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.order_item_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.subscription_id, None);
    assert_eq!(license.activation_limit, Some(5));
    assert_eq!(license.activations, Some(0));
    assert_eq!(license.expires_at, None);
    assert_eq!(license.created_at, Some(at("2024-05-24T14:15:07Z")));
    assert_eq!(license.updated_at, Some(at("2024-05-24T14:15:07Z")));
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.metadata, Value::Null);
    assert_eq!(license.raw, body["data"]);
}

#[test]
fn docs_variant_with_integer_disabled_and_no_test_mode_maps() {
    let body = json("license_keys.retrieve.200.docs_variant.json");
    let license = map::license_from_json(&body["data"]).unwrap();
    assert_eq!(license.id, "1");
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.status, LicenseStatus::Inactive);
}

#[test]
fn list_items_map_with_unlimited_and_expiring_keys() {
    let page: ListPage<LsLicenseKey> =
        serde_json::from_str(&fixture("license_keys.list.200.json")).unwrap();
    let licenses: Vec<_> = page.data.iter().map(map::license_from_resource).collect();
    assert_eq!(licenses.len(), 2);
    let second = &licenses[1];
    assert_eq!(second.id, "2");
    assert_eq!(second.status, LicenseStatus::Active);
    assert_eq!(second.activation_limit, None, "null limit = unlimited");
    assert_eq!(second.activations, Some(2));
    assert_eq!(second.expires_at, Some(at("2025-05-24T14:15:07Z")));
    assert_eq!(second.customer.name.as_deref(), Some("Jane Roe"));
    // raw is rebuilt from the typed resource, with the wire's field names.
    assert_eq!(second.raw["type"], "license-keys");
    assert_eq!(second.raw["id"], "2");
    assert_eq!(
        second.raw["attributes"]["key"],
        "38B1460A-5104-4067-A91D-77B872934D51"
    );
    assert_eq!(second.raw["attributes"]["activation_limit"], Value::Null);
    assert_eq!(second.raw["attributes"]["instances_count"], 2);
    assert_eq!(
        second.raw["attributes"]["expires_at"],
        "2025-05-24T14:15:07Z"
    );
    assert_eq!(
        second.raw["links"]["self"],
        "https://api.lemonsqueezy.com/v1/license-keys/2"
    );
}

#[test]
fn updated_resource_maps_disabled_status_and_expiry() {
    let doc: Document<LsLicenseKey> =
        serde_json::from_str(&fixture("license_keys.update.200.json")).unwrap();
    let license = map::license_from_resource(&doc.data);
    assert_eq!(license.status, LicenseStatus::Disabled);
    assert_eq!(license.activation_limit, Some(10));
    assert_eq!(license.expires_at, Some(at("2025-01-01T00:00:00Z")));
    assert_eq!(license.raw["attributes"]["disabled"], true);
}

#[test]
fn webhook_license_with_null_instances_count_maps() {
    let body = json("webhooks.license_key_created.json");
    let license = map::license_from_json(&body["data"]).unwrap();
    assert_eq!(license.id, "536156");
    assert_eq!(license.activations, None, "null instances_count");
    assert_eq!(license.product.id.as_deref(), Some("278897"));
    assert_eq!(license.product.store_id.as_deref(), Some("91257"));
    assert_eq!(license.customer.id.as_deref(), Some("3083767"));
    assert_eq!(license.test_mode, Some(true));
}

#[test]
fn unknown_status_is_kept_and_bad_bodies_are_errors_not_panics() {
    let mut body = json("license_keys.retrieve.200.json");
    body["data"]["attributes"]["status"] = Value::from("paused");
    let license = map::license_from_json(&body["data"]).unwrap();
    assert_eq!(license.status, LicenseStatus::Other("paused".into()));

    let mut huge = json("license_keys.retrieve.200.json");
    huge["data"]["attributes"]["instances_count"] = Value::from(1_u64 << 40);
    let err = map::license_from_json(&huge["data"]).unwrap_err();
    assert!(err.is_decode(), "{err}");
    assert!(!err.to_string().contains("80e15db5"), "{err}");

    let err = map::license_from_json(&Value::from("nope")).unwrap_err();
    assert!(err.is_decode());
}

#[test]
fn status_filters_map_both_ways() {
    for (ls, neutral) in [
        (KeyStatus::Active, LicenseStatus::Active),
        (KeyStatus::Inactive, LicenseStatus::Inactive),
        (KeyStatus::Expired, LicenseStatus::Expired),
        (KeyStatus::Disabled, LicenseStatus::Disabled),
    ] {
        assert_eq!(map::status(&ls), neutral);
        assert_eq!(map::key_status_filter(&neutral), Some(ls));
    }
    assert_eq!(map::key_status_filter(&LicenseStatus::Revoked), None);
    assert_eq!(
        map::status(&KeyStatus::parse("paused")),
        LicenseStatus::Other("paused".into())
    );
}

#[test]
fn instances_map_to_their_uuid() {
    let page: ListPage<LicenseKeyInstance> =
        serde_json::from_str(&fixture("license_key_instances.list.200.json")).unwrap();
    let instances: Vec<_> = page.data.iter().map(map::instance_from_resource).collect();
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[0].id, INSTANCE);
    assert_eq!(instances[0].name.as_deref(), Some("Jane-MacBook"));
    assert_eq!(instances[0].license_id.as_deref(), Some("2"));
    assert_eq!(instances[0].created_at, Some(at("2024-06-01T10:00:00Z")));
    assert_eq!(instances[0].raw["id"], "2");
    assert_eq!(instances[1].id, "f90ec370-fd83-46a5-8bbd-44a241e78665");
}

#[test]
fn license_api_key_and_meta_map() {
    let (key, meta) = answer_parts("licenses.activate.200.json");
    let license = map::license_from_api_key(&key, Some(&meta));
    assert_eq!(license.id, "1");
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.activation_limit, Some(3));
    assert_eq!(license.activations, Some(1));
    assert_eq!(license.created_at, Some(at("2024-01-24T14:15:07Z")));
    assert_eq!(license.expires_at, None);
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.product.id.as_deref(), Some("4"));
    assert_eq!(license.product.name.as_deref(), Some("Example Product"));
    assert_eq!(license.product.variant_id.as_deref(), Some("5"));
    assert_eq!(license.product.variant_name.as_deref(), Some("Default"));
    assert_eq!(license.product.store_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.order_id.as_deref(), Some("2"));
    assert_eq!(license.purchase.order_item_id.as_deref(), Some("3"));
    assert_eq!(license.customer.id.as_deref(), Some("6"));
    assert_eq!(license.customer.name.as_deref(), Some("John Doe"));
    assert_eq!(
        license.customer.email.as_deref(),
        Some("johndoe@example.com")
    );
    assert_eq!(license.raw["license_key"]["key"], KEY);
    assert_eq!(license.raw["meta"]["variant_id"], 5);

    let (key, meta) = answer_parts("licenses.activate.200.unlimited.json");
    let license = map::license_from_api_key(&key, Some(&meta));
    assert_eq!(license.activation_limit, None, "null = unlimited");
    assert_eq!(license.activations, Some(7));
    assert_eq!(license.expires_at, Some(at("2026-01-24T14:15:07Z")));
    assert_eq!(license.test_mode, Some(true));
    let license = map::license_from_api_key(&key, None);
    assert_eq!(license.product.id, None);
    assert!(license.raw.get("meta").is_none());
}

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

fn client(server: &MockServer) -> LemonSqueezy {
    LemonSqueezy::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .http_options(license_options())
        .build()
        .unwrap()
}

fn license_options() -> license_http::HttpOptions {
    license_http::HttpOptions::new().retry(license_http::RetryPolicy::none())
}

fn provider(server: &MockServer) -> Box<dyn LicenseProvider> {
    Box::new(LemonSqueezyProvider::new(client(server)))
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
    let licensing::ValidationOutcome::Valid { instance, .. } = &outcome else {
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

#[tokio::test]
async fn product_mismatch_is_refused_and_the_slot_released() {
    let server = mock_server().await;
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
    let client = LemonSqueezy::builder()
        .base_url(server.uri())
        .expect_product(99)
        .http_options(license_options())
        .build()
        .unwrap();
    let provider: Box<dyn LicenseProvider> = Box::new(LemonSqueezyProvider::new(client));
    let outcome = provider
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

#[tokio::test]
async fn deactivate_maps_refusals_to_typed_errors() {
    let form = format!("license_key={KEY}&instance_id={INSTANCE}");
    let server = mock_server().await;
    mount(
        &server,
        "deactivate",
        &form,
        200,
        "licenses.deactivate.200.json",
    )
    .await;
    provider(&server)
        .deactivate(DeactivateRequest::new(KEY, INSTANCE))
        .await
        .unwrap();

    let server = mock_server().await;
    mount(
        &server,
        "deactivate",
        &form,
        404,
        "licenses.deactivate.404.json",
    )
    .await;
    let err = provider(&server)
        .deactivate(DeactivateRequest::new(KEY, INSTANCE))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(!format!("{err:?}").contains(KEY));

    let server = mock_server().await;
    mount(
        &server,
        "deactivate",
        &form,
        400,
        "licenses.deactivate.400.json",
    )
    .await;
    let err = provider(&server)
        .deactivate(DeactivateRequest::new(KEY, INSTANCE))
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
        .create(licensing::CreateRequest::for_product("1"))
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
    let boxed: Box<dyn LicenseProvider> = Box::new(provider);
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

// ---------------------------------------------------------------- flows against the emulator

fn emulated(emulator: &LemonSqueezyEmulator) -> Box<dyn LicenseProvider> {
    let client = LemonSqueezy::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .expect_store(1)
        .expect_product(4)
        .http_options(license_options())
        .build()
        .unwrap();
    Box::new(LemonSqueezyProvider::new(client))
}

fn activated(outcome: ActivationOutcome) -> String {
    match outcome {
        ActivationOutcome::Activated { instance, license } => {
            assert!(license.is_some());
            instance.id
        }
        other => panic!("activated expected, got {other:?}"),
    }
}

fn refusal(outcome: ActivationOutcome) -> InvalidReason {
    match outcome {
        ActivationOutcome::Refused { reason, .. } => reason,
        other => panic!("refused expected, got {other:?}"),
    }
}

#[tokio::test]
async fn emulated_activation_limit_deactivation_and_validation() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_key(
        KeySeed::new(KEY)
            .activation_limit(Some(2))
            .store(1)
            .product(4, 5),
    );
    let provider = emulated(&emulator);

    let m1 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m1"))
            .await
            .unwrap(),
    );
    let m2 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m2"))
            .await
            .unwrap(),
    );
    let limit = provider
        .activate(ActivateRequest::new(KEY, "m3"))
        .await
        .unwrap();
    assert_eq!(refusal(limit), InvalidReason::LimitReached);

    provider
        .deactivate(DeactivateRequest::new(KEY, m1.as_str()))
        .await
        .unwrap();
    let m3 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m3"))
            .await
            .unwrap(),
    );
    assert_eq!(emulator.instances(id).len(), 2);

    let valid = provider
        .validate(ValidateRequest::new(KEY).instance_id(m3.as_str()))
        .await
        .unwrap();
    assert!(valid.is_valid());
    assert_eq!(valid.license().unwrap().activations, Some(2));
    let freed = provider
        .validate(ValidateRequest::new(KEY).instance_id(m1.as_str()))
        .await
        .unwrap();
    assert_eq!(freed.reason(), Some(&InvalidReason::InstanceMismatch));
    let err = provider
        .deactivate(DeactivateRequest::new(KEY, m1.as_str()))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    emulator.set_disabled(id, true);
    let disabled = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(disabled.reason(), Some(&InvalidReason::Disabled));
    assert_eq!(disabled.license().unwrap().status, LicenseStatus::Disabled);
    let refused = provider
        .activate(ActivateRequest::new(KEY, "m4"))
        .await
        .unwrap();
    assert_eq!(refusal(refused), InvalidReason::Disabled);
    emulator.set_disabled(id, false);

    emulator.set_expires_at(id, Some(at("2020-01-01T00:00:00Z")));
    let expired = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(expired.reason(), Some(&InvalidReason::Expired));
    emulator.set_expires_at(id, None);

    let unknown = provider
        .validate(ValidateRequest::new("00000000-unknown-key"))
        .await
        .unwrap();
    assert_eq!(unknown.reason(), Some(&InvalidReason::NotFound));
    assert!(unknown.license().is_none());

    // The JSON:API side sees the same state.
    let instances = provider
        .instances(InstancesRequest::new(id.to_string()))
        .await
        .unwrap();
    let mut ids: Vec<_> = instances.items.iter().map(|i| i.id.clone()).collect();
    ids.sort();
    let mut expected = vec![m2, m3];
    expected.sort();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn emulated_get_list_update() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_key(KeySeed::new(KEY).store(1).product(4, 5));
    emulator.add_key(KeySeed::new("OTHER-PRODUCT-KEY-1").store(1).product(9, 1));
    let provider = emulated(&emulator);

    let license = provider.get(&id.to_string()).await.unwrap();
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(license.status, LicenseStatus::Inactive);
    assert_eq!(license.activation_limit, Some(5));
    assert_eq!(license.product.id.as_deref(), Some("4"));
    assert!(provider.get("424242").await.unwrap_err().is_not_found());

    let page = provider
        .list(ListRequest::new().product_id("4"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, id.to_string());
    assert!(page.is_last());
    let page = provider
        .list(ListRequest::new().page_size(1))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next, Some(PageToken::Number(2)));
    assert_eq!(page.total, Some(2));

    let mut update = UpdateRequest::new(id.to_string());
    update.activation_limit = Patch::Clear;
    update.disabled = Some(true);
    let updated = provider.update(update).await.unwrap();
    assert_eq!(updated.status, LicenseStatus::Disabled);
    assert_eq!(updated.activation_limit, None);
    // Changing only the expiry leaves a disabled key disabled.
    let mut update = UpdateRequest::new(id.to_string());
    update.expires_at = Patch::Set(at("2030-01-01T00:00:00Z"));
    let updated = provider.update(update).await.unwrap();
    assert_eq!(updated.status, LicenseStatus::Disabled);
    assert_eq!(updated.expires_at, Some(at("2030-01-01T00:00:00Z")));
}

#[tokio::test]
async fn emulated_product_mismatch_releases_the_slot() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_key(KeySeed::new(KEY).store(1).product(9, 1));
    let provider = emulated(&emulator);
    let outcome = provider
        .activate(ActivateRequest::new(KEY, "m1"))
        .await
        .unwrap();
    assert_eq!(refusal(outcome), InvalidReason::ProductMismatch);
    assert!(
        emulator.instances(id).is_empty(),
        "the activation was released"
    );
    let outcome = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(outcome.reason(), Some(&InvalidReason::ProductMismatch));
}

#[tokio::test]
async fn emulated_rate_limit_is_an_error() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_key(KeySeed::new(KEY).store(1).product(4, 5));
    emulator.set_rate_limit(Some(0));
    let err = emulated(&emulator)
        .validate(ValidateRequest::new(KEY))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn emulated_json_api_needs_the_api_key() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_key(KeySeed::new(KEY).store(1).product(4, 5));
    let no_key = LemonSqueezy::builder()
        .base_url(emulator.uri())
        .http_options(license_options())
        .build()
        .unwrap();
    let provider: Box<dyn LicenseProvider> = Box::new(LemonSqueezyProvider::new(no_key));
    assert!(provider.get(&id.to_string()).await.unwrap_err().is_config());
    // The License API needs none.
    assert!(
        provider
            .validate(ValidateRequest::new(KEY))
            .await
            .unwrap()
            .is_valid()
    );

    let provider = emulated(&emulator);
    let old_key = emulator.api_key();
    emulator.set_api_key("another-key");
    let err = provider.get(&id.to_string()).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert!(!format!("{err:?}").contains(&old_key));
}
