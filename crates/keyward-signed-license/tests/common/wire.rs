//! Wiremock helpers for the client tests.

use std::collections::HashMap;
use std::sync::Arc;

use keyward_core::{ApiKey, FixedClock, LicenseError, SecretLicenseKey};
use keyward_http::{HttpOptions, RetryPolicy};
use keyward_signed_license::models::{Answer, Reply};
use keyward_signed_license::{Client, KeySet, ResponseCode};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{at, served, served_keys};

pub const API_KEY: &str = "api-canary-5d1f0e7a";

pub fn client(server: &MockServer, keys: KeySet, ts: i64) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key(ApiKey::new(API_KEY).unwrap())
        .keys(keys)
        .product_id(1)
        .clock(Arc::new(FixedClock::new(at(ts + 5))))
        .http_options(HttpOptions::new().retry(RetryPolicy::none()))
        .build()
        .unwrap()
}

/// Serves `file` once at `verb /api/v1/<endpoint>`, checking the credentials are sent.
pub async fn serve(file: &str, verb: &str, endpoint: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let (body, ts, status) = served(file);
    Mock::given(method(verb))
        .and(path(format!("/api/v1/{endpoint}")))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, served_keys(), ts);
    (server, client)
}

/// The form (POST) or query (GET) fields of the one request received.
pub async fn sent(server: &MockServer) -> HashMap<String, String> {
    let requests: Vec<Request> = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    let fields: HashMap<String, String> = if r.method.as_str() == "GET" {
        r.url.query_pairs().into_owned().collect()
    } else {
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/x-www-form-urlencoded"
        );
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&r.body)
            .unwrap()
            .into_iter()
            .collect()
    };
    assert_eq!(fields["api_key"], API_KEY);
    fields
}

pub fn lk(s: &str) -> SecretLicenseKey {
    SecretLicenseKey::new(s)
}

pub fn refused<T: std::fmt::Debug>(reply: &Reply<T>) -> ResponseCode {
    match reply.answer() {
        Answer::Refused(r) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn no_secret(e: &LicenseError, secrets: &[&str]) {
    let shown = format!("{e} {e:?}");
    for s in secrets {
        assert!(!shown.contains(s), "secret leaked: {shown}");
    }
}
