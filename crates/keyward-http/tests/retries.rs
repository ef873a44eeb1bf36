//! Retry rules: what is retried, how often, how long it waits, and what never is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::{answer, answer_then, client, fast_options, get, identity, post};
use keyward_http::{HttpClient, HttpOptions, Request, RetryPolicy};
use keyward_test_support::refused_url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn idempotent_requests_retry_5xx_then_succeed() {
    let server = MockServer::start().await;
    answer_then(
        &server,
        "GET",
        ResponseTemplate::new(502),
        2,
        ResponseTemplate::new(200).set_body_string("{}"),
    )
    .await;
    let response = client(&server, fast_options()).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 3);
}

#[tokio::test]
async fn idempotent_retries_stop_after_the_policy_allows() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        ResponseTemplate::new(503).set_body_string(r#"{"message":"down"}"#),
        3,
    )
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
    answer(&server, "POST", ResponseTemplate::new(500), 1).await;
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
    answer(
        &server,
        "POST",
        ResponseTemplate::new(201).set_delay(Duration::from_millis(1500)),
        1,
    )
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
    answer_then(
        &server,
        "GET",
        ResponseTemplate::new(200).set_delay(Duration::from_millis(1500)),
        1,
        ResponseTemplate::new(200).set_body_string("{}"),
    )
    .await;
    let options = fast_options().attempt_timeout(Duration::from_millis(200));
    let response = client(&server, options).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn non_idempotent_429_with_retry_after_is_retried() {
    let server = MockServer::start().await;
    answer_then(
        &server,
        "POST",
        ResponseTemplate::new(429).insert_header("retry-after-ms", "20"),
        1,
        ResponseTemplate::new(201).set_body_string("{}"),
    )
    .await;
    let response = client(&server, fast_options()).send(post()).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.attempts(), 2);
}

#[tokio::test]
async fn non_idempotent_503_with_retry_after_is_retried() {
    let server = MockServer::start().await;
    answer_then(
        &server,
        "POST",
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        1,
        ResponseTemplate::new(201),
    )
    .await;
    let response = client(&server, fast_options()).send(post()).await.unwrap();
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn non_idempotent_429_without_retry_after_is_not_retried() {
    let server = MockServer::start().await;
    answer(&server, "POST", ResponseTemplate::new(429), 1).await;
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
    answer(
        &server,
        "GET",
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        1,
    )
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
async fn retry_after_within_the_policy_is_waited_then_retried() {
    let server = MockServer::start().await;
    answer_then(
        &server,
        "GET",
        ResponseTemplate::new(503).insert_header("retry-after-ms", "10"),
        1,
        ResponseTemplate::new(200),
    )
    .await;
    let options = fast_options().retry(
        RetryPolicy::retries(1)
            .backoff(Duration::from_millis(5), Duration::from_millis(5))
            .max_retry_after(Duration::from_millis(50)),
    );
    let response = client(&server, options).send(get()).await.unwrap();
    assert_eq!(response.status(), 200);
}

/// An absurd `Retry-After` (99,999,999 s) with the default options: no call waits the cap, the
/// answer comes back at once as rate limited with the provider's delay, and an activation is
/// never sent twice.
#[tokio::test]
async fn retry_after_beyond_the_policy_returns_at_once_as_rate_limited() {
    for (verb, request) in [("GET", get()), ("POST", post())] {
        let server = MockServer::start().await;
        answer(
            &server,
            verb,
            ResponseTemplate::new(429).insert_header("retry-after", "99999999"),
            1,
        )
        .await;
        let started = std::time::Instant::now();
        let err = client(&server, HttpOptions::new())
            .send_empty(request)
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{verb} waited");
        assert!(err.is_rate_limited(), "{verb}: {err}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(99_999_999)));
        assert_eq!(err.attempts(), 1, "{verb}");
        assert!(!err.may_have_been_applied(), "{verb}");
    }
}

#[tokio::test]
async fn a_hostile_retry_after_is_ignored_never_a_panic() {
    let server = MockServer::start().await;
    let hostile = ResponseTemplate::new(429)
        .insert_header("retry-after", "1e300")
        .insert_header("retry-after-ms", "99999999999999999999999");
    answer(&server, "GET", hostile, 3).await;
    // Unreadable delays fall back to the backoff; an unbounded cap never overflows the deadline
    // arithmetic.
    let options = fast_options().retry(
        RetryPolicy::retries(2)
            .backoff(Duration::from_millis(5), Duration::from_millis(5))
            .max_retry_after(Duration::MAX),
    );
    let err = client(&server, options)
        .send_empty(get())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(err.retry_after(), None);
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn connection_refused_is_a_network_error_never_applied_and_retried() {
    let refused = refused_url().unwrap();
    let http = HttpClient::new(identity(), &refused, fast_options()).unwrap();
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
