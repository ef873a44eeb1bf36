//! Hostile requests (odd paths, methods, content types, bodies and numbers) get an HTTP answer
//! below 500 from every emulator, and the server keeps answering: a panic inside a wiremock
//! responder would drop the connection and kill the user's test server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY};
use keyward_emulator::dodo::{DEFAULT_API_KEY as DODO_KEY, DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{
    DEFAULT_API_KEY as LS_KEY, LemonSqueezyEmulator, LicenseSeed as LemonSeed,
};
use keyward_emulator::signed_license::{
    DEFAULT_API_KEY as GKM_KEY, LicenseSeed as GkmSeed, SignedLicenseEmulator,
};

const HUGE: &str = "184467440737095516160000";

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/json", b"{not json".to_vec()),
        ("application/json", b"[1,2,3]".to_vec()),
        ("application/json", vec![0xff, 0xfe, 0x00, 0x7b]),
        (
            "application/json",
            format!(
                r#"{{"license_key":{HUGE},"name":[],"activations_limit":1e308,"expires_at":{{}}}}"#
            )
            .into_bytes(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"a=%ff%fe&&=&license_key".to_vec(),
        ),
        ("text/plain", "é😀/\\\"".as_bytes().to_vec()),
        (
            "application/vnd.api+json",
            br#"{"data":{"type":"license-keys","id":[],"attributes":7}}"#.to_vec(),
        ),
    ]
}

async fn hammer(base: &str, paths: &[&str], auth: &[(&str, &str)]) {
    let client = reqwest::Client::new();
    for path in paths {
        for method in ["GET", "POST", "PATCH", "DELETE", "PUT"] {
            for (content_type, body) in bodies() {
                let mut request = client
                    .request(method.parse().unwrap(), format!("{base}{path}"))
                    .header("content-type", content_type)
                    .body(body);
                for (name, value) in auth {
                    request = request.header(*name, *value);
                }
                let response = request
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{method} {path} ({content_type}): {e}"));
                let status = response.status().as_u16();
                assert!(status < 500, "{method} {path} ({content_type}): {status}");
            }
        }
    }
}

#[tokio::test]
async fn dodo_survives_hostile_requests() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(DodoSeed::new("K").activation_limit(1));
    let paths = [
        "/licenses/activate",
        "/licenses/validate",
        "/licenses/deactivate",
        "/license_keys",
        &format!("/license_keys/{id}"),
        "/license_keys?page_size=99999999999999999999&page_number=18446744073709551615",
        "/license_keys?created_at_gte=nonsense&status=%00",
        "/license_key_instances?page_number=18446744073709551615&page_size=100",
        "/license_key_instances/%2e%2e%2f",
        "//license_keys//",
        "/%ff%fe",
    ];
    let bearer = format!("Bearer {DODO_KEY}");
    hammer(&dodo.uri(), &paths, &[("authorization", &bearer)]).await;
    assert_eq!(dodo.instances_count(&id), 0);
    assert!(dodo.key(&id).is_some());
}

#[tokio::test]
async fn lemonsqueezy_survives_hostile_requests() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LemonSeed::new("K"));
    let paths = [
        "/v1/licenses/activate",
        "/v1/licenses/validate?license_key=K&instance_id=%00",
        "/v1/licenses/deactivate",
        "/v1/license-keys",
        "/v1/license-keys/1",
        &format!("/v1/license-keys/{HUGE}"),
        "/v1/license-keys?page[number]=18446744073709551615&page[size]=18446744073709551615",
        "/v1/license-keys?page%5Bnumber%5D=0&filter[status]=%ff",
        "/v1/license-key-instances?filter[license_key_id]=-1&include=license-key,,",
        "/v1/license-key-instances/1?include=license-key",
        "/v1/%2e%2e/license-keys",
    ];
    let bearer = format!("Bearer {LS_KEY}");
    hammer(&emulator.uri(), &paths, &[("authorization", &bearer)]).await;
    assert_eq!(emulator.key(1).unwrap().key, "K");
}

#[tokio::test]
async fn devpayr_survives_hostile_requests() {
    let emulator = DevPayrEmulator::start_seeded().await;
    let paths = [
        "",
        "project/has-paid?license=%ff&domain=:::&action=check_project&include=injectables",
        "injectable/stream?per_page=0",
        "project/2/licenses?per_page=18446744073709551616&cursor=%%%",
        "project/2/licenses?cursor=eyJsaWNlbnNlcy5pZCI6LTF9",
        "project/2/licenses/5",
        "project/2/licenses/5/revoke",
        "project/2/licenses/5/reactivate",
        &format!("project/{HUGE}/licenses"),
        "project/2/domains",
        "project/2/domain/3",
        "project/2/has-paid?domain=%00",
    ];
    hammer(
        &emulator.uri(),
        &paths,
        &[
            ("x-api-key", GLOBAL_KEY),
            ("x-license-key", "' OR 1=1 --"),
            ("x-devpayr-domain", "localhost:99999999999"),
        ],
    )
    .await;
    assert!(emulator.license(4).is_some());
}

#[tokio::test]
async fn signed_license_survives_hostile_requests() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(GkmSeed::new("K").activation_limit(u32::MAX));
    let with_key = |endpoint: &str| format!("/api/v1/{endpoint}?api_key={GKM_KEY}");
    let paths = [
        with_key("verify"),
        with_key("activate&license_key=K&identifier=%ff"),
        with_key("deactivate&license_key=K&identifier=x"),
        with_key("get-license-keys"),
        with_key(&format!(
            "get-available-license-keys-count&product_id={HUGE}"
        )),
        with_key("create-license-keys&license_keys=[[]]&product_id=1"),
        with_key("create-license-key-meta&license_key=K&identifier=x&key=k&value=v"),
        with_key("send-telemetry-data"),
        "/api/v1/".to_owned(),
        "/api/v1/verify/extra".to_owned(),
    ];
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    hammer(&gkm.uri(), &paths, &[]).await;
    assert!(gkm.activations("K").len() <= 1);
}
