#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against Dodo's own OpenAPI document, served by Stoplight Prism in dynamic mode
//! (random spec-valid responses). Run by `cargo xtask conformance dodo`, which starts Prism and
//! sets `DODO_PRISM_URL` (and `DODO_PRISM_LOG`, Prism's log file).
//!
//! Asserts that Prism accepts every request (it answers 422 with an `sl-violations` header, or a
//! 400/401/405 problem, when a request breaks the document; a deliberately invalid request
//! checks that it does) and that every random response decodes.

use chrono::{TimeZone, Utc};
use futures_util::StreamExt;
use keyward_core::SecretLicenseKey;
use keyward_dodo::{
    Client, CreateLicenseKey, LicenseKeySource, LicenseKeyStatus, ListInstances, ListLicenseKeys,
    UpdateLicenseKey,
};
use keyward_http::{ClientIdentity, HttpClient, HttpOptions, Request, RetryPolicy};
use serde_json::json;

const ROUNDS: usize = 25;

fn options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

/// A request that breaks the document (no `license_key`): Prism must flag it.
async fn invalid_request_is_flagged(url: &str) {
    let identity = ClientIdentity {
        provider: "dodo",
        crate_name: "conformance",
        crate_version: "0",
    };
    let http = HttpClient::new(identity, url, options()).unwrap();
    let request = Request::post("control", ["licenses", "validate"])
        .unwrap()
        .json(&json!({"license_key_instance_id": "lki_1"}))
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
    assert!(violations.to_str().unwrap().contains("license_key"));
}

fn log_lines(needle: &str) -> Option<usize> {
    let path = std::env::var("DODO_PRISM_LOG").ok()?;
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().filter(|l| l.contains(needle)).count())
}

#[tokio::test]
#[ignore = "needs Prism: run `cargo xtask conformance dodo`"]
async fn every_endpoint_conforms_to_dodo_openapi() {
    let url =
        std::env::var("DODO_PRISM_URL").expect("DODO_PRISM_URL (run cargo xtask conformance dodo)");
    let flagged_before = log_lines("did not pass the validation rules").unwrap_or(0);
    invalid_request_is_flagged(&url).await;
    let deliberate = 1;

    let client = Client::builder()
        .base_url(&url)
        .api_key("sk_conformance_token")
        .http_options(options())
        .build()
        .unwrap();
    let key = SecretLicenseKey::new("2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43");
    let mut calls = 0_usize;
    let mut per_endpoint = std::collections::BTreeMap::<&str, usize>::new();
    let mut count = |name: &'static str, calls: &mut usize| {
        *calls += 1;
        *per_endpoint.entry(name).or_default() += 1;
    };
    let statuses = [
        LicenseKeyStatus::Active,
        LicenseKeyStatus::Expired,
        LicenseKeyStatus::Disabled,
    ];
    let sources = [
        LicenseKeySource::Auto,
        LicenseKeySource::Import,
        LicenseKeySource::Manual,
    ];
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();

    for round in 0..ROUNDS {
        let licenses = client.licenses();
        let activation = licenses
            .activate(&key, &format!("device {round}"))
            .await
            .unwrap();
        count("POST /licenses/activate", &mut calls);
        let instance = if round % 2 == 0 {
            Some(activation.id.as_str())
        } else {
            None
        };
        licenses.validate(&key, instance).await.unwrap();
        count("POST /licenses/validate", &mut calls);
        licenses.deactivate(&key, &activation.id).await.unwrap();
        count("POST /licenses/deactivate", &mut calls);

        let mut create = CreateLicenseKey::new(
            SecretLicenseKey::new(format!("IMPORT-{round:04}")),
            "cus_1",
            "pdt_1",
        );
        if round % 2 == 0 {
            create = create
                .activations_limit(u32::try_from(round).unwrap())
                .expires_at(at);
        }
        let created = client.license_keys().create(&create).await.unwrap();
        count("POST /license_keys", &mut calls);
        client.license_keys().retrieve(&created.id).await.unwrap();
        count("GET /license_keys/{id}", &mut calls);
        let mut list = ListLicenseKeys::new()
            .page_size(1 + u32::try_from(round).unwrap() * 4)
            .page_number(u32::try_from(round).unwrap());
        if round % 3 == 0 {
            list = list
                .customer_id("cus_1")
                .product_id("pdt_1")
                .status(statuses[round % 3].clone())
                .source(sources[round % 3].clone())
                .created_at_gte(at)
                .created_at_lte(at);
        }
        client.license_keys().list(&list).await.unwrap();
        count("GET /license_keys", &mut calls);
        let update = match round % 4 {
            0 => UpdateLicenseKey::new(),
            1 => UpdateLicenseKey::new()
                .activations_limit(5)
                .disabled(true)
                .expires_at(at),
            2 => UpdateLicenseKey::new()
                .unlimited_activations()
                .never_expires(),
            _ => UpdateLicenseKey::new().disabled(false),
        };
        client
            .license_keys()
            .update(&created.id, &update)
            .await
            .unwrap();
        count("PATCH /license_keys/{id}", &mut calls);

        let instances = client.license_key_instances();
        let mut params = ListInstances::new()
            .page_size(10)
            .page_number(u32::try_from(round).unwrap());
        if round % 2 == 1 {
            params = params.license_key_id(&created.id);
        }
        instances.list(&params).await.unwrap();
        count("GET /license_key_instances", &mut calls);
        instances.retrieve(&activation.id).await.unwrap();
        count("GET /license_key_instances/{id}", &mut calls);
        instances
            .update(&activation.id, &format!("renamed {round}"))
            .await
            .unwrap();
        count("PATCH /license_key_instances/{id}", &mut calls);
    }
    // The page walkers, bounded: random pages may go on for a while.
    let keys: Vec<_> = client
        .license_keys()
        .list_all(ListLicenseKeys::new().page_size(2))
        .take(20)
        .collect()
        .await;
    let instances: Vec<_> = client
        .license_key_instances()
        .list_all(ListInstances::new().page_size(2))
        .take(20)
        .collect()
        .await;
    for item in &keys {
        assert!(item.is_ok(), "{item:?}");
    }
    for item in &instances {
        assert!(item.is_ok(), "{item:?}");
    }

    println!(
        "conformance: {calls} client calls over {} endpoints, every response decoded",
        per_endpoint.len()
    );
    for (endpoint, n) in &per_endpoint {
        println!("  {n:>4}  {endpoint}");
    }
    println!(
        "conformance: page walks yielded {} keys and {} instances",
        keys.len(),
        instances.len()
    );
    assert!(calls >= 200, "at least 200 calls, made {calls}");
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
