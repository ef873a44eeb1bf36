//! features/api/v1/licenses/actions/checkouts.feature and machines/actions/checkouts.feature,
//! every signing algorithm (`abstract_checkout_service.rb` `SIGNING_ALGORITHMS`): the emulator
//! signs check-outs over HTTP with the account's Ed25519, RSA or ECDSA key, and the client
//! verifies each with the keys it was built with, and refuses it under another account's keys or
//! without the key its algorithm needs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use keyward_keygen::{
    AccountKeys, CheckoutOptions, Client, LicenseFile, MachineFile, PublicKey, RsaPublicKey,
    SecretLicenseKey, SigningAlgorithm,
};

const KEY: &str = "CHECKOUT-ALGS-0001";

/// An app of the emulator's account holding all three of its public keys, as Keygen shows them.
fn app(emulator: &KeygenEmulator, key: &str) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
        .rsa_public_key(&emulator.rsa_public_key_pem())
        .ecdsa_public_key(&emulator.ecdsa_public_key_pem())
        .license_key(SecretLicenseKey::new(key))
        .build()
        .unwrap()
}

fn options(algorithm: Option<&str>, encrypt: bool) -> CheckoutOptions {
    let mut options = CheckoutOptions::default();
    options.algorithm = algorithm.map(str::to_owned);
    options.encrypt = encrypt;
    options
}

#[tokio::test]
async fn every_algorithm_keygen_signs_with_verifies_over_http() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new(KEY));
    let machine = emulator.add_instance(&id, "fp-1").unwrap();
    let client = app(&emulator, KEY);
    let keys = client.account_keys();
    let license_key = SecretLicenseKey::new(KEY);
    let foreign = other_account_keys().await;
    let ed25519 = PublicKey::from_hex(&emulator.public_key_hex()).unwrap();
    for algorithm in [
        SigningAlgorithm::Ed25519,
        SigningAlgorithm::RsaPssSha256,
        SigningAlgorithm::RsaSha256,
        SigningAlgorithm::EcdsaP256,
    ] {
        for encrypt in [false, true] {
            let encoding = if encrypt { "aes-256-gcm" } else { "base64" };
            let alg = format!("{encoding}+{algorithm}");
            let asked = options(Some(&alg), false);
            let license = client.licenses().check_out(&id, &asked).await.unwrap();
            let certificate = &license.into_data().attributes.certificate;
            let file = LicenseFile::verify(certificate, keys, Some(&license_key)).unwrap();
            assert_eq!(
                (file.algorithm, file.encrypted),
                (algorithm, encrypt),
                "{alg}"
            );
            assert_eq!(file.data.id, id);

            let mut asked = asked;
            asked.include = vec!["license".into()];
            let sealed = client.machines().check_out(&machine, &asked).await.unwrap();
            let certificate = &sealed.into_data().attributes.certificate;
            let file = MachineFile::verify(certificate, keys, Some((&license_key, "fp-1")));
            let file = file.unwrap();
            assert_eq!(
                (file.algorithm, file.encrypted),
                (algorithm, encrypt),
                "{alg}"
            );
            assert_eq!(file.data.attributes.fingerprint, "fp-1");
            assert_eq!(file.license().unwrap().id, id);
            // The same bytes under another account's keys, or without this algorithm's key.
            let err = MachineFile::verify(certificate, &foreign, Some((&license_key, "fp-1")));
            assert!(err.unwrap_err().is_signature(), "{alg}");
            if algorithm != SigningAlgorithm::Ed25519 {
                let err = MachineFile::verify(certificate, &ed25519, Some((&license_key, "fp-1")));
                assert!(err.unwrap_err().is_config(), "{alg}");
            }
        }
    }
}

/// Keys of another emulator (another account), the Ed25519 one included.
async fn other_account_keys() -> AccountKeys {
    let other = KeygenEmulator::start().await;
    AccountKeys::new()
        .with_ed25519(PublicKey::from_bytes([3; 32]))
        .with_rsa(RsaPublicKey::from_pem(&other.rsa_public_key_pem()).unwrap())
        .with_ecdsa(
            keyward_keygen::EcdsaPublicKey::from_pem(&other.ecdsa_public_key_pem()).unwrap(),
        )
}

/// Without an algorithm, the license's key scheme chooses (`license_checkout_service.rb`).
#[tokio::test]
async fn the_key_scheme_chooses_the_signing_when_none_is_asked() {
    let emulator = KeygenEmulator::start().await;
    for (scheme, algorithm) in [
        ("RSA_2048_PKCS1_PSS_SIGN_V2", SigningAlgorithm::RsaPssSha256),
        ("RSA_2048_PKCS1_SIGN_V2", SigningAlgorithm::RsaSha256),
        ("ECDSA_P256_SIGN", SigningAlgorithm::EcdsaP256),
        ("ED25519_SIGN", SigningAlgorithm::Ed25519),
    ] {
        let key = format!("SCHEME-{scheme}");
        let id = emulator.add_license(LicenseSeed::new(&key).scheme(scheme));
        let client = app(&emulator, &key);
        let checkout = client.licenses().check_out(&id, &options(None, true)).await;
        let certificate = &checkout.unwrap().into_data().attributes.certificate;
        let license_key = SecretLicenseKey::new(&key);
        let file = LicenseFile::verify(certificate, client.account_keys(), Some(&license_key));
        assert_eq!(file.unwrap().algorithm, algorithm, "{scheme}");
        // The downloaded certificate (`GET`) is the same kind of file.
        let plain = options(None, false);
        let downloaded = client.licenses().download_file(&id, &plain).await.unwrap();
        let file = LicenseFile::verify(&downloaded, client.account_keys(), None).unwrap();
        assert_eq!(file.algorithm, algorithm, "{scheme}");
    }
}
