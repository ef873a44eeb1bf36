//! The client against the Keygen emulator, every answer signed and verified: each test names the
//! keygen-api feature file (`features/api/v1/…`) whose behaviour it follows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{ExpirationStrategy, KeygenEmulator, LicenseSeed};
use keyward_keygen::{Client, NewMachine, SecretLicenseKey, ValidationCode, ValidationScope};

/// A client holding the emulator's admin token.
pub(crate) fn admin(emulator: &KeygenEmulator) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .token(emulator.api_key())
        .public_key(&emulator.public_key_hex())
        .build()
        .unwrap()
}

pub(crate) fn app(emulator: &KeygenEmulator, key: &str) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
        .license_key(SecretLicenseKey::new(key))
        .build()
        .unwrap()
}

/// A client without credentials, as an app is before it holds a license key: Keygen refuses one
/// license's credential validating another license's key (`license_policy.rb`'s
/// `validate_key?`), so keys of several licenses are validated this way.
pub(crate) fn anonymous(emulator: &KeygenEmulator) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
        .build()
        .unwrap()
}

pub(crate) async fn code(client: &Client, key: &str, scope: &ValidationScope) -> ValidationCode {
    let answer = client
        .licenses()
        .validate_key(&SecretLicenseKey::new(key), scope)
        .await
        .unwrap();
    answer.code().clone()
}

/// features/api/v1/licenses/actions/validations.feature: codes in the server's order.
#[tokio::test]
async fn validation_codes_follow_the_validation_service_order() {
    let emulator = KeygenEmulator::start().await;
    let now = chrono::Utc::now();
    let strict = emulator.add_license(
        LicenseSeed::new("STRICT")
            .strict(true)
            .entitlements(["PRO"]),
    );
    emulator.add_license(LicenseSeed::new("SUSPENDED").suspended(true));
    emulator.add_license(
        LicenseSeed::new("REVOKED")
            .expiry(now - chrono::Duration::days(1))
            .expiration_strategy(ExpirationStrategy::RevokeAccess),
    );
    emulator.add_license(
        LicenseSeed::new("ALLOWED")
            .expiry(now - chrono::Duration::days(1))
            .expiration_strategy(ExpirationStrategy::AllowAccess),
    );
    let client = app(&emulator, "STRICT");
    let anonymous = anonymous(&emulator);
    let none = ValidationScope::default();
    let fingerprint = ValidationScope::fingerprint("fp-1");
    assert_eq!(
        code(&anonymous, "NOPE", &none).await,
        ValidationCode::NotFound
    );
    let refused = client
        .licenses()
        .validate_key(&SecretLicenseKey::new("SUSPENDED"), &none)
        .await
        .unwrap_err();
    assert_eq!(refused.http().map(|h| h.status), Some(403));
    assert_eq!(
        code(&anonymous, "SUSPENDED", &none).await,
        ValidationCode::Suspended
    );
    assert_eq!(
        code(&anonymous, "REVOKED", &none).await,
        ValidationCode::Expired
    );
    let allowed = anonymous
        .licenses()
        .validate_key(&SecretLicenseKey::new("ALLOWED"), &none)
        .await
        .unwrap();
    assert!(allowed.is_valid() && allowed.code() == &ValidationCode::Expired);
    assert_eq!(
        code(&anonymous, "STRICT", &none).await,
        ValidationCode::NoMachine
    );
    assert_eq!(
        code(&anonymous, "STRICT", &fingerprint).await,
        ValidationCode::NoMachine
    );
    assert_eq!(
        code(
            &anonymous,
            "STRICT",
            &ValidationScope::default().with_entitlements(["ENT"])
        )
        .await,
        ValidationCode::EntitlementsMissing
    );
    assert_eq!(
        code(
            &anonymous,
            "STRICT",
            &ValidationScope::default().with_product("other")
        )
        .await,
        ValidationCode::ProductScopeMismatch
    );
    client
        .machines()
        .activate(&NewMachine::new(&strict, "fp-1"))
        .await
        .unwrap();
    assert_eq!(
        code(&anonymous, "STRICT", &ValidationScope::fingerprint("fp-2")).await,
        ValidationCode::FingerprintScopeMismatch
    );
    let valid = client
        .licenses()
        .validate_key(
            &SecretLicenseKey::new("STRICT"),
            &fingerprint.with_entitlements(["PRO"]),
        )
        .await
        .unwrap();
    assert!(valid.is_valid(), "{:?}", valid.meta);
    assert_eq!(valid.data.unwrap().id, strict);
    // Validation by id with the license key, and the nonce echoed under the signature.
    let by_id = client
        .licenses()
        .validate(&strict, &ValidationScope::fingerprint("fp-1"), Some(42))
        .await
        .unwrap();
    assert_eq!(
        (by_id.code(), by_id.meta.nonce),
        (&ValidationCode::Valid, Some(42))
    );
}

/// features/api/v1/machines/create.feature and destroy.feature: the limit, a taken fingerprint,
/// deactivation by fingerprint.
#[tokio::test]
async fn machines_respect_the_limit_and_deactivate_by_fingerprint() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-2").floating(true).max_machines(2));
    emulator.add_license(LicenseSeed::new("OTHER"));
    let client = app(&emulator, "KEY-2");
    client
        .machines()
        .activate(&NewMachine::new(&id, "a"))
        .await
        .unwrap();
    let taken = client
        .machines()
        .activate(&NewMachine::new(&id, "a"))
        .await
        .unwrap_err();
    assert_eq!(
        (taken.status(), taken.provider_code()),
        (Some(422), Some("FINGERPRINT_TAKEN"))
    );
    client
        .machines()
        .activate(&NewMachine::new(&id, "b"))
        .await
        .unwrap();
    let full = client
        .machines()
        .activate(&NewMachine::new(&id, "c"))
        .await
        .unwrap_err();
    assert_eq!(full.provider_code(), Some("MACHINE_LIMIT_EXCEEDED"));
    let listed = client.machines().list().license(&id).send().await.unwrap();
    assert_eq!(listed.data.len(), 2);
    client.machines().deactivate("a").await.unwrap();
    assert_eq!(emulator.instances(&id).len(), 1);
    // Another license's key may not act on this license.
    let other = app(&emulator, "OTHER");
    let err = other
        .machines()
        .activate(&NewMachine::new(&id, "z"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let unknown = app(&emulator, "UNKNOWN")
        .machines()
        .get("b")
        .await
        .unwrap_err();
    assert_eq!(
        (unknown.status(), unknown.provider_code()),
        (Some(401), Some("LICENSE_INVALID"))
    );
}

/// features/api/v1/machines/actions/heartbeats.feature: a machine activated under a policy that
/// requires heartbeats starts with one (`heartbeat_basis` `FROM_CREATION`, validations.feature
/// "requires a machine heartbeat (not started)" is VALID); a ping keeps it alive; without one
/// past the duration, validation says HEARTBEAT_DEAD. A machine that never sent one (seeded) is
/// HEARTBEAT_NOT_STARTED.
#[tokio::test]
async fn heartbeats_keep_machines_alive_on_the_emulator_clock() {
    let emulator = KeygenEmulator::start().await;
    let start = chrono::Utc::now();
    emulator.set_now(start);
    let id = emulator.add_license(LicenseSeed::new("HB").strict(true).require_heartbeat(600));
    let client = Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .license_key(SecretLicenseKey::new("HB"))
        .build()
        .unwrap();
    let machine = client
        .machines()
        .activate(&NewMachine::new(&id, "hb-1"))
        .await
        .unwrap()
        .into_data();
    let scope = ValidationScope::fingerprint("hb-1");
    assert_eq!(code(&client, "HB", &scope).await, ValidationCode::Valid);
    emulator.advance(chrono::Duration::seconds(300));
    let pinged = client
        .machines()
        .ping(&machine.id)
        .await
        .unwrap()
        .into_data();
    assert_eq!(
        pinged.attributes.heartbeat_status.unwrap().as_str(),
        "ALIVE"
    );
    emulator.advance(chrono::Duration::seconds(500));
    assert_eq!(code(&client, "HB", &scope).await, ValidationCode::Valid);
    emulator.advance(chrono::Duration::seconds(101));
    assert_eq!(
        code(&client, "HB", &scope).await,
        ValidationCode::HeartbeatDead
    );
    let seeded = emulator.add_license(LicenseSeed::new("HB2").require_heartbeat(600));
    emulator.add_instance(&seeded, "hb-2").unwrap();
    let hb2 = Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .license_key(SecretLicenseKey::new("HB2"))
        .build()
        .unwrap();
    assert_eq!(
        code(&hb2, "HB2", &ValidationScope::fingerprint("hb-2")).await,
        ValidationCode::HeartbeatNotStarted
    );
}
