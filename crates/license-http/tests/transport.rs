//! Every transport rule, against a local wiremock server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use license_core::ApiKey;
use license_http::{ClientIdentity, HttpClient, HttpOptions, Idempotency, Request, RetryPolicy};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "canary-9d2f-SECRET-TOKEN";

fn identity() -> ClientIdentity {
    ClientIdentity {
        provider: "test",
        crate_name: "license-http-test",
        crate_version: "9.9.9",
    }
}

/// Fast retries so tests spend milliseconds, not seconds, waiting.
fn fast_options() -> HttpOptions {
    HttpOptions::new()
        .attempt_timeout(Duration::from_millis(500))
        .deadline(Duration::from_secs(10))
        .retry(RetryPolicy::retries(2).backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

fn client(server: &MockServer, options: HttpOptions) -> HttpClient {
    HttpClient::new(identity(), &server.uri(), options).unwrap()
}

fn get() -> Request {
    Request::get("read thing", ["things", "1"]).unwrap()
}

fn post() -> Request {
    Request::post("activate", ["licenses", "activate"]).unwrap()
}

#[tokio::test]
async fn sends_path_query_headers_user_agent_and_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/things/a%2Fb"))
        .and(query_param("page_size", "10"))
        .and(header("authorization", format!("Bearer {CANARY}").as_str()))
        .and(header("user-agent", "license-http-test/9.9.9"))
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
async fn idempotent_requests_retry_5xx_then_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server, fast_options()).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 3);
}

#[tokio::test]
async fn idempotent_retries_stop_after_the_policy_allows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string(r#"{"message":"down"}"#))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server, fast_options())
        .send_json::<serde_json::Value>(get())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.attempts(), 3);
    assert!(!err.may_have_been_applied(), "a GET is never 'applied'");
}

#[tokio::test]
async fn idempotent_requests_retry_408_and_429_but_not_4xx() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(408))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/limited"))
        .respond_with(ResponseTemplate::new(429))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/missing"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let http = client(&server, fast_options());
    let e = http
        .send_empty(Request::get("x", ["slow"]).unwrap())
        .await
        .unwrap_err();
    assert!(e.is_timeout());
    let e = http
        .send_empty(Request::get("x", ["limited"]).unwrap())
        .await
        .unwrap_err();
    assert!(e.is_rate_limited());
    assert_eq!(e.retry_after(), None);
    let e = http
        .send_empty(Request::get("x", ["missing"]).unwrap())
        .await
        .unwrap_err();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn non_idempotent_request_is_not_retried_on_5xx_and_may_have_been_applied() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, fast_options())
        .send_empty(post())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.may_have_been_applied());
}

#[tokio::test]
async fn an_activation_that_times_out_is_not_sent_twice() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_millis(1500)))
        .expect(1)
        .mount(&server)
        .await;
    let options = fast_options().attempt_timeout(Duration::from_millis(200));
    let err = client(&server, options)
        .send_empty(post())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(err.may_have_been_applied());
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn an_idempotent_request_that_times_out_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(1500)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let options = fast_options().attempt_timeout(Duration::from_millis(200));
    let response = client(&server, options).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn non_idempotent_429_with_retry_after_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after-ms", "20"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server, fast_options()).send(post()).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn non_idempotent_503_with_retry_after_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server, fast_options()).send(post()).await.unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn non_idempotent_429_without_retry_after_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, fast_options())
        .send_empty(post())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), None);
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_is_reported_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    // The wait is capped at 30 s, which is still past this 2 s deadline: give up at once.
    let options = fast_options().deadline(Duration::from_secs(2));
    let err = client(&server, options)
        .send_empty(get())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn retry_after_is_capped_by_the_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // An hour is asked for; the policy's cap (10 ms here) is what is waited.
    let options = fast_options().retry(
        RetryPolicy::retries(1)
            .backoff(Duration::from_millis(5), Duration::from_millis(5))
            .max_retry_after(Duration::from_millis(10)),
    );
    let response = client(&server, options).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn connection_refused_is_a_network_error_never_applied_and_retried() {
    // Bind then drop a listener: its port now refuses connections.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let http = HttpClient::new(
        identity(),
        &format!("http://127.0.0.1:{port}"),
        fast_options(),
    )
    .unwrap();
    let err = http.send_empty(post()).await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
    assert!(!err.may_have_been_applied());
    assert_eq!(
        err.attempts(),
        3,
        "a request that never left is retried even when non-idempotent"
    );
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
async fn the_overall_deadline_ends_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let options = HttpOptions::new()
        .attempt_timeout(Duration::from_millis(300))
        .deadline(Duration::from_millis(500))
        .retry(
            RetryPolicy::retries(10).backoff(Duration::from_millis(1), Duration::from_millis(1)),
        );
    let err = client(&server, options).send(get()).await.unwrap_err();
    assert!(err.is_timeout());
    assert!(err.attempts() <= 2, "attempts: {}", err.attempts());
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
        .and(header("user-agent", "license-http-test/9.9.9"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let injected = reqwest::Client::builder().build().unwrap();
    let http = client(&server, fast_options().client(injected));
    http.send_empty(get()).await.unwrap();
}
