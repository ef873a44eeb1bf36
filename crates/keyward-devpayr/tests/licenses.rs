#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! License management against wiremock, with the fixture bodies.

use crate::common;

use common::{API_KEY, LICENSE_KEY, client, no_header, respond, server};
use futures_util::TryStreamExt as _;
use keyward_core::PageToken;
use keyward_devpayr::models::{LicenseState, NewLicense};
use keyward_devpayr::{Client, ErrorReason, devpayr_error, error_reason};
use serde_json::Value;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

const NEXT: &str = "eyJsaWNlbnNlcy5pZCI6NCwiX3BvaW50c1RvTmV4dEl0ZW1zIjp0cnVlfQ";

#[tokio::test]
async fn list_sends_the_api_key_and_decodes_a_page() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses"))
        .and(header("x-api-key", API_KEY))
        .and(header("accept", "application/json"))
        .and(no_header("x-license-key"))
        .and(query_param("per_page", "2"))
        .and(query_param_is_missing("cursor"))
        .respond_with(respond(200, fixture!("licenses.list.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .licenses(2)
        .list()
        .per_page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.next, Some(PageToken::Cursor(NEXT.into())));
    let first = &page.items[0];
    assert_eq!(first.id, 5);
    assert_eq!(first.uuid.expose(), LICENSE_KEY);
    assert_eq!(first.project_id, Some(2));
    assert_eq!(first.max_domains, Some(3));
    assert_eq!(
        first.allowed_countries.as_deref().unwrap(),
        ["NG", "US", "GB"]
    );
    assert_eq!(first.status, Some(LicenseState::Active));
    assert_eq!(page.items[1].allowed_ips.as_deref().unwrap(), ["127.0.0.1"]);
    assert_eq!(page.items[1].expires_at, None);
    assert_eq!(page.items[1].is_test_license, Some(true));
    // The license key never shows in Debug.
    assert!(!format!("{page:?}").contains(LICENSE_KEY));
}

#[tokio::test]
async fn stream_walks_every_page_with_the_cursor() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses"))
        .and(query_param("per_page", "50"))
        .and(query_param_is_missing("cursor"))
        .respond_with(respond(200, fixture!("licenses.list.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses"))
        .and(query_param("cursor", NEXT))
        .respond_with(respond(200, fixture!("licenses.list.200.last-page.json")))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server)
        .licenses(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.iter().map(|l| l.id).collect::<Vec<_>>(), [5, 4]);
}

#[tokio::test]
async fn a_repeated_cursor_stops_the_stream() {
    let server = server().await;
    let looping = fixture!("licenses.list.200.json");
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses"))
        .respond_with(respond(200, looping))
        .expect(2)
        .mount(&server)
        .await;
    let result: Result<Vec<_>, _> = client(&server).licenses(2).stream().try_collect().await;
    assert!(result.unwrap_err().is_decode());
}

#[tokio::test]
async fn per_page_is_checked_before_sending() {
    let server = server().await;
    let err = client(&server)
        .licenses(2)
        .list()
        .per_page(51)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn show_decodes_and_404_is_not_found() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses/5"))
        .and(header("x-api-key", API_KEY))
        .respond_with(respond(200, fixture!("licenses.show.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses/99"))
        .respond_with(respond(404, fixture!("licenses.show.404.json")))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server).licenses(2);
    let license = licenses.show(5).await.unwrap();
    assert_eq!(
        license.title.as_deref(),
        Some("ClientApp License - Production")
    );
    assert!(license.expires_at.is_some());
    let err = licenses.show(99).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(error_reason(&err), Some(ErrorReason::NotFound));
}

#[tokio::test]
async fn create_sends_the_documented_body_and_reads_201() {
    let server = server().await;
    let request: Value = serde_json::from_str(fixture!("licenses.create.request.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/licenses"))
        .and(header("x-api-key", API_KEY))
        .and(header("content-type", "application/json"))
        .and(body_json(&request))
        .respond_with(respond(201, fixture!("licenses.create.201.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body = NewLicense::new("ClientApp License - Production")
        .expires_on(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())
        .max_domains(3)
        .max_subdomains_per_domain(5)
        .max_usage_per_day(1000)
        .allowed_countries(["NG", "US", "GB"])
        .test_license(false)
        .allow_configs(false);
    let license = client(&server).licenses(2).create(&body).await.unwrap();
    assert_eq!(license.id, 5);
    assert_eq!(license.uuid.expose(), LICENSE_KEY);
}

#[tokio::test]
async fn create_422_keeps_the_field_errors() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/licenses"))
        .respond_with(respond(422, fixture!("licenses.create.422.json")))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .licenses(2)
        .create(&NewLicense::new("dup"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!err.is_unauthorized() && !err.is_conflict());
    let details = devpayr_error(&err).unwrap();
    assert_eq!(details.reason, ErrorReason::Validation);
    assert!(details.field_errors.contains_key("title"));
    assert!(details.field_errors.contains_key("expires_at"));
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn revoke_and_its_state_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/licenses/5/revoke"))
        .and(header("x-api-key", API_KEY))
        .and(body_json(serde_json::json!({})))
        .respond_with(respond(200, fixture!("licenses.revoke.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/project/2/licenses/4/revoke"))
        .respond_with(respond(
            403,
            fixture!("licenses.revoke.403.not-active.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server).licenses(2);
    let done = licenses.revoke(5).await.unwrap();
    assert!(done.message.is_some());
    assert!(done.data.is_null());
    let err = licenses.revoke(4).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(err.is_conflict(), "{err:?}");
    assert!(!err.is_unauthorized());
    assert_eq!(error_reason(&err), Some(ErrorReason::LicenseNotActive));
}

#[tokio::test]
async fn reactivate_and_its_state_errors() {
    let server = server().await;
    for (id, status, body) in [
        (5, 200, fixture!("licenses.reactivate.200.json")),
        (6, 403, fixture!("licenses.reactivate.403.not-revoked.json")),
        (7, 403, fixture!("licenses.reactivate.403.expired.json")),
    ] {
        Mock::given(method("POST"))
            .and(path(format!("/api/v1/project/2/licenses/{id}/reactivate")))
            .and(header("x-api-key", API_KEY))
            .respond_with(respond(status, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let licenses = client(&server).licenses(2);
    let done = licenses.reactivate(5).await.unwrap();
    assert!(done.message.is_some() && done.detail().is_some());
    let not_revoked = licenses.reactivate(6).await.unwrap_err();
    assert!(not_revoked.is_conflict() && !not_revoked.is_unauthorized());
    assert_eq!(
        error_reason(&not_revoked),
        Some(ErrorReason::LicenseNotRevoked)
    );
    let expired = licenses.reactivate(7).await.unwrap_err();
    assert!(expired.is_conflict() && !expired.is_unauthorized());
    assert_eq!(error_reason(&expired), Some(ErrorReason::LicenseExpired));
}

#[tokio::test]
async fn delete_and_the_ownership_422() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/project/2/licenses/5"))
        .and(header("x-api-key", API_KEY))
        .respond_with(respond(200, fixture!("licenses.delete.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/project/2/licenses/8"))
        .respond_with(respond(422, fixture!("licenses.delete.422.json")))
        .expect(1)
        .mount(&server)
        .await;
    let licenses = client(&server).licenses(2);
    let done = licenses.delete(5).await.unwrap();
    assert!(done.data.is_object());
    let err = licenses.delete(8).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.is_conflict() && !err.is_unauthorized());
    assert_eq!(error_reason(&err), Some(ErrorReason::LicenseNotInProject));
}

#[tokio::test]
async fn documented_auth_errors_are_unauthorized_not_state_errors() {
    let server = server().await;
    for (id, status, body, reason) in [
        (
            11,
            401,
            fixture!("errors.401.missing-api-key.json"),
            ErrorReason::MissingApiKey,
        ),
        (
            12,
            403,
            fixture!("errors.403.invalid-api-key.json"),
            ErrorReason::InvalidApiKey,
        ),
        (
            13,
            403,
            fixture!("errors.403.project-mismatch.json"),
            ErrorReason::ProjectAccessDenied,
        ),
    ] {
        Mock::given(method("POST"))
            .and(path(format!("/api/v1/project/2/licenses/{id}/revoke")))
            .respond_with(respond(status, body))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server).licenses(2).revoke(id).await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        assert!(!err.is_conflict());
        assert_eq!(error_reason(&err), Some(reason));
        // The verbatim messages are documented: the error carries them.
        let message = serde_json::from_str::<Value>(body).unwrap()["message"].clone();
        assert_eq!(
            devpayr_error(&err).unwrap().message.as_deref(),
            message.as_str()
        );
    }
}

#[tokio::test]
async fn rate_limit_is_reported_with_retry_after() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses/5"))
        .respond_with(respond(429, fixture!("errors.429.json")).insert_header("retry-after", "7"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).licenses(2).show(5).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
    assert_eq!(error_reason(&err), Some(ErrorReason::RateLimited));
}

#[tokio::test]
async fn management_without_an_api_key_is_a_config_error_and_sends_nothing() {
    let server = server().await;
    let client = common::license_client(&server);
    let err = client.licenses(2).show(5).await.unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_api_key_never_leaks_into_debug_or_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_string(format!(
            "{{\"message\":\"Invalid or expired API key.\",\"echo\":\"{API_KEY}\"}}"
        )))
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(!format!("{client:?}").contains(API_KEY));
    let builder = Client::builder().api_key(API_KEY);
    assert!(!format!("{builder:?}").contains(API_KEY));
    let err = client.licenses(2).show(5).await.unwrap_err();
    assert!(!format!("{err:?}").contains(API_KEY));
    assert!(!err.to_string().contains(API_KEY));
}

#[test]
fn builder_rejects_bad_config() {
    assert!(
        Client::builder()
            .api_key("  ")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Client::builder()
            .base_url("http://api.devpayr.example/api/v1/")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(Client::builder().build().is_ok());
}

#[tokio::test]
async fn a_decode_error_never_shows_a_license_key() {
    let server = server().await;
    let body = fixture!("licenses.show.200.json")
        .replace("\"project_id\": 2", "\"project_id\": \"two\"")
        .replace('\n', "");
    Mock::given(method("GET"))
        .and(path("/api/v1/project/2/licenses/5"))
        .respond_with(respond(200, &body))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).licenses(2).show(5).await.unwrap_err();
    assert!(err.is_decode());
    assert!(err.to_string().contains("project_id"), "{err}");
    // The snippet around the failure would show the key right before it.
    assert!(err.to_string().contains("[redacted]"), "{err}");
    assert!(!err.to_string().contains(LICENSE_KEY), "{err}");
    assert!(!format!("{err:?}").contains(LICENSE_KEY));
}

#[tokio::test]
async fn ping_reads_the_root_without_credentials() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1"))
        .and(no_header("x-api-key"))
        .and(no_header("x-license-key"))
        .respond_with(respond(200, fixture!("root.200.json")))
        .expect(1)
        .mount(&server)
        .await;
    let message = client(&server).ping().await.unwrap();
    assert_eq!(message.as_deref(), Some("Welcome to DevPayr api endpoint"));
}
