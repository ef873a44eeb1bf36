//! The knobs every emulator shares: `set_api_key` moves authentication, `received_requests`
//! records what arrived.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::devpayr::DevPayrEmulator;
use keyward_emulator::dodo::DodoEmulator;
use keyward_emulator::lemonsqueezy::LemonSqueezyEmulator;
use keyward_emulator::signed_license::SignedLicenseEmulator;

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

#[tokio::test]
async fn start_on_binds_the_port_asked_for_and_says_when_it_is_taken() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let lemon = LemonSqueezyEmulator::start_on(port).await.unwrap();
    assert_eq!(lemon.uri(), format!("http://127.0.0.1:{port}"));
    let url = format!("{}/v1/license-keys", lemon.uri());
    assert_eq!(get_status(url, &lemon.api_key()).await, 200);

    // The port of a running emulator is taken.
    let taken = DodoEmulator::start_on(port).await.unwrap_err();
    assert_eq!(taken.kind(), std::io::ErrorKind::AddrInUse);
    let devpayr = DevPayrEmulator::start_on(0).await.unwrap();
    assert!(devpayr.uri().ends_with("/api/v1/"), "{}", devpayr.uri());
}

#[tokio::test]
async fn start_with_api_key_keeps_its_key_across_reset() {
    let dodo = DodoEmulator::start_with_api_key("dodo-seeded-token").await;
    dodo.set_api_key("changed");
    dodo.reset();
    assert_eq!(dodo.api_key(), "dodo-seeded-token");
}

#[tokio::test]
async fn dropping_an_emulator_closes_its_port() {
    let gkm = SignedLicenseEmulator::start().await;
    let addr = gkm.uri().trim_start_matches("http://").to_owned();
    assert!(std::net::TcpStream::connect(&addr).is_ok());
    drop(gkm);
    // The front's thread ends on its own; give it a moment on a busy machine.
    let mut refused = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(&addr).is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(refused, "{addr} still accepts connections");
}

#[tokio::test]
async fn faults_fail_every_nth_request_before_or_after_applying_it() {
    use keyward_emulator::Fault;
    let dodo = DodoEmulator::start().await;
    dodo.add_product("pdt_1", "Product");
    dodo.add_customer("cus_1", "c@example.com", "C");
    dodo.require_known_references(true);
    dodo.add_fault(Fault::every(3, "POST", "/license_keys", 429).retry_after(2));
    dodo.add_fault(Fault::every(2, "POST", "/license_keys", 503).after_applying());
    let create = |key: String, product: &'static str| {
        let url = format!("{}/license_keys", dodo.uri());
        let token = dodo.api_key();
        async move {
            let answer = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .json(&serde_json::json!({
                    "key": key, "customer_id": "cus_1", "product_id": product,
                }))
                .send()
                .await
                .unwrap();
            let retry_after = answer
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (answer.status().as_u16(), retry_after)
        }
    };
    // 1: created; 2: created, answered 503; 3: 429 first (not applied), 4: created; 5: 404.
    assert_eq!(create("K1".into(), "pdt_1").await, (201, None));
    assert_eq!(create("K2".into(), "pdt_1").await, (503, None));
    assert_eq!(create("K3".into(), "pdt_1").await, (429, Some("2".into())));
    assert_eq!(create("K4".into(), "pdt_1").await.0, 503);
    assert_eq!(create("K5".into(), "pdt_unknown").await, (404, None));
    let keys: Vec<String> = dodo.dump()["state"]["license_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["K1", "K2", "K4"]);
    // The products and customers answer; restore ends the faults.
    let product = format!("{}/products/pdt_1", dodo.uri());
    assert_eq!(get_status(product, &dodo.api_key()).await, 200);
    let missing = format!("{}/customers/cus_2", dodo.uri());
    assert_eq!(get_status(missing, &dodo.api_key()).await, 404);
    dodo.restore();
    assert_eq!(create("K6".into(), "pdt_1").await, (201, None));
}
