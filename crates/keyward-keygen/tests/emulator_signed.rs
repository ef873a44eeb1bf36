//! What the Keygen emulator signs, verified by the client: check-out files offline, answers
//! refused when tampered or unsigned, and the genuine license documents it seeds from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use keyward_keygen::{
    CheckoutOptions, Client, FileStanding, LicenseFile, MachineFile, Patch, PublicKey,
    SecretLicenseKey, ValidationCode, ValidationScope,
};

use crate::emulator::{admin, app, code};

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
