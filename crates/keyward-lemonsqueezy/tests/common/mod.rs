//! Shared test helpers (included with `mod common;`).
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use keyward_http::{HttpOptions, RetryPolicy};
use keyward_lemonsqueezy::Client;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const API_KEY: &str = "canary-api-key-3f9a1c77";

/// A fixture of `fixtures/lemonsqueezy/`, as bytes on disk.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/lemonsqueezy/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn jsonapi(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/vnd.api+json")
}

pub(crate) fn plain(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A server that answers anything not mocked with a loud 500.
pub(crate) async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

pub(crate) fn options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

pub(crate) fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .http_options(options())
        .build()
        .unwrap()
}
