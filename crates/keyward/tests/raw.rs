#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `raw` of every license and instance the facade returns is the object the provider sent, byte
//! for byte as JSON: each provider's answers served from `fixtures/` and compared, operation by
//! operation. (GetKeyManager's signed payloads are checked in `signed_license.rs`.)
#![cfg(all(feature = "dodo", feature = "lemonsqueezy", feature = "devpayr"))]

use keyward::{
    ActivateRequest, CreateRequest, DevPayrProvider, DodoProvider, InstancesRequest,
    LemonSqueezyProvider, LicenseAdmin, ListRequest, Patch, UpdateRequest, ValidateRequest,
};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "38b1460a-5104-4067-a91d-77b872934d51";

fn fixture(provider: &str, name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/{provider}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The JSON at `pointer` of a fixture: the object the provider sent for one license.
fn sent(provider: &str, name: &str, pointer: &str) -> Value {
    let whole: Value = serde_json::from_str(&fixture(provider, name)).unwrap();
    whole.pointer(pointer).cloned().unwrap()
}

/// A server answering `(method, path)` with a fixture's exact bytes, and 500 to anything else.
async fn serve(provider: &str, routes: &[(&str, &str, u16, &str)]) -> MockServer {
    let server = MockServer::start().await;
    for (verb, route, status, name) in routes {
        Mock::given(method(*verb))
            .and(path(*route))
            .respond_with(
                ResponseTemplate::new(*status)
                    .set_body_raw(fixture(provider, name), "application/json"),
            )
            .mount(&server)
            .await;
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

fn options() -> keyward_http::HttpOptions {
    keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none())
}

#[tokio::test]
async fn dodo_raw_is_what_dodo_sent() {
    let id = "lic_7namTC0VcgrnzrF3GTSwB";
    let server = serve(
        "dodo",
        &[
            (
                "GET",
                "/license_keys/lic_7namTC0VcgrnzrF3GTSwB",
                200,
                "get_license_key.200.json",
            ),
            ("GET", "/license_keys", 200, "list_license_keys.200.json"),
            (
                "PATCH",
                "/license_keys/lic_7namTC0VcgrnzrF3GTSwB",
                200,
                "update_license_key.200.json",
            ),
            ("POST", "/license_keys", 201, "create_license_key.201.json"),
            (
                "POST",
                "/licenses/activate",
                201,
                "activate_license.201.json",
            ),
            (
                "GET",
                "/license_key_instances",
                200,
                "list_license_key_instances.200.json",
            ),
        ],
    )
    .await;
    let client = keyward_dodo::Client::builder()
        .base_url(server.uri())
        .api_key("sk_test_raw")
        .http_options(options())
        .build()
        .unwrap();
    let p: Box<dyn LicenseAdmin> = Box::new(DodoProvider::new(client).admin().unwrap());

    let got = p.get(id).await.unwrap();
    assert_eq!(got.raw, sent("dodo", "get_license_key.200.json", ""));
    let page = p.list(ListRequest::new()).await.unwrap();
    for (i, license) in page.items.iter().enumerate() {
        let item = sent("dodo", "list_license_keys.200.json", &format!("/items/{i}"));
        assert_eq!(license.raw, item, "item {i}");
    }
    let mut update = UpdateRequest::new(id);
    update.activation_limit = Patch::Set(10);
    let updated = p.update(update).await.unwrap();
    assert_eq!(updated.raw, sent("dodo", "update_license_key.200.json", ""));
    let mut create = CreateRequest::for_product("pdt_R8AWMPiV8RyJElcCKvAID");
    create.key = Some("LEGACY-7F3K-9QXM-2WZR".into());
    create.customer_id = Some("cus_TV52uJWWXt2yIoBBxpjaa".into());
    let created = p.create(create).await.unwrap();
    assert_eq!(created.raw, sent("dodo", "create_license_key.201.json", ""));
    let activated = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap();
    let activation = sent("dodo", "activate_license.201.json", "");
    assert_eq!(activated.instance().unwrap().raw, activation);
    assert_eq!(activated.license().unwrap().raw, activation);
    let instances = p.instances(InstancesRequest::new(id)).await.unwrap();
    for (i, instance) in instances.items.iter().enumerate() {
        let item = sent(
            "dodo",
            "list_license_key_instances.200.json",
            &format!("/items/{i}"),
        );
        assert_eq!(instance.raw, item, "instance {i}");
    }
}

#[tokio::test]
async fn lemon_squeezy_raw_is_what_lemon_squeezy_sent() {
    let server = serve(
        "lemonsqueezy",
        &[
            (
                "GET",
                "/v1/license-keys/1",
                200,
                "license_keys.retrieve.200.json",
            ),
            ("GET", "/v1/license-keys", 200, "license_keys.list.200.json"),
            (
                "PATCH",
                "/v1/license-keys/1",
                200,
                "license_keys.update.200.json",
            ),
            (
                "POST",
                "/v1/licenses/validate",
                200,
                "licenses.validate.200.json",
            ),
            (
                "POST",
                "/v1/licenses/activate",
                200,
                "licenses.activate.200.json",
            ),
            (
                "GET",
                "/v1/license-key-instances",
                200,
                "license_key_instances.list.200.json",
            ),
        ],
    )
    .await;
    let client = keyward_lemonsqueezy::Client::builder()
        .base_url(server.uri())
        .api_key("ls_test_raw")
        .http_options(options())
        .build()
        .unwrap();
    let p: Box<dyn LicenseAdmin> = Box::new(LemonSqueezyProvider::new(client).admin().unwrap());

    let got = p.get("1").await.unwrap();
    assert_eq!(
        got.raw,
        sent("lemonsqueezy", "license_keys.retrieve.200.json", "/data")
    );
    let page = p.list(ListRequest::new()).await.unwrap();
    assert_eq!(page.items.len(), 2);
    for (i, license) in page.items.iter().enumerate() {
        let item = sent(
            "lemonsqueezy",
            "license_keys.list.200.json",
            &format!("/data/{i}"),
        );
        assert_eq!(license.raw, item, "item {i}");
    }
    let mut update = UpdateRequest::new("1");
    update.activation_limit = Patch::Set(10);
    let updated = p.update(update).await.unwrap();
    assert_eq!(
        updated.raw,
        sent("lemonsqueezy", "license_keys.update.200.json", "/data")
    );

    let validated = p.validate(ValidateRequest::new(KEY)).await.unwrap();
    let answer = sent("lemonsqueezy", "licenses.validate.200.json", "");
    assert_eq!(validated.license().unwrap().raw, answer);
    assert_eq!(validated.instance().unwrap().raw, answer["instance"]);
    let activated = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap();
    let answer = sent("lemonsqueezy", "licenses.activate.200.json", "");
    assert_eq!(activated.license().unwrap().raw, answer);
    assert_eq!(activated.instance().unwrap().raw, answer["instance"]);

    let instances = p.instances(InstancesRequest::new("2")).await.unwrap();
    for (i, instance) in instances.items.iter().enumerate() {
        let item = sent(
            "lemonsqueezy",
            "license_key_instances.list.200.json",
            &format!("/data/{i}"),
        );
        assert_eq!(instance.raw, item, "instance {i}");
    }
}

#[tokio::test]
async fn devpayr_raw_is_what_devpayr_sent() {
    let server = serve(
        "devpayr",
        &[
            (
                "GET",
                "/project/2/licenses/5",
                200,
                "licenses.show.200.json",
            ),
            ("GET", "/project/2/licenses", 200, "licenses.list.200.json"),
            (
                "POST",
                "/project/2/licenses",
                201,
                "licenses.create.201.json",
            ),
        ],
    )
    .await;
    let client = keyward_devpayr::Client::builder()
        .base_url(server.uri())
        .api_key("gk_test_raw")
        .http_options(options())
        .build()
        .unwrap();
    let p: Box<dyn LicenseAdmin> = Box::new(DevPayrProvider::new(client, 2).admin().unwrap());

    let got = p.get("5").await.unwrap();
    assert_eq!(got.raw, sent("devpayr", "licenses.show.200.json", "/data"));
    let page = p.list(ListRequest::new()).await.unwrap();
    assert!(!page.items.is_empty());
    for (i, license) in page.items.iter().enumerate() {
        let item = sent(
            "devpayr",
            "licenses.list.200.json",
            &format!("/data/data/{i}"),
        );
        assert_eq!(license.raw, item, "item {i}");
    }
    let mut create = CreateRequest::default();
    create.title = Some("Raw".into());
    let created = p.create(create).await.unwrap();
    assert_eq!(
        created.raw,
        sent("devpayr", "licenses.create.201.json", "/data")
    );
}
