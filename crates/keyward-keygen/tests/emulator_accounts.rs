//! The Keygen emulator's account-wide rules over HTTP: its plan's licensed user limit, pooled
//! policies, default permissions, usage limits and the token format
//! (features/api/v1/licenses/create.feature, update.feature).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{AccountPlan, KeygenEmulator, LicenseSeed, UserRole, UserSeed};
use serde_json::{Value, json};

const PRODUCT: &str = "5b0e1f7c-8f4e-4c1a-9d2b-0a1b2c3d4e01";
const POLICY: &str = "5b0e1f7c-8f4e-4c1a-9d2b-0a1b2c3d4e02";

/// `method path` with `body` as the admin (or `token`); the status and the body.
async fn send(
    emulator: &KeygenEmulator,
    method: reqwest::Method,
    path: &str,
    body: Value,
    token: Option<&str>,
) -> (u16, Value) {
    let url = format!(
        "{}/v1/accounts/{}/{path}",
        emulator.uri(),
        emulator.account_id()
    );
    let token = token.map_or_else(|| emulator.api_key(), str::to_owned);
    let response = reqwest::Client::new()
        .request(method, url)
        .header("content-type", "application/vnd.api+json")
        .header("accept", "application/vnd.api+json")
        .bearer_auth(token)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn create(emulator: &KeygenEmulator, attributes: Value) -> (u16, Value) {
    let body = json!({"data": {
        "type": "licenses",
        "attributes": attributes,
        "relationships": {"policy": {"data": {"type": "policies", "id": POLICY}}},
    }});
    send(emulator, reqwest::Method::POST, "licenses", body, None).await
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

fn policy() -> LicenseSeed {
    LicenseSeed::new("policy").product(PRODUCT, POLICY)
}

#[tokio::test]
async fn a_trialing_account_without_a_card_stops_at_its_licensed_user_limit() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_policy(POLICY, policy());
    emulator.add_license(policy().id("0c7f5a52-1111-4a55-8a2b-6d0c9f0d1a01"));
    emulator.set_account_plan(AccountPlan::new().limits(Some(2), None).trialing(true));
    // With a card on file the trial has no limit.
    assert_eq!(create(&emulator, json!({})).await.0, 201);
    emulator.set_account_plan(
        AccountPlan::new()
            .limits(Some(2), None)
            .trialing(true)
            .card_on_file(false),
    );
    let (status, body) = create(&emulator, json!({})).await;
    assert_eq!(status, 402);
    assert_eq!(error_code(&body), "ACCOUNT_ALU_LIMIT_EXCEEDED");
    assert_eq!(
        body["errors"][0]["source"]["pointer"],
        "/data/relationships/account"
    );
    // A free tier too, whatever its billing.
    emulator.set_account_plan(AccountPlan::new().limits(Some(2), None).free(true));
    assert_eq!(create(&emulator, json!({})).await.0, 402);
    emulator.set_account_plan(AccountPlan::new().limits(Some(3), None).free(true));
    assert_eq!(create(&emulator, json!({})).await.0, 201);
}

#[tokio::test]
async fn a_pooled_policy_hands_out_its_keys_then_refuses() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_policy(POLICY, policy().use_pool(true));
    emulator.add_pooled_key(POLICY, "POOLED-KEY-1");
    let (status, body) = create(&emulator, json!({})).await;
    assert_eq!(status, 201);
    assert_eq!(body["data"]["attributes"]["key"], "POOLED-KEY-1");
    let (status, body) = create(&emulator, json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "POLICY_POOL_EMPTY");
    // A key of its own needs no pool.
    assert_eq!(create(&emulator, json!({"key": "OWN-KEY-1"})).await.0, 201);
}

#[tokio::test]
async fn a_license_overrides_its_policys_usage_limit() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_policy(POLICY, policy().max_uses(100));
    let (status, body) = create(&emulator, json!({"maxUses": 500})).await;
    assert_eq!(status, 201);
    assert_eq!(body["data"]["attributes"]["maxUses"], 500);
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let patch = json!({"data": {"type": "licenses", "attributes": {"maxUses": null}}});
    let path = format!("licenses/{id}");
    let (status, body) = send(&emulator, reqwest::Method::PATCH, &path, patch, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["attributes"]["maxUses"], 100);
    let (status, body) = create(&emulator, json!({"maxUses": -1})).await;
    assert_eq!(status, 422);
    assert_eq!(error_code(&body), "MAX_USES_INVALID");
}

#[tokio::test]
async fn new_licenses_take_the_accounts_default_permissions() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_policy(POLICY, policy());
    emulator.set_default_license_permissions(Some(vec!["license.validate".to_owned()]));
    let id = emulator.add_license(policy().id("0c7f5a52-2222-4a55-8a2b-6d0c9f0d1a01"));
    assert_eq!(
        emulator.license(&id).unwrap().permissions,
        Some(vec!["license.validate".to_owned()])
    );
    let (status, body) = create(&emulator, json!({})).await;
    assert_eq!(status, 201);
    let created = body["data"]["id"].as_str().unwrap();
    assert_eq!(
        emulator.license(created).unwrap().permissions,
        Some(vec!["license.validate".to_owned()])
    );
}

#[tokio::test]
async fn a_token_id_or_a_null_byte_is_refused() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_policy(POLICY, policy());
    let uuid = "852da78f-1444-4462-8863-d7b9fff9e003";
    let (status, body) = send(
        &emulator,
        reqwest::Method::GET,
        "licenses",
        Value::Null,
        Some(uuid),
    )
    .await;
    assert_eq!((status, error_code(&body)), (401, "TOKEN_FORMAT_INVALID"));
    let (status, body) = create(&emulator, json!({"name": "Foo\u{0}"})).await;
    assert_eq!((status, error_code(&body)), (400, "ENCODING_INVALID"));
}

#[tokio::test]
async fn a_users_token_may_do_only_what_both_it_and_the_user_may() {
    let emulator = KeygenEmulator::start().await;
    // An unprotected policy: a user may create licenses for themself.
    emulator.add_policy(POLICY, policy().protected(false));
    for (token, token_permissions, status) in [
        ("NARROW-TOKEN", "license.read", 403),
        ("WIDE-TOKEN", "*", 201),
    ] {
        let user = emulator.add_user(
            UserSeed::new(UserRole::User)
                .token(token)
                .permissions(["license.create", "license.read"])
                .token_permissions([token_permissions]),
        );
        let body = json!({"data": {
            "type": "licenses",
            "relationships": {
                "policy": {"data": {"type": "policies", "id": POLICY}},
                "user": {"data": {"type": "users", "id": user}},
            },
        }});
        let answer = send(
            &emulator,
            reqwest::Method::POST,
            "licenses",
            body,
            Some(token),
        )
        .await;
        assert_eq!(answer.0, status, "{token}: {}", answer.1);
    }
}
