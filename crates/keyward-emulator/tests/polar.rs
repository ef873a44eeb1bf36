#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Polar emulator over raw HTTP: routes, auth, version pinning, error bodies, paging. The
//! client-level flows are in `crates/keyward-polar/tests/emulator.rs`.

use keyward_emulator::polar::{DEFAULT_API_KEY, LicenseSeed, PolarEmulator};
use serde_json::{Value, json};

async fn send(
    polar: &PolarEmulator,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}{path}", polar.uri()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn versions_auth_and_unknown_routes() {
    let polar = PolarEmulator::start().await;
    let token = format!("Bearer {DEFAULT_API_KEY}");
    let get = reqwest::Method::GET;
    let (status, body) = send(
        &polar,
        get.clone(),
        "/v1/license-keys/",
        &[("polar-version", "2025-01")],
        None,
    )
    .await;
    assert_eq!((status, body), (404, json!({"detail": "Not Found"})));
    let (status, body) = send(&polar, get.clone(), "/v1/license-keys/", &[], None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "Unauthorized");
    let auth = [
        ("authorization", token.as_str()),
        ("polar-version", "2026-04"),
    ];
    let (status, body) = send(&polar, get.clone(), "/v1/license-keys/", &auth, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["pagination"], json!({"total_count": 0, "max_page": 0}));
    let (status, _) = send(&polar, get, "/v1/nope", &auth, None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn public_routes_need_no_token_and_answer_polar_errors() {
    let polar = PolarEmulator::start().await;
    polar.add_license(LicenseSeed::new("K-REVOKED").revoked());
    let org = polar.organization_id();
    let post = reqwest::Method::POST;
    let validate = "/v1/customer-portal/license-keys/validate";
    let (status, body) = send(
        &polar,
        post.clone(),
        validate,
        &[],
        Some(json!({"key": "K-REVOKED", "organization_id": org})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"error": "ResourceNotFound", "detail": "License key is no longer active."})
    );
    let other_org = "00000000-0000-4000-8000-000000000000";
    let (status, body) = send(
        &polar,
        post.clone(),
        validate,
        &[],
        Some(json!({"key": "K-REVOKED", "organization_id": other_org})),
    )
    .await;
    assert_eq!((status, body["detail"].as_str()), (404, Some("Not found")));
    let (status, body) = send(&polar, post, validate, &[], Some(json!({"key": "K"}))).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "organization_id"]));
}
