//! Shared helpers of the integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use keyward_devpayr::Client;
use keyward_http::{HttpOptions, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A fixture body from `fixtures/devpayr/`.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/devpayr/",
            $name
        ))
    };
}

/// A global API key in DevPayr's observed format; also a canary for leak checks.
pub const API_KEY: &str = "gk_1_1764854584_8df72c5f159622ddf04c8a7e0590fb79";
/// A license key (UUIDv7, as DevPayr issues them).
pub const LICENSE_KEY: &str = "019ae9f4-18b2-706b-b728-3f77c6bd9217";

/// A mock server with a loud catch-all for anything unexpected.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

/// Options without retries (so a 429 or 5xx comes straight back).
pub fn no_retries() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

/// A client with the API key, pointed at `server` under `/api/v1/`.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v1/", server.uri()))
        .api_key(API_KEY)
        .http_options(no_retries())
        .build()
        .unwrap()
}

/// A client without an API key (runtime checks only).
pub fn license_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .http_options(no_retries())
        .build()
        .unwrap()
}

/// A JSON response with a fixture body.
pub fn respond(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// Matches requests that carry no header of this name.
pub fn no_header(name: &'static str) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    move |request: &Request| !request.headers.contains_key(name)
}
