//! The knobs every emulator shares: `set_api_key` moves authentication, `received_requests`
//! records what arrived.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use license_emulator::devpayr::DevPayrEmulator;
use license_emulator::dodo::DodoEmulator;
use license_emulator::lemonsqueezy::LemonSqueezyEmulator;
use license_emulator::signed_license::SignedLicenseEmulator;

async fn get_status(url: String, bearer: &str) -> u16 {
    reqwest::Client::new()
        .get(url)
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn dodo_set_api_key_replaces_the_admin_token() {
    let dodo = DodoEmulator::start().await;
    let old = dodo.api_key();
    dodo.set_api_key("dodo-new-token");
    assert_eq!(dodo.api_key(), "dodo-new-token");
    let url = format!("{}/license_keys", dodo.uri());
    assert_eq!(get_status(url.clone(), &old).await, 401);
    assert_eq!(get_status(url, "dodo-new-token").await, 200);
    let requests = dodo.received_requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/license_keys");
}

#[tokio::test]
async fn signed_license_set_api_key_replaces_the_accepted_key() {
    let gkm = SignedLicenseEmulator::start().await;
    let old = gkm.api_key();
    gkm.set_api_key("gkm-new-key");
    let url = format!("{}/api/v1/get-license-keys", gkm.uri());
    // Wrong keys are a signed code 100 with HTTP 401; the right one a 730 with HTTP 200.
    assert_eq!(get_status(url.clone(), &old).await, 401);
    assert_eq!(get_status(url, "gkm-new-key").await, 200);
    assert_eq!(gkm.received_requests().await.len(), 2);
}

#[tokio::test]
async fn lemonsqueezy_and_devpayr_record_requests() {
    let lemon = LemonSqueezyEmulator::start().await;
    let url = format!("{}/v1/license-keys", lemon.uri());
    assert_eq!(get_status(url, &lemon.api_key()).await, 200);
    let requests = lemon.received_requests().await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/v1/license-keys");

    let devpayr = DevPayrEmulator::start().await;
    assert_eq!(get_status(devpayr.uri(), "unused").await, 200);
    assert_eq!(devpayr.received_requests().await.len(), 1);
}
