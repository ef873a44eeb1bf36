//! The client against wiremock, for every endpoint, with the documented bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::*;
use license_core::{ApiKey, ErrorKind, FixedClock, LicenseError, SecretLicenseKey};
use license_http::{HttpOptions, RetryPolicy};
use signed_license::models::{
    Activation, Answer, ContractSpec, Deactivation, LicenseKeySpec, LicenseKeyStatus, NewProduct,
    RandomAssign, Reply, Telemetry, TelemetryData,
};
use signed_license::{KeySet, ResponseCode, SignedLicenseClient};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "api-canary-5d1f0e7a";

fn client(server: &MockServer, keys: KeySet, ts: i64) -> SignedLicenseClient {
    SignedLicenseClient::builder()
        .base_url(server.uri())
        .api_key(ApiKey::new(API_KEY).unwrap())
        .keys(keys)
        .product_id(1)
        .clock(Arc::new(FixedClock::new(at(ts + 5))))
        .http_options(HttpOptions::new().retry(RetryPolicy::none()))
        .build()
        .unwrap()
}

/// Serves `file` once at `verb /api/v1/<endpoint>`, checking the credentials are sent.
async fn serve(file: &str, verb: &str, endpoint: &str) -> (MockServer, SignedLicenseClient) {
    let server = MockServer::start().await;
    let (body, ts, status) = served(file);
    Mock::given(method(verb))
        .and(path(format!("/api/v1/{endpoint}")))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, served_keys(), ts);
    (server, client)
}

/// The form (POST) or query (GET) fields of the one request received.
async fn sent(server: &MockServer) -> HashMap<String, String> {
    let requests: Vec<Request> = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    let fields: HashMap<String, String> = if r.method.as_str() == "GET" {
        r.url.query_pairs().into_owned().collect()
    } else {
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/x-www-form-urlencoded"
        );
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&r.body)
            .unwrap()
            .into_iter()
            .collect()
    };
    assert_eq!(fields["api_key"], API_KEY);
    fields
}

fn lk(s: &str) -> SecretLicenseKey {
    SecretLicenseKey::new(s)
}

fn refused<T: std::fmt::Debug>(reply: &Reply<T>) -> ResponseCode {
    match reply.answer() {
        Answer::Refused(r) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn no_secret(e: &LicenseError, secrets: &[&str]) {
    let shown = format!("{e} {e:?}");
    for s in secrets {
        assert!(!shown.contains(s), "secret leaked: {shown}");
    }
}

#[tokio::test]
async fn verify_sends_key_and_identifier_and_reports_a_refusal() {
    let (server, c) = serve("verify.210.json", "POST", "verify").await;
    let reply = c.verify(&lk("bad-key-123456"), "domain.ltd").await.unwrap();
    assert_eq!(refused(&reply), ResponseCode::InvalidLicenseKey);
    assert_eq!(reply.verified().key_id(), "docs-demo");
    let f = sent(&server).await;
    assert_eq!(
        (f["license_key"].as_str(), f["identifier"].as_str()),
        ("bad-key-123456", "domain.ltd")
    );
    let (server, c) = serve("verify.201.json", "POST", "verify").await;
    assert_eq!(
        refused(&c.verify(&lk("k"), "h").await.unwrap()),
        ResponseCode::LicenseKeyNotAssigned
    );
    drop(server);
}

#[tokio::test]
async fn signed_401_and_403_become_verified_unauthorized_errors() {
    for (file, code) in [
        ("verify.100.json", "100"),
        ("verify.101.json", "101"),
        ("verify.102.json", "102"),
        ("verify.103.json", "103"),
        ("verify.150.json", "150"),
    ] {
        let (_server, c) = serve(file, "POST", "verify").await;
        let e = c.verify(&lk("license-canary-77"), "h").await.unwrap_err();
        assert!(e.is_unauthorized(), "{file}: {e}");
        assert_eq!(e.http().unwrap().provider_code.as_deref(), Some(code));
        no_secret(&e, &[API_KEY, "license-canary-77"]);
    }
}

#[tokio::test]
async fn activate_and_deactivate() {
    let (server, c) = serve("activate.300.json", "POST", "activate").await;
    let r = c.activate(&lk("k-1"), "h").await.unwrap();
    assert_eq!(r.done(), Some(&Activation::Activated));
    assert_eq!(sent(&server).await["identifier"], "h");
    let (_s, c) = serve("activate.301.json", "POST", "activate").await;
    assert_eq!(
        c.activate(&lk("k-1"), "h").await.unwrap().done(),
        Some(&Activation::AlreadyActive)
    );
    let (_s, c) = serve("activate.215.json", "POST", "activate").await;
    assert_eq!(
        c.activate(&lk("k-1"), "").await.unwrap_err().kind(),
        ErrorKind::Rejected
    );
    let (_s, c) = serve("deactivate.400.json", "POST", "deactivate").await;
    // deactivate 400 is signed by the demo key but labelled "global": still a product key here.
    assert_eq!(
        c.deactivate(&lk("k-1"), "h").await.unwrap().done(),
        Some(&Deactivation::Deactivated)
    );
    let (_s, c) = serve("deactivate.401.json", "POST", "deactivate").await;
    assert_eq!(
        c.deactivate(&lk("k-1"), "h").await.unwrap().done(),
        Some(&Deactivation::AlreadyInactive)
    );
    let (server, c) = serve(
        "assign-and-activate-license-key.300.json",
        "POST",
        "assign-and-activate-license-key",
    )
    .await;
    let r = c
        .assign_and_activate(&lk("k-2"), "h", "Ann", "ann@example.test")
        .await
        .unwrap();
    assert_eq!(r.done(), Some(&Activation::Activated));
    let f = sent(&server).await;
    assert_eq!(
        (f["owner_name"].as_str(), f["owner_email"].as_str()),
        ("Ann", "ann@example.test")
    );
}

#[tokio::test]
async fn details_and_downloadables_check_their_echoes() {
    let key = lk("3a343c8a-38fe-4b6e-ad77-2222222");
    let (_s, c) = serve(
        "get-license-key-details.500.json",
        "POST",
        "get-license-key-details",
    )
    .await;
    let r = c.license_key_details(&key, "domain.ltd").await.unwrap();
    let d = r.done().unwrap();
    assert_eq!(d.license_key.license_key, key);
    assert_eq!(
        (
            d.license_key.id,
            d.product.id,
            d.license_key.expires_at.clone()
        ),
        (1_034_773, 1, None)
    );
    assert!(!format!("{d:?}").contains("3a343c8a"));
    assert!(
        !format!("{r:?}").contains("3a343c8a"),
        "no license key in a reply's Debug"
    );
    let (_s, c) = serve(
        "get-license-key-details.500.json",
        "POST",
        "get-license-key-details",
    )
    .await;
    let e = c
        .license_key_details(&lk("another-key-0000"), "domain.ltd")
        .await
        .unwrap_err();
    assert!(e.is_signature(), "{e}");
    let (_s, c) = serve(
        "get-license-key-details.202.json",
        "POST",
        "get-license-key-details",
    )
    .await;
    assert_eq!(
        refused(&c.license_key_details(&key, "h").await.unwrap()),
        ResponseCode::NoActivation
    );

    let key = lk("65a90cff-8da2-4820-9c9a-a13a041891fd");
    let (_s, c) = serve(
        "access-downloadables.600.json",
        "POST",
        "access-downloadables",
    )
    .await;
    let r = c.downloadables(&key, "domain.ltd").await.unwrap();
    let list = r.done().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].numeric_version, 102);
    assert!(
        !format!("{list:?}").contains("2964c3c9"),
        "the URL embeds the API key"
    );
    let (_s, c) = serve(
        "access-downloadables.600.json",
        "POST",
        "access-downloadables",
    )
    .await;
    assert!(
        c.downloadables(&key, "other.host")
            .await
            .unwrap_err()
            .is_signature()
    );
}

#[tokio::test]
async fn license_key_meta() {
    let (server, c) = serve(
        "create-license-key-meta.453.json",
        "POST",
        "create-license-key-meta",
    )
    .await;
    assert_eq!(
        c.create_license_key_meta(&lk("k"), "h", "seats", "5")
            .await
            .unwrap()
            .done(),
        Some(&1)
    );
    let f = sent(&server).await;
    assert_eq!((f["key"].as_str(), f["value"].as_str()), ("seats", "5"));
    let (_s, c) = serve(
        "create-license-key-meta.201.json",
        "POST",
        "create-license-key-meta",
    )
    .await;
    assert_eq!(
        refused(
            &c.create_license_key_meta(&lk("k"), "h", "a", "b")
                .await
                .unwrap()
        ),
        ResponseCode::LicenseKeyNotAssigned
    );
    let (_s, c) = serve(
        "update-license-key-meta.353.json",
        "POST",
        "update-license-key-meta",
    )
    .await;
    assert_eq!(
        c.update_license_key_meta(&lk("k"), "h", "a", "b")
            .await
            .unwrap()
            .done(),
        Some(&1)
    );
    let (_s, c) = serve(
        "update-license-key-meta.352.json",
        "POST",
        "update-license-key-meta",
    )
    .await;
    assert_eq!(
        refused(
            &c.update_license_key_meta(&lk("k"), "h", "a", "b")
                .await
                .unwrap()
        ),
        ResponseCode::LicenseMetaKeyMissingOnUpdate
    );
    let (server, c) = serve(
        "delete-license-key-meta.252.json",
        "POST",
        "delete-license-key-meta",
    )
    .await;
    assert!(
        c.delete_license_key_meta(&lk("k"), "h", "seats")
            .await
            .unwrap()
            .is_done()
    );
    assert_eq!(sent(&server).await["key"], "seats");
}

#[tokio::test]
async fn telemetry() {
    let (server, c) = serve(
        "send-telemetry-data.830.json",
        "POST",
        "send-telemetry-data",
    )
    .await;
    let mut t = Telemetry::new("grp", TelemetryData::Xy(1.0, 2.5));
    t.license_key = Some(lk("tele-key-canary"));
    let r = c.send_telemetry(&t).await.unwrap();
    assert!(r.done().unwrap().correct_format);
    let f = sent(&server).await;
    assert_eq!(
        (
            f["data_type"].as_str(),
            f["numeric_data_y"].as_str(),
            f["license_key"].as_str()
        ),
        ("numeric-xy-axis", "2.5", "tele-key-canary")
    );
    let (_s, c) = serve(
        "send-telemetry-data.831.json",
        "POST",
        "send-telemetry-data",
    )
    .await;
    let r = c
        .send_telemetry(&Telemetry::new("g", TelemetryData::Text("x".into())))
        .await
        .unwrap();
    let saved = r.done().unwrap();
    assert!(!saved.correct_format && saved.errors.contains_key("product_id"));
    let (server, c) = serve("get-telemetry-data.970.json", "GET", "get-telemetry-data").await;
    let r = c.telemetry_data().await.unwrap();
    assert!(r.done().unwrap()[0].has_red_flags);
    sent(&server).await;
}

#[tokio::test]
async fn license_key_management() {
    let (server, c) = serve("assign-license-key.800.json", "POST", "assign-license-key").await;
    assert!(
        c.assign_license_key(&lk("k-9"), Some("Bo"), Some("bo@x.test"))
            .await
            .unwrap()
            .is_done()
    );
    let f = sent(&server).await;
    assert_eq!(
        (
            f["license_key"].as_str(),
            f["owner_name"].as_str(),
            f["email"].as_str()
        ),
        ("k-9", "Bo", "bo@x.test")
    );
    let (_s, c) = serve("assign-license-key.801.json", "POST", "assign-license-key").await;
    assert_eq!(
        refused(&c.assign_license_key(&lk("k"), None, None).await.unwrap()),
        ResponseCode::InvalidOrAlreadyAssigned
    );

    let req = RandomAssign::new(1, 7, "o@x.test")
        .owner_name("O")
        .generate(true);
    let (server, c) = serve(
        "random-assign-license-keys.803.json",
        "POST",
        "random-assign-license-keys",
    )
    .await;
    let r = c.random_assign_license_keys(&req).await.unwrap();
    assert_eq!(r.done().unwrap().len(), 7);
    let f = sent(&server).await;
    assert_eq!(
        (
            f["product_id"].as_str(),
            f["quantity"].as_str(),
            f["generate"].as_str()
        ),
        ("1", "7", "1")
    );
    let (_s, c) = serve(
        "random-assign-license-keys.802.json",
        "POST",
        "random-assign-license-keys",
    )
    .await;
    let r = c.random_assign_license_keys(&req).await.unwrap();
    assert_eq!(refused(&r), ResponseCode::InsufficientLicenseKeys);
    assert_eq!(r.verified().value().fields()["available_quantity"], 5);
    for file in [
        "random-assign-license-keys.805.json",
        "random-assign-license-keys.806.json",
    ] {
        let (_s, c) = serve(file, "POST", "random-assign-license-keys").await;
        assert!(
            c.random_assign_license_keys(&req)
                .await
                .unwrap_err()
                .is_not_found()
        );
    }
    let (server, c) = serve(
        "random-assign-license-keys-queued.807.json",
        "POST",
        "random-assign-license-keys-queued",
    )
    .await;
    assert!(
        c.random_assign_license_keys_queued(&req, "https://shop.test/hook?s=1", "order-1")
            .await
            .unwrap()
            .is_done()
    );
    assert_eq!(sent(&server).await["identifier"], "order-1");

    let spec = LicenseKeySpec::new(1, 2, 365, LicenseKeyStatus::Available).owner("A", "a@x.test");
    let (server, c) = serve(
        "create-license-keys.900.json",
        "POST",
        "create-license-keys",
    )
    .await;
    let r = c
        .create_license_keys(&[lk("n-1"), lk("n-2")], &spec)
        .await
        .unwrap();
    let created = r.done().unwrap();
    assert_eq!((created.created, created.duplicate), (3, 1));
    let f = sent(&server).await;
    assert_eq!(
        (
            f["license_keys"].as_str(),
            f["status"].as_str(),
            f["validity"].as_str()
        ),
        (r#"["n-1","n-2"]"#, "available", "365")
    );
    let (_s, c) = serve("update-license-key.950.json", "POST", "update-license-key").await;
    assert!(
        c.update_license_key(&lk("n-1"), &spec)
            .await
            .unwrap()
            .is_done()
    );
    let (_s, c) = serve("delete-license-key.850.json", "POST", "delete-license-key").await;
    assert!(c.delete_license_key(&lk("n-1")).await.unwrap().is_done());
    let (server, c) = serve("get-license-keys.730.json", "GET", "get-license-keys").await;
    let r = c.license_keys().await.unwrap();
    assert_eq!(r.done().unwrap()[0].status, LicenseKeyStatus::Available);
    sent(&server).await;
    let (server, c) = serve(
        "get-available-license-keys-count.741.json",
        "GET",
        "get-available-license-keys-count",
    )
    .await;
    assert_eq!(
        c.available_license_keys_count(Some(1))
            .await
            .unwrap()
            .done(),
        Some(&696)
    );
    assert_eq!(sent(&server).await["product_id"], "1");
    let (_s, c) = serve(
        "get-available-license-keys-count.740.json",
        "GET",
        "get-available-license-keys-count",
    )
    .await;
    assert!(
        c.available_license_keys_count(None)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let (server, c) = serve("generate.815.json", "POST", "generate").await;
    let r = c.generate(3, 10).await.unwrap();
    assert_eq!(r.done().unwrap().len(), 10);
    assert_eq!(sent(&server).await["generator_id"], "3");
}

#[tokio::test]
async fn products_and_generators() {
    let (server, c) = serve("get-all-products.810.json", "GET", "get-all-products").await;
    let r = c.products().await.unwrap();
    assert_eq!(r.done().unwrap()[0].meta_data.len(), 2);
    sent(&server).await;
    let p = NewProduct::new("App", "An app");
    let (server, c) = serve("create-product.750.json", "POST", "create-product").await;
    assert_eq!(c.create_product(&p).await.unwrap().done(), Some(&5));
    let f = sent(&server).await;
    assert_eq!(
        (
            f["name"].as_str(),
            f["source"].as_str(),
            f["status"].as_str()
        ),
        ("App", "internal", "active")
    );
    for file in ["create-product.751.json", "create-product.751.2.json"] {
        let (_s, c) = serve(file, "POST", "create-product").await;
        let e = c.create_product(&p).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.http().unwrap().provider_code.as_deref()),
            (ErrorKind::Rejected, Some("751"))
        );
    }
    let (_s, c) = serve("update-product.650.json", "POST", "update-product").await;
    assert!(c.update_product(5, &p).await.unwrap().is_done());
    let (_s, c) = serve("update-product.651.json", "POST", "update-product").await;
    assert!(c.update_product(99, &p).await.is_err());
    let (_s, c) = serve("delete-product.550.json", "POST", "delete-product").await;
    assert!(c.delete_product(5).await.unwrap().is_done());
    let (_s, c) = serve(
        "create-product-meta.273.json",
        "POST",
        "create-product-meta",
    )
    .await;
    assert!(c.create_product_meta(1, "k", "v").await.unwrap().is_done());
    let (_s, c) = serve(
        "create-product-meta.274.json",
        "POST",
        "create-product-meta",
    )
    .await;
    assert!(
        c.create_product_meta(9, "k", "v")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let (_s, c) = serve(
        "update-product-meta.373.json",
        "POST",
        "update-product-meta",
    )
    .await;
    assert!(c.update_product_meta(1, "k", "v").await.unwrap().is_done());
    let (_s, c) = serve(
        "update-product-meta.372.json",
        "POST",
        "update-product-meta",
    )
    .await;
    assert_eq!(
        refused(&c.update_product_meta(1, "k", "v").await.unwrap()),
        ResponseCode::ProductMetaKeyMissingOnUpdate
    );
    let (server, c) = serve(
        "delete-product-meta.482.json",
        "POST",
        "delete-product-meta",
    )
    .await;
    assert!(c.delete_product_meta(1, "k").await.unwrap().is_done());
    assert_eq!(sent(&server).await["product_id"], "1");
    let (_s, c) = serve("get-all-generators.820.json", "GET", "get-all-generators").await;
    let r = c.generators().await.unwrap();
    assert_eq!(r.done().unwrap()[0].method.as_deref(), Some("uuid"));
}

#[tokio::test]
async fn contracts() {
    let (server, c) = serve("get-all-contracts.846.json", "GET", "get-all-contracts").await;
    assert_eq!(
        c.contracts().await.unwrap().done().unwrap()[0].license_keys_quantity,
        Some(65)
    );
    sent(&server).await;
    let spec = ContractSpec::new("ck-1", "Test Contract", 1, 65);
    let (server, c) = serve("create-contract.841.json", "POST", "create-contract").await;
    let r = c.create_contract(&spec).await.unwrap();
    let contract = r.done().unwrap();
    assert_eq!(
        (contract.id, contract.product_id, contract.can_generate),
        (10, Some(1), true)
    );
    let f = sent(&server).await;
    assert_eq!(
        (f["contract_name"].as_str(), f["can_destroy_all"].as_str()),
        ("Test Contract", "0")
    );
    let (_s, c) = serve("create-contract.825.json", "POST", "create-contract").await;
    assert_eq!(
        c.create_contract(&spec).await.unwrap_err().kind(),
        ErrorKind::Rejected
    );
    let (_s, c) = serve("update-contract.842.json", "POST", "update-contract").await;
    assert_eq!(
        c.update_contract(8, &spec)
            .await
            .unwrap()
            .done()
            .unwrap()
            .id,
        8
    );
    let (_s, c) = serve("update-contract.825.json", "POST", "update-contract").await;
    assert!(c.update_contract(8, &spec).await.is_err());
    let (_s, c) = serve("delete-contract.843.json", "POST", "delete-contract").await;
    assert!(c.delete_contract(10).await.unwrap().is_done());
    let (server, c) = serve("delete-contract.844.json", "POST", "delete-contract").await;
    assert_eq!(
        refused(&c.delete_contract(11).await.unwrap()),
        ResponseCode::ContractNotFound
    );
    assert_eq!(sent(&server).await["contract_id"], "11");
    let (_s, c) = serve("get-all-contracts.740.json", "GET", "get-all-contracts").await;
    assert!(c.contracts().await.unwrap_err().is_not_found());
}

async fn raw(status: u16, body: &str, ts: i64, keys: KeySet) -> (MockServer, SignedLicenseClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.to_owned(), "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, keys, ts);
    (server, c)
}

#[tokio::test]
async fn html_pages_are_transport_errors_and_bad_envelopes_are_signature_errors() {
    let (_s, c) = raw(502, "<html>Bad Gateway</html>", 0, served_keys()).await;
    let e = c.verify(&lk("k"), "h").await.unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Server, Some(502)));
    let (_s, c) = raw(200, "<html>oops</html>", 0, served_keys()).await;
    assert!(c.verify(&lk("k"), "h").await.unwrap_err().is_decode());

    let tampered = fixture("access-downloadables.600.json");
    let (_s, c) = raw(200, &tampered, 1_709_001_214, served_keys()).await;
    let e = c.downloadables(&lk("k"), "h").await.unwrap_err();
    assert!(e.is_signature(), "{e}");
    let unsigned = fixture("delete-contract.843.json");
    let (_s, c) = raw(200, &unsigned, 1_731_207_382, served_keys()).await;
    let e = c.delete_contract(1).await.unwrap_err();
    assert!(
        e.is_signature() && e.to_string().contains("unsigned"),
        "{e}"
    );
}

#[tokio::test]
async fn license_calls_refuse_the_global_key_unless_opted_in() {
    let ts = 1_764_000_000;
    let body = envelope(
        &signing_key("global-2048"),
        r#"{"code":200,"message":"Valid license key","timestamp":1764000000}"#,
        "global",
    );
    let (_s, c) = raw(200, &body, ts, test_keys()).await;
    assert!(c.verify(&lk("k"), "h").await.unwrap_err().is_signature());

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = SignedLicenseClient::builder()
        .base_url(server.uri())
        .api_key(ApiKey::new(API_KEY).unwrap())
        .keys(test_keys())
        .accept_global_key_for_license_calls(true)
        .clock(Arc::new(FixedClock::new(at(ts))))
        .build()
        .unwrap();
    assert!(c.verify(&lk("k"), "h").await.unwrap().is_done());
}

#[test]
fn the_builder_requires_base_url_api_key_and_keys_and_hides_the_api_key() {
    let b = || {
        SignedLicenseClient::builder()
            .api_key(ApiKey::new(API_KEY).unwrap())
            .keys(test_keys())
    };
    assert!(b().build().unwrap_err().is_config());
    assert!(
        SignedLicenseClient::builder()
            .base_url("https://x.test")
            .keys(test_keys())
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        SignedLicenseClient::builder()
            .base_url("https://x.test")
            .api_key(ApiKey::new("a").unwrap())
            .build()
            .unwrap_err()
            .is_config()
    );
    let c = b()
        .base_url("https://licenses.example.test")
        .build()
        .unwrap();
    assert!(!format!("{c:?}").contains(API_KEY));
}
