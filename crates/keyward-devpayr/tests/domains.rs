#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Project domains against wiremock.

use crate::common;

use common::{API_KEY, client, respond, server};
use futures_util::TryStreamExt as _;
use keyward_devpayr::models::{DomainUpdate, Environment, NewDomain};
use keyward_devpayr::{ErrorReason, devpayr_error};
use serde_json::Value;
use wiremock::Mock;
use wiremock::matchers::{body_json, header, method, path, query_param};

#[tokio::test]
async fn list_and_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/domains"))
        .and(header("x-api-key", API_KEY))
        .respond_with(respond(200, fixture!("domains.list.200.json")))
        .expect(2)
        .mount(&server)
        .await;
    let domains = client(&server).domains(2);
    let page = domains.list().send().await.unwrap();
    assert!(page.is_last());
    let domain = &page.items[0];
    assert_eq!((domain.id, domain.domain.as_str()), (3, "app.example.com"));
    assert_eq!(domain.has_paid, Some(true));
    assert_eq!(domain.environment, None);
    let all: Vec<_> = domains.stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn list_sends_paging() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/domains"))
        .and(query_param("per_page", "10"))
        .and(query_param("cursor", "abc"))
        .respond_with(respond(200, fixture!("domains.list.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .domains(2)
        .list()
        .per_page(10)
        .cursor("abc")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn create_sends_the_documented_body() {
    let server = server().await;
    let request: Value = serde_json::from_str(fixture!("domains.create.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/domains"))
        .and(header("x-api-key", API_KEY))
        .and(body_json(&request))
        .respond_with(respond(201, fixture!("domains.create.201.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body = NewDomain::new("app.example.com", Environment::Production)
        .primary(true)
        .paid(true)
        .active(true);
    let domain = client(&server).domains(2).create(&body).await.unwrap();
    assert_eq!(domain.environment, Some(Environment::Production));
    assert_eq!(domain.is_verified, Some(false));
}

#[tokio::test]
async fn duplicate_domain_is_a_validation_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/domains"))
        .respond_with(respond(422, fixture!("domains.create.422.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body = NewDomain::new("app.example.com", Environment::Staging);
    let err = client(&server).domains(2).create(&body).await.unwrap_err();
    let details = devpayr_error(&err).unwrap();
    assert_eq!(details.reason, ErrorReason::Validation);
    assert!(details.field_errors.contains_key("domain"));
}

#[tokio::test]
async fn show_uses_the_singular_path_and_delete_the_plural() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/domain/3"))
        .and(header("x-api-key", API_KEY))
        .respond_with(respond(200, fixture!("domains.show.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/project/2/domains/3"))
        .and(header("x-api-key", API_KEY))
        .respond_with(respond(200, fixture!("domains.delete.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let domains = client(&server).domains(2);
    let domain = domains.show(3).await.unwrap();
    assert_eq!(domain.is_locked, Some(false));
    let done = domains.delete(3).await.unwrap();
    assert_eq!(
        done.message.as_deref(),
        Some("Domain deleted successfully.")
    );
}

#[tokio::test]
async fn update_puts_only_the_fields_set_on_the_singular_path() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/project/2/domain/3"))
        .and(header("x-api-key", API_KEY))
        .and(body_json(serde_json::json!({
            "environment": "staging",
            "has_paid": false,
            "is_active": false
        })))
        .respond_with(respond(200, fixture!("domains.update.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let update = DomainUpdate::new()
        .environment(Environment::Staging)
        .paid(false)
        .active(false);
    let domain = client(&server).domains(2).update(3, &update).await.unwrap();
    assert_eq!(domain.environment, Some(Environment::Staging));
    assert_eq!(domain.is_active, Some(false), "boolean-like string");
    assert_eq!(domain.has_paid, Some(false));
    assert_eq!(
        domain.raw.to_value()["updated_at"],
        "2025-12-02T09:30:00.000000Z"
    );
}

#[tokio::test]
async fn update_errors_are_typed() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/project/2/domain/99"))
        .respond_with(respond(404, fixture!("domains.update.404.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/project/2/domain/3"))
        .respond_with(respond(422, fixture!("domains.update.422.json")))
        .expect(1)
        .mount(&server)
        .await;
    let domains = client(&server).domains(2);
    let err = domains
        .update(99, &DomainUpdate::new().paid(true))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.status(), Some(404));
    let err = domains
        .update(
            3,
            &DomainUpdate::new().environment(Environment::Other("qa".into())),
        )
        .await
        .unwrap_err();
    let details = devpayr_error(&err).unwrap();
    assert_eq!(details.reason, ErrorReason::Validation);
    assert!(details.field_errors.contains_key("environment"));
    let err = domains
        .update(3, &DomainUpdate::new().domain("  "))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input(), "checked before sending");
}

#[tokio::test]
async fn update_is_retried_as_a_put() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/project/2/domain/3"))
        .respond_with(wiremock::ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/project/2/domain/3"))
        .respond_with(respond(200, fixture!("domains.update.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let retry = keyward_devpayr::RetryPolicy::retries(1)
        .backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(2),
        )
        .jitter(false);
    let client = keyward_devpayr::Client::builder()
        .base_url(format!("{}/api/v1/", server.uri()))
        .api_key(API_KEY)
        .http_options(keyward_devpayr::HttpOptions::new().retry(retry))
        .build()
        .unwrap();
    let domain = client
        .domains(2)
        .update(3, &DomainUpdate::new().primary(true))
        .await
        .unwrap();
    assert_eq!(domain.id, 3);
}
