//! The shell's outage knobs on all four emulators, seen by a real HTTP client: refused
//! connections, hung requests, 503, 429 with `Retry-After`, added latency, and the way back with
//! the state intact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use keyward_emulator::{Emulator, Outage, Provider};
use reqwest::{Client, RequestBuilder};

const KEY: &str = "OUTAGE-KEY-0001";
/// How long a hung request is waited for: any answer at all would come far sooner.
const HANG_TIMEOUT: Duration = Duration::from_secs(1);

/// A client without pooled connections, so every request opens its own.
fn client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(HANG_TIMEOUT)
        .build()
        .unwrap()
}

/// The address part of the emulator's URL.
fn socket_addr(uri: &str) -> String {
    let url = reqwest::Url::parse(uri).unwrap();
    format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
}

/// Runs every knob against `emulator`, whose `probe` answers 200 when it is up.
async fn every_knob<P: Provider>(
    emulator: &Emulator<P>,
    probe: impl Fn(&Client) -> RequestBuilder,
) {
    let client = client();
    let status = |response: reqwest::Response| response.status().as_u16();
    assert_eq!(status(probe(&client).send().await.unwrap()), 200);

    // Nothing listens: the kernel refuses the connection.
    emulator.outage(Outage::Refuse);
    assert_eq!(emulator.current_outage(), Some(Outage::Refuse));
    let error = probe(&client).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    let raw = std::net::TcpStream::connect(socket_addr(&emulator.uri())).unwrap_err();
    assert_eq!(raw.kind(), std::io::ErrorKind::ConnectionRefused);
    emulator.restore();
    assert_eq!(status(probe(&client).send().await.unwrap()), 200);

    // Accepted, never answered.
    emulator.outage(Outage::Hang);
    let error = probe(&client).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(std::net::TcpStream::connect(socket_addr(&emulator.uri())).is_ok());
    emulator.restore();
    assert_eq!(status(probe(&client).send().await.unwrap()), 200);

    // A status, with and without Retry-After.
    emulator.outage(Outage::status(503));
    let response = probe(&client).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().get("retry-after").is_none());
    emulator.outage(Outage::too_many_requests(Some(7)));
    let response = probe(&client).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    emulator.restore();
    assert_eq!(emulator.current_outage(), None);

    // Latency: at least what was configured (no upper bound: the machine is noisy).
    let latency = Duration::from_millis(300);
    emulator.set_latency(latency);
    let started = Instant::now();
    let response = probe(&Client::new()).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(started.elapsed() >= latency, "{:?}", started.elapsed());
    emulator.restore();
    assert_eq!(status(probe(&client).send().await.unwrap()), 200);
}

#[tokio::test]
async fn dodo_outages_and_back_with_state() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(DodoSeed::new(KEY).activation_limit(1));
    let activate = Client::new()
        .post(format!("{}/licenses/activate", dodo.uri()))
        .json(&serde_json::json!({"license_key": KEY, "name": "laptop"}))
        .send()
        .await
        .unwrap();
    assert_eq!(activate.status().as_u16(), 201);
    every_knob(&dodo, |c| {
        c.post(format!("{}/licenses/validate", dodo.uri()))
            .json(&serde_json::json!({"license_key": KEY}))
    })
    .await;
    assert_eq!(dodo.instances_count(&id), 1);
}

#[tokio::test]
async fn lemonsqueezy_outages_and_back_with_state() {
    let lemon = LemonSqueezyEmulator::start().await;
    let id = lemon.add_license(LemonSeed::new(KEY));
    lemon.add_instance(id, "laptop").unwrap();
    every_knob(&lemon, |c| {
        c.post(format!("{}/v1/licenses/validate", lemon.uri()))
            .form(&[("license_key", KEY)])
    })
    .await;
    assert_eq!(lemon.instances(id).len(), 1);
}

#[tokio::test]
async fn devpayr_outages_and_back_with_state() {
    let devpayr = DevPayrEmulator::start_seeded().await;
    let revoked = Client::new()
        .post(format!(
            "{}project/{SEED_PROJECT}/licenses/4/revoke",
            devpayr.uri()
        ))
        .header("x-api-key", GLOBAL_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status().as_u16(), 200);
    every_knob(&devpayr, |c| {
        c.get(format!(
            "{}project/{SEED_PROJECT}/licenses/5",
            devpayr.uri()
        ))
        .header("x-api-key", GLOBAL_KEY)
    })
    .await;
    assert_eq!(devpayr.license(4).unwrap()["status"], "revoked");
}

#[tokio::test]
async fn signed_license_outages_and_back_with_state() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(GkmSeed::new(KEY).activation_limit(2));
    let fields = [
        ("api_key", gkm.api_key()),
        ("license_key", KEY.to_owned()),
        ("identifier", "laptop".to_owned()),
    ];
    let activated = Client::new()
        .post(format!("{}/api/v1/activate", gkm.uri()))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(activated.status().as_u16(), 200);
    every_knob(&gkm, |c| {
        c.post(format!("{}/api/v1/verify", gkm.uri())).form(&fields)
    })
    .await;
    assert_eq!(gkm.activations(KEY), ["laptop"]);
}

#[tokio::test]
async fn a_hung_connection_is_closed_when_the_emulator_comes_back() {
    let dodo = DodoEmulator::start().await;
    dodo.outage(Outage::Hang);
    let uri = dodo.uri();
    let pending = tokio::spawn(async move {
        Client::new()
            .get(format!("{uri}/license_keys"))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    dodo.restore();
    // The client is not left waiting forever: its connection is cut.
    let outcome = tokio::time::timeout(Duration::from_secs(30), pending)
        .await
        .expect("the hung request ended")
        .unwrap();
    assert!(outcome.is_err(), "{outcome:?}");
}

#[tokio::test]
async fn an_out_of_range_status_answers_500_instead_of_killing_the_server() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.outage(Outage::status(42));
    let url = format!("{}/api/v1/verify", gkm.uri());
    let response = Client::new().post(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 500);
    gkm.restore();
    // Back to the install's own answer: a signed code 100 (no API key) with HTTP 401.
    let response = Client::new().post(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
}
