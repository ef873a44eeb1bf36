#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The DevPayr emulator over raw HTTP: envelopes, auth bodies, order of checks, cursors.

use keyward_emulator::SeedError;
use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, PROJECT_KEY, SEED_PROJECT};
use serde_json::{Value, json};

async fn send(
    emulator: &DevPayrEmulator,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}{path}", emulator.uri()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

async fn seeded() -> DevPayrEmulator {
    let emulator = DevPayrEmulator::start_seeded().await;
    emulator.set_now(
        chrono::DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
            .unwrap()
            .into(),
    );
    emulator
}

#[tokio::test]
async fn root_and_auth_bodies_match_the_docs() {
    let emulator = seeded().await;
    let get = reqwest::Method::GET;
    let (status, body) = send(&emulator, get.clone(), "", &[], None).await;
    assert_eq!(
        (status, body),
        (
            200,
            json!({"status": "ok", "message": "Welcome to DevPayr api endpoint"})
        )
    );
    let path = format!("project/{SEED_PROJECT}/licenses");
    let (status, body) = send(&emulator, get.clone(), &path, &[], None).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "Missing required X-API-KEY header."})
        )
    );
    let (status, body) = send(&emulator, get, &path, &[("x-api-key", "nope")], None).await;
    assert_eq!(
        (status, body),
        (403, json!({"message": "Invalid or expired API key."}))
    );
}

#[tokio::test]
async fn seeded_records_render_like_the_fixtures() {
    let emulator = seeded().await;
    let fixture: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/devpayr/licenses.list.200.json"
    )))
    .unwrap();
    let path = format!("project/{SEED_PROJECT}/licenses");
    let (status, body) = send(
        &emulator,
        reqwest::Method::GET,
        &path,
        &[("x-api-key", GLOBAL_KEY)],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["data"], fixture["data"]["data"]);
    assert_eq!(body["data"]["next_cursor"], Value::Null);
    let (_, page) = send(
        &emulator,
        reqwest::Method::GET,
        &format!("{path}?per_page=1"),
        &[("x-api-key", PROJECT_KEY)],
        None,
    )
    .await;
    // The cursor is Laravel's: base64url of {"licenses.id":5,"_pointsToNextItems":true}.
    assert_eq!(
        page["data"]["next_cursor"],
        "eyJsaWNlbnNlcy5pZCI6NSwiX3BvaW50c1RvTmV4dEl0ZW1zIjp0cnVlfQ"
    );
}

#[tokio::test]
async fn has_paid_takes_the_key_from_header_query_or_body() {
    let emulator = seeded().await;
    let key = emulator.license_key(5).unwrap();
    let post = reqwest::Method::POST;
    let domain = ("x-devpayr-domain", "app.example.com");
    let (status, body) = send(
        &emulator,
        post.clone(),
        "project/has-paid",
        &[("x-license-key", &key), domain],
        Some(json!({})),
    )
    .await;
    assert_eq!((status, &body["data"]["has_paid"]), (200, &json!(true)));
    let (status, _) = send(
        &emulator,
        post.clone(),
        &format!("project/has-paid?license={key}"),
        &[domain],
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &emulator,
        post.clone(),
        "project/has-paid",
        &[domain],
        Some(json!({"license": key})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &emulator,
        post,
        "project/has-paid",
        &[domain],
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(emulator.usage_today(5), 3);
}

#[tokio::test]
async fn a_bad_seed_record_is_named_without_quoting_its_key() {
    let emulator = DevPayrEmulator::start().await;
    let error = emulator
        .seed_licenses(1, &json!({"uuid": "SECRET-LICENSE-UUID"}).to_string())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "license record 0: needs a numeric `id` and a string `uuid`"
    );
    assert!(matches!(error, SeedError::Field { index: 0, .. }));
    assert!(!format!("{error:?}").contains("SECRET-LICENSE-UUID"));
    let error = emulator
        .seed_domains(1, &json!([]).to_string())
        .unwrap_err();
    assert!(error.to_string().starts_with("domain record 0:"), "{error}");
}

#[tokio::test]
async fn a_seeded_maximum_id_is_a_500_not_a_dead_server() {
    let emulator = seeded().await;
    emulator
        .seed_licenses(
            SEED_PROJECT,
            &json!({"id": u64::MAX, "uuid": "2f1c8a36-0000-4000-8000-000000000000"}).to_string(),
        )
        .unwrap();
    let key = [("x-api-key", GLOBAL_KEY)];
    let (status, body) = send(
        &emulator,
        reqwest::Method::POST,
        &format!("project/{SEED_PROJECT}/licenses"),
        &key,
        Some(json!({"title": "one more"})),
    )
    .await;
    assert_eq!(status, 500, "{body}");
    let (status, body) = send(
        &emulator,
        reqwest::Method::POST,
        &format!("project/{SEED_PROJECT}/domains"),
        &key,
        Some(json!({"domain": "new.example.com", "environment": "production", "is_primary": true})),
    )
    .await;
    assert_eq!(status, 500, "{body}");
    // A refused create changes nothing: the seeded primary domain stays primary.
    let (_, body) = send(
        &emulator,
        reqwest::Method::GET,
        &format!("project/{SEED_PROJECT}/domains"),
        &key,
        None,
    )
    .await;
    assert_eq!(body["data"]["data"].as_array().unwrap().len(), 1);
    assert_eq!(body["data"]["data"][0]["is_primary"], true);
}
