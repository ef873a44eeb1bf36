//! Shared test helpers: a signing key, a wiremock responder that signs as Keygen does, and a
//! catch-all that answers anything unexpected with a loud 500.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use keyward_keygen::signatures::{SignedRequest, sign};
use keyward_keygen::{Client, ClientBuilder, SigningKey};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

pub const ACCOUNT: &str = "1fddcec8-8dd3-4d8d-9b16-215cac0f9b52";

pub fn signer() -> Arc<SigningKey> {
    Arc::new(SigningKey::from_seed(&[42; 32]).unwrap())
}

/// Answers `status` with `body`, signed over the request it answers (or over `signed_as` when
/// set, to play a replay of another request's answer), dated `date`.
#[derive(Clone)]
pub struct Signed {
    pub key: Arc<SigningKey>,
    pub status: u16,
    pub body: String,
    pub date: DateTime<Utc>,
    pub signed_as: Option<SignedRequest>,
    pub tamper_body: Option<String>,
    pub omit_signature: bool,
}

impl Signed {
    pub fn new(key: &Arc<SigningKey>, status: u16, body: &str) -> Self {
        Self {
            key: key.clone(),
            status,
            body: body.to_owned(),
            date: Utc::now(),
            signed_as: None,
            tamper_body: None,
            omit_signature: false,
        }
    }
}

impl Respond for Signed {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        // wiremock's URL names `localhost`: the host is read from the Host header, without its
        // port, as Rails' `request.host` does.
        let host = request
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                h.rsplit_once(':')
                    .map(|(host, _)| host.to_owned())
                    .or(Some(h.to_owned()))
            })
            .unwrap_or_default();
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let signed = self
            .signed_as
            .clone()
            .unwrap_or_else(|| SignedRequest::new(request.method.as_str(), &target, &host));
        let parts = sign(&self.key, ACCOUNT, &signed, self.date, self.body.as_bytes());
        let body = self
            .tamper_body
            .clone()
            .unwrap_or_else(|| self.body.clone());
        let mut template = ResponseTemplate::new(self.status)
            .insert_header("content-type", "application/vnd.api+json")
            .insert_header("date", parts.date.as_str())
            .insert_header("keygen-date", parts.date.as_str())
            .insert_header("digest", parts.digest.as_str())
            .insert_header("keygen-digest", parts.digest.as_str())
            .set_body_string(body);
        if !self.omit_signature {
            template = template.insert_header("keygen-signature", parts.signature.as_str());
        }
        template
    }
}

pub async fn server() -> MockServer {
    MockServer::start().await
}

/// Mounts the loud catch-all last (lowest priority).
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// A self-hosted client on the mock (no account path).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.uri())
}

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/keygen/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
