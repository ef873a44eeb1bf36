//! The shell's state knobs on all four emulators: `dump()` shows what requests changed,
//! `reset()` returns to the seed (`mark_seed()`), keeping outages and the request log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use keyward_emulator::{Emulator, Outage, Provider};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};

const KEY: &str = "STATE-KEY-0001";
const NOW: &str = "2026-01-15T10:00:00Z";

/// Marks the seed, changes the state with `change` (answered 2xx), checks that `dump` shows it
/// through `changed`, then resets and finds the seed's dump again, outage and log kept.
async fn dump_and_reset<P: Provider>(
    emulator: &Emulator<P>,
    change: RequestBuilder,
    changed: impl Fn(&Value) -> bool,
) {
    emulator.mark_seed();
    let seed = emulator.dump();
    assert_eq!(seed["now"], "2026-01-15T10:00:00+00:00");
    assert!(!changed(&seed["state"]), "{seed}");
    let status = change.send().await.unwrap().status();
    assert!(status.is_success(), "{status}");
    let after = emulator.dump();
    assert!(changed(&after["state"]), "{after}");

    emulator.advance(chrono::Duration::days(3));
    emulator.outage(Outage::status(503));
    let requests = emulator.received_requests().await.len();
    emulator.reset();
    assert_eq!(emulator.dump(), seed, "the clock is part of the seed too");
    assert_eq!(emulator.current_outage(), Some(Outage::status(503)));
    assert_eq!(emulator.received_requests().await.len(), requests);
    emulator.restore();
}

#[tokio::test]
async fn dodo_dump_and_reset() {
    let dodo = DodoEmulator::start().await;
    dodo.set_now(NOW.parse().unwrap());
    let id = dodo.add_license(DodoSeed::new(KEY).activation_limit(2));
    let dump = dodo.dump();
    assert_eq!(dump["provider"], "DodoEmulator");
    assert_eq!(dump["state"]["license_keys"][0]["id"], id.as_str());
    let activate = Client::new()
        .post(format!("{}/licenses/activate", dodo.uri()))
        .json(&json!({"license_key": KEY, "name": "laptop"}));
    dump_and_reset(&dodo, activate, |state| {
        state["license_key_instances"].as_array().unwrap().len() == 1
    })
    .await;
    assert_eq!(dodo.instances_count(&id), 0);
}

#[tokio::test]
async fn lemonsqueezy_dump_and_reset() {
    let lemon = LemonSqueezyEmulator::start().await;
    lemon.set_now(NOW.parse().unwrap());
    let id = lemon.add_license(LemonSeed::new(KEY));
    let patch = Client::new()
        .patch(format!("{}/v1/license-keys/{id}", lemon.uri()))
        .bearer_auth(lemon.api_key())
        .header("content-type", "application/vnd.api+json")
        .json(
            &json!({"data": {"type": "license-keys", "id": id.to_string(),
            "attributes": {"disabled": true}}}),
        );
    dump_and_reset(&lemon, patch, |state| {
        state["license-keys"][0]["attributes"]["status"] == "disabled"
    })
    .await;
    assert!(!lemon.key(id).unwrap().disabled);
}

#[tokio::test]
async fn devpayr_dump_and_reset() {
    let devpayr = DevPayrEmulator::start_seeded().await;
    devpayr.set_now(NOW.parse().unwrap());
    let revoke = Client::new()
        .post(format!(
            "{}project/{SEED_PROJECT}/licenses/4/revoke",
            devpayr.uri()
        ))
        .header("x-api-key", GLOBAL_KEY);
    dump_and_reset(&devpayr, revoke, |state| {
        state["licenses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == 4 && l["status"] == "revoked")
    })
    .await;
    assert_eq!(devpayr.license(4).unwrap()["status"], "active");
}

#[tokio::test]
async fn devpayr_start_seeded_resets_to_the_fixtures() {
    let devpayr = DevPayrEmulator::start_seeded().await;
    let seeded = devpayr.dump();
    let created = Client::new()
        .post(format!("{}project/{SEED_PROJECT}/licenses", devpayr.uri()))
        .header("x-api-key", GLOBAL_KEY)
        .json(&json!({"title": "one more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_ne!(devpayr.dump(), seeded);
    devpayr.reset();
    assert_eq!(devpayr.dump(), seeded);
}

#[tokio::test]
async fn signed_license_dump_and_reset() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(NOW.parse().unwrap());
    gkm.add_license(GkmSeed::new(KEY).activation_limit(2));
    let activate = Client::new()
        .post(format!("{}/api/v1/activate", gkm.uri()))
        .form(&[
            ("api_key", gkm.api_key().as_str()),
            ("license_key", KEY),
            ("identifier", "laptop"),
        ]);
    dump_and_reset(&gkm, activate, |state| {
        state["licenses"][0]["activations"] == json!(["laptop"])
    })
    .await;
    assert!(gkm.activations(KEY).is_empty());
}
