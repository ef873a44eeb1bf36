//! Issue 11 edges, from the payloads in `fixtures/signed-license/synthetic/edges.*`, signed with
//! the TEST-ONLY key and served: activation limit `-1` (any negative) is unlimited and can be sent,
//! meta values of any JSON type are kept, a `null` status decodes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::wire::{API_KEY, client, lk, sent};
use common::{envelope, fixture, signing_key, test_keys};
use keyward_signed_license::models::{ActivationLimit, LicenseKeySpec, LicenseKeyStatus};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TS: i64 = 1_764_000_000;

/// Serves the synthetic payload `file`, signed, at `verb /api/v1/<endpoint>`.
async fn serve_payload(
    file: &str,
    verb: &str,
    endpoint: &str,
) -> (MockServer, keyward_signed_license::Client) {
    let server = MockServer::start().await;
    let json = fixture(&format!("synthetic/{file}"));
    let body = envelope(&signing_key("product-2048"), json.trim(), "product");
    Mock::given(method(verb))
        .and(path(format!("/api/v1/{endpoint}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, test_keys(), TS);
    (server, client)
}

#[tokio::test]
async fn negative_limits_are_unlimited_and_a_null_status_decodes() {
    let (_server, c) =
        serve_payload("edges.get-license-keys.730.json", "GET", "get-license-keys").await;
    let keys = c.license_keys().await.unwrap();
    let keys = keys.done().unwrap();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys[0].activation_limit, None, "-1 is unlimited");
    assert_eq!(
        keys[0].status,
        LicenseKeyStatus::Other(String::new()),
        "null status"
    );
    assert_eq!(keys[1].activation_limit, None, "\"-1\" is unlimited");
    assert_eq!(keys[1].status, LicenseKeyStatus::Assigned);
    assert_eq!(keys[2].activation_limit, Some(5));
    assert_eq!(keys[2].status, LicenseKeyStatus::Other("paused".into()));
    assert_eq!(keys[3].activation_limit, None, "any negative is unlimited");
    assert_eq!(
        keys[3].status,
        LicenseKeyStatus::Other(String::new()),
        "no status"
    );
    assert_eq!(
        keys[0].raw.to_value()["activation_limit"],
        -1,
        "raw keeps what was sent"
    );
}

#[tokio::test]
async fn meta_values_of_any_json_type_are_kept() {
    let (_server, c) = serve_payload(
        "edges.get-license-key-details.500.json",
        "POST",
        "get-license-key-details",
    )
    .await;
    let details = c
        .license_key_details(&lk("EDGE-META-2001"), "host-1")
        .await
        .unwrap();
    let details = details.done().unwrap();
    let info = &details.license_key;
    assert_eq!(info.activation_limit, None);
    let meta: Vec<_> = info
        .meta_data
        .iter()
        .map(|m| (m.key.as_str(), m.value.as_deref(), m.json.clone()))
        .collect();
    assert_eq!(
        meta,
        [
            ("note", Some("plain text"), json!("plain text")),
            ("seats", Some("5"), json!(5)),
            ("ratio", Some("0.75"), json!(0.75)),
            ("trial", Some("false"), json!(false)),
            (
                "flags",
                Some(r#"{"beta":true,"tier":"gold"}"#),
                json!({"beta": true, "tier": "gold"})
            ),
            ("tags", Some(r#"["a","b"]"#), json!(["a", "b"])),
            ("cleared", None, serde_json::Value::Null),
            ("42", Some("numeric key"), json!("numeric key")),
        ]
    );
    assert_eq!(details.product.meta_data[0].json, json!({"max": 3}));
}

#[tokio::test]
async fn unlimited_activations_are_sent_as_minus_one() {
    let server = MockServer::start().await;
    let body = envelope(
        &signing_key("product-2048"),
        &format!(r#"{{"code":950,"message":"License key updated","timestamp":{TS}}}"#),
        "product",
    );
    Mock::given(method("POST"))
        .and(path("/api/v1/update-license-key"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let spec = LicenseKeySpec::new(1, 3, 0, LicenseKeyStatus::Assigned).unlimited_activations();
    assert_eq!(spec.activation_limit, ActivationLimit::Unlimited);
    let c = client(&server, test_keys(), TS);
    assert!(
        c.update_license_key(&lk("EDGE-UNLIMITED-0001"), &spec)
            .await
            .unwrap()
            .is_done()
    );
    let fields = sent(&server).await;
    assert_eq!(fields["activation_limit"], "-1");
    assert_eq!(fields["api_key"], API_KEY);
    let limited = LicenseKeySpec::new(1, 3, 0, LicenseKeyStatus::Assigned);
    assert_eq!(limited.activation_limit, ActivationLimit::AtMost(3));
}

#[test]
fn a_verified_envelope_is_written_as_serde_json_writes_it_whatever_its_hint() {
    let json = r#"{"code":200,"message":"Valid license key","timestamp":1764000000}"#;
    let key = signing_key("product-2048");
    let keys = test_keys();
    let policy = keyward_signed_license::Policy::new()
        .key_scope(keyward_signed_license::KeyScope::ProductOrGlobal);
    let hinted = envelope(&key, json, "pro\"duct\\ \u{1} é");
    let mut unhinted: serde_json::Value = serde_json::from_str(&hinted).unwrap();
    unhinted.as_object_mut().unwrap().remove("private_key_used");
    for body in [hinted, unhinted.to_string()] {
        let verified =
            keyward_signed_license::verify(body.as_bytes(), &keys, &policy, common::at(TS))
                .unwrap();
        let written = serde_json::to_string(verified.envelope()).unwrap();
        assert_eq!(verified.envelope_json().unwrap(), written);
    }
}
