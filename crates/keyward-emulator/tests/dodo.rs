#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Dodo emulator over raw HTTP: routes, auth, error bodies, paging.

use keyward_emulator::dodo::{DEFAULT_API_KEY, DodoEmulator, LicenseSeed};
use serde_json::{Value, json};

async fn send(
    dodo: &DodoEmulator,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}{path}", dodo.uri()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn unknown_routes_answer_dodo_404() {
    let dodo = DodoEmulator::start().await;
    for path in ["/nope", "/licenses/renew", "/license_keys/a/b"] {
        let (status, body) = send(
            &dodo,
            reqwest::Method::POST,
            path,
            Some(DEFAULT_API_KEY),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(
            parse(&body),
            json!({"code": "NOT_FOUND", "message": "Item not found"})
        );
    }
}

#[tokio::test]
async fn admin_routes_need_the_bearer_token() {
    let dodo = DodoEmulator::start_with_api_key("custom-token").await;
    for token in [None, Some("wrong"), Some(DEFAULT_API_KEY)] {
        let (status, body) = send(&dodo, reqwest::Method::GET, "/license_keys", token, None).await;
        assert_eq!(status, 401);
        assert_eq!(parse(&body)["code"], "UNAUTHORIZED");
    }
    let (status, body) = send(
        &dodo,
        reqwest::Method::GET,
        "/license_keys",
        Some("custom-token"),
        None,
    )
    .await;
    assert_eq!((status, parse(&body)), (200, json!({"items": []})));
}

#[tokio::test]
async fn public_routes_ignore_the_token_and_check_the_body() {
    let dodo = DodoEmulator::start().await;
    dodo.add_license(LicenseSeed::new("RAW-KEY-0001").activation_limit(1));
    let (status, body) = send(
        &dodo,
        reqwest::Method::POST,
        "/licenses/activate",
        Some("garbage"),
        Some(json!({"license_key": "RAW-KEY-0001", "name": "box"})),
    )
    .await;
    assert_eq!(status, 201);
    let instance = parse(&body);
    assert!(instance["id"].as_str().unwrap().starts_with("lki_"));
    let (status, body) = send(
        &dodo,
        reqwest::Method::POST,
        "/licenses/activate",
        None,
        Some(json!({"license_key": "RAW-KEY-0001", "name": "again"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(parse(&body)["code"], "LICENSE_KEY_LIMIT_REACHED");
    let (status, body) = send(
        &dodo,
        reqwest::Method::POST,
        "/licenses/deactivate",
        None,
        Some(json!({"license_key": "RAW-KEY-0001", "license_key_instance_id": instance["id"]})),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (200, ""),
        "deactivate answers an empty body"
    );
    let (status, body) = send(
        &dodo,
        reqwest::Method::POST,
        "/licenses/validate",
        None,
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(parse(&body)["code"], "INVALID_REQUEST_BODY");
    let (status, _) = send(
        &dodo,
        reqwest::Method::POST,
        "/licenses/activate",
        None,
        Some(json!({"license_key": "RAW-KEY-0001"})),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn lists_page_from_zero_with_a_default_of_ten() {
    let dodo = DodoEmulator::start().await;
    for n in 0..12 {
        dodo.add_license(LicenseSeed::new(format!("PAGE-KEY-{n:04}")));
    }
    let get = |q: &'static str| {
        let dodo = &dodo;
        async move {
            let (status, body) = send(
                dodo,
                reqwest::Method::GET,
                &format!("/license_keys{q}"),
                Some(DEFAULT_API_KEY),
                None,
            )
            .await;
            assert_eq!(status, 200);
            parse(&body)["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(get("").await, 10);
    assert_eq!(get("?page_number=1").await, 2);
    assert_eq!(get("?page_size=5&page_number=2").await, 2);
    assert_eq!(get("?page_size=500").await, 12);
    assert_eq!(get("?status=disabled").await, 0);
    let (status, _) = send(
        &dodo,
        reqwest::Method::GET,
        "/license_keys?page_size=-1",
        Some(DEFAULT_API_KEY),
        None,
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn seeding_from_fixture_bodies() {
    let dodo = DodoEmulator::start().await;
    let dir = format!("{}/../../fixtures/dodo", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(dodo.seed_from_dir(&dir).unwrap(), (3, 2));
    assert_eq!(
        dodo.seed_from_dir(&dir).unwrap(),
        (0, 0),
        "seeding twice adds nothing"
    );
    let key = dodo.key("lic_7namTC0VcgrnzrF3GTSwB").unwrap();
    assert_eq!(key["instances_count"], 2);
    assert_eq!(key["status"], "active");
    assert_eq!(
        dodo.key("lic_Qm3kV8xPzL1aR5tYw9NcE").unwrap()["status"],
        "disabled"
    );
    assert!(dodo.seed_json("{}", None).is_err());

    // Records without `created_at` were created at the emulator's (pinned) time.
    let pinned = chrono::DateTime::parse_from_rfc3339("2024-03-01T12:00:00Z")
        .unwrap()
        .to_utc();
    dodo.set_now(pinned);
    let keys = json!({"items": [{"id": "lic_seeded", "key": "SEEDED", "customer_id": "cus_1",
        "product_id": "pdt_1"}]});
    let instances = json!({"items": [{"id": "lki_seeded", "license_key_id": "lic_seeded",
        "name": "box"}]});
    let added = dodo.seed_json(&keys.to_string(), Some(&instances.to_string()));
    assert_eq!(added.unwrap(), (1, 1));
    assert_eq!(
        dodo.key("lic_seeded").unwrap()["created_at"],
        "2024-03-01T12:00:00.000000Z"
    );
    let (_, body) = send(
        &dodo,
        reqwest::Method::GET,
        "/license_key_instances?license_key_id=lic_seeded",
        Some(DEFAULT_API_KEY),
        None,
    )
    .await;
    assert_eq!(
        parse(&body)["items"][0]["created_at"],
        "2024-03-01T12:00:00.000000Z"
    );
    assert!(dodo.seed_from_dir("/nonexistent").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_activations_never_pass_the_limit() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(LicenseSeed::new("RACE").activation_limit(3));
    let client = reqwest::Client::new();
    let url = format!("{}/licenses/activate", dodo.uri());
    let attempts = (0..20).map(|n| {
        let request = client
            .post(&url)
            .json(&json!({"license_key": "RACE", "name": format!("device {n}")}));
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let mut statuses = Vec::new();
    for handle in attempts.map(tokio::spawn).collect::<Vec<_>>() {
        statuses.push(handle.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3);
    assert_eq!(statuses.iter().filter(|s| **s == 422).count(), 17);
    assert_eq!(dodo.instances_count(&id), 3);
}
