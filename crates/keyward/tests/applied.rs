//! A non-idempotent call (activate, create) answered 2xx with a body that cannot be read happened:
//! every provider's error says it may have been applied. One table over providers and bodies.
#![cfg(all(feature = "dodo", feature = "lemonsqueezy", feature = "devpayr"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::pin::Pin;

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{HttpOptions, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

type Call = fn(String) -> Pin<Box<dyn Future<Output = Result<(), LicenseError>>>>;

fn options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new("LK-APPLIED-0001")
}

fn dodo_activate(url: String) -> Pin<Box<dyn Future<Output = Result<(), LicenseError>>>> {
    Box::pin(async move {
        let client = keyward_dodo::Client::builder()
            .base_url(url)
            .api_key("sk_test_applied")
            .http_options(options())
            .build()?;
        client.licenses().activate(&key(), "box").await.map(drop)
    })
}

fn lemonsqueezy_activate(url: String) -> Pin<Box<dyn Future<Output = Result<(), LicenseError>>>> {
    Box::pin(async move {
        let client = keyward_lemonsqueezy::Client::builder()
            .base_url(url)
            .api_key("ls_test_applied")
            .http_options(options())
            .build()?;
        client.licenses().activate(&key(), "box").await.map(drop)
    })
}

fn devpayr_create(url: String) -> Pin<Box<dyn Future<Output = Result<(), LicenseError>>>> {
    Box::pin(async move {
        let client = keyward_devpayr::Client::builder()
            .base_url(format!("{url}/api/v1/"))
            .api_key("gk_1_applied")
            .http_options(options())
            .build()?;
        let new = keyward_devpayr::models::NewLicense::new("Applied");
        client.licenses(2).create(&new).await.map(drop)
    })
}

#[tokio::test]
async fn a_2xx_with_an_unreadable_body_to_a_non_idempotent_call_may_have_been_applied() {
    let calls: [(&str, Call); 3] = [
        ("dodo activate", dodo_activate),
        ("lemonsqueezy activate", lemonsqueezy_activate),
        ("devpayr create", devpayr_create),
    ];
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bodies: [&[u8]; 6] = [
        b"",
        b"<html>OK</html>",
        br#"{"activated":tru"#,
        br#"{"id":7,"data":7,"activated":"yes"}"#,
        b"\xff\xfe",
        deep.as_bytes(),
    ];
    for (name, call) in calls {
        for body in bodies {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
                .expect(1)
                .mount(&server)
                .await;
            let err = call(server.uri()).await.unwrap_err();
            let shown = String::from_utf8_lossy(&body[..body.len().min(20)]).into_owned();
            assert!(err.is_decode(), "{name} {shown}: {err}");
            assert!(err.may_have_been_applied(), "{name} {shown}: {err}");
            assert_eq!(err.attempts(), 1, "{name} {shown}");
        }
    }
}
