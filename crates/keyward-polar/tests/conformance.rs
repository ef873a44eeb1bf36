#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against Polar's own OpenAPI document (trimmed to the license-key paths), served by
//! Stoplight Prism in dynamic mode (random spec-valid responses). Run by
//! `cargo xtask conformance polar`, which starts Prism and sets `POLAR_PRISM_URL` (and
//! `POLAR_PRISM_LOG`, Prism's log file).
//!
//! Asserts that Prism accepts every request (it answers 422 with an `sl-violations` header, or a
//! 401 when the token is missing, when a request breaks the document; a deliberately invalid
//! request checks that it does) and that every random response decodes. The two
//! customer-session paths (`GET /v1/customer-portal/license-keys/` and `/{id}`) are not called:
//! they need a customer's session token, which this crate does not handle.

use chrono::{TimeZone, Utc};
use futures_util::StreamExt;
use keyward_core::SecretLicenseKey;
use keyward_http::{ClientIdentity, HttpClient, HttpOptions, Request, RetryPolicy};
use keyward_polar::{
    ActivateLicenseKey, Client, LicenseKeyStatus, ListLicenseKeys, UpdateLicenseKey,
    ValidateLicenseKey,
};
use serde_json::json;

const ROUNDS: usize = 20;
const ORG: &str = "fda84e25-7b55-4d67-916d-60ead04ff61f";
const BENEFIT: &str = "32a8eda4-56cf-4a94-8228-792d324a519e";
const KEY_ID: &str = "508176f7-065a-4b5d-b524-4e9c8a11ed63";
const ACTIVATION: &str = "b6724bc8-7ad9-4ca0-b143-7c896fcbb6fe";

fn options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

/// A request that breaks the document (no `organization_id`): Prism must flag it.
async fn invalid_request_is_flagged(url: &str) {
    let identity = ClientIdentity {
        provider: "polar",
        crate_name: "conformance",
        crate_version: "0",
    };
    let http = HttpClient::new(identity, url, options()).unwrap();
    let request = Request::post(
        "control",
        ["v1", "customer-portal", "license-keys", "validate"],
    )
    .unwrap()
    .json(&json!({"key": "K"}))
    .unwrap();
    let response = http.send(request).await.unwrap();
    assert_eq!(
        response.status(),
        422,
        "Prism must refuse an invalid request"
    );
    let violations = response
        .headers()
        .get("sl-violations")
        .expect("sl-violations header");
    assert!(violations.to_str().unwrap().contains("organization_id"));
    // An admin path without the token: Prism enforces the document's security.
    let request = Request::get("control", ["v1", "license-keys"])
        .unwrap()
        .trailing_slash();
    let response = http.send(request).await.unwrap();
    assert_eq!(response.status(), 401, "Prism must refuse a missing token");
}

fn log_lines(needle: &str) -> Option<usize> {
    let path = std::env::var("POLAR_PRISM_LOG").ok()?;
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().filter(|l| l.contains(needle)).count())
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance polar`"]
async fn every_endpoint_conforms_to_polar_openapi() {
    let url = std::env::var("POLAR_PRISM_URL")
        .expect("POLAR_PRISM_URL (run cargo xtask conformance polar)");
    let flagged_before = log_lines("did not pass the validation rules").unwrap_or(0);
    invalid_request_is_flagged(&url).await;
    let deliberate = 2;

    let client = Client::builder()
        .organization_id(ORG)
        .base_url(&url)
        .api_key("polar_oat_conformance_token")
        .http_options(options())
        .build()
        .unwrap();
    let key = SecretLicenseKey::new("1C285B2D-6CE6-4BC7-B8BE-ADB6A7E304DA");
    let mut per_endpoint = std::collections::BTreeMap::<String, usize>::new();
    let mut count = |name: String| *per_endpoint.entry(name).or_default() += 1;
    let statuses = [
        LicenseKeyStatus::Granted,
        LicenseKeyStatus::Revoked,
        LicenseKeyStatus::Disabled,
    ];
    let at = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();

    for round in 0..ROUNDS {
        for (prefix, licenses) in [
            ("/v1/customer-portal/license-keys", client.licenses()),
            ("/v1/license-keys", client.authenticated_licenses()),
        ] {
            let mut activate = ActivateLicenseKey::new(format!("device {round}"));
            if round % 2 == 0 {
                activate = activate
                    .condition("major_version", 1)
                    .meta("ip", "84.19.145.194")
                    .meta("trial", true);
            }
            licenses.activate(&key, &activate).await.unwrap();
            count(format!("POST {prefix}/activate"));
            let validate = match round % 3 {
                0 => ValidateLicenseKey::new(),
                1 => ValidateLicenseKey::new()
                    .activation_id(ACTIVATION)
                    .condition("major_version", 1),
                _ => ValidateLicenseKey::new()
                    .benefit_id(BENEFIT)
                    .customer_id(KEY_ID)
                    .increment_usage(3),
            };
            licenses.validate(&key, &validate).await.unwrap();
            count(format!("POST {prefix}/validate"));
            licenses.deactivate(&key, ACTIVATION).await.unwrap();
            count(format!("POST {prefix}/deactivate"));
        }

        let keys = client.license_keys();
        let mut list = ListLicenseKeys::new().limit(1 + u32::try_from(round).unwrap() * 5);
        if round % 2 == 0 {
            list = list
                .benefit_id(BENEFIT)
                .status(statuses[round % 3].clone())
                .page(u32::try_from(round).unwrap() + 1);
        }
        keys.list(&list).await.unwrap();
        count("GET /v1/license-keys/".into());
        keys.retrieve(KEY_ID).await.unwrap();
        count("GET /v1/license-keys/{id}".into());
        let update = match round % 4 {
            0 => UpdateLicenseKey::new(),
            1 => UpdateLicenseKey::new()
                .status(statuses[round % 3].clone())
                .limit_activations(5)
                .limit_usage(100)
                .expires_at(at),
            2 => UpdateLicenseKey::new()
                .no_activations()
                .unlimited_usage()
                .never_expires()
                .usage(0),
            _ => UpdateLicenseKey::new().status(LicenseKeyStatus::Granted),
        };
        keys.update(KEY_ID, &update).await.unwrap();
        count("PATCH /v1/license-keys/{id}".into());
        keys.activation(KEY_ID, ACTIVATION).await.unwrap();
        count("GET /v1/license-keys/{id}/activations/{activation_id}".into());
    }
    // The page walker, bounded: random pages may go on for a while.
    let walked: Vec<_> = client
        .license_keys()
        .list_all(ListLicenseKeys::new().limit(2))
        .take(20)
        .collect()
        .await;
    for item in &walked {
        assert!(item.is_ok(), "{item:?}");
    }

    let calls: usize = per_endpoint.values().sum();
    println!(
        "conformance: {calls} client calls over {} endpoints, every response decoded",
        per_endpoint.len()
    );
    for (endpoint, n) in &per_endpoint {
        println!("  {n:>4}  {endpoint}");
    }
    println!("conformance: the page walk yielded {} keys", walked.len());
    assert_eq!(per_endpoint.len(), 10);

    if let Some(flagged) = log_lines("did not pass the validation rules") {
        let received = log_lines("Request received").unwrap_or(0);
        println!(
            "conformance: Prism received {received} requests; flagged {} (deliberate: {deliberate})",
            flagged - flagged_before
        );
        assert_eq!(
            flagged - flagged_before,
            deliberate,
            "Prism flagged a request of the client: see its log"
        );
    }
}
