//! Shared helpers of the polar integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use keyward_http::{HttpOptions, RetryPolicy};
use keyward_polar::Client;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The access token the tests configure; a canary that must never show up in errors.
pub const TOKEN: &str = "polar_oat_canary_TOKEN_9c1d";
/// The organization of the fixtures.
pub const ORG: &str = "fda84e25-7b55-4d67-916d-60ead04ff61f";
/// The key of the fixtures.
pub const KEY: &str = "1C285B2D-6CE6-4BC7-B8BE-ADB6A7E304DA";
/// The key id of the fixtures.
pub const KEY_ID: &str = "508176f7-065a-4b5d-b524-4e9c8a11ed63";
/// The activation id of the fixtures.
pub const ACTIVATION_ID: &str = "b6724bc8-7ad9-4ca0-b143-7c896fcbb6fe";

/// A fixture from `fixtures/polar/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/polar/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A JSON response with a fixture body.
pub fn respond(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name).into_bytes(), "application/json")
}

/// A server with a loud catch-all: anything unexpected answers 599 (lowest priority).
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

/// A client for `server` with the test token and no retries.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .organization_id(ORG)
        .base_url(server.uri())
        .api_key(TOKEN)
        .http_options(HttpOptions::new().retry(RetryPolicy::none()))
        .build()
        .unwrap()
}

/// A client for `server` without a token (what an app holds) and two fast retries.
pub fn public_client(server: &MockServer) -> Client {
    let retry = RetryPolicy::retries(2)
        .backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .jitter(false);
    Client::builder()
        .organization_id(ORG)
        .base_url(server.uri())
        .http_options(HttpOptions::new().retry(retry))
        .build()
        .unwrap()
}
