//! Keygen's license and machine files and signed keys under every signing algorithm (Ed25519,
//! RSA-PSS, RSA PKCS#1, ECDSA), checked out from the emulator for the canary license: the
//! verified files, the account's keys, and every refusal (another account's keys, a key not
//! given, a changed byte, the wrong license key or fingerprint) shown.

use keyward_emulator::keygen::KeygenEmulator;
use keyward_keygen::{
    AccountKeys, CheckoutOptions, Client, KeyScheme, LicenseFile, MachineFile, PublicKey,
    SecretLicenseKey, SignedKey,
};

use crate::check::{KEYGEN_TOKEN, LICENSE_KEY, Shown};
use crate::rig::Emulators;

/// The machine's fingerprint: not a secret (the guard's is a hash of the machine id).
const FINGERPRINT: &str = "fp-keygen-files";

const ALGORITHMS: [&str; 4] = ["ed25519", "rsa-pss-sha256", "rsa-sha256", "ecdsa-p256"];

fn client(keygen: &KeygenEmulator) -> Client {
    Client::builder()
        .base_url(keygen.uri())
        .account(keygen.account_id())
        .token(KEYGEN_TOKEN)
        .public_key(&keygen.public_key_hex())
        .rsa_public_key(&keygen.rsa_public_key_pem())
        .ecdsa_public_key(&keygen.ecdsa_public_key_pem())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Returns the number of files checked.
pub(crate) async fn all(emulators: &Emulators, shown: &Shown) -> usize {
    let keygen = &emulators.keygen;
    let id = &emulators.ids[6];
    let Some(machine) = keygen.add_instance(id, FINGERPRINT) else {
        panic!("the canary license takes a machine");
    };
    let client = client(keygen);
    let keys = client.account_keys();
    shown.debug("keygen account keys", keys);
    shown.debug("keygen client with every key", &client);
    let other = KeygenEmulator::start().await;
    let foreign = client_keys_of(&other);
    let license_key = SecretLicenseKey::new(LICENSE_KEY);
    let wrong_key = SecretLicenseKey::new("LK-not-the-canary");
    let mut checked = 0;
    for signing in ALGORITHMS {
        let mut options = CheckoutOptions::default();
        options.algorithm = Some(format!("aes-256-gcm+{signing}"));
        let license = client.licenses().check_out(id, &options).await;
        shown.result("keygen license check-out", &license);
        let Ok(license) = license else { continue };
        let certificate = license.into_data().attributes.certificate;
        for (what, verified) in [
            (
                "verified",
                LicenseFile::verify(&certificate, keys, Some(&license_key)),
            ),
            (
                "foreign keys",
                LicenseFile::verify(&certificate, &foreign, Some(&license_key)),
            ),
            (
                "no key",
                LicenseFile::verify(&certificate, &AccountKeys::new(), Some(&license_key)),
            ),
            (
                "wrong license key",
                LicenseFile::verify(&certificate, keys, Some(&wrong_key)),
            ),
            (
                "no license key",
                LicenseFile::verify(&certificate, keys, None),
            ),
            (
                "changed",
                LicenseFile::verify(&changed(&certificate), keys, Some(&license_key)),
            ),
        ] {
            shown.result(&format!("keygen {signing} license file: {what}"), &verified);
            checked += 1;
        }
        options.include = vec!["license".into()];
        let file = client.machines().check_out(&machine, &options).await;
        shown.result("keygen machine check-out", &file);
        let Ok(file) = file else { continue };
        let certificate = file.into_data().attributes.certificate;
        let ed25519 =
            PublicKey::from_hex(&keygen.public_key_hex()).unwrap_or_else(|e| panic!("{e}"));
        for (what, verified) in [
            (
                "verified",
                MachineFile::verify(&certificate, keys, Some((&license_key, FINGERPRINT))),
            ),
            (
                "other machine",
                MachineFile::verify(&certificate, keys, Some((&license_key, "fp"))),
            ),
            (
                "ed25519 only",
                MachineFile::verify(&certificate, &ed25519, Some((&license_key, FINGERPRINT))),
            ),
        ] {
            shown.result(&format!("keygen {signing} machine file: {what}"), &verified);
            checked += 1;
        }
    }
    // A license key itself checked as a signed key of every scheme: refused, never shown.
    for scheme in [
        "ED25519_SIGN",
        "RSA_2048_PKCS1_PSS_SIGN_V2",
        "ECDSA_P256_SIGN",
    ] {
        let Some(scheme) = KeyScheme::from_name(scheme) else {
            continue;
        };
        let signed = format!("key/{LICENSE_KEY}.{LICENSE_KEY}");
        let refused = SignedKey::verify(&SecretLicenseKey::new(signed), keys, scheme);
        shown.result("keygen signed key", &refused);
        checked += 1;
    }
    checked
}

/// Another account's keys.
fn client_keys_of(other: &KeygenEmulator) -> AccountKeys {
    client(other).account_keys().clone()
}

/// The certificate with one character of its body changed.
fn changed(certificate: &str) -> String {
    let mut lines: Vec<String> = certificate.lines().map(str::to_owned).collect();
    if let Some(line) = lines.get_mut(2) {
        let flipped = if line.starts_with('A') { "B" } else { "A" };
        line.replace_range(0..1, flipped);
    }
    lines.join("\n")
}
