//! The client against wiremock: the licensing endpoints, errors and key policy, with the
//! documented bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use common::wire::*;
use common::*;
use keyward_core::{ApiKey, ErrorKind, FixedClock};
use keyward_signed_license::ResponseCode;
use keyward_signed_license::models::*;
use keyward_signed_license::{Client, KeySet};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

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
    // An empty identifier is refused before sending; the server's own 215 is a rejected error.
    let (_s, c) = serve("activate.215.json", "POST", "activate").await;
    assert_eq!(
        c.activate(&lk("k-1"), "h").await.unwrap_err().kind(),
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

async fn raw(status: u16, body: &str, ts: i64, keys: KeySet) -> (MockServer, Client) {
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
    let c = Client::builder()
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
        Client::builder()
            .api_key(ApiKey::new(API_KEY).unwrap())
            .keys(test_keys())
    };
    assert!(b().build().unwrap_err().is_config());
    assert!(
        Client::builder()
            .base_url("https://x.test")
            .keys(test_keys())
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Client::builder()
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

#[tokio::test]
async fn an_empty_license_key_or_identifier_is_refused_before_sending() {
    let server = MockServer::start().await;
    let c = client(&server, served_keys(), 0);
    let e = c.verify(&lk("key-123456"), " ").await.unwrap_err();
    assert!(e.is_config(), "{e}");
    assert!(c.activate(&lk(""), "host").await.unwrap_err().is_config());
    assert!(server.received_requests().await.unwrap().is_empty());
}
