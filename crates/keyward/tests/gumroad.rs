//! The Gumroad adapter: validate never counts a use, refusals are answers, no activations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "gumroad")]

use keyward::{
    ActivateRequest, GumroadProvider, InvalidReason, LicenseAdmin, LicenseProvider, LicenseStatus,
    UpdateRequest, ValidateRequest, ValidationOutcome,
};
use wiremock::matchers::{any, body_string_contains, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "85DB562A-C11D4B06-A2335A6B-8C079166";

fn respond(status: u16, name: &str) -> ResponseTemplate {
    let path = format!(
        "{}/../../fixtures/gumroad/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    ResponseTemplate::new(status).set_body_raw(std::fs::read(&path).unwrap(), "application/json")
}

async fn provider(route: (&str, u16, &str)) -> (MockServer, GumroadProvider) {
    let server = MockServer::start().await;
    Mock::given(path(route.0))
        .and(body_string_contains(
            "product_id=32-nPAicqbLj8B_WswVlMw%3D%3D",
        ))
        .respond_with(respond(route.1, route.2))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    let client = keyward::gumroad::Client::builder()
        .product_id("32-nPAicqbLj8B_WswVlMw==")
        .base_url(server.uri())
        .api_key("gumroad_test_token")
        .build()
        .unwrap();
    (server, GumroadProvider::new(client))
}

fn reason(outcome: &ValidationOutcome) -> Option<InvalidReason> {
    match outcome {
        ValidationOutcome::Invalid { reason, .. } => Some(reason.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn validate_counts_nothing_and_reads_void_purchases() {
    let (server, app) = provider(("/v2/licenses/verify", 200, "licenses.verify.200.json")).await;
    let caps = app.capabilities();
    assert!(caps.validate && !caps.activate && !caps.deactivate && !caps.server_only);
    let valid = app.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert!(valid.is_valid());
    // The id is the purchase's, never the key: no printed form of the answer shows the key.
    let license = valid.license().unwrap();
    assert_eq!(license.id, "FO8TXN-dvaYbBbahG97a-Q==");
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert!(!format!("{valid:?}").contains(KEY));
    assert!(!serde_json::to_string(license).unwrap().contains(KEY));
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(String::from_utf8_lossy(&sent.body).contains("increment_uses_count=false"));
    assert!(
        app.activate(ActivateRequest::new(KEY, "laptop"))
            .await
            .unwrap_err()
            .is_unsupported()
    );
    let (_s, app) = provider((
        "/v2/licenses/verify",
        200,
        "licenses.verify.200.refunded.json",
    ))
    .await;
    assert_eq!(
        reason(&app.validate(ValidateRequest::new(KEY)).await.unwrap()),
        Some(InvalidReason::Revoked)
    );
    let (_s, app) = provider(("/v2/licenses/verify", 404, "errors.404.disabled.json")).await;
    assert_eq!(
        reason(&app.validate(ValidateRequest::new(KEY)).await.unwrap()),
        Some(InvalidReason::Disabled)
    );
    let (_s, app) = provider(("/v2/licenses/verify", 500, "errors.500.product-id.json")).await;
    assert!(
        app.validate(ValidateRequest::new(KEY))
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn the_admin_role_disables() {
    let (server, app) = provider(("/v2/licenses/disable", 200, "licenses.verify.200.json")).await;
    let admin = app.admin().unwrap();
    let mut update = UpdateRequest::new(KEY);
    update.disabled = Some(true);
    let disabled = admin.update(update).await.unwrap();
    assert_eq!(disabled.status, LicenseStatus::Disabled);
    assert_eq!(disabled.id, "FO8TXN-dvaYbBbahG97a-Q==");
    let put = &server.received_requests().await.unwrap()[0];
    assert_eq!(put.method.as_str(), "PUT");
}
