//! Provider texts kept on answers pass through the same redaction as error bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::client;
use lemonsqueezy::SecretLicenseKey;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const LICENSE: &str = "CANARY-LICENSE-7c1e-44aa";

#[tokio::test]
async fn the_error_text_of_an_answer_is_redacted() {
    let server = common::server().await;
    let body = format!(
        r#"{{"activated":false,"error":"The license key {LICENSE} is disabled.","license_key":null,"instance":null,"meta":null}}"#
    );
    Mock::given(method("POST"))
        .and(path("/v1/licenses/activate"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let answer = client(&server)
        .licenses()
        .activate(&SecretLicenseKey::new(LICENSE), "Test")
        .await
        .unwrap();
    let error = answer.error.clone().unwrap();
    assert!(error.starts_with("The license key [redacted]"), "{error}");
    let shown = format!("{answer:?} {error}");
    assert!(!shown.contains(LICENSE), "{shown}");
}
