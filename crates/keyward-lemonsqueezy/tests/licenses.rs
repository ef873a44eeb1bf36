//! The License API against wiremock: form bodies, no Authorization, every documented answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::HashMap;

use common::{API_KEY, client, options, plain};
use keyward_lemonsqueezy::models::{KeyStatus, LicenseVerb};
use keyward_lemonsqueezy::{Client, InstanceId, Refusal, SecretLicenseKey};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "38b1460a-5104-4067-a91d-77b872934d51";
const INSTANCE: &str = "47596ad9-a811-4ebf-ac8a-03fc7b6d2a17";

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

async fn mount(server: &MockServer, verb: &str, status: u16, fixture: &str) {
    Mock::given(method("POST"))
        .and(path(format!("/v1/licenses/{verb}")))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(plain(status, fixture))
        .expect(1)
        .mount(server)
        .await;
}

/// The one request received: its form fields, and that it carried no Authorization header.
async fn only_form(server: &MockServer) -> HashMap<String, String> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert!(
        request.headers.get("authorization").is_none(),
        "the License API must not get the API key"
    );
    assert!(
        request.url.query().is_none(),
        "parameters go in the body, not the query"
    );
    serde_urlencoded::from_bytes(&request.body).unwrap()
}

#[tokio::test]
async fn activate_posts_the_form_and_reads_the_instance() {
    let server = common::server().await;
    mount(&server, "activate", 200, "licenses.activate.200.json").await;
    let answer = client(&server)
        .licenses()
        .activate(&key(), "Test")
        .await
        .unwrap();
    let form = only_form(&server).await;
    assert_eq!(form.get("license_key").map(String::as_str), Some(KEY));
    assert_eq!(form.get("instance_name").map(String::as_str), Some("Test"));
    assert_eq!(form.len(), 2);
    assert!(answer.is_accepted());
    assert_eq!(answer.verb, LicenseVerb::Activate);
    assert_eq!(answer.instance_id(), Some(&InstanceId::new(INSTANCE)));
    let lk = answer.license_key.as_ref().unwrap();
    assert_eq!(
        (lk.id.get(), lk.activation_limit, lk.activation_usage),
        (1, Some(3), 1)
    );
    assert!(!lk.test_mode);
    let meta = answer.meta.as_ref().unwrap();
    assert_eq!(meta.store_id.map(|s| s.get()), Some(1));
    assert_eq!(meta.variant_id.map(|s| s.get()), Some(5));
    assert!(!format!("{answer:?}").contains(KEY), "Debug shows the key");
}

#[tokio::test]
async fn activate_unlimited_key_in_test_mode() {
    let server = common::server().await;
    mount(
        &server,
        "activate",
        200,
        "licenses.activate.200.unlimited.json",
    )
    .await;
    let answer = client(&server)
        .licenses()
        .activate(&key(), "Test")
        .await
        .unwrap();
    let lk = answer.license_key.unwrap();
    assert_eq!(lk.activation_limit, None);
    assert!(lk.test_mode);
    assert!(lk.expires_at.is_some());
}

#[tokio::test]
async fn activate_refusals_are_answers() {
    for (status, fixture, expected) in [
        (
            400,
            "licenses.activate.400.json",
            Refusal::ActivationLimitReached,
        ),
        (
            400,
            "licenses.activate.400.disabled.json",
            Refusal::Disabled,
        ),
        (404, "licenses.activate.404.json", Refusal::NotFound),
    ] {
        let server = common::server().await;
        mount(&server, "activate", status, fixture).await;
        let answer = client(&server)
            .licenses()
            .activate(&key(), "Test")
            .await
            .unwrap();
        assert!(!answer.confirmed && !answer.is_accepted(), "{fixture}");
        assert_eq!(answer.http_status, status);
        assert_eq!(answer.refusal(), Some(&expected), "{fixture}");
        assert_eq!(answer.instance, None);
        if status == 404 {
            assert!(answer.license_key.is_none() && answer.meta.is_none());
            assert_eq!(answer.error.as_deref(), Some("license_key not found."));
        } else {
            assert!(answer.license_key.is_some() && answer.meta.is_some());
        }
    }
}

#[tokio::test]
async fn validation_errors_and_rate_limits_are_errors() {
    for (verb, fixture, field) in [
        ("activate", "licenses.activate.422.json", "instance_name"),
        ("validate", "licenses.validate.422.json", "license_key"),
        ("deactivate", "licenses.deactivate.422.json", "instance_id"),
    ] {
        let server = common::server().await;
        mount(&server, verb, 422, fixture).await;
        let c = client(&server);
        let instance = InstanceId::new(INSTANCE);
        let err = match verb {
            "activate" => c.licenses().activate(&key(), "x").await,
            "validate" => c.licenses().validate(&key(), None).await,
            _ => c.licenses().deactivate(&key(), &instance).await,
        }
        .unwrap_err();
        assert_eq!(err.status(), Some(422));
        assert_eq!(err.http().unwrap().provider_code.as_deref(), Some(field));
        let body = keyward_lemonsqueezy::error::license_api_error_body(&err).unwrap();
        assert!(body.errors.contains_key(field), "{fixture}");
        assert!(err.to_string().contains(&body.message));
        assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    }

    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(plain(429, "licenses.429.json").insert_header("retry-after", "17"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(17)));
    assert_eq!(
        keyward_lemonsqueezy::error::license_api_error_body(&err)
            .unwrap()
            .message,
        "Too Many Attempts."
    );
}

#[tokio::test]
async fn validate_with_and_without_instance() {
    let server = common::server().await;
    mount(&server, "validate", 200, "licenses.validate.200.json").await;
    let instance = InstanceId::new(INSTANCE);
    let answer = client(&server)
        .licenses()
        .validate(&key(), Some(&instance))
        .await
        .unwrap();
    let form = only_form(&server).await;
    assert_eq!(form.get("instance_id").map(String::as_str), Some(INSTANCE));
    assert_eq!(form.get("license_key").map(String::as_str), Some(KEY));
    assert!(answer.is_accepted());
    assert_eq!(answer.instance_id(), Some(&instance));

    let server = common::server().await;
    mount(
        &server,
        "validate",
        200,
        "licenses.validate.200.no_instance.json",
    )
    .await;
    let answer = client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    let form = only_form(&server).await;
    assert!(
        !form.contains_key("instance_id"),
        "no empty instance_id is sent"
    );
    assert!(answer.is_accepted());
    assert_eq!(answer.instance, None);
    assert_eq!(answer.license_key.unwrap().status, KeyStatus::Inactive);
}

#[tokio::test]
async fn validate_refusals() {
    let server = common::server().await;
    mount(&server, "validate", 400, "licenses.validate.400.json").await;
    let answer = client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert_eq!(answer.refusal(), Some(&Refusal::Disabled));
    assert_eq!(answer.license_key.unwrap().status, KeyStatus::Disabled);

    let server = common::server().await;
    mount(&server, "validate", 404, "licenses.validate.404.json").await;
    let answer = client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert_eq!(answer.refusal(), Some(&Refusal::NotFound));
}

#[tokio::test]
async fn deactivate_answers() {
    let instance = InstanceId::new(INSTANCE);
    let server = common::server().await;
    mount(&server, "deactivate", 200, "licenses.deactivate.200.json").await;
    let answer = client(&server)
        .licenses()
        .deactivate(&key(), &instance)
        .await
        .unwrap();
    let form = only_form(&server).await;
    assert_eq!(form.get("instance_id").map(String::as_str), Some(INSTANCE));
    assert!(answer.is_accepted());
    assert_eq!(answer.license_key.unwrap().activation_usage, 0);

    for (status, fixture, expected) in [
        (400, "licenses.deactivate.400.json", Refusal::Disabled),
        (404, "licenses.deactivate.404.json", Refusal::NotFound),
    ] {
        let server = common::server().await;
        mount(&server, "deactivate", status, fixture).await;
        let answer = client(&server)
            .licenses()
            .deactivate(&key(), &instance)
            .await
            .unwrap();
        assert_eq!(answer.refusal(), Some(&expected));
    }
}

fn bound(server: &MockServer, store: u64, product: u64, variant: Option<u64>) -> Client {
    let mut builder = Client::builder()
        .base_url(server.uri())
        .http_options(options())
        .expect_store(store)
        .expect_product(product);
    if let Some(v) = variant {
        builder = builder.expect_variant(v);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn product_binding_refuses_keys_of_other_products() {
    // The fixtures are for store 1, product 4, variant 5.
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(plain(200, "licenses.validate.200.json"))
        .expect(3)
        .mount(&server)
        .await;
    let ok = bound(&server, 1, 4, Some(5))
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert!(ok.is_accepted());

    let other = bound(&server, 1, 99, None)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert!(other.confirmed && !other.is_accepted() && other.is_product_mismatch());
    match other.refusal() {
        Some(Refusal::ProductMismatch(m)) => {
            assert_eq!((m.field, m.expected, m.actual), ("product_id", 99, Some(4)));
        }
        r => panic!("{r:?}"),
    }
    let store = bound(&server, 2, 4, None)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert!(matches!(store.refusal(), Some(Refusal::ProductMismatch(m)) if m.field == "store_id"));
}

#[tokio::test]
async fn product_mismatch_on_activate_keeps_the_instance_for_release() {
    let server = common::server().await;
    mount(&server, "activate", 200, "licenses.activate.200.json").await;
    let answer = bound(&server, 1, 4, Some(6))
        .licenses()
        .activate(&key(), "Test")
        .await
        .unwrap();
    assert!(answer.is_product_mismatch());
    assert_eq!(answer.instance_id(), Some(&InstanceId::new(INSTANCE)));
}

#[tokio::test]
async fn a_bad_gateway_page_is_an_error_not_a_verdict() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn empty_input_is_refused_before_sending() {
    let server = common::server().await;
    let c = client(&server);
    assert!(
        c.licenses()
            .activate(&SecretLicenseKey::new(" "), "x")
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        c.licenses()
            .activate(&key(), " ")
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        c.licenses()
            .deactivate(&key(), &InstanceId::new(""))
            .await
            .unwrap_err()
            .is_config()
    );
    let blank_instance = c
        .licenses()
        .validate(&key(), Some(&InstanceId::new(" ")))
        .await
        .unwrap_err();
    assert!(blank_instance.is_config(), "{blank_instance}");
    assert_eq!(blank_instance.operation(), Some("validate license"));
    assert!(server.received_requests().await.unwrap().is_empty());
    let _ = API_KEY;
}

#[tokio::test]
async fn license_api_ids_as_strings_and_null_usage_decode() {
    let server = common::server().await;
    let body = r#"{"valid":true,"error":null,"license_key":{"id":"1","status":"active","key":"k","activation_limit":"3","activation_usage":null,"created_at":"2024-01-24T14:15:07.000000Z","expires_at":null},"instance":null,"meta":{"store_id":"1","product_id":4,"variant_id":"5","extra":"ignored"}}"#;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&server)
        .await;
    let answer = bound(&server, 1, 4, Some(5))
        .licenses()
        .validate(&key(), None)
        .await
        .unwrap();
    assert!(answer.is_accepted());
    let lk = answer.license_key.unwrap();
    assert_eq!(
        (
            lk.id.get(),
            lk.activation_limit,
            lk.activation_usage,
            lk.test_mode
        ),
        (1, Some(3), 0, false)
    );
}

#[tokio::test]
async fn a_server_error_echoing_the_key_does_not_leak_it() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/activate"))
        .respond_with(
            ResponseTemplate::new(500).set_body_string(format!("boom: license {KEY} failed")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .licenses()
        .activate(&key(), "Test")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(
        err.may_have_been_applied(),
        "a 500 on activate may have used a slot"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
}

fn retrying(server: &MockServer) -> Client {
    let retry = keyward_http::RetryPolicy::retries(2).backoff(
        std::time::Duration::from_millis(1),
        std::time::Duration::from_millis(2),
    );
    Client::builder()
        .base_url(server.uri())
        .http_options(options().retry(retry))
        .build()
        .unwrap()
}

#[tokio::test]
async fn validate_is_retried_but_activate_is_not() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/validate"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount(&server, "validate", 200, "licenses.validate.200.json").await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/activate"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let c = retrying(&server);
    assert!(
        c.licenses()
            .validate(&key(), None)
            .await
            .unwrap()
            .is_accepted()
    );
    let err = c.licenses().activate(&key(), "Test").await.unwrap_err();
    assert!(err.may_have_been_applied());
}
