#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The has-paid checks against wiremock: license key at runtime, API key per project.

use crate::common;

use common::{API_KEY, LICENSE_KEY, client, license_client, no_header, respond, server};
use keyward_core::SecretLicenseKey;
use keyward_devpayr::models::{DenialReason, LicenseCheck};
use keyward_devpayr::{ErrorReason, InjectableSecret, error_reason};
use wiremock::Mock;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(LICENSE_KEY)
}

#[tokio::test]
async fn paid_answer_sends_the_license_key_and_the_domain() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .and(header("x-license-key", LICENSE_KEY))
        .and(no_header("x-api-key"))
        .and(header("x-devpayr-domain", "app.example.com"))
        .and(header("accept", "application/json"))
        .and(query_param_is_missing("action"))
        .and(query_param_is_missing("include"))
        .and(body_json(serde_json::json!({})))
        .respond_with(respond(200, fixture!("has-paid.license.200.paid.json")))
        .expect(1)
        .mount(&server)
        .await;
    let check = license_client(&server)
        .has_paid(&key())
        .domain("app.example.com")
        .send()
        .await
        .unwrap();
    assert!(check.is_paid());
    assert!(check.injectables().is_empty());
}

#[tokio::test]
async fn the_license_key_is_sent_but_not_the_api_key_even_when_configured() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .and(header("x-license-key", LICENSE_KEY))
        .and(no_header("x-api-key"))
        .respond_with(respond(200, fixture!("has-paid.license.200.paid.json")))
        .expect(1)
        .mount(&server)
        .await;
    let check = client(&server)
        .has_paid(&key())
        .domain("a.example")
        .send()
        .await
        .unwrap();
    assert!(check.is_paid());
}

#[tokio::test]
async fn unpaid_is_an_answer_not_an_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .and(query_param("action", "check_project"))
        .respond_with(respond(200, fixture!("has-paid.license.200.unpaid.json")))
        .expect(1)
        .mount(&server)
        .await;
    let check = license_client(&server)
        .has_paid(&key())
        .check_project(true)
        .send()
        .await
        .unwrap();
    assert!(matches!(check, LicenseCheck::Unpaid(ref s) if s.has_paid == Some(false)));
    assert!(!check.is_paid());
}

#[tokio::test]
async fn injectables_come_with_a_paid_answer_and_decrypt() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .and(query_param("include", "injectables"))
        .and(query_param("action", "check_project"))
        .respond_with(respond(
            200,
            fixture!("has-paid.license.200.with-injectables.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let check = license_client(&server)
        .has_paid(&key())
        .check_project(true)
        .include_injectables(true)
        .send()
        .await
        .unwrap();
    let injectable = &check.injectables()[0];
    assert_eq!(injectable.slug.as_deref(), Some("js-script"));
    let secret = InjectableSecret::new("test-secret-123").unwrap();
    let plain = injectable.verify_and_decrypt(&secret).unwrap();
    assert_eq!(plain, b"console.log('licensed by devpayr');\n");
}

#[tokio::test]
async fn a_403_domain_refusal_is_a_denial_answer() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .respond_with(respond(
            403,
            fixture!("has-paid.license.403.domain-not-authorized.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let check = license_client(&server)
        .has_paid(&key())
        .domain("evil.example")
        .send()
        .await
        .unwrap();
    let denial = check.denial().unwrap();
    assert_eq!(denial.status, 403);
    assert_eq!(denial.reason, DenialReason::DomainNotAuthorized);
    assert_eq!(
        denial.message.as_deref(),
        Some("This license is not authorized for the current domain.")
    );
}

#[tokio::test]
async fn a_400_without_a_domain_is_a_clear_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .and(no_header("x-devpayr-domain"))
        .respond_with(respond(
            400,
            fixture!("has-paid.license.400.no-domain.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = license_client(&server)
        .has_paid(&key())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(error_reason(&err), Some(ErrorReason::DomainUndetermined));
}

#[tokio::test]
async fn rate_limited_check_is_an_error_and_the_key_never_leaks() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .respond_with(respond(
            429,
            &format!("{{\"message\":\"Too Many Attempts for {LICENSE_KEY}.\"}}"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = license_client(&server)
        .has_paid(&key())
        .domain("a.example")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert!(!format!("{err:?}").contains(LICENSE_KEY));
    assert!(!err.to_string().contains(LICENSE_KEY));
}

#[tokio::test]
async fn empty_key_or_domain_is_refused_before_sending() {
    let server = server().await;
    let client = license_client(&server);
    assert!(
        client
            .has_paid(&SecretLicenseKey::new(" "))
            .send()
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(
        client
            .has_paid(&key())
            .domain(" ")
            .send()
            .await
            .unwrap_err()
            .is_config()
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_has_paid_is_a_decode_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .respond_with(respond(200, r#"{"status":"success","data":{}}"#))
        .mount(&server)
        .await;
    let err = license_client(&server)
        .has_paid(&key())
        .domain("a.b")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err}");
}

#[tokio::test]
async fn null_lists_decode_as_empty() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/has-paid"))
        .respond_with(respond(
            200,
            r#"{"status":"success","message":"Success","data":{"has_paid":false,"injectables":null},"errors":null}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses"))
        .respond_with(respond(
            200,
            r#"{"status":"success","data":{"data":null,"next_cursor":null}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let check = license_client(&server)
        .has_paid(&key())
        .domain("a.b")
        .send()
        .await
        .unwrap();
    assert!(matches!(check, LicenseCheck::Unpaid(ref s) if s.injectables.is_empty()));
    let page = client(&server).licenses(2).list().send().await.unwrap();
    assert!(page.items.is_empty() && page.next.is_none());
}

#[tokio::test]
async fn project_check_uses_the_api_key() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/has-paid"))
        .and(header("x-api-key", API_KEY))
        .and(no_header("x-license-key"))
        .and(header("x-devpayr-domain", "app.example.com"))
        .respond_with(respond(200, fixture!("has-paid.apikey.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/has-paid"))
        .and(header("x-devpayr-domain", "unknown.example"))
        .respond_with(respond(
            403,
            fixture!("has-paid.apikey.403.domain-not-registered.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let status = client
        .project_has_paid(2)
        .domain("app.example.com")
        .send()
        .await
        .unwrap();
    assert!(status.is_paid());
    let err = client
        .project_has_paid(2)
        .domain("unknown.example")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(!err.is_unauthorized());
    assert_eq!(error_reason(&err), Some(ErrorReason::DomainNotRegistered));
}
