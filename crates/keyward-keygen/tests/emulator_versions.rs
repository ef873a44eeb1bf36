//! The Keygen emulator answering callers of older API versions and as Keygen CE, over plain
//! HTTP (the client itself pins 1.7 and EE): `config/initializers/request_migrations.rb`,
//! `app/migrations/`, `default_headers.rb`, `current_environment_scope.rb`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{Edition, KeygenEmulator, LicenseSeed};
use serde_json::Value;

/// `GET /licenses/{id}` as the admin with `headers`: status, answer headers, body.
async fn show(
    emulator: &KeygenEmulator,
    id: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Value) {
    let url = format!(
        "{}/v1/accounts/{}/licenses/{id}",
        emulator.uri(),
        emulator.account_id()
    );
    let mut request = reqwest::Client::new()
        .get(url)
        .bearer_auth(emulator.api_key())
        .header("accept", "application/vnd.api+json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.json().await.unwrap())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn older_api_versions_get_keygens_migrated_answers() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-VERSIONS"));
    let account = emulator.account_id();

    let (status, headers, body) = show(&emulator, &id, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "keygen-version"), Some("1.7"));
    assert_eq!(header(&headers, "keygen-account"), Some(account.as_str()));
    assert_eq!(header(&headers, "keygen-edition"), Some("EE"));
    assert!(body["data"]["relationships"]["owner"].is_object());

    // 1.5 renamed the owner `user` (1.6 made it `owner`); 1.3 named the header `…-Id`.
    let (status, headers, body) = show(&emulator, &id, &[("keygen-version", "v1.3")]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "keygen-version"), Some("1.3"));
    assert_eq!(
        header(&headers, "keygen-account-id"),
        Some(account.as_str())
    );
    assert_eq!(header(&headers, "keygen-account"), None);
    let relationships = &body["data"]["relationships"];
    assert!(relationships["owner"].is_null());
    assert!(relationships["user"]["links"]["related"].is_string());

    let (status, _, body) = show(&emulator, &id, &[("keygen-version", "1.8")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "INVALID_API_VERSION");
}

/// `request_version_resolver`: the header first, then the account's API version.
#[tokio::test]
async fn the_accounts_api_version_answers_requests_without_a_version() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-ACCOUNT-VERSION"));
    assert!(emulator.set_api_version("v1.5").is_err());
    assert!(emulator.set_api_version("1.9").is_err());
    emulator.set_api_version("1.5").unwrap();
    let (_, headers, body) = show(&emulator, &id, &[]).await;
    assert_eq!(header(&headers, "keygen-version"), Some("1.5"));
    assert!(body["data"]["relationships"]["user"].is_object());
    let (_, headers, body) = show(&emulator, &id, &[("keygen-version", "1.7")]).await;
    assert_eq!(header(&headers, "keygen-version"), Some("1.7"));
    assert!(body["data"]["relationships"]["owner"].is_object());
}

#[tokio::test]
async fn keygen_ce_refuses_environments() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-EDITION"));
    emulator.set_edition(Edition::Community);
    let (status, headers, _) = show(&emulator, &id, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "keygen-edition"), Some("CE"));
    let (status, _, body) = show(&emulator, &id, &[("keygen-environment", "staging")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "ENVIRONMENT_NOT_SUPPORTED");
    emulator.set_edition(Edition::Enterprise);
    let (status, _, body) = show(&emulator, &id, &[("keygen-environment", "staging")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "ENVIRONMENT_INVALID");
}
