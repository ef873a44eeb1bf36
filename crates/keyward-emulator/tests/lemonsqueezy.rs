//! The Lemon Squeezy emulator's wire shapes, checked with a plain HTTP client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::lemonsqueezy::{DEFAULT_API_KEY, LemonSqueezyEmulator, LicenseSeed};
use serde_json::{Value, json};

const JSON_API: &str = "application/vnd.api+json";

async fn post_form(
    emulator: &LemonSqueezyEmulator,
    verb: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/licenses/{verb}", emulator.uri()))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn json_api(
    emulator: &LemonSqueezyEmulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", emulator.uri()))
        .bearer_auth(DEFAULT_API_KEY)
        .header("accept", JSON_API);
    if let Some(body) = body {
        request = request
            .header("content-type", JSON_API)
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn license_api_bodies_match_lemon_squeezy() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(
        LicenseSeed::new("KEY-ONE-SLOT-0001")
            .activation_limit(1)
            .product(4, 5),
    );

    let (status, body) = post_form(
        &emulator,
        "activate",
        &[("license_key", "KEY-ONE-SLOT-0001")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["message"], "The instance name field is required.");
    assert_eq!(
        body["errors"]["instance_name"][0],
        "The instance name field is required."
    );

    let (status, body) = post_form(
        &emulator,
        "activate",
        &[("license_key", "NOPE"), ("instance_name", "a")],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"activated": false, "error": "license_key not found."})
    );

    let (status, body) = post_form(
        &emulator,
        "activate",
        &[("license_key", "KEY-ONE-SLOT-0001"), ("instance_name", "a")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["activated"], true);
    assert_eq!(body["error"], Value::Null);
    assert_eq!(body["license_key"]["activation_usage"], 1);
    assert_eq!(body["license_key"]["status"], "active");
    assert_eq!(body["meta"]["product_id"], 4);
    assert_eq!(body["meta"]["variant_id"], 5);
    let instance = body["instance"]["id"].as_str().unwrap().to_owned();
    assert_eq!(instance.len(), 36);

    let (status, body) = post_form(
        &emulator,
        "activate",
        &[("license_key", "KEY-ONE-SLOT-0001"), ("instance_name", "b")],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "This license key has reached the activation limit."
    );
    assert!(
        body.get("instance").is_none(),
        "activate refusals carry no instance key"
    );
    assert!(body.get("license_key").is_some() && body.get("meta").is_some());

    let (status, body) = post_form(
        &emulator,
        "validate",
        &[("license_key", "KEY-ONE-SLOT-0001")],
    )
    .await;
    assert_eq!(
        (status, &body["valid"], &body["instance"]),
        (200, &json!(true), &Value::Null)
    );

    let (status, body) = post_form(
        &emulator,
        "deactivate",
        &[
            ("license_key", "KEY-ONE-SLOT-0001"),
            ("instance_id", &instance),
        ],
    )
    .await;
    assert_eq!((status, &body["deactivated"]), (200, &json!(true)));
    assert!(body.get("instance").is_none());
    assert_eq!(body["license_key"]["status"], "inactive");
}

#[tokio::test]
async fn license_api_accepts_json_bodies_like_the_js_sdk() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LicenseSeed::new("KEY-JSON-BODY-001").disabled());
    let response = reqwest::Client::new()
        .post(format!("{}/v1/licenses/validate", emulator.uri()))
        .header("content-type", JSON_API)
        .body(json!({"license_key": "KEY-JSON-BODY-001"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "This license key is disabled.");
    assert_eq!(body["instance"], Value::Null);
    assert_eq!(body["license_key"]["status"], "disabled");
}

#[tokio::test]
async fn json_api_needs_the_bearer_and_validates_updates() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-PATCH-ME-0001"));

    let response = reqwest::get(format!("{}/v1/license-keys/{id}", emulator.uri()))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["detail"], "Unauthenticated.");

    let patch = |attributes: Value, id: &str| json!({"data": {"type": "license-keys", "id": id, "attributes": attributes}});
    let path = format!("/v1/license-keys/{id}");
    let (status, body) = json_api(
        &emulator,
        reqwest::Method::PATCH,
        &path,
        Some(patch(json!({"activation_limit": "ten"}), &id.to_string())),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"][0]["source"]["pointer"],
        "/data/attributes/activation_limit"
    );
    let (status, _) = json_api(
        &emulator,
        reqwest::Method::PATCH,
        &path,
        Some(patch(json!({}), "999")),
    )
    .await;
    assert_eq!(status, 409);

    let at = "2030-01-01T00:00:00.000000Z";
    let (status, body) = json_api(
        &emulator,
        reqwest::Method::PATCH,
        &path,
        Some(patch(
            json!({"activation_limit": null, "expires_at": at, "disabled": true}),
            &id.to_string(),
        )),
    )
    .await;
    assert_eq!(status, 200);
    let attributes = &body["data"]["attributes"];
    assert_eq!(attributes["activation_limit"], Value::Null);
    assert_eq!(attributes["expires_at"], at);
    assert_eq!(
        (&attributes["disabled"], &attributes["status"]),
        (&json!(true), &json!("disabled"))
    );
    assert_eq!(body["data"]["id"], id.to_string());

    let (status, body) = json_api(
        &emulator,
        reqwest::Method::GET,
        "/v1/license-keys/424242",
        None,
    )
    .await;
    assert_eq!((status, &body["errors"][0]["status"]), (404, &json!("404")));
}

#[tokio::test]
async fn lists_paginate_like_laravel() {
    let emulator = LemonSqueezyEmulator::start().await;
    for n in 0..3 {
        emulator.add_license(LicenseSeed::new(format!("KEY-LIST-{n:04}")));
    }
    let (_, body) = json_api(
        &emulator,
        reqwest::Method::GET,
        "/v1/license-keys?page[number]=2&page[size]=2",
        None,
    )
    .await;
    assert_eq!(
        body["meta"]["page"],
        json!({"currentPage": 2, "from": 3, "lastPage": 2, "perPage": 2, "to": 3, "total": 3})
    );
    assert!(body["links"].get("next").is_none());
    assert!(
        body["links"]["prev"]
            .as_str()
            .unwrap()
            .contains("page%5Bnumber%5D=1")
    );
    assert_eq!(body["data"][0]["id"], "3");

    let (_, body) = json_api(
        &emulator,
        reqwest::Method::GET,
        "/v1/license-keys?filter[status]=expired",
        None,
    )
    .await;
    assert_eq!(body["meta"]["page"]["from"], Value::Null);
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn seeds_from_the_fixtures_and_rate_limits() {
    let dir = format!("{}/../../fixtures/lemonsqueezy", env!("CARGO_MANIFEST_DIR"));
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.seed_from_dir(&dir).unwrap();
    assert_eq!(emulator.instances(2).len(), 2);
    assert_eq!(emulator.key(1).unwrap().activation_limit, Some(5));
    assert_eq!(emulator.key(2).unwrap().activation_limit, None);

    emulator.set_rate_limit(Some(1));
    emulator.set_retry_after(3);
    let (status, _) = json_api(&emulator, reqwest::Method::GET, "/v1/license-keys/1", None).await;
    assert_eq!(status, 200);
    let response = reqwest::Client::new()
        .post(format!("{}/v1/licenses/validate", emulator.uri()))
        .form(&[("license_key", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Too Many Attempts.");
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn a_seeded_maximum_id_never_panics_the_server() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator
        .seed_json(
            &json!({"data": [
                {"type": "license-keys", "id": u64::MAX.to_string(),
                 "attributes": {"key": "MAX-KEY", "activation_limit": null}},
                {"type": "license-key-instances", "id": u64::MAX.to_string(),
                 "attributes": {"license_key_id": u64::MAX, "name": "seeded"}},
            ]})
            .to_string(),
        )
        .unwrap();
    let (status, body) = post_form(
        &emulator,
        "activate",
        &[("license_key", "MAX-KEY"), ("instance_name", "next")],
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(body["message"], "Server Error");
    assert_eq!(emulator.instances(u64::MAX).len(), 1);
    // Key and instance ids chosen after the maximum saturate instead of overflowing.
    assert_eq!(emulator.add_license(LicenseSeed::new("NEXT")), u64::MAX);
}

#[tokio::test]
async fn added_keys_are_created_on_the_emulators_clock() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.set_now("2024-07-01T00:00:00Z".parse().unwrap());
    emulator.add_license(LicenseSeed::new("CLOCKED"));
    let (status, body) = post_form(&emulator, "validate", &[("license_key", "CLOCKED")]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["license_key"]["created_at"],
        "2024-07-01T00:00:00.000000Z"
    );
    let (_, body) = json_api(&emulator, reqwest::Method::GET, "/v1/license-keys/1", None).await;
    assert_eq!(
        body["data"]["attributes"]["updated_at"],
        "2024-07-01T00:00:00.000000Z"
    );
}

#[tokio::test]
async fn license_api_routes_answer_405_to_other_methods() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LicenseSeed::new("K"));
    let response = reqwest::get(format!(
        "{}/v1/licenses/validate?license_key=K",
        emulator.uri()
    ))
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["message"],
        "The GET method is not supported for route v1/licenses/validate. Supported methods: POST."
    );
}
