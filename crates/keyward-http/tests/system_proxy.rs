//! The environment's proxy (`HTTP_PROXY`) is followed by default and ignored with
//! `.system_proxy(false)`.
//!
//! The environment is process-wide, so the variables are never set in this process: the one test
//! runs itself again as a child process with `HTTP_PROXY` pointing at a loopback stand-in, and
//! the child makes the requests.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use keyward_http::HttpClient;
use keyward_test_support::forward_proxy;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{fast_options, get, identity};

/// Set in the child: the provider stand-in's URL.
const CHILD: &str = "KEYWARD_TEST_SYSTEM_PROXY_PROVIDER";
const TEST_NAME: &str = "the_environment_proxy_is_followed_unless_switched_off";

/// Every variable that could steer the child's proxy, cleared before `HTTP_PROXY` is set.
const PROXY_VARIABLES: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_proxy_is_followed_unless_switched_off() {
    if let Ok(provider) = std::env::var(CHILD) {
        return in_the_child(&provider).await;
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"via": "provider"})))
        .mount(&server)
        .await;
    let proxy = forward_proxy().await.unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"]);
    for variable in PROXY_VARIABLES {
        child.env_remove(variable);
    }
    child
        .env("HTTP_PROXY", proxy.url())
        .env("http_proxy", proxy.url())
        .env(CHILD, server.uri());
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .unwrap()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the child failed:\n{report}");
    // The child ran this test (and not zero tests, which would also succeed).
    assert!(report.contains("1 passed"), "{report}");

    // One request through the proxy (the default), one straight to the provider (switched off).
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let expected = format!("GET {}/things/1 HTTP/1.1\r\n", server.uri());
    assert!(heads[0].starts_with(&expected), "{}", heads[0]);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// In the child, `HTTP_PROXY` points at the stand-in proxy.
async fn in_the_child(provider: &str) {
    let answer = |options| async move {
        let http = HttpClient::new(identity(), provider, options).unwrap();
        http.send_json::<Value>(get()).await.unwrap()
    };
    assert_eq!(answer(fast_options()).await, json!({"via": "proxy"}));
    assert_eq!(
        answer(fast_options().system_proxy(false)).await,
        json!({"via": "provider"})
    );
}
