//! Helpers shared by the transport tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use keyward_http::{ClientIdentity, HttpClient, HttpOptions, Request, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub(crate) const CANARY: &str = "canary-9d2f-SECRET-TOKEN";

pub(crate) fn identity() -> ClientIdentity {
    ClientIdentity {
        provider: "test",
        crate_name: "keyward-http-test",
        crate_version: "9.9.9",
    }
}

/// Fast retries so tests spend milliseconds, not seconds, waiting.
pub(crate) fn fast_options() -> HttpOptions {
    HttpOptions::new()
        .attempt_timeout(Duration::from_millis(500))
        .deadline(Duration::from_secs(10))
        .retry(RetryPolicy::retries(2).backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

pub(crate) fn client(server: &MockServer, options: HttpOptions) -> HttpClient {
    HttpClient::new(identity(), &server.uri(), options).unwrap()
}

pub(crate) fn get() -> Request {
    Request::get("read thing", ["things", "1"]).unwrap()
}

pub(crate) fn post() -> Request {
    Request::post("activate", ["licenses", "activate"]).unwrap()
}

/// Every `verb` request gets `reply`, and exactly `times` such requests must arrive.
pub(crate) async fn answer(server: &MockServer, verb: &str, reply: ResponseTemplate, times: u64) {
    Mock::given(method(verb))
        .respond_with(reply)
        .expect(times)
        .mount(server)
        .await;
}

/// The first `times` `verb` requests get `first`, then exactly one more gets `then`.
pub(crate) async fn answer_then(
    server: &MockServer,
    verb: &str,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(method(verb))
        .respond_with(first)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
    answer(server, verb, then, 1).await;
}
