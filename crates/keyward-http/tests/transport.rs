//! Requests, bodies, caps, errors, configuration and secrets, against a local wiremock server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{CANARY, client, fast_options, get, identity, post};
use keyward_core::ApiKey;
use keyward_http::{HttpClient, HttpOptions, Idempotency, Request};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_path_query_headers_user_agent_and_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/things/a%2Fb"))
        .and(query_param("page_size", "10"))
        .and(header("authorization", format!("Bearer {CANARY}").as_str()))
        .and(header("user-agent", "keyward-http-test/9.9.9"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#))
        .expect(1)
        .mount(&server)
        .await;
    let http =
        HttpClient::new(identity(), &format!("{}/v1/", server.uri()), fast_options()).unwrap();
    let key = ApiKey::new(CANARY).unwrap();
    let request = Request::get("read", ["things", "a/b"])
        .unwrap()
        .query("page_size", "10")
        .bearer(&key)
        .accept("application/json")
        .unwrap();
    let value: serde_json::Value = http.send_json(request).await.unwrap();
    assert_eq!(value["ok"], true);
}

#[tokio::test]
async fn header_names_in_any_case_are_sent_and_bad_ones_are_input_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-license-key", "LICENSE-KEY-1234"))
        .and(header("x-api-key", CANARY))
        .and(header("x-devpayr-domain", "app.example.com"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let http = client(&server, fast_options());
    let key = ApiKey::new(CANARY).unwrap();
    let license = keyward_core::SecretLicenseKey::new("LICENSE-KEY-1234");
    let request = get()
        .license_key_header("X-LICENSE-KEY", &license)
        .unwrap()
        .api_key_header("X-API-KEY", &key)
        .header("X-Devpayr-Domain", "app.example.com")
        .unwrap();
    http.send_empty(request).await.unwrap();

    assert!(
        get()
            .header("bad name", "v")
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        get()
            .license_key_header("bad name", &license)
            .unwrap_err()
            .is_invalid_input()
    );
    // Nothing is sent for a request whose API-key header name is invalid.
    let err = http
        .send(get().api_key_header("bad name", &key))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input() && err.attempts() == 0, "{err}");
    assert!(!format!("{err:?}").contains(CANARY));
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_an_input_error_never_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let request = post()
        .json_as("application/json\nx-injected: 1", &serde_json::json!({}))
        .unwrap();
    let err = client(&server, fast_options())
        .send(request)
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert!(!err.may_have_been_applied(), "{err}");
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn form_and_json_bodies_carry_their_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("license_key=abc+def&instance_name=my%26box"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("content-type", "application/vnd.api+json"))
        .and(body_string(r#"{"a":1}"#))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let http = client(&server, fast_options());
    let form = post()
        .form(&[("license_key", "abc def"), ("instance_name", "my&box")])
        .unwrap();
    http.send_empty(form).await.unwrap();
    let json = Request::patch("update", ["x"])
        .unwrap()
        .json_as("application/vnd.api+json", &serde_json::json!({"a": 1}))
        .unwrap();
    http.send_empty(json).await.unwrap();
}

#[tokio::test]
async fn body_cap_is_enforced() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2048)))
        .expect(1)
        .mount(&server)
        .await;
    let options = fast_options().max_body_bytes(1024);
    let err = client(&server, options).send(get()).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert!(err.to_string().contains("1024-byte cap"), "{err}");
}

#[tokio::test]
async fn default_body_cap_is_four_mebibytes() {
    assert_eq!(HttpOptions::new().max_body_bytes, 4 * 1024 * 1024);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 4 * 1024 * 1024 + 1]))
        .mount(&server)
        .await;
    let err = client(&server, fast_options())
        .send(get())
        .await
        .unwrap_err();
    assert!(err.is_decode());
}

#[tokio::test]
async fn html_and_empty_bodies_are_clear_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/html"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>Bad gateway</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let http = client(&server, fast_options());
    let err = http
        .send_json::<serde_json::Value>(Request::get("x", ["html"]).unwrap())
        .await
        .unwrap_err();
    assert!(err.is_decode() && err.to_string().contains("HTML"), "{err}");
    let err = http
        .send_json::<serde_json::Value>(Request::get("x", ["empty"]).unwrap())
        .await
        .unwrap_err();
    assert!(
        err.is_decode() && err.to_string().contains("empty"),
        "{err}"
    );
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        items: Vec<Item>,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"items":[{"count":1},{"count":-4}]}"#),
        )
        .mount(&server)
        .await;
    let err = client(&server, fast_options())
        .send_json::<Thing>(get())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`items[1].count`"), "{err}");
}

#[tokio::test]
async fn errors_keep_status_request_id_body_and_provider_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("x-request-id", "req_42")
                .set_body_string(r#"{"code":"INVALID","message":"bad limit"}"#),
        )
        .mount(&server)
        .await;
    let http = client(&server, fast_options()).with_error_parser(|body| {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        (
            v["code"].as_str().map(str::to_owned),
            v["message"].as_str().map(str::to_owned),
        )
    });
    let err = http.send_empty(get()).await.unwrap_err();
    let details = err.http().unwrap();
    assert_eq!(details.status, 422);
    assert_eq!(details.request_id.as_deref(), Some("req_42"));
    assert_eq!(details.provider_code.as_deref(), Some("INVALID"));
    assert!(details.body.as_deref().unwrap().contains("bad limit"));
    assert_eq!(
        err.to_string(),
        "test read thing: bad limit (HTTP 422, code INVALID, request id req_42)"
    );
}

#[tokio::test]
async fn idempotency_can_be_overridden_for_read_only_posts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(3)
        .mount(&server)
        .await;
    let request = Request::post("validate", ["validate"])
        .unwrap()
        .idempotency_override(Idempotency::Idempotent);
    let err = client(&server, fast_options())
        .send_empty(request)
        .await
        .unwrap_err();
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn a_canary_secret_never_appears_in_debug_display_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(format!(
            r#"{{"error":"key {CANARY} is bad","license_key":{{"key":"{CANARY}"}},"count":"{CANARY}"}}"#
        )))
        .mount(&server)
        .await;
    let http = client(&server, fast_options());
    let key = ApiKey::new(CANARY).unwrap();
    let request = post()
        .bearer(&key)
        .form(&[("license_key", CANARY)])
        .unwrap()
        .redact(CANARY)
        .secret_query("token", CANARY);
    assert!(!format!("{request:?}").contains(CANARY));
    assert!(!format!("{http:?}").contains(CANARY));
    let response = http.send(request.clone()).await.unwrap();
    assert!(!format!("{response:?}").contains(CANARY));
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        count: u32,
    }
    let decode = response.json::<Shape>().unwrap_err();
    let err = response.into_error();
    for text in [
        err.to_string(),
        format!("{err:?}"),
        decode.to_string(),
        format!("{decode:?}"),
    ] {
        assert!(!text.contains(CANARY), "leaked: {text}");
    }
    assert!(format!("{err:?}").contains("[redacted]"));
}

#[test]
fn bad_configuration_is_rejected_at_build_time() {
    let ok = || HttpOptions::new();
    let build = |url: &str, options: HttpOptions| HttpClient::new(identity(), url, options);
    assert!(build("https://api.example.com", ok()).is_ok());
    let err = build("http://api.example.com", ok()).unwrap_err();
    assert!(err.is_config());
    assert!(err.to_string().contains("https"), "{err}");
    assert!(build("http://api.example.com", ok().allow_insecure_http(true)).is_ok());
    for options in [
        ok().connect_timeout(Duration::ZERO),
        ok().attempt_timeout(Duration::ZERO),
        ok().deadline(Duration::ZERO),
        ok().max_body_bytes(0),
    ] {
        let err = build("https://api.example.com", options).unwrap_err();
        assert!(
            err.is_config() && err.to_string().contains("greater than zero"),
            "{err}"
        );
    }
    assert!(ApiKey::new("").unwrap_err().is_config());
    assert!(Request::get("x", ["licenses", ""]).unwrap_err().is_config());
    assert!(Request::get("x", [".."]).unwrap_err().is_config());
}

#[tokio::test]
async fn an_injected_client_is_used_and_still_sends_our_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("user-agent", "keyward-http-test/9.9.9"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let injected = reqwest::Client::builder().build().unwrap();
    let http = client(&server, fast_options().client(injected));
    http.send_empty(get()).await.unwrap();
}

#[test]
fn path_segments_are_encoded_whole_even_with_control_characters() {
    let http = keyward_http::HttpClient::new(
        keyward_http::ClientIdentity {
            provider: "t",
            crate_name: "t",
            crate_version: "0",
        },
        "https://api.example.com/v1/",
        keyward_http::HttpOptions::new(),
    )
    .unwrap();
    let url = |segments: &[&str]| {
        http.url_for(
            &Request::get("x", segments.iter().copied())
                .unwrap()
                .query("page[size]", "2"),
        )
        .unwrap()
        .to_string()
    };
    assert_eq!(
        url(&["machines", "foo\n"]),
        "https://api.example.com/v1/machines/foo%0A?page%5Bsize%5D=2"
    );
    assert_eq!(
        url(&["a b", "x/y", "%2e", "q?#", "k:1@$"]),
        "https://api.example.com/v1/a%20b/x%2Fy/%252e/q%3F%23/k:1@$?page%5Bsize%5D=2"
    );
}

/// Every call's future holds the transport as one pointer: behind a `dyn` provider the boxed
/// future of a call then stays within the allocator's per-thread cache (see `HttpClient::send`).
#[test]
fn a_call_holds_the_transport_as_one_pointer() {
    let client = HttpClient::new(identity(), "http://127.0.0.1:9", HttpOptions::default()).unwrap();
    let request = Request::post("op", ["a", "b"])
        .unwrap()
        .json(&serde_json::json!({"k": 1}))
        .unwrap();
    let sending = client.send(request);
    assert!(std::mem::size_of_val(&sending) <= 16);
}
