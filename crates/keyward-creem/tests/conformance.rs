#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against Creem's own OpenAPI document (trimmed to the license paths), served by
//! Stoplight Prism in dynamic mode (random spec-valid responses). Run by
//! `cargo xtask conformance creem`, which starts Prism and sets `CREEM_PRISM_URL` (and
//! `CREEM_PRISM_LOG`).
//!
//! Asserts that Prism accepts every request (a deliberately invalid one and one without the API
//! key check that it refuses what breaks the document) and that every random answer decodes.

use futures_util::StreamExt;
use keyward_core::SecretLicenseKey;
use keyward_creem::Client;
use keyward_http::{ClientIdentity, HttpClient, HttpOptions, Request, RetryPolicy};
use serde_json::json;

const ROUNDS: usize = 25;

fn options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

async fn invalid_requests_are_flagged(url: &str) {
    let identity = ClientIdentity {
        provider: "creem",
        crate_name: "conformance",
        crate_version: "0",
    };
    let http = HttpClient::new(identity, url, options()).unwrap();
    let key = keyward_core::ApiKey::new("creem_conformance").unwrap();
    let request = Request::post("control", ["v1", "licenses", "validate"])
        .unwrap()
        .api_key_header("x-api-key", &key)
        .json(&json!({"key": "K"}))
        .unwrap();
    let response = http.send(request).await.unwrap();
    // Prism answers with the document's own 400 where it declares one, else 422.
    assert!(
        matches!(response.status(), 400 | 422),
        "Prism must refuse a body without instance_id"
    );
    let violations = response
        .headers()
        .get("sl-violations")
        .expect("sl-violations");
    assert!(violations.to_str().unwrap().contains("instance_id"));
    let request = Request::post("control", ["v1", "licenses", "validate"])
        .unwrap()
        .json(&json!({"key": "K", "instance_id": "i"}))
        .unwrap();
    assert_eq!(
        http.send(request).await.unwrap().status(),
        401,
        "Prism must refuse a missing key"
    );
}

fn log_lines(needle: &str) -> Option<usize> {
    let path = std::env::var("CREEM_PRISM_LOG").ok()?;
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().filter(|l| l.contains(needle)).count())
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance creem`"]
async fn every_endpoint_conforms_to_creem_openapi() {
    let url =
        std::env::var("CREEM_PRISM_URL").expect("CREEM_PRISM_URL (cargo xtask conformance creem)");
    let flagged_before = log_lines("did not pass the validation rules").unwrap_or(0);
    invalid_requests_are_flagged(&url).await;
    let deliberate = 2;
    let client = Client::builder()
        .base_url(&url)
        .api_key("creem_conformance_key")
        .http_options(options())
        .build()
        .unwrap();
    let key = SecretLicenseKey::new("ABC123-XYZ456-XYZ456-XYZ456");
    let licenses = client.licenses();
    let mut calls = std::collections::BTreeMap::<&str, usize>::new();
    for round in 0..ROUNDS {
        let activated = licenses
            .activate(&key, &format!("device {round}"))
            .await
            .unwrap();
        *calls.entry("POST /v1/licenses/activate").or_default() += 1;
        let instance = activated
            .instance
            .map_or_else(|| format!("inst_{round}"), |i| i.id);
        let instance = if instance.trim().is_empty() {
            format!("inst_{round}")
        } else {
            instance
        };
        licenses.validate(&key, &instance).await.unwrap();
        *calls.entry("POST /v1/licenses/validate").or_default() += 1;
        licenses.deactivate(&key, &instance).await.unwrap();
        *calls.entry("POST /v1/licenses/deactivate").or_default() += 1;
        let number = u32::try_from(round % 4).unwrap() + 1;
        licenses
            .list_for_customer("cust_1", number, 10)
            .await
            .unwrap();
        *calls.entry("GET /v1/customers/{id}/licenses").or_default() += 1;
    }
    let walked: Vec<_> = licenses
        .list_all_for_customer("cust_1", 5)
        .take(20)
        .collect()
        .await;
    for item in &walked {
        assert!(item.is_ok(), "{item:?}");
    }
    let total: usize = calls.values().sum();
    println!(
        "conformance: {total} client calls over {} endpoints, every response decoded",
        calls.len()
    );
    for (endpoint, n) in &calls {
        println!("  {n:>4}  {endpoint}");
    }
    assert_eq!(calls.len(), 4);
    if let Some(flagged) = log_lines("did not pass the validation rules") {
        println!(
            "conformance: Prism flagged {} (deliberate: {deliberate})",
            flagged - flagged_before
        );
        assert_eq!(
            flagged - flagged_before,
            deliberate,
            "Prism flagged a request of the client"
        );
    }
}
