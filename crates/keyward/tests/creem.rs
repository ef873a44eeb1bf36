//! The Creem adapter (server-side only): flows through the trait against recorded bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "creem")]

use keyward::{
    ActivateRequest, CreemProvider, DeactivateRequest, InvalidReason, LicenseAdmin,
    LicenseProvider, LicenseStatus, ListRequest, Provider, ValidateRequest, ValidationOutcome,
};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "ABC123-XYZ456-XYZ456-XYZ456";

fn respond(status: u16, name: &str) -> ResponseTemplate {
    let path = format!("{}/../../fixtures/creem/{name}", env!("CARGO_MANIFEST_DIR"));
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    ResponseTemplate::new(status).set_body_raw(body, "application/json")
}

async fn serve(routes: &[(&str, u16, &str)]) -> (MockServer, CreemProvider) {
    let server = MockServer::start().await;
    for (route, status, body) in routes {
        Mock::given(path(*route))
            .respond_with(respond(*status, body))
            .mount(&server)
            .await;
    }
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    let client = keyward::creem::Client::builder()
        .base_url(server.uri())
        .api_key("creem_test_key")
        .http_options(keyward::creem::HttpOptions::new().retry(keyward::creem::RetryPolicy::none()))
        .build()
        .unwrap();
    (server, CreemProvider::new(client))
}

fn reason(outcome: &ValidationOutcome) -> Option<InvalidReason> {
    match outcome {
        ValidationOutcome::Invalid { reason, .. } => Some(reason.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn the_flow_through_the_trait_says_server_only() {
    let (_server, provider) = serve(&[
        (
            "/v1/licenses/activate",
            200,
            "licenses.activate.200.docs.json",
        ),
        ("/v1/licenses/validate", 200, "licenses.validate.200.json"),
        (
            "/v1/licenses/deactivate",
            200,
            "licenses.deactivate.200.json",
        ),
    ])
    .await;
    let app: &dyn LicenseProvider = &provider;
    assert_eq!(app.provider(), Provider::Creem);
    let caps = app.capabilities();
    assert!(caps.server_only && caps.validate && caps.activate && !caps.create && !caps.list);
    let activated = app
        .activate(ActivateRequest::new(KEY, "johns-macbook-pro"))
        .await
        .unwrap();
    let instance = activated.instance().unwrap().id.clone();
    assert_eq!(instance, "inst_xyz789");
    let valid = app
        .validate(ValidateRequest::new(KEY).instance_id(instance.clone()))
        .await
        .unwrap();
    assert!(valid.is_valid());
    app.deactivate(DeactivateRequest::new(KEY, instance))
        .await
        .unwrap();
    let no_instance = app.validate(ValidateRequest::new(KEY)).await.unwrap_err();
    assert!(no_instance.is_invalid_input());
}

#[tokio::test]
async fn refusals_and_statuses_are_answers() {
    let (_server, provider) = serve(&[
        ("/v1/licenses/activate", 403, "errors.403.json"),
        ("/v1/licenses/validate", 410, "errors.400.json"),
    ])
    .await;
    let refused = provider
        .activate(ActivateRequest::new(KEY, "x"))
        .await
        .unwrap();
    assert_eq!(refused.reason(), Some(&InvalidReason::LimitReached));
    let gone = provider
        .validate(ValidateRequest::new(KEY).instance_id("inst_1"))
        .await
        .unwrap();
    assert_eq!(reason(&gone), Some(InvalidReason::Revoked));
    let (_server, provider) =
        serve(&[("/v1/licenses/validate", 200, "licenses.deactivate.200.json")]).await;
    let deactivated = provider
        .validate(ValidateRequest::new(KEY).instance_id("inst_xyz789"))
        .await
        .unwrap();
    assert_eq!(reason(&deactivated), Some(InvalidReason::InstanceMismatch));
}

#[tokio::test]
async fn the_admin_role_lists_a_customers_licenses() {
    let (_server, provider) = serve(&[(
        "/v1/customers/cust_1/licenses",
        200,
        "customers.licenses.200.json",
    )])
    .await;
    let admin = provider.admin().unwrap();
    let page = admin
        .list(ListRequest::new().customer_id("cust_1"))
        .await
        .unwrap();
    assert_eq!(
        (page.items.len(), page.items[0].status.clone()),
        (1, LicenseStatus::Active)
    );
    assert!(
        admin
            .list(ListRequest::new())
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(admin.get("lic_abc123").await.unwrap_err().is_unsupported());
}

#[tokio::test]
async fn against_the_emulator_the_limit_and_expiry_are_answers() {
    use chrono::{Duration, TimeZone, Utc};
    use keyward_emulator::creem::{CreemEmulator, LicenseSeed};

    let creem = CreemEmulator::start().await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    creem.set_now(now);
    creem.add_license(
        LicenseSeed::new(KEY)
            .activation_limit(1)
            .expires_at(now + Duration::days(1)),
    );
    let client = keyward::creem::Client::builder()
        .base_url(creem.uri())
        .api_key(creem.api_key())
        .build()
        .unwrap();
    let provider = CreemProvider::new(client);
    let first = provider
        .activate(ActivateRequest::new(KEY, "a"))
        .await
        .unwrap();
    let instance = first.instance().unwrap().id.clone();
    let second = provider
        .activate(ActivateRequest::new(KEY, "b"))
        .await
        .unwrap();
    assert_eq!(second.reason(), Some(&InvalidReason::LimitReached));
    let on_device = ValidateRequest::new(KEY).instance_id(instance.clone());
    assert!(
        provider
            .validate(on_device.clone())
            .await
            .unwrap()
            .is_valid()
    );
    creem.advance(Duration::days(1));
    assert_eq!(
        reason(&provider.validate(on_device.clone()).await.unwrap()),
        Some(InvalidReason::Expired)
    );
    provider
        .deactivate(DeactivateRequest::new(KEY, instance.clone()))
        .await
        .unwrap();
    assert!(
        provider
            .deactivate(DeactivateRequest::new(KEY, instance))
            .await
            .unwrap_err()
            .is_conflict()
    );
    let unknown = ValidateRequest::new("NOPE").instance_id("inst_1");
    assert_eq!(
        reason(&provider.validate(unknown).await.unwrap()),
        Some(InvalidReason::NotFound)
    );
}
