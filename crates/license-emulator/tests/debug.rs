//! Canary: no emulator prints its API key or the license keys it holds in `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use license_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, PROJECT_KEY};
use license_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use license_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use license_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};

const CANARY: &str = "CANARY-LICENSE-KEY-7f3a";

fn assert_hidden(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("127.0.0.1"), "{debug}");
}

#[tokio::test]
async fn debug_shows_the_address_and_no_key() {
    let dodo = DodoEmulator::start_with_api_key("dodo-canary-api-key").await;
    dodo.add_license(DodoSeed::new(CANARY));
    assert_hidden(&format!("{dodo:?}"), &["dodo-canary-api-key", CANARY]);

    let lemon = LemonSqueezyEmulator::start().await;
    lemon.set_api_key("ls-canary-api-key");
    lemon.add_license(LemonSeed::new(CANARY));
    assert_hidden(&format!("{lemon:?}"), &["ls-canary-api-key", CANARY]);

    let devpayr = DevPayrEmulator::start_seeded().await;
    let license = devpayr.license_key(5).unwrap();
    assert_hidden(
        &format!("{devpayr:?}"),
        &[GLOBAL_KEY, PROJECT_KEY, &license],
    );

    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(GkmSeed::new(CANARY));
    let api_key = gkm.api_key();
    assert_hidden(&format!("{gkm:?}"), &[&api_key, CANARY]);
}
