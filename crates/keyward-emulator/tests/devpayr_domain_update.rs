#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The DevPayr emulator's `PUT /project/{p}/domain/{d}`: optional fields, boolean-like strings,
//! 404 outside the project, 422 field errors that change nothing.

use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_OTHER_PROJECT, SEED_PROJECT};
use serde_json::{Value, json};

async fn put(emulator: &DevPayrEmulator, project: u64, domain: u64, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .put(format!(
            "{}project/{project}/domain/{domain}",
            emulator.uri()
        ))
        .header("X-API-KEY", GLOBAL_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn seeded() -> DevPayrEmulator {
    let emulator = DevPayrEmulator::start_seeded().await;
    emulator.set_now("2026-01-15T10:00:00Z".parse().unwrap());
    emulator
}

#[tokio::test]
async fn an_update_changes_only_the_fields_sent_and_accepts_boolean_like_strings() {
    let emulator = seeded().await;
    let before = emulator.dump()["state"]["domains"][0].clone();
    assert_eq!(before["id"], 3);
    let (status, body) = put(
        &emulator,
        SEED_PROJECT,
        3,
        json!({"environment": "staging", "is_active": "0", "is_verified": 1}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["message"], "Domain updated successfully.");
    let data = &body["data"];
    assert_eq!(data["environment"], "staging");
    assert_eq!(data["is_active"], false);
    assert_eq!(data["is_verified"], true);
    assert_eq!(data["domain"], before["domain"], "not sent, kept");
    assert_eq!(data["has_paid"], before["has_paid"]);
    assert_eq!(data["updated_at"], "2026-01-15T10:00:00.000000Z");
    assert_eq!(
        emulator.dump()["state"]["domains"][0],
        *data,
        "kept in state"
    );

    let (status, body) = put(&emulator, SEED_PROJECT, 3, json!({})).await;
    assert_eq!(
        (status, &body["data"]["environment"]),
        (200, &json!("staging"))
    );
}

#[tokio::test]
async fn unknown_and_foreign_domains_are_404_and_bad_fields_422_without_a_change() {
    let emulator = seeded().await;
    let (status, body) = put(&emulator, SEED_PROJECT, 999, json!({"has_paid": true})).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Domain not found."))
    );
    let (status, _) = put(&emulator, SEED_OTHER_PROJECT, 3, json!({"has_paid": true})).await;
    assert_eq!(status, 404, "a domain of another project");

    let before = emulator.dump()["state"]["domains"].clone();
    let (status, body) = put(
        &emulator,
        SEED_PROJECT,
        3,
        json!({"environment": "moon", "is_locked": "maybe", "domain": "renamed.example.com"}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["environment"],
        json!(["The selected environment is invalid."])
    );
    assert_eq!(
        body["errors"]["is_locked"],
        json!(["The is_locked field must be true or false."])
    );
    assert_eq!(
        emulator.dump()["state"]["domains"],
        before,
        "nothing changed"
    );
}
