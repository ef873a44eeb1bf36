//! An explicit proxy set through `HttpOptions`: requests go through it, its credentials reach it
//! and nothing else, and a bad proxy is refused when the client is built. (The environment's
//! proxy is tested in `system_proxy.rs`, a binary of its own.)
#![allow(clippy::unwrap_used)]

use crate::common;

use keyward_http::{HttpClient, HttpOptions, Proxy};
use keyward_test_support::forward_proxy;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{CANARY, fast_options, get, identity};

/// A provider stand-in that answers `{"via":"provider"}` to every request.
async fn provider() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"via": "provider"})))
        .mount(&server)
        .await;
    server
}

async fn via(options: HttpOptions, server: &MockServer) -> Value {
    let http = HttpClient::new(identity(), &server.uri(), options).unwrap();
    http.send_json(get()).await.unwrap()
}

#[tokio::test]
async fn requests_go_through_an_explicit_proxy() {
    let server = provider().await;
    let proxy = forward_proxy().await.unwrap();

    let body = via(fast_options().proxy(proxy.url()), &server).await;
    assert_eq!(body, json!({"via": "proxy"}));
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    // A forward proxy is asked for the absolute URL of the provider.
    let expected = format!("GET {}/things/1 HTTP/1.1\r\n", server.uri());
    assert!(heads[0].starts_with(&expected), "{}", heads[0]);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn with_the_system_proxy_off_requests_go_straight_to_the_provider() {
    let server = provider().await;
    let body = via(fast_options().system_proxy(false), &server).await;
    assert_eq!(body, json!({"via": "provider"}));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(fast_options().system_proxy(false).proxy, Proxy::Direct);
    assert_eq!(
        fast_options().system_proxy(false).system_proxy(true).proxy,
        Proxy::System
    );
}

#[tokio::test]
async fn the_proxy_credentials_reach_the_proxy_and_nothing_else() {
    let server = provider().await;
    let proxy = forward_proxy().await.unwrap();
    let with_credentials = proxy
        .url()
        .replace("http://", &format!("http://alice:{CANARY}@"));
    let options = fast_options().proxy(with_credentials);
    assert!(!format!("{options:?}").contains(CANARY));
    let http = HttpClient::new(identity(), &server.uri(), options).unwrap();
    assert!(!format!("{http:?}").contains(CANARY));
    let body: Value = http.send_json(get()).await.unwrap();
    assert_eq!(body, json!({"via": "proxy"}));
    let head = proxy.heads().remove(0).to_ascii_lowercase();
    assert!(head.contains("proxy-authorization: basic "), "{head}");
}

#[test]
fn a_bad_proxy_is_a_config_error_at_build_time_and_never_quoted() {
    let build =
        |options: HttpOptions| HttpClient::new(identity(), "https://api.example.com", options);
    for bad in [
        format!("socks5://alice:{CANARY}@127.0.0.1:1080"),
        format!("{CANARY} is no URL"),
        "http://".to_owned(),
    ] {
        let err = build(HttpOptions::new().proxy(bad.as_str())).unwrap_err();
        assert!(err.is_config(), "{bad}: {err:?}");
        assert!(!format!("{err} {err:?}").contains(CANARY), "{err:?}");
    }
    assert!(build(HttpOptions::new().proxy("http://127.0.0.1:3128")).is_ok());
}

#[test]
fn a_proxy_cannot_be_set_on_an_injected_client() {
    let injected = reqwest::Client::new();
    let build =
        |options: HttpOptions| HttpClient::new(identity(), "https://api.example.com", options);
    let options = HttpOptions::new()
        .client(injected.clone())
        .proxy("http://127.0.0.1:3128");
    let err = build(options).unwrap_err();
    assert!(
        err.is_config() && err.to_string().contains("injected"),
        "{err}"
    );
    let off = HttpOptions::new()
        .client(injected.clone())
        .system_proxy(false);
    assert!(build(off).unwrap_err().is_config());
    assert!(build(HttpOptions::new().client(injected)).is_ok());
}
