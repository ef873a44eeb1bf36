//! A decode snippet is redacted before it is cut, at every offset of the secret. (Request ids,
//! bodies and everything else shown are the canary suite's: `crates/keyward/tests/canary.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{CANARY, client, fast_options, post};
use keyward_core::ApiKey;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every 8-character piece of `secret`.
fn pieces(secret: &str) -> Vec<&str> {
    (0..=secret.len() - 8).map(|i| &secret[i..i + 8]).collect()
}

#[tokio::test]
async fn a_secret_crossing_the_edge_of_a_decode_snippet_never_shows() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Created {
        count: u32,
    }
    let key = ApiKey::new(CANARY).unwrap();
    for pad in 0..50 {
        let server = MockServer::start().await;
        let body = format!(r#"{{"count":"x","echo":"{}{CANARY}"}}"#, "n".repeat(pad));
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_string(body))
            .mount(&server)
            .await;
        let err = client(&server, fast_options())
            .send_json::<Created>(post().bearer(&key))
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        for piece in pieces(CANARY) {
            assert!(!shown.contains(piece), "pad {pad}: {piece} in {shown}");
        }
    }
}
