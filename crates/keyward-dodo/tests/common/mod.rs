//! Shared helpers of the dodo integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::BTreeSet;

use keyward_dodo::Client;
use keyward_http::{HttpOptions, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// The bearer token the tests configure; a canary that must never show up in errors.
pub const TOKEN: &str = "sk_test_canary_TOKEN_9c1d";

/// A fixture from `fixtures/dodo/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/dodo/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A fixture parsed as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A JSON response with a fixture body.
pub fn respond(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name).into_bytes(), "application/json")
}

/// A server with a loud catch-all: anything unexpected answers 500 (lowest priority).
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
        .base_url(server.uri())
        .api_key(TOKEN)
        .http_options(HttpOptions::new().retry(RetryPolicy::none()))
        .build()
        .unwrap()
}

/// A client for `server` with the test token and two fast retries (no jitter).
pub fn retrying_client(server: &MockServer) -> Client {
    let retry = RetryPolicy::retries(2)
        .backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .jitter(false);
    Client::builder()
        .base_url(server.uri())
        .api_key(TOKEN)
        .http_options(HttpOptions::new().retry(retry))
        .build()
        .unwrap()
}

/// Matches requests without an `Authorization` header.
pub struct NoAuthorization;

impl Match for NoAuthorization {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key("authorization")
    }
}

/// Matches requests whose query is exactly these pairs (in any order).
pub struct ExactQuery(pub Vec<(&'static str, String)>);

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        let got: BTreeSet<(String, String)> = request.url.query_pairs().into_owned().collect();
        let want: BTreeSet<(String, String)> = self
            .0
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        got == want
    }
}

/// Matches requests with no query at all.
pub struct NoQuery;

impl Match for NoQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query().is_none()
    }
}
