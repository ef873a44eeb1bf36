//! The client against the signed-license emulator: the licensing flows, and the emulator's
//! refusal knobs (unsigned, stale, future, tampered, other key).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::DateTime;
use keyward_core::{ApiKey, FixedClock, SecretLicenseKey};
use keyward_emulator::signed_license::{LicenseSeed, SignedLicenseEmulator, SigningMode};
use keyward_signed_license::models::{Activation, Deactivation};
use keyward_signed_license::{Client, KeySet, PublicKey, ResponseCode, offline};

const T0: i64 = 1_764_000_000;

struct Setup {
    gkm: SignedLicenseEmulator,
    clock: Arc<FixedClock>,
    client: Client,
}

async fn setup() -> Setup {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(at(T0));
    let clock = Arc::new(FixedClock::new(DateTime::from_timestamp(T0, 0).unwrap()));
    let key = PublicKey::from_pem("emulator", gkm.public_key_pem()).unwrap();
    let client = Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(gkm.api_key()).unwrap())
        .keys(KeySet::new(key))
        .product_id(1)
        .clock(clock.clone())
        .build()
        .unwrap();
    Setup { gkm, clock, client }
}

impl Setup {
    /// Moves both clocks on, as time passes between calls.
    fn tick(&self, seconds: i64) {
        self.gkm.advance(chrono::Duration::seconds(seconds));
        self.clock.advance(chrono::Duration::seconds(seconds));
    }
}

fn lk(s: &str) -> SecretLicenseKey {
    SecretLicenseKey::new(s)
}

#[tokio::test]
async fn activate_verify_deactivate_flow_with_an_activation_limit() {
    let s = setup().await;
    s.gkm
        .add_license(LicenseSeed::new("KEY-AAAA-0001").activation_limit(1));
    let key = lk("KEY-AAAA-0001");

    let r = s.client.verify(&key, "host-a").await.unwrap();
    assert_eq!(
        r.answer().refusal().unwrap().code,
        ResponseCode::NoActivation
    );
    s.tick(1);
    assert_eq!(
        s.client.activate(&key, "host-a").await.unwrap().done(),
        Some(&Activation::Activated)
    );
    assert_eq!(s.gkm.activations("KEY-AAAA-0001"), ["host-a"]);
    s.tick(1);
    assert!(s.client.verify(&key, "host-a").await.unwrap().is_done());
    s.tick(1);
    assert_eq!(
        s.client.activate(&key, "host-a").await.unwrap().done(),
        Some(&Activation::AlreadyActive)
    );
    s.tick(1);
    let r = s.client.activate(&key, "host-b").await.unwrap();
    assert_eq!(
        r.answer().refusal().unwrap().code,
        ResponseCode::ActivationLimitReached
    );
    s.tick(1);
    // The emulator sends deactivate's code as the string "400", like the real server.
    assert_eq!(
        s.client.deactivate(&key, "host-a").await.unwrap().done(),
        Some(&Deactivation::Deactivated)
    );
    s.tick(1);
    assert_eq!(
        s.client.deactivate(&key, "host-a").await.unwrap().done(),
        Some(&Deactivation::AlreadyInactive)
    );
    s.tick(1);
    assert_eq!(
        s.client
            .verify(&key, "host-a")
            .await
            .unwrap()
            .answer()
            .refusal()
            .unwrap()
            .code,
        ResponseCode::NoActivation
    );
    s.tick(1);
    assert_eq!(
        s.client
            .verify(&lk("NOPE-0000-0000"), "host-a")
            .await
            .unwrap()
            .answer()
            .refusal()
            .unwrap()
            .code,
        ResponseCode::InvalidLicenseKey
    );
    let e = s.client.activate(&key, "").await.unwrap_err();
    assert!(e.is_config() && e.to_string().contains("identifier"), "{e}");
}

#[tokio::test]
async fn assign_and_activate_then_details_meta_and_downloadables() {
    let s = setup().await;
    s.gkm
        .add_license(LicenseSeed::new("KEY-BBBB-0002").unassigned());
    s.gkm.add_release(1, 102, "1.0.2");
    let key = lk("KEY-BBBB-0002");
    assert_eq!(
        s.client
            .verify(&key, "h")
            .await
            .unwrap()
            .answer()
            .refusal()
            .unwrap()
            .code,
        ResponseCode::LicenseKeyNotAssigned
    );
    let r = s
        .client
        .assign_and_activate(&key, "h", "Ann", "ann@example.test")
        .await
        .unwrap();
    assert_eq!(r.done(), Some(&Activation::Activated));

    let d = s.client.license_key_details(&key, "h").await.unwrap();
    let d = d.done().unwrap();
    assert_eq!(
        (d.license_key.owner_name.as_deref(), d.product.id),
        (Some("Ann"), 1)
    );
    assert_eq!(d.license_key.license_key, key);

    assert_eq!(
        s.client
            .create_license_key_meta(&key, "h", "seats", "5")
            .await
            .unwrap()
            .done(),
        Some(&1)
    );
    assert_eq!(
        s.client
            .create_license_key_meta(&key, "h", "seats", "6")
            .await
            .unwrap()
            .answer()
            .refusal()
            .unwrap()
            .code,
        ResponseCode::LicenseMetaKeyExists
    );
    assert_eq!(
        s.client
            .update_license_key_meta(&key, "h", "seats", "9")
            .await
            .unwrap()
            .done(),
        Some(&1)
    );
    assert_eq!(
        s.gkm.meta("KEY-BBBB-0002"),
        [("seats".to_owned(), "9".to_owned())]
    );
    assert!(
        s.client
            .delete_license_key_meta(&key, "h", "seats")
            .await
            .unwrap()
            .is_done()
    );
    assert!(s.gkm.meta("KEY-BBBB-0002").is_empty());

    let list = s.client.downloadables(&key, "h").await.unwrap();
    s.tick(1);
    assert!(s.gkm.unassign("KEY-BBBB-0002"));
    let r = s.client.verify(&key, "h").await.unwrap();
    assert_eq!(
        r.answer().refusal().unwrap().code,
        ResponseCode::LicenseKeyNotAssigned
    );
    let list = list.done().unwrap();
    assert_eq!((list.len(), list[0].version.as_str()), (1, "1.0.2"));
}

#[tokio::test]
async fn key_management_against_the_emulator() {
    let s = setup().await;
    let spec = keyward_signed_license::models::LicenseKeySpec::new(
        1,
        2,
        365,
        keyward_signed_license::models::LicenseKeyStatus::Available,
    );
    let r = s
        .client
        .create_license_keys(&[lk("N-1"), lk("N-2")], &spec)
        .await
        .unwrap();
    assert_eq!(r.done().unwrap().created, 2);
    assert_eq!(
        s.client
            .available_license_keys_count(Some(1))
            .await
            .unwrap()
            .done(),
        Some(&2)
    );
    assert!(
        s.client
            .assign_license_key(&lk("N-1"), Some("Bo"), None)
            .await
            .unwrap()
            .is_done()
    );
    assert_eq!(
        s.client
            .assign_license_key(&lk("N-1"), None, None)
            .await
            .unwrap()
            .answer()
            .refusal()
            .unwrap()
            .code,
        ResponseCode::InvalidOrAlreadyAssigned
    );
    assert_eq!(
        s.client.license_keys().await.unwrap().done().unwrap().len(),
        2
    );
    assert!(
        s.client
            .delete_license_key(&lk("N-2"))
            .await
            .unwrap()
            .is_done()
    );
    assert_eq!(
        s.client
            .available_license_keys_count(None)
            .await
            .unwrap()
            .done(),
        Some(&0)
    );
    assert!(
        s.client
            .available_license_keys_count(Some(99))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn the_refusal_knobs_are_refused() {
    let s = setup().await;
    s.gkm.add_license(LicenseSeed::new("KEY-CCCC-0003"));
    let key = lk("KEY-CCCC-0003");
    s.client.activate(&key, "h").await.unwrap();
    for mode in [
        SigningMode::Unsigned,
        SigningMode::Stale(301),
        SigningMode::FutureDated(120),
        SigningMode::Tampered,
        SigningMode::OtherKey,
    ] {
        s.tick(1);
        s.gkm.set_mode(mode);
        let e = s.client.verify(&key, "h").await.unwrap_err();
        assert!(e.is_signature(), "{mode:?}: {e}");
    }
    s.tick(1);
    s.gkm.set_mode(SigningMode::Signed);
    assert!(s.client.verify(&key, "h").await.unwrap().is_done());
}

#[tokio::test]
async fn a_wrong_api_key_is_a_signed_401_and_unknown_routes_are_html() {
    let s = setup().await;
    let key = PublicKey::from_pem("emulator", s.gkm.public_key_pem()).unwrap();
    let client = Client::builder()
        .base_url(s.gkm.uri())
        .api_key(ApiKey::new("wrong-key").unwrap())
        .keys(KeySet::new(key))
        .clock(s.clock.clone())
        .build()
        .unwrap();
    let e = client.verify(&lk("k"), "h").await.unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
    assert_eq!(e.status(), Some(401));
    // The emulator does not serve contracts: its HTML 404 is a transport error, not a signature one.
    let e = s.client.contracts().await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(!e.is_signature());
}

#[tokio::test]
async fn an_answer_saved_for_offline_use_reverifies() {
    let s = setup().await;
    s.gkm.add_license(LicenseSeed::new("KEY-DDDD-0004"));
    let key = lk("KEY-DDDD-0004");
    s.client.activate(&key, "h").await.unwrap();
    s.tick(1);
    let r = s.client.verify(&key, "h").await.unwrap();
    let path = std::env::temp_dir().join(format!("gkm-offline-{}.json", std::process::id()));
    offline::save(&path, r.verified().envelope()).unwrap();
    s.clock.advance(chrono::Duration::days(2));
    let check = s
        .client
        .verifier()
        .check_saved(&path, chrono::Duration::days(7))
        .unwrap();
    assert_eq!(check.verified.value().code(), ResponseCode::ValidLicenseKey);
    assert!(!check.clock_tampered);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_rolled_back_answer_is_refused_by_the_replay_guard() {
    let s = setup().await;
    s.gkm.add_license(LicenseSeed::new("KEY-EEEE-0005"));
    let key = lk("KEY-EEEE-0005");
    s.client.activate(&key, "h").await.unwrap();
    s.tick(5);
    assert!(s.client.verify(&key, "h").await.unwrap().is_done());
    // The server (or an attacker replaying its older answers) goes back in time.
    s.gkm.set_now(at(T0 + 2));
    let e = s.client.verify(&key, "h").await.unwrap_err();
    assert!(
        e.is_signature() && e.to_string().contains("replayed"),
        "{e}"
    );
}

/// A Unix time as a UTC date-time.
fn at(ts: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(ts, 0).unwrap()
}
