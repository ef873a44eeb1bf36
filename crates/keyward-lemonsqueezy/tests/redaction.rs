//! A long JSON:API error body is read whole and redacted. (That no secret shows on an answer or
//! error is the canary suite's: `crates/keyward/tests/canary.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A JSON:API error body longer than the 2 KiB shown is still read whole, redacted, the same
/// way as in every crate (`LicenseError::provider_body`, `provider_code`, `provider_message`).
#[tokio::test]
async fn a_long_error_body_is_read_whole_and_redacted() {
    let server = common::server().await;
    let errors: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"detail":"The field {i} is invalid for {}.","source":{{"pointer":"/data/attributes/f{i}"}},"status":"422","title":"Unprocessable Entity"}}"#,
                common::API_KEY
            )
        })
        .collect();
    let body = format!(r#"{{"errors":[{}]}}"#, errors.join(","));
    assert!(body.len() > 4096);
    Mock::given(method("GET"))
        .and(path("/v1/license-keys/7"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(body, "application/vnd.api+json"))
        .mount(&server)
        .await;
    let err = client(&server)
        .license_keys()
        .retrieve(keyward_lemonsqueezy::LicenseKeyId(7))
        .await
        .unwrap_err();
    let errors = keyward_lemonsqueezy::error::json_api_errors(&err);
    assert_eq!(errors.len(), 40);
    assert_eq!(
        errors[39]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref()),
        Some("/data/attributes/f39")
    );
    assert_eq!(err.provider_code(), Some("/data/attributes/f0"));
    let whole = err.provider_body().unwrap().to_string();
    let shown = format!("{err} {err:?} {whole}");
    assert!(!shown.contains(common::API_KEY), "{shown}");
    assert!(err.provider_message().unwrap().contains("[redacted]"));
}
