//! The guard over Keygen's emulator: a valid machine-scoped check keeps the machine's file
//! (encrypted, signed) as the lease; offline, the guard grants time until the file's signed
//! expiry at most, and the lease is verified again (signature, decryption for this key and
//! machine) before every use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(all(feature = "guard", feature = "keygen"))]

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use keyward::guard::{Fingerprint, Guard, Policy, Standing, Unsealed};
use keyward::{KeygenProvider, LicenseProvider};
use keyward_core::{FixedClock, SecretLicenseKey};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};

const KEY: &str = "GUARD-KEYGEN-CANARY-7c1d";
const SECRET: &str = "CANARY-APP-SECRET-5f1e2d3c4b5a";
const SALT: &str = "com.example.guard-tests";
/// The emulator's (and Keygen's) default check-out TTL: a month.
const FILE_TTL: TimeDelta = TimeDelta::seconds(2_629_746);

fn provider(base_url: &str, account: &str, public_key: &str) -> Arc<dyn LicenseProvider> {
    let client = keyward::keygen::Client::builder()
        .base_url(base_url)
        .account(account)
        .public_key(public_key)
        .build()
        .unwrap();
    Arc::new(KeygenProvider::new(client))
}

fn guard(
    provider: Arc<dyn LicenseProvider>,
    dir: &std::path::Path,
    clock: &Arc<FixedClock>,
    machine: &str,
) -> Guard {
    Guard::builder(provider, KEY)
        .app_secret(SECRET)
        .unwrap()
        .fingerprint(Fingerprint::from_id(machine, SALT).unwrap())
        .state_dir(dir)
        .policy(Policy::default().grace(TimeDelta::days(90)))
        .clock(clock.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_machine_file_is_the_lease_and_offline_time_ends_at_its_signed_expiry() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_license(LicenseSeed::new(KEY).max_machines(2));
    let account = emulator.account_id();
    let online_provider = provider(&emulator.uri(), &account, &emulator.public_key_hex());
    let refused = keyward_test_support::refused_url().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let online = guard(online_provider.clone(), dir.path(), &clock, "laptop");
    let offline = guard(
        provider(&refused, &account, &emulator.public_key_hex()),
        dir.path(),
        &clock,
        "laptop",
    );

    assert!(online.check().await.is_licensed());
    let lease = online
        .stored_state()
        .unwrap()
        .lease
        .expect("a machine file is kept");
    assert!((lease.signed_at - Utc::now()).abs() < TimeDelta::minutes(1));
    assert_eq!(lease.valid_until, Some(lease.signed_at + FILE_TTL));
    assert!(!lease.proof.contains(KEY), "the key is not kept in clear");
    assert!(lease.proof.contains("-----BEGIN MACHINE FILE-----"));
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(KEY));
    }

    // Offline for 20 days under a 90-day grace: the file's signed expiry is the end.
    clock.advance(TimeDelta::days(20));
    let v = offline.check().await;
    let Standing::Licensed { grace: Some(grace) } = v.standing else {
        panic!("{v}")
    };
    assert_eq!(grace.lease_ends_at, lease.valid_until);
    assert!(v.to_string().contains("signed lease runs until"), "{v}");

    // Past the file's expiry (well within the 90 days): no longer licensed.
    clock.set(lease.valid_until.unwrap() + TimeDelta::minutes(1));
    let v = offline.check().await;
    assert!(!v.is_licensed(), "{v}");

    // A provider pinning another account's key cannot verify the lease.
    let other_key = keyward::keygen::SigningKey::generate()
        .unwrap()
        .public_key();
    let strangers = guard(
        provider(&refused, &account, &other_key.to_hex()),
        dir.path(),
        &clock,
        "laptop",
    );
    assert_eq!(strangers.stored_state(), Err(Unsealed::BadLease));
}

#[tokio::test]
async fn a_lease_verifies_only_for_its_own_key_and_machine() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_license(LicenseSeed::new(KEY).max_machines(2));
    let app = provider(
        &emulator.uri(),
        &emulator.account_id(),
        &emulator.public_key_hex(),
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(Utc::now()));
    let online = guard(app.clone(), dir.path(), &clock, "desk");
    assert!(online.check().await.is_licensed());
    let lease = online.stored_state().unwrap().lease.unwrap();

    let key = SecretLicenseKey::new(KEY);
    let again = app.verify_lease(&key, &lease.proof).unwrap();
    assert_eq!(again, lease);
    // Another key cannot decrypt it.
    let other = SecretLicenseKey::new("ANOTHER-KEY");
    assert!(app.verify_lease(&other, &lease.proof).is_err());
    // The fingerprint kept beside it changed: it does not decrypt either.
    let moved = lease.proof.replacen("machine-", "machine-0", 1);
    assert!(app.verify_lease(&key, &moved).is_err());
    // One character of the certificate changed: the signature fails.
    let proof: serde_json::Value = serde_json::from_str(&lease.proof).unwrap();
    let certificate = proof["machine_file"].as_str().unwrap();
    let line = certificate.lines().nth(1).unwrap();
    let flipped: String = line
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 5 {
                if c == 'A' { 'B' } else { 'A' }
            } else {
                c
            }
        })
        .collect();
    let tampered = serde_json::json!({
        "fingerprint": proof["fingerprint"],
        "machine_file": certificate.replacen(line, &flipped, 1),
    });
    assert!(app.verify_lease(&key, &tampered.to_string()).is_err());
    assert!(app.verify_lease(&key, "not a lease").is_err());
}

/// A license whose key scheme makes Keygen sign its files with the account's RSA or ECDSA key
/// (`machine_checkout_service.rb`): with that key given, its machine file is the lease and
/// verifies again; with only the Ed25519 key, no lease is kept (the validation stands).
#[tokio::test]
async fn a_machine_file_signed_with_the_schemes_key_is_the_lease_when_that_key_is_given() {
    for scheme in [
        "RSA_2048_PKCS1_PSS_SIGN_V2",
        "RSA_2048_PKCS1_SIGN_V2",
        "ECDSA_P256_SIGN",
    ] {
        let emulator = KeygenEmulator::start().await;
        emulator.add_license(LicenseSeed::new(KEY).scheme(scheme).max_machines(2));
        let client = keyward::keygen::Client::builder()
            .base_url(emulator.uri())
            .account(emulator.account_id())
            .public_key(&emulator.public_key_hex())
            .rsa_public_key(&emulator.rsa_public_key_pem())
            .ecdsa_public_key(&emulator.ecdsa_public_key_pem())
            .build()
            .unwrap();
        let app: Arc<dyn LicenseProvider> = Arc::new(KeygenProvider::new(client));
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::new(Utc::now()));
        let online = guard(app.clone(), dir.path(), &clock, "desk");
        assert!(online.check().await.is_licensed(), "{scheme}");
        let lease = online.stored_state().unwrap().lease.unwrap();
        let key = SecretLicenseKey::new(KEY);
        assert_eq!(app.verify_lease(&key, &lease.proof).unwrap(), lease);

        let ed25519_only = provider(
            &emulator.uri(),
            &emulator.account_id(),
            &emulator.public_key_hex(),
        );
        let err = ed25519_only.verify_lease(&key, &lease.proof).unwrap_err();
        assert!(err.is_config(), "{scheme}: {err}");
        let dir = tempfile::tempdir().unwrap();
        let without = guard(ed25519_only, dir.path(), &clock, "laptop");
        assert!(without.check().await.is_licensed(), "{scheme}");
        assert_eq!(without.stored_state().unwrap().lease, None, "{scheme}");
    }
}
