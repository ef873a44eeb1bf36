//! The client against the Keygen emulator, every answer signed and verified: each test names the
//! keygen-api feature file (`features/api/v1/…`) whose behaviour it follows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use keyward_emulator::WebhookTarget;
use keyward_emulator::keygen::{ExpirationStrategy, KeygenEmulator, LicenseSeed};
use keyward_keygen::webhooks::{WebhookEndpoint, verify_and_parse};
use keyward_keygen::{
    CheckoutOptions, Client, FileStanding, LicenseFile, MachineFile, NewMachine, Patch, PublicKey,
    SecretLicenseKey, ValidationCode, ValidationScope,
};

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

fn app(emulator: &KeygenEmulator, key: &str) -> Client {
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
fn anonymous(emulator: &KeygenEmulator) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
        .build()
        .unwrap()
}

async fn code(client: &Client, key: &str, scope: &ValidationScope) -> ValidationCode {
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

/// features/api/v1/licenses/actions/checkouts.feature and machines/actions/checkouts.feature:
/// files signed with the account key, encrypted with the key (and fingerprint), with a TTL.
#[tokio::test]
async fn checked_out_files_verify_and_decrypt_offline() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("FILE-KEY").entitlements(["PRO"]));
    let machine = emulator.add_instance(&id, "fp-9").unwrap();
    let client = app(&emulator, "FILE-KEY");
    let key = PublicKey::from_hex(&emulator.public_key_hex()).unwrap();
    let license_key = SecretLicenseKey::new("FILE-KEY");

    let mut options = CheckoutOptions::default();
    options.ttl = Patch::Set(3600);
    let plain = client
        .licenses()
        .check_out(&id, &options)
        .await
        .unwrap()
        .into_data();
    let file = LicenseFile::verify(&plain.attributes.certificate, &key, None).unwrap();
    assert_eq!(file.data.id, id);
    assert_eq!(file.meta.ttl, Some(3600));
    let issued = file.meta.issued.unwrap();
    assert_eq!(
        file.standing(issued + chrono::Duration::seconds(3601)),
        FileStanding::Expired
    );

    options.encrypt = true;
    options.include = vec!["license".into()];
    let sealed = client
        .machines()
        .check_out(&machine, &options)
        .await
        .unwrap()
        .into_data();
    assert_eq!(
        sealed.attributes.algorithm.as_deref(),
        Some("aes-256-gcm+ed25519")
    );
    let certificate = &sealed.attributes.certificate;
    let file = MachineFile::verify(certificate, &key, Some((&license_key, "fp-9"))).unwrap();
    assert_eq!(file.data.attributes.fingerprint, "fp-9");
    assert_eq!(file.license().unwrap().id, id);
    // On another machine (another fingerprint) the file cannot be opened.
    assert!(
        MachineFile::verify(certificate, &key, Some((&license_key, "fp-0")))
            .unwrap_err()
            .is_signature()
    );
    let downloaded = client
        .licenses()
        .download_file(&id, &CheckoutOptions::default())
        .await
        .unwrap();
    assert!(LicenseFile::verify(&downloaded, &key, None).is_ok());
    let mut short = CheckoutOptions::default();
    short.ttl = Patch::Set(60);
    let err = client.licenses().check_out(&id, &short).await.unwrap_err();
    assert_eq!(err.provider_code(), Some("CHECKOUT_TTL_INVALID"));
}

/// features/api/v1/licenses/show.feature, index.feature and update.feature, and the admin
/// actions: suspend, reinstate, renew, revoke.
#[tokio::test]
async fn admin_calls_change_the_license_and_signed_webhooks_tell_of_it() {
    let emulator = KeygenEmulator::start().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let hook_url = format!("{}/keygen/hooks", receiver.uri());
    emulator
        .set_webhooks(WebhookTarget::new(&hook_url, emulator.signing_seed_hex()).attempts(1))
        .unwrap();
    let id = emulator.add_license(LicenseSeed::new("ADMIN-KEY").duration(86_400));
    for n in 0..3 {
        emulator.add_license(LicenseSeed::new(format!("LIST-{n}")));
    }
    let client = admin(&emulator);
    assert_eq!(
        client
            .licenses()
            .get("ADMIN-KEY")
            .await
            .unwrap()
            .into_data()
            .id,
        id
    );
    let pages: Vec<_> = futures_util::TryStreamExt::try_collect(
        client.licenses().list().page(1).per_page(2).pages(),
    )
    .await
    .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        [2, 2]
    );
    let cursor: Vec<_> = futures_util::TryStreamExt::try_collect(
        client.licenses().list().cursor(None).per_page(3).stream(),
    )
    .await
    .unwrap();
    assert_eq!(cursor.len(), 4);
    let suspended = client.licenses().suspend(&id).await.unwrap().into_data();
    assert!(suspended.attributes.suspended);
    assert_eq!(
        client.licenses().suspend(&id).await.unwrap_err().status(),
        Some(422)
    );
    client.licenses().reinstate(&id).await.unwrap();
    let renewed = client.licenses().renew(&id).await.unwrap().into_data();
    assert!(renewed.attributes.expiry.is_some());
    client.licenses().revoke(&id).await.unwrap();
    assert!(client.licenses().get(&id).await.unwrap_err().is_not_found());
    // A license key cannot reach the admin calls, even when it sends them.
    let app = app(&emulator, "LIST-0").with_license_key(SecretLicenseKey::new("LIST-0"));
    assert!(app.licenses().suspend("x").await.unwrap_err().is_config());

    let deliveries = emulator.wait_for_webhooks(8, Duration::from_secs(10)).await;
    let events: Vec<&str> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    assert!(
        events.contains(&"license.suspended") && events.contains(&"license.revoked"),
        "{events:?}"
    );
    let received = receiver.received_requests().await.unwrap();
    let endpoint = WebhookEndpoint::new(&hook_url).unwrap();
    let key = PublicKey::from_hex(&emulator.public_key_hex()).unwrap();
    for request in &received {
        let event = verify_and_parse(
            &key,
            &endpoint,
            &request.headers,
            &request.body,
            chrono::Utc::now(),
            Duration::from_secs(300),
        )
        .unwrap();
        assert!(event.attributes.event.starts_with("license."));
    }
    assert!(!received.is_empty());
}

/// Signed answers: a tampered or unsigned answer is refused; an outage is an error, not a verdict.
#[tokio::test]
async fn tampered_unsigned_and_unavailable_answers_are_errors() {
    let emulator = KeygenEmulator::start().await;
    emulator.add_license(LicenseSeed::new("SIGNED"));
    let client = app(&emulator, "SIGNED");
    assert_eq!(
        code(&client, "SIGNED", &ValidationScope::default()).await,
        ValidationCode::Valid
    );
    emulator.set_tampering(true);
    let err = refused(&client).await;
    assert!(err.is_signature(), "{err}");
    emulator.set_tampering(false);
    emulator.set_signed_responses(false);
    let err = refused(&client).await;
    assert!(err.is_signature(), "{err}");
    emulator.set_signed_responses(true);
    emulator.outage(keyward_emulator::Outage::Refuse);
    let err = refused(&client).await;
    assert!(err.is_network(), "{err}");
    emulator.restore();
    // The emulator's clock signs the Date: a client whose clock is far off refuses it.
    emulator.advance(chrono::Duration::hours(1));
    let err = refused(&client).await;
    assert!(err.is_signature(), "{err}");
}

/// The error a validation of `SIGNED` comes back with.
async fn refused(client: &Client) -> keyward_keygen::LicenseError {
    let key = SecretLicenseKey::new("SIGNED");
    let scope = ValidationScope::default();
    client
        .licenses()
        .validate_key(&key, &scope)
        .await
        .unwrap_err()
}

/// The emulator seeds from Keygen's genuine license documents (fixtures/keygen).
#[tokio::test]
async fn seeds_from_the_genuine_license_documents() {
    let emulator = KeygenEmulator::start().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/keygen");
    assert_eq!(emulator.seed_from_dir(dir).unwrap(), 2);
    let license = emulator
        .license("988214-879010-F1185E-B37E91-E53AF5-V3")
        .unwrap();
    assert_eq!(license.id, "5224caee-595b-44cc-bac9-d01787642bac");
    let client = admin(&emulator);
    let got = client
        .licenses()
        .get(&license.id)
        .await
        .unwrap()
        .into_data();
    assert_eq!(got.attributes.max_machines, Some(1));
}
